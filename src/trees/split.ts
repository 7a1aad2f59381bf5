// Seeded row splits: train / validation / test by fractions, and k folds, as
// index arrays (ascending inside each part), so every run is reproducible from its seed.
import { check } from '../errors.js';
import { Rng } from '../rng.js';

export interface SplitFractions {
  /** Share of rows held out for validation, in [0, 1). Default 0. */
  valFraction?: number;
  /** Share of rows held out for testing, in [0, 1). Default 0. */
  testFraction?: number;
  seed?: number;
}

export interface RowSplit {
  train: Int32Array;
  val: Int32Array;
  test: Int32Array;
}

function fraction(v: unknown, field: string): number {
  if (v === undefined) return 0;
  check(typeof v === 'number' && v >= 0 && v < 1, field, 'a number in [0, 1)', v);
  return v;
}

export function checkSeed(seed: unknown, field = 'seed'): number {
  if (seed === undefined) return 0;
  check(typeof seed === 'number' && Number.isInteger(seed) && seed >= 0 && seed < 2 ** 32, field, 'an integer in [0, 2^32)', seed);
  return seed;
}

/** Held-out counts are ceil(fraction · n), as scikit-learn's train_test_split; train keeps the rest (≥ 1). */
export function splitRows(n: number, s: SplitFractions = {}): RowSplit {
  check(Number.isInteger(n) && n >= 1, 'n', 'an integer ≥ 1', n);
  const vf = fraction(s.valFraction, 'valFraction');
  const tf = fraction(s.testFraction, 'testFraction');
  const seed = checkSeed(s.seed);
  const nTest = Math.ceil(tf * n);
  const nVal = Math.ceil(vf * n);
  check(n - nTest - nVal >= 1, 'valFraction + testFraction', `small enough to leave at least one training row of ${n} (holds out ${nVal} + ${nTest})`, vf + tf);
  const rows = new Rng(seed).shuffle(Int32Array.from({ length: n }, (_, i) => i));
  const part = (a: number, b: number): Int32Array => rows.slice(a, b).sort();
  return { test: part(0, nTest), val: part(nTest, nTest + nVal), train: part(nTest + nVal, n) };
}

/** k disjoint folds of a seeded shuffle of 0..n-1, sizes differing by at most one. */
export function kFolds(n: number, k: number, seed = 0): Int32Array[] {
  check(Number.isInteger(k) && k >= 2, 'folds', 'an integer ≥ 2', k);
  check(Number.isInteger(n) && n >= k, 'n', `an integer ≥ folds (${k})`, n);
  const rows = new Rng(checkSeed(seed)).shuffle(Int32Array.from({ length: n }, (_, i) => i));
  const out: Int32Array[] = [];
  for (let f = 0; f < k; f++) out.push(rows.slice(Math.floor((f * n) / k), Math.floor(((f + 1) * n) / k)).sort());
  return out;
}

/** All rows of 0..n-1 not in `exclude` (ascending). */
export function complement(n: number, exclude: Int32Array): Int32Array {
  const mark = new Uint8Array(n);
  for (const i of exclude) mark[i] = 1;
  const out: number[] = [];
  for (let i = 0; i < n; i++) if (!mark[i]) out.push(i);
  return Int32Array.from(out);
}
