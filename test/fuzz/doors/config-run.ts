// Door: the experiment config through runExperiment on tiny data (48 train rows of
// 1×4×4, 3 classes), where every check whose inputs are known before training
// (config + data sizes) must refuse before any GPU work. The context handed in is
// guarded: its first buffer or pipeline request throws GpuWorkStarted.
// Documented acceptance: GPU work starts for a config that fits the data: batch ≤
// 48 rows, rewind ≤ baseline steps, a gradual schedule inside its fine-tune steps,
// and a model whose input is 1×4×4 with ≥ 3 outputs. Reaching the GPU with a
// config that breaks one of those is a failure (a late refusal).
import { runExperiment } from '../../../src/lab/run.js';
import { validateConfig, type ExperimentConfig } from '../../../src/lab/config.js';
import { planModel } from '../../../src/nn/spec.js';
import { resolveModel } from '../../../src/lab/config.js';
import type { Door } from '../harness.js';
import { GpuWorkStarted, TINY_DATA, gpu, guarded } from '../gpu.js';
import { mutateConfig, type ConfigCase } from './config.js';

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
  return null;
}

export const configRunDoor: Door<ConfigCase> = {
  name: 'config-run',
  fastCases: 40,
  gpu,
  generate: mutateConfig,
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
