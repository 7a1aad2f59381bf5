// The page-vs-CLI accuracy check of docs/cli.md, run by hand (not a test: it takes
// minutes on SwiftShader):
//   node bin/prune-lab.mjs run … --json cli.json
//   node test/node/helpers/compare-accuracy.mjs cli.json
// runs the report's own config (same seed, subsets, schedule) in the page through
// src/lab and prints both accuracies per round, in percentage points.
import { readFileSync } from 'node:fs';
import { runPage } from './page.mjs';

const file = process.argv[2];
if (!file) {
  console.error('usage: node test/node/helpers/compare-accuracy.mjs REPORT.json (a report written by prune-lab run --json)');
  process.exit(2);
}
const cli = JSON.parse(readFileSync(file, 'utf8'));
const t0 = Date.now();
const page = await runPage({ mode: 'run', config: JSON.stringify(cli.config) }, { onLog: (l) => console.error(l) });
const entries = (r) => [r.baseline, ...r.rounds];
console.log(`CLI:  ${cli.adapter.description || cli.adapter.architecture} (${cli.adapter.backend}), ${(cli.timeMs / 1000).toFixed(1)} s`);
console.log(`page: ${page.adapter.vendor} ${page.adapter.architecture} (Chromium ${page.browser}), ${(page.report.timeMs / 1000).toFixed(1)} s run, ${((Date.now() - t0) / 1000).toFixed(1)} s with page load`);
console.log('round  sparsity  CLI accuracy  page accuracy  difference (pp)');
entries(cli).forEach((c, i) => {
  const p = entries(page.report)[i];
  console.log(`${String(c.round).padEnd(5)}  ${c.sparsity.toFixed(4)}    ${(100 * c.accuracy).toFixed(2).padStart(10)}%  ${(100 * p.accuracy).toFixed(2).padStart(12)}%  ${(100 * (c.accuracy - p.accuracy)).toFixed(2).padStart(15)}`);
});
