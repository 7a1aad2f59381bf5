// Argument checks shared by the kernel wrappers, so each rejects a bad buffer,
// workgroup size or uniform with the same PruneLabError wording before any GPU work,
// and re-checks uniforms when they are rewritten between steps.
import { check } from '../errors.js';
import type { BoundKernel } from './kernel.js';

/** `buf` is a buffer of at least `bytes` bytes; `what` says how that size is reckoned. */
export function checkBuffer(buf: GPUBuffer | undefined, field: string, bytes: number, what: string): void {
  const size = typeof buf?.size === 'number' ? buf.size : undefined;
  check(size !== undefined && size >= bytes, field, `a GPUBuffer of at least ${what} = ${bytes} bytes`, size ?? buf);
}

/** No buffer bound twice: WebGPU rejects a dispatch where a writable binding aliases another. */
export function checkDistinct(buffers: Readonly<Record<string, GPUBuffer | undefined>>): void {
  const seen = new Map<GPUBuffer, string>();
  for (const [field, b] of Object.entries(buffers)) {
    if (!b) continue;
    const prev = seen.get(b);
    check(prev === undefined, field, `a different buffer from ${prev}`);
    seen.set(b, field);
  }
}

/** Threads per workgroup: a power of two (tree reductions halve it) within WebGPU's default 256. */
export function checkWorkgroupSize(wg: number, field = 'workgroupSize'): void {
  check(Number.isInteger(wg) && wg >= 1 && wg <= 256 && (wg & (wg - 1)) === 0, field, 'a power of two from 1 to 256', wg);
}

/** A finite number ≥ `min` (and < `below` when given). */
export function checkNumber(v: number, field: string, min: number, below?: number): void {
  const ok = typeof v === 'number' && Number.isFinite(v) && v >= min && (below === undefined || v < below);
  check(ok, field, below === undefined ? `a finite number ≥ ${min}` : `a number in [${min}, ${below})`, v);
}

/** A finite number > 0. */
export function checkPositive(v: number, field: string): void {
  check(typeof v === 'number' && Number.isFinite(v) && v > 0, field, 'a finite number > 0', v);
}

/** Any finite number. */
export function checkFinite(v: number, field: string): void {
  check(typeof v === 'number' && Number.isFinite(v), field, 'a finite number', v);
}

/** An integer in [lo, hi]. */
export function checkInt(v: number, field: string, lo: number, hi: number, what = `${hi}`): void {
  check(Number.isInteger(v) && v >= lo && v <= hi, field, `an integer from ${lo} to ${what}`, v);
}

/**
 * The kernel with `setParams` checking its values first (the same checks as at
 * prepare time) and, when `grid` is given, resizing the dispatch to match them.
 */
export function guardParams<F extends string>(
  k: BoundKernel<F>,
  validate: (v: Readonly<Record<F, number>>) => void,
  grid?: (v: Readonly<Record<F, number>>) => readonly [number, number, number?],
): BoundKernel<F> {
  return {
    ...k,
    setParams(values) {
      validate(values);
      k.setParams(values);
      if (grid) k.setGrid(grid(values));
    },
  };
}
