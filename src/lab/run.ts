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
import { cloneNetwork, fixedKeptCounts, randomPrune } from '../prune/random.js';
import { selectUnits, shrink, unitCount } from '../prune/structured.js';
import { iterativeTargets, cubicSparsity, isCubicUpdate } from '../prune/schedule.js';
import { resolveModel, type ExperimentConfig } from './config.js';
import { checkRun, gradualSchedule, stepsPerEpoch, EVAL_BATCH } from './preflight.js';
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
    fields: { trainSubset: 'subsets.train', validationSubset: 'subsets.validation', testSubset: 'subsets.test' },
  });
}

function newId(): string {
  return `run-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e9).toString(36)}`;
}

/**
 * Runs one experiment. Invalid configs (checkRun: the config against the data and the
 * adapter's limits) throw before any GPU work; later failures end in a report with status 'error'.
 */
export async function runExperiment(ctx: GpuContext, adapter: Pick<AdapterSummary, 'vendor' | 'architecture' | 'description' | 'backend'>, rawConfig: unknown, data: LabData, hooks: RunHooks = {}): Promise<RunResult> {
  const config = checkRun(rawConfig, data, ctx.device.limits);
  const p = config.prune;
  const rewind = p.rewind ?? false;
  const plan0 = planModel(resolveModel(config.model));
  const spe = stepsPerEpoch(config, data);
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
  const scope = p.scope ?? 'global';
  let net = Network.create(ctx, plan0, hooks.initial ? { values: hooks.initial.values } : { seed: config.seed });
  // The random control's magnitude twin (made after the baseline), when its counts depend on the weights.
  const needsTwin = p.criterion === 'random' && p.granularity === 'weight' && !p.keptCounts && fixedKeptCounts(net, scope, p.layers, p.targetSparsity) === null;
  let twin: Network | undefined;
  // The twin fine-tunes before each round but the first.
  const plannedSteps = (config.train.epochs + finetuneRounds * p.finetuneEpochs + (needsTwin ? (finetuneRounds - 1) * p.finetuneEpochs : 0)) * spe;
  let stepsDone = 0;
  let snapshot: LayerValues[] | undefined;
  if (rewind === 0) snapshot = await net.readValues();

  const progress = (phase: LabPhase, round: number, tp: TrainProgress | null): void => {
    const eta = stepsDone > 0 ? ((performance.now() - t0) / stepsDone) * (plannedSteps - stepsDone) : NaN;
    hooks.onProgress?.({
      phase, round, rounds: finetuneRounds, epoch: tp?.epoch ?? 0, epochs: tp?.epochs ?? 0, step: tp?.step ?? 0, stepsPerEpoch: spe,
      loss: tp?.loss ?? NaN, accuracy: tp?.accuracy ?? NaN, samplesPerSec: tp?.samplesPerSec ?? NaN, etaMs: eta,
    });
  };

  // `other`: train the random control's twin instead, with the seeds of the magnitude run's round `other.seedRound`.
  const runTraining = async (phase: LabPhase, round: number, epochs: number, extra: Partial<Parameters<typeof train>[2]> = {}, other?: { net: Network; seedRound: number }): Promise<TrainResult> => {
    let before = 0;
    const own = extra.afterStep;
    const afterStep = own || hooks.betweenSteps ? async (s: number) => {
      await own?.(s);
      await hooks.betweenSteps?.();
    } : undefined;
    const r = await train(other?.net ?? net, data.train, {
      epochs, batchSize: config.train.batchSize, optimizer: config.train.optimizer, seed: config.seed + (other?.seedRound ?? round) * 7919, ...(config.train.schedule ? { schedule: config.train.schedule } : {}),
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
    const ev = await evaluate(net, evalSet, EVAL_BATCH);
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
        if (p.granularity === 'unit') units = await structuredRound(s);
        else if (p.criterion === 'random') await randomRound(s, r);
        else await magnitudeRound(net, s);
        if (aborted()) return finish('aborted');
        if (snapshot) await rewindTo(net, snapshot);
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
    twin?.destroy();
    twin = undefined;
    return { report, network: net };
  }

  /** Magnitude-prunes `target` to s; returns the weights kept per layer. */
  async function magnitudeRound(target: Network, s: number): Promise<number[]> {
    const pruner = await MagnitudePruner.create(target, scope, p.layers);
    try {
      const res = await pruner.prune(s);
      const kept = target.layers.map((l) => l.op.weightCount);
      pruner.groups.layers.forEach((i, j) => (kept[i] = res.kept[j]!));
      return kept;
    } finally {
      pruner.release();
    }
  }

  /**
   * Round r of the random control: the per-layer counts of the magnitude run with this
   * config and seed (supplied, fixed by the ratios, or the twin's after it takes the
   * same fine-tune and prune steps as that run), applied with seeded random masks.
   */
  async function randomRound(s: number, r: number): Promise<void> {
    let kept = p.keptCounts?.[r - 1] ?? fixedKeptCounts(net, scope, p.layers, s);
    if (!kept) {
      if (r === 1) twin = cloneNetwork(net);
      else {
        const ft = await runTraining('prune', r, p.finetuneEpochs, {}, { net: twin!, seedRound: r - 1 });
        if (ft.aborted || aborted()) return;
      }
      kept = await magnitudeRound(twin!, s);
      if (snapshot) await rewindTo(twin!, snapshot);
    }
    await randomPrune(net, kept, config.seed * 1000003 + r);
  }

  async function structuredRound(s: number): Promise<RoundEntry['units']> {
    const plan: ModelPlan = net.plan;
    const values = await net.readValues();
    const sel = selectUnits(plan, values, { fraction: s, criterion: p.criterion as 'l1' | 'l2', scope: p.scope, ...(p.layers ? { rules: p.layers } : {}), original: originalUnits });
    const shrunk = shrink(plan, values, sel);
    const next = Network.create(ctx, planModel(shrunk.spec), { values: shrunk.values });
    releaseExecutors(net);
    net.destroy();
    net = next;
    const units: NonNullable<RoundEntry['units']> = {};
    net.plan.params.forEach((q, i) => (units[q.name] = { before: originalUnits[i]!, after: unitCount(net.plan, i) }));
    return units;
  }

  async function rewindTo(target: Network, snap: LayerValues[]): Promise<void> {
    const now = await target.readValues();
    target.writeValues(now.map((v, i) => ({ w: snap[i]!.w.map((x, j) => (v.mask[j] ? x : 0)), b: Float32Array.from(snap[i]!.b), mask: v.mask })));
    target.resetOptimizer();
  }

  async function gradual(): Promise<void> {
    // checkRun has made sure every update fits into the fine-tune steps.
    const sched = gradualSchedule(config, spe);
    const pruner = await MagnitudePruner.create(net, scope, p.layers);
    // The target of the last mask update applied (0 before the first): what each epoch's entry reports.
    let applied = 0;
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
          const s = cubicSparsity(t, sched);
          pruner.encode(pass, s);
          pass.end();
          ctx.device.queue.submit([enc.finish()]);
          applied = s;
          pruneMs += performance.now() - tp;
        },
        onEpochEnd: async (e: number, stats: { loss: number }) => {
          const ft = performance.now() - epochStart;
          push(await entry(e + 1, applied, { prune: pruneMs, finetune: ft }, stats.loss));
          pruneMs = 0;
          epochStart = performance.now();
        },
      });
    } finally {
      pruner.release();
    }
  }
}
