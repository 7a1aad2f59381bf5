// CPU oracles for Wanda (Sun et al. 2023): the squared input norms Σ_r x_rj² of a
// layer's calibration inputs, the score S = |W_ij|·‖X_j‖₂, and the exact per-row
// selection with the GPU's rules: each output row r prunes k_r weights (⌊k/rows⌋,
// one more for the first k mod rows rows); already-masked weights go first and stay
// pruned; then lowest score; ties to the lowest input index. Also each layer's
// calibration inputs on the CPU (layerInputsRef), for Wanda's and SparseGPT's tests.
import { convShape, poolShape, type ModelPlan } from '../../nn/spec.js';
import type { LayerValues } from '../../nn/network.js';
import { matmulRef } from '../matmul.js';
import { conv2dRef } from '../conv2d.js';
import { im2colRef } from '../im2col.js';
import { maxPool2dRef } from '../maxpool2d.js';
import { avgPool2dRef } from '../avgpool2d.js';

/** Where weight (row, col) lies in storage: row·rowStride + col·colStride. */
export interface RowLayoutRef {
  rows: number;
  cols: number;
  rowStride: number;
  colStride: number;
}

/** Σ_r x_rj² over a row-major R×K block, in float64. */
export function inputSumsqRef(x: ArrayLike<number>, R: number, K: number): Float64Array {
  const s = new Float64Array(K);
  for (let r = 0; r < R; r++) for (let j = 0; j < K; j++) s[j] += x[r * K + j]! ** 2;
  return s;
}

/** Wanda's scores in storage order, rounded to f32 as the GPU stores them. */
export function wandaScoresRef(w: ArrayLike<number>, l: RowLayoutRef, sumsq: ArrayLike<number>): Float32Array {
  const out = new Float32Array(l.rows * l.cols);
  for (let r = 0; r < l.rows; r++) {
    for (let c = 0; c < l.cols; c++) {
      const t = r * l.rowStride + c * l.colStride;
      out[t] = Math.abs(w[t]!) * Math.sqrt(Math.max(sumsq[c]!, 0));
    }
  }
  return out;
}

/** Masks (1 = kept) pruning exactly k weights of a layer, per output row. */
export function rowTopkRef(scores: ArrayLike<number>, l: RowLayoutRef, k: number, mask?: ArrayLike<number>): Uint8Array {
  const n = l.rows * l.cols;
  const out = new Uint8Array(n).fill(1);
  const kBase = Math.floor(k / l.rows);
  const kExtra = k % l.rows;
  for (let r = 0; r < l.rows; r++) {
    const items: Array<{ c: number; masked: boolean; s: number }> = [];
    for (let c = 0; c < l.cols; c++) {
      const t = r * l.rowStride + c * l.colStride;
      items.push({ c, masked: mask ? mask[t] === 0 : false, s: Math.max(scores[t]!, 0) });
    }
    items.sort((a, b) => (a.masked !== b.masked ? (a.masked ? -1 : 1) : a.s - b.s || a.c - b.c));
    const kr = kBase + (r < kExtra ? 1 : 0);
    items.forEach((it, j) => {
      if (j < kr || it.masked) out[r * l.rowStride + it.c * l.colStride] = 0;
    });
  }
  return out;
}

/**
 * Each prunable layer's calibration inputs X on the CPU (the forward of the network
 * with its masks): Linear its input rows (B × in), conv its im2col rows
 * ((B·OH·OW) × C·k·k). In plan.params order.
 */
export function layerInputsRef(plan: ModelPlan, values: LayerValues[], x: Float32Array, B: number): Float32Array[] {
  const out: Float32Array[] = [];
  let cur = x;
  for (const op of plan.ops) {
    if (op.kind === 'linear') {
      const v = values[plan.params.indexOf(op)]!;
      out.push(cur);
      cur = matmulRef(cur, v.w, B, op.in, op.out, { bias: v.b, relu: op.relu, mask: v.mask });
    } else if (op.kind === 'conv2d') {
      const v = values[plan.params.indexOf(op)]!;
      const s = convShape(op, B);
      out.push(im2colRef(cur, s));
      cur = Float32Array.from(conv2dRef(cur, v.w, s, { bias: v.b, relu: op.relu, mask: v.mask }));
    } else if (op.kind === 'maxpool2d') {
      cur = Float32Array.from(maxPool2dRef(cur, poolShape(op, B)).y);
    } else if (op.kind === 'avgpool2d') {
      cur = Float32Array.from(avgPool2dRef(cur, poolShape(op, B)));
    } else {
      cur = cur.map((v) => Math.max(v, 0));
    }
  }
  return out;
}
