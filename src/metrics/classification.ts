// Classification metrics shared by trees and nets: the confusion matrix and the
// accuracy / per-class precision, recall, F1 derived from it. A 0/0 ratio is 0,
// as scikit-learn's zero_division=0, so an unpredicted class never gives NaN.
import { check } from '../errors.js';

export interface ClassificationMetrics {
  accuracy: number;
  precision: number[];
  recall: number[];
  f1: number[];
  macroPrecision: number;
  macroRecall: number;
  macroF1: number;
  /** Number of true samples of each class (the confusion matrix's row sums). */
  support: number[];
}

function checkClasses(numClasses: number): void {
  check(Number.isInteger(numClasses) && numClasses >= 1 && numClasses <= 65536, 'numClasses', 'an integer in [1, 65536]', numClasses);
}

/**
 * Counts pairs into a numClasses × numClasses matrix, row-major, row = true class,
 * column = predicted class. Both label arrays must hold integers in [0, numClasses).
 */
export function confusionMatrix(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, numClasses: number): Uint32Array {
  checkClasses(numClasses);
  check(yPred.length === yTrue.length, 'yPred', `the same length as yTrue (${yTrue.length})`, yPred.length);
  for (let i = 0; i < yTrue.length; i++) {
    const t = yTrue[i]!;
    const p = yPred[i]!;
    check(Number.isInteger(t) && t >= 0 && t < numClasses, `yTrue[${i}]`, `an integer in [0, ${numClasses - 1}]`, t);
    check(Number.isInteger(p) && p >= 0 && p < numClasses, `yPred[${i}]`, `an integer in [0, ${numClasses - 1}]`, p);
  }
  const m = new Uint32Array(numClasses * numClasses);
  for (let i = 0; i < yTrue.length; i++) m[yTrue[i]! * numClasses + yPred[i]!]!++;
  return m;
}

const ratio = (a: number, b: number): number => (b === 0 ? 0 : a / b);

/** Metrics from a confusion matrix (number[] or Uint32Array, row = true, column = predicted). */
export function classificationMetrics(confusion: ArrayLike<number>, numClasses: number): ClassificationMetrics {
  checkClasses(numClasses);
  check(confusion.length === numClasses * numClasses, 'confusion', `${numClasses}×${numClasses} = ${numClasses * numClasses} counts`, confusion.length);
  for (let i = 0; i < confusion.length; i++) {
    const v = confusion[i]!;
    check(Number.isFinite(v) && v >= 0, `confusion[${i}]`, 'a finite count ≥ 0', v);
  }
  const support: number[] = [];
  const predicted: number[] = new Array<number>(numClasses).fill(0);
  let total = 0;
  let correct = 0;
  for (let t = 0; t < numClasses; t++) {
    let row = 0;
    for (let p = 0; p < numClasses; p++) {
      const v = confusion[t * numClasses + p]!;
      row += v;
      predicted[p] += v;
    }
    support.push(row);
    total += row;
    correct += confusion[t * numClasses + t]!;
  }
  const precision: number[] = [];
  const recall: number[] = [];
  const f1: number[] = [];
  for (let c = 0; c < numClasses; c++) {
    const tp = confusion[c * numClasses + c]!;
    const p = ratio(tp, predicted[c]!);
    const r = ratio(tp, support[c]!);
    precision.push(p);
    recall.push(r);
    f1.push(ratio(2 * p * r, p + r));
  }
  const mean = (a: number[]): number => a.reduce((s, v) => s + v, 0) / numClasses;
  return {
    accuracy: ratio(correct, total),
    precision,
    recall,
    f1,
    macroPrecision: mean(precision),
    macroRecall: mean(recall),
    macroF1: mean(f1),
    support,
  };
}

/** Fraction of positions where the labels agree (0 for empty input). */
export function accuracy(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  check(yPred.length === yTrue.length, 'yPred', `the same length as yTrue (${yTrue.length})`, yPred.length);
  let ok = 0;
  for (let i = 0; i < yTrue.length; i++) if (yTrue[i] === yPred[i]) ok++;
  return ratio(ok, yTrue.length);
}
