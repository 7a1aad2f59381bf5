// Pruning schedules: the per-round targets of iterative pruning and the gradual
// cubic schedule of Zhu & Gupta (2017).
import { check } from '../errors.js';

/**
 * Iterative: each round prunes the same fraction p of the weights still remaining,
 * p = 1 − (1 − s)^(1/R), so round r ends at s_r = 1 − (1 − s)^(r/R) and round R at s.
 */
export function iterativeTargets(target: number, rounds: number): number[] {
  check(Number.isFinite(target) && target >= 0 && target < 1, 'targetSparsity', 'a number in [0, 1)', target);
  check(Number.isInteger(rounds) && rounds >= 1, 'rounds', 'an integer ≥ 1', rounds);
  return Array.from({ length: rounds }, (_, i) => (i === rounds - 1 ? target : 1 - (1 - target) ** ((i + 1) / rounds)));
}

export interface CubicSchedule {
  /** Initial sparsity s_i. */
  initial: number;
  /** Final sparsity s_f. */
  final: number;
  /** First pruning step t0. */
  start: number;
  /** Steps between mask updates Δt. */
  every: number;
  /** Number of updates n. */
  updates: number;
}

/**
 * s_t = s_f + (s_i − s_f)·(1 − (t − t0)/(n·Δt))³ for t0 ≤ t ≤ t0 + n·Δt;
 * s_i before t0 and s_f after. Masks change only at t = t0 + kΔt.
 */
export function cubicSparsity(t: number, c: CubicSchedule): number {
  if (t <= c.start) return c.initial;
  const span = c.updates * c.every;
  const u = Math.min(1, (t - c.start) / span);
  return c.final + (c.initial - c.final) * (1 - u) ** 3;
}

/** True at the steps where a gradual schedule updates the masks (t0 + kΔt, 1 ≤ k ≤ n). */
export function isCubicUpdate(t: number, c: CubicSchedule): boolean {
  const k = (t - c.start) / c.every;
  return Number.isInteger(k) && k >= 1 && k <= c.updates;
}
