// CART: grows a tree the way scikit-learn's DecisionTreeClassifier / Regressor
// (splitter='best') do, so that its trees, and therefore its pruning paths, are
// the same: f32 features, midpoint thresholds, values closer than 1e-7 treated as
// equal, strict-improvement ties (first feature, first threshold wins), depth-first
// preorder ids, best-first growth for maxLeafNodes with the same heap discipline.
// What a node's value, impurity and split score are is a SplitRule: the class
// counts rule lives here, the regression rules in regress-criteria.ts; the growth
// (stopping rules, scans over presorted columns, partitioning, heap) is shared.
//
// Speed comes from presorting: each feature's row order is sorted once, and every
// split partitions those orders stably, so no node sorts again. A feature found
// constant in a node is dropped for its whole subtree (as scikit-learn does).
import { PruneLabError, check } from '../errors.js';
import type { Rng } from '../rng.js';
import { checkFeatureRows, checkLabels, checkTreeData } from './data.js';
import { resolveTreeParams, type ResolvedTreeParams, type TreeParams } from './params.js';
import type { Criterion, DecisionTree, FeatureRows, TreeData, TreeTask } from './tree.js';

/** Values closer than this are one value (scikit-learn's FEATURE_THRESHOLD). */
export const FEATURE_THRESHOLD = 1e-7;
/** Impurities and improvements within this of zero count as zero (double epsilon). */
const EPSILON = 2.220446049250313e-16;

/** The data transposed to columns and each column's row order, sorted once. */
export interface Presorted {
  readonly data: FeatureRows;
  /** Column-major features: xCol[f·n + i]. */
  readonly xCol: Float32Array;
  /** order[f·n + k] = row with the k-th smallest value of feature f. */
  readonly order: Int32Array;
  /** Features that are not constant over all rows. */
  readonly varying: Int32Array;
}

/** Validates the features and sorts every column once (targets are not looked at). */
export function presort(data: FeatureRows): Presorted {
  checkFeatureRows(data);
  const { n, numFeatures: d, x } = data;
  const xCol = new Float32Array(n * d);
  for (let i = 0; i < n; i++) for (let f = 0; f < d; f++) xCol[f * n + i] = x[i * d + f]!;
  const order = new Int32Array(n * d);
  const varying: number[] = [];
  const u32 = new Uint32Array(xCol.buffer);
  const sorter = new RadixSorter(n);
  for (let f = 0; f < d; f++) {
    const off = f * n;
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < n; i++) {
      const v = xCol[off + i]!;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    if (hi <= lo + FEATURE_THRESHOLD) {
      for (let i = 0; i < n; i++) order[off + i] = i;
      continue;
    }
    varying.push(f);
    sorter.sort(u32, off, order);
  }
  return { data, xCol, order, varying: Int32Array.from(varying) };
}

/**
 * Stable LSD radix sort of f32 values by their bits (made order-preserving as u32:
 * negatives flipped, positives offset), four 8-bit passes, skipping a pass where
 * every key has the same byte. Linear time, so presorting 784 columns is cheap.
 */
class RadixSorter {
  private readonly keys: Uint32Array;
  private readonly keys2: Uint32Array;
  private readonly idx: Int32Array;
  private readonly idx2: Int32Array;
  private readonly hist = new Int32Array(256);

  constructor(private readonly n: number) {
    this.keys = new Uint32Array(n);
    this.keys2 = new Uint32Array(n);
    this.idx = new Int32Array(n);
    this.idx2 = new Int32Array(n);
  }

  /** Writes into out[off, off+n) the rows ordered by the f32 bits bits[off + row]. */
  sort(bits: Uint32Array, off: number, out: Int32Array): void {
    const { n, hist } = this;
    let keys = this.keys;
    let keys2 = this.keys2;
    let idx = this.idx;
    let idx2 = this.idx2;
    for (let i = 0; i < n; i++) {
      const b = bits[off + i]!;
      keys[i] = b & 0x80000000 ? ~b >>> 0 : (b | 0x80000000) >>> 0;
      idx[i] = i;
    }
    for (let shift = 0; shift < 32; shift += 8) {
      hist.fill(0);
      for (let i = 0; i < n; i++) hist[(keys[i]! >>> shift) & 255]++;
      if (hist[(keys[0]! >>> shift) & 255] === n) continue;
      let sum = 0;
      for (let k = 0; k < 256; k++) {
        const h = hist[k]!;
        hist[k] = sum;
        sum += h;
      }
      for (let i = 0; i < n; i++) {
        const key = keys[i]!;
        const at = hist[(key >>> shift) & 255]++;
        keys2[at] = key;
        idx2[at] = idx[i]!;
      }
      [keys, keys2] = [keys2, keys];
      [idx, idx2] = [idx2, idx];
    }
    out.set(idx, off);
  }
}

export interface FitOptions {
  /** One weight ≥ 0 per row; rows of weight 0 are left out entirely (as in scikit-learn). */
  sampleWeight?: ArrayLike<number>;
  /** Draws the features tried at each split when maxFeatures is set. */
  rng?: Rng;
  /**
   * Reuse a presort of the same features (forests fit many trees on one presort;
   * boosting fits every stage's targets on one): presorted.data.x must be data.x.
   */
  presorted?: Presorted;
}

/**
 * What growth needs from a criterion. A rule is stateful: node() starts a node
 * (rows samples[start, end)) and the scan and improvement calls that follow are
 * about that node.
 */
export interface SplitRule {
  /** Entries of DecisionTree.value per node. */
  readonly width: number;
  /**
   * Pushes the node's value (width numbers) onto `value` and returns its impurity.
   * `inherited` is the impurity the parent's split computed for this child (NaN at
   * the root); a rule may keep it, as scikit-learn does for regression.
   */
  node(samples: Int32Array, start: number, end: number, w: Float64Array, weight: number, value: number[], inherited: number): number;
  /**
   * Scores every boundary between distinct values of one feature's sorted rows
   * order[base+start .. base+end) (values vals[…]) by the criterion's proxy; writes a
   * better one than best[0] into best = [proxy, pos, threshold] and returns whether it did.
   */
  scan(order: Int32Array, vals: Float32Array, base: number, start: number, end: number, w: Float64Array, weight: number, minLeaf: number, best: Float64Array): boolean;
  /**
   * The improvement of the split at `pos` (rows order[base+start .. base+pos) go left),
   * used by minImpurityDecrease and best-first growth; sets impurityLeft/Right.
   */
  improvement(order: Int32Array, base: number, start: number, pos: number, end: number, w: Float64Array, weight: number, impurity: number, totalWeight: number): number;
  readonly impurityLeft: number;
  readonly impurityRight: number;
}

/** Grows a classification tree on `data`. Every parameter and every row is validated first. */
export function fitTree(data: TreeData, params: TreeParams = {}, options: FitOptions = {}): DecisionTree {
  const p = resolveTreeParams(params, data.numFeatures);
  if (options.presorted) checkLabels(data);
  else checkTreeData(data);
  return growTree(data, p, options, new ClassRule(data.y, data.numClasses, p.criterion as Criterion), 'classification');
}

/**
 * The shared part of fitting: sample weights, the presort, the grower. `p` was
 * resolved and the targets checked by the caller (fitTree, fitRegressor); the
 * features are checked here (by presort) unless a presort is given.
 */
export function growTree(data: FeatureRows, p: ResolvedTreeParams, options: FitOptions, rule: SplitRule, task: TreeTask): DecisionTree {
  if (options.presorted) {
    const pre = options.presorted;
    check(pre.data.x === data.x && pre.data.n === data.n && pre.data.numFeatures === data.numFeatures, 'options.presorted', 'the presort of these same features (data.x)');
  }
  const w = new Float64Array(data.n);
  if (options.sampleWeight === undefined) {
    w.fill(1);
  } else {
    const sw = options.sampleWeight;
    check(sw.length === data.n, 'sampleWeight', `one weight per row (${data.n})`, sw.length);
    let total = 0;
    for (let i = 0; i < data.n; i++) {
      const v = sw[i]!;
      check(Number.isFinite(v) && v >= 0, `sampleWeight[${i}]`, 'a finite number ≥ 0', v);
      w[i] = v;
      total += v;
    }
    check(total > 0, 'sampleWeight', 'weights with a positive sum');
  }
  if (p.maxFeatures !== null && p.maxFeatures < data.numFeatures) {
    check(options.rng !== undefined, 'options.rng', 'an Rng when maxFeatures is below the number of features');
  }
  const pre = options.presorted ?? presort(data);
  return new Grower(pre, p, w, options.rng, rule, task).grow();
}

interface Pending {
  id: number;
  start: number;
  end: number;
  depth: number;
  /** Split position (first row of the right child), or -1 for a leaf. */
  pos: number;
  improvement: number;
  childActive: Int32Array;
  impurityLeft: number;
  impurityRight: number;
}

class Grower {
  private readonly n: number;
  private readonly m: number;
  private readonly d: number;
  private readonly xCol: Float32Array;
  private readonly w: Float64Array;
  private readonly order: Int32Array;
  /** vals[q] = the feature value of row order[q]: scans read values in sequence, not scattered. */
  private readonly vals: Float32Array;
  private readonly samples: Int32Array;
  private readonly goesLeft: Uint8Array;
  private readonly scratch: Int32Array;
  private readonly scratchVals: Float32Array;
  private readonly isConstant: Uint8Array;
  /** A scan's best so far: proxy, position, threshold. */
  private readonly best = new Float64Array(3);
  private readonly totalWeight: number;
  private readonly rootActive: Int32Array;

  // Nodes as they are made (converted to typed arrays at the end).
  private readonly left: number[] = [];
  private readonly right: number[] = [];
  private readonly parent: number[] = [];
  private readonly feature: number[] = [];
  private readonly threshold: number[] = [];
  private readonly impurity: number[] = [];
  private readonly nSamples: number[] = [];
  private readonly weighted: number[] = [];
  private readonly value: number[] = [];
  private readonly depth: number[] = [];

  constructor(
    pre: Presorted,
    private readonly p: ResolvedTreeParams,
    w: Float64Array,
    private readonly rng: Rng | undefined,
    private readonly rule: SplitRule,
    private readonly task: TreeTask,
  ) {
    const { data } = pre;
    this.n = data.n;
    this.d = data.numFeatures;
    this.xCol = pre.xCol;
    this.w = w;
    let m = 0;
    let total = 0;
    for (let i = 0; i < this.n; i++) {
      if (w[i]! > 0) {
        m++;
        total += w[i]!;
      }
    }
    this.m = m;
    this.totalWeight = total;
    // Working orders hold only the rows in play (weight > 0), still sorted.
    this.rootActive = pre.varying;
    this.order = new Int32Array(this.d * m);
    this.vals = new Float32Array(this.d * m);
    for (const f of pre.varying) {
      let k = f * m;
      for (let q = f * this.n; q < (f + 1) * this.n; q++) {
        const i = pre.order[q]!;
        if (w[i]! > 0) {
          this.order[k] = i;
          this.vals[k++] = this.xCol[f * this.n + i]!;
        }
      }
    }
    this.samples = new Int32Array(m);
    for (let i = 0, k = 0; i < this.n; i++) if (w[i]! > 0) this.samples[k++] = i;
    this.goesLeft = new Uint8Array(this.n);
    this.scratch = new Int32Array(m);
    this.scratchVals = new Float32Array(m);
    this.isConstant = new Uint8Array(this.d);
  }

  grow(): DecisionTree {
    if (this.p.maxLeafNodes === null) this.growDepthFirst();
    else this.growBestFirst(this.p.maxLeafNodes);
    const count = this.left.length;
    return {
      task: this.task,
      numFeatures: this.d,
      numClasses: this.rule.width,
      criterion: this.p.criterion,
      nodeCount: count,
      left: Int32Array.from(this.left),
      right: Int32Array.from(this.right),
      parent: Int32Array.from(this.parent),
      feature: Int32Array.from(this.feature),
      threshold: Float64Array.from(this.threshold),
      impurity: Float64Array.from(this.impurity),
      nSamples: Int32Array.from(this.nSamples),
      weightedNSamples: Float64Array.from(this.weighted),
      value: Float64Array.from(this.value),
      depth: Int32Array.from(this.depth),
    };
  }

  private growDepthFirst(): void {
    interface Job { start: number; end: number; depth: number; parent: number; isLeft: boolean; active: Int32Array; impurity: number }
    const stack: Job[] = [{ start: 0, end: this.m, depth: 0, parent: -1, isLeft: false, active: this.rootActive, impurity: NaN }];
    while (stack.length > 0) {
      const j = stack.pop()!;
      const node = this.makeNode(j.start, j.end, j.depth, j.parent, j.isLeft, j.active, j.impurity);
      if (node.pos >= 0) {
        stack.push({ start: node.pos, end: j.end, depth: j.depth + 1, parent: node.id, isLeft: false, active: node.childActive, impurity: node.impurityRight });
        stack.push({ start: j.start, end: node.pos, depth: j.depth + 1, parent: node.id, isLeft: true, active: node.childActive, impurity: node.impurityLeft });
      }
    }
  }

  private growBestFirst(maxLeafNodes: number): void {
    const heap: Pending[] = [];
    heapPush(heap, this.makeNode(0, this.m, 0, -1, false, this.rootActive, NaN));
    let splitsLeft = maxLeafNodes - 1;
    while (heap.length > 0) {
      const r = heapPop(heap);
      if (r.pos < 0 || splitsLeft <= 0) {
        this.setLeaf(r.id);
        continue;
      }
      splitsLeft--;
      heapPush(heap, this.makeNode(r.start, r.pos, r.depth + 1, r.id, true, r.childActive, r.impurityLeft));
      heapPush(heap, this.makeNode(r.pos, r.end, r.depth + 1, r.id, false, r.childActive, r.impurityRight));
    }
  }

  private setLeaf(id: number): void {
    this.left[id] = -1;
    this.right[id] = -1;
    this.feature[id] = -1;
    this.threshold[id] = -2;
  }

  /** Adds the node for rows [start, end), finds its split and partitions it; pos = -1 if it stays a leaf. */
  private makeNode(start: number, end: number, depth: number, parent: number, isLeft: boolean, active: Int32Array, inherited: number): Pending {
    const { p, rule } = this;
    const id = this.left.length;
    if (parent >= 0) {
      if (isLeft) this.left[parent] = id;
      else this.right[parent] = id;
    }
    let weight = 0;
    for (let k = start; k < end; k++) weight += this.w[this.samples[k]!]!;
    const nodeImpurity = rule.node(this.samples, start, end, this.w, weight, this.value, inherited);
    this.left.push(-1);
    this.right.push(-1);
    this.parent.push(parent);
    this.feature.push(-1);
    this.threshold.push(-2);
    this.impurity.push(nodeImpurity);
    this.nSamples.push(end - start);
    this.weighted.push(weight);
    this.depth.push(depth);

    const leaf: Pending = { id, start, end, depth, pos: -1, improvement: 0, childActive: active, impurityLeft: 0, impurityRight: 0 };
    const n = end - start;
    if (depth >= p.maxDepth || n < p.minSamplesSplit || n < 2 * p.minSamplesLeaf || nodeImpurity <= EPSILON) return leaf;

    const split = this.findSplit(start, end, active, weight);
    if (split.pos < 0) {
      this.clearConstants(active);
      return leaf;
    }
    const improvement = rule.improvement(this.order, split.feature * this.m, start, split.pos, end, this.w, weight, nodeImpurity, this.totalWeight);
    if (improvement + EPSILON < p.minImpurityDecrease) {
      this.clearConstants(active);
      return leaf;
    }
    this.feature[id] = split.feature;
    this.threshold[id] = split.threshold;
    const { impurityLeft, impurityRight } = rule;
    const childActive = this.partition(start, end, split.feature, split.pos, active);
    return { id, start, end, depth, pos: split.pos, improvement, childActive, impurityLeft, impurityRight };
  }

  private clearConstants(active: Int32Array): void {
    for (const f of active) this.isConstant[f] = 0;
  }

  /** The best (feature, boundary) by scikit-learn's proxy improvement; pos = -1 if none is allowed. */
  private findSplit(start: number, end: number, active: Int32Array, weight: number): { feature: number; pos: number; threshold: number } {
    const { m, p, vals, w, order, rule } = this;
    const minLeaf = p.minSamplesLeaf;
    const best = this.best;
    let bestProxy = -Infinity;
    let bestFeature = -1;
    let bestPos = -1;
    let bestThreshold = 0;

    const limit = p.maxFeatures === null ? active.length : Math.min(p.maxFeatures, active.length);
    const cand = limit < active.length ? Int32Array.from(active) : active;
    let visited = 0;
    for (let a = 0; a < cand.length && visited < limit; a++) {
      if (cand !== active) {
        const j = a + this.rng!.int(cand.length - a);
        const t = cand[a]!;
        cand[a] = cand[j]!;
        cand[j] = t;
      }
      const f = cand[a]!;
      const base = f * m;
      if (vals[base + end - 1]! <= vals[base + start]! + FEATURE_THRESHOLD) {
        this.isConstant[f] = 1;
        continue;
      }
      visited++;
      best[0] = bestProxy;
      if (rule.scan(order, vals, base, start, end, w, weight, minLeaf, best)) {
        bestProxy = best[0]!;
        bestFeature = f;
        bestPos = best[1]!;
        bestThreshold = best[2]!;
      }
    }
    return { feature: bestFeature, pos: bestPos, threshold: bestThreshold };
  }

  /** Stable partition of every active order (and the sample list) into left | right. */
  private partition(start: number, end: number, splitFeature: number, pos: number, active: Int32Array): Int32Array {
    const { m, order, vals, goesLeft, scratch, scratchVals } = this;
    const base = splitFeature * m;
    for (let k = start; k < pos; k++) goesLeft[order[base + k]!] = 1;
    for (let k = pos; k < end; k++) goesLeft[order[base + k]!] = 0;
    stablePartition(this.samples, null, start, end, goesLeft, scratch, scratchVals);
    let kept = 0;
    for (const f of active) if (this.isConstant[f] === 0) kept++;
    const childActive = kept === active.length ? active : new Int32Array(kept);
    let j = 0;
    for (const f of active) {
      if (this.isConstant[f] === 1) {
        this.isConstant[f] = 0;
        continue;
      }
      if (childActive !== active) childActive[j++] = f;
      if (f !== splitFeature) stablePartition(order, vals, f * m + start, f * m + end, goesLeft, scratch, scratchVals);
    }
    return childActive;
  }
}

/** Classification: weighted class counts, Gini or entropy (bits). */
class ClassRule implements SplitRule {
  private readonly counts: Float64Array;
  private readonly cntL: Float64Array;
  private readonly cntR: Float64Array;
  private sqTotal = 0;
  impurityLeft = 0;
  impurityRight = 0;

  constructor(private readonly y: Int32Array, readonly width: number, private readonly criterion: Criterion) {
    this.counts = new Float64Array(width);
    this.cntL = new Float64Array(width);
    this.cntR = new Float64Array(width);
  }

  node(samples: Int32Array, start: number, end: number, w: Float64Array, weight: number, value: number[]): number {
    const { counts, width: c, y } = this;
    counts.fill(0);
    for (let k = start; k < end; k++) {
      const i = samples[k]!;
      counts[y[i]!] += w[i]!;
    }
    let sq = 0;
    for (let k = 0; k < c; k++) {
      sq += counts[k]! * counts[k]!;
      value.push(counts[k]!);
    }
    this.sqTotal = sq;
    return impurityOf(this.criterion, counts, 0, c, weight);
  }

  scan(order: Int32Array, vals: Float32Array, base: number, start: number, end: number, w: Float64Array, weight: number, minLeaf: number, best: Float64Array): boolean {
    const { y, counts, cntL, cntR, width: c } = this;
    return this.criterion === 'gini'
      ? scanGini(order, vals, base, start, end, y, w, counts, cntL, cntR, c, weight, this.sqTotal, minLeaf, best)
      : scanEntropy(order, vals, base, start, end, y, w, counts, cntL, cntR, c, weight, minLeaf, best);
  }

  improvement(order: Int32Array, base: number, start: number, pos: number, _end: number, w: Float64Array, weight: number, impurity: number, totalWeight: number): number {
    const { y, counts, cntL, cntR, width: c } = this;
    cntL.fill(0);
    let wL = 0;
    for (let k = start; k < pos; k++) {
      const i = order[base + k]!;
      cntL[y[i]!] += w[i]!;
      wL += w[i]!;
    }
    for (let k = 0; k < c; k++) cntR[k] = counts[k]! - cntL[k]!;
    this.impurityLeft = impurityOf(this.criterion, cntL, 0, c, wL);
    this.impurityRight = impurityOf(this.criterion, cntR, 0, c, weight - wL);
    return weightedDecrease(weight, wL, impurity, this.impurityLeft, this.impurityRight, totalWeight);
  }
}

/**
 * scikit-learn's Criterion.impurity_improvement: N_t/N · (impurity − N_tR/N_t · impurity_R
 * − N_tL/N_t · impurity_L), weights in place of counts.
 */
export function weightedDecrease(weight: number, wL: number, impurity: number, impL: number, impR: number, totalWeight: number): number {
  const wR = weight - wL;
  return (weight / totalWeight) * (impurity - (wR / weight) * impR - (wL / weight) * impL);
}

/** Moves the rows of arr[from, to) that go left to the front, keeping order on both sides; vals move along. */
function stablePartition(
  arr: Int32Array, vals: Float32Array | null, from: number, to: number,
  goesLeft: Uint8Array, scratch: Int32Array, scratchVals: Float32Array,
): void {
  let wl = from;
  let wr = 0;
  if (vals === null) {
    for (let q = from; q < to; q++) {
      const i = arr[q]!;
      if (goesLeft[i] === 1) arr[wl++] = i;
      else scratch[wr++] = i;
    }
  } else {
    for (let q = from; q < to; q++) {
      const i = arr[q]!;
      if (goesLeft[i] === 1) {
        vals[wl] = vals[q]!;
        arr[wl++] = i;
      } else {
        scratchVals[wr] = vals[q]!;
        scratch[wr++] = i;
      }
    }
    for (let k = 0; k < wr; k++) vals[wl + k] = scratchVals[k]!;
  }
  for (let k = 0; k < wr; k++) arr[wl + k] = scratch[k]!;
}

// The two scans below are the hot loops of growing: one pass over a feature's
// sorted rows in a node, moving one row at a time from the right child to the left,
// scoring every boundary between distinct values by scikit-learn's proxy
// −(W_R·impurity_R + W_L·impurity_L). They are free functions on typed arrays so
// the JIT keeps them monomorphic. They write a better boundary into best
// [proxy, pos, threshold] and return whether they found one.

function scanGini(
  order: Int32Array, vals: Float32Array, base: number, start: number, end: number,
  y: Int32Array, w: Float64Array, counts: Float64Array, cntL: Float64Array, cntR: Float64Array, c: number,
  weight: number, sqTotal: number, minLeaf: number, best: Float64Array,
): boolean {
  let found = false;
  for (let k = 0; k < c; k++) {
    cntL[k] = 0;
    cntR[k] = counts[k]!;
  }
  // Σ counts² per side, updated incrementally (exact for integer weights).
  let sqL = 0;
  let sqR = sqTotal;
  let wL = 0;
  let xi = vals[base + start]!;
  for (let q = base + start; q < base + end - 1; q++) {
    const i = order[q]!;
    const k = y[i]!;
    const wi = w[i]!;
    const a0 = cntL[k]!;
    const b0 = cntR[k]!;
    cntL[k] = a0 + wi;
    cntR[k] = b0 - wi;
    sqL += wi * (a0 + a0 + wi);
    sqR -= wi * (b0 + b0 - wi);
    wL += wi;
    const xn = vals[q + 1]!;
    if (xn > xi + FEATURE_THRESHOLD) {
      const pos = q + 1 - base;
      if (pos - start >= minLeaf && end - pos >= minLeaf) {
        const wR = weight - wL;
        const proxy = -wR * (1 - sqR / (wR * wR)) - wL * (1 - sqL / (wL * wL));
        if (proxy > best[0]!) found = recordBest(best, proxy, pos, xi, xn);
      }
    }
    xi = xn;
  }
  return found;
}

function scanEntropy(
  order: Int32Array, vals: Float32Array, base: number, start: number, end: number,
  y: Int32Array, w: Float64Array, counts: Float64Array, cntL: Float64Array, cntR: Float64Array, c: number,
  weight: number, minLeaf: number, best: Float64Array,
): boolean {
  let found = false;
  for (let k = 0; k < c; k++) {
    cntL[k] = 0;
    cntR[k] = counts[k]!;
  }
  let wL = 0;
  let xi = vals[base + start]!;
  for (let q = base + start; q < base + end - 1; q++) {
    const i = order[q]!;
    const k = y[i]!;
    const wi = w[i]!;
    cntL[k] += wi;
    cntR[k] -= wi;
    wL += wi;
    const xn = vals[q + 1]!;
    if (xn > xi + FEATURE_THRESHOLD) {
      const pos = q + 1 - base;
      if (pos - start >= minLeaf && end - pos >= minLeaf) {
        const wR = weight - wL;
        const proxy = -wR * entropyOf(cntR, 0, c, wR) - wL * entropyOf(cntL, 0, c, wL);
        if (proxy > best[0]!) found = recordBest(best, proxy, pos, xi, xn);
      }
    }
    xi = xn;
  }
  return found;
}

/** Writes a better boundary into best = [proxy, pos, threshold between values lo and hi]; returns true. */
export function recordBest(best: Float64Array, proxy: number, pos: number, lo: number, hi: number): boolean {
  best[0] = proxy;
  best[1] = pos;
  best[2] = midpoint(lo, hi);
  return true;
}

/** scikit-learn's threshold: the sum of halves (no overflow), or the lower value if that rounds up to the upper. */
function midpoint(lo: number, hi: number): number {
  const t = lo / 2 + hi / 2;
  return t === hi || !Number.isFinite(t) ? lo : t;
}

/** Impurity of weighted class counts counts[off .. off+c) with total `w`. */
export function impurityOf(criterion: Criterion, counts: ArrayLike<number>, off: number, c: number, w: number): number {
  if (criterion === 'entropy') return entropyOf(counts, off, c, w);
  let sq = 0;
  for (let k = 0; k < c; k++) sq += counts[off + k]! * counts[off + k]!;
  return 1 - sq / (w * w);
}

function entropyOf(counts: ArrayLike<number>, off: number, c: number, w: number): number {
  let e = 0;
  for (let k = 0; k < c; k++) {
    const v = counts[off + k]!;
    if (v > 0) {
      const q = v / w;
      // ln(q)/ln(2) rather than log2, the same operations scikit-learn performs.
      e -= q * (Math.log(q) / Math.LN2);
    }
  }
  return e;
}

// The frontier of best-first growth is a binary max-heap on improvement with the
// sift rules of C++'s std::push_heap/pop_heap, which scikit-learn uses, so nodes
// of equal improvement leave it in the same order.
function heapPush(h: Pending[], v: Pending): void {
  h.push(v);
  siftUp(h, h.length - 1, 0, v);
}

function siftUp(h: Pending[], hole: number, top: number, v: Pending): void {
  let parent = (hole - 1) >> 1;
  while (hole > top && h[parent]!.improvement < v.improvement) {
    h[hole] = h[parent]!;
    hole = parent;
    parent = (hole - 1) >> 1;
  }
  h[hole] = v;
}

function heapPop(h: Pending[]): Pending {
  const len = h.length;
  if (len === 0) throw new PruneLabError('invalid-argument', 'heap is empty');
  const top = h[0]!;
  if (len > 1) {
    const v = h[len - 1]!;
    h[len - 1] = top;
    const n = len - 1;
    let hole = 0;
    let child = 0;
    while (child < (n - 1) >> 1) {
      child = 2 * (child + 1);
      if (h[child]!.improvement < h[child - 1]!.improvement) child--;
      h[hole] = h[child]!;
      hole = child;
    }
    if ((n & 1) === 0 && child === (n - 2) >> 1) {
      child = 2 * (child + 1);
      h[hole] = h[child - 1]!;
      hole = child - 1;
    }
    siftUp(h, hole, 0, v);
  }
  h.pop();
  return top;
}
