// CPU oracle for SparseGPT (Frantar & Alistarh 2023), in float64, following the
// reference implementation (IST-DASLab/sparsegpt, SparseGPT.fasterprune), written
// in the reference's orientation: W is rows (outputs) × cols (inputs).
//
// - H = 2XᵀX/n from the layer's calibration inputs; dead inputs (H_ii = 0) get
//   H_ii = 1, then H += λ·mean(diag H)·I. The reference also sets a dead input's weights
//   to 0, which prunes them all whatever the sparsity (22 never-lit MNIST pixels × 300
//   units are 2.5% of LeNet-300-100); here they score 0 instead, so they are pruned
//   first within the exact count, and those the count keeps keep their values (a dead
//   column is uncoupled in H⁻¹, so pruning one moves no other weight).
// - U = the upper Cholesky factor of H⁻¹ (H⁻¹ = UᵀU): Cholesky of H, inverse of the
//   factor, H⁻¹ = L⁻ᵀL⁻¹, Cholesky again. O(K³) in float64; 784×784 takes about a second.
// - Columns in blocks of blockSize. Unstructured: the mask of a block is chosen at the
//   block's start by w²/U_ii². The reference prunes every w²/U_ii² ≤ the value at
//   sorted index ⌊count·rows·s⌋ of the block (⌊·⌋+1 or more with ties); here each
//   block prunes exactly k_b of its lowest (blockQuotas), so the layer prunes exactly
//   round(s·rows·cols), with ties to the lowest storage index (the shared rule).
//   N:M: at every m-th column of the block, the m − n lowest w²/U_ii² of each row
//   within the next m columns (using the weights as updated so far).
// - Weights already pruned (prior mask 0) are pruned first and stay pruned.
// - Column by column: q = w masked, err = (w − q)/U_ii, and the block's later columns
//   take −err·U_i,i:. After the block, the later columns take −E·U[block, later]: the
//   lazy batch update that the GPU path runs as a matmul. This oracle applies it
//   eagerly on the CPU, so it checks the GPU's H, its update and the orchestration.
import { pruneCount } from '../mask.js';

export interface SparseGptOptions {
  blockSize: number;
  /** λ: the damping as a fraction of mean(diag H). */
  damp: number;
  /** N kept in every M consecutive inputs of a row; overrides the sparsity. */
  nm?: { n: number; m: number } | undefined;
}

/** H = 2XᵀX/n for a row-major n×K block of inputs, in float64. */
export function gramRef(x: ArrayLike<number>, n: number, K: number): Float64Array {
  const h = new Float64Array(K * K);
  for (let r = 0; r < n; r++) {
    const o = r * K;
    for (let i = 0; i < K; i++) {
      const xi = x[o + i]!;
      if (xi === 0) continue;
      for (let j = 0; j < K; j++) h[i * K + j] += xi * x[o + j]!;
    }
  }
  for (let i = 0; i < h.length; i++) h[i] = (2 * h[i]!) / n;
  return h;
}

/** Lower Cholesky factor in place (row-major K×K); false when A is not positive definite. */
function choleskyLower(a: Float64Array, K: number): boolean {
  for (let j = 0; j < K; j++) {
    let d = a[j * K + j]!;
    for (let t = 0; t < j; t++) d -= a[j * K + t]! ** 2;
    if (!(d > 0) || !Number.isFinite(d)) return false;
    const ljj = Math.sqrt(d);
    a[j * K + j] = ljj;
    for (let i = j + 1; i < K; i++) {
      let s = a[i * K + j]!;
      for (let t = 0; t < j; t++) s -= a[i * K + t]! * a[j * K + t]!;
      a[i * K + j] = s / ljj;
    }
    for (let t = j + 1; t < K; t++) a[j * K + t] = 0;
  }
  return true;
}

export interface InverseFactor {
  /** Upper Cholesky factor of (damped H)⁻¹, row-major K×K. */
  U: Float64Array;
  /** Inputs whose H_ii was 0 (never active in the calibration data). */
  dead: boolean[];
}

/**
 * Dead inputs, damping and the upper Cholesky factor of H⁻¹ (null when the damped H
 * is not positive definite: damp too small for this H).
 */
export function inverseFactor(hIn: ArrayLike<number>, K: number, damp: number): InverseFactor | null {
  const h = Float64Array.from(hIn as ArrayLike<number>);
  const dead: boolean[] = [];
  let mean = 0;
  for (let i = 0; i < K; i++) {
    dead.push(h[i * K + i] === 0);
    if (dead[i]) h[i * K + i] = 1;
    mean += h[i * K + i]!;
  }
  mean /= K;
  for (let i = 0; i < K; i++) h[i * K + i] += damp * mean;
  // Symmetrize (the GPU's f32 sums are symmetric up to rounding).
  for (let i = 0; i < K; i++) for (let j = 0; j < i; j++) h[i * K + j] = h[j * K + i] = (h[i * K + j]! + h[j * K + i]!) / 2;
  if (!choleskyLower(h, K)) return null;
  // L⁻¹ (lower), by forward substitution column by column.
  const li = new Float64Array(K * K);
  for (let c = 0; c < K; c++) {
    li[c * K + c] = 1 / h[c * K + c]!;
    for (let i = c + 1; i < K; i++) {
      let s = 0;
      for (let t = c; t < i; t++) s += h[i * K + t]! * li[t * K + c]!;
      li[i * K + c] = -s / h[i * K + i]!;
    }
  }
  // H⁻¹ = L⁻ᵀ L⁻¹: (i, j) = Σ_{t ≥ max(i,j)} li[t,i]·li[t,j].
  const inv = new Float64Array(K * K);
  for (let i = 0; i < K; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let t = i; t < K; t++) s += li[t * K + i]! * li[t * K + j]!;
      inv[i * K + j] = s;
      inv[j * K + i] = s;
    }
  }
  if (!choleskyLower(inv, K)) return null;
  // U = Lᵀ of H⁻¹'s factor.
  const U = new Float64Array(K * K);
  for (let i = 0; i < K; i++) for (let j = 0; j <= i; j++) U[j * K + i] = inv[i * K + j]!;
  return { U, dead };
}

/**
 * Pruned counts per block for an unstructured layer: k_b targets the cumulative
 * round(s·rows·i2) so the blocks sum to exactly round(s·rows·cols); a block never
 * prunes fewer than its already-pruned weights, nor so many that a later block's
 * already-pruned weights would push the layer past its count (when they fit at all).
 */
export function blockQuotas(s: number, rows: number, cols: number, blockSize: number, priorPruned: readonly number[]): number[] {
  const kTotal = pruneCount(s, rows * cols);
  const blocks = priorPruned.length;
  const after: number[] = new Array<number>(blocks).fill(0);
  for (let b = blocks - 2; b >= 0; b--) after[b] = after[b + 1]! + priorPruned[b + 1]!;
  const out: number[] = [];
  let done = 0;
  for (let b = 0; b < blocks; b++) {
    const i2 = Math.min((b + 1) * blockSize, cols);
    const size = rows * (i2 - b * blockSize);
    const want = Math.min(pruneCount(s, rows * i2) - done, kTotal - done - after[b]!);
    const k = Math.min(size, Math.max(priorPruned[b]!, want));
    out.push(k);
    done += k;
  }
  return out;
}

export interface BlockInput {
  /** The block's current weights, rows × count, row-major (count = i2 − i1). */
  w: Float64Array;
  rows: number;
  count: number;
  /** Absolute column of the block's first column, and K. */
  i1: number;
  K: number;
  U: ArrayLike<number>;
  /** 1 = kept before this prune, rows × count. */
  prior: Uint8Array;
  /** Storage index of (row, absolute col): the tie order. */
  tie: (row: number, col: number) => number;
  /** Unstructured: weights to prune in this block. */
  k?: number;
  /** Per absolute column: an input that is 0 over the calibration set (its weights score 0). */
  dead: readonly boolean[];
  nm?: { n: number; m: number } | undefined;
}

export interface BlockResult {
  /** Final weights of the block (pruned ones 0), rows × count. */
  q: Float64Array;
  /** 1 = kept, rows × count. */
  mask: Uint8Array;
  /** Scaled errors (w − q)/U_ii, count × rows (the update's left operand). */
  e: Float64Array;
  /** Σ (w − q)²/U_ii² / 2: the reference's loss estimate for the block. */
  loss: number;
}

function lowest(items: Array<{ key: number; prior: boolean; tie: number; at: number }>, k: number, mask: Uint8Array): void {
  items.sort((a, b) => (a.prior !== b.prior ? (a.prior ? -1 : 1) : a.key - b.key || a.tie - b.tie));
  items.forEach((it, j) => {
    if (j < k || it.prior) mask[it.at] = 0;
  });
}

/** The sequential part of one block: mask choice and OBS updates inside the block. */
export function sparseGptBlock(b: BlockInput): BlockResult {
  const { rows, count, i1, K, U } = b;
  const w = Float64Array.from(b.w);
  const mask = new Uint8Array(rows * count).fill(1);
  const e = new Float64Array(count * rows);
  const d2 = (c: number): number => U[(i1 + c) * K + i1 + c]! ** 2;
  const key = (r: number, c: number): number => (b.dead[i1 + c] ? 0 : w[r * count + c]! ** 2 / d2(c));
  if (!b.nm) {
    const items = [];
    for (let r = 0; r < rows; r++) for (let c = 0; c < count; c++) items.push({ key: key(r, c), prior: b.prior[r * count + c] === 0, tie: b.tie(r, i1 + c), at: r * count + c });
    lowest(items, b.k ?? 0, mask);
  }
  let loss = 0;
  for (let c = 0; c < count; c++) {
    if (b.nm && c % b.nm.m === 0) {
      const m = b.nm.m;
      for (let r = 0; r < rows; r++) {
        const items = [];
        for (let t = c; t < c + m; t++) items.push({ key: key(r, t), prior: b.prior[r * count + t] === 0, tie: b.tie(r, i1 + t), at: r * count + t });
        lowest(items, m - b.nm.n, mask);
      }
    }
    const d = U[(i1 + c) * K + i1 + c]!;
    for (let r = 0; r < rows; r++) {
      const wv = w[r * count + c]!;
      const q = mask[r * count + c] ? wv : 0;
      const err = (wv - q) / d;
      loss += (err * err) / 2;
      e[c * rows + r] = err;
      w[r * count + c] = q;
      if (err !== 0) for (let t = c + 1; t < count; t++) w[r * count + t] -= err * U[(i1 + c) * K + i1 + t]!;
    }
  }
  return { q: w, mask, e, loss };
}

export interface SparseGptRefResult {
  /** rows × cols, pruned and updated. */
  w: Float64Array;
  /** 1 = kept, rows × cols. */
  mask: Uint8Array;
  loss: number;
}

/**
 * SparseGPT on one layer. `w` is rows × cols (outputs × inputs, row-major), `h` the
 * cols × cols Hessian 2XᵀX/n, `prior` the current mask (1 = kept; default all kept),
 * `tie` the storage index of (row, col) (default row-major).
 */
export function sparseGptRef(
  wIn: ArrayLike<number>, rows: number, cols: number, h: ArrayLike<number>, sparsity: number, o: SparseGptOptions,
  prior?: ArrayLike<number>, tie: (row: number, col: number) => number = (r, c) => r * cols + c,
): SparseGptRefResult | null {
  const f = inverseFactor(h, cols, o.damp);
  if (!f) return null;
  const w = Float64Array.from(wIn as ArrayLike<number>);
  const pm = new Uint8Array(rows * cols).fill(1);
  if (prior) for (let i = 0; i < pm.length; i++) pm[i] = prior[i] ? 1 : 0;
  const B = o.blockSize;
  const starts: number[] = [];
  for (let i1 = 0; i1 < cols; i1 += B) starts.push(i1);
  const priorPruned = starts.map((i1) => {
    let z = 0;
    for (let r = 0; r < rows; r++) for (let c = i1; c < Math.min(i1 + B, cols); c++) z += pm[r * cols + c] === 0 ? 1 : 0;
    return z;
  });
  const quotas = o.nm ? [] : blockQuotas(sparsity, rows, cols, B, priorPruned);
  const mask = new Uint8Array(rows * cols);
  let loss = 0;
  starts.forEach((i1, bi) => {
    const i2 = Math.min(i1 + B, cols);
    const count = i2 - i1;
    const blk = new Float64Array(rows * count);
    const pr = new Uint8Array(rows * count);
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < count; c++) {
        blk[r * count + c] = w[r * cols + i1 + c]!;
        pr[r * count + c] = pm[r * cols + i1 + c]!;
      }
    }
    const res = sparseGptBlock({ w: blk, rows, count, i1, K: cols, U: f.U, prior: pr, tie, k: quotas[bi], nm: o.nm, dead: f.dead });
    loss += res.loss;
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < count; c++) {
        w[r * cols + i1 + c] = res.q[r * count + c]!;
        mask[r * cols + i1 + c] = res.mask[r * count + c]!;
      }
      // The lazy update, eagerly: W[r, i2:] −= Σ_t E[t, r]·U[i1 + t, i2:].
      for (let t = 0; t < count; t++) {
        const err = res.e[t * rows + r]!;
        if (err === 0) continue;
        const urow = (i1 + t) * cols;
        for (let c = i2; c < cols; c++) w[r * cols + c] -= err * f.U[urow + c]!;
      }
    }
  });
  return { w, mask, loss };
}
