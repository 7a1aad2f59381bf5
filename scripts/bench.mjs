#!/usr/bin/env node
// npm run bench [-- --json FILE] [--only matmul,topk]
// Serves bench/ with Vite, opens it in the headless system Chromium with WebGPU,
// and prints the comparison table (ours vs TF.js WebGPU vs plain JS, same adapter, one run).
import { parseArgs } from 'node:util';
import { writeFileSync } from 'node:fs';
import { createServer } from 'vite';
import { chromium } from 'playwright-core';
import { chromiumPath, chromiumArgs } from './chromium.mjs';

let args;
try {
  args = parseArgs({
    options: {
      json: { type: 'string' },
      only: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  }).values;
} catch (e) {
  console.error(`bench: ${e.message}\nusage: npm run bench -- [--json FILE] [--only matmul,topk]`);
  process.exit(2);
}
if (args.help) {
  console.log('usage: npm run bench -- [--json FILE] [--only matmul,topk]');
  process.exit(0);
}
const known = ['matmul', 'topk'];
if (args.only) {
  for (const o of args.only.split(',')) {
    if (!known.includes(o)) {
      console.error(`bench: --only takes a comma list of ${known.join(', ')} (got ${JSON.stringify(o)})`);
      process.exit(2);
    }
  }
}

const server = await createServer({ server: { port: 0, host: '127.0.0.1' }, logLevel: 'error', optimizeDeps: { include: ['@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-webgpu'] } });
await server.listen();
const url = `${server.resolvedUrls.local[0]}bench/index.html${args.only ? `?only=${args.only}` : ''}`;
const browser = await chromium.launch({ executablePath: chromiumPath(), headless: true, args: chromiumArgs });
let out;
try {
  const page = await browser.newPage();
  page.on('console', (m) => {
    if (m.text().startsWith('[bench]')) console.error(m.text());
  });
  page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
  await page.goto(url);
  await page.waitForFunction(() => window.__bench?.done === true, null, { timeout: 45 * 60_000, polling: 1000 });
  out = await page.evaluate(() => window.__bench);
  out.browser = browser.version();
} finally {
  await browser.close();
  await server.close();
}
if (out.error) {
  console.error(`bench failed: ${out.error}`);
  process.exit(1);
}
const r = out.result;
r.browser = `Chromium ${out.browser}`;
const f = (x, d = 3) => (x === null || x === undefined ? '—' : Number(x).toFixed(d));
console.log(`adapter: ${r.adapter.vendor} / ${r.adapter.architecture} / ${r.adapter.description} (${r.browser}, ${r.adapter.backend})`);
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
if (args.json) {
  writeFileSync(args.json, JSON.stringify(r, null, 2));
  console.error(`wrote ${args.json}`);
}
