#!/usr/bin/env node
// The `prune-lab` executable: runs the CLI bundle built by `npm run build:cli`.
let cli;
try {
  cli = await import('../dist-cli/prune-lab.mjs');
} catch (e) {
  if (e && e.code === 'ERR_MODULE_NOT_FOUND' && String(e.message).includes('dist-cli')) {
    process.stderr.write('prune-lab: the CLI is not built yet; run `npm run build:cli` first.\n');
    process.exit(1);
  }
  throw e;
}
process.exitCode = await cli.main(process.argv.slice(2));
