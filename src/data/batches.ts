// Index helpers a trainer needs: a seeded permutation per epoch and the batches
// cut from it. The permutation depends only on (seed, epoch), so a run resumed
// from a checkpoint at epoch k sees the same order as an uninterrupted one.
import { check, checkDim } from '../errors.js';
import { Rng } from '../rng.js';

// murmur3's finalizer: spreads nearby (seed, epoch) pairs over unrelated streams.
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The Rng seed used for `epoch` of a run seeded with `seed`. */
export function epochSeed(seed: number, epoch: number): number {
  check(Number.isInteger(seed), 'seed', 'an integer', seed);
  check(Number.isInteger(epoch) && epoch >= 0, 'epoch', 'an integer ≥ 0', epoch);
  return fmix32((fmix32(seed >>> 0) + Math.imul(epoch, 0x9e3779b9)) >>> 0);
}

/** The identity order 0…n−1. */
export function identityOrder(n: number): Uint32Array {
  check(Number.isInteger(n) && n >= 0, 'n', 'an integer ≥ 0', n);
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  return out;
}

/** A seeded permutation of 0…n−1 for one epoch (Fisher–Yates on Rng(epochSeed)). */
export function epochPermutation(n: number, seed: number, epoch: number): Uint32Array {
  const s = epochSeed(seed, epoch);
  return new Rng(s).shuffle(identityOrder(n));
}

/** How many batches an epoch of n rows gives. */
export function batchCount(n: number, batchSize: number, dropLast = false): number {
  check(Number.isInteger(n) && n >= 0, 'n', 'an integer ≥ 0', n);
  checkDim(batchSize, 'batchSize');
  return dropLast ? Math.floor(n / batchSize) : Math.ceil(n / batchSize);
}

/**
 * Cuts `order` into consecutive batches of `batchSize` indices (views, no copy).
 * The last, shorter batch is kept unless `dropLast`. Arguments are checked here,
 * not lazily at the first `next()`.
 */
export function batchIndices(order: Uint32Array, batchSize: number, dropLast = false): Generator<Uint32Array> {
  check(order instanceof Uint32Array, 'order', 'a Uint32Array', order);
  const count = batchCount(order.length, batchSize, dropLast);
  return (function* () {
    for (let b = 0; b < count; b++) {
      yield order.subarray(b * batchSize, Math.min(order.length, (b + 1) * batchSize));
    }
  })();
}
