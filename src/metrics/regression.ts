// Regression metrics, as scikit-learn's mean_squared_error, mean_absolute_error and
// r2_score (unweighted, force_finite: a constant target gives R² = 1 when predicted
// exactly, else 0, instead of NaN or −∞).
import { check } from '../errors.js';

export interface RegressionMetrics {
  mse: number;
  mae: number;
  r2: number;
  /** Rows scored. */
  n: number;
}

export function regressionMetrics(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): RegressionMetrics {
  const n = yTrue.length;
  check(n >= 1, 'yTrue', 'at least one value', n);
  check(yPred.length === n, 'yPred', `the same length as yTrue (${n})`, yPred.length);
  let mean = 0;
  for (let i = 0; i < n; i++) {
    check(Number.isFinite(yTrue[i]!), `yTrue[${i}]`, 'a finite number', yTrue[i]);
    check(Number.isFinite(yPred[i]!), `yPred[${i}]`, 'a finite number', yPred[i]);
    mean += yTrue[i]!;
  }
  mean /= n;
  let sse = 0;
  let sae = 0;
  let sst = 0;
  for (let i = 0; i < n; i++) {
    const e = yTrue[i]! - yPred[i]!;
    sse += e * e;
    sae += Math.abs(e);
    sst += (yTrue[i]! - mean) ** 2;
  }
  const r2 = sst === 0 ? (sse === 0 ? 1 : 0) : 1 - sse / sst;
  return { mse: sse / n, mae: sae / n, r2, n };
}
