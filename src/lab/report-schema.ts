// The full schema of the report format (src/lab/report.ts), for reports that come
// back from outside the engine: an imported JSON file, a stored IndexedDB record.
// validateReport migrates an older version to the current one, then checks every
// field of Report, RoundEntry and LayerEntry, the config through validateConfig,
// and the consistency the runner guarantees (counts against the model, confusion
// against the data, rounds in order), so that anything it returns can be listed,
// charted and exported (reportToCsv) again. Every refusal is a PruneLabError
// ('invalid-data') whose field is the path of the culprit ("report.rounds[2].flops").
//
// Documented tolerance: keys this version does not know are kept, unread, at two
// levels only: the report itself (run-experiment writes `browser` there) and each
// round entry (optional fields a newer engine adds). Everywhere else an unknown
// key is refused, and the config's own keys are validateConfig's to judge.
import { PruneLabError } from '../errors.js';
import { planModel, type ModelPlan } from '../nn/spec.js';
import { resolveModel, validateConfig, type NormalizedConfig } from './config.js';
import { fail, isObj, migrateReport, need, type Obj } from './report-migrate.js';
export { migrateReport, migrateV1, REPORT_MIGRATIONS, type ReportMigration } from './report-migrate.js';
import type { Report } from './report.js';

const STATUSES = ['complete', 'aborted', 'error', 'running'] as const;
// Metric tolerance: hand-written or rounded reports carry 6 decimals.
const METRIC_TOL = 1e-5;
// Ratios the runner computes from counts: equal up to float rounding.
const COUNT_TOL = 1e-9;

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const isFinite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const near = (a: number, b: number, tol: number): boolean => Math.abs(a - b) <= tol * Math.max(1, Math.abs(b));

function object(v: unknown, field: string, expected: string, keys?: readonly string[]): Obj {
  need(isObj(v), field, expected, v);
  if (keys) for (const k of Object.keys(v)) need(keys.includes(k), `${field}.${k}`, `absent (fields: ${keys.join(', ')})`);
  return v;
}
function count(v: unknown, field: string): number {
  need(isCount(v), field, 'an integer ≥ 0', v);
  return v;
}
function fraction(v: unknown, field: string): number {
  need(isFinite(v) && v >= 0 && v <= 1, field, 'a number in [0, 1]', v);
  return v;
}
function duration(v: unknown, field: string): number {
  need(isFinite(v) && v >= 0, field, 'a duration in ms, a finite number ≥ 0', v);
  return v;
}
function text(v: unknown, field: string, nonEmpty = false): string {
  need(typeof v === 'string' && (!nonEmpty || v.length > 0), field, nonEmpty ? 'a non-empty string' : 'a string', v);
  return v;
}
function array(v: unknown, field: string, expected: string, length?: number): unknown[] {
  need(Array.isArray(v) && (length === undefined || v.length === length), field, expected, v);
  // A JS array (a stored record, not JSON) may have holes, which forEach and map skip.
  for (let i = 0; i < v.length; i++) if (!(i in v)) fail(`${field}[${i}]`, 'must be present (the array has a hole)');
  return v;
}
function strings(v: unknown, field: string): string[] {
  const a = array(v, field, 'an array of strings');
  a.forEach((s, i) => text(s, `${field}[${i}]`));
  return a as string[];
}
const mean = (a: number[]): number => a.reduce((s, x) => s + x, 0) / a.length;


/** What the runner knows about the model before the first round: the checks' reference. */
interface Expect {
  plan: ModelPlan;
  config: NormalizedConfig;
  excluded: Set<string>;
  data: Record<'train' | 'validation' | 'test', number>;
}

function checkConfig(raw: unknown, field: string): { config: NormalizedConfig; plan: ModelPlan } {
  const f = `${field}.config`;
  need(isObj(raw), f, 'an experiment config object', raw);
  try {
    const config = validateConfig(raw);
    return { config, plan: planModel(resolveModel(config.model)) };
  } catch (e) {
    if (e instanceof PruneLabError) {
      const inner = e.field ?? '';
      const message = inner && e.message.startsWith(inner) ? e.message.slice(inner.length) : `: ${e.message}`;
      throw new PruneLabError('invalid-data', `${f}${inner ? `.${inner}` : ''}${message}`, inner ? `${f}.${inner}` : f);
    }
    throw new PruneLabError('invalid-data', `${f} is not a config this lab accepts (${e instanceof Error ? e.message : String(e)})`, f);
  }
}

function checkLayer(raw: unknown, f: string, i: number, x: Expect): { nonzero: number; params: number; biases: number; prunable: boolean } {
  const l = object(raw, f, 'a layer entry { name, kind, shape, params, nonzero, sparsity, prunable, biases }',
    ['name', 'kind', 'shape', 'params', 'nonzero', 'sparsity', 'prunable', 'biases']);
  const op = x.plan.params[i]!;
  need(l.name === op.name, `${f}.name`, `"${op.name}" (layer ${i} of the config's model)`, l.name);
  need(l.kind === op.kind, `${f}.kind`, `"${op.kind}" (${op.name} of the config's model)`, l.kind);
  const shape = array(l.shape, `${f}.shape`, `an array of ${op.weightShape.length} integers ≥ 0`, op.weightShape.length);
  shape.forEach((d, j) => count(d, `${f}.shape[${j}]`));
  const params = count(l.params, `${f}.params`);
  const size = (shape as number[]).reduce((a, b) => a * b, 1);
  need(params === size, `${f}.params`, `the product of its shape (${size})`, params);
  need(params <= op.weightCount, `${f}.params`, `at most the model's ${op.weightCount} weights of ${op.name}`, params);
  const nonzero = count(l.nonzero, `${f}.nonzero`);
  need(nonzero <= params, `${f}.nonzero`, `at most params (${params})`, nonzero);
  const sparsity = fraction(l.sparsity, `${f}.sparsity`);
  need(near(sparsity, 1 - nonzero / op.weightCount, COUNT_TOL), `${f}.sparsity`, `1 − nonzero / ${op.weightCount} (the layer's original weights) = ${1 - nonzero / op.weightCount}`, sparsity);
  need(l.prunable === !x.excluded.has(op.name), `${f}.prunable`, `${!x.excluded.has(op.name)} (${op.name} is ${x.excluded.has(op.name) ? '' : 'not '}excluded in config.prune.layers)`, l.prunable);
  const biases = count(l.biases, `${f}.biases`);
  need(biases <= op.biasCount, `${f}.biases`, `at most the model's ${op.biasCount} biases of ${op.name}`, biases);
  return { nonzero, params, biases, prunable: l.prunable as boolean };
}

function checkEntry(raw: unknown, f: string, x: Expect): Obj {
  const e = object(raw, f, 'a round entry object');
  count(e.round, `${f}.round`);
  fraction(e.targetSparsity, `${f}.targetSparsity`);
  const sparsity = fraction(e.sparsity, `${f}.sparsity`);
  const ops = x.plan.params;
  const layers = array(e.layers, `${f}.layers`, `an array of ${ops.length} layer entries (${ops.map((o) => o.name).join(', ')})`, ops.length)
    .map((l, i) => checkLayer(l, `${f}.layers[${i}]`, i, x));
  const prunableTotal = ops.reduce((t, o) => t + (x.excluded.has(o.name) ? 0 : o.weightCount), 0);
  const keptPrunable = layers.reduce((t, l) => t + (l.prunable ? l.nonzero : 0), 0);
  need(near(sparsity, 1 - keptPrunable / prunableTotal, COUNT_TOL), `${f}.sparsity`, `1 − the prunable layers' nonzero / ${prunableTotal} = ${1 - keptPrunable / prunableTotal}`, sparsity);

  const evaluatedOn = e.evaluatedOn;
  const wantOn = x.config.evaluateOn ?? 'test';
  need(evaluatedOn === wantOn, `${f}.evaluatedOn`, `"${wantOn}" (config.evaluateOn)`, evaluatedOn);
  const classes = x.plan.classes;
  const confusion = array(e.confusion, `${f}.confusion`, `an array of ${classes}×${classes} = ${classes * classes} counts (classes²)`, classes * classes)
    .map((v, i) => count(v, `${f}.confusion[${i}]`));
  const total = confusion.reduce((a, b) => a + b, 0);
  need(total === x.data[wantOn], `${f}.confusion`, `counts summing to data.${wantOn} (${x.data[wantOn]})`, `sum ${total}`);
  let trace = 0;
  for (let c = 0; c < classes; c++) trace += confusion[c * classes + c]!;
  const accuracy = fraction(e.accuracy, `${f}.accuracy`);
  if (total > 0) need(near(accuracy, trace / total, METRIC_TOL), `${f}.accuracy`, `the confusion matrix's trace / total = ${trace / total}`, accuracy);

  const pc = object(e.perClass, `${f}.perClass`, 'an object { precision, recall, f1 }', ['precision', 'recall', 'f1']);
  const per = (k: 'precision' | 'recall' | 'f1'): number[] =>
    array(pc[k], `${f}.perClass.${k}`, `an array of ${classes} numbers (one per class)`, classes).map((v, c) => fraction(v, `${f}.perClass.${k}[${c}]`));
  const macro: Array<[string, number[]]> = [['precision', per('precision')], ['recall', per('recall')], ['macroF1', per('f1')]];
  for (const [k, values] of macro) {
    const v = fraction(e[k], `${f}.${k}`);
    need(near(v, mean(values), METRIC_TOL), `${f}.${k}`, `the mean of perClass (${mean(values)})`, v);
  }
  need(e.loss === null || (isFinite(e.loss) && e.loss >= 0), `${f}.loss`, 'null or a finite number ≥ 0', e.loss);

  const params = object(e.params, `${f}.params`, 'an object { total, nonzero }', ['total', 'nonzero']);
  const weights = layers.reduce((t, l) => t + l.params + l.biases, 0);
  need(count(params.total, `${f}.params.total`) === weights, `${f}.params.total`, `the layers' params + biases (${weights})`, params.total);
  need(count(params.nonzero, `${f}.params.nonzero`) <= weights, `${f}.params.nonzero`, `at most params.total (${weights})`, params.nonzero);
  const flops = object(e.flops, `${f}.flops`, 'an object { dense, effective }', ['dense', 'effective']);
  const dense = count(flops.dense, `${f}.flops.dense`);
  need(count(flops.effective, `${f}.flops.effective`) <= dense, `${f}.flops.effective`, `at most flops.dense (${dense})`, flops.effective);
  const original = ops.reduce((t, o) => t + o.weightCount, 0);
  const kept = layers.reduce((t, l) => t + l.nonzero, 0);
  const ratio = original / Math.max(1, kept);
  need(isFinite(e.compressionRatio) && near(e.compressionRatio, ratio, COUNT_TOL), `${f}.compressionRatio`, `the model's ${original} weights / max(1, nonzero) = ${ratio}`, e.compressionRatio);

  if (e.units !== undefined) {
    const units = object(e.units, `${f}.units`, 'an object keyed by layer name', ops.map((o) => o.name));
    for (const [name, u] of Object.entries(units)) {
      const uf = `${f}.units.${name}`;
      const o = object(u, uf, 'an object { before, after }', ['before', 'after']);
      const before = count(o.before, `${uf}.before`);
      need(count(o.after, `${uf}.after`) <= before, `${uf}.after`, `at most before (${before})`, o.after);
    }
  }
  const t = object(e.timeMs, `${f}.timeMs`, 'an object { prune, finetune, evaluate, score? }', ['prune', 'finetune', 'evaluate', 'score']);
  for (const k of ['prune', 'finetune', 'evaluate'] as const) duration(t[k], `${f}.timeMs.${k}`);
  if (t.score !== undefined) {
    duration(t.score, `${f}.timeMs.score`);
    need((t.score as number) <= (t.prune as number) * (1 + COUNT_TOL) + 1e-6, `${f}.timeMs.score`, `at most timeMs.prune (${t.prune as number}; scoring is part of pruning)`, t.score);
  }
  if (e.calibration !== undefined) {
    const cal = object(e.calibration, `${f}.calibration`, 'an object { samples, batchSize }', ['samples', 'batchSize']);
    const n = count(cal.samples, `${f}.calibration.samples`);
    need(n >= 1 && n <= x.data.train, `${f}.calibration.samples`, `an integer in [1, ${x.data.train}] (data.train)`, cal.samples);
    const b = count(cal.batchSize, `${f}.calibration.batchSize`);
    need(b >= 1 && b <= n, `${f}.calibration.batchSize`, `an integer in [1, ${n}] (calibration.samples)`, cal.batchSize);
  }
  if (e.earlyStop !== undefined) checkEarlyStop(e.earlyStop, `${f}.earlyStop`, wantOn);
  if (e.control !== undefined) {
    const cf = `${f}.control`;
    const c = object(e.control, cf, 'an object { kind, seed, accuracy, macroF1, loss, earlyStop?, timeMs }', ['kind', 'seed', 'accuracy', 'macroF1', 'loss', 'earlyStop', 'timeMs']);
    need(c.kind === 'reinit', `${cf}.kind`, '"reinit"', c.kind);
    count(c.seed, `${cf}.seed`);
    fraction(c.accuracy, `${cf}.accuracy`);
    fraction(c.macroF1, `${cf}.macroF1`);
    need(c.loss === null || (isFinite(c.loss) && c.loss >= 0), `${cf}.loss`, 'null or a finite number ≥ 0', c.loss);
    if (c.earlyStop !== undefined) checkEarlyStop(c.earlyStop, `${cf}.earlyStop`, wantOn);
    const ct = object(c.timeMs, `${cf}.timeMs`, 'an object { finetune, evaluate }', ['finetune', 'evaluate']);
    for (const k of ['finetune', 'evaluate'] as const) duration(ct[k], `${cf}.timeMs.${k}`);
  }
  return e;
}

/** An entry's earlyStop (src/lab/early-stop.ts): a curve of increasing iterations, and its minimum as the first point of least loss. */
function checkEarlyStop(raw: unknown, f: string, evaluatedOn: string): void {
  const keys = ['every', 'curve', 'iteration', 'valLoss', 'valAccuracy', 'accuracyAtMin', 'evaluatedOn'];
  const es = object(raw, f, `an object { ${keys.join(', ')} }`, keys);
  need(count(es.every, `${f}.every`) >= 1, `${f}.every`, 'an integer ≥ 1', es.every);
  const curve = array(es.curve, `${f}.curve`, 'a non-empty array of { iteration, valLoss, valAccuracy }').map((p, i) => {
    const pf = `${f}.curve[${i}]`;
    const o = object(p, pf, 'an object { iteration, valLoss, valAccuracy }', ['iteration', 'valLoss', 'valAccuracy']);
    count(o.iteration, `${pf}.iteration`);
    need(isFinite(o.valLoss) && o.valLoss >= 0, `${pf}.valLoss`, 'a finite number ≥ 0', o.valLoss);
    fraction(o.valAccuracy, `${pf}.valAccuracy`);
    return o as { iteration: number; valLoss: number; valAccuracy: number };
  });
  need(curve.length > 0, `${f}.curve`, 'a non-empty array of { iteration, valLoss, valAccuracy }', es.curve);
  curve.forEach((p, i) => need(i === 0 || p.iteration > curve[i - 1]!.iteration, `${f}.curve[${i}].iteration`, `above the previous point's (${curve[i - 1]?.iteration})`, p.iteration));
  const best = curve.reduce((b, p) => (p.valLoss < b.valLoss ? p : b), curve[0]!);
  need(es.iteration === best.iteration, `${f}.iteration`, `the iteration of the curve's least valLoss (${best.iteration})`, es.iteration);
  need(es.valLoss === best.valLoss, `${f}.valLoss`, `the curve's least valLoss (${best.valLoss})`, es.valLoss);
  need(es.valAccuracy === best.valAccuracy, `${f}.valAccuracy`, `the valAccuracy at that point (${best.valAccuracy})`, es.valAccuracy);
  fraction(es.accuracyAtMin, `${f}.accuracyAtMin`);
  need(es.evaluatedOn === evaluatedOn, `${f}.evaluatedOn`, `"${evaluatedOn}" (config.evaluateOn)`, es.evaluatedOn);
}

/**
 * report.data.tabular (optional, version 2 reports of CSV runs): a feature name per
 * model input, a label per class (at most the model's outputs), and a finite mean and
 * a finite positive scale per feature; constant features are named features of scale 1.
 */
function checkTabular(raw: unknown, f: string, plan: ModelPlan): void {
  const t = object(raw, f, 'an object { target, features, classes, standardization }', ['target', 'features', 'classes', 'standardization']);
  text(t.target, `${f}.target`, true);
  const inputs = plan.input.C * plan.input.H * plan.input.W;
  const features = strings(t.features, `${f}.features`);
  need(features.length === inputs, `${f}.features`, `${inputs} names (the model's inputs)`, t.features);
  need(new Set(features).size === features.length, `${f}.features`, 'distinct names', t.features);
  const classes = strings(t.classes, `${f}.classes`);
  need(classes.length >= 2 && classes.length <= plan.classes, `${f}.classes`, `2 to ${plan.classes} labels (the model's outputs)`, t.classes);
  need(new Set(classes).size === classes.length, `${f}.classes`, 'distinct labels', t.classes);
  const s = object(t.standardization, `${f}.standardization`, 'an object { mean, scale, constant }', ['mean', 'scale', 'constant']);
  const mean = array(s.mean, `${f}.standardization.mean`, `an array of ${inputs} numbers`, inputs);
  mean.forEach((v, i) => need(isFinite(v), `${f}.standardization.mean[${i}]`, 'a finite number', v));
  const scale = array(s.scale, `${f}.standardization.scale`, `an array of ${inputs} numbers`, inputs);
  scale.forEach((v, i) => need(isFinite(v) && v > 0, `${f}.standardization.scale[${i}]`, 'a finite number > 0', v));
  strings(s.constant, `${f}.standardization.constant`).forEach((name, i) => {
    const at = features.indexOf(name);
    need(at >= 0, `${f}.standardization.constant[${i}]`, 'one of the features', name);
    need(scale[at] === 1, `${f}.standardization.scale[${at}]`, `1 (${name} is constant)`, scale[at]);
  });
}

/**
 * Checks that `raw` is a report this lab can list, chart and export again, after
 * migrating an older version, and returns it typed. `field` names it in errors
 * ("report", or the file's name).
 */
export function validateReport(raw: unknown, field = 'report'): Report {
  const r = migrateReport(object(raw, field, 'a report object'), field);
  text(r.id, `${field}.id`, true);
  need(typeof r.createdAt === 'string' && !Number.isNaN(Date.parse(r.createdAt)), `${field}.createdAt`, 'an ISO date string', r.createdAt);
  need((STATUSES as readonly unknown[]).includes(r.status), `${field}.status`, `one of ${STATUSES.join(', ')}`, r.status);
  if (r.error !== undefined) {
    const e = object(r.error, `${field}.error`, 'an object { code, message }', ['code', 'message']);
    text(e.code, `${field}.error.code`, true);
    text(e.message, `${field}.error.message`);
  }
  need(r.status !== 'error' || r.error !== undefined, `${field}.error`, "present when status is 'error' ({ code, message })", r.error);
  const { config, plan } = checkConfig(r.config, field);
  const adapter = object(r.adapter, `${field}.adapter`, 'an object { vendor, architecture, description, backend }', ['vendor', 'architecture', 'description', 'backend']);
  for (const k of ['vendor', 'architecture', 'description', 'backend'] as const) text(adapter[k], `${field}.adapter.${k}`);

  const excluded = new Set(plan.params.filter((q) => config.prune.layers?.[q.name]?.exclude).map((q) => q.name));
  const m = object(r.model, `${field}.model`, 'an object { name, paramCount, prunableLayers, excludedLayers }', ['name', 'paramCount', 'prunableLayers', 'excludedLayers']);
  need(m.name === plan.name, `${field}.model.name`, `"${plan.name}" (the config's model)`, m.name);
  need(count(m.paramCount, `${field}.model.paramCount`) === plan.paramCount, `${field}.model.paramCount`, `${plan.paramCount} (the config's model)`, m.paramCount);
  const prunable = plan.params.map((q) => q.name).filter((n) => !excluded.has(n));
  need(JSON.stringify(strings(m.prunableLayers, `${field}.model.prunableLayers`)) === JSON.stringify(prunable), `${field}.model.prunableLayers`, `[${prunable.join(', ')}] (the config's model less its excluded layers)`, m.prunableLayers);
  need(JSON.stringify(strings(m.excludedLayers, `${field}.model.excludedLayers`)) === JSON.stringify([...excluded]), `${field}.model.excludedLayers`, `[${[...excluded].join(', ')}] (config.prune.layers)`, m.excludedLayers);
  const d = object(r.data, `${field}.data`, 'an object { train, validation, test, tabular? }', ['train', 'validation', 'test', 'tabular']);
  const data = { train: count(d.train, `${field}.data.train`), validation: count(d.validation, `${field}.data.validation`), test: count(d.test, `${field}.data.test`) };
  if (d.tabular !== undefined) checkTabular(d.tabular, `${field}.data.tabular`, plan);
  const x: Expect = { plan, config, excluded, data };

  need(r.baseline === null || isObj(r.baseline), `${field}.baseline`, 'a round entry or null', r.baseline);
  if (r.baseline !== null) {
    checkEntry(r.baseline, `${field}.baseline`, x);
    need((r.baseline as Obj).round === 0, `${field}.baseline.round`, '0 (the dense baseline)', (r.baseline as Obj).round);
  }
  const p = config.prune;
  const planned = p.schedule === 'gradual' ? p.finetuneEpochs : p.rounds;
  const rounds = array(r.rounds, `${field}.rounds`, `an array of at most ${planned} round entries`);
  need(rounds.length <= planned, `${field}.rounds`, `at most ${planned} entries (${p.schedule === 'gradual' ? 'prune.finetuneEpochs' : 'prune.rounds'})`, rounds);
  need(rounds.length === 0 || r.baseline !== null, `${field}.baseline`, 'a round entry when rounds follow it', r.baseline);
  rounds.forEach((e, i) => {
    checkEntry(e, `${field}.rounds[${i}]`, x);
    need((e as Obj).round === i + 1, `${field}.rounds[${i}].round`, `${i + 1} (rounds in order, after the baseline's 0)`, (e as Obj).round);
  });
  const last = rounds.at(-1) ?? r.baseline;
  if (last === null) need(r.final === null, `${field}.final`, 'null while there is no baseline', r.final);
  else {
    checkEntry(r.final, `${field}.final`, x);
    need(JSON.stringify(r.final) === JSON.stringify(last), `${field}.final`, `the last entry (round ${(last as Obj).round})`, r.final);
  }
  duration(r.timeMs, `${field}.timeMs`);
  // The config as validateConfig normalizes it (every axis filled), in a copy: the input is left as it was.
  return { ...r, config } as unknown as Report;
}

/** Parses an imported file: one report or an array of reports, each checked (and migrated) by validateReport before any is returned, so a file is taken whole or not at all. Throws PruneLabError naming the first bad field. */
export function parseReports(text: string, name = 'file'): Report[] {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new PruneLabError('invalid-data', `${name} must be JSON: a report or an array of reports (${e instanceof Error ? e.message : String(e)})`, name);
  }
  const list = Array.isArray(v) ? v : [v];
  need(list.length > 0, name, 'a report or a non-empty array of reports', v);
  return list.map((r, i) => validateReport(r, Array.isArray(v) ? `${name}[${i}]` : name));
}
