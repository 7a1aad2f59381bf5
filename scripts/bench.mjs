#!/usr/bin/env node
// npm run bench [-- --json FILE] [--browser chromium|firefox] [--only matmul,topk,train,training,accuracy,latency] [--no-profile] [--no-tfjs] [--model M --epochs E --train-samples N --seed S] [--steps N]
//   [--frames N --sparsities LIST]
// Opens bench/ in the headless system Chromium (or Firefox) with WebGPU (scripts/page-runner.mjs),
// and prints the comparison table (ours vs TF.js WebGPU vs plain JS, same adapter, one run).
import { parseArgs } from 'node:util';
import { writeFileSync } from 'node:fs';
import { runPage, PAGE_BROWSERS } from './page-runner.mjs';

const USAGE = `usage: npm run bench -- [--json FILE] [--browser B] [--only LIST]
  --browser B          chromium (Dawn, default) or firefox (wgpu; FIREFOX_PATH or /usr/bin/firefox-esr)
  --only LIST          comma list of matmul, topk, train, training, accuracy, latency (default matmul,topk,train)
  --steps N            training steps timed by 'train' (default 40) and by 'training' (default 5 for
                       LeNet-5, 20 for LeNet-300-100)
  --no-profile         'training': skip the per-kernel profile of a LeNet-5 step
  --no-tfjs            'training': skip the TF.js loops
  --model M            'accuracy': lenet-300-100 or lenet-5 (default lenet-300-100);
                       'training': only this model (default both);
                       'latency': only this model (default both)
  --epochs E           'accuracy': epochs (default 15, lenet-5 12); 'latency': training epochs (default 1)
  --train-samples N    'accuracy': train on a seeded subset of N images (default all 55,000);
                       'latency': default 3,000 (lenet-300-100), 1,000 (lenet-5)
  --seed S             'accuracy', 'latency': seed (default 1)
  --frames N           'latency': timed frames per path (default and minimum 200)
  --sparsities LIST    'latency': comma list in [0, 1) (default 0,0.5,0.8,0.9,0.95,0.98; 0 is always run)`;
let args;
try {
  args = parseArgs({
    options: {
      json: { type: 'string' },
      browser: { type: 'string' },
      only: { type: 'string' },
      model: { type: 'string' },
      epochs: { type: 'string' },
      'train-samples': { type: 'string' },
      seed: { type: 'string' },
      steps: { type: 'string' },
      frames: { type: 'string' },
      sparsities: { type: 'string' },
      'no-profile': { type: 'boolean' },
      'no-tfjs': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  }).values;
} catch (e) {
  console.error(`bench: ${e.message}\n${USAGE}`);
  process.exit(2);
}
if (args.help) {
  console.log(USAGE);
  process.exit(0);
}
if (args.browser !== undefined && !PAGE_BROWSERS.includes(args.browser)) {
  console.error(`bench: --browser takes ${PAGE_BROWSERS.join(' or ')} (got ${JSON.stringify(args.browser)})`);
  process.exit(2);
}
const known = ['matmul', 'topk', 'train', 'training', 'accuracy', 'latency'];
if (args.only) {
  for (const o of args.only.split(',')) {
    if (!known.includes(o)) {
      console.error(`bench: --only takes a comma list of ${known.join(', ')} (got ${JSON.stringify(o)})`);
      process.exit(2);
    }
  }
}
const intFlag = (name, lo, hi) => {
  const v = args[name];
  if (v === undefined) return;
  const n = Number(v);
  if (!Number.isInteger(n) || n < lo || n > hi) {
    console.error(`bench: --${name} takes an integer in [${lo}, ${hi}] (got ${JSON.stringify(v)})`);
    process.exit(2);
  }
};
intFlag('epochs', 1, 1000);
intFlag('train-samples', 128, 55000);
intFlag('seed', 0, 2 ** 31 - 1);
intFlag('steps', 1, 10000);
intFlag('frames', 200, 100000);
if (args.sparsities !== undefined) {
  const list = args.sparsities.split(',').map(Number);
  if (list.some((v) => !Number.isFinite(v) || v < 0 || v >= 1)) {
    console.error(`bench: --sparsities takes a comma list of numbers in [0, 1) (got ${JSON.stringify(args.sparsities)})`);
    process.exit(2);
  }
  args.sparsities = [...new Set([0, ...list])].sort((a, b) => a - b).join(',');
}
if (args.model !== undefined && !['lenet-300-100', 'lenet-5'].includes(args.model)) {
  console.error(`bench: --model takes lenet-300-100 or lenet-5 (got ${JSON.stringify(args.model)})`);
  process.exit(2);
}
const query = new URLSearchParams();
for (const k of ['only', 'model', 'epochs', 'train-samples', 'seed', 'steps', 'frames', 'sparsities']) if (args[k] !== undefined) query.set(k, args[k]);
if (args['no-profile']) query.set('profile', '0');
if (args['no-tfjs']) query.set('tfjs', '0');

const out = await runPage(`bench/index.html?${query}`, { prefix: '[bench]', optimizeDeps: ['@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-webgpu'], browser: args.browser ?? 'chromium' });
if (out.error) {
  console.error(`bench failed: ${out.error}`);
  process.exit(1);
}
const r = out.result;
r.browser = out.browser;
const f = (x, d = 3) => (x === null || x === undefined ? '—' : Number(x).toFixed(d));
const named = [r.adapter.vendor, r.adapter.architecture, r.adapter.description].filter(Boolean).join(' / ') || 'not named by the browser';
console.log(`adapter: ${named} (${r.browser}, ${r.adapter.engine ?? r.adapter.backend}${r.adapter.isFallbackAdapter ? ', fallback adapter' : ''})`);
console.log(`timing: ${r.timing}\n`);
if (r.matmul) {
  console.log('Dense matmul, GFLOP/s (higher is better)');
  console.log('shape          | ours (version)  | ours naive | TF.js webgpu | plain JS | ours/TF.js | ours/JS');
  for (const m of r.matmul) {
    console.log(`${m.shape.padEnd(14)} | ${f(m.oursGflops).padStart(6)} (${m.variant.padEnd(7)}) | ${f(m.naiveGflops).padStart(10)} | ${f(m.tfjsGflops).padStart(12)} | ${f(m.jsGflops).padStart(8)} | ${f(m.vsTfjs, 2).padStart(9)}× | ${f(m.vsJs, 2).padStart(6)}×`);
  }
  console.log('');
}
if (r.topk) {
  console.log('Exact global top-k magnitude threshold (+ masks for ours), ms (lower is better)');
  console.log('weights    | sparsity | ours (GPU) | JS sort | tf.topk | JS sort/ours | tf.topk/ours | same threshold');
  for (const t of r.topk) {
    console.log(`${String(t.n).padEnd(10)} | ${f(t.sparsity, 2).padStart(8)} | ${f(t.oursMs, 1).padStart(10)} | ${f(t.jsSortMs, 1).padStart(7)} | ${(t.tfjsTopkMs === null ? 'failed' : f(t.tfjsTopkMs, 1)).padStart(7)} | ${f(t.vsJsSort, 2).padStart(11)}× | ${(t.vsTfjs === null ? '—' : `${f(t.vsTfjs, 2)}×`).padStart(12)} | ${t.thresholdsAgree}`);
    if (t.tfjsError) console.log(`  tf.topk error: ${t.tfjsError}`);
  }
}
if (r.train) {
  const t = r.train;
  console.log(`\nTraining throughput, ${t.model}, batch ${t.batch}, SGD momentum, ${t.steps} steps (samples/s, higher is better)`);
  console.log('ours       | TF.js webgpu | ours/TF.js');
  console.log(`${f(t.oursSamplesPerSec, 0).padStart(10)} | ${f(t.tfjsSamplesPerSec, 0).padStart(12)} | ${f(t.ratio, 2).padStart(9)}×`);
  if (t.oursUnnudgedSamplesPerSec !== null && t.oursUnnudgedSamplesPerSec !== undefined) {
    console.log(`(ours without the late-poll nudges, on the browser's own 100 ms poll: ${f(t.oursUnnudgedSamplesPerSec, 0)} samples/s)`);
  }
}
if (r.training) {
  console.log('\nTraining throughput, batch 128, SGD momentum 0.9, warm-up excluded (samples/s, higher is better)');
  console.log('model          | steps | ours direct | ours im2col | TF.js webgpu | ours best/TF.js');
  for (const t of r.training.rows) {
    const direct = t.ours.direct ?? t.ours.auto;
    const im2col = t.ours.im2col === undefined ? '(no conv)' : f(t.ours.im2col, 1);
    console.log(`${t.model.padEnd(14)} | ${String(t.steps).padStart(5)} | ${f(direct, 1).padStart(11)} | ${im2col.padStart(11)} | ${f(t.tfjs, 1).padStart(12)} | ${(t.ratio === null ? '—' : `${f(t.ratio, 2)}×`).padStart(15)}`);
  }
  for (const p of r.training.profile) {
    console.log(`\n${p.model} step on the ${p.path} conv path: ${f(p.totalMs, 0)} ms over ${p.kernels.length} dispatches (wall-clock each, one submit per kernel); the largest:`);
    for (const k of [...p.kernels].sort((a, b) => b.ms - a.ms).slice(0, 8)) console.log(`  ${f(k.ms, 1).padStart(8)} ms  ${f((100 * k.ms) / p.totalMs, 1).padStart(5)}%  ${k.label}`);
  }
}
if (r.accuracy) {
  const a = r.accuracy;
  console.log(`\nAccuracy run: ${a.model}, ${a.epochs} epochs, batch ${a.batch}, ${a.optimizer.type} lr ${a.optimizer.lr} ${a.schedule.type}, seed ${a.seed}, ${a.trainSamples} training images`);
  console.log('epoch | loss    | train acc | val acc');
  for (const e of a.perEpoch) console.log(`${String(e.epoch + 1).padStart(5)} | ${f(e.loss, 4)} | ${f(e.trainAccuracy, 4).padStart(9)} | ${f(e.validationAccuracy, 4)}`);
  console.log(`test accuracy ${f(a.testAccuracy * 100, 2)}% (error ${f(100 - a.testAccuracy * 100, 2)}%), macro-F1 ${f(a.testMacroF1, 4)}, ${f(a.timeMs / 60000, 1)} min`);
}
if (r.latencyText) {
  console.log(`\n${r.latencyText}`);
  delete r.latencyText;
}
if (args.json) {
  writeFileSync(args.json, JSON.stringify(r, null, 2));
  console.error(`wrote ${args.json}`);
}
