// Door: <prune-tree-lab>'s `source` and `task` attributes and its number inputs (rows, noise,
// seed, the pre-pruning limits, PEP CF, the fractions, trees), through the real
// element and tree Worker. Setup: a finished run on "moons" (its tree shown).
// Each case sets one malformed value and runs (Load, or Grow & prune).
// The element reports problems as a status line, not a thrown error: a status
// line with an error counts as the refusal, wrapped in a PruneLabError without a
// field, so the oracle checks that its message names the input (its label or
// key). Documented acceptance: a value the input allows gives a new run with a
// tree. Either way, the tree shown before must stay until a run succeeds, and the
// Worker must not crash.
import type { PruneTreeLab } from '../../../src/ui/trees/tree-lab.js';
import type { PruneBoostLab } from '../../../src/ui/trees/boost-lab.js';
import '../../../src/ui/trees/index.js';
import { PruneLabError } from '../../../src/errors.js';
import type { Door, FuzzCase } from '../harness.js';
import { pick } from '../mutate.js';
import { mount, settle, $, $$ } from '../../ui/helpers.js';

interface TreeCase extends FuzzCase {
  target: 'source' | 'task' | string;
  value: string;
}

const INPUTS: Record<string, string[]> = {
  rows: ['rows', 'samples', 'n'],
  noise: ['noise'],
  seed: ['seed'],
  'max depth': ['max depth', 'maxDepth'],
  'min samples split': ['min samples split', 'minSamplesSplit'],
  'min samples leaf': ['min samples leaf', 'minSamplesLeaf'],
  'min impurity decrease': ['min impurity decrease', 'minImpurityDecrease'],
  'max leaf nodes': ['max leaf nodes', 'maxLeafNodes'],
  'PEP CF': ['PEP CF', 'confidence'],
  'val fraction': ['val fraction', 'valFraction'],
  'test fraction': ['test fraction', 'testFraction'],
};
const VALUES = ['', '-1', '0', '1', '2', '3', '0.5', '1.5', '0.6', '0.99', '1e9', '100001', '2147483648', '1e-9', '-0.5', '4'];
const DEFAULTS: Record<string, string> = {
  rows: '300', noise: '0.3', seed: '0', 'max depth': '', 'min samples split': '', 'min samples leaf': '', 'min impurity decrease': '', 'max leaf nodes': '',
  'PEP CF': '0.25', 'val fraction': '0.2', 'test fraction': '0.2',
};
// task="regression" on the door's moons is refused naming source (a classification set); its sets run.
const TASKS = ['classification', 'regression', 'REGRESSION', '', 'trees', 'constructor'];
const REGRESSION_SOURCES = ['sine', 'step', 'friedman1'];
const SOURCES = ['moons', 'circles', 'xor', 'spiral', 'iris', 'csv', 'MOONS', '', 'cifar', '__proto__', 'toString'];

// <prune-boost-lab>'s attributes join this door: one attribute set to a malformed
// value, then a fit. Refusal: the status line names the attribute and the last
// results stay; acceptance: a new fit is shown. Small defaults keep fits short.
const BOOST_DEFAULTS: Record<string, string> = {
  algo: 'xgb', source: 'friedman1', samples: '60', noise: '', seed: '0', 'n-estimators': '4', 'max-depth': '2', 'learning-rate': '0.3',
  gamma: '0', 'early-stopping': '0', 'shown-trees': '2', 'gamma-max': '20',
};
const BOOST_STRINGS: Record<string, string[]> = {
  algo: ['gbdt', 'xgb', 'XGB', '', 'lightgbm', '__proto__'],
  source: ['friedman1', 'sine', 'step', 'moons', 'circles', 'xor', 'spiral', 'iris', '', 'toString'],
};
const BOOST_NUMBERS = Object.keys(BOOST_DEFAULTS).filter((k) => !(k in BOOST_STRINGS));

let el: PruneTreeLab | undefined;
let boost: PruneBoostLab | undefined;
let boostFits = 0;
const onBoost = (): void => void boostFits++;
let diagram: Element | null = null;
let runs = 0;

const onRun = (): void => void runs++;
const RUN_EVENTS = ['prune-run-complete', 'prune-regression-complete'] as const;

function status(x: PruneTreeLab | PruneBoostLab): { error: boolean; text: string } {
  const s = $(x, '[part="status"]');
  return { error: s.classList.contains('error'), text: (s.textContent ?? '').replace(/\s+/g, ' ').trim() };
}

async function idle(x: PruneTreeLab | PruneBoostLab, ms = 30000): Promise<void> {
  const t0 = performance.now();
  await settle(x);
  while (x.controller.pending > 0) {
    if (performance.now() - t0 > ms) throw new Error('the tree lab stayed busy');
    await new Promise((r) => setTimeout(r, 20));
    await settle(x);
  }
}

function inputOf(x: PruneTreeLab, label: string): HTMLInputElement | undefined {
  const l = $$(x, 'label').find((e) => (e.firstChild?.textContent ?? '').trim() === label);
  return l?.querySelector('input') ?? undefined;
}

export const treeElementDoor: Door<TreeCase> = {
  name: 'tree-element',
  fastCases: 25,
  timeoutMs: 60000,
  async setup() {
    for (const t of RUN_EVENTS) document.addEventListener(t, onRun);
    document.addEventListener('prune-boost-complete', onBoost);
    boost = await mount('prune-boost-lab', {}, BOOST_DEFAULTS);
    const b0 = performance.now();
    while (boostFits === 0 && performance.now() - b0 < 60000) await new Promise((r) => setTimeout(r, 50));
    await idle(boost);
    if (boostFits === 0) throw new Error(`tree-element setup: <prune-boost-lab> did not fit (${status(boost).text})`);
    el = await mount('prune-tree-lab', {}, { source: 'moons' });
    const t0 = performance.now();
    while (runs === 0 && performance.now() - t0 < 60000) await new Promise((r) => setTimeout(r, 50));
    await idle(el);
    diagram = el.shadowRoot!.querySelector('prune-tree-diagram');
    if (!diagram) throw new Error(`tree-element setup: no tree shown (${status(el).text})`);
  },
  async teardown() {
    for (const t of RUN_EVENTS) document.removeEventListener(t, onRun);
    document.removeEventListener('prune-boost-complete', onBoost);
    boost?.remove();
    boost = undefined;
    el?.remove();
    el = undefined;
  },
  generate(rng) {
    if (rng.next() < 0.25) {
      const attr = pick(rng, Object.keys(BOOST_DEFAULTS));
      const value = attr in BOOST_STRINGS ? pick(rng, BOOST_STRINGS[attr]!) : pick(rng, VALUES);
      return { repro: `<prune-boost-lab ${attr}="${value}">, fit`, fields: [attr], target: `boost:${attr}`, value };
    }
    if (rng.next() < 0.12) {
      const value = pick(rng, TASKS);
      // With a regression set as source half the time, so that task="regression" can also run.
      const source = rng.next() < 0.5 ? pick(rng, REGRESSION_SOURCES) : 'moons';
      return { repro: `source="${source}" task="${value}", Load`, fields: ['task', 'source'], target: 'task', value: `${value}|${source}` };
    }
    if (rng.next() < 0.3) {
      const value = pick(rng, SOURCES);
      return { repro: `source="${value}", Load`, fields: ['source', 'CSV', value].filter(Boolean), target: 'source', value };
    }
    const target = pick(rng, Object.keys(INPUTS));
    const value = pick(rng, VALUES);
    return { repro: `input "${target}" = ${JSON.stringify(value)}, Grow & prune`, fields: INPUTS[target]!, target, value };
  },
  async run(c) {
    if (c.target.startsWith('boost:')) {
      const b = boost!;
      const fits = boostFits;
      b.setAttribute(c.target.slice(6), c.value);
      await settle(b);
      await b.fit();
      await idle(b);
      if (b.controller.crashed) throw new Error(`the tree Worker (boost lab) crashed: ${b.controller.crashed}`);
      const s = status(b);
      const chart = b.shadowRoot!.querySelector('prune-stage-chart');
      if (s.error) {
        if (!chart) return `the boost results shown before are gone after a refusal (${s.text})`;
        throw new PruneLabError('invalid-argument', s.text);
      }
      if (boostFits === fits) return `no fit and no message (${s.text})`;
      if (!chart) return 'a fit finished but no loss chart is shown';
      return;
    }
    const x = el!;
    const before = runs;
    if (c.target === 'task') {
      const [task, source] = c.value.split('|') as [string, string];
      x.setAttribute('source', source);
      x.setAttribute('task', task);
      await settle(x);
      await x.loadAndRun();
    } else if (c.target === 'source') {
      x.setAttribute('source', c.value);
      await settle(x);
      await x.loadAndRun();
    } else {
      const input = inputOf(x, c.target);
      if (!input) return; // not shown for this source: nothing to type into
      input.value = c.value;
      input.dispatchEvent(new Event('change'));
      await settle(x);
      await x.runLab();
    }
    await idle(x);
    if (x.controller.crashed) throw new Error(`the tree Worker crashed: ${x.controller.crashed}`);
    const s = status(x);
    const shown = x.shadowRoot!.querySelector('prune-tree-diagram');
    if (s.error) {
      if (!shown) return `the tree shown before is gone after a refusal (${s.text})`;
      throw new PruneLabError('invalid-argument', s.text);
    }
    if (runs === before) return `no run and no message (${s.text})`;
    if (!shown) return 'a run finished but no tree is shown';
    diagram = shown;
  },
  async invariant() {
    const b = boost!;
    if (!b.shadowRoot!.querySelector('prune-stage-chart')) return 'no boost results shown';
    if (BOOST_NUMBERS.concat(Object.keys(BOOST_STRINGS)).some((k) => b.getAttribute(k) !== BOOST_DEFAULTS[k])) {
      for (const [k, v] of Object.entries(BOOST_DEFAULTS)) b.setAttribute(k, v);
      await settle(b);
      await b.fit();
      await idle(b);
      if (status(b).error) return `the boost lab does not fit again: ${status(b).text}`;
    }
    const x = el!;
    if (!x.shadowRoot!.querySelector('prune-tree-diagram')) return 'no tree shown';
    // Back to a known good state for the next case.
    x.setAttribute('task', 'classification');
    x.setAttribute('source', 'moons');
    await settle(x);
    for (const [label, value] of Object.entries(DEFAULTS)) {
      const input = inputOf(x, label);
      if (!input || input.value === value) continue;
      input.value = value;
      input.dispatchEvent(new Event('change'));
      await settle(x);
    }
    await x.loadAndRun();
    await idle(x);
    if (status(x).error) return `moons does not run again: ${status(x).text}`;
  },
};
