// The lab page as a user meets it, in the headless system Chromium with WebGPU
// (SwiftShader here): index.html from the Vite dev server, configured by its URL
// hash, run to completion, reloaded, exported and imported; the main thread's frame
// times sampled with requestAnimationFrame during a run; a run cut off by a reload.
// Then the strict-CSP embed page from the production build (dist/, `npm run build`).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer as createHttpServer } from 'node:http';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer } from 'vite';
import { chromium } from 'playwright-core';
import { chromiumPath, chromiumArgs } from '../../scripts/chromium.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
// The tiny run: LeNet-300-100, 1k training images, 2 rounds.
const TINY = 'model=lenet-300-100&train-samples=1000&validation-samples=200&test-samples=500&epochs=1&finetune-epochs=1&rounds=2&batch-size=50&latency-frames=0';
const RUN_MS = 10 * 60 * 1000;

let server;
let browser;
let base;

/** A fresh profile (empty IndexedDB) with a page that records console errors. */
async function openPage() {
  const context = await browser.newContext({ acceptDownloads: true });
  const page = await context.newPage();
  const errors = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`${m.text()} (${m.location().url})`);
  });
  page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  return { context, page, errors };
}

/** Waits until <prune-lab> has a device and has checked its settings. */
async function labReady(page) {
  await page.waitForFunction(() => {
    const el = document.querySelector('prune-lab');
    return el?.controller?.adapter != null || el?.controller?.deviceError != null;
  }, null, { timeout: 120000 });
  await page.evaluate(() => document.querySelector('prune-lab').validated);
  const err = await page.evaluate(() => document.querySelector('prune-lab').controller.deviceError);
  assert.equal(err, null, `no GPU device: ${err?.message}`);
}

/** The next `type` event on document (with detail.round === round when given), as its detail; listening starts now. */
function nextEvent(page, type, round = null) {
  return page.evaluate(([t, r]) => new Promise((resolve) => {
    const on = (e) => {
      if (r !== null && e.detail.round !== r) return;
      document.removeEventListener(t, on);
      resolve(e.detail);
    };
    document.addEventListener(t, on);
  }), [type, round]);
}

/** p50 / p95 / max of frame intervals (nearest rank). */
function summary(frames) {
  const s = [...frames].sort((a, b) => a - b);
  const at = (q) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
  return { p95: at(0.95), text: `n ${s.length}, p50 ${at(0.5)?.toFixed(1)} ms, p95 ${at(0.95)?.toFixed(1)} ms, max ${s.at(-1)?.toFixed(1)} ms` };
}

const frameStats = { idle: null, run: null };

const storedRuns = (page) => page.evaluate(() => document.querySelector('prune-lab').storedRuns);

describe('ui', { concurrency: false }, () => {
  before(async () => {
    server = await createServer({ root, server: { port: 0, host: '127.0.0.1', hmr: false, watch: { ignored: ['**/*'] } }, logLevel: 'error' });
    await server.listen();
    base = server.resolvedUrls.local[0];
    browser = await chromium.launch({ executablePath: chromiumPath(), headless: true, args: chromiumArgs });
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  describe('the lab page (index.html)', () => {
    it('runs a tiny experiment set by the URL hash, keeps the page smooth, lists it after a reload, and round-trips it through JSON', async () => {
      const { context, page, errors } = await openPage();
      try {
        await page.goto(`${base}#${TINY}`);
        await labReady(page);
        const props = await page.evaluate(() => {
          const el = document.querySelector('prune-lab');
          return { model: el.model, trainSamples: el.trainSamples, testSamples: el.testSamples, rounds: el.rounds, epochs: el.epochs, latencyFrames: el.latencyFrames, message: el.validationMessage };
        });
        assert.deepEqual(props, { model: 'lenet-300-100', trainSamples: 1000, testSamples: 500, rounds: 2, epochs: 1, latencyFrames: 0, message: null });

        // The main thread's frames: first on the idle page, then for the whole run.
        await page.evaluate(() => {
          window.__frames = [];
          window.__sampling = true;
          let last = null;
          const tick = (t) => {
            if (last !== null) window.__frames.push(t - last);
            last = t;
            if (window.__sampling) requestAnimationFrame(tick);
          };
          requestAnimationFrame(tick);
        });
        await page.waitForTimeout(4000);
        frameStats.idle = await page.evaluate(() => window.__frames.splice(0));
        const rounds = page.evaluate(() => new Promise((resolve) => {
          const seen = [];
          document.addEventListener('prune-round', (e) => seen.push(e.detail.round));
          document.addEventListener('run-complete', () => resolve(seen), { once: true });
        }));
        rounds.catch(() => {});
        const complete = nextEvent(page, 'run-complete');
        await page.locator('prune-lab button[data-action="run"]').click();
        let timer;
        const report = await Promise.race([complete, new Promise((_, rej) => (timer = setTimeout(() => rej(new Error('run did not complete')), RUN_MS)))]);
        clearTimeout(timer);
        frameStats.run = await page.evaluate(() => {
          window.__sampling = false;
          return window.__frames;
        });
        assert.deepEqual(await rounds, [0, 1, 2]);
        assert.equal(report.status, 'complete');
        assert.equal(report.rounds.length, 2);
        assert.deepEqual(report.data, { train: 1000, validation: 200, test: 500 });

        // The sparsity-accuracy chart: baseline + 2 rounds.
        const chart = await page.evaluate(() => {
          const c = document.querySelector('prune-lab').shadowRoot.querySelector('prune-sparsity-chart');
          return { series: c.series.map((s) => s.points.length), xs: c.chart?.data[0] ?? null };
        });
        assert.deepEqual(chart.series, [3]);
        assert.equal(chart.xs.length, 3);
        assert.equal(chart.xs[0], 0);

        // Reload: the run is listed again, complete.
        await page.reload();
        await labReady(page);
        await page.waitForFunction(() => document.querySelector('prune-lab').storedRuns.length === 1, null, { timeout: 30000 });
        let runs = await storedRuns(page);
        assert.equal(runs[0].state, 'complete');
        assert.deepEqual(runs[0].report, report);
        await page.locator(`prune-lab tr[data-run="${report.id}"]`).waitFor();

        // Export JSON, delete, import the file: the same report.
        const [download] = await Promise.all([page.waitForEvent('download'), page.locator(`prune-lab tr[data-run="${report.id}"] button[data-action="json"]`).click()]);
        const file = await download.path();
        const exported = JSON.parse(readFileSync(file, 'utf8'));
        assert.deepEqual(exported, report);
        await page.locator(`prune-lab tr[data-run="${report.id}"] button[data-action="delete"]`).click();
        await page.waitForFunction(() => document.querySelector('prune-lab').storedRuns.length === 0);
        await page.locator('prune-lab input[data-action="import"]').setInputFiles(file);
        await page.waitForFunction(() => document.querySelector('prune-lab').storedRuns.length === 1);
        runs = await storedRuns(page);
        assert.deepEqual(runs[0].report, exported);
        assert.equal(runs[0].state, 'complete');

        // CSV export: the engine's rows (header + baseline + 2 rounds).
        const [csv] = await Promise.all([page.waitForEvent('download'), page.locator(`prune-lab tr[data-run="${report.id}"] button[data-action="csv"]`).click()]);
        const lines = readFileSync(await csv.path(), 'utf8').trim().split('\n');
        assert.equal(lines.length, 4);
        assert.ok(lines[0].startsWith('round,targetSparsity,sparsity,accuracy'), lines[0]);
        assert.deepEqual(errors, []);
      } finally {
        await context.close();
      }
    });

    it('keeps the main thread smooth during that run: requestAnimationFrame intervals p95 ≤ 20 ms', (t) => {
      assert.ok(frameStats.run, 'the run above sampled no frames');
      const idle = summary(frameStats.idle);
      const run = summary(frameStats.run);
      t.diagnostic(`rAF intervals idle ${idle.text}; during the run ${run.text}`);
      assert.ok(frameStats.run.length >= 100, `sampled ${frameStats.run.length} frames`);
      // Frames are missed on a machine whose cores are busy elsewhere, even with this page idle: no verdict there.
      if (idle.p95 > 20) {
        t.skip(`the machine misses frames with the page idle (p95 ${idle.p95.toFixed(1)} ms): no verdict on the lab`);
        return;
      }
      assert.ok(run.p95 <= 20, `main-thread frame time p95 ${run.p95.toFixed(1)} ms must be ≤ 20 ms (idle ${idle.p95.toFixed(1)} ms)`);
    });

    it('marks a run cut off by a reload as interrupted, with its finished rounds kept', async () => {
      const { context, page, errors } = await openPage();
      try {
        await page.goto(`${base}#${TINY.replace('rounds=2', 'rounds=3')}`);
        await labReady(page);
        const first = nextEvent(page, 'prune-round', 1);
        await page.locator('prune-lab button[data-action="run"]').click();
        const entry = await first;
        assert.equal(entry.round, 1);
        // The round's record is written right after the event: wait until it is there.
        await page.waitForFunction(() => document.querySelector('prune-lab').storedRuns.some((r) => r.report.rounds.length >= 1));
        await page.reload();
        await labReady(page);
        await page.waitForFunction(() => document.querySelector('prune-lab').storedRuns.length === 1, null, { timeout: 30000 });
        const [run] = await storedRuns(page);
        assert.equal(run.state, 'interrupted');
        assert.equal(run.report.status, 'aborted');
        assert.equal(run.report.error.code, 'interrupted');
        assert.ok(run.report.baseline !== null);
        assert.ok(run.report.rounds.length >= 1 && run.report.rounds.length < 3, `rounds kept: ${run.report.rounds.length}`);
        assert.deepEqual(run.report.rounds[0], entry);
        assert.deepEqual(errors, []);
      } finally {
        await context.close();
      }
    });
  });

  describe('the embed page under a strict CSP (dist/, from `npm run build`)', () => {
    const dist = join(root, 'dist');
    const CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; worker-src 'self'; connect-src 'self'";
    const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.json': 'application/json', '.css': 'text/css', '.map': 'application/json' };
    let http;
    let origin;

    before(async () => {
      // Without a build the test below fails saying so (a hook's failure would hide it).
      if (!existsSync(join(dist, 'lib', 'prune-lab.js')) || !existsSync(join(dist, 'demos', 'embed', 'index.html'))) return;
      // A plain static server (no Vite), as a docs site would be, sending the CSP.
      http = createHttpServer((req, res) => {
        let path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname));
        if (path.endsWith('/')) path += 'index.html';
        const file = join(dist, path);
        if (!file.startsWith(dist) || !existsSync(file) || !statSync(file).isFile()) {
          res.writeHead(404).end('not found');
          return;
        }
        res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', 'Content-Security-Policy': CSP });
        res.end(readFileSync(file));
      });
      await new Promise((r) => http.listen(0, '127.0.0.1', r));
      origin = `http://127.0.0.1:${http.address().port}`;
    });

    after(() => http?.close());

    it('loads with no console errors: the chart draws the stored reports, the live lab gets a device and runs', async () => {
      assert.ok(origin, 'dist/ has no library build or embed page: run `npm run build` first');
      const { context, page, errors } = await openPage();
      const violations = [];
      page.on('console', (m) => {
        if (/Content Security Policy|Refused to/i.test(m.text())) violations.push(m.text());
      });
      try {
        const res = await page.goto(`${origin}/demos/embed/`);
        assert.equal(res.headers()['content-security-policy'], CSP);
        const inline = await page.evaluate(() => [...document.scripts].filter((s) => !s.src).length);
        assert.equal(inline, 0, 'no inline scripts');
        await page.waitForFunction(() => document.querySelector('prune-sparsity-chart')?.chart != null, null, { timeout: 60000 });
        const stored = JSON.parse(readFileSync(join(root, 'demos/embed/sample-reports.json'), 'utf8'));
        const series = await page.evaluate(() => document.querySelector('prune-sparsity-chart').series.map((s) => s.points.length));
        // show-f1: accuracy for each report, then macro-F1 for each.
        assert.deepEqual(series, [...stored, ...stored].map((r) => 1 + r.rounds.length));
        await labReady(page);
        const el = await page.evaluate(() => {
          const lab = document.querySelector('prune-lab');
          return { method: lab.method, rounds: lab.rounds, trainSamples: lab.trainSamples, views: lab.views, message: lab.validationMessage };
        });
        assert.equal(el.message, null);
        assert.equal(el.trainSamples, 500);
        // The Worker and the dataset come from the library's own folder: a round proves both.
        const round = nextEvent(page, 'prune-round');
        await page.locator('prune-lab button[data-action="run"]').click();
        assert.equal((await round).round, 0);
        await page.evaluate(() => document.querySelector('prune-lab').stop());
        await page.waitForFunction(() => !document.querySelector('prune-lab').controller.running, null, { timeout: 120000 });
        assert.deepEqual(violations, []);
        assert.deepEqual(errors, []);
      } finally {
        await context.close();
      }
    });
  });

});
