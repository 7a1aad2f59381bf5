// One XGBoost-style tree grown from gradient/hessian statistics, as xgboost 1.7's
// `exact` tree method does (updater_colmaker.cc, then updater_prune.cc):
// - depthwise: every node of a level is split at once, by one backward scan of each
//   presorted feature column (the order of xgboost's sorted CSC page), best split by
//   loss_chg = gain(L) + gain(R) − gain(node), gain = ThresholdL1(G, α)² / (H + λ);
//   a split is kept while growing when loss_chg > 1e-6 and both sides have
//   H ≥ min_child_weight; thresholds are midpoints in f32, x < threshold goes left;
// - lossguide (an extension: colmaker ignores grow_policy): the leaf with the largest
//   loss_chg is split first, up to maxLeaves;
// - then the prune pass: bottom-up, a split whose children are both leaves is
//   removed when its loss_chg < gamma (min_split_loss), repeatedly. The grown tree is
//   kept and the removed splits are marked in `cut`, so they can be shown greyed.
// Note xgboost compares gamma with Σ G²/(H+λ) differences *without* the ½ of the
// paper's formula; so do we (`gain` here is that unhalved loss_chg).
// Arithmetic follows xgboost's types: gradient pairs f32, their sums f64 (GradStats),
// weights, gains, loss_chg, thresholds and leaf values f32 (Math.fround).
import { check } from '../../errors.js';

const f32 = Math.fround;
/** xgboost's kRtEps: a split must reduce the loss by more than this to be grown. */
const RT_EPS = f32(1e-6);

export interface XgbTreeParams {
  /** Deepest a split node may be + 1 (root = depth 0); 0 = unlimited (lossguide only). */
  maxDepth: number;
  minChildWeight: number;
  lambda: number;
  alpha: number;
  gamma: number;
  /** 0 = no clipping of leaf weights. */
  maxDeltaStep: number;
  eta: number;
  growPolicy: 'depthwise' | 'lossguide';
  /** 0 = unlimited (lossguide only). */
  maxLeaves: number;
}

/** Struct-of-arrays tree; node ids in xgboost's order (children appended pairwise as nodes are expanded). */
export interface XgbTree {
  readonly numFeatures: number;
  readonly nodeCount: number;
  /** -1 at grown leaves. */
  readonly left: Int32Array;
  readonly right: Int32Array;
  readonly parent: Int32Array;
  /** -1 at grown leaves. A row goes left when x[feature] < threshold. */
  readonly feature: Int32Array;
  readonly threshold: Float32Array;
  /** eta × weight (f32): the leaf value, or what an internal node predicts once cut. */
  readonly value: Float32Array;
  /** The node's weight −ThresholdL1(G, α)/(H + λ) before eta (xgboost's base_weight). */
  readonly weight: Float32Array;
  /** loss_chg of the node's split (0 at grown leaves). */
  readonly gain: Float32Array;
  /** Why a grown leaf was not split (pre-pruning); STOP.split at split nodes. */
  readonly stop: Uint8Array;
  readonly sumGrad: Float64Array;
  readonly sumHess: Float64Array;
  readonly nSamples: Int32Array;
  readonly depth: Int32Array;
  /** cut[node] = 1: the node is a leaf of the final tree because gamma pruning removed its split. */
  readonly cut: Uint8Array;
}

/** Stop reasons of grown leaves. */
export const STOP = {
  split: 0,
  /** At maxDepth: not searched. */
  maxDepth: 1,
  /** Had a split with loss_chg > 1e-6, but lossguide reached maxLeaves first. */
  maxLeaves: 2,
  /** No split with loss_chg > 1e-6 whose both sides reach min_child_weight. */
  noSplit: 3,
} as const;

/** What the grower reads: rows of f32 features and each feature's rows in ascending order. */
export interface XgbColumns {
  x: Float32Array;
  n: number;
  numFeatures: number;
  /** order[f * n + k]: the row with the k-th smallest value of feature f (ties by row index). */
  order: Int32Array;
}

export function sortColumns(x: Float32Array, n: number, d: number): XgbColumns {
  const order = new Int32Array(n * d);
  const idx = new Int32Array(n);
  for (let f = 0; f < d; f++) {
    for (let i = 0; i < n; i++) idx[i] = i;
    idx.sort((a, b) => x[a * d + f]! - x[b * d + f]! || a - b);
    order.set(idx, f * n);
  }
  return { x, n, numFeatures: d, order };
}

function thresholdL1(w: number, alpha: number): number {
  if (w > alpha) return w - alpha;
  if (w < -alpha) return w + alpha;
  return 0;
}

/** CalcWeight of param.h (in f64), then stored as f32 as TreeEvaluator does. */
export function xgbWeight(p: XgbTreeParams, g: number, h: number): number {
  if (h < p.minChildWeight || h <= 0) return 0;
  let dw = -thresholdL1(g, p.alpha) / (h + p.lambda);
  if (p.maxDeltaStep !== 0 && Math.abs(dw) > p.maxDeltaStep) dw = Math.sign(dw) * p.maxDeltaStep;
  return f32(dw);
}

/** TreeEvaluator::CalcGainGivenWeight (f32), the gain of one side of a split or of a node. */
export function xgbGain(p: XgbTreeParams, g: number, h: number, w: number): number {
  if (h <= 0) return 0;
  if (p.maxDeltaStep === 0) return f32(f32(thresholdL1(g, p.alpha) ** 2) / f32(h + p.lambda));
  const gf = f32(g);
  const hf = f32(h);
  return f32(-f32(f32(f32(2 * gf) * w) + f32(f32(hf + p.lambda) * f32(w * w))));
}

function splitGain(p: XgbTreeParams, gl: number, hl: number, gr: number, hr: number): number {
  // Without maxDeltaStep the gain does not read the weight (skipped: this is the inner loop).
  if (p.maxDeltaStep === 0) return f32(xgbGain(p, gl, hl, 0) + xgbGain(p, gr, hr, 0));
  return f32(xgbGain(p, gl, hl, xgbWeight(p, gl, hl)) + xgbGain(p, gr, hr, xgbWeight(p, gr, hr)));
}

interface Best {
  loss: number;
  feature: number;
  value: number;
  gl: number;
  hl: number;
}

/** SplitEntry::NeedReplace: a higher loss_chg, or an equal one on a lower feature index. */
function better(b: Best, loss: number, feature: number): boolean {
  if (!Number.isFinite(loss) && !Number.isNaN(loss)) return false;
  return b.feature <= feature ? loss > b.loss : !(b.loss > loss);
}

class Builder {
  left: number[] = [];
  right: number[] = [];
  parent: number[] = [];
  feature: number[] = [];
  threshold: number[] = [];
  weight: number[] = [];
  gain: number[] = [];
  sumGrad: number[] = [];
  sumHess: number[] = [];
  rootGain: number[] = [];
  nSamples: number[] = [];
  depth: number[] = [];
  best: Best[] = [];
  /** findSplits ran on the node. */
  searched: boolean[] = [];
  /** Node of every row (-1: not in the sample). */
  pos: Int32Array;

  constructor(
    readonly cols: XgbColumns, readonly grad: Float32Array, readonly hess: Float32Array,
    readonly p: XgbTreeParams, inBag: Uint8Array | undefined,
  ) {
    this.pos = new Int32Array(cols.n);
    if (inBag) for (let i = 0; i < cols.n; i++) this.pos[i] = inBag[i] ? 0 : -1;
    this.addNode(-1, 0);
  }

  addNode(parent: number, depth: number): number {
    this.left.push(-1);
    this.right.push(-1);
    this.parent.push(parent);
    this.feature.push(-1);
    this.threshold.push(0);
    this.weight.push(0);
    this.gain.push(0);
    this.sumGrad.push(0);
    this.sumHess.push(0);
    this.rootGain.push(0);
    this.nSamples.push(0);
    this.depth.push(depth);
    this.best.push({ loss: 0, feature: 0, value: 0, gl: 0, hl: 0 });
    this.searched.push(false);
    return this.left.length - 1;
  }

  /** Slot of each node in `nodes` (-1 for the others). */
  slots(nodes: readonly number[]): Int32Array {
    const slot = new Int32Array(this.left.length).fill(-1);
    nodes.forEach((v, k) => (slot[v] = k));
    return slot;
  }

  /** InitNewNode: stats summed in row order, then weight and gain without a split. */
  initNodes(nodes: readonly number[]): void {
    const slot = this.slots(nodes);
    for (const v of nodes) {
      this.sumGrad[v] = 0;
      this.sumHess[v] = 0;
      this.nSamples[v] = 0;
    }
    for (let i = 0; i < this.cols.n; i++) {
      const v = this.pos[i]!;
      if (v < 0 || slot[v]! < 0) continue;
      this.sumGrad[v] += this.grad[i]!;
      this.sumHess[v] += this.hess[i]!;
      this.nSamples[v]!++;
    }
    for (const v of nodes) {
      const w = xgbWeight(this.p, this.sumGrad[v]!, this.sumHess[v]!);
      this.weight[v] = w;
      this.rootGain[v] = xgbGain(this.p, this.sumGrad[v]!, this.sumHess[v]!, w);
    }
  }

  /** The best split of each node in `nodes`: one backward scan per feature column, as colmaker with dense columns. */
  findSplits(nodes: readonly number[]): void {
    const { n, numFeatures: d, order, x } = this.cols;
    const p = this.p;
    const mcw = p.minChildWeight;
    const active = this.slots(nodes);
    for (const v of nodes) this.searched[v] = true;
    const m = nodes.length;
    const eg = new Float64Array(m);
    const eh = new Float64Array(m);
    const last = new Float32Array(m);
    for (let f = 0; f < d; f++) {
      eg.fill(0);
      eh.fill(0);
      const col = order.subarray(f * n, (f + 1) * n);
      for (let k = n - 1; k >= 0; k--) {
        const r = col[k]!;
        const at = this.pos[r]!;
        if (at < 0) continue;
        const slot = active[at]!;
        if (slot < 0) continue;
        const v = nodes[slot]!;
        const fv = x[r * d + f]!;
        if (eh[slot] === 0) {
          eg[slot] += this.grad[r]!;
          eh[slot] += this.hess[r]!;
          last[slot] = fv;
          continue;
        }
        if (fv !== last[slot] && eh[slot]! >= mcw) {
          const gl = this.sumGrad[v]! - eg[slot]!;
          const hl = this.sumHess[v]! - eh[slot]!;
          if (hl >= mcw) {
            const loss = f32(splitGain(p, gl, hl, eg[slot]!, eh[slot]!) - this.rootGain[v]!);
            const mid = f32(f32(fv + last[slot]!) * 0.5);
            this.offer(v, loss, f, mid === fv ? last[slot]! : mid, gl, hl);
          }
        }
        eg[slot] += this.grad[r]!;
        eh[slot] += this.hess[r]!;
        last[slot] = fv;
      }
      // The scan's last candidate: every row seen to the right (only possible at min_child_weight 0).
      for (let slot = 0; slot < m; slot++) {
        const v = nodes[slot]!;
        const gl = this.sumGrad[v]! - eg[slot]!;
        const hl = this.sumHess[v]! - eh[slot]!;
        if (eh[slot]! >= mcw && hl >= mcw) {
          const loss = f32(splitGain(p, gl, hl, eg[slot]!, eh[slot]!) - this.rootGain[v]!);
          this.offer(v, loss, f, f32(last[slot]! - f32(Math.abs(last[slot]!) + RT_EPS)), gl, hl);
        }
      }
    }
  }

  offer(v: number, loss: number, feature: number, value: number, gl: number, hl: number): void {
    const b = this.best[v]!;
    if (!better(b, loss, feature)) return;
    b.loss = loss;
    b.feature = feature;
    b.value = value;
    b.gl = gl;
    b.hl = hl;
  }

  canSplit(v: number): boolean {
    return this.best[v]!.loss > RT_EPS;
  }

  /** ExpandNode: the node gets its split and two new children (route() then moves its rows). */
  expand(v: number): [number, number] {
    const b = this.best[v]!;
    const l = this.addNode(v, this.depth[v]! + 1);
    const r = this.addNode(v, this.depth[v]! + 1);
    this.left[v] = l;
    this.right[v] = r;
    this.feature[v] = b.feature;
    this.threshold[v] = b.value;
    this.gain[v] = b.loss;
    return [l, r];
  }

  /** ResetPosition: rows of the nodes just split move to the child their split sends them to. */
  route(split: readonly number[]): void {
    const { x, numFeatures: d, n } = this.cols;
    const moved = this.slots(split);
    for (let i = 0; i < n; i++) {
      const v = this.pos[i]!;
      if (v < 0 || moved[v]! < 0) continue;
      this.pos[i] = x[i * d + this.feature[v]!]! < this.threshold[v]! ? this.left[v]! : this.right[v]!;
    }
  }

  growDepthwise(): void {
    let queue = [0];
    this.initNodes(queue);
    for (let depth = 0; depth < this.p.maxDepth && queue.length > 0; depth++) {
      this.findSplits(queue);
      const next: number[] = [];
      const split = queue.filter((v) => this.canSplit(v));
      for (const v of split) next.push(...this.expand(v));
      this.route(split);
      this.initNodes(next);
      queue = next;
    }
  }

  /** Best-first: the open leaf with the highest loss_chg (ties: the lower node id) is split next. */
  growLossguide(): void {
    this.initNodes([0]);
    this.findSplits([0]);
    const open = [0];
    let leaves = 1;
    const limitDepth = this.p.maxDepth > 0 ? this.p.maxDepth : Infinity;
    const limitLeaves = this.p.maxLeaves > 0 ? this.p.maxLeaves : Infinity;
    while (open.length > 0 && leaves < limitLeaves) {
      let k = 0;
      for (let j = 1; j < open.length; j++) {
        if (this.best[open[j]!]!.loss > this.best[open[k]!]!.loss) k = j;
      }
      const v = open.splice(k, 1)[0]!;
      if (!this.canSplit(v) || this.depth[v]! >= limitDepth) continue;
      const kids = this.expand(v);
      this.route([v]);
      leaves++;
      this.initNodes(kids);
      if (this.depth[v]! + 1 < limitDepth) {
        this.findSplits(kids);
        open.push(...kids);
      }
    }
  }

  finish(): XgbTree {
    const m = this.left.length;
    const stop = new Uint8Array(m);
    const limitDepth = this.p.maxDepth > 0 ? this.p.maxDepth : Infinity;
    for (let v = 0; v < m; v++) {
      if (this.left[v] !== -1) continue;
      if (this.depth[v]! >= limitDepth) stop[v] = STOP.maxDepth;
      else stop[v] = this.searched[v] && this.canSplit(v) ? STOP.maxLeaves : STOP.noSplit;
    }
    const eta = this.p.eta;
    const tree: XgbTree = {
      numFeatures: this.cols.numFeatures,
      nodeCount: m,
      left: Int32Array.from(this.left),
      right: Int32Array.from(this.right),
      parent: Int32Array.from(this.parent),
      feature: Int32Array.from(this.feature),
      threshold: Float32Array.from(this.threshold),
      value: Float32Array.from(this.weight, (w) => f32(w * eta)),
      weight: Float32Array.from(this.weight),
      gain: Float32Array.from(this.gain),
      stop,
      sumGrad: Float64Array.from(this.sumGrad),
      sumHess: Float64Array.from(this.sumHess),
      nSamples: Int32Array.from(this.nSamples),
      depth: Int32Array.from(this.depth),
      cut: new Uint8Array(m),
    };
    gammaPrune(tree, this.p.gamma);
    return tree;
  }
}

/**
 * updater_prune.cc: bottom-up, a split whose two children are leaves (grown or cut)
 * and whose loss_chg < gamma becomes a leaf (cut = 1), repeatedly. Writes tree.cut;
 * returns the number of splits removed.
 */
export function gammaPrune(tree: XgbTree, gamma: number): number {
  const cut = tree.cut;
  cut.fill(0);
  let removed = 0;
  const isLeaf = (v: number): boolean => tree.left[v] === -1 || cut[v] === 1;
  // Postorder: children are decided before their parent.
  const post: number[] = [];
  const stack = [0];
  while (stack.length > 0) {
    const v = stack.pop()!;
    post.push(v);
    if (tree.left[v] !== -1) stack.push(tree.left[v]!, tree.right[v]!);
  }
  for (let k = post.length - 1; k >= 0; k--) {
    const v = post[k]!;
    if (tree.left[v] === -1) continue;
    if (isLeaf(tree.left[v]!) && isLeaf(tree.right[v]!) && tree.gain[v]! < gamma) {
      cut[v] = 1;
      removed++;
    }
  }
  return removed;
}

/** Grows one tree on the rows in the bag (all rows when inBag is absent). */
export function growXgbTree(cols: XgbColumns, grad: Float32Array, hess: Float32Array, p: XgbTreeParams, inBag?: Uint8Array): XgbTree {
  check(grad.length === cols.n && hess.length === cols.n, 'grad', `n = ${cols.n} gradient and hessian values`, grad.length);
  const b = new Builder(cols, grad, hess, p, inBag);
  if (p.growPolicy === 'lossguide') b.growLossguide();
  else b.growDepthwise();
  return b.finish();
}

/** The leaf of the final (cut) tree that row i reaches. */
export function xgbLeafOf(tree: XgbTree, x: Float32Array, i: number): number {
  const d = tree.numFeatures;
  let v = 0;
  while (tree.left[v] !== -1 && tree.cut[v] !== 1) v = x[i * d + tree.feature[v]!]! < tree.threshold[v]! ? tree.left[v]! : tree.right[v]!;
  return v;
}

export interface XgbTreeSize {
  nodes: number;
  leaves: number;
  depth: number;
}

/** Size of the final tree (after gamma pruning), or of the grown one with `grown`. */
export function xgbTreeSize(tree: XgbTree, grown = false): XgbTreeSize {
  let nodes = 0;
  let leaves = 0;
  let depth = 0;
  const stack = [0];
  while (stack.length > 0) {
    const v = stack.pop()!;
    nodes++;
    if (tree.left[v] === -1 || (!grown && tree.cut[v] === 1)) {
      leaves++;
      depth = Math.max(depth, tree.depth[v]!);
    } else {
      stack.push(tree.left[v]!, tree.right[v]!);
    }
  }
  return { nodes, leaves, depth };
}
