// CPU oracles for the sparse inference formats: a layer's pruned weights as a
// dense output-major matrix (one row per output neuron or filter), plain CSR built
// from it, and a decoder that turns the engine's sliced-ELL pieces back into a dense
// matrix, so the GPU-side format is checked against the straightforward reading.
import { check } from '../errors.js';
import type { WeightLayout } from '../layout/weights.js';

export type { WeightLayout } from '../layout/weights.js';

/**
 * W⊙M as a rows × cols matrix, one row per output: rows = N and cols = K for a
 * Linear stored K×N ('in-out'); rows = F and cols = C·KH·KW for a conv ('out-in').
 */
export function outputRowsRef(w: ArrayLike<number>, mask: ArrayLike<number>, rows: number, cols: number, layout: WeightLayout): Float32Array {
  check(w.length === rows * cols, 'w', `rows·cols = ${rows * cols} weights`, w.length);
  check(mask.length === rows * cols, 'mask', `rows·cols = ${rows * cols} bytes`, mask.length);
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const i = layout === 'in-out' ? c * rows + r : r * cols + c;
      out[r * cols + c] = mask[i] ? w[i]! : 0;
    }
  }
  return out;
}

export interface CsrRef {
  rows: number;
  cols: number;
  /** rows + 1 offsets into colIdx/values. */
  rowPtr: Uint32Array;
  colIdx: Uint32Array;
  values: Float32Array;
}

/** CSR of the nonzero entries of a dense rows × cols matrix, columns ascending. */
export function csrRef(dense: Float32Array, rows: number, cols: number): CsrRef {
  const rowPtr = new Uint32Array(rows + 1);
  const colIdx: number[] = [];
  const values: number[] = [];
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const v = dense[r * cols + c]!;
      if (v !== 0) {
        colIdx.push(c);
        values.push(v);
      }
    }
    rowPtr[r + 1] = colIdx.length;
  }
  return { rows, cols, rowPtr, colIdx: Uint32Array.from(colIdx), values: Float32Array.from(values) };
}

/** The fields of a sliced-ELL matrix that the decoder reads (see src/infer/sell.ts). */
export interface SellLike {
  rows: number;
  cols: number;
  slice: number;
  pieces: number;
  sliceStart: Uint32Array;
  pieceRow: Uint32Array;
  colIdx: ArrayLike<number>;
  values: ArrayLike<number>;
}

/**
 * Decodes sliced-ELL pieces into a dense rows × cols matrix by walking every
 * piece's groups the way the kernel does. Entries of one (row, col) are summed, so
 * an entry stored twice would show up as a wrong value rather than hide.
 */
export function sellToDenseRef(s: SellLike): Float32Array {
  const out = new Float64Array(s.rows * s.cols);
  for (let p = 0; p < s.pieces; p++) {
    const sl = Math.floor(p / s.slice);
    const lane = p % s.slice;
    const g0 = s.sliceStart[sl]!;
    const width = (s.sliceStart[sl + 1]! - g0) / s.slice;
    const r = s.pieceRow[p]!;
    for (let g = 0; g < width; g++) {
      const e = (g0 + g * s.slice + lane) * 4;
      for (let t = 0; t < 4; t++) out[r * s.cols + s.colIdx[e + t]!] += s.values[e + t]!;
    }
  }
  return Float32Array.from(out);
}
