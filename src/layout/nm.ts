// The N:M compressed format the N:M kernel (shaders/spmm-nm.wgsl) reads, packed on
// the CPU once per prune round, and its sizes.
//
// A layer is R outputs × K inputs (K a multiple of m), G = K/m groups per output.
// Each group keeps at most n weights; it is stored as exactly n slots (a group with
// fewer kept is padded with value 0 at in-group index 0), so every output has the
// same S = G·n slots and every thread the same work.
//   values: f32 in quads of 4 slots (a vec4 the kernel loads at once; the last quad
//           of a row padded with 0): slot s of output r at ((s div 4)·R + r)·4 + s mod 4
//           (neighbouring outputs, neighbouring 16-byte quads: coalesced when one
//           thread runs one output).
//   index:  the in-group position t (0…m−1) of each slot in `bits` = ⌈log2 m⌉ bits
//           (2 for m = 4), `perWord` slots to a u32 word, low bits first: ⌊32 / bits⌋
//           rounded down to a multiple of 4 (16 for 2 bits, 8 for 3 or 4), so a quad
//           never straddles two words. Word w of output r at w·R + r.
// Slot s of output r holds the weight at input column ⌊s/n⌋·m + t.
import { check, PruneLabError, type ErrorCode } from '../errors.js';
import type { WeightLayout } from './weights.js';

export interface NmPattern {
  n: number;
  m: number;
}

export interface NmMatrix extends NmPattern {
  /** Outputs (R). */
  rows: number;
  /** Inputs per output (K), a multiple of m. */
  cols: number;
  /** Bits per in-group index, and indices per u32 word. */
  bits: number;
  perWord: number;
  /** Slots per output (G·n), their quads (⌈slots/4⌉) and index words per output. */
  slots: number;
  quads: number;
  words: number;
  /** Kept weights (mask 1), before padding. */
  kept: number;
  /** quads·4·R f32 values. */
  values: Float32Array;
  /** words·R u32 words of packed indices. */
  index: Uint32Array;
}

/** Largest m the format takes (4-bit indices). */
export const NM_MAX_M = 16;

/** Bits per in-group index for groups of m: ⌈log2 m⌉ (at least 1). */
export function nmIndexBits(m: number): number {
  return Math.max(1, Math.ceil(Math.log2(m)));
}

/** Indices per u32 word: ⌊32 / bits⌋ rounded down to a multiple of 4 (a quad of slots shares a word). */
export function nmPerWord(m: number): number {
  return Math.floor(32 / nmIndexBits(m) / 4) * 4;
}

/**
 * Throws PruneLabError('invalid-argument', field) unless 1 ≤ n < m ≤ 16 are integers
 * (`orDense`: also n = m, the format's form of a layer that fits no N:M pattern).
 */
export function checkNmPattern(p: NmPattern, field: string, orDense = false): void {
  const ok = typeof p === 'object' && p !== null && Number.isInteger(p.m) && Number.isInteger(p.n) && p.n >= 1 && (p.n < p.m || (orDense && p.n === p.m)) && p.m <= NM_MAX_M;
  check(ok, field, `an N:M pattern { n, m } of integers with 1 ≤ n ${orDense ? '≤' : '<'} m ≤ ${NM_MAX_M}`, ok ? undefined : JSON.stringify(p));
}

/**
 * Refuses an input dimension that N:M groups of m cannot tile (no padding: a group
 * never crosses the end of a row): PruneLabError(code, field), 'invalid-config' by
 * default (a config's layer); 'invalid-argument' for an engine call's argument.
 */
export function checkNmShape(inDim: number, m: number, field: string, code: ErrorCode = 'invalid-config'): void {
  if (!(Number.isInteger(inDim) && inDim >= 1 && inDim % m === 0)) {
    throw new PruneLabError(code, `${field}: N:M groups of m = ${m} need an input dimension per output that is a multiple of ${m} (it is ${inDim}; a Linear's inputs, a conv's C·k·k)`, field);
  }
}

/** Bytes of the format for R outputs × K inputs at n:m (values and packed indices; the bias apart). */
export function nmBytes(R: number, K: number, p: NmPattern): { values: number; index: number } {
  const slots = (K / p.m) * p.n;
  return { values: Math.ceil(slots / 4) * 4 * R * 4, index: Math.ceil(slots / nmPerWord(p.m)) * R * 4 };
}

/**
 * Packs W⊙M (stored 'in-out' K×N for a Linear, 'out-in' F×C·k·k for a conv; rows =
 * outputs, cols = inputs) at n:m (n = m allowed: every weight, as nmFit's fallback). Refuses a mask with more than n kept in some
 * group (field 'mask') and cols not a multiple of m (field 'cols').
 */
export function buildNm(w: Float32Array, mask: Uint8Array, rows: number, cols: number, layout: WeightLayout, p: NmPattern): NmMatrix {
  checkNmPattern(p, 'nm', true);
  const { n, m } = p;
  check(Number.isInteger(rows) && rows >= 1, 'rows', 'an integer ≥ 1', rows);
  check(Number.isInteger(cols) && cols >= 1 && cols % m === 0, 'cols', `a multiple of m = ${m}`, cols);
  check(w.length === rows * cols, 'w', `a Float32Array of rows·cols = ${rows * cols}`, w.length);
  check(mask.length === rows * cols, 'mask', `a Uint8Array of rows·cols = ${rows * cols}`, mask.length);
  check(layout === 'in-out' || layout === 'out-in', 'layout', "'in-out' or 'out-in'", layout);
  const bits = nmIndexBits(m);
  const perWord = nmPerWord(m);
  const G = cols / m;
  const slots = G * n;
  const quads = Math.ceil(slots / 4);
  const words = Math.ceil(slots / perWord);
  const values = new Float32Array(quads * 4 * rows);
  const index = new Uint32Array(words * rows);
  let kept = 0;
  for (let r = 0; r < rows; r++) {
    for (let g = 0; g < G; g++) {
      let j = 0;
      for (let t = 0; t < m; t++) {
        const c = g * m + t;
        const i = layout === 'in-out' ? c * rows + r : r * cols + c;
        if (!mask[i]) continue;
        check(j < n, 'mask', `at most n = ${n} kept in every group of m = ${m} (output ${r}, inputs ${g * m}…${g * m + m - 1} keep more)`);
        const s = g * n + j++;
        values[(Math.floor(s / 4) * rows + r) * 4 + (s % 4)] = w[i]!;
        index[Math.floor(s / perWord) * rows + r]! |= t << ((s % perWord) * bits);
        kept++;
      }
    }
  }
  return { n, m, rows, cols, bits, perWord, slots, quads, words, kept, values, index };
}

/** Kept weights in group g (inputs g·m … g·m+m−1) of output r. */
function groupKept(mask: Uint8Array, rows: number, cols: number, layout: WeightLayout, m: number, r: number, g: number): number {
  let kept = 0;
  for (let c = g * m; c < g * m + m; c++) if (mask[layout === 'in-out' ? c * rows + r : r * cols + c]) kept++;
  return kept;
}

/** True when every group of m keeps at most n (and m divides cols). */
export function nmFits(mask: Uint8Array, rows: number, cols: number, layout: WeightLayout, p: NmPattern): boolean {
  if (cols % p.m !== 0) return false;
  for (let r = 0; r < rows; r++) {
    for (let g = 0; g < cols / p.m; g++) if (groupKept(mask, rows, cols, layout, p.m, r, g) > p.n) return false;
  }
  return true;
}

/**
 * The pattern a layer runs at in the N:M format: `forced` when given (refused with
 * field 'nm' when the mask keeps more than n in some group or the inputs are not a
 * multiple of m), else the tightest pattern detectNm finds, else 1:1 (every weight
 * stored: correct, but no smaller or faster than dense).
 */
export function nmFit(mask: Uint8Array, rows: number, cols: number, layout: WeightLayout, forced: NmPattern | undefined, layer = 'layer'): NmPattern {
  if (!forced) return detectNm(mask, rows, cols, layout) ?? { n: 1, m: 1 };
  checkNmPattern(forced, 'nm');
  const { n, m } = forced;
  check(cols % m === 0, 'nm', `a pattern whose m divides ${layer}'s ${cols} inputs per output`, `${n}:${m}`);
  check(nmFits(mask, rows, cols, layout, forced), 'nm', `a pattern ${layer}'s mask fits (some group of ${m} keeps more than ${n})`, `${n}:${m}`);
  return forced;
}

/**
 * The tightest N:M pattern a mask fits: over the m (2 … 16) dividing cols, the one
 * with the smallest n/m, n the most kept in any group (ties: the smaller m).
 * Undefined when no m divides cols, or no group size leaves a weight out of every group.
 */
export function detectNm(mask: Uint8Array, rows: number, cols: number, layout: WeightLayout): NmPattern | undefined {
  let best: NmPattern | undefined;
  for (let m = 2; m <= NM_MAX_M; m++) {
    if (cols % m !== 0) continue;
    let n = 0;
    for (let r = 0; r < rows && n < m; r++) {
      for (let g = 0; g < cols / m && n < m; g++) {
        n = Math.max(n, groupKept(mask, rows, cols, layout, m, r, g));
      }
    }
    if (n >= m) continue;
    const fit = { n: Math.max(1, n), m };
    if (!best || fit.n / fit.m < best.n / best.m) best = fit;
  }
  return best;
}
