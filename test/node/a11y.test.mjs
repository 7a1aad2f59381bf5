// Accessibility, keyboard, responsive layout and dark mode of the pages (#18), in the
// headless system Chromium: axe-core (serious and critical violations fail, contrast
// included) on the lab page, the tree lab, the tour and the embed page, in light and
// dark (prefers-color-scheme) at 1400 and 375 CSS pixels wide; the layout invariants
// at both widths (no horizontal scrolling of the page, no overlapping cards, every
// control inside its card); Tab order and keyboard operation of the lab's and the
// tree lab's controls. The lab, the tree lab and the tour come from the Vite dev
// server; the embed page and the tour from a static server, over the library build
// (dist/, `npm run build`) as a docs site would use it. Screenshots go to a temp folder (printed) for debugging.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer } from 'vite';
import { chromium } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import { chromiumPath, chromiumArgs } from '../../scripts/chromium.mjs';
import { labReady } from './helpers/lab-page.mjs';
import { serveStatic } from './helpers/static-server.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const dist = process.env.PRUNE_LAB_DIST ?? join(root, 'dist');
const shots = mkdtempSync(join(tmpdir(), 'prune-a11y-'));
const SAMPLE_REPORTS = join(root, 'demos/embed/sample-reports.json');
// A tiny run, so that one starts (and stops) quickly from the keyboard.
const TINY = 'model=lenet-300-100&train-samples=300&validation-samples=100&test-samples=200&epochs=1&finetune-epochs=1&rounds=2&batch-size=50&latency-frames=0';
const WIDTHS = [1400, 375];
const SCHEMES = ['light', 'dark'];

let server;
let browser;
let base;
let http;
let origin;

/** What sits in a page's flat tree (light DOM and every open shadow root), run in the page. */
function installHelpers() {
  const all = (rootNode = document) => {
    const out = [];
    const walk = (r) => {
      for (const el of r.querySelectorAll('*')) {
        out.push(el);
        if (el.shadowRoot) walk(el.shadowRoot);
      }
    };
    walk(rootNode);
    return out;
  };
  const parentOf = (el) => el.parentElement ?? el.parentNode?.host ?? null;
  const visible = (el) => {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) return false;
    const s = getComputedStyle(el);
    return s.visibility !== 'hidden' && s.display !== 'none';
  };
  const CONTROL = 'a[href], button, input:not([type="hidden"]), select, textarea, [tabindex]:not([tabindex="-1"])';
  const name = (el) => {
    const bits = [el.localName];
    for (const a of ['data-action', 'data-control', 'aria-label', 'name', 'type', 'part', 'data-view', 'class']) {
      const v = el.getAttribute(a);
      if (v) bits.push(`${a}=${v}`);
    }
    const text = (el.textContent ?? '').trim().replace(/\s+/g, ' ').slice(0, 30);
    if (text && el.localName !== 'select') bits.push(`"${text}"`);
    let up = parentOf(el);
    while (up && !up.localName.includes('-')) up = parentOf(up);
    return `${up ? `${up.localName} › ` : ''}${bits.join(' ')}`;
  };
  // The elements' events, kept for the keyboard tests (polled, not awaited: a pending promise in the page can be collected).
  window.__events = [];
  for (const type of ['prune-alpha-change', 'prune-run-complete', 'run-error']) {
    document.addEventListener(type, (e) => window.__events.push({ type, detail: e.detail }));
  }
  window.__a11y = {
    all, parentOf, visible, name, CONTROL,
    /** The nearest ancestor (or the element) matching one of the card selectors. */
    cardOf(el, cardSel) {
      for (let up = parentOf(el); up; up = parentOf(up)) if (up.matches(cardSel)) return up;
      return null;
    },
    /** The focused element, through shadow roots. */
    active() {
      let a = document.activeElement;
      while (a?.shadowRoot?.activeElement) a = a.shadowRoot.activeElement;
      return a;
    },
  };
}

/** Layout facts of the page as it is laid out now. */
function layoutFacts(cardSel) {
  const h = window.__a11y;
  const se = document.scrollingElement;
  const els = h.all();
  const cards = els.filter((el) => el.matches(cardSel) && h.visible(el));
  const rect = (el) => {
    const r = el.getBoundingClientRect();
    return { left: r.left + scrollX, top: r.top + scrollY, right: r.right + scrollX, bottom: r.bottom + scrollY };
  };
  const contains = (a, b) => {
    for (let up = b; up; up = h.parentOf(up)) if (up === a) return true;
    return false;
  };
  const overlaps = [];
  for (let i = 0; i < cards.length; i++) {
    for (let j = i + 1; j < cards.length; j++) {
      const [a, b] = [cards[i], cards[j]];
      if (contains(a, b) || contains(b, a)) continue;
      const [p, q] = [rect(a), rect(b)];
      const w = Math.min(p.right, q.right) - Math.max(p.left, q.left);
      const ht = Math.min(p.bottom, q.bottom) - Math.max(p.top, q.top);
      if (w > 1 && ht > 1) overlaps.push(`${h.name(a)} ∩ ${h.name(b)} (${w.toFixed(0)}×${ht.toFixed(0)} px)`);
    }
  }
  const outside = [];
  const width = se.clientWidth;
  for (const el of els.filter((x) => x.matches(h.CONTROL) && h.visible(x))) {
    const card = h.cardOf(el, cardSel);
    const r = rect(el);
    const box = card ? rect(card) : { left: 0, top: -Infinity, right: width, bottom: Infinity };
    const off = Math.max(box.left - r.left, r.right - box.right, box.top - r.top, r.bottom - box.bottom);
    if (off > 1) outside.push(`${h.name(el)} sticks ${off.toFixed(0)} px out of ${card ? h.name(card) : 'the page width'}`);
  }
  // Where a sideways scroll comes from: elements reaching past the page whose parent does not.
  const past = (el) => el && el.getBoundingClientRect().right + scrollX > width + 1;
  const clipped = (el) => {
    for (let up = h.parentOf(el); up; up = h.parentOf(up)) if (getComputedStyle(up).overflowX !== 'visible' && !past(up)) return true;
    return false;
  };
  const wide = els.filter((el) => past(el) && !past(h.parentOf(el)) && h.visible(el) && !clipped(el)).slice(0, 6).map((el) => `${h.name(el)} (right edge ${Math.round(el.getBoundingClientRect().right + scrollX)})`);
  return { scrollWidth: se.scrollWidth, clientWidth: se.clientWidth, cards: cards.length, overlaps, outside, wide };
}

/** The pages under test: how to open each, when it is ready, and what its cards are. */
const PAGES = [
  {
    name: 'lab',
    url: () => `${base}#${TINY}`,
    cards: '.controls, prune-model-io, section.view, header, footer',
    async ready(page) {
      await labReady(page);
      // Stored runs fill the views without a GPU run: import the embed page's two reports and view one.
      await page.locator('prune-lab input[data-action="import"]').setInputFiles(SAMPLE_REPORTS);
      await page.waitForFunction(() => document.querySelector('prune-lab').storedRuns.length === 2, null, { timeout: 30000 });
      await page.locator('prune-lab button[data-action="view"]').first().click();
      await page.waitForFunction(() => document.querySelector('prune-lab').shadowRoot.querySelector('prune-sparsity-chart')?.chart != null, null, { timeout: 30000 });
    },
  },
  {
    name: 'tree lab',
    url: () => `${base}demos/trees/`,
    cards: '.controls, prune-pruning-table, .grid > div, section.forest, h1, p.lede',
    async ready(page) {
      await page.waitForFunction(() => document.querySelector('prune-tree-lab')?.shadowRoot?.querySelector('prune-decision-regions')?.grid != null, null, { timeout: 120000 });
      await page.waitForFunction(() => document.querySelector('prune-tree-lab').shadowRoot.querySelector('prune-alpha-chart')?.chart != null, null, { timeout: 30000 });
    },
  },
  {
    name: 'embed',
    url: () => `${origin}/demos/embed/`,
    needs: () => (origin ? null : 'dist/lib/ has no library build: run `npm run build` (or `npm run build:lib`) first'),
    cards: 'prune-sparsity-chart, .controls, prune-model-io, section.view, article > p, article > h1, article > h2',
    async ready(page) {
      await page.waitForFunction(() => document.querySelector('prune-sparsity-chart')?.chart != null, null, { timeout: 60000 });
      await labReady(page);
    },
  },
  {
    // The tour (issue #18, written beside this test): a static page over the library build like the embed
    // page, served as built (dist/demos/tour/, its stored figures copied there). Runs once demos/tour/ exists.
    name: 'tour',
    url: () => `${origin}/demos/tour/`,
    skip: () => (existsSync(join(root, 'demos/tour/index.html')) ? false : 'demos/tour/ does not exist yet'),
    needs: () => (origin && existsSync(join(dist, 'demos/tour/index.html')) ? null : 'dist/ has no tour page: run `npm run build` first'),
    cards: 'section, article, .card, prune-lab .controls, prune-lab section.view, h1, h2, nav',
    async ready(page) {
      await page.waitForLoadState('networkidle');
      await page.evaluate(() => Promise.all([...document.querySelectorAll('*')].filter((e) => e.localName.includes('-')).map((e) => e.updateComplete)));
    },
  },
];

async function openPage(width, scheme = 'light') {
  // bypassCSP lets axe's script in on the embed page (the CSP itself is ui-lab.test.mjs's concern).
  const context = await browser.newContext({ viewport: { width, height: 900 }, colorScheme: scheme, bypassCSP: true });
  const page = await context.newPage();
  const errors = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`${m.text()} (${m.location().url})`);
  });
  page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  await page.addInitScript(installHelpers);
  return { context, page, errors };
}

/** Every element has had its update and the charts their frame. */
async function settle(page) {
  await page.evaluate(async () => {
    for (let i = 0; i < 3; i++) {
      await Promise.all(window.__a11y.all().filter((e) => e.updateComplete).map((e) => e.updateComplete));
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    }
  });
}

/** axe's serious and critical violations, one line per node (all rules, or only those named). */
async function axeProblems(page, rules = null) {
  const builder = new AxeBuilder({ page });
  if (rules) builder.withRules(rules);
  const results = await builder.analyze();
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  return bad.flatMap((v) => v.nodes.map((n) => `${v.id} (${v.impact}): ${JSON.stringify(n.target)} — ${v.help}; ${(n.failureSummary ?? '').replace(/\s+/g, ' ').slice(0, 300)}`));
}

/** The focusable controls in flat-tree order (what Tab should visit), by name. */
function focusableNames() {
  const h = window.__a11y;
  return h.all().filter((el) => el.matches(h.CONTROL) && !el.disabled && el.tabIndex >= 0 && h.visible(el)).map(h.name);
}

/** Presses Tab n times from the top of the page: each stop's name, card, and whether a focus ring shows. */
async function tabThrough(page, n, cardSel) {
  await page.evaluate(() => {
    document.activeElement?.blur();
    window.scrollTo(0, 0);
  });
  const stops = [];
  for (let i = 0; i < n; i++) {
    await page.keyboard.press('Tab');
    stops.push(await page.evaluate((sel) => {
      const h = window.__a11y;
      const a = h.active();
      if (!a || a === document.body) return null;
      const s = getComputedStyle(a);
      const card = h.cardOf(a, sel);
      return { name: h.name(a), card: card ? h.name(card) : null, ring: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 1 };
    }, cardSel));
  }
  return stops;
}

/** Tabs forward until the focused element matches `test` (run in the page on it), at most `max` presses. */
async function tabTo(page, test, max = 120) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate(test)) return;
  }
  assert.fail(`no Tab stop matched ${test}`);
}

/** Checks a Tab walk: every control in order, once, each card's controls together, each with a focus ring. */
function checkTabOrder(stops, expected) {
  const names = stops.slice(0, expected.length).map((x) => x?.name ?? '(nothing)');
  assert.deepEqual(names, expected, 'Tab visits the controls in document order');
  const noRing = stops.slice(0, expected.length).filter((x) => !x?.ring).map((x) => x?.name ?? '(nothing)');
  assert.deepEqual(noRing, [], 'controls with no visible focus ring');
  // A card is entered once: its controls are not split by another card's.
  const seen = [];
  for (const x of stops.slice(0, expected.length)) if (x?.card !== seen.at(-1)) seen.push(x?.card ?? null);
  const twice = seen.filter((c, i) => c !== null && seen.indexOf(c) !== i);
  assert.deepEqual(twice, [], 'cards that focus leaves and comes back to');
}

describe('accessibility, keyboard, layout and dark mode (#18)', { concurrency: false }, () => {
  before(async () => {
    server = await createServer({ root, server: { port: 0, host: '127.0.0.1', hmr: false, watch: { ignored: ['**/*'] } }, logLevel: 'error' });
    await server.listen();
    base = server.resolvedUrls.local[0];
    browser = await chromium.launch({ executablePath: chromiumPath(), headless: true, args: chromiumArgs });
    if (existsSync(join(dist, 'lib', 'prune-lab.js'))) {
      // The embed page from its source folder (its CSS as written), the library from the build.
      http = await serveStatic(dist, null, (path) => (path.startsWith('/demos/embed/') ? root : dist));
      origin = http.origin;
    }
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    http?.close();
  });

  const keys = !process.env.A11Y_ONLY || process.env.A11Y_ONLY.split(',').includes('keys');
  it('lab: Tab visits every control in order with a focus ring; arrows change the criterion, Enter starts a run, Space stops it', { skip: !keys }, async () => {
    const { context, page, errors } = await openPage(1400);
    try {
      await page.goto(`${base}#${TINY}`);
      await labReady(page);
      const cards = PAGES[0].cards;
      const expected = await page.evaluate(focusableNames);
      assert.ok(expected.length >= 25, `${expected.length} controls`);
      checkTabOrder(await tabThrough(page, expected.length, cards), expected);

      // The criterion select: ArrowDown picks the next criterion (the element's property and the hash follow).
      await page.evaluate(() => document.activeElement?.blur());
      const lab = (fn) => page.evaluate(fn);
      const before = await lab(() => document.querySelector('prune-lab').shadowRoot.querySelector('select[name="criterion"]').value);
      await tabTo(page, () => window.__a11y.active()?.getAttribute('name') === 'criterion');
      await page.keyboard.press('ArrowDown');
      await page.waitForFunction((b) => document.querySelector('prune-lab').criterion !== null && document.querySelector('prune-lab').criterion !== b, before);
      const after = await lab(() => document.querySelector('prune-lab').criterion);
      const options = await lab(() => [...document.querySelector('prune-lab').shadowRoot.querySelector('select[name="criterion"]').options].map((o) => o.value));
      assert.equal(options.indexOf(after), options.indexOf(before) + 1, `ArrowDown from ${before} chose ${after} (${options})`);
      await lab(() => document.querySelector('prune-lab').validated);

      // Run (Enter), then Stop (Space): the run starts with that criterion and ends as stopped.
      await tabTo(page, () => window.__a11y.active()?.dataset.action === 'run');
      await page.keyboard.press('Enter');
      await page.waitForFunction(() => document.querySelector('prune-lab').controller.running, null, { timeout: 60000 });
      await page.waitForFunction(() => document.querySelector('prune-lab').lastRunConfig !== null, null, { timeout: 60000 });
      assert.equal(await lab(() => document.querySelector('prune-lab').lastRunConfig.prune.criterion), after);
      await tabTo(page, () => window.__a11y.active()?.dataset.action === 'stop');
      await page.keyboard.press('Space');
      await page.waitForFunction(() => window.__events.some((e) => e.type === 'run-error'), null, { timeout: 120000 });
      assert.equal(await lab(() => window.__events.find((e) => e.type === 'run-error').detail.code), 'aborted');
      await page.waitForFunction(() => !document.querySelector('prune-lab').controller.running, null, { timeout: 120000 });
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  it('tree lab: Tab visits every control in order with a focus ring; arrows move the CCP alpha slider and change the criterion, Enter picks a table row and grows again', { skip: !keys }, async () => {
    const { context, page, errors } = await openPage(1400);
    try {
      await page.goto(`${base}demos/trees/`);
      await PAGES[1].ready(page);
      const expected = await page.evaluate(focusableNames);
      assert.ok(expected.length >= 12, `${expected.length} controls`);
      checkTabOrder(await tabThrough(page, expected.length, PAGES[1].cards), expected);

      // The alpha slider: ArrowLeft / ArrowRight move one subtree along the path, Home goes to the unpruned tree.
      const lab = (fn, arg) => page.evaluate(fn, arg);
      await page.evaluate(() => document.activeElement?.blur());
      await tabTo(page, () => window.__a11y.active()?.type === 'range');
      await lab(() => (window.__events = []));
      const start = await lab(() => Number(window.__a11y.active().value));
      const max = await lab(() => Number(window.__a11y.active().max));
      assert.ok(max >= 2, `the path has ${max + 1} subtrees`);
      const [first, second] = start > 0 ? ['ArrowLeft', 'ArrowRight'] : ['ArrowRight', 'ArrowLeft'];
      await page.keyboard.press(first);
      await page.keyboard.press(second);
      await page.keyboard.press('Home');
      const seen = await lab(() => window.__events.filter((e) => e.type === 'prune-alpha-change').map((e) => e.detail));
      const curve = await lab(() => document.querySelector('prune-tree-lab').report.curve.map((p) => p.step));
      const want = [start + (start > 0 ? -1 : 1), start, 0].map((i) => curve[i]);
      assert.deepEqual(seen.map((d) => d.step), want);
      assert.equal(await lab(() => Number(window.__a11y.active().value)), 0);
      // The diagram's text alternative counts the leaves the slider's read-out names, at the path's start and one step on.
      const leavesSaid = () => lab(async () => {
        const root = document.querySelector('prune-tree-lab').shadowRoot;
        const diagram = root.querySelector('prune-tree-diagram');
        await diagram.updateComplete;
        const said = root.querySelector('.slider output').textContent.match(/(\d+) leaves/)[1];
        const label = diagram.shadowRoot.querySelector('svg').getAttribute('aria-label');
        return [Number(said), Number((label.match(/(\d+) leaves/) ?? [])[1])];
      });
      const [said0, label0] = await leavesSaid();
      assert.equal(label0, said0);
      await page.keyboard.press('ArrowRight');
      const [said1, label1] = await leavesSaid();
      assert.equal(label1, said1);
      assert.ok(said1 < said0, `one step along the path: ${said0} → ${said1} leaves`);

      // A post-pruning row of the table, picked with Enter on its name: the tree shown is that method's.
      await page.evaluate(() => document.activeElement?.blur());
      await tabTo(page, () => window.__a11y.active()?.classList.contains('pick') && /^REP/.test(window.__a11y.active().textContent.trim()));
      await page.keyboard.press('Enter');
      await page.waitForFunction(() => document.querySelector('prune-tree-lab').method === 'rep');
      assert.equal(await lab(() => window.__a11y.active().getAttribute('aria-pressed')), 'true');

      // The criterion select, then Grow & prune with Enter: a new run with entropy.
      await page.evaluate(() => document.activeElement?.blur());
      await tabTo(page, () => {
        const a = window.__a11y.active();
        return a?.localName === 'select' && a.closest('label')?.firstChild?.textContent.trim() === 'criterion';
      });
      await page.keyboard.press('ArrowDown');
      assert.equal(await lab(() => document.querySelector('prune-tree-lab').criterion), 'entropy');
      await tabTo(page, () => /Grow & prune/.test(window.__a11y.active()?.textContent ?? ''));
      await lab(() => (window.__events = []));
      await page.keyboard.press('Enter');
      await page.waitForFunction(() => window.__events.some((e) => e.type === 'prune-run-complete'), null, { timeout: 60000 });
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  // A11Y_ONLY="lab,tree lab" runs some pages only (while fixing one).
  const only = process.env.A11Y_ONLY?.split(',');
  for (const p of PAGES.filter((x) => !only || only.includes(x.name))) {
    for (const width of WIDTHS) {
      it(`${p.name} at ${width} px: no serious or critical axe violation in light and dark; no page scrolling sideways, no overlapping cards, controls inside their cards`, { skip: p.skip?.() }, async (t) => {
        const missing = p.needs?.();
        assert.equal(missing ?? null, null, missing);
        const { context, page, errors } = await openPage(width);
        try {
          const t0 = Date.now();
          await page.goto(p.url());
          await p.ready(page);
          const times = [`ready ${((Date.now() - t0) / 1000).toFixed(1)} s`];
          // A module that failed to compile shows Vite's overlay instead of the page.
          const overlay = await page.evaluate(() => document.querySelector('vite-error-overlay')?.shadowRoot?.textContent?.trim().slice(0, 400) ?? null);
          assert.equal(overlay, null, `Vite error overlay: ${overlay}`);
          const problems = [];
          for (const scheme of SCHEMES) {
            await page.emulateMedia({ colorScheme: scheme });
            await settle(page);
            const file = join(shots, `${p.name.replace(/\s/g, '-')}-${width}-${scheme}.png`);
            await page.screenshot({ path: file, fullPage: true });
            t.diagnostic(`screenshot: ${file}`);
            // Every rule in light; in dark the page's structure is the same, its colours are not: contrast again.
            const ta = Date.now();
            for (const line of await axeProblems(page, scheme === 'light' ? null : ['color-contrast'])) problems.push(`[${scheme}] ${line}`);
            times.push(`axe (${scheme}) ${((Date.now() - ta) / 1000).toFixed(1)} s`);
            // The canvas charts were redrawn in this scheme's colours (their axes are drawn in --_muted).
            const stale = await page.evaluate(() => window.__a11y.all().filter((el) => el.chart?.axes?.length).map((el) => {
              const s = el.chart.axes[0].stroke;
              const drawn = typeof s === 'function' ? s(el.chart, 0) : s;
              const want = getComputedStyle(el).getPropertyValue('--_muted').trim();
              return drawn === want ? null : `${el.localName}'s axes are drawn in ${drawn}, its theme's --_muted is ${want}`;
            }).filter(Boolean));
            for (const line of stale) problems.push(`[${scheme}] ${line}`);
            const f = await page.evaluate(layoutFacts, p.cards);
            assert.ok(f.cards >= 2, `found ${f.cards} cards`);
            if (f.scrollWidth > f.clientWidth) problems.push(`[${scheme}] the page scrolls sideways: scrollWidth ${f.scrollWidth} > clientWidth ${f.clientWidth}; from ${f.wide.join(', ') || 'nothing visible'}`);
            for (const o of f.overlaps) problems.push(`[${scheme}] cards overlap: ${o}`);
            for (const o of f.outside) problems.push(`[${scheme}] ${o}`);
          }
          t.diagnostic(times.join(', '));
          assert.ok(problems.length === 0, `${problems.length} problems:\n${problems.join('\n')}`);
          assert.deepEqual(errors, []);
        } finally {
          await context.close();
        }
      });
    }
  }
});
