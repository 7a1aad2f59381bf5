// One tree-lab run on one dataset: split it (seeded), grow the unpruned tree and one
// tree per pre-pruning setting, post-prune the grown tree by CCP (alpha chosen on
// validation), REP and PEP, and score everything the same way. Pure engine: the
// worker and the CLI call it; the UI only sees its result.
import { check } from '../errors.js';
import { chooseAlphaByValidation } from './alpha.js';
import { fitTree } from './cart.js';
import { ccpPath, cutAtStep, type CcpPath } from './ccp.js';
import { subsetRows } from './data.js';
import { evaluateTree } from './evaluate.js';
import { checkConfidence, DEFAULT_CONFIDENCE, pessimisticPrune } from './pep.js';
import { resolveTreeParams, type TreeParams } from './params.js';
import { reducedErrorPrune } from './rep.js';
import { splitRows } from './split.js';
import { leafOf, nodeClass, treeSize, type Criterion, type Cut, type DecisionTree, type RegressionData, type TreeData } from './tree.js';

/** The growth limits a user can set; absent = scikit-learn's default (no limit). */
export type PrePruning = Omit<TreeParams, 'criterion' | 'maxFeatures'>;

export const PRE_PRUNING_KEYS = ['maxDepth', 'minSamplesSplit', 'minSamplesLeaf', 'minImpurityDecrease', 'maxLeafNodes'] as const;

export interface LabConfig {
  criterion?: Criterion;
  pre?: PrePruning;
  /** Default 0.2; must be > 0 (REP and the choice of alpha need validation rows). */
  valFraction?: number;
  /** Default 0.2; 0 = no test rows. */
  testFraction?: number;
  seed?: number;
  /** PEP confidence factor, default 0.25. */
  confidence?: number;
}

export type RowKind = 'unpruned' | 'pre' | 'ccp' | 'rep' | 'pep';

export interface LabRow {
  kind: RowKind;
  label: string;
  nodes: number;
  leaves: number;
  depth: number;
  trainAccuracy: number;
  valAccuracy: number;
  testAccuracy: number | null;
  /** Macro-F1 on test rows, or on validation rows when there is no test split. */
  macroF1: number;
  fitMs: number;
  /** 0 for pre-pruning rows: they are pruned while growing. */
  pruneMs: number;
}

export interface PathPoint {
  step: number;
  alpha: number;
  leaves: number;
  trainAccuracy: number;
  valAccuracy: number;
  testAccuracy: number | null;
}

export interface LabReport {
  sizes: { train: number; val: number; test: number };
  /** The grown tree (with every pre-pruning setting) that post-pruning works on. */
  tree: DecisionTree;
  path: CcpPath;
  /** One point per subtree reachable by some alpha. */
  curve: PathPoint[];
  bestStep: number;
  bestAlpha: number;
  cuts: { ccp: Cut; rep: Cut; pep: Cut };
  rows: LabRow[];
}

function now(): number {
  return performance.now();
}

/** A tree grown for a lab row, with the time its growth took. */
export interface Grown {
  tree: DecisionTree;
  ms: number;
}

/** What both labs (classes here, regression in src/worker/tree-regress-lab.ts) check and split alike. */
export interface LabSplitConfig {
  pre?: PrePruning;
  valFraction?: number;
  testFraction?: number;
  seed?: number;
}

/**
 * The checks both labs make before any work (pre-pruning keys by name; a validation
 * share in (0, 1) that holds at least one row, since REP and the choice of alpha need
 * one), then the seeded split into training, validation and (when testFraction > 0) test rows.
 */
export function labSplit<D extends TreeData | RegressionData>(data: D, config: LabSplitConfig): { pre: PrePruning; train: D; val: D; test: D | null; sizes: LabReport['sizes'] } {
  const pre = config.pre ?? {};
  for (const k of Object.keys(pre)) {
    check((PRE_PRUNING_KEYS as readonly string[]).includes(k), `pre.${k}`, `one of ${PRE_PRUNING_KEYS.join(', ')}`);
  }
  const valFraction = config.valFraction ?? 0.2;
  check(typeof valFraction === 'number' && valFraction > 0 && valFraction < 1, 'valFraction', 'a number in (0, 1): REP and the choice of alpha need validation rows', valFraction);
  const split = splitRows(data.n, { valFraction, testFraction: config.testFraction ?? 0.2, seed: config.seed ?? 0 });
  check(split.val.length >= 1, 'valFraction', 'large enough to hold out at least one row', valFraction);
  const sub = (rows: ArrayLike<number>): D => subsetRows(data as TreeData, rows) as D;
  return {
    pre, train: sub(split.train), val: sub(split.val), test: split.test.length > 0 ? sub(split.test) : null,
    sizes: { train: split.train.length, val: split.val.length, test: split.test.length },
  };
}

/**
 * The pre-pruning rows both labs share: the unpruned tree, one tree per pre-pruning
 * setting that is set, and (with more than one set) one with all of them. Returns the
 * rows, the last tree grown (the one post-pruning works on) and the suffix its
 * post-pruning rows' labels take.
 */
export function prePruningRows<R>(pre: PrePruning, grow: (params: PrePruning) => Grown, score: (kind: 'unpruned' | 'pre', label: string, g: Grown) => R): { rows: R[]; grown: Grown; on: string } {
  const rows: R[] = [];
  const unpruned = grow({});
  rows.push(score('unpruned', 'unpruned', unpruned));
  const set = PRE_PRUNING_KEYS.filter((k) => pre[k] !== undefined && pre[k] !== null);
  let grown = unpruned;
  for (const k of set) {
    grown = grow({ [k]: pre[k] });
    rows.push(score('pre', `${k} = ${pre[k]}`, grown));
  }
  if (set.length > 1) {
    grown = grow(pre);
    rows.push(score('pre', `all pre-pruning (${set.join(', ')})`, grown));
  }
  return { rows, grown, on: set.length > 0 ? ' of the pre-pruned tree' : '' };
}

export function runLab(data: TreeData, config: LabConfig = {}): LabReport {
  const criterion = config.criterion ?? 'gini';
  const { pre, train, val, test, sizes } = labSplit(data, config);
  resolveTreeParams({ criterion, ...pre });
  const confidence = checkConfidence(config.confidence ?? DEFAULT_CONFIDENCE);

  const score = (kind: RowKind, label: string, tree: DecisionTree, cut: Cut | undefined, fitMs: number, pruneMs: number): LabRow => {
    const tr = evaluateTree(tree, train, cut);
    const va = evaluateTree(tree, val, cut);
    const te = test ? evaluateTree(tree, test, cut) : null;
    return {
      kind, label, ...treeSize(tree, cut),
      trainAccuracy: tr.accuracy, valAccuracy: va.accuracy, testAccuracy: te?.accuracy ?? null,
      macroF1: (te ?? va).macroF1, fitMs, pruneMs,
    };
  };
  const grow = (params: TreeParams): Grown => {
    const t0 = now();
    const tree = fitTree(train, { criterion, ...params });
    return { tree, ms: now() - t0 };
  };
  const { rows, grown, on } = prePruningRows(pre, grow, (kind, label, g) => score(kind, label, g.tree, undefined, g.ms, 0));
  const tree = grown.tree;

  let t0 = now();
  const path = ccpPath(tree);
  const choice = chooseAlphaByValidation(tree, val, path);
  const ccpCut = cutAtStep(tree, path, choice.step);
  rows.push(score('ccp', `CCP α = ${choice.alpha.toPrecision(3)} (best on validation)${on}`, tree, ccpCut, grown.ms, now() - t0));
  t0 = now();
  const rep = reducedErrorPrune(tree, val);
  rows.push(score('rep', `REP (validation)${on}`, tree, rep.cut, grown.ms, now() - t0));
  t0 = now();
  const pep = pessimisticPrune(tree, confidence);
  rows.push(score('pep', `PEP (CF ${confidence})${on}`, tree, pep.cut, grown.ms, now() - t0));

  const curve = choice.steps.map((step): PathPoint => {
    const row = score('ccp', '', tree, cutAtStep(tree, path, step), 0, 0);
    return { step, alpha: path.alphas[step]!, leaves: row.leaves, trainAccuracy: row.trainAccuracy, valAccuracy: row.valAccuracy, testAccuracy: row.testAccuracy };
  });
  return {
    sizes, tree, path, curve, bestStep: choice.step, bestAlpha: choice.alpha,
    cuts: { ccp: ccpCut, rep: rep.cut, pep: pep.cut },
    rows,
  };
}

export interface Bounds {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

/** Bounds of the first two features with a 5% margin. */
export function bounds2d(data: TreeData): Bounds {
  check(data.numFeatures === 2, 'dataset', 'a 2-D dataset (2 features) for decision regions', data.numFeatures);
  let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
  for (let i = 0; i < data.n; i++) {
    const a = data.x[2 * i]!;
    const b = data.x[2 * i + 1]!;
    x0 = Math.min(x0, a);
    x1 = Math.max(x1, a);
    y0 = Math.min(y0, b);
    y1 = Math.max(y1, b);
  }
  const mx = (x1 - x0) * 0.05 || 1;
  const my = (y1 - y0) * 0.05 || 1;
  return { x0: x0 - mx, x1: x1 + mx, y0: y0 - my, y1: y1 + my };
}

/**
 * The class the (cut) tree predicts at the centre of every cell of a res × res
 * grid over `b`, row-major with row 0 at the top (largest y).
 */
export function decisionRegions(tree: DecisionTree, cut: Cut | undefined, b: Bounds, res: number): Uint8Array {
  check(tree.numFeatures === 2, 'tree', 'a tree on 2 features', tree.numFeatures);
  check(Number.isInteger(res) && res >= 2 && res <= 1024, 'res', 'an integer in [2, 1024]', res);
  const out = new Uint8Array(res * res);
  const p = new Float32Array(2);
  for (let r = 0; r < res; r++) {
    p[1] = b.y1 - ((r + 0.5) / res) * (b.y1 - b.y0);
    for (let q = 0; q < res; q++) {
      p[0] = b.x0 + ((q + 0.5) / res) * (b.x1 - b.x0);
      out[r * res + q] = nodeClass(tree, leafOf(tree, p, 0, cut));
    }
  }
  return out;
}
