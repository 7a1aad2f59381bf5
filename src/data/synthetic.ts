// Seeded 2-D toy sets for the tree lab's decision-region view: moons and circles
// (as scikit-learn's make_moons / make_circles), xor and a two-arm spiral. Gaussian
// noise of standard deviation `noise` is added to every coordinate, then rows are
// shuffled; the same seed gives the same set everywhere.
import { check } from '../errors.js';
import { Rng } from '../rng.js';
import type { TabularDataset } from './csv.js';

export type SyntheticKind = 'moons' | 'circles' | 'xor' | 'spiral';
export const SYNTHETIC_KINDS: readonly SyntheticKind[] = ['moons', 'circles', 'xor', 'spiral'];

export interface SyntheticOptions {
  /** Rows, default 200, in [4, 1 000 000]. */
  n?: number;
  /** Standard deviation of the Gaussian noise, default 0.2 (moons, circles, spiral) or 0.1 (xor). */
  noise?: number;
  seed?: number;
}

const DEFAULT_NOISE: Record<SyntheticKind, number> = { moons: 0.2, circles: 0.1, xor: 0.1, spiral: 0.2 };

export function synthetic(kind: SyntheticKind, options: SyntheticOptions = {}): TabularDataset {
  check(SYNTHETIC_KINDS.includes(kind), 'dataset', `one of ${SYNTHETIC_KINDS.join(', ')}`, kind);
  const n = options.n ?? 200;
  check(Number.isInteger(n) && n >= 4 && n <= 1_000_000, 'n', 'an integer in [4, 1000000]', n);
  const noise = options.noise ?? DEFAULT_NOISE[kind];
  check(typeof noise === 'number' && Number.isFinite(noise) && noise >= 0 && noise <= 10, 'noise', 'a number in [0, 10]', noise);
  const seed = options.seed ?? 0;
  check(Number.isInteger(seed) && seed >= 0 && seed < 2 ** 32, 'seed', 'an integer in [0, 2^32)', seed);

  const rng = new Rng(seed);
  const pts: Array<[number, number, number]> = [];
  const half = Math.floor(n / 2);
  if (kind === 'moons') {
    // Outer arc (class 0): the upper unit semicircle; inner arc (class 1): the lower
    // unit semicircle centred at (1, 0.5).
    for (let i = 0; i < half; i++) {
      const t = half > 1 ? (Math.PI * i) / (half - 1) : 0;
      pts.push([Math.cos(t), Math.sin(t), 0]);
    }
    const inner = n - half;
    for (let i = 0; i < inner; i++) {
      const t = inner > 1 ? (Math.PI * i) / (inner - 1) : 0;
      pts.push([1 - Math.cos(t), 1 - Math.sin(t) - 0.5, 1]);
    }
  } else if (kind === 'circles') {
    // Outer circle of radius 1 (class 0), inner of radius 0.5 (class 1).
    for (let i = 0; i < half; i++) {
      const t = (2 * Math.PI * i) / half;
      pts.push([Math.cos(t), Math.sin(t), 0]);
    }
    const inner = n - half;
    for (let i = 0; i < inner; i++) {
      const t = (2 * Math.PI * i) / inner;
      pts.push([0.5 * Math.cos(t), 0.5 * Math.sin(t), 1]);
    }
  } else if (kind === 'xor') {
    // Uniform on [−1, 1]²; the class is whether the signs of x and y differ (before noise).
    for (let i = 0; i < n; i++) {
      const a = 2 * rng.next() - 1;
      const b = 2 * rng.next() - 1;
      pts.push([a, b, a > 0 !== b > 0 ? 1 : 0]);
    }
  } else {
    // Two interleaved arms, 1.5 turns each, radius growing from 0 to 1.
    for (let arm = 0; arm < 2; arm++) {
      const m = arm === 0 ? half : n - half;
      for (let i = 0; i < m; i++) {
        const r = (i + 1) / m;
        const a = arm * Math.PI + r * 3 * Math.PI;
        pts.push([r * Math.cos(a), r * Math.sin(a), arm]);
      }
    }
  }
  rng.shuffle(pts);
  const x = new Float32Array(2 * n);
  const y = new Int32Array(n);
  pts.forEach(([a, b, c], i) => {
    x[2 * i] = a + noise * rng.normal();
    x[2 * i + 1] = b + noise * rng.normal();
    y[i] = c;
  });
  return { name: kind, x, y, n, numFeatures: 2, numClasses: 2, featureNames: ['x', 'y'], classNames: ['0', '1'] };
}
