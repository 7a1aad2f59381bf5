// Confusion matrix and P/R/F1 on a case worked by hand, including a class that is
// never true nor predicted (0/0 → 0, as scikit-learn's zero_division=0).
import { expect } from '@esm-bundle/chai';
import { PruneLabError } from '../../src/errors.js';
import { accuracy, classificationMetrics, confusionMatrix } from '../../src/metrics/classification.js';

describe('classification metrics', () => {
  const yTrue = [0, 0, 1, 1, 2, 2];
  const yPred = [0, 1, 1, 1, 0, 2];

  it('counts the confusion matrix with rows = true, columns = predicted', () => {
    expect(Array.from(confusionMatrix(yTrue, yPred, 4))).to.deep.equal([1, 1, 0, 0, 0, 2, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0]);
  });

  it('derives accuracy, per-class and macro precision / recall / F1', () => {
    const m = classificationMetrics(confusionMatrix(yTrue, yPred, 4), 4);
    expect(m.accuracy).to.equal(4 / 6);
    expect(m.support).to.deep.equal([2, 2, 2, 0]);
    const close = (a: number[], e: number[]): void => e.forEach((v, i) => expect(a[i]).to.be.closeTo(v, 1e-15));
    close(m.precision, [1 / 2, 2 / 3, 1, 0]);
    close(m.recall, [1 / 2, 1, 1 / 2, 0]);
    close(m.f1, [1 / 2, 0.8, 2 / 3, 0]);
    expect(m.macroPrecision).to.be.closeTo((1 / 2 + 2 / 3 + 1) / 4, 1e-15);
    expect(m.macroRecall).to.be.closeTo(2 / 4, 1e-15);
    expect(m.macroF1).to.be.closeTo((1 / 2 + 0.8 + 2 / 3) / 4, 1e-15);
    expect(accuracy(yTrue, yPred)).to.equal(4 / 6);
  });

  it('accepts the matrix as number[] as well as Uint32Array', () => {
    const m = classificationMetrics([3, 1, 0, 4], 2);
    expect(m.accuracy).to.equal(7 / 8);
    expect(m.precision).to.deep.equal([1, 0.8]);
  });

  it('validates labels and sizes', () => {
    expect(() => confusionMatrix([0, 3], [0, 1], 3)).to.throw(PruneLabError, 'yTrue[1]');
    expect(() => confusionMatrix([0], [0, 1], 3)).to.throw(PruneLabError, 'yPred');
    expect(() => classificationMetrics([1, 2, 3], 2)).to.throw(PruneLabError, 'confusion');
    expect(() => classificationMetrics([1, 2, 3, -1], 2)).to.throw(PruneLabError, 'confusion[3]');
  });
});
