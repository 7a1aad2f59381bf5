// CPU oracles for N:M semi-structured sparsity: the N:M mask selection from a score
// per weight (same rules as shaders/nm-mask.wgsl), and the product over the N:M
// compressed format (src/layout/nm.ts), read the straightforward way.
//
// Groups: m consecutive weights along an output row's input dimension. A Linear is
// stored K×N ('in-out'): the group of output n is k = g·m … g·m+m−1 at storage
// index k·N + n (strided). A conv is stored F×(C·KH·KW) ('out-in'): the group is
// m consecutive entries of the filter's row.
//
// Selection rule, per group: a weight's key is 0 when already masked, else |score|
// (so masked weights count as the lowest scores); the m − n lowest keys are pruned,
// ties pruned lowest in-group index first (the top-k's rule); an already-masked
// weight stays pruned, so a group with more than m − n masked keeps fewer than n.
import { check } from '../errors.js';
import type { WeightLayout } from '../layout/weights.js';
import type { NmMatrix } from '../layout/nm.js';

/** Storage index of (output r, input c) in a rows × cols layer of `layout`. */
export function nmIndex(r: number, c: number, rows: number, cols: number, layout: WeightLayout): number {
  return layout === 'in-out' ? c * rows + r : r * cols + c;
}

/**
 * New masks (1 = kept) keeping the n highest scores in every group of m; `rows`
 * outputs × `cols` inputs (cols a multiple of m), `mask` the current mask (all kept
 * when omitted).
 */
export function nmMaskRef(
  scores: ArrayLike<number>, rows: number, cols: number, layout: WeightLayout, n: number, m: number, mask?: ArrayLike<number>,
): Uint8Array {
  check(cols % m === 0, 'cols', `a multiple of m = ${m}`, cols);
  check(scores.length === rows * cols, 'scores', `rows·cols = ${rows * cols} scores`, scores.length);
  const out = new Uint8Array(rows * cols);
  const f = new Float32Array(1);
  const key = (i: number): number => {
    if (mask && !mask[i]) return -1;
    f[0] = Math.abs(scores[i]!);
    return f[0]!;
  };
  for (let r = 0; r < rows; r++) {
    for (let g = 0; g < cols / m; g++) {
      const idx = Array.from({ length: m }, (_, t) => nmIndex(r, g * m + t, rows, cols, layout));
      // Ascending key, ties by in-group position: the first m − n are pruned.
      const order = idx.map((i, t) => ({ i, t, k: key(i) })).sort((a, b) => a.k - b.k || a.t - b.t);
      order.forEach((o, j) => {
        out[o.i] = j >= m - n && o.k >= 0 ? 1 : 0;
      });
    }
  }
  return out;
}

/**
 * Y = X · Ŵᵀ [+ bias] [ReLU] from the N:M format, decoding every slot: X is M × K
 * (row-major), Y is M × R, or NCHW when pos > 1 (rows of X are im2col rows).
 */
export function nmMatmulRef(
  x: Float32Array, M: number, f: NmMatrix, opts: { bias?: Float32Array; relu?: boolean; pos?: number } = {},
): Float32Array {
  const { rows: R, cols: K, n, m, bits, perWord } = f;
  const G = K / m;
  const pos = opts.pos ?? 1;
  const y = new Float32Array(M * R);
  for (let row = 0; row < M; row++) {
    for (let r = 0; r < R; r++) {
      let acc = 0;
      for (let s = 0; s < G * n; s++) {
        const word = f.index[Math.floor(s / perWord) * R + r]!;
        const t = (word >>> ((s % perWord) * bits)) & ((1 << bits) - 1);
        const c = Math.floor(s / n) * m + t;
        acc += f.values[(Math.floor(s / 4) * R + r) * 4 + (s % 4)]! * x[row * K + c]!;
      }
      if (opts.bias) acc += opts.bias[r]!;
      if (opts.relu) acc = Math.max(acc, 0);
      y[(Math.floor(row / pos) * R + r) * pos + (row % pos)] = acc;
    }
  }
  return y;
}
