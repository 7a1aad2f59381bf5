// Conversion of a layer's masked weights into the sparse format the inference
// kernels read: sliced ELL of row pieces ("SELL-P"). Done once per prune round, on
// the CPU.
//
// - A row is one output (a Linear's output neuron, a conv's filter); its kept
//   weights are its entries, columns ascending.
// - Load balance: a row longer than `maxPiece` entries is cut into pieces of that
//   many (and a shorter rest), so no thread walks a row much longer than the others;
//   every row has at least one piece (an all-pruned row gives an empty one, so its
//   output still gets its bias). Split rows' pieces are summed by a second kernel.
// - Pieces are sorted by length (longest first) and cut into slices of `slice`
//   pieces; a slice is padded to its longest piece, so neighbouring threads do the
//   same number of steps and the padding stays small.
// - Entries go in groups of 4 (one vec4 of values, four u16 columns, one u32 of
//   int8s). Group g of lane l in slice s sits at sliceStart[s] + g·slice + l, so
//   the threads of a slice read neighbouring words (coalesced on a GPU).
import { check } from '../errors.js';
import type { GpuContext } from '../gpu/context.js';
import type { SellBuffers, SellShape } from '../kernels/spmm.js';
import { roundHalfAway, type WeightLayout } from '../layout/weights.js';

export interface SellOptions {
  /** Pieces per slice (default 8: with 16-byte groups, 8 lanes already fill a 128-byte line). */
  slice?: number;
  /** Longest piece in entries, a multiple of 4; 'auto' (default) = max(32, twice the mean row length). */
  maxPiece?: number | 'auto';
  /** Also quantize to int8 per row (symmetric, per output channel). */
  int8?: boolean;
}

export interface SellMatrix extends SellShape {
  rows: number;
  cols: number;
  /** Kept (nonzero) weights. */
  nnz: number;
  slice: number;
  maxPiece: number;
  pieces: number;
  slices: number;
  /** Groups of 4 entries, padding included. */
  groups: number;
  /** True when some row was split (a reduce pass sums the pieces). */
  split: boolean;
  /** slices + 1 group offsets. */
  sliceStart: Uint32Array;
  /** Output row of each piece, in sorted order. */
  pieceRow: Uint32Array;
  /** rows + 1 offsets into pieceIds: the pieces of row r are pieceIds[rowPtr[r] .. rowPtr[r+1]). */
  rowPtr: Uint32Array;
  pieceIds: Uint32Array;
  /** groups·4 entries; padding entries are 0 with column 0. */
  values: Float32Array;
  colIdx: Uint16Array;
  /** With int8: the quantized entries and each row's scale (max|w| / 127). */
  q?: Int8Array;
  rowScale?: Float32Array;
}

/** Columns must fit the u16 index. */
export const SELL_MAX_COLS = 65536;

/**
 * Builds the sliced-ELL pieces of W⊙M, where W is stored 'in-out' (Linear, K×N:
 * rows = N, cols = K) or 'out-in' (conv, F×C·KH·KW: rows = F). Exact zeros are
 * skipped like pruned weights: they add nothing.
 */
export function buildSell(w: Float32Array, mask: Uint8Array, rows: number, cols: number, layout: WeightLayout, opts: SellOptions = {}): SellMatrix {
  check(Number.isInteger(rows) && rows >= 1, 'rows', 'an integer ≥ 1', rows);
  check(Number.isInteger(cols) && cols >= 1 && cols <= SELL_MAX_COLS, 'cols', `an integer from 1 to ${SELL_MAX_COLS} (columns are u16)`, cols);
  check(w.length === rows * cols, 'w', `a Float32Array of rows·cols = ${rows * cols}`, w.length);
  check(mask.length === rows * cols, 'mask', `a Uint8Array of rows·cols = ${rows * cols}`, mask.length);
  check(layout === 'in-out' || layout === 'out-in', 'layout', "'in-out' or 'out-in'", layout);
  const S = opts.slice ?? 8;
  check(Number.isInteger(S) && S >= 1 && S <= 1024, 'slice', 'an integer from 1 to 1024', S);
  const mp = opts.maxPiece ?? 'auto';
  check(mp === 'auto' || (Number.isInteger(mp) && mp >= 4 && mp % 4 === 0), 'maxPiece', "'auto' or a multiple of 4 (≥ 4)", mp);

  // Rows as (col, value) lists.
  const rowCols: number[][] = [];
  const rowVals: number[][] = [];
  let nnz = 0;
  for (let r = 0; r < rows; r++) {
    const cs: number[] = [];
    const vs: number[] = [];
    for (let c = 0; c < cols; c++) {
      const i = layout === 'in-out' ? c * rows + r : r * cols + c;
      const v = w[i]!;
      if (mask[i] && v !== 0) {
        cs.push(c);
        vs.push(v);
      }
    }
    nnz += cs.length;
    rowCols.push(cs);
    rowVals.push(vs);
  }
  const L = mp === 'auto' ? Math.max(32, Math.ceil((2 * nnz) / rows / 4) * 4) : mp;

  // Pieces: [row, start, end) of that row's entries: whole pieces of L, then the
  // rest. Whole pieces all have length L, so their slices carry no padding.
  const pieces: Array<[number, number, number]> = [];
  let split = false;
  for (let r = 0; r < rows; r++) {
    const n = rowCols[r]!.length;
    if (n > L) split = true;
    pieces.push([r, 0, Math.min(n, L)]);
    for (let a = L; a < n; a += L) pieces.push([r, a, Math.min(n, a + L)]);
  }
  // Longest first; ties by row then position, so the layout is deterministic.
  pieces.sort((a, b) => b[2] - b[1] - (a[2] - a[1]) || a[0] - b[0] || a[1] - b[1]);
  const P = pieces.length;
  const nSlices = Math.ceil(P / S);
  const sliceStart = new Uint32Array(nSlices + 1);
  for (let s = 0; s < nSlices; s++) {
    const [, a, b] = pieces[s * S]!; // the longest of its slice
    sliceStart[s + 1] = sliceStart[s]! + Math.ceil((b - a) / 4) * S;
  }
  const groups = sliceStart[nSlices]!;
  const values = new Float32Array(groups * 4);
  const colIdx = new Uint16Array(groups * 4);
  const pieceRow = new Uint32Array(P);
  const perRow: number[][] = Array.from({ length: rows }, () => []);
  pieces.forEach(([r, a, b], p) => {
    pieceRow[p] = r;
    perRow[r]!.push(p);
    const s = Math.floor(p / S);
    const lane = p % S;
    for (let j = 0; j < b - a; j++) {
      const e = (sliceStart[s]! + Math.floor(j / 4) * S + lane) * 4 + (j % 4);
      values[e] = rowVals[r]![a + j]!;
      colIdx[e] = rowCols[r]![a + j]!;
    }
  });
  const rowPtr = new Uint32Array(rows + 1);
  const pieceIds = new Uint32Array(P);
  let o = 0;
  for (let r = 0; r < rows; r++) {
    for (const p of perRow[r]!) pieceIds[o++] = p;
    rowPtr[r + 1] = o;
  }
  const out: SellMatrix = {
    rows, cols, nnz, slice: S, maxPiece: L, pieces: P, slices: nSlices, groups, split,
    sliceStart, pieceRow, rowPtr, pieceIds, values, colIdx,
  };
  if (opts.int8) {
    const rowScale = new Float32Array(rows);
    for (let r = 0; r < rows; r++) {
      let mx = 0;
      for (const v of rowVals[r]!) mx = Math.max(mx, Math.abs(v));
      rowScale[r] = Math.fround(mx / 127);
    }
    const q = new Int8Array(groups * 4);
    for (let p = 0; p < P; p++) {
      const s = rowScale[pieceRow[p]!]!;
      if (s === 0) continue;
      const sl = Math.floor(p / S);
      const width = (sliceStart[sl + 1]! - sliceStart[sl]!) / S;
      for (let g = 0; g < width; g++) {
        const e = (sliceStart[sl]! + g * S + (p % S)) * 4;
        for (let t = 0; t < 4; t++) q[e + t] = Math.max(-127, Math.min(127, roundHalfAway(values[e + t]! / s)));
      }
    }
    out.q = q;
    out.rowScale = rowScale;
  }
  return out;
}

/** The words the kernels read for the format: [sliceStart | pieceRow] and [rowPtr | pieceIds]. */
export function sellWords(s: SellMatrix): { sell: Uint32Array; map: Uint32Array } {
  const sell = new Uint32Array(s.slices + 1 + s.pieces);
  sell.set(s.sliceStart);
  sell.set(s.pieceRow, s.slices + 1);
  const map = new Uint32Array(s.rows + 1 + s.pieces);
  map.set(s.rowPtr);
  map.set(s.pieceIds, s.rows + 1);
  return { sell, map };
}

/** The format's GPU buffers (f32 values, or int8 values and row scales with `int8`). */
export function uploadSell(ctx: GpuContext, s: SellMatrix, label: string, int8 = false): SellBuffers & { all: GPUBuffer[] } {
  check(!int8 || (s.q !== undefined && s.rowScale !== undefined), 'int8', 'used only on a format built with { int8: true }', int8);
  const pool = ctx.pool;
  const { sell, map } = sellWords(s);
  const out: SellBuffers = {
    cols: pool.upload(`${label} sell cols`, s.colIdx),
    sell: pool.upload(`${label} sell layout`, sell),
    map: s.split ? pool.upload(`${label} sell row pieces`, map) : ctx.dummy,
  };
  if (int8) {
    out.wq = pool.upload(`${label} sell int8 values`, s.q!);
    out.wScale = pool.upload(`${label} sell row scales`, s.rowScale!);
  } else {
    out.vals = pool.upload(`${label} sell values`, s.values);
  }
  const all = [out.cols, out.sell, out.vals, out.wq, out.wScale, s.split ? out.map : undefined].filter((b): b is GPUBuffer => b !== undefined);
  return { ...out, all };
}
