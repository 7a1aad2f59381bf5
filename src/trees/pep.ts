// Pessimistic (error-based) pruning in the style of C4.5. A leaf that holds N
// training samples, E of them misclassified, is charged N · U_CF(E, N) errors,
// where U_CF is the upper limit of a confidence interval for its error rate at
// confidence factor CF (C4.5's default 0.25; smaller CF = more pessimistic =
// more pruning). Bottom-up, a node becomes a leaf when its own charge is ≤ the
// summed charges of its current subtree's leaves. No validation data is used.
//
// U_CF(E, N), with z = Φ⁻¹(1 − CF):
//   E = 0:      1 − CF^(1/N)          (the exact binomial bound: (1 − U)^N = CF)
//   E ≥ 1:      (E + ½ + z²/2 + z·√((E + ½)(1 − (E + ½)/N) + z²/4)) / (N + z²),
//               the normal (Wilson) bound with continuity correction, capped at 1
//   0 < E < 1:  linear between U(0) and U(1) (weighted samples give fractional E)
// This is C4.5's rule without its extra +0.1 tolerance and without subtree raising.
import { check, PruneLabError } from '../errors.js';
import { pruneBottomUp, type PruneResult } from './rep.js';
import { nodeClass, type DecisionTree } from './tree.js';

export const DEFAULT_CONFIDENCE = 0.25;

export function checkConfidence(cf: unknown): number {
  check(typeof cf === 'number' && cf > 0 && cf <= 0.5, 'confidence', 'a number in (0, 0.5] (C4.5 default 0.25)', cf);
  return cf;
}

/** Standard normal quantile Φ⁻¹(p), p in (0, 1), by Acklam's rational approximation (relative error < 1.2e-9). */
export function normalQuantile(p: number): number {
  check(p > 0 && p < 1, 'p', 'a probability in (0, 1)', p);
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const tail = (q: number): number =>
    (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  if (p < 0.02425) return tail(Math.sqrt(-2 * Math.log(p)));
  if (p > 1 - 0.02425) return -tail(Math.sqrt(-2 * Math.log(1 - p)));
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) /
    (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
}

/** U_CF(E, N): the pessimistic error rate of a leaf with E errors among N samples. */
export function pessimisticRate(errors: number, n: number, confidence = DEFAULT_CONFIDENCE): number {
  checkConfidence(confidence);
  check(n > 0, 'n', 'a number > 0', n);
  check(errors >= 0 && errors <= n, 'errors', `a number in [0, n = ${n}]`, errors);
  const zeroBound = 1 - Math.pow(confidence, 1 / n);
  if (errors === 0) return zeroBound;
  const z = normalQuantile(1 - confidence);
  const wilson = (e: number): number => {
    const ec = e + 0.5;
    const inner = Math.max(0, ec * (1 - ec / n) + (z * z) / 4);
    return Math.min(1, (ec + (z * z) / 2 + z * Math.sqrt(inner)) / (n + z * z));
  };
  if (errors < 1) return zeroBound + errors * (wilson(1) - zeroBound);
  return wilson(errors);
}

/** Pessimistic pruning of a tree by its own training counts. */
export function pessimisticPrune(tree: DecisionTree, confidence = DEFAULT_CONFIDENCE): PruneResult {
  if (tree.task === 'regression') {
    // Its error bound is of a misclassification rate; there is no regression version to be faithful to.
    throw new PruneLabError('invalid-argument', 'tree is a regression tree: C4.5 pessimistic pruning is for classification only; use cost-complexity (ccpAlpha) or reduced-error pruning', 'tree');
  }
  checkConfidence(confidence);
  const c = tree.numClasses;
  return pruneBottomUp(tree, (v) => {
    const n = tree.weightedNSamples[v]!;
    const e = Math.max(0, n - tree.value[v * c + nodeClass(tree, v)]!);
    return n * pessimisticRate(Math.min(e, n), n, confidence);
  });
}
