#!/usr/bin/env node
// Issue #17's reproductions: reads the run reports in DIR (han-*.json, lottery-*.json,
// sparse-*.json, as han-lenet-300-100.sh, lottery-ticket.sh and sparse-vs-dense.sh write
// them) and prints the tables of README's "Reproductions" section, beside the papers' numbers.
// Usage: node docs/experiments/collect-reproductions.mjs [DIR]   (default docs/results)
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2] ?? 'docs/results';
const load = (f) => JSON.parse(readFileSync(join(dir, f), 'utf8'));
const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
const pct = (x, d = 2) => `${(100 * x).toFixed(d)}%`;
const min = (ms) => `${(ms / 60000).toFixed(0)} min`;
const layerSparsity = (e) => e.layers.map((l) => `${l.name} ${pct(l.sparsity, 1)}`).join(', ');

const han = files.filter((f) => /^han-.*\.json$/.test(f)).sort();
if (han.length) {
  console.log('Han et al. 2015, LeNet-300-100 (paper: 1.59% error at 92% sparsity, dense 1.64%; fc1 92%, fc2 91%, fc3 74%)\n');
  console.log('| recipe | baseline error | error | sparsity | per layer | run time |');
  console.log('|---|---|---|---|---|---|');
  for (const f of han) {
    const r = load(f);
    const p = r.config.prune;
    const o = r.config.train.optimizer;
    const recipe = `${f.replace(/^han-|\.json$/g, '')}: ${p.scope} ${p.schedule} ${p.rounds}×${p.finetuneEpochs} ep, ${o.type} lr ${p.finetuneLr ?? o.lr}${o.weightDecay ? ` wd ${o.weightDecay}` : ''}${r.config.train.schedule ? ` ${r.config.train.schedule.type}` : ''}`;
    console.log(`| ${recipe} | ${pct(1 - r.baseline.accuracy)} | ${pct(1 - r.final.accuracy)} | ${pct(r.final.sparsity, 1)} | ${layerSparsity(r.final)} | ${min(r.timeMs)} |`);
  }
  console.log();
}

for (const f of files.filter((x) => /^lottery-.*\.json$/.test(x))) {
  const r = load(f);
  const total = r.baseline.layers.reduce((t, l) => t + l.params, 0);
  console.log(`Lottery tickets (Frankle & Carbin 2019), ${r.model.name}: ${f}\n`);
  console.log('| round | weights left | ticket test acc. | ticket early-stop iter. (acc. there) | reinit test acc. | reinit early-stop iter. (acc. there) |');
  console.log('|---|---|---|---|---|---|');
  for (const e of [r.baseline, ...r.rounds]) {
    const left = e.layers.reduce((t, l) => t + l.nonzero, 0) / total;
    const es = (x) => (x ? `${x.iteration} (${pct(x.accuracyAtMin)})` : '–');
    console.log(`| ${e.round} | ${pct(left, 1)} | ${pct(e.accuracy)} | ${es(e.earlyStop)} | ${e.control ? pct(e.control.accuracy) : '–'} | ${es(e.control?.earlyStop)} |`);
  }
  console.log(`\nrun time ${min(r.timeMs)}\n`);
}

const sparse = files.filter((x) => /^sparse-.*\.json$/.test(x)).sort();
if (sparse.length) {
  console.log('Large-sparse vs small-dense (Zhu & Gupta 2017)\n');
  console.log('| model | non-zero weights | test accuracy | run time |');
  console.log('|---|---|---|---|');
  for (const f of sparse) {
    const r = load(f);
    const nz = r.final.layers.reduce((t, l) => t + l.nonzero, 0);
    console.log(`| ${f.replace(/^sparse-|\.json$/g, '')} (${r.model.name}) | ${nz.toLocaleString('en-US')} | ${pct(r.final.accuracy)} | ${min(r.timeMs)} |`);
  }
}
