// The hand-written fixture reports are coherent: every entry's metrics are the ones
// its confusion matrix gives, and its sparsity is the one its layers give.
import { expect } from '@esm-bundle/chai';
import { classificationMetrics } from '../../src/metrics/classification.js';
import { MAGNITUDE_REPORT, RANDOM_REPORT } from './fixtures.js';

describe('ui fixtures', () => {
  for (const r of [MAGNITUDE_REPORT, RANDOM_REPORT]) {
    it(`${r.id}: metrics match the confusion matrices (±1e-6) and sparsity the layers`, () => {
      for (const e of [r.baseline!, ...r.rounds]) {
        const m = classificationMetrics(e.confusion, 3);
        expect(e.accuracy).to.be.closeTo(m.accuracy, 1e-6);
        expect(e.precision).to.be.closeTo(m.macroPrecision, 1e-6);
        expect(e.recall).to.be.closeTo(m.macroRecall, 1e-6);
        expect(e.macroF1).to.be.closeTo(m.macroF1, 1e-6);
        for (let c = 0; c < 3; c++) {
          expect(e.perClass.precision[c]).to.be.closeTo(m.precision[c]!, 1e-6);
          expect(e.perClass.recall[c]).to.be.closeTo(m.recall[c]!, 1e-6);
          expect(e.perClass.f1[c]).to.be.closeTo(m.f1[c]!, 1e-6);
        }
        const params = e.layers.reduce((s, l) => s + l.params, 0);
        const nonzero = e.layers.reduce((s, l) => s + l.nonzero, 0);
        expect(e.sparsity).to.equal(1 - nonzero / params);
      }
    });
  }
});
