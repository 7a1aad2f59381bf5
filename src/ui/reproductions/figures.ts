// What the reproduction cards (and the lab's reference runs) read from a stored report:
// the report itself (fetched, migrated, the drawn parts checked), where and how it was
// measured, its points on accuracy against sparsity, its per-layer sparsities beside a
// paper's, the lottery-ticket and large-sparse/small-dense figures, a reference training
// curve, and the lab controls that run its config again (reduced or full).
import type { ExperimentConfig, Report, RoundEntry } from '../../worker/api.js';
import { PruneLabError, check } from '../../errors.js';
import { checkEntryMetrics, checkLayers } from '../check-report.js';
import { currentReport } from '../prune-axes.js';
import { DEFAULTS, formatLayerSparsity, formatLrSchedule, type LabControls } from '../lab/lab-config.js';
import type { RoundMark, TrainingPoint } from '../training-chart.js';
import type { LotteryFigure } from './manifest.js';

/** The baseline, then each round. */
export function entries(r: Pick<Report, 'baseline' | 'rounds'>): RoundEntry[] {
  return [...(r.baseline ? [r.baseline] : []), ...r.rounds];
}

/** A fetched value as a report: migrated to the current version, with every part the cards draw checked (PruneLabError naming the field). */
export function readReport(raw: unknown, field: string): Report {
  check(typeof raw === 'object' && raw !== null && !Array.isArray(raw), field, 'a report object', raw);
  const r = currentReport(raw as Report, field);
  check(typeof r.config === 'object' && r.config !== null && typeof r.config.train === 'object' && typeof r.config.prune === 'object', `${field}.config`, 'an experiment config { train, prune, … }', r.config);
  check(typeof r.adapter === 'object' && r.adapter !== null, `${field}.adapter`, 'an object { vendor, architecture, description, backend }', r.adapter);
  check(typeof r.data === 'object' && r.data !== null, `${field}.data`, 'an object { train, validation, test }', r.data);
  check(r.baseline === null || (typeof r.baseline === 'object' && !Array.isArray(r.baseline)), `${field}.baseline`, 'a round entry or null', r.baseline);
  check(Array.isArray(r.rounds), `${field}.rounds`, 'an array of round entries', r.rounds);
  const at = (i: number): string => (r.baseline && i === 0 ? `${field}.baseline` : `${field}.rounds[${r.baseline ? i - 1 : i}]`);
  entries(r).forEach((e, i) => {
    checkEntryMetrics(e, at(i));
    checkLayers(e, at(i));
  });
  return r;
}

/** What a report URL gave: a report, nothing there yet (404), or something that is not one. */
export type LoadedReport = { status: 'ok'; report: Report } | { status: 'missing'; why: string } | { status: 'error'; why: string };

/** A data: URL's content, decoded here rather than fetched (a page's connect-src may not allow data:). */
function dataUrlText(url: string): string {
  const comma = url.indexOf(',');
  const head = url.slice(5, comma);
  const body = url.slice(comma + 1);
  if (!head.endsWith(';base64')) return decodeURIComponent(body);
  const bytes = Uint8Array.from(atob(body), (c) => c.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}

/** Fetches and reads one stored report (a data: URL, as the library build inlines them, is decoded in place). */
export async function fetchReport(url: string, signal?: AbortSignal): Promise<LoadedReport> {
  if (url.startsWith('data:')) {
    try {
      return { status: 'ok', report: readReport(JSON.parse(dataUrlText(url)), 'report') };
    } catch (e) {
      return { status: 'error', why: e instanceof PruneLabError ? e.message : `an inlined report is not JSON (${e instanceof Error ? e.message : String(e)})` };
    }
  }
  let res: Response;
  try {
    res = await fetch(url, signal ? { signal } : {});
  } catch (e) {
    if (signal?.aborted) throw e;
    return { status: 'error', why: `could not fetch ${url} (${e instanceof Error ? e.message : String(e)})` };
  }
  if (res.status === 404) return { status: 'missing', why: `no report at ${url} yet` };
  if (!res.ok) return { status: 'error', why: `could not fetch ${url} (HTTP ${res.status})` };
  try {
    return { status: 'ok', report: readReport(await res.json(), fileName(url)) };
  } catch (e) {
    if (signal?.aborted) throw e;
    return { status: 'error', why: e instanceof PruneLabError ? e.message : `${fileName(url)} is not JSON (${e instanceof Error ? e.message : String(e)})` };
  }
}

function fileName(url: string): string {
  return decodeURIComponent(url.split(/[?#]/)[0]!.split('/').pop() || url);
}

export function duration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '–';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m} min ${s % 60} s` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** Where and how a run was measured, from its report alone. */
export interface MeasuredOn {
  adapter: string;
  /** 'browser' (with its name when the report has it) or 'CLI (Dawn on Node)'. */
  face: string;
  /** Training budget: dense epochs, rounds and fine-tune epochs. */
  budget: string;
  data: string;
  time: string;
  date: string;
}

export function measuredOn(r: Report): MeasuredOn {
  const a = r.adapter;
  const named = [a.vendor, a.architecture].filter(Boolean).join(' ') || 'adapter not named';
  const browser = (r as unknown as { browser?: unknown }).browser;
  const face = a.backend === 'dawn-node' ? 'CLI (Dawn on Node)' : a.backend === 'browser' ? `browser${typeof browser === 'string' && browser ? ` (${browser})` : ''}` : a.backend || 'unknown face';
  const p = r.config.prune;
  const t = r.config.train;
  const plural = (n: number, w: string): string => `${n} ${w}${n === 1 ? '' : 's'}`;
  const budget = p.schedule === 'gradual'
    ? `${plural(t.epochs, 'dense epoch')}, then ${plural(p.finetuneEpochs, 'epoch')} of gradual pruning (${plural(p.rounds, 'mask update')})`
    : p.when === 'init'
      ? `pruned at init, then ${plural(t.epochs, 'epoch')} of training`
      // 0 epochs: the baseline was a saved model (the CLI's --load), not trained in this run.
      : `${t.epochs === 0 ? 'a saved baseline' : plural(t.epochs, 'dense epoch')}, then ${plural(p.rounds, 'round')} × ${plural(p.finetuneEpochs, 'fine-tune epoch')}`;
  const d = r.data;
  // A run stopped early (the CLI's SIGINT cap, a closed tab) says how far it got.
  const done = r.status === 'complete' ? '' : ` (${r.status}: stopped after ${plural(r.rounds.length, p.schedule === 'gradual' ? 'mask update' : 'round')} of ${p.rounds})`;
  return {
    adapter: `${named}${a.description ? ` (${a.description})` : ''}`,
    face,
    budget: `${budget}${done}`,
    data: `${d.train.toLocaleString('en')} training / ${d.test.toLocaleString('en')} test images`,
    time: duration(r.timeMs),
    date: r.createdAt.slice(0, 10),
  };
}

/** One line: "google swiftshader · CLI (Dawn on Node) · 8 dense epochs, … · 55,000 training / 10,000 test images · took 54 min · 2026-11-27". */
export function measuredOnText(r: Report): string {
  const m = measuredOn(r);
  return [m.adapter, m.face, m.budget, m.data, `took ${m.time}`, m.date].join(' · ');
}

/** [sparsity, accuracy] per entry, by sparsity (the later round wins a tie), as the sparsity chart draws a report. */
export function accuracyPoints(r: Report): Array<[number, number]> {
  const by = new Map<number, number>();
  for (const e of entries(r)) by.set(e.sparsity, e.accuracy);
  return [...by].sort((a, b) => a[0] - b[0]);
}

/** The round whose sparsity is nearest `target` (the last of equals); null without rounds. */
export function nearestRound(r: Report, target: number): RoundEntry | null {
  let best: RoundEntry | null = null;
  for (const e of r.rounds) if (!best || Math.abs(e.sparsity - target) <= Math.abs(best.sparsity - target)) best = e;
  return best;
}

export interface LayerRow {
  name: string;
  ours: number;
  paper: number | null;
  prunable: boolean;
}

/** Our layers' sparsities in `entry` beside the paper's, by layer name (the paper's layers we lack are listed too, ours null-free). */
export function layerRows(entry: RoundEntry, paper: Record<string, number> = {}): LayerRow[] {
  return entry.layers.map((l) => ({ name: l.name, ours: l.sparsity, paper: paper[l.name] ?? null, prunable: l.prunable }));
}

// ---- lottery tickets ----

/** Early stopping as an entry (or a control) records it (train.validateEvery: earlyStop, the iteration of least validation loss and the evaluated split's accuracy there), or null where it has none. */
export interface EarlyStop {
  iteration: number;
  accuracy: number | null;
}

export function earlyStopOf(e: unknown): EarlyStop | null {
  const s = (e as { earlyStop?: { iteration?: unknown; accuracyAtMin?: unknown } } | null)?.earlyStop;
  if (typeof s?.iteration !== 'number' || !Number.isFinite(s.iteration)) return null;
  return { iteration: s.iteration, accuracy: typeof s.accuracyAtMin === 'number' ? s.accuracyAtMin : null };
}

/** The re-initialised control a ticket run's entry carries (entry.control, prune.control 'reinit'), or null. */
export function controlOf(e: RoundEntry): { accuracy: number; earlyStop: EarlyStop | null } | null {
  const c = (e as unknown as { control?: { accuracy?: unknown } }).control;
  if (typeof c !== 'object' || c === null || typeof c.accuracy !== 'number') return null;
  return { accuracy: c.accuracy, earlyStop: earlyStopOf(c) };
}

export interface LotteryRow {
  round: number;
  sparsity: number;
  ticket: number | null;
  reinit: number | null;
  ticketStop: EarlyStop | null;
  reinitStop: EarlyStop | null;
}

/** Per sparsity: the ticket's accuracy and early stop, and the re-initialised network's (from the ticket run's controls, or a separate reinit run at the same sparsity). */
export function lotteryRows(ticket: Report | null, reinit: Report | null): LotteryRow[] {
  const rows = new Map<number, LotteryRow>();
  const row = (e: RoundEntry): LotteryRow => {
    const r = rows.get(e.sparsity) ?? { round: e.round, sparsity: e.sparsity, ticket: null, reinit: null, ticketStop: null, reinitStop: null };
    rows.set(e.sparsity, r);
    return r;
  };
  for (const e of ticket ? entries(ticket) : []) {
    const r = row(e);
    r.ticket = e.accuracy;
    r.ticketStop = earlyStopOf(e);
    const c = controlOf(e);
    if (c) {
      r.reinit = c.accuracy;
      r.reinitStop = c.earlyStop;
    }
  }
  for (const e of reinit ? entries(reinit) : []) {
    const r = row(e);
    r.reinit = e.accuracy;
    r.reinitStop = earlyStopOf(e);
  }
  return [...rows.values()].sort((a, b) => a.sparsity - b.sparsity);
}

/** Ours for one of the paper's lottery figures, at the row nearest its weights remaining; null where the reports lack what it needs. */
export interface LotteryComparison {
  figure: LotteryFigure;
  /** The row used (its sparsity), or null without rows. */
  sparsity: number | null;
  ours: number | null;
}

export function lotteryComparisons(rows: readonly LotteryRow[], figures: readonly LotteryFigure[]): LotteryComparison[] {
  const dense = rows.find((r) => r.sparsity === 0) ?? null;
  const pruned = rows.filter((r) => r.sparsity > 0);
  // Frankle & Carbin read test accuracy at the early-stop iteration: that, where recorded, else the end of training.
  const acc = (a: number | null, stop: EarlyStop | null): number | null => stop?.accuracy ?? a;
  return figures.map((f) => {
    const row = pruned.reduce<LotteryRow | null>((b, r) => (!b || Math.abs(1 - r.sparsity - f.remaining) < Math.abs(1 - b.sparsity - f.remaining) ? r : b), null);
    let ours: number | null = null;
    if (row) {
      const t = acc(row.ticket, row.ticketStop);
      const ri = acc(row.reinit, row.reinitStop);
      const d = dense ? acc(dense.ticket, dense.ticketStop) : null;
      if (f.measure === 'stop-vs-dense' && row.ticketStop && dense?.ticketStop && dense.ticketStop.iteration > 0) ours = row.ticketStop.iteration / dense.ticketStop.iteration;
      if (f.measure === 'accuracy-vs-dense' && t !== null && d !== null) ours = t - d;
      if (f.measure === 'stop-reinit-vs-ticket' && row.reinitStop && row.ticketStop && row.ticketStop.iteration > 0) ours = row.reinitStop.iteration / row.ticketStop.iteration;
      if (f.measure === 'accuracy-ticket-vs-reinit' && t !== null && ri !== null) ours = t - ri;
    }
    return { figure: f, sparsity: row?.sparsity ?? null, ours };
  });
}

// ---- large-sparse against small-dense ----

/** Nonzero weights of the prunable layers, and all of their weights at the start (the model's own). */
export function prunableCounts(e: RoundEntry): { nonzero: number; total: number } {
  const p = e.layers.filter((l) => l.prunable);
  // A layer's sparsity is over its original weights: nonzero / (1 − sparsity) gives them back even for shrunk layers.
  return { nonzero: p.reduce((t, l) => t + l.nonzero, 0), total: p.reduce((t, l) => t + (l.sparsity < 1 ? Math.round(l.nonzero / (1 - l.sparsity)) : l.params), 0) };
}

export interface SizePoint {
  label: string;
  /** Nonzero prunable weights. */
  nonzero: number;
  /** 1 − nonzero / the large model's prunable weights: where it sits on the large model's sparsity axis. */
  equivalentSparsity: number;
  accuracy: number;
}

/** The large-sparse run's entries and each small-dense run's final entry, on the large model's sparsity axis. */
export function sizePoints(sparse: Report | null, dense: ReadonlyArray<{ label: string; report: Report }>): { sparse: SizePoint[]; dense: SizePoint[] } {
  const base = sparse?.baseline ?? sparse?.rounds[0] ?? null;
  const large = base ? prunableCounts(base).total : Math.max(1, ...dense.map((d) => (d.report.final ? prunableCounts(d.report.final).total : 1)));
  const at = (label: string, e: RoundEntry): SizePoint => {
    const n = prunableCounts(e).nonzero;
    return { label, nonzero: n, equivalentSparsity: Math.min(1, Math.max(0, 1 - n / large)), accuracy: e.accuracy };
  };
  return {
    sparse: sparse ? entries(sparse).map((e) => at(e.round === 0 ? 'dense baseline' : `round ${e.round}`, e)) : [],
    dense: dense.filter((d) => d.report.final).map((d) => at(d.label, d.report.final!)).sort((a, b) => a.equivalentSparsity - b.equivalentSparsity),
  };
}

// ---- the lab's reference curve ----

/**
 * A stored run's curve for the training chart: reports keep no per-step curve, so each
 * entry's evaluated loss and accuracy at the step its training ended (steps per epoch
 * from the training rows and the batch size), with each round's start marked.
 */
export function referenceCurve(r: Report): { points: TrainingPoint[]; marks: RoundMark[] } {
  const per = Math.ceil(r.data.train / Math.max(1, r.config.train.batchSize));
  const p = r.config.prune;
  const points: TrainingPoint[] = [];
  const marks: RoundMark[] = [];
  let step = 0;
  for (const e of entries(r)) {
    marks.push({ step, label: e.round === 0 ? 'baseline' : `round ${e.round}` });
    const epochs = e.round === 0 ? (p.when === 'init' ? 0 : r.config.train.epochs) : p.when === 'init' ? r.config.train.epochs : p.schedule === 'gradual' ? 1 : p.finetuneEpochs;
    step += epochs * per;
    if (points.length && step <= points.at(-1)!.step) continue;
    points.push({ step, loss: e.loss, accuracy: e.accuracy });
  }
  return { points, marks };
}

// ---- running a report's config again in the lab ----

/** The reduced rerun: at most these rows and epochs (the lab's own defaults). */
export const REDUCED = { train: DEFAULTS.trainSamples!, validation: DEFAULTS.validationSamples!, test: DEFAULTS.testSamples!, epochs: DEFAULTS.epochs, finetuneEpochs: DEFAULTS.finetuneEpochs } as const;

// The config fields the lab's controls carry; any other field a report's config has is named as not carried.
const CARRIED = {
  config: ['model', 'dataset', 'train', 'prune', 'seed', 'subsets', 'evaluateOn'],
  train: ['epochs', 'batchSize', 'optimizer', 'schedule', 'validateEvery'],
  prune: ['method', 'granularity', 'criterion', 'nm', 'when', 'calibration', 'scope', 'schedule', 'targetSparsity', 'rounds', 'finetuneEpochs', 'rewind',
    'layers', 'layerSchedule', 'finetuneLr', 'control'],
} as const;

export interface RerunControls {
  controls: LabControls;
  /** Settings of the report the lab has no control for (the rerun uses the lab's default for them). */
  notCarried: string[];
}

/** The lab controls that run `c` again: in full, or reduced (subsets and fewer epochs, REDUCED). */
export function rerunControls(c: ExperimentConfig, full: boolean): RerunControls {
  const notCarried: string[] = [];
  const extra = (o: object, keys: readonly string[], prefix: string): void => {
    for (const [k, v] of Object.entries(o)) if (v !== undefined && !keys.includes(k)) notCarried.push(`${prefix}${k}`);
  };
  extra(c, CARRIED.config, '');
  extra(c.train, CARRIED.train, 'train.');
  extra(c.prune, CARRIED.prune, 'prune.');
  if (c.evaluateOn === 'validation') notCarried.push('evaluateOn');
  const o = c.train.optimizer;
  for (const k of ['nesterov', 'beta1', 'beta2', 'eps', 'decoupled']) if ((o as unknown as Record<string, unknown>)[k] !== undefined) notCarried.push(`train.optimizer.${k}`);
  const p = c.prune;
  if (p.calibration?.batchSize !== undefined) notCarried.push('prune.calibration.batchSize');
  const layers = p.layers ? formatLayerSparsity(p.layers) : null;
  if (p.layers && layers === null && Object.keys(p.layers).length) notCarried.push('prune.layers');
  if (c.dataset.name === 'csv') notCarried.push('dataset (its CSV file: load it in the lab)');

  const cap = (v: number | undefined, max: number): number => Math.min(v ?? max, max);
  const controls: LabControls = {
    ...DEFAULTS,
    model: typeof c.model === 'string' ? c.model : 'custom',
    modelSpec: typeof c.model === 'string' ? null : JSON.stringify(c.model),
    datasetName: c.dataset.name,
    method: null,
    granularity: p.granularity ?? DEFAULTS.granularity,
    criterion: p.criterion ?? null,
    scope: p.scope ?? DEFAULTS.scope,
    when: p.when ?? (p.schedule === 'gradual' ? 'during' : 'after'),
    nm: p.nm ? `${p.nm.n}:${p.nm.m}` : DEFAULTS.nm,
    calibrationSamples: p.calibration?.samples ?? null,
    schedule: p.schedule,
    targetSparsity: p.targetSparsity,
    rounds: p.rounds,
    epochs: full ? c.train.epochs : Math.min(c.train.epochs, REDUCED.epochs),
    finetuneEpochs: full ? p.finetuneEpochs : Math.min(p.finetuneEpochs, REDUCED.finetuneEpochs),
    optimizer: o.type,
    learningRate: o.lr,
    batchSize: c.train.batchSize,
    seed: c.seed,
    trainSamples: full ? c.subsets?.train ?? null : cap(c.subsets?.train, REDUCED.train),
    validationSamples: full ? c.subsets?.validation ?? null : cap(c.subsets?.validation, REDUCED.validation),
    testSamples: full ? c.subsets?.test ?? null : cap(c.subsets?.test, REDUCED.test),
    rewind: p.rewind === undefined || p.rewind === false ? null : p.rewind,
    control: p.control ?? null,
    layerSchedule: p.layerSchedule ?? null,
    layerSparsity: layers,
    finetuneLr: p.finetuneLr ?? null,
    validateEvery: c.train.validateEvery ?? null,
    lrSchedule: c.train.schedule ? formatLrSchedule(c.train.schedule) : null,
    weightDecay: o.weightDecay ?? null,
    momentum: o.type === 'sgd' ? o.momentum ?? null : DEFAULTS.momentum,
  };
  if (!full && controls.calibrationSamples !== null) controls.calibrationSamples = Math.min(controls.calibrationSamples, controls.trainSamples ?? Infinity);
  return { controls, notCarried };
}
