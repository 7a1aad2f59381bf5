#!/usr/bin/env node
// node scripts/run-experiment.mjs CONFIG.json [--json OUT]
// Runs an experiment config in the headless system Chromium's WebGPU (the page
// face of the lab) and writes its report; prints one line per round.
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { runPage } from './page-runner.mjs';

const USAGE = 'usage: node scripts/run-experiment.mjs CONFIG.json [--json OUT]';
let parsed;
try {
  parsed = parseArgs({ options: { json: { type: 'string' } }, allowPositionals: true, strict: true });
} catch (e) {
  console.error(`run-experiment: ${e.message}\n${USAGE}`);
  process.exit(2);
}
if (parsed.positionals.length !== 1) {
  console.error(`run-experiment: give exactly one CONFIG.json\n${USAGE}`);
  process.exit(2);
}
const config = readFileSync(parsed.positionals[0], 'utf8');
const out = await runPage(`bench/experiment.html?config=${encodeURIComponent(JSON.stringify(JSON.parse(config)))}`);
if (out.error) {
  console.error(`run-experiment failed: ${out.error}`);
  process.exit(1);
}
const r = out.result;
r.browser = out.browser;
for (const e of [r.baseline, ...r.rounds].filter(Boolean)) {
  console.log(`round ${e.round}: sparsity ${(e.sparsity * 100).toFixed(2)}%, test error ${((1 - e.accuracy) * 100).toFixed(2)}%, macro-F1 ${e.macroF1.toFixed(4)}, ${e.layers.map((l) => `${l.name} ${(l.sparsity * 100).toFixed(1)}%`).join(', ')}`);
}
console.log(`status ${r.status}, ${(r.timeMs / 60000).toFixed(1)} min on ${r.adapter.vendor}/${r.adapter.architecture} (${r.browser})`);
if (parsed.values.json) writeFileSync(parsed.values.json, JSON.stringify(r, null, 2));
