// The page-vs-CLI accuracy check of docs/cli.md, run by hand (not a test: it takes
// minutes on SwiftShader):
//   node bin/prune-lab.mjs run … --json cli.json
//   node test/node/helpers/compare-accuracy.mjs cli.json
// runs the report's own config (same seed, subsets, schedule) in the page through
// bench/experiment.html (src/lab's runner) and prints both accuracies per round.
import { readFileSync } from 'node:fs';
import { runPage } from '../../../scripts/page-runner.mjs';

const file = process.argv[2];
if (!file) {
  console.error('usage: node test/node/helpers/compare-accuracy.mjs REPORT.json (a report written by prune-lab run --json)');
  process.exit(2);
}
const cli = JSON.parse(readFileSync(file, 'utf8'));
const t0 = Date.now();
const out = await runPage(`bench/experiment.html?config=${encodeURIComponent(JSON.stringify(cli.config))}`);
if (out.error) {
  console.error(`page failed: ${out.error}`);
  process.exit(1);
}
const page = out.result;
const entries = (r) => [r.baseline, ...r.rounds];
console.log(`CLI:  ${cli.adapter.description || cli.adapter.architecture} (${cli.adapter.backend}), ${(cli.timeMs / 1000).toFixed(1)} s`);
console.log(`page: ${page.adapter.vendor}/${page.adapter.architecture} (${out.browser}), ${(page.timeMs / 1000).toFixed(1)} s run, ${((Date.now() - t0) / 1000).toFixed(1)} s with page load`);
console.log('round  sparsity  CLI accuracy  page accuracy  difference (pp)');
entries(cli).forEach((c, i) => {
  const p = entries(page)[i];
  console.log(`${String(c.round).padEnd(5)}  ${c.sparsity.toFixed(4)}  ${(100 * c.accuracy).toFixed(2).padStart(11)}%  ${(100 * p.accuracy).toFixed(2).padStart(12)}%  ${(100 * (c.accuracy - p.accuracy)).toFixed(2).padStart(15)}`);
});
