// Adapters from the data layer to the tree lab: MNIST pixels as a tabular subset
// (the first n images, 784 features in [0, 1]), the list of named datasets, and the
// seeded synthetic regression sets (sine, Friedman #1, step).
import { check } from '../errors.js';
import { Rng } from '../rng.js';
import type { RegressionTable, TabularDataset } from '../data/csv.js';
import type { ImageDataset } from '../data/dataset.js';
import { SYNTHETIC_KINDS, type SyntheticKind } from '../data/synthetic.js';

export type NamedDataset = 'iris' | 'mnist' | SyntheticKind;
export const NAMED_DATASETS: readonly NamedDataset[] = ['iris', 'mnist', ...SYNTHETIC_KINDS];

/** MNIST subset default: enough to be interesting, small enough to grow in a second. */
export const MNIST_TREE_ROWS = 2000;

/** The first `n` images as rows of pixels (named px<row>_<col>). */
export function mnistPixels(ds: ImageDataset, n: number = MNIST_TREE_ROWS): TabularDataset {
  check(Number.isInteger(n) && n >= 1 && n <= ds.n, 'samples', `an integer in [1, ${ds.n}] (images available)`, n);
  const d = ds.shape.C * ds.shape.H * ds.shape.W;
  const featureNames: string[] = [];
  for (let i = 0; i < d; i++) featureNames.push(`px${Math.floor(i / ds.shape.W)}_${i % ds.shape.W}`);
  return {
    name: 'mnist',
    x: ds.images.slice(0, n * d),
    y: Int32Array.from(ds.labels.subarray(0, n)),
    n,
    numFeatures: d,
    numClasses: ds.numClasses,
    featureNames,
    classNames: Array.from({ length: ds.numClasses }, (_, k) => String(k)),
  };
}

export type RegressionKind = 'sine' | 'friedman1' | 'step';
export const REGRESSION_DATASETS: readonly RegressionKind[] = ['sine', 'friedman1', 'step'];

export interface RegressionSetOptions {
  /** Rows, default 200, in [4, 1 000 000]. */
  n?: number;
  /** Standard deviation of the Gaussian noise added to y: default 0.2 (sine), 0 (friedman1, as scikit-learn), 0.1 (step). */
  noise?: number;
  /** friedman1 only: features, default 10 (scikit-learn's), at least 5; only the first 5 matter. */
  features?: number;
  seed?: number;
}

const REGRESSION_NOISE: Record<RegressionKind, number> = { sine: 0.2, friedman1: 0, step: 0.1 };

/**
 * Seeded regression sets, y = f(x) + noise·N(0, 1):
 * - sine: one feature x ~ U(0, 2π), f = sin x;
 * - friedman1: scikit-learn's make_friedman1: x ~ U(0, 1)^features,
 *   f = 10·sin(π·x0·x1) + 20·(x2 − 0.5)² + 10·x3 + 5·x4 (the rest are noise features);
 * - step: one feature x ~ U(0, 1), f = ⌊4x⌋ (levels 0, 1, 2, 3).
 * The same seed gives the same rows everywhere (not scikit-learn's numbers: its RNG is numpy's).
 */
export function regressionSet(kind: RegressionKind, options: RegressionSetOptions = {}): RegressionTable {
  check(REGRESSION_DATASETS.includes(kind), 'dataset', `one of ${REGRESSION_DATASETS.join(', ')}`, kind);
  const n = options.n ?? 200;
  check(Number.isInteger(n) && n >= 4 && n <= 1_000_000, 'n', 'an integer in [4, 1000000]', n);
  const noise = options.noise ?? REGRESSION_NOISE[kind];
  check(typeof noise === 'number' && Number.isFinite(noise) && noise >= 0 && noise <= 100, 'noise', 'a number in [0, 100]', noise);
  const seed = options.seed ?? 0;
  check(Number.isInteger(seed) && seed >= 0 && seed < 2 ** 32, 'seed', 'an integer in [0, 2^32)', seed);
  if (options.features !== undefined) check(kind === 'friedman1', 'features', 'given for friedman1 only', options.features);
  const d = kind === 'friedman1' ? options.features ?? 10 : 1;
  if (kind === 'friedman1') check(Number.isInteger(d) && d >= 5 && d <= 1000, 'features', 'an integer in [5, 1000] for friedman1', d);
  const rng = new Rng(seed);
  const x = new Float32Array(n * d);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let f = 0; f < d; f++) x[i * d + f] = kind === 'sine' ? 2 * Math.PI * rng.next() : rng.next();
    const r = x.subarray(i * d, (i + 1) * d);
    let v: number;
    if (kind === 'sine') v = Math.sin(r[0]!);
    else if (kind === 'step') v = Math.floor(4 * r[0]!);
    else v = 10 * Math.sin(Math.PI * r[0]! * r[1]!) + 20 * (r[2]! - 0.5) ** 2 + 10 * r[3]! + 5 * r[4]!;
    y[i] = v + (noise > 0 ? noise * rng.normal() : 0);
  }
  const featureNames = Array.from({ length: d }, (_, f) => `x${f}`);
  return { name: kind, x, y, n, numFeatures: d, featureNames, targetName: 'y' };
}
