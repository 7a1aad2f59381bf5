// Comparing inference paths: how often two paths give the same class, and accuracy
// of classes against labels (the first pred.length of them).
import { check } from '../errors.js';

export function agreement(a: ArrayLike<number>, b: ArrayLike<number>): number {
  check(a.length === b.length && a.length > 0, 'b', `classes of the same non-zero length as a (${a.length})`, b.length);
  let same = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) same++;
  return same / a.length;
}

export function accuracyOf(pred: ArrayLike<number>, labels: ArrayLike<number>): number {
  check(pred.length > 0 && labels.length >= pred.length, 'labels', `at least pred.length = ${pred.length} labels`, labels.length);
  let ok = 0;
  for (let i = 0; i < pred.length; i++) if (pred[i] === labels[i]) ok++;
  return ok / pred.length;
}
