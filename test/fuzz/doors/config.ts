// Door: the experiment config JSON (src/lab/config.ts validateConfig). Valid seed
// configs cover every schedule and method (so conflicting combinations come up);
// each case removes a field, gives it the wrong type or an out-of-range value,
// adds an unknown field, or switches one choice field (conflicts).
// Documented acceptance: removing an optional field, or a value still in its
// documented range. The accepted config must then hold only known fields, each in
// its documented range (FIELDS below, from the ExperimentConfig docs).
import { validateConfig, type ExperimentConfig } from '../../../src/lab/config.js';
import type { Rng } from '../../../src/rng.js';
import type { Door, FuzzCase } from '../harness.js';
import { clone, getAt, mutateJson, pathFields, pathName, pick, setAt, show, type Path } from '../mutate.js';

export interface ConfigCase extends FuzzCase {
  config: unknown;
  path: Path;
}

/** A tiny MLP on 1×4×4 inputs with 3 classes (the config-run door's data). */
export const TINY_SPEC = { name: 'tiny', input: { C: 1, H: 4, W: 4 }, layers: [{ type: 'linear', units: 8 }, { type: 'relu' }, { type: 'linear', units: 3 }] };

const BASE = {
  model: TINY_SPEC,
  dataset: { name: 'mnist' },
  train: { epochs: 1, batchSize: 8, optimizer: { type: 'adam', lr: 0.001 } },
  prune: { method: 'global', schedule: 'iterative', targetSparsity: 0.5, rounds: 2, finetuneEpochs: 1 },
  seed: 1,
  subsets: { train: 40, validation: 10, test: 10 },
  evaluateOn: 'test',
};

export const SEED_CONFIGS: unknown[] = [
  BASE,
  { ...BASE, train: { ...BASE.train, optimizer: { type: 'sgd', lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 0.0001 }, schedule: { type: 'step', everyEpochs: 1, gamma: 0.5 } } },
  { ...BASE, prune: { method: 'local', schedule: 'gradual', targetSparsity: 0.8, rounds: 2, finetuneEpochs: 2, gradualEvery: 2, gradualStart: 0 } },
  { ...BASE, prune: { method: 'structured', criterion: 'l2', scope: 'local', schedule: 'oneshot', targetSparsity: 0.25, rounds: 1, finetuneEpochs: 1 } },
  { ...BASE, prune: { method: 'random', schedule: 'iterative', targetSparsity: 0.6, rounds: 2, finetuneEpochs: 1, rewind: 0, layers: { fc2: { exclude: true }, fc1: { sparsity: 0.3 } } } },
  { ...BASE, prune: { granularity: 'nm', nm: { n: 2, m: 4 }, criterion: 'wanda', calibration: { samples: 16, batchSize: 8 }, schedule: 'oneshot', rounds: 1, finetuneEpochs: 1 } },
  { ...BASE, prune: { criterion: 'sparsegpt', sparsegpt: { blockSize: 8, damp: 0.01 }, calibration: { samples: 16 }, scope: 'local', schedule: 'oneshot', targetSparsity: 0.5, rounds: 1, finetuneEpochs: 1 } },
  { ...BASE, prune: { criterion: 'synflow', synflow: { iterations: 10 }, when: 'init', schedule: 'oneshot', targetSparsity: 0.8, rounds: 1, finetuneEpochs: 0 } },
  { ...BASE, prune: { criterion: 'movement', when: 'during', schedule: 'gradual', targetSparsity: 0.7, rounds: 2, finetuneEpochs: 2 } },
  { ...BASE, prune: { granularity: 'unit', criterion: 'taylor', calibration: { samples: 8 }, schedule: 'iterative', targetSparsity: 0.25, rounds: 2, finetuneEpochs: 1 } },
  { ...BASE, model: 'lenet-300-100', train: { ...BASE.train, optimizer: { type: 'adam', lr: 0.002, beta1: 0.9, beta2: 0.999, eps: 1e-8, decoupled: true }, schedule: { type: 'cosine', minLr: 0 } }, evaluateOn: 'validation' },
];

const int = (lo: number, hi: number) => (v: unknown): boolean => typeof v === 'number' && Number.isInteger(v) && v >= lo && v <= hi;
const num = (lo: number, hi: number, loOpen = false, hiOpen = false) => (v: unknown): boolean =>
  typeof v === 'number' && Number.isFinite(v) && (loOpen ? v > lo : v >= lo) && (hiOpen ? v < hi : v <= hi);
const among = (...xs: unknown[]) => (v: unknown): boolean => xs.includes(v);
const bool = among(true, false);
const obj = (v: unknown): boolean => typeof v === 'object' && v !== null && !Array.isArray(v);

/** What each documented field accepts ("*" matches one key). Model-spec fields are planModel's to judge. */
const FIELDS: Record<string, (v: unknown) => boolean> = {
  model: (v) => v === 'lenet-300-100' || v === 'lenet-5' || obj(v),
  dataset: obj, 'dataset.name': among('mnist', 'idx'), 'dataset.label': (v) => typeof v === 'string',
  train: obj, 'train.epochs': int(0, 1000), 'train.batchSize': int(1, 65536),
  'train.optimizer': obj, 'train.optimizer.type': among('sgd', 'adam'), 'train.optimizer.lr': num(0, 10, true),
  'train.optimizer.momentum': num(0, 1, false, true), 'train.optimizer.weightDecay': num(0, 1), 'train.optimizer.nesterov': bool,
  'train.optimizer.beta1': num(0, 1, false, true), 'train.optimizer.beta2': num(0, 1, false, true), 'train.optimizer.eps': num(0, 1, true),
  'train.optimizer.decoupled': bool,
  'train.schedule': obj, 'train.schedule.type': among('constant', 'step', 'cosine'), 'train.schedule.everyEpochs': int(1, 1000),
  'train.schedule.gamma': num(0, 1, true), 'train.schedule.minLr': num(0, 10),
  prune: obj, 'prune.method': among('global', 'local', 'random', 'structured'), 'prune.scope': among('global', 'local'),
  'prune.granularity': among('weight', 'unit', 'nm'),
  'prune.criterion': among('magnitude', 'random', 'taylor', 'snip', 'synflow', 'lamp', 'wanda', 'sparsegpt', 'movement', 'l1', 'l2', 'norm-product'),
  'prune.when': among('after', 'init', 'during'), 'prune.nm': obj, 'prune.nm.n': int(1, 15), 'prune.nm.m': int(2, 16),
  'prune.calibration': obj, 'prune.calibration.samples': int(1, 1e7), 'prune.calibration.batchSize': int(1, 65536),
  'prune.sparsegpt': obj, 'prune.sparsegpt.blockSize': int(1, 65536), 'prune.sparsegpt.damp': num(0, 1, true),
  'prune.synflow': obj, 'prune.synflow.iterations': int(1, 10000), 'prune.schedule': among('oneshot', 'iterative', 'gradual'), 'prune.targetSparsity': num(0, 1, false, true),
  'prune.rounds': int(1, 100), 'prune.finetuneEpochs': int(0, 1000), 'prune.layers': obj, 'prune.layers.*': obj,
  'prune.layers.*.exclude': bool, 'prune.layers.*.sparsity': num(0, 1, false, true), 'prune.rewind': (v) => v === false || int(0, 1e8)(v),
  'prune.gradualEvery': int(1, 1e6), 'prune.gradualStart': int(0, 1e8),
  seed: int(0, 2 ** 31 - 1), subsets: obj, 'subsets.train': int(1, 1e7), 'subsets.validation': int(1, 1e7), 'subsets.test': int(1, 1e7),
  evaluateOn: among('test', 'validation'),
};

function rule(name: string): ((v: unknown) => boolean) | undefined {
  return FIELDS[name] ?? FIELDS[name.replace(/^prune\.layers\.[^.]+/, 'prune.layers.*')];
}

/** Why an accepted config is not sane: an unknown field or a value out of its documented range. */
export function configProblem(c: unknown, prefix: Path = []): string | void {
  if (typeof c !== 'object' || c === null) return 'not an object';
  for (const [k, v] of Object.entries(c)) {
    const p = [...prefix, k];
    const name = pathName(p);
    if (name === 'model' && typeof v === 'object') continue;
    const ok = rule(name);
    if (!ok) return `unknown field ${name} = ${show(v)} was accepted (silently ignored)`;
    if (v !== undefined && !ok(v)) return `${name} = ${show(v)} is outside what it accepts`;
    if (obj(v)) {
      const inner = configProblem(v, p);
      if (inner) return inner;
    }
  }
}

/** Why the accepted config's axes are not filled in, or break a cross-field rule of the ExperimentConfig.prune docs. */
export function axesProblem(c: ExperimentConfig): string | void {
  const p = c.prune;
  if (!p.granularity || !p.criterion || !p.scope || !p.when) return `an axis was left unfilled: ${show({ granularity: p.granularity, criterion: p.criterion, scope: p.scope, when: p.when })}`;
  const unit = ['l1', 'l2', 'taylor', 'norm-product'].includes(p.criterion);
  const weight = !['l1', 'l2', 'norm-product'].includes(p.criterion);
  if (p.granularity === 'unit' ? !unit : !weight) return `criterion ${p.criterion} was accepted with granularity ${p.granularity}`;
  if ((p.granularity === 'nm' || p.criterion === 'wanda' || p.criterion === 'sparsegpt') && p.scope !== 'local') return `scope ${p.scope} accepted with ${p.granularity} / ${p.criterion} (layer by layer)`;
  if (p.granularity === 'nm') {
    if (!p.nm || p.nm.n >= p.nm.m) return `granularity nm accepted with nm = ${show(p.nm)}`;
    if (Math.abs(p.targetSparsity - (1 - p.nm.n / p.nm.m)) > 1e-9) return `N:M ${p.nm.n}:${p.nm.m} accepted with targetSparsity ${p.targetSparsity}`;
  } else if (p.nm) return `nm accepted with granularity ${p.granularity}`;
  if ((p.schedule === 'gradual') !== (p.when === 'during')) return `schedule ${p.schedule} accepted with when ${p.when}`;
  if (p.when === 'init' && (p.schedule !== 'oneshot' || p.finetuneEpochs !== 0)) return `when init accepted with schedule ${p.schedule}, finetuneEpochs ${p.finetuneEpochs}`;
  if (p.criterion === 'movement' && p.when !== 'during') return `movement accepted with when ${p.when}`;
  if (p.calibration && !['taylor', 'snip', 'wanda', 'sparsegpt'].includes(p.criterion)) return `calibration accepted with criterion ${p.criterion}`;
  if (p.calibration?.batchSize !== undefined && p.calibration.batchSize > p.calibration.samples) return `calibration batch ${p.calibration.batchSize} > samples ${p.calibration.samples}`;
  if ((p.sparsegpt !== undefined) !== (p.criterion === 'sparsegpt')) return `sparsegpt settings ${show(p.sparsegpt)} with criterion ${p.criterion}`;
  if ((p.synflow !== undefined) !== (p.criterion === 'synflow')) return `synflow settings ${show(p.synflow)} with criterion ${p.criterion}`;
}

/** Choice fields switched to another legal value: conflicting combinations. */
const SWITCHES: Array<[Path, unknown[]]> = [
  [['prune', 'method'], ['global', 'local', 'random', 'structured']],
  [['prune', 'schedule'], ['oneshot', 'iterative', 'gradual']],
  [['prune', 'rounds'], [1, 3]],
  [['prune', 'finetuneEpochs'], [0, 1]],
  [['prune', 'criterion'], ['l1', 'taylor', 'norm-product', 'lamp', 'wanda', 'sparsegpt', 'snip', 'synflow', 'movement', 'random']],
  [['prune', 'granularity'], ['weight', 'unit', 'nm']],
  [['prune', 'when'], ['after', 'init', 'during']],
  [['prune', 'nm'], [{ n: 1, m: 4 }, { n: 4, m: 8 }, { n: 3, m: 3 }]],
  [['prune', 'calibration'], [{ samples: 4 }, { samples: 4, batchSize: 5 }]],
  [['prune', 'sparsegpt'], [{ blockSize: 4 }, {}]],
  [['prune', 'synflow'], [{ iterations: 2 }]],
  [['prune', 'rewind'], [0, 3, false]],
  [['prune', 'gradualEvery'], [1, 1000]],
  [['prune', 'layers'], [{ fc1: { exclude: true }, fc2: { exclude: true } }, { fc9: {} }, { fc1: { exclude: true, sparsity: 0.5 } }]],
  [['train', 'optimizer', 'momentum'], [0.5]],
  [['train', 'optimizer', 'beta1'], [0.5]],
];

export function mutateConfig(rng: Rng): ConfigCase {
  const seed = pick(rng, SEED_CONFIGS);
  if (rng.next() < 0.25) {
    const v = clone(seed);
    const [path, values] = pick(rng, SWITCHES);
    const value = pick(rng, values);
    setAt(v, path, value);
    return { repro: `${pathName(path)} = ${show(value)} (was ${show(getAt(seed, path))}) in ${show(seed)}`, fields: pathFields(path), config: v, path };
  }
  const m = mutateJson(rng, seed);
  return { repro: `${m.what}; seed config ${SEED_CONFIGS.indexOf(seed)}`, fields: m.path.length ? pathFields(m.path) : ['config'], config: m.value, path: m.path };
}

export const configDoor: Door<ConfigCase> = {
  name: 'config',
  fastCases: 80,
  generate: mutateConfig,
  async run(c) {
    const v = validateConfig(c.config);
    return configProblem(v) ?? axesProblem(v);
  },
};
