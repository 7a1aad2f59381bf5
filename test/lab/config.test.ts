// validateConfig refuses fields it does not know, at every level, by their path: a typo
// such as `Units` or a key like `toString` must not be ignored silently.
import { expect } from '@esm-bundle/chai';
import { validateConfig, type ExperimentConfig } from '../../src/lab/config.js';
import { refusal } from '../helpers/errors.js';

const base = (): ExperimentConfig => ({
  model: 'lenet-300-100',
  dataset: { name: 'mnist' },
  train: { epochs: 1, batchSize: 64, optimizer: { type: 'adam', lr: 1e-3 }, schedule: { type: 'cosine', minLr: 1e-5 } },
  prune: { method: 'global', schedule: 'iterative', targetSparsity: 0.9, rounds: 3, finetuneEpochs: 1 },
  seed: 1,
  subsets: { train: 1000 },
});

/** Sets `path` (dot-separated) in a plain copy of the base config. */
function edited(path: string, value: unknown): unknown {
  const c = JSON.parse(JSON.stringify(base())) as Record<string, unknown>;
  const keys = path.split('.');
  let o = c;
  for (const k of keys.slice(0, -1)) o = o[k] as Record<string, unknown>;
  Object.defineProperty(o, keys.at(-1)!, { value, enumerable: true, configurable: true, writable: true });
  return c;
}

describe('validateConfig: unknown and misplaced fields', () => {
  it('accepts the base config and every committed experiment shape', () => {
    expect(validateConfig(base()).prune.scope).to.equal('global');
  });

  const cases: [string, string, unknown, string][] = [
    ['a top-level typo', 'Units', 3, 'Units'],
    ['an own toString in train', 'train.toString', 1, 'train.toString'],
    ['subsets as an array', 'subsets', [], 'subsets'],
    ['subsets.constructor', 'subsets.constructor', 5, 'subsets.constructor'],
    ['momentum on adam', 'train.optimizer.momentum', 0.9, 'train.optimizer.momentum'],
    ['gamma on a cosine schedule', 'train.schedule.gamma', 0.5, 'train.schedule.gamma'],
    ['an unknown prune field', 'prune.sparsity', 0.5, 'prune.sparsity'],
    ['a label on the mnist dataset', 'dataset.label', 'x', 'dataset.label'],
    ['a prototype key as preset name', 'model', 'constructor', 'model'],
    ['prune.layers as an array', 'prune.layers', [], 'prune.layers'],
    ['a step schedule every 2^32 + 1 epochs', 'train.schedule', { type: 'step', everyEpochs: 4294967297, gamma: 0.5 }, 'train.schedule.everyEpochs'],
  ];
  for (const [what, path, value, field] of cases) {
    it(`refuses ${what}, naming ${field}`, async () => {
      const e = await refusal(() => validateConfig(edited(path, value)));
      expect(e.code).to.equal('invalid-config');
      expect(e.field, e.message).to.equal(field);
      expect(e.message).to.contain(field);
    });
  }
});

// The axes of #13: the legacy method maps onto granularity / criterion / scope / when,
// every new field refuses bad values by name, conflicting combinations are refused.
type Prune = Record<string, unknown>;
const withPrune = (prune: Prune): unknown => ({ ...base(), prune });
const oneshot = (extra: Prune): Prune => ({ schedule: 'oneshot', targetSparsity: 0.5, rounds: 1, finetuneEpochs: 1, ...extra });

async function refusedAt(raw: unknown, field: string, text?: string): Promise<void> {
  const e = await refusal(() => validateConfig(raw));
  expect(e.code).to.equal('invalid-config');
  expect(e.field, e.message).to.equal(field);
  expect(e.message).to.contain(field);
  if (text) expect(e.message).to.contain(text);
}

describe('validateConfig: the legacy method as axes', () => {
  const cases: [Prune, Record<string, unknown>][] = [
    [{ method: 'global' }, { granularity: 'weight', criterion: 'magnitude', scope: 'global', when: 'after' }],
    [{ method: 'local' }, { granularity: 'weight', criterion: 'magnitude', scope: 'local', when: 'after' }],
    [{ method: 'random' }, { granularity: 'weight', criterion: 'random', scope: 'global', when: 'after' }],
    [{ method: 'random', scope: 'local' }, { granularity: 'weight', criterion: 'random', scope: 'local', when: 'after' }],
    [{ method: 'structured' }, { granularity: 'unit', criterion: 'l2', scope: 'global', when: 'after' }],
    [{ method: 'structured', criterion: 'l1', scope: 'local' }, { granularity: 'unit', criterion: 'l1', scope: 'local', when: 'after' }],
    [{ method: 'structured', criterion: 'norm-product' }, { granularity: 'unit', criterion: 'norm-product', scope: 'global', when: 'after' }],
    [{ method: 'global', granularity: 'weight', criterion: 'magnitude', scope: 'global' }, { granularity: 'weight', criterion: 'magnitude', scope: 'global', when: 'after' }],
  ];
  for (const [given, axes] of cases) {
    it(`maps ${JSON.stringify(given)} onto ${JSON.stringify(axes)} and keeps method`, () => {
      const p = validateConfig(withPrune(oneshot(given))).prune;
      expect({ granularity: p.granularity, criterion: p.criterion, scope: p.scope, when: p.when }).to.deep.equal(axes);
      expect(p.method).to.equal(given.method);
    });
  }
  it("maps method 'local' with schedule 'gradual' to when 'during'", () => {
    const p = validateConfig(withPrune({ method: 'local', schedule: 'gradual', targetSparsity: 0.8, rounds: 2, finetuneEpochs: 2 })).prune;
    expect([p.granularity, p.criterion, p.scope, p.when]).to.deep.equal(['weight', 'magnitude', 'local', 'during']);
  });
  it('fills the axes without a method, and leaves method out', () => {
    const p = validateConfig(withPrune(oneshot({}))).prune;
    expect([p.granularity, p.criterion, p.scope, p.when, 'method' in p]).to.deep.equal(['weight', 'magnitude', 'global', 'after', false]);
    const u = validateConfig(withPrune(oneshot({ granularity: 'unit' }))).prune;
    expect([u.granularity, u.criterion, u.scope]).to.deep.equal(['unit', 'l2', 'global']);
  });
  it('is idempotent: a normalized config validates to itself (reports store it)', () => {
    for (const p of [oneshot({ method: 'local' }), oneshot({ method: 'structured', criterion: 'l1' }), oneshot({ granularity: 'nm', criterion: 'sparsegpt', targetSparsity: undefined }),
      oneshot({ criterion: 'synflow', when: 'init', finetuneEpochs: 0 }), oneshot({ criterion: 'wanda', calibration: { samples: 64, batchSize: 16 } })]) {
      const once = validateConfig(withPrune(p));
      expect(validateConfig(JSON.parse(JSON.stringify(once)))).to.deep.equal(once);
    }
  });
  const conflicts: [Prune, string, string][] = [
    [{ method: 'global', criterion: 'lamp' }, 'prune.criterion', "'magnitude' with method 'global'"],
    [{ method: 'random', criterion: 'magnitude' }, 'prune.criterion', "'random' with method 'random'"],
    [{ method: 'structured', criterion: 'wanda' }, 'prune.criterion', 'one of l1, l2, taylor, norm-product'],
    [{ method: 'global', granularity: 'unit' }, 'prune.granularity', "'weight' with method 'global'"],
    [{ method: 'structured', granularity: 'nm' }, 'prune.granularity', "'unit' with method 'structured'"],
    [{ method: 'global', scope: 'local' }, 'prune.scope', "'global' with method 'global'"],
    [{ method: 'local', scope: 'global' }, 'prune.scope', "'local' with method 'local'"],
    [{ method: 'magnitude' }, 'prune.method', 'one of global, local, random, structured'],
  ];
  for (const [given, field, text] of conflicts) {
    it(`refuses ${JSON.stringify(given)}, naming ${field}`, () => refusedAt(withPrune(oneshot(given)), field, text));
  }
});

describe('validateConfig: the new prune fields', () => {
  const accepted: [Prune, Record<string, unknown>][] = [
    [{ granularity: 'nm' }, { nm: { n: 2, m: 4 }, targetSparsity: 0.5, scope: 'local' }],
    [{ granularity: 'nm', nm: { n: 1, m: 4 }, targetSparsity: 0.75 }, { nm: { n: 1, m: 4 }, targetSparsity: 0.75 }],
    [{ granularity: 'nm', nm: { n: 4, m: 8 }, targetSparsity: undefined, criterion: 'wanda' }, { nm: { n: 4, m: 8 }, targetSparsity: 0.5, criterion: 'wanda' }],
    [{ criterion: 'sparsegpt' }, { sparsegpt: { blockSize: 128, damp: 0.01 }, scope: 'local' }],
    [{ criterion: 'wanda' }, { scope: 'local' }],
    [{ criterion: 'wanda', scope: 'local' }, { scope: 'local' }],
    [{ criterion: 'taylor' }, { scope: 'global' }],
    [{ criterion: 'sparsegpt', sparsegpt: { blockSize: 32 } }, { sparsegpt: { blockSize: 32, damp: 0.01 } }],
    [{ criterion: 'synflow', when: 'init', finetuneEpochs: 0 }, { synflow: { iterations: 100 }, when: 'init' }],
    [{ criterion: 'synflow', synflow: { iterations: 5 } }, { synflow: { iterations: 5 }, when: 'after' }],
    [{ criterion: 'snip', when: 'after' }, { criterion: 'snip', when: 'after' }],
    [{ criterion: 'taylor', calibration: { samples: 256 } }, { calibration: { samples: 256 } }],
    [{ granularity: 'unit', criterion: 'taylor', calibration: { samples: 8, batchSize: 8 } }, { calibration: { samples: 8, batchSize: 8 } }],
    [{ criterion: 'movement', schedule: 'gradual', rounds: 3, finetuneEpochs: 2 }, { when: 'during', criterion: 'movement' }],
    [{ criterion: 'lamp', schedule: 'gradual', when: 'during', rounds: 3, finetuneEpochs: 2 }, { when: 'during' }],
    [{ criterion: 'random', when: 'init', finetuneEpochs: 0 }, { when: 'init' }],
    [{ granularity: 'nm', criterion: 'magnitude', when: 'init', finetuneEpochs: 0 }, { when: 'init', nm: { n: 2, m: 4 } }],
  ];
  for (const [given, want] of accepted) {
    it(`accepts ${JSON.stringify(given)} as ${JSON.stringify(want)}`, () => {
      const p = validateConfig(withPrune(oneshot(given))).prune as unknown as Record<string, unknown>;
      for (const [k, v] of Object.entries(want)) expect(p[k], k).to.deep.equal(v);
    });
  }
  const refused: [string, Prune, string, string][] = [
    ['an unknown granularity', { granularity: 'row' }, 'prune.granularity', 'one of weight, unit, nm'],
    ['an unknown criterion', { criterion: 'obd' }, 'prune.criterion', 'one of magnitude, random, taylor, snip, synflow, lamp, wanda, sparsegpt, movement'],
    ['a unit criterion on weights', { criterion: 'l1' }, 'prune.criterion', "with granularity 'weight'"],
    ['wanda on units', { granularity: 'unit', criterion: 'wanda' }, 'prune.criterion', "one of l1, l2, taylor, norm-product with granularity 'unit'"],
    ['lamp at N:M', { granularity: 'nm', criterion: 'lamp' }, 'prune.criterion', "one of magnitude, random, taylor, snip, wanda, sparsegpt with granularity 'nm'"],
    ['synflow at N:M', { granularity: 'nm', criterion: 'synflow' }, 'prune.criterion', "with granularity 'nm'"],
    ['an unknown when', { when: 'before' }, 'prune.when', 'one of after, init, during'],
    ['nm without granularity nm', { nm: { n: 2, m: 4 } }, 'prune.nm', "given only with granularity 'nm'"],
    ['nm as an array', { granularity: 'nm', nm: [2, 4] }, 'prune.nm', 'an object { n, m }'],
    ['nm with an unknown field', { granularity: 'nm', nm: { n: 2, m: 4, k: 1 } }, 'prune.nm.k', 'not a field of prune.nm'],
    ['n ≥ m', { granularity: 'nm', nm: { n: 4, m: 4 } }, 'prune.nm.n', 'an integer in [1, 3]'],
    ['n = 0', { granularity: 'nm', nm: { n: 0, m: 4 } }, 'prune.nm.n', 'an integer in [1, 3]'],
    ['m = 17', { granularity: 'nm', nm: { n: 2, m: 17 } }, 'prune.nm.m', 'an integer in [2, 16]'],
    ['m = 1', { granularity: 'nm', nm: { n: 1, m: 1 } }, 'prune.nm.m', 'an integer in [2, 16]'],
    ['a fractional n', { granularity: 'nm', nm: { n: 1.5, m: 4 } }, 'prune.nm.n', 'an integer'],
    ['a targetSparsity other than 1 − n/m', { granularity: 'nm', nm: { n: 2, m: 4 }, targetSparsity: 0.6 }, 'prune.targetSparsity', '1 − n/m = 0.5'],
    ['nm with global scope', { granularity: 'nm', scope: 'global' }, 'prune.scope', "'local' or left out with granularity 'nm'"],
    ['wanda with global scope', { criterion: 'wanda', scope: 'global' }, 'prune.scope', "'local' or left out with criterion 'wanda' (it compares within each output row"],
    ['sparsegpt with global scope', { criterion: 'sparsegpt', scope: 'global' }, 'prune.scope', "'local' or left out with criterion 'sparsegpt' (it prunes layer by layer"],
    ['nm iterative', { granularity: 'nm', schedule: 'iterative', rounds: 2 }, 'prune.schedule', "'oneshot' with granularity 'nm'"],
    ['nm with a layer sparsity', { granularity: 'nm', layers: { fc1: { sparsity: 0.3 } } }, 'prune.layers.fc1.sparsity', "absent with granularity 'nm'"],
    ['wanda at init', { criterion: 'wanda', when: 'init', finetuneEpochs: 0 }, 'prune.criterion', 'one of magnitude, random, snip, synflow with when \'init\''],
    ['units at init', { granularity: 'unit', when: 'init', finetuneEpochs: 0 }, 'prune.when', "'after' with granularity 'unit'"],
    ['init iterative', { criterion: 'snip', when: 'init', schedule: 'iterative', rounds: 2, finetuneEpochs: 0 }, 'prune.schedule', "'oneshot' with when 'init'"],
    ['init with fine-tune epochs', { criterion: 'snip', when: 'init', finetuneEpochs: 1 }, 'prune.finetuneEpochs', "0 with when 'init'"],
    ['init with rewind', { criterion: 'snip', when: 'init', finetuneEpochs: 0, rewind: 0 }, 'prune.rewind', "false with when 'init'"],
    ['during without gradual', { when: 'during' }, 'prune.schedule', "'gradual' with when 'during'"],
    ['gradual with when after', { when: 'after', schedule: 'gradual', rounds: 2 }, 'prune.when', "'during' (or left out) with schedule 'gradual'"],
    ['movement after training', { criterion: 'movement' }, 'prune.when', "'during' with criterion 'movement'"],
    ['sparsegpt during training', { criterion: 'sparsegpt', schedule: 'gradual', rounds: 2 }, 'prune.criterion', "with when 'during'"],
    ['random gradual', { criterion: 'random', schedule: 'gradual', rounds: 2 }, 'prune.criterion', 'one of magnitude, lamp, taylor, wanda, movement'],
    ['method random gradual', { method: 'random', schedule: 'gradual', rounds: 2 }, 'prune.schedule', "'oneshot' or 'iterative' with method 'random'"],
    ['method structured gradual', { method: 'structured', schedule: 'gradual', rounds: 2 }, 'prune.schedule', "'oneshot' or 'iterative' with method 'structured'"],
    ['units gradual', { granularity: 'unit', schedule: 'gradual', rounds: 2 }, 'prune.granularity', "'weight' with when 'during'"],
    ['calibration for magnitude', { calibration: { samples: 10 } }, 'prune.calibration', 'given only with a criterion that scores from data'],
    ['calibration without samples', { criterion: 'wanda', calibration: {} }, 'prune.calibration.samples', 'an integer in [1, 10000000]'],
    ['calibration samples 0', { criterion: 'wanda', calibration: { samples: 0 } }, 'prune.calibration.samples', 'an integer in [1, 10000000]'],
    ['calibration batch above its samples', { criterion: 'taylor', calibration: { samples: 8, batchSize: 9 } }, 'prune.calibration.batchSize', 'an integer in [1, 8]'],
    ['calibration with an unknown field', { criterion: 'snip', calibration: { samples: 8, seed: 1 } }, 'prune.calibration.seed', 'not a field of prune.calibration'],
    ['sparsegpt settings for wanda', { criterion: 'wanda', sparsegpt: { blockSize: 8 } }, 'prune.sparsegpt', "given only with criterion 'sparsegpt'"],
    ['a sparsegpt block of 0', { criterion: 'sparsegpt', sparsegpt: { blockSize: 0 } }, 'prune.sparsegpt.blockSize', 'an integer in [1, 65536]'],
    ['a sparsegpt damp of 0', { criterion: 'sparsegpt', sparsegpt: { damp: 0 } }, 'prune.sparsegpt.damp', 'a number in (0, 1]'],
    ['a sparsegpt damp of NaN', { criterion: 'sparsegpt', sparsegpt: { damp: 'x' } }, 'prune.sparsegpt.damp', 'a number in (0, 1]'],
    ['sparsegpt with an unknown field', { criterion: 'sparsegpt', sparsegpt: { lambda: 1 } }, 'prune.sparsegpt.lambda', 'not a field of prune.sparsegpt'],
    ['synflow settings for snip', { criterion: 'snip', synflow: { iterations: 3 } }, 'prune.synflow', "given only with criterion 'synflow'"],
    ['synflow iterations 0', { criterion: 'synflow', synflow: { iterations: 0 } }, 'prune.synflow.iterations', 'an integer in [1, 10000]'],
    ['keptCounts for magnitude', { keptCounts: [[1, 1, 1]] }, 'prune.keptCounts', "given only with criterion 'random' and granularity 'weight'"],
    ['keptCounts for random N:M', { granularity: 'nm', criterion: 'random', keptCounts: [[1, 1, 1]] }, 'prune.keptCounts', "given only with criterion 'random'"],
  ];
  for (const [what, given, field, text] of refused) {
    it(`refuses ${what}, naming ${field}`, () => refusedAt(withPrune(oneshot(given)), field, text));
  }
});

describe('validateConfig: the committed experiment configs', () => {
  const files = ['lenet-300-100-global-iterative', 'lenet-300-100-global-quick', 'lenet-300-100-random-iterative', 'lenet-300-100-random-quick', 'lenet-5-global-quick'];
  for (const f of files) {
    it(`validates docs/experiments/${f}.json onto the axes of its method`, async () => {
      const raw = (await (await fetch(`/docs/experiments/${f}.json`)).json()) as { prune: { method: string } };
      const p = validateConfig(raw).prune;
      expect([p.granularity, p.criterion, p.when, p.method]).to.deep.equal(['weight', raw.prune.method === 'random' ? 'random' : 'magnitude', 'after', raw.prune.method]);
    });
  }
});
