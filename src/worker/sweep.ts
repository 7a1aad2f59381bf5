// "Which criterion wins?": one trained model, every weight criterion, accuracy
// against sparsity. The baseline trains once; each point is then a run of the
// engine's own runner (src/lab/run.ts) that starts from the trained weights with
// no training of its own (train.epochs 0, hooks.initial): one-shot to each
// sparsity with no fine-tuning, iterative rounds with fine-tuning, and N:M
// patterns one-shot. So every criterion is scored, thresholded (exact counts) and
// evaluated exactly as a lab run would be. Pure composition: no pruning logic here.
import { PruneLabError, check } from '../errors.js';
import type { GpuContext } from '../gpu/context.js';
import type { AdapterSummary } from '../gpu/device.js';
import { validateConfig, WEIGHT_CRITERIA, NM_CRITERIA, type ExperimentConfig } from '../lab/config.js';
import { runExperiment, type LabData } from '../lab/run.js';
import type { LayerValues } from '../nn/network.js';
import type { RoundEntry } from '../lab/report.js';
import type { LabFailure, SweepCurve, SweepEvent, SweepOptions, SweepPoint, SweepSkip } from './api.js';
import { failure } from './lab-models.js';

type Prune = ExperimentConfig['prune'];

/** One planned run: which curve it belongs to and the prune section it runs with. */
interface Job {
  criterion: string;
  mode: SweepCurve['mode'];
  prune: Prune;
  nm?: string;
}

/** Checks the options (not the config: validateConfig does that) before any work; throws PruneLabError naming the field. */
export function checkSweep(o: SweepOptions): void {
  check(typeof o === 'object' && o !== null, 'options', 'an object', o);
  check(Array.isArray(o.criteria) && o.criteria.length > 0, 'criteria', `a non-empty list of weight criteria (${WEIGHT_CRITERIA.join(', ')})`, o.criteria);
  o.criteria.forEach((c, i) => check((WEIGHT_CRITERIA as readonly string[]).includes(c), `criteria[${i}]`, `one of ${WEIGHT_CRITERIA.join(', ')}`, c));
  check(new Set(o.criteria).size === o.criteria.length, 'criteria', 'a list without repeats', o.criteria);
  check(Array.isArray(o.sparsities) && o.sparsities.length <= 20, 'sparsities', 'a list of at most 20 sparsities', o.sparsities);
  o.sparsities.forEach((s, i) => {
    check(typeof s === 'number' && Number.isFinite(s) && s > 0 && s < 1, `sparsities[${i}]`, 'a number in (0, 1)', s);
    if (i > 0) check(s > o.sparsities[i - 1]!, `sparsities[${i}]`, `greater than sparsities[${i - 1}] (${o.sparsities[i - 1]})`, s);
  });
  if (o.iterative !== null) {
    check(typeof o.iterative === 'object', 'iterative', 'null or { targetSparsity, rounds, finetuneEpochs }', o.iterative);
  }
  check(Array.isArray(o.nm) && o.nm.length <= 8, 'nm', 'a list of at most 8 N:M patterns', o.nm);
  o.nm.forEach((p, i) => check(typeof p === 'object' && p !== null && Number.isInteger(p.n) && Number.isInteger(p.m), `nm[${i}]`, '{ n, m } (integers; 1 ≤ n < m ≤ 16)', p));
  check(o.sparsities.length > 0 || o.iterative !== null || o.nm.length > 0, 'sparsities', 'non-empty when there is neither an iterative curve nor an N:M point', o.sparsities);
}

/** The runs of a sweep, in order: one-shot points, then iterative curves, then N:M points. */
function plan(o: SweepOptions): Job[] {
  const base = { schedule: 'oneshot' as const, rounds: 1, finetuneEpochs: 0, rewind: false as const };
  const jobs: Job[] = [];
  for (const criterion of o.criteria) {
    for (const s of o.sparsities) jobs.push({ criterion, mode: 'oneshot', prune: { ...base, criterion, targetSparsity: s } as Prune });
  }
  if (o.iterative) {
    const it = o.iterative;
    for (const criterion of o.criteria) {
      // Movement scores while fine-tuning: its fine-tuned curve is the gradual schedule to the same
      // target over the same fine-tune epochs (rounds × finetuneEpochs), one point per epoch.
      const prune = criterion === 'movement'
        ? { ...base, criterion, when: 'during', schedule: 'gradual', targetSparsity: it.targetSparsity, rounds: it.rounds, finetuneEpochs: it.rounds * it.finetuneEpochs }
        : { ...base, criterion, schedule: 'iterative', ...it };
      jobs.push({ criterion, mode: 'iterative', prune: prune as Prune });
    }
  }
  for (const criterion of o.criteria.filter((c) => (NM_CRITERIA as readonly string[]).includes(c))) {
    for (const p of o.nm) jobs.push({ criterion, mode: 'nm', nm: `${p.n}:${p.m}`, prune: { ...base, criterion, granularity: 'nm', nm: { n: p.n, m: p.m } } as Prune });
  }
  return jobs;
}

function point(e: RoundEntry, nm?: string): SweepPoint {
  return { sparsity: e.sparsity, accuracy: e.accuracy, macroF1: e.macroF1, ...(nm ? { nm } : {}) };
}

export interface SweepResult {
  baseline: RoundEntry;
  curves: SweepCurve[];
  skipped: SweepSkip[];
}

/**
 * Trains the baseline of `options.config` once, then runs every criterion from its weights.
 * Refused combinations (the engine's validateConfig) are skipped with its message, before
 * any GPU work; a run that fails is skipped with its error. Throws PruneLabError for bad
 * options or a config the engine refuses.
 */
export async function runSweep(ctx: GpuContext, adapter: Pick<AdapterSummary, 'vendor' | 'architecture' | 'description' | 'backend'>, options: SweepOptions, data: LabData,
  hooks: { signal?: AbortSignal; onEvent?: (e: SweepEvent) => void; betweenSteps?: () => Promise<void> } = {}): Promise<SweepResult> {
  checkSweep(options);
  const emit = hooks.onEvent ?? (() => {});
  const common = { ...(hooks.signal ? { signal: hooks.signal } : {}), ...(hooks.betweenSteps ? { betweenSteps: hooks.betweenSteps } : {}) };
  // The baseline: the config's training, then one round at sparsity 0 (no weight removed).
  const baseConfig = validateConfig({ ...options.config, prune: { schedule: 'oneshot', targetSparsity: 0, rounds: 1, finetuneEpochs: 0 } });
  const trained = { ...baseConfig, train: { ...baseConfig.train, epochs: 0 } };
  const skipped: SweepResult['skipped'] = [];
  const jobs: Array<Job & { config: ExperimentConfig }> = [];
  for (const j of plan(options)) {
    try {
      jobs.push({ ...j, config: validateConfig({ ...trained, prune: j.prune }) });
    } catch (e) {
      if (!(e instanceof PruneLabError)) throw e;
      const s: SweepSkip = { criterion: j.criterion, mode: j.mode, ...(j.nm ? { nm: j.nm } : {}), stage: 'refused', error: failure(e) };
      // One-shot points of a criterion share their reason: say it once.
      if (!skipped.some((x) => x.criterion === s.criterion && x.mode === s.mode && x.nm === s.nm)) {
        skipped.push(s);
        emit({ type: 'skipped', ...s });
      }
    }
  }
  const total = jobs.length + 1;
  emit({ type: 'progress', done: 0, total, label: 'training the baseline' });
  const base = await runExperiment(ctx, adapter, baseConfig, data, common);
  let values: LayerValues[];
  try {
    if (base.report.status !== 'complete' || !base.report.baseline) {
      throw new PruneLabError((base.report.error?.code ?? 'aborted') as 'aborted', base.report.error?.message ?? 'the baseline was stopped');
    }
    values = await base.network.readValues();
  } finally {
    base.network.destroy();
  }
  const baseline = base.report.baseline;
  emit({ type: 'baseline', entry: baseline });

  const curves = new Map<string, SweepCurve>();
  let done = 1;
  for (const j of jobs) {
    if (hooks.signal?.aborted) throw new PruneLabError('aborted', 'the sweep was stopped');
    emit({ type: 'progress', done, total, label: `${j.criterion} · ${j.mode === 'nm' ? j.nm : j.mode}${j.mode === 'oneshot' ? ` → ${j.config.prune.targetSparsity}` : ''}` });
    let r: Awaited<ReturnType<typeof runExperiment>> | null = null;
    let error: LabFailure | null = null;
    try {
      r = await runExperiment(ctx, adapter, j.config, data, { ...common, initial: { values } });
      r.network.destroy();
    } catch (e) {
      // Refused against the data or the model before any work (e.g. an N:M shape): skipped, named.
      if (!(e instanceof PruneLabError)) throw e;
      error = failure(e);
    }
    done++;
    if (r?.report.status === 'aborted') throw new PruneLabError('aborted', 'the sweep was stopped');
    if (r === null || r.report.status !== 'complete') {
      const why = error ?? r?.report.error ?? { code: 'internal', message: 'the run failed' };
      const s: SweepSkip = { criterion: j.criterion, mode: j.mode, ...(j.nm ? { nm: j.nm } : {}), stage: why.code === 'invalid-config' ? 'unavailable' : 'failed', error: why };
      skipped.push(s);
      emit({ type: 'skipped', ...s });
      continue;
    }
    const key = `${j.criterion}/${j.mode}`;
    const curve = curves.get(key) ?? { criterion: j.criterion, mode: j.mode, points: [] };
    curves.set(key, curve);
    curve.points.push(...r.report.rounds.map((e) => point(e, j.nm)));
    curve.points.sort((a, b) => a.sparsity - b.sparsity);
    emit({ type: 'curve', curve: structuredClone(curve) });
  }
  emit({ type: 'progress', done, total, label: 'done' });
  return { baseline, curves: [...curves.values()], skipped };
}
