// Shared by the inference tests: masks with rows pruned to chosen fractions, and
// real MNIST test images.
import { Rng } from '../../src/rng.js';
import { loadMnist, splitMnist, type Splits } from '../../src/data/mnist.js';

/**
 * A mask over K×N (in × out) where output n's column keeps a chosen fraction:
 * column 0 all kept, 1 half pruned, 2 99% pruned, 3 all pruned, the rest random.
 */
export function rowMask(K: number, N: number, rng: Rng, keep = 0.3): Uint8Array {
  const m = new Uint8Array(K * N);
  for (let n = 0; n < N; n++) {
    const frac = [1, 0.5, 0.01, 0][n] ?? keep;
    for (let k = 0; k < K; k++) m[k * N + n] = rng.next() < frac ? 1 : 0;
  }
  return m;
}


let splits: Promise<Splits> | undefined;
/** A seeded MNIST split (1,500 training images, 500 test images), loaded once per file. */
export function mnist(): Promise<Splits> {
  splits ??= loadMnist(location.origin).then(({ train, test }) => splitMnist(train, test, { trainSubset: 1500, validationSubset: 100, testSubset: 500, seed: 1 }));
  return splits;
}
