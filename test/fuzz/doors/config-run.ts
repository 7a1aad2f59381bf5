// Door: the experiment config through runExperiment on tiny data (48 train rows of
// 1×4×4, 3 classes), where every check whose inputs are known before training
// (config + data sizes) must refuse before any GPU work. The context handed in is
// guarded: its first buffer or pipeline request throws GpuWorkStarted.
// Documented acceptance: GPU work starts for a config that fits the data: batch ≤
// 48 rows, rewind ≤ baseline steps, a gradual schedule inside its fine-tune steps,
// a model whose input is 1×4×4 with ≥ 3 outputs, a calibration subset within the 48
// rows, and N:M groups that tile every participating layer's inputs. Reaching the GPU with a
// config that breaks one of those is a failure (a late refusal).
import { runExperiment } from '../../../src/lab/run.js';
import { validateConfig, type ExperimentConfig } from '../../../src/lab/config.js';
import { planModel } from '../../../src/nn/spec.js';
import { resolveModel } from '../../../src/lab/config.js';
import type { Door } from '../harness.js';
import { GpuWorkStarted, TINY_DATA, gpu, guarded } from '../gpu.js';
import { mutateConfig, SEED_CONFIGS, type ConfigCase } from './config.js';
import { clone, pick } from '../mutate.js';
import type { Rng } from '../../../src/rng.js';

const ADAPTER = { vendor: 'fuzz', architecture: 'fuzz', description: 'fuzz', backend: 'webgpu' };

/** What no run on TINY_DATA can do, known before training; null when the config fits. */
export function misfit(c: ExperimentConfig): string | null {
  const n = TINY_DATA.train.n;
  const plan = planModel(resolveModel(c.model));
  if (plan.input.C * plan.input.H * plan.input.W !== 16) return 'model input does not match the 1×4×4 data';
  if (plan.classes < 3) return 'fewer outputs than the 3 classes';
  if (c.train.batchSize > n) return `batch ${c.train.batchSize} > ${n} rows`;
  const spe = Math.floor(n / c.train.batchSize);
  const p = c.prune;
  if (p.rewind !== undefined && p.rewind !== false && p.rewind > c.train.epochs * spe) return `rewind ${p.rewind} > ${c.train.epochs * spe} baseline steps`;
  if (p.schedule === 'gradual') {
    const T = p.finetuneEpochs * spe;
    const start = p.gradualStart ?? 0;
    const every = p.gradualEvery ?? Math.max(1, Math.floor((0.75 * T - start) / p.rounds));
    if (start + p.rounds * every > T) return `gradual updates ${start} + ${p.rounds} × ${every} do not fit ${T} fine-tune steps`;
  }
  if (p.calibration && p.calibration.samples > n) return `calibration samples ${p.calibration.samples} > ${n} rows`;
  if (p.granularity === 'nm' && p.nm) {
    const bad = plan.params.find((q) => !p.layers?.[q.name]?.exclude && (q.conv ? q.conv.C * q.conv.k * q.conv.k : q.in) % p.nm!.m !== 0);
    if (bad) return `${bad.name}'s inputs are not a multiple of m = ${p.nm.m}`;
  }
  return null;
}

/** Configs validateConfig accepts that do not fit TINY_DATA (48 rows): only the run can refuse them. */
interface Cfg {
  model: unknown;
  train: { batchSize: number };
  prune: Record<string, unknown>;
}

const MISFITS: Array<[string, (c: Cfg) => void]> = [
  ['train.batchSize = 49', (c) => (c.train.batchSize = 49)],
  ['train.batchSize = 65536', (c) => (c.train.batchSize = 65536)],
  ['prune.rewind = 7 (6 baseline steps)', (c) => (c.prune.rewind = 7)],
  ['prune.rewind = 1e8', (c) => (c.prune.rewind = 1e8)],
  ['gradual, prune.gradualEvery = 7 (2 × 7 > 12 fine-tune steps)', (c) => (c.prune.gradualEvery = 7)],
  ['gradual, prune.gradualStart = 11', (c) => (c.prune.gradualStart = 11)],
  ['gradual, prune.rounds = 13 with gradualEvery 1', (c) => Object.assign(c.prune, { rounds: 13, gradualEvery: 1 })],
  ['gradual, train.batchSize = 48 (1 step an epoch, 2 fine-tune steps)', (c) => (c.train.batchSize = 48)],
  ['model lenet-300-100 on 1×4×4 data', (c) => (c.model = 'lenet-300-100')],
  ['calibration: prune.calibration.samples = 49', (c) => (c.prune.calibration = { samples: 49 })],
  ['nm: prune.nm.m = 16 (fc2 has 8 inputs)', (c) => (c.prune.nm = { n: 1, m: 16 })],
  ['model with 2 outputs for 3 classes', (c) => (c.model = { input: { C: 1, H: 4, W: 4 }, layers: [{ type: 'linear', units: 2 }] })],
];

function misfitCase(rng: Rng): ConfigCase {
  const [what, apply] = pick(rng, MISFITS);
  const gradual = what.startsWith('gradual');
  const seed = gradual ? 2 : what.includes('rewind') ? 4 : what.startsWith('calibration') || what.startsWith('nm') ? 5 : 0;
  const c = clone(SEED_CONFIGS[seed]) as Cfg;
  apply(c);
  const field = /(train\.batchSize|prune\.[\w.]+\w|model)/.exec(what)![1]!;
  return { repro: `${what}: ${JSON.stringify(c)}`, fields: [field, field.split('.').pop()!], config: c, path: field.split('.') };
}

export const configRunDoor: Door<ConfigCase> = {
  name: 'config-run',
  fastCases: 40,
  gpu,
  generate: (rng) => (rng.next() < 0.4 ? misfitCase(rng) : mutateConfig(rng)),
  async run(c) {
    const ctx = guarded(await gpu());
    try {
      await runExperiment(ctx, ADAPTER, c.config, TINY_DATA);
    } catch (e) {
      if (!(e instanceof GpuWorkStarted)) throw e;
      const why = misfit(validateConfig(c.config));
      return why ? `GPU work started before the refusal of a config that cannot run: ${why}` : undefined;
    }
    return 'runExperiment resolved without GPU work';
  },
};
