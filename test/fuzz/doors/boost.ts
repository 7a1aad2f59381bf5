// Door: the boosting engine (fitGbdt, fitXgb, truncateToBest). A valid small case
// (regression, 2 or 3 classes; gbdt or xgb; a few stages) gets one mutation: a
// parameter set to junk or an edge number, an unknown parameter or option key,
// damaged rows (NaN/Infinity features, a NaN target, a label out of range, a wrong
// array type or length, one class only), or validation rows that do not fit.
// A refusal must be a PruneLabError whose field is the mutated one. Documented
// acceptance: no mutation, or a value the parameter allows. Then the model must hold at most nEstimators stages of
// 1 or K trees, finite predictions and losses, kept ≤ grown sizes, and a truncation
// to a best stage within the stages fitted.
import { PruneLabError } from '../../../src/errors.js';
import { Rng } from '../../../src/rng.js';
import { fitGbdt, gbdtRaw, type GbdtParams } from '../../../src/trees/boost/gbdt.js';
import { pruningCounts, truncateToBest, type BoostModel } from '../../../src/trees/boost/report.js';
import { fitXgb, xgbMargin, type XgbParams } from '../../../src/trees/boost/xgb.js';
import type { BoostData } from '../../../src/trees/boost/data.js';
import type { Door, FuzzCase } from '../harness.js';
import { edgeNumber, junk, pick } from '../mutate.js';

type Algo = 'gbdt' | 'xgb';

interface BoostCase extends FuzzCase {
  algo: Algo;
  data: BoostData;
  params: Record<string, unknown>;
  opts: Record<string, unknown>;
}

const GBDT_KEYS: Record<string, number> = {
  learningRate: 0.3, nEstimators: 4, subsample: 1, maxDepth: 3, minSamplesSplit: 2, minSamplesLeaf: 1,
  minImpurityDecrease: 0, maxLeafNodes: 8, ccpAlpha: 0, alpha: 0.9, validationFraction: 0.2, nIterNoChange: 2, tol: 1e-4, seed: 0,
};
const XGB_KEYS: Record<string, number> = {
  nEstimators: 4, eta: 0.3, gamma: 0.5, maxDepth: 3, minChildWeight: 1, lambda: 1, alpha: 0, maxDeltaStep: 0,
  baseScore: 0.5, subsample: 1, maxLeaves: 0, earlyStoppingRounds: 2, seed: 0,
};

function rows(rng: Rng, n: number, d: number, classes: number): BoostData {
  const x = new Float32Array(n * d);
  for (let i = 0; i < x.length; i++) x[i] = rng.next() * 4 - 2;
  if (classes === 0) return { x, y: Float64Array.from({ length: n }, (_, i) => Math.sin(x[i * d]!) + 0.1 * rng.normal()), n, numFeatures: d };
  // Every class present: row i starts as class i mod K.
  return { x, y: Int32Array.from({ length: n }, (_, i) => (i < classes ? i : (x[i * d]! > 0 ? 1 : 0) + (classes > 2 && x[i * d + 1]! > 0.5 ? 1 : 0))), n, numFeatures: d, numClasses: classes };
}

function fit(c: BoostCase): BoostModel {
  return c.algo === 'gbdt'
    ? fitGbdt(c.data, c.params as GbdtParams, c.opts)
    : fitXgb(c.data, c.params as XgbParams, c.opts);
}

export const boostDoor: Door<BoostCase> = {
  name: 'boost',
  fastCases: 40,
  generate(rng) {
    const algo: Algo = pick(rng, ['gbdt', 'xgb'] as const);
    const classes = pick(rng, [0, 2, 3]);
    const d = 1 + rng.int(3);
    const data = rows(rng, 24 + rng.int(20), d, classes);
    const val = rows(rng, 10, d, classes);
    const params: Record<string, unknown> = { nEstimators: 1 + rng.int(4), seed: rng.int(100) };
    const opts: Record<string, unknown> = rng.next() < 0.5 ? { val } : {};
    const keys = algo === 'gbdt' ? GBDT_KEYS : XGB_KEYS;
    let what: string;
    let fields: string[];
    const r = rng.int(11);
    if (r === 10) {
      what = 'no mutation';
      fields = [];
    } else if (r < 5) {
      const key = pick(rng, Object.keys(keys));
      params[key] = r < 3 ? junk(rng) : edgeNumber(rng, keys[key]!);
      if (key === 'earlyStoppingRounds' && !('val' in opts) && rng.next() < 0.5) opts.val = val;
      what = `${key} = ${String(params[key])}`;
      fields = [key];
    } else if (r === 5) {
      const key = pick(rng, ['max_depth', 'learning_rate', 'constructor', 'toString', '__proto__x', 'eta_']);
      params[key] = 1;
      what = `unknown parameter ${key}`;
      fields = [key];
    } else if (r === 6) {
      opts[pick(rng, ['vals', 'test', 'sampleWeight'])] = val;
      what = 'unknown option';
      fields = ['opts', ...Object.keys(opts)];
    } else if (r === 7) {
      const i = rng.int(data.x.length);
      const v = pick(rng, [NaN, Infinity, -Infinity]);
      data.x[i] = v;
      what = `x[${i}] = ${v}`;
      fields = ['data.x'];
    } else if (r === 8) {
      const i = rng.int(data.n);
      const bad = classes === 0 ? pick(rng, [NaN, Infinity]) : pick(rng, [-1, classes, 99]);
      (data.y as Float64Array | Int32Array)[i] = bad;
      what = `y[${i}] = ${bad}`;
      fields = ['data.y'];
    } else {
      const other = rows(rng, 10, d + 1, classes === 0 ? pick(rng, [0, 2]) : pick(rng, [0, classes]));
      opts.val = pick(rng, [other, { ...val, n: 11 }, { ...val, y: Array.from(val.y) }]);
      what = 'validation rows that do not fit';
      fields = ['val', 'val.numFeatures', 'val.x', 'val.y', 'val.n'];
    }
    return { repro: `${algo} on ${classes === 0 ? 'real targets' : `${classes} classes`}, ${data.n}×${d}: ${what}`, fields, algo, data, params, opts };
  },
  async run(c) {
    let m: BoostModel;
    try {
      m = fit(c);
    } catch (e) {
      // Stricter than the harness: the refusal names the mutated field itself.
      const field = e instanceof PruneLabError ? e.field : undefined;
      if (field !== undefined && !c.fields.some((f) => field === f || field.startsWith(`${f}.`))) return `refused, but names ${field}: ${(e as Error).message}`;
      throw e;
    }
    const stages = m.trees.length;
    const max = (c.params.nEstimators as number | undefined) ?? 100;
    if (stages < 1 || stages > max) return `${stages} stages for nEstimators ${max}`;
    const k = m.numGroups;
    if (m.trees.some((s) => s.length !== k)) return `a stage without ${k} trees`;
    const raw = m.kind === 'gbdt' ? gbdtRaw(m, c.data.x) : xgbMargin(m, c.data.x);
    if (!raw.every(Number.isFinite)) return 'a non-finite prediction';
    if (!m.trainLoss.every(Number.isFinite)) return 'a non-finite training loss';
    const p = pruningCounts(m);
    if (p.kept.leaves > p.grown.leaves || p.kept.nodes > p.grown.nodes) return `kept ${JSON.stringify(p.kept)} > grown ${JSON.stringify(p.grown)}`;
    const val = c.opts.val as BoostData | undefined;
    if (val) {
      const t = truncateToBest(m, val);
      if (t.bestStages < 1 || t.bestStages > stages) return `best stage ${t.bestStages} of ${stages}`;
      if (!(t.after.val.loss <= t.before.val.loss)) return `truncation raised the validation loss (${t.before.val.loss} → ${t.after.val.loss})`;
    }
  },
};
