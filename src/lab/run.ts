// The experiment runner: config → baseline training → prune/fine-tune rounds →
// one report. Pure engine code: it takes a GpuContext and datasets from the face.
import { PruneLabError } from '../errors.js';
import type { GpuContext } from '../gpu/context.js';
import type { AdapterSummary } from '../gpu/device.js';
import { splitMnist } from '../data/mnist.js';
import type { ImageDataset } from '../data/dataset.js';
import { planModel, type ModelPlan } from '../nn/spec.js';
import { Network, type LayerValues } from '../nn/network.js';
import { train, type TrainProgress, type TrainResult } from '../nn/train.js';
import { evaluate, releaseExecutors } from '../nn/evaluate.js';
import { MagnitudePruner } from '../prune/magnitude.js';
import { magnitudeKeptCounts, randomPrune } from '../prune/random.js';
import { selectUnits, shrink, unitCount } from '../prune/structured.js';
import { iterativeTargets, cubicSparsity, isCubicUpdate, type CubicSchedule } from '../prune/schedule.js';
import { validateConfig, resolveModel, type ExperimentConfig } from './config.js';
import { REPORT_VERSION, type LayerEntry, type Report, type RoundEntry } from './report.js';

export interface LabData {
  train: ImageDataset;
  validation: ImageDataset;
  test: ImageDataset;
}

export type LabPhase = 'train' | 'prune' | 'finetune' | 'evaluate';

export interface LabProgress {
  phase: LabPhase;
  /** 0 during baseline training, then 1…rounds. */
  round: number;
  rounds: number;
  epoch: number;
  epochs: number;
  step: number;
  stepsPerEpoch: number;
  loss: number;
  accuracy: number;
  samplesPerSec: number;
  /** Estimated milliseconds left in the whole run, from the time per training step so far (pruning and evaluation included). */
  etaMs: number;
}

export interface RunHooks {
  signal?: AbortSignal;
  onProgress?: (p: LabProgress) => void;
  /**
   * After the baseline (round 0) and each round, with the report so far and the
   * network as it is now (read its values synchronously here to snapshot it: the
   * run goes on changing it, and structured rounds replace it).
   */
  onRound?: (entry: RoundEntry, report: Report, network: Network) => void;
  /** Awaited after every training step: a face pauses a run here (at a step boundary). */
  betweenSteps?: () => Promise<void>;
  /**
   * Start from these weights and masks (a decoded checkpoint of the same model)
   * instead of a seeded init; with train.epochs 0 the baseline is the loaded model.
   */
  initial?: { values: LayerValues[] };
}

export interface RunResult {
  report: Report;
  /** The final (pruned, possibly shrunk) model; the caller destroys it. */
  network: Network;
}

/** Splits MNIST-like train/test sets as a config asks (validation = last 5k of train). */
export function labData(config: ExperimentConfig, train: ImageDataset, test: ImageDataset): LabData {
  const s = config.subsets ?? {};
  return splitMnist(train, test, {
    ...(s.train !== undefined ? { trainSubset: s.train } : {}),
    ...(s.validation !== undefined ? { validationSubset: s.validation } : {}),
    ...(s.test !== undefined ? { testSubset: s.test } : {}),
    seed: config.seed,
  });
}

function newId(): string {
  return `run-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e9).toString(36)}`;
}

/** Runs one experiment. Invalid configs throw before any GPU work; later failures end in a report with status 'error'. */
export async function runExperiment(ctx: GpuContext, adapter: Pick<AdapterSummary, 'vendor' | 'architecture' | 'description' | 'backend'>, rawConfig: unknown, data: LabData, hooks: RunHooks = {}): Promise<RunResult> {
  const config = validateConfig(rawConfig);
  const p = config.prune;
  const rewind = p.rewind ?? false;
  const plan0 = planModel(resolveModel(config.model));
  const inp = plan0.input;
  if (data.train.shape.C * data.train.shape.H * data.train.shape.W !== inp.C * inp.H * inp.W) {
    throw new PruneLabError('invalid-config', `model input ${inp.C}×${inp.H}×${inp.W} does not match the data (${data.train.shape.C}×${data.train.shape.H}×${data.train.shape.W})`, 'model');
  }
  if (data.train.numClasses > plan0.classes) throw new PruneLabError('invalid-config', `model has ${plan0.classes} outputs but the data has ${data.train.numClasses} classes`, 'model');
  if (config.train.batchSize > data.train.n) throw new PruneLabError('invalid-config', `train.batchSize must be at most the ${data.train.n} training samples (got ${config.train.batchSize})`, 'train.batchSize');
  const spe = Math.floor(data.train.n / config.train.batchSize);
  if (rewind !== false && rewind > config.train.epochs * spe) {
    throw new PruneLabError('invalid-config', `prune.rewind must be at most the ${config.train.epochs * spe} baseline training steps (got ${rewind})`, 'prune.rewind');
  }
  const excluded = plan0.params.filter((q) => p.layers?.[q.name]?.exclude).map((q) => q.name);
  const evalSet = config.evaluateOn === 'validation' ? data.validation : data.test;
  const originalWeights = plan0.params.map((q) => q.weightCount);
  const originalUnits = plan0.params.map((_, i) => unitCount(plan0, i));
  const prunableTotal = plan0.params.reduce((t, q) => t + (excluded.includes(q.name) ? 0 : q.weightCount), 0);

  const report: Report = {
    version: REPORT_VERSION,
    id: newId(),
    createdAt: new Date().toISOString(),
    status: 'running',
    config,
    adapter: { vendor: adapter.vendor, architecture: adapter.architecture, description: adapter.description, backend: adapter.backend },
    model: { name: plan0.name, paramCount: plan0.paramCount, prunableLayers: plan0.params.map((q) => q.name).filter((n) => !excluded.includes(n)), excludedLayers: excluded },
    data: { train: data.train.n, validation: data.validation.n, test: data.test.n },
    baseline: null,
    rounds: [],
    final: null,
    timeMs: 0,
  };
  const t0 = performance.now();
  const finetuneRounds = p.schedule === 'gradual' ? 1 : p.rounds;
  const plannedSteps = (config.train.epochs + finetuneRounds * p.finetuneEpochs) * spe;
  let stepsDone = 0;
  let net = Network.create(ctx, plan0, hooks.initial ? { values: hooks.initial.values } : { seed: config.seed });
  let snapshot: LayerValues[] | undefined;
  if (rewind === 0) snapshot = await net.readValues();

  const progress = (phase: LabPhase, round: number, tp: TrainProgress | null): void => {
    const eta = stepsDone > 0 ? ((performance.now() - t0) / stepsDone) * (plannedSteps - stepsDone) : NaN;
    hooks.onProgress?.({
      phase, round, rounds: finetuneRounds, epoch: tp?.epoch ?? 0, epochs: tp?.epochs ?? 0, step: tp?.step ?? 0, stepsPerEpoch: spe,
      loss: tp?.loss ?? NaN, accuracy: tp?.accuracy ?? NaN, samplesPerSec: tp?.samplesPerSec ?? NaN, etaMs: eta,
    });
  };

  const runTraining = async (phase: 'train' | 'finetune', round: number, epochs: number, extra: Partial<Parameters<typeof train>[2]> = {}): Promise<TrainResult> => {
    let before = 0;
    const own = extra.afterStep;
    const afterStep = own || hooks.betweenSteps ? async (s: number) => {
      await own?.(s);
      await hooks.betweenSteps?.();
    } : undefined;
    const r = await train(net, data.train, {
      epochs, batchSize: config.train.batchSize, optimizer: config.train.optimizer, seed: config.seed + round * 7919, ...(config.train.schedule ? { schedule: config.train.schedule } : {}),
      ...(hooks.signal ? { signal: hooks.signal } : {}),
      onProgress: (tp) => {
        stepsDone += tp.globalStep - before;
        before = tp.globalStep;
        progress(phase, round, tp);
      },
      ...extra,
      ...(afterStep ? { afterStep } : {}),
    });
    stepsDone += r.steps - before;
    return r;
  };

  const entry = async (round: number, target: number, times: { prune: number; finetune: number }, loss: number | null, units?: RoundEntry['units']): Promise<RoundEntry> => {
    progress('evaluate', round, null);
    const te = performance.now();
    const values = await net.readValues();
    const ev = await evaluate(net, evalSet);
    const plan = net.plan;
    const layers: LayerEntry[] = plan.params.map((q, i) => {
      let nz = 0;
      for (const x of values[i]!.w) if (x !== 0) nz++;
      return { name: q.name, kind: q.kind, shape: [...q.weightShape], params: q.weightCount, nonzero: nz, sparsity: 1 - nz / originalWeights[i]!, prunable: !excluded.includes(q.name), biases: q.biasCount };
    });
    const nonzeroPrunable = layers.reduce((t, l) => t + (l.prunable ? l.nonzero : 0), 0);
    const nonzeroWeights = layers.reduce((t, l) => t + l.nonzero, 0);
    const biasNonzero = values.reduce((t, v) => t + v.b.reduce((s, x) => s + (x !== 0 ? 1 : 0), 0), 0);
    const effective = plan.params.reduce((t, q, i) => t + 2 * layers[i]!.nonzero * q.usesPerWeight, 0);
    const originalTotal = originalWeights.reduce((a, b) => a + b, 0);
    const e: RoundEntry = {
      round, targetSparsity: target, sparsity: 1 - nonzeroPrunable / prunableTotal, layers, evaluatedOn: config.evaluateOn ?? 'test',
      accuracy: ev.accuracy, precision: ev.macroPrecision, recall: ev.macroRecall, macroF1: ev.macroF1,
      perClass: { precision: ev.precision, recall: ev.recall, f1: ev.f1 }, confusion: ev.confusion, loss,
      params: { total: plan.paramCount, nonzero: nonzeroWeights + biasNonzero },
      flops: { dense: plan.flopsPerSample, effective }, compressionRatio: originalTotal / Math.max(1, nonzeroWeights),
      timeMs: { ...times, evaluate: performance.now() - te },
    };
    if (units) e.units = units;
    return e;
  };

  const push = (e: RoundEntry): void => {
    if (e.round === 0) report.baseline = e;
    else report.rounds.push(e);
    report.final = e;
    hooks.onRound?.(e, report, net);
  };
  const aborted = (): boolean => hooks.signal?.aborted === true;

  try {
    // Baseline: train the dense model (capturing the rewind point if asked).
    const base = await runTraining('train', 0, config.train.epochs, rewind !== false && rewind > 0 ? {
      afterStep: async (s: number) => {
        if (s === rewind) snapshot = await net.readValues();
      },
    } : {});
    if (base.aborted || aborted()) return finish('aborted');
    push(await entry(0, 0, { prune: 0, finetune: base.timeMs }, base.epochs.at(-1)?.loss ?? null));

    if (p.schedule === 'gradual') {
      await gradual();
    } else {
      const targets = p.schedule === 'oneshot' ? [p.targetSparsity] : iterativeTargets(p.targetSparsity, p.rounds);
      for (let r = 1; r <= targets.length; r++) {
        if (aborted()) return finish('aborted');
        const s = targets[r - 1]!;
        progress('prune', r, null);
        const tp = performance.now();
        let units: RoundEntry['units'] | undefined;
        if (p.method === 'structured') units = await structuredRound(s);
        else await unstructuredRound(s, r);
        if (snapshot) await rewindTo(snapshot);
        const pruneMs = performance.now() - tp;
        const ft = await runTraining('finetune', r, p.finetuneEpochs);
        if (ft.aborted) return finish('aborted');
        push(await entry(r, s, { prune: pruneMs, finetune: ft.timeMs }, ft.epochs.at(-1)?.loss ?? null, units));
      }
    }
    return finish(aborted() ? 'aborted' : 'complete');
  } catch (e) {
    report.error = e instanceof PruneLabError ? { code: e.code, message: e.message } : { code: 'internal', message: String(e) };
    return finish('error');
  }

  function finish(status: Report['status']): RunResult {
    report.status = status;
    report.timeMs = performance.now() - t0;
    releaseExecutors(net);
    return { report, network: net };
  }

  async function unstructuredRound(s: number, r: number): Promise<void> {
    const scope = p.scope ?? 'global';
    if (p.method === 'random') {
      const kept = await magnitudeKeptCounts(net, scope, p.layers, s);
      await randomPrune(net, kept, config.seed * 1000003 + r);
      return;
    }
    const pruner = await MagnitudePruner.create(net, p.method === 'local' ? 'local' : scope, p.layers);
    try {
      await pruner.prune(s);
    } finally {
      pruner.release();
    }
  }

  async function structuredRound(s: number): Promise<RoundEntry['units']> {
    const plan: ModelPlan = net.plan;
    const values = await net.readValues();
    const sel = selectUnits(plan, values, { fraction: s, criterion: p.criterion ?? 'l2', scope: p.scope ?? 'local', ...(p.layers ? { rules: p.layers } : {}), original: originalUnits });
    const shrunk = shrink(plan, values, sel);
    const next = Network.create(ctx, planModel(shrunk.spec), { values: shrunk.values });
    releaseExecutors(net);
    net.destroy();
    net = next;
    const units: NonNullable<RoundEntry['units']> = {};
    net.plan.params.forEach((q, i) => (units[q.name] = { before: originalUnits[i]!, after: unitCount(net.plan, i) }));
    return units;
  }

  async function rewindTo(snap: LayerValues[]): Promise<void> {
    const now = await net.readValues();
    net.writeValues(now.map((v, i) => ({ w: snap[i]!.w.map((x, j) => (v.mask[j] ? x : 0)), b: Float32Array.from(snap[i]!.b), mask: v.mask })));
    net.resetOptimizer();
  }

  async function gradual(): Promise<void> {
    const T = p.finetuneEpochs * spe;
    const start = p.gradualStart ?? 0;
    const every = p.gradualEvery ?? Math.max(1, Math.floor((0.75 * T - start) / p.rounds));
    const sched: CubicSchedule = { initial: 0, final: p.targetSparsity, start, every, updates: p.rounds };
    if (start + p.rounds * every > T) {
      throw new PruneLabError('invalid-config', `prune.gradualStart + prune.rounds × prune.gradualEvery must be at most the ${T} fine-tune steps (got ${start} + ${p.rounds} × ${every})`, 'prune.gradualEvery');
    }
    const pruner = await MagnitudePruner.create(net, p.method === 'local' ? 'local' : p.scope ?? 'global', p.layers);
    let pruneMs = 0;
    let epochStart = performance.now();
    try {
      await runTraining('finetune', 1, p.finetuneEpochs, {
        afterStep: async (t: number) => {
          if (!isCubicUpdate(t, sched)) return;
          const tp = performance.now();
          await net.prepareMaskApply();
          const enc = ctx.device.createCommandEncoder({ label: `gradual prune step ${t}` });
          const pass = enc.beginComputePass({ label: 'gradual prune' });
          pruner.encode(pass, cubicSparsity(t, sched));
          pass.end();
          ctx.device.queue.submit([enc.finish()]);
          pruneMs += performance.now() - tp;
        },
        onEpochEnd: async (e: number, stats: { loss: number }) => {
          const ft = performance.now() - epochStart;
          push(await entry(e + 1, cubicSparsity((e + 1) * spe, sched), { prune: pruneMs, finetune: ft }, stats.loss));
          pruneMs = 0;
          epochStart = performance.now();
        },
      });
    } finally {
      pruner.release();
    }
  }
}
