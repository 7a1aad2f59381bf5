// The guided tour (demos/tour/, #18) as a reader meets it: the library build (dist/, or
// PRUNE_LAB_DIST) from a plain static server that sends the embed page's strict CSP, in
// the headless system Chromium with WebGPU (SwiftShader here). One page for the whole
// tour; one test per section, each poking that section's element and checking what it
// shows against the stored data files (or the element's own run); then no CSP violation
// and no console error over everything. And the lab page's first link is the tour.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { chromiumPath, chromiumArgs } from '../../scripts/chromium.mjs';
import { serveStatic } from './helpers/static-server.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const dist = process.env.PRUNE_LAB_DIST ?? join(root, 'dist');
const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; worker-src 'self'; connect-src 'self'";
const stored = (name) => JSON.parse(readFileSync(join(root, 'demos/tour/data', name), 'utf8'));
const pct = (v, digits = 1) => `${(v * 100).toFixed(digits)}%`;

let http;
let origin;
let browser;
let context;
let page;
const errors = [];
const violations = [];

/** Runs fn(element, arg) in the page on the tour element named by data-el (Playwright's call, which the page's CSP does not block). */
const on = (name, fn, arg) => page.locator(`[data-el="${name}"]`).evaluate(fn, arg);

/**
 * The next `type` event from the tour element named by data-el: listening starts now, and
 * the returned function waits for it and gives its detail (as JSON; typed arrays as arrays).
 * The detail is kept on window, so that nothing but the page holds the pending result.
 */
async function nextEvent(name, type, timeout = 600000) {
  const key = `${name}:${type}:${Math.random()}`;
  await page.evaluate(([n, t, k]) => {
    window.__events ??= {};
    document.querySelector(`[data-el="${n}"]`).addEventListener(t, (e) => {
      try {
        window.__events[k] = JSON.stringify(e.detail, (_k, v) => (ArrayBuffer.isView(v) ? Array.from(v) : v));
      } catch (err) {
        window.__events[k] = JSON.stringify({ unreadable: String(err) });
      }
    }, { once: true });
  }, [name, type, key]);
  return async () => {
    await page.waitForFunction((k) => window.__events[k] !== undefined, key, { timeout });
    return JSON.parse(await page.evaluate((k) => window.__events[k], key));
  };
}

/** Presses a section's "Run it live" button; resolves when its preset lab has a device and has checked its settings. */
async function goLive(name) {
  await page.locator(`button[data-live="${name}"]`).click();
  await page.waitForFunction((n) => {
    const el = document.querySelector(`[data-el="${n}"]`);
    return el?.controller?.adapter != null || el?.controller?.deviceError != null;
  }, name, { timeout: 120000 });
  return on(name, async (el) => {
    await el.validated;
    return { message: el.validationMessage, device: el.controller.deviceError?.message ?? null, views: el.views };
  });
}

const text = (name) => page.evaluate((n) => document.querySelector(`[data-fill="${n}"]`)?.textContent ?? '', name);

before(async () => {
  if (!existsSync(join(dist, 'demos', 'tour', 'index.html')) || !existsSync(join(dist, 'demos', 'tour', 'tour.js'))) return;
  http = await serveStatic(dist, CSP);
  origin = http.origin;
  browser = await chromium.launch({ executablePath: chromiumPath(), headless: true, args: chromiumArgs });
  context = await browser.newContext({ acceptDownloads: true });
  page = await context.newPage();
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) violations.push(m.text());
    if (m.type() === 'error') errors.push(`${m.text()} (${m.location().url})`);
  });
  page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  await page.addInitScript(() => {
    window.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(`${e.violatedDirective}: ${e.blockedURI || 'inline'} ${e.sample}`), true);
  });
});

after(async () => {
  await browser?.close();
  http?.close();
});

describe('the guided tour (demos/tour/) over the library build, under a strict CSP', () => {
  it('loads: nine sections, no inline script, the policy sent', async () => {
    assert.ok(origin, 'dist/ has no tour page or tour.js: run `npm run build` first');
    const res = await page.goto(`${origin}/demos/tour/`);
    assert.equal(res.headers()['content-security-policy'], CSP);
    assert.equal(await page.evaluate(() => [...document.scripts].filter((s) => !s.src).length), 0, 'no inline scripts');
    assert.deepEqual(await page.evaluate(() => [...document.querySelectorAll('section[data-section]')].map((s) => Number(s.dataset.section))), [1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.equal(await page.evaluate(() => document.querySelectorAll('.load-error').length), 0);
    // tour.js ran (it removes the note that the page needs the library build).
    await page.waitForFunction(() => document.querySelector('.needs-build') === null, null, { timeout: 60000 });
  });

  it('1: the tree memorises its training rows (numbers from its run); the stored chart draws both runs; a row of the table shows its tree', async () => {
    await page.waitForFunction(() => document.querySelector('[data-fill="what-gap"]').textContent !== '', null, { timeout: 120000 });
    const rows = await on('what-tree', (el) => el.report.rows);
    const full = rows.find((r) => r.kind === 'unpruned');
    const ccp = rows.find((r) => r.kind === 'ccp');
    assert.equal(full.trainAccuracy, 1, 'the full tree fits every training row');
    assert.ok(full.testAccuracy < full.trainAccuracy, `test ${full.testAccuracy} below train`);
    assert.ok(ccp.leaves < full.leaves);
    const gap = await text('what-gap');
    for (const s of [`${full.leaves} leaves`, pct(full.trainAccuracy), pct(full.testAccuracy), `${ccp.leaves} leaves`, pct(ccp.testAccuracy)]) assert.ok(gap.includes(s), `"${gap}" has ${s}`);
    // Choosing the unpruned row shows the whole tree (no cut); the cost-complexity row cuts it again.
    const greyed = () => on('what-tree', (el) => el.shadowRoot.querySelector('prune-tree-diagram').shadowRoot.querySelectorAll('g.node.pruned').length);
    const showSelect = async (value) => on('what-tree', async (el, v) => {
      const s = [...el.shadowRoot.querySelectorAll('select')].find((x) => [...x.options].some((o) => o.value === 'rep'));
      s.value = v;
      s.dispatchEvent(new Event('change'));
      await el.updateComplete;
      await el.shadowRoot.querySelector('prune-tree-diagram').updateComplete;
    }, value);
    await showSelect('none');
    assert.equal(await greyed(), 0);
    await showSelect('rep');
    assert.ok((await greyed()) > 0, 'reduced-error pruning greys branches of the memorising tree');
    // The stored chart: one line per stored report, its baseline and each round.
    await page.waitForFunction(() => document.querySelector('[data-el="what-chart"]').chart != null, null, { timeout: 60000 });
    const series = await on('what-chart', (el) => el.series.map((s) => s.points));
    const reports = stored('magnitude-vs-random.json');
    assert.deepEqual(series, reports.map((r) => [r.baseline, ...r.rounds].map((e) => [e.sparsity, e.accuracy])));
  });

  it('2: a max depth of 3 adds a pre-pruned row whose tree is at most 3 deep', async () => {
    await page.waitForFunction(() => document.querySelector('[data-el="prepost-tree"]').report != null, null, { timeout: 120000 });
    const before = await on('prepost-tree', (el) => el.report.rows.map((r) => r.kind));
    assert.ok(!before.includes('pre'));
    const done = await nextEvent('prepost-tree', 'prune-run-complete');
    await on('prepost-tree', (el) => {
      const depth = [...el.shadowRoot.querySelectorAll('label')].find((l) => l.textContent.trim().startsWith('max depth')).querySelector('input');
      depth.value = '3';
      depth.dispatchEvent(new Event('change'));
      [...el.shadowRoot.querySelectorAll('button')].find((b) => b.textContent.includes('Grow')).click();
    });
    const { report } = await done();
    const pre = report.rows.find((r) => r.kind === 'pre');
    assert.ok(pre, `rows ${report.rows.map((r) => r.kind)}`);
    assert.ok(pre.depth <= 3, `depth ${pre.depth}`);
    const unpruned = report.rows.find((r) => r.kind === 'unpruned');
    assert.ok(unpruned.depth > pre.depth, 'the fully grown tree is deeper');
    const shown = await on('prepost-tree', async (el) => {
      const t = el.shadowRoot.querySelector('prune-pruning-table');
      await t.updateComplete;
      return t.rows.map((r) => r.kind);
    });
    assert.deepEqual(shown, report.rows.map((r) => r.kind));
  });

  it('3: the alpha slider walks the pruning path (leaves fall, branches grey); reduced-error is one choice away', async () => {
    await page.waitForFunction(() => document.querySelector('[data-el="ccp-tree"]').report != null, null, { timeout: 120000 });
    const slide = (to) => on('ccp-tree', async (el, v) => {
      const range = el.shadowRoot.querySelector('.slider input[type="range"]');
      range.value = String(v === 'max' ? range.max : v);
      range.dispatchEvent(new Event('input'));
      await el.updateComplete;
      const d = el.shadowRoot.querySelector('prune-tree-diagram');
      await d.updateComplete;
      return { out: el.shadowRoot.querySelector('.slider output').textContent, greyed: d.shadowRoot.querySelectorAll('g.node.pruned').length, max: Number(range.max) };
    }, to);
    const curve = await on('ccp-tree', (el) => el.report.curve.map((p) => p.leaves));
    const start = await slide(0);
    assert.match(start.out, new RegExp(`· ${curve[0]} leaves`));
    assert.equal(start.greyed, 0);
    const end = await slide('max');
    assert.match(end.out, new RegExp(`· ${curve[end.max]} leaves`));
    assert.ok(curve[end.max] < curve[0]);
    assert.ok(end.greyed > 0);
    const selected = await on('ccp-tree', async (el) => {
      const s = [...el.shadowRoot.querySelectorAll('select')].find((x) => [...x.options].some((o) => o.value === 'rep'));
      s.value = 'rep';
      s.dispatchEvent(new Event('change'));
      await el.updateComplete;
      const t = el.shadowRoot.querySelector('prune-pruning-table');
      await t.updateComplete;
      return t.selected;
    });
    assert.equal(selected, 'rep');
  });

  it('4: the stored latency per path, the log axis toggle, and a live structured run that measures the shrunk model', async () => {
    const lat = stored('latency.json');
    await page.waitForFunction(() => document.querySelector('[data-el="latency-chart"]').chart != null, null, { timeout: 60000 });
    const drawn = await on('latency-chart', (el) => el.series.map((s) => [s.path, s.points.length]));
    const paths = [...new Set(lat.points.map((p) => p.path))];
    assert.deepEqual(drawn.map((d) => d[0]).sort(), paths.sort());
    for (const [path, n] of drawn) assert.equal(n, lat.points.filter((p) => p.path === path).length);
    await page.locator('[data-control="latency-log"]').check();
    await page.waitForFunction(() => document.querySelector('[data-el="latency-chart"]').chart?.scales.y.distr === 3);
    // The figure menu is there and labelled.
    assert.equal(await on('latency-chart', (el) => el.shadowRoot.querySelector('prune-figure-menu').shadowRoot.querySelector('[part="button"]').getAttribute('aria-label')),
      'Download the frame latency against sparsity, per inference path');
    // Live: the button becomes its preset lab, which trains, prunes half the hidden units and times each path.
    await page.locator('button[data-live="live-structured"]').click();
    await page.waitForFunction(() => {
      const el = document.querySelector('[data-el="live-structured"]');
      return el?.controller?.adapter != null || el?.controller?.deviceError != null;
    }, null, { timeout: 120000 });
    const ready = await on('live-structured', async (el) => {
      await el.validated;
      return { message: el.validationMessage, device: el.controller.deviceError?.message ?? null, method: el.method };
    });
    assert.deepEqual(ready, { message: null, device: null, method: 'structured' });
    const complete = await nextEvent('live-structured', 'run-complete');
    await on('live-structured', (el) => el.shadowRoot.querySelector('button[data-action="run"]').click());
    const report = await complete();
    assert.equal(report.status, 'complete');
    const final = report.rounds.at(-1);
    assert.ok(final.units && Object.values(final.units).some((u) => u.after < u.before), 'units were removed');
    // Round 0 times the dense net, round 1 the shrunk one (the structured path), at its sparsity.
    const live = await on('live-structured', (el) => el.shadowRoot.querySelector('prune-latency-chart').points.map((p) => [p.path, p.sparsity]));
    assert.deepEqual(live.map((p) => p[0]).sort(), ['dense', 'structured']);
    assert.ok(Math.abs(live.find((p) => p[0] === 'structured')[1] - final.sparsity) < 1e-9, JSON.stringify(live));
  });

  it('5: global and local bars at the chosen target equal the stored sweep, with its accuracies', async () => {
    const gl = stored('global-vs-local.json');
    const check = async (target) => {
      const shown = await page.evaluate(() => ['global', 'local'].map((s) => {
        const el = document.querySelector(`[data-el="gl-${s}"]`);
        return { widths: [...el.shadowRoot.querySelectorAll('[part="fill"]')].map((f) => parseFloat(f.style.width) / 100), acc: document.querySelector(`[data-fill="gl-${s}-acc"]`).textContent };
      }));
      ['global', 'local'].forEach((scope, k) => {
        const run = gl[scope].find((r) => r.targetSparsity === target);
        const want = gl.baseline.layers.map((l) => run.layers[l.name]);
        shown[k].widths.forEach((w, i) => assert.ok(Math.abs(w - want[i]) < 1e-4, `${scope} ${gl.baseline.layers[i].name}: ${w} vs ${want[i]}`));
        assert.ok(shown[k].acc.includes(pct(run.accuracy, 2)), shown[k].acc);
      });
    };
    await page.waitForFunction(() => document.querySelector('[data-el="gl-global"]').entry != null);
    await check(0.9);
    const targets = gl.global.map((r) => r.targetSparsity);
    await page.locator('[data-control="gl-target"]').selectOption(String(targets.indexOf(0.5)));
    await check(0.5);
    assert.deepEqual(await goLive('live-scope'), { message: null, device: null, views: 'layers sparsity' });
    assert.deepEqual(await on('live-scope', (el) => [el.scope, el.finetuneEpochs, el.targetSparsity]), ['local', 0, 0.9]);
  });

  it('6: the stored schedules drawn as three curves; the live gradual preset runs to its target, and the schedule can be switched', async () => {
    const s = stored('schedules.json');
    await page.waitForFunction(() => document.querySelector('[data-el="schedule-chart"]').chart != null, null, { timeout: 60000 });
    const series = await on('schedule-chart', (el) => el.series.map((x) => x.points));
    const base = [s.baseline.sparsity, s.baseline.accuracy];
    const want = [s.oneshot, s.iterative, s.gradual].map((runs) => [base, ...runs.map((r) => [r.sparsity, r.accuracy])].sort((a, b) => a[0] - b[0]));
    assert.deepEqual(series, want);
    assert.deepEqual(await goLive('live-schedule'), { message: null, device: null, views: 'curves sparsity' });
    // The gradual preset runs: the mask tightens during fine-tuning and ends at the target.
    const complete = await nextEvent('live-schedule', 'run-complete');
    await on('live-schedule', (el) => el.shadowRoot.querySelector('button[data-action="run"]').click());
    const report = await complete();
    assert.equal(report.status, 'complete');
    assert.equal(report.config.prune.schedule, 'gradual');
    const sparsities = report.rounds.map((r) => r.sparsity);
    for (let i = 1; i < sparsities.length; i++) assert.ok(sparsities[i] >= sparsities[i - 1], `sparsity rises: ${sparsities}`);
    assert.ok(Math.abs(sparsities.at(-1) - 0.9) < 1e-3, `ends at 90%: ${sparsities}`);
    const drawn = await on('live-schedule', (el) => el.shadowRoot.querySelector('prune-sparsity-chart').series[0].points.length);
    assert.equal(drawn, 1 + report.rounds.length);
    // The reader can switch the schedule on the same lab.
    const got = await on('live-schedule', async (el) => {
      el.setAttribute('schedule', 'oneshot');
      await el.updateComplete;
      await el.validated;
      return [el.schedule, el.validationMessage];
    });
    assert.deepEqual(got, ['oneshot', null]);
  });

  it('7: sizes three ways per stored round: dense is 4 bytes a parameter, and sparse + int8 undercuts sparse undercuts dense at the end', async () => {
    const report = stored('magnitude-vs-random.json')[0];
    const entries = [report.baseline, ...report.rounds];
    const at = async (k) => {
      await page.locator('[data-control="size-round"]').fill(String(k));
      return page.evaluate(() => ({ sizes: document.querySelector('[data-el="size-view"]').sizes, note: document.querySelector('[data-fill="size-round"]').textContent }));
    };
    const last = await at(entries.length - 1);
    const first = await at(0);
    for (const [got, e] of [[last, entries.at(-1)], [first, entries[0]]]) {
      const dense = e.layers.reduce((t, l) => t + 4 * (l.params + l.biases), 0);
      assert.equal(got.sizes.denseF32, dense);
      assert.ok(got.note.includes(`round ${e.round}`) && got.note.includes(pct(e.accuracy, 2)), got.note);
    }
    assert.ok(last.sizes.sparseInt8 < last.sizes.sparse && last.sizes.sparse < last.sizes.denseF32, JSON.stringify(last.sizes));
    // Dense weights stored sparsely cost more than dense: the indices.
    assert.ok(first.sizes.sparse > first.sizes.denseF32, JSON.stringify(first.sizes));
    assert.ok(last.note.includes(`${(last.sizes.denseF32 / last.sizes.sparseInt8).toFixed(1)}× smaller`));
    // Its figure menu saves a PNG under the page's policy (the SVG is rasterized through a blob: image) and a CSV of these sizes.
    const save = async (format) => {
      const menu = page.locator('[data-el="size-view"] prune-figure-menu');
      await menu.locator('[part="button"]').click();
      const [download] = await Promise.all([page.waitForEvent('download'), menu.locator(`[data-format="${format}"]`).click()]);
      return { name: download.suggestedFilename(), bytes: readFileSync(await download.path()) };
    };
    const png = await save('png');
    assert.equal(png.name, 'model-size.png');
    assert.deepEqual([...png.bytes.subarray(1, 4)].map((b) => String.fromCharCode(b)).join(''), 'PNG');
    const csv = await save('csv');
    assert.equal(csv.bytes.toString('utf8').split('\n')[3].split(',')[1], String(first.sizes.sparseInt8));
    assert.deepEqual(await goLive('live-size'), { message: null, device: null, views: 'size layers' });
  });

  it('8: the boosted trees grey their gamma-pruned splits; gamma 0 prunes none', async () => {
    const pruned = () => on('boost', (el) => [...el.shadowRoot.querySelectorAll('prune-tree-diagram[data-stage]')].reduce((t, d) => t + d.shadowRoot.querySelectorAll('g.node.pruned').length, 0));
    await page.waitForFunction(() => document.querySelector('[data-el="boost"]').shadowRoot.querySelector('prune-tree-diagram[data-stage]') != null, null, { timeout: 120000 });
    await page.waitForFunction(() => [...document.querySelector('[data-el="boost"]').shadowRoot.querySelectorAll('prune-tree-diagram[data-stage]')].every((d) => d.shadowRoot?.querySelector('g.node')));
    assert.ok((await pruned()) > 0, 'gamma 30 prunes some splits');
    const refit = await nextEvent('boost', 'prune-boost-complete');
    await on('boost', (el) => {
      const g = el.shadowRoot.querySelector('input[data-setting="gamma"]');
      g.value = '0';
      g.dispatchEvent(new Event('input'));
    });
    await refit();
    await on('boost', async (el) => {
      await el.updateComplete;
      await Promise.all([...el.shadowRoot.querySelectorAll('prune-tree-diagram')].map((d) => d.updateComplete));
    });
    assert.equal(await pruned(), 0);
  });

  it('9: accuracy misleads: the stored pruned run\'s one-digit detector beside always answering no, per digit', async () => {
    const report = stored('magnitude-vs-random.json')[1];
    const e = report.rounds.at(-1);
    const c = 10;
    const claim = async (k) => {
      const total = e.confusion.reduce((t, v) => t + v, 0);
      const row = e.confusion.slice(k * c, k * c + c).reduce((t, v) => t + v, 0);
      const col = Array.from({ length: c }, (_, t) => e.confusion[t * c + k]).reduce((t, v) => t + v, 0);
      const tp = e.confusion[k * c + k];
      const text = await page.evaluate(() => document.querySelector('[data-fill="metrics-claim"]').textContent);
      for (const s of [pct(e.accuracy), pct((total - (row - tp) - (col - tp)) / total), pct((total - row) / total), `misses ${row - tp} of the ${row} ${k}s`, `recall ${pct(tp / row)}`]) {
        assert.ok(text.includes(s), `"${text}" has ${s}`);
      }
      // Answering "no" to every image is nearly as "accurate" as the net on its weakest digit.
      return (total - row) / total;
    };
    await page.waitForFunction(() => document.querySelector('[data-fill="metrics-claim"]').textContent !== '');
    const worst = e.perClass.recall.indexOf(Math.min(...e.perClass.recall));
    assert.equal(await page.locator('[data-control="metrics-class"]').inputValue(), String(worst));
    assert.ok((await claim(worst)) > 0.85);
    await page.locator('[data-control="metrics-class"]').selectOption('0');
    await claim(0);
    const shown = await page.evaluate(() => ({
      cells: document.querySelector('[data-el="metrics-confusion"]').shadowRoot.querySelectorAll('td[data-true]').length,
      rows: document.querySelector('[data-el="metrics-table"]').shadowRoot.querySelectorAll('tr[data-class]').length,
    }));
    assert.deepEqual(shown, { cells: 100, rows: 10 });
    assert.deepEqual(await goLive('live-metrics'), { message: null, device: null, views: 'metrics confusion' });
  });

  it('no CSP violation and no console error anywhere on the tour', async () => {
    assert.ok(page, 'the tour did not load');
    assert.deepEqual([...violations, ...(await page.evaluate(() => window.__violations))], []);
    assert.deepEqual(errors, []);
  });

  it('the lab page links to the tour first', async () => {
    const html = readFileSync(join(dist, 'index.html'), 'utf8');
    const first = html.match(/<a\s[^>]*href="([^"]+)"/);
    assert.equal(first?.[1], 'demos/tour/');
    const res = await page.goto(new URL(first[1], `${origin}/`).href);
    assert.equal(res.status(), 200);
    assert.equal(await page.locator('h1').textContent(), 'Pruning, one idea at a time');
  });
});
