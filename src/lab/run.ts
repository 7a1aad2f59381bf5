// The experiment runner: config → baseline training → prune/fine-tune rounds →
// one report. Pure engine code: it takes a GpuContext and datasets from the face.
import { PruneLabError } from '../errors.js';
import type { GpuContext } from '../gpu/context.js';
import type { AdapterSummary } from '../gpu/device.js';
import { splitMnist } from '../data/mnist.js';
import { selectRows, type ImageDataset } from '../data/dataset.js';
import { identityOrder } from '../data/batches.js';
import { Rng } from '../rng.js';
import { planModel, type ModelPlan } from '../nn/spec.js';
import { Network, initialValues, type LayerValues } from '../nn/network.js';
import { train, type TrainProgress, type TrainResult } from '../nn/train.js';
import { evaluate, releaseExecutors } from '../nn/evaluate.js';
import { pruneGroups } from '../prune/magnitude.js';
import { ScorePruner, type ScorePrunerOptions } from '../prune/score-pruner.js';
import { MovementScores } from '../prune/criteria/movement.js';
import type { UnitCriterionName, WeightCriterionName } from '../prune/criteria/criterion.js';
import { cloneNetwork, fixedKeptCounts } from '../prune/random.js';
import { scoreUnits, selectUnits, shrink, unitCount } from '../prune/structured.js';
import { iterativeTargets, cubicSparsity, isCubicUpdate } from '../prune/schedule.js';
import { resolveModel, type ExperimentConfig } from './config.js';
import { calibrationSize, checkRun, gradualSchedule, stepsPerEpoch, EVAL_BATCH } from './preflight.js';
import { REPORT_VERSION, type LayerEntry, type Report, type RoundEntry } from './report.js';
import { EarlyStopRecorder, type EarlyStopRecord } from './early-stop.js';
import type { LayerRule } from '../prune/magnitude.js';
import type { TabularInfo } from '../data/tabular.js';

export interface LabData {
  train: ImageDataset;
  validation: ImageDataset;
  test: ImageDataset;
  /** Tabular (CSV) data: its features, classes and standardisation, copied into report.data.tabular. */
  tabular?: TabularInfo;
}

export type LabPhase = 'train' | 'prune' | 'finetune' | 'evaluate';

export interface LabProgress {
  phase: LabPhase;
  /** 0 during baseline training, then 1…rounds (when 'init': the sparse network's training is round 1). */
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
 * The seeded calibration subset of the training split (criteria that score from data):
 * `samples` rows drawn without replacement by a shuffle seeded from the run's seed,
 * kept in their original order.
 */
export function calibrationSet(train: ImageDataset, samples: number, seed: number): ImageDataset {
  if (samples >= train.n) return train;
  const rows = new Rng((seed ^ 0x5ca1ab1e) >>> 0).shuffle(identityOrder(train.n)).slice(0, samples).sort();
  return selectRows(train, rows);
}

/**
 * Runs one experiment. Invalid configs (checkRun: the config against the data and the
 * adapter's limits) throw before any GPU work; later failures end in a report with status 'error'.
 *
 * when 'after' (default): round 0 is the dense baseline trained for train.epochs, then
 * each round prunes (weights and N:M groups through ScorePruner with the config's
 * criterion, units through structured.ts) and fine-tunes for prune.finetuneEpochs.
 * when 'init': round 0 is the dense network at initialization, evaluated untrained (loss
 * null, timeMs.finetune 0); round 1 prunes it once and trains the sparse network for
 * train.epochs (with the baseline's batch order; its timeMs.finetune is that training).
 * when 'during' (schedule 'gradual'): the baseline, then the masks follow the cubic
 * schedule while fine-tuning, one entry per fine-tune epoch; criterion 'movement'
 * accumulates its scores at every fine-tune step (train's beforeOptimizer: W^(t), as in the paper).
 */
export async function runExperiment(ctx: GpuContext, adapter: Pick<AdapterSummary, 'vendor' | 'architecture' | 'description' | 'backend'>, rawConfig: unknown, data: LabData, hooks: RunHooks = {}): Promise<RunResult> {
  const config = checkRun(rawConfig, data, ctx.device.limits);
  const p = config.prune;
  const rewind = p.rewind;
  const atInit = p.when === 'init';
  const plan0 = planModel(resolveModel(config.model));
  const spe = stepsPerEpoch(config, data);
  const excluded = plan0.params.filter((q) => p.layers?.[q.name]?.exclude).map((q) => q.name);
  const evalSet = config.evaluateOn === 'validation' ? data.validation : data.test;
  const originalWeights = plan0.params.map((q) => q.weightCount);
  const originalUnits = plan0.params.map((_, i) => unitCount(plan0, i));
  const prunableTotal = plan0.params.reduce((t, q) => t + (excluded.includes(q.name) ? 0 : q.weightCount), 0);
  const calSize = calibrationSize(config, data);
  const calibration = calSize ? calibrationSet(data.train, calSize.samples, config.seed) : undefined;

  const report: Report = {
    version: REPORT_VERSION,
    id: newId(),
    createdAt: new Date().toISOString(),
    status: 'running',
    config,
    adapter: { vendor: adapter.vendor, architecture: adapter.architecture, description: adapter.description, backend: adapter.backend },
    model: { name: plan0.name, paramCount: plan0.paramCount, prunableLayers: plan0.params.map((q) => q.name).filter((n) => !excluded.includes(n)), excludedLayers: excluded },
    data: { train: data.train.n, validation: data.validation.n, test: data.test.n, ...(data.tabular ? { tabular: structuredClone(data.tabular) } : {}) },
    baseline: null,
    rounds: [],
    final: null,
    timeMs: 0,
  };
  const t0 = performance.now();
  const finetuneRounds = p.schedule === 'gradual' ? 1 : p.rounds;
  const scope = p.scope;
  let net = Network.create(ctx, plan0, hooks.initial ? { values: hooks.initial.values } : { seed: config.seed });
  // The random control's magnitude twin (made when the first round prunes), when its counts depend on the weights.
  const randomWeights = p.criterion === 'random' && p.granularity === 'weight';
  const needsTwin = randomWeights && !p.keptCounts && fixedKeptCounts(net, scope, p.layers, p.targetSparsity) === null;
  let twin: Network | undefined;
  // The twin fine-tunes before each round but the first.
  const trainEpochs = config.train.epochs + finetuneRounds * p.finetuneEpochs * (p.control ? 2 : 1);
  const plannedSteps = (trainEpochs + (needsTwin ? (finetuneRounds - 1) * p.finetuneEpochs : 0)) * spe;
  const validateEvery = config.train.validateEvery;
  let stepsDone = 0;
  let snapshot: LayerValues[] | undefined;
  // The per-layer rules of the round being pruned (layerSchedule 'iterative' moves them with the rounds).
  let rulesNow: Record<string, LayerRule> | undefined = p.layers;
  if (rewind === 0) snapshot = await net.readValues();

  const progress = (phase: LabPhase, round: number, tp: TrainProgress | null): void => {
    const eta = stepsDone > 0 ? ((performance.now() - t0) / stepsDone) * (plannedSteps - stepsDone) : NaN;
    hooks.onProgress?.({
      phase, round, rounds: finetuneRounds, epoch: tp?.epoch ?? 0, epochs: tp?.epochs ?? 0, step: tp?.step ?? 0, stepsPerEpoch: spe,
      loss: tp?.loss ?? NaN, accuracy: tp?.accuracy ?? NaN, samplesPerSec: tp?.samplesPerSec ?? NaN, etaMs: eta,
    });
  };

  // `other`: train the random control's twin instead. `seedRound`: the round whose seeds the training takes (default `round`).
  // Fine-tuning (and the twin's and the control's, which mirror it) may take its own learning rate.
  const runTraining = async (phase: LabPhase, round: number, epochs: number, extra: Partial<Parameters<typeof train>[2]> = {}, other?: Network, seedRound = round): Promise<TrainResult & { earlyStop?: EarlyStopRecord }> => {
    let before = 0;
    const own = extra.afterStep;
    const target = other ?? net;
    const recorder = validateEvery !== undefined ? new EarlyStopRecorder(target, data.validation, validateEvery, EVAL_BATCH) : undefined;
    await recorder?.start();
    const afterStep = own || hooks.betweenSteps || recorder ? async (s: number) => {
      await own?.(s);
      await recorder?.check(s);
      await hooks.betweenSteps?.();
    } : undefined;
    const lr = round > 0 && phase !== 'train' && p.finetuneLr !== undefined ? p.finetuneLr : config.train.optimizer.lr;
    const r = await train(target, data.train, {
      epochs, batchSize: config.train.batchSize, optimizer: { ...config.train.optimizer, lr }, seed: config.seed + seedRound * 7919, ...(config.train.schedule ? { schedule: config.train.schedule } : {}),
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
    if (!recorder || r.aborted) return r;
    return { ...r, earlyStop: await recorder.finish(r.steps, evalSet, config.evaluateOn) };
  };

  interface Extras { units?: RoundEntry['units']; calibrated?: boolean; scoreMs?: number; earlyStop?: EarlyStopRecord | undefined }
  const entry = async (round: number, target: number, times: { prune: number; finetune: number }, loss: number | null, extras: Extras = {}): Promise<RoundEntry> => {
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
      round, targetSparsity: target, sparsity: 1 - nonzeroPrunable / prunableTotal, layers, evaluatedOn: config.evaluateOn,
      accuracy: ev.accuracy, precision: ev.macroPrecision, recall: ev.macroRecall, macroF1: ev.macroF1,
      perClass: { precision: ev.precision, recall: ev.recall, f1: ev.f1 }, confusion: ev.confusion, loss,
      params: { total: plan.paramCount, nonzero: nonzeroWeights + biasNonzero },
      flops: { dense: plan.flopsPerSample, effective }, compressionRatio: originalTotal / Math.max(1, nonzeroWeights),
      timeMs: { ...times, evaluate: performance.now() - te, ...(extras.scoreMs !== undefined ? { score: extras.scoreMs } : {}) },
    };
    if (extras.units) e.units = extras.units;
    if (extras.earlyStop) e.earlyStop = extras.earlyStop;
    if (extras.calibrated && calSize) e.calibration = { ...calSize };
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
    if (atInit) {
      // Round 0: the dense network as initialized. Round 1: pruned now, then trained.
      push(await entry(0, 0, { prune: 0, finetune: 0 }, null));
      if (aborted()) return finish('aborted');
      const s = p.targetSparsity;
      progress('prune', 1, null);
      const tp = performance.now();
      const extras = await pruneRound(s, 1);
      if (aborted()) return finish('aborted');
      const pruneMs = performance.now() - tp;
      const tr = await runTraining('train', 1, config.train.epochs, {}, undefined, 0);
      if (tr.aborted) return finish('aborted');
      push(await entry(1, s, { prune: pruneMs, finetune: tr.timeMs }, tr.epochs.at(-1)?.loss ?? null, { ...extras, earlyStop: tr.earlyStop }));
      return finish(aborted() ? 'aborted' : 'complete');
    }
    // Baseline: train the dense model (capturing the rewind point if asked).
    const base = await runTraining('train', 0, config.train.epochs, rewind !== false && rewind > 0 ? {
      afterStep: async (s: number) => {
        if (s === rewind) snapshot = await net.readValues();
      },
    } : {});
    if (base.aborted || aborted()) return finish('aborted');
    push(await entry(0, 0, { prune: 0, finetune: base.timeMs }, base.epochs.at(-1)?.loss ?? null, { earlyStop: base.earlyStop }));

    if (p.schedule === 'gradual') {
      await gradual();
    } else {
      const targets = p.schedule === 'oneshot' ? [p.targetSparsity] : iterativeTargets(p.targetSparsity, p.rounds);
      for (let r = 1; r <= targets.length; r++) {
        if (aborted()) return finish('aborted');
        const s = targets[r - 1]!;
        progress('prune', r, null);
        const tp = performance.now();
        const extras = await pruneRound(s, r);
        if (aborted()) return finish('aborted');
        if (snapshot) await rewindTo(net, snapshot);
        const pruneMs = performance.now() - tp;
        const masks = p.control ? (await net.readValues()).map((v) => v.mask) : undefined;
        const ft = await runTraining('finetune', r, p.finetuneEpochs);
        if (ft.aborted) return finish('aborted');
        const e = await entry(r, s, { prune: pruneMs, finetune: ft.timeMs }, ft.epochs.at(-1)?.loss ?? null, { ...extras, earlyStop: ft.earlyStop });
        if (masks) {
          const c = await reinitControl(r, masks);
          if (!c) return finish('aborted');
          e.control = c;
        }
        push(e);
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

  /** Round r's pruning to sparsity s, by granularity and criterion. */
  async function pruneRound(s: number, r: number): Promise<Extras> {
    rulesNow = roundRules(p, r);
    if (p.granularity === 'unit') return { units: await structuredRound(s), calibrated: calibration !== undefined };
    if (randomWeights) {
      await randomRound(s, r);
      return {};
    }
    const scoreMs = await scorePrune(net, p.criterion as WeightCriterionName, async (pr) => {
      await pr.prune(s);
      return pr.lastScoreMs;
    });
    return { calibrated: calibration !== undefined, scoreMs };
  }

  /** The score pruner's options for `target` with `criterion` (the config's settings). */
  function pruneOptions(criterion: WeightCriterionName, extra: Partial<ScorePrunerOptions> = {}): ScorePrunerOptions {
    return {
      criterion, scope, rules: rulesNow, batchSize: calSize?.batchSize ?? config.train.batchSize, seed: config.seed,
      ...(p.nm ? { nm: p.nm } : {}),
      ...(calibration ? { calibration } : {}),
      ...(p.synflow ? { synflow: p.synflow } : {}),
      ...(p.sparsegpt ? { sparsegpt: p.sparsegpt } : {}),
      ...extra,
    };
  }

  /** Creates a score pruner over `target`, runs `use` with it, and releases it. */
  async function scorePrune<T>(target: Network, criterion: WeightCriterionName, use: (pr: ScorePruner) => Promise<T>, extra: Partial<ScorePrunerOptions> = {}): Promise<T> {
    const pruner = await ScorePruner.create(target, pruneOptions(criterion, extra));
    try {
      return await use(pruner);
    } finally {
      pruner.release();
    }
  }

  /** Magnitude-prunes `target` to s; returns the weights kept per layer (net.layers order). */
  async function magnitudeRound(target: Network, s: number): Promise<number[]> {
    return scorePrune(target, 'magnitude', async (pr) => {
      const res = await pr.prune(s);
      const kept = target.layers.map((l) => l.op.weightCount);
      pr.layers.forEach((i, j) => (kept[i] = res.kept[j]!));
      return kept;
    });
  }

  /**
   * Round r of the random control: the per-layer counts of the magnitude run with this
   * config and seed (supplied, fixed by the ratios, or the twin's after it takes the
   * same fine-tune and prune steps as that run), applied with the seeded random scores.
   */
  async function randomRound(s: number, r: number): Promise<void> {
    let kept = p.keptCounts?.[r - 1] ?? fixedKeptCounts(net, scope, rulesNow, s);
    if (!kept) {
      if (r === 1) twin = cloneNetwork(net);
      else {
        const ft = await runTraining('prune', r, p.finetuneEpochs, {}, twin!, r - 1);
        if (ft.aborted || aborted()) return;
      }
      kept = await magnitudeRound(twin!, s);
      if (snapshot) await rewindTo(twin!, snapshot);
    }
    const all = kept;
    await scorePrune(net, 'random', (pr) => pr.prune(s, { kept: pr.layers.map((i) => all[i]!) }));
  }

  async function structuredRound(s: number): Promise<RoundEntry['units']> {
    const plan: ModelPlan = net.plan;
    // Unit scores on the GPU (unit Taylor: from the calibration batches' gradients); the selection on the CPU.
    const criterion = p.criterion as UnitCriterionName;
    const scores = await scoreUnits(net, criterion, criterion === 'taylor' ? { calibration: calibration!, batchSize: calSize!.batchSize, seed: config.seed } : undefined);
    const sel = selectUnits(plan, { fraction: s, criterion, scope, ...(p.layers ? { rules: p.layers } : {}), original: originalUnits, scores });
    const values = await net.readValues();
    const shrunk = shrink(plan, values, sel);
    const next = Network.create(ctx, planModel(shrunk.spec), { values: shrunk.values });
    releaseExecutors(net);
    net.destroy();
    net = next;
    const units: NonNullable<RoundEntry['units']> = {};
    net.plan.params.forEach((q, i) => (units[q.name] = { before: originalUnits[i]!, after: unitCount(net.plan, i) }));
    return units;
  }

  /**
   * The lottery-ticket control of round r: the round's masks on a fresh seeded init (the
   * model's initializer), trained with the ticket's budget, batch order and learning rate,
   * evaluated on the same split. Undefined when the run was aborted.
   */
  async function reinitControl(r: number, masks: Uint8Array[]): Promise<RoundEntry['control'] | undefined> {
    const seed = controlSeed(config.seed, r);
    const fresh = initialValues(net.plan, seed).map((v, i) => ({ ...v, mask: masks[i]! }));
    const control = Network.create(ctx, net.plan, { values: fresh });
    try {
      const ft = await runTraining('finetune', r, p.finetuneEpochs, {}, control);
      if (ft.aborted || aborted()) return undefined;
      const te = performance.now();
      const ev = await evaluate(control, evalSet, EVAL_BATCH);
      return {
        kind: 'reinit', seed, accuracy: ev.accuracy, macroF1: ev.macroF1, loss: ft.epochs.at(-1)?.loss ?? null,
        ...(ft.earlyStop ? { earlyStop: ft.earlyStop } : {}),
        timeMs: { finetune: ft.timeMs, evaluate: performance.now() - te },
      };
    } finally {
      releaseExecutors(control);
      control.destroy();
    }
  }

  async function rewindTo(target: Network, snap: LayerValues[]): Promise<void> {
    const now = await target.readValues();
    target.writeValues(now.map((v, i) => ({ w: snap[i]!.w.map((x, j) => (v.mask[j] ? x : 0)), b: Float32Array.from(snap[i]!.b), mask: v.mask })));
    target.resetOptimizer();
  }

  async function gradual(): Promise<void> {
    // checkRun has made sure every update fits into the fine-tune steps.
    const sched = gradualSchedule(config, spe);
    const movement = p.criterion === 'movement' ? await MovementScores.create(net, pruneGroups(net, scope, p.layers).layers) : undefined;
    // The target of the last mask update applied (0 before the first): what each epoch's entry reports.
    let applied = 0;
    let pruneMs = 0;
    let epochStart = performance.now();
    try {
      await scorePrune(net, p.criterion as WeightCriterionName, (pruner) => runTraining('finetune', 1, p.finetuneEpochs, {
        // Movement: S += −lr·dW⊙W inside each step, between the backward pass and the optimizer (W^(t), the step's lr).
        ...(movement ? { beforeOptimizer: (pass: GPUComputePassEncoder, lr: number) => movement.encode(pass, lr) } : {}),
        afterStep: async (t: number) => {
          if (!isCubicUpdate(t, sched)) return;
          const tp = performance.now();
          const s = cubicSparsity(t, sched);
          // No readback inside the training loop: the masks are written when the queued work runs.
          await pruner.submit(s);
          applied = s;
          pruneMs += performance.now() - tp;
        },
        onEpochEnd: async (e: number, stats: { loss: number }) => {
          const ft = performance.now() - epochStart;
          push(await entry(e + 1, applied, { prune: pruneMs, finetune: ft }, stats.loss, { calibrated: calibration !== undefined && applied > 0 }));
          pruneMs = 0;
          epochStart = performance.now();
        },
      }), movement ? { movement } : {});
    } finally {
      movement?.release();
    }
  }
}

/** The seed of round r's reinit control: a function of the run's seed and the round only. */
export function controlSeed(seed: number, round: number): number {
  return (seed + 0x3c6ef372 + round * 104729) % 2 ** 31;
}

/**
 * The per-layer rules of round r: as configured, or with layerSchedule 'iterative' each
 * layer's own ratio s_l reached geometrically, 1 − (1 − s_l)^(r/R) (exactly s_l in round R).
 */
export function roundRules(p: Pick<ExperimentConfig['prune'], 'layers' | 'layerSchedule' | 'rounds' | 'schedule'>, r: number): Record<string, LayerRule> | undefined {
  if (!p.layers || p.layerSchedule !== 'iterative' || p.schedule !== 'iterative') return p.layers;
  const out: Record<string, LayerRule> = {};
  for (const [name, o] of Object.entries(p.layers)) {
    out[name] = o.sparsity === undefined ? { ...o } : { ...o, sparsity: r >= p.rounds ? o.sparsity : 1 - (1 - o.sparsity) ** (r / p.rounds) };
  }
  return out;
}
