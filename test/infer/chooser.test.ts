// The per-layer chooser: the crossover read off a measured curve, and a measured
// choice on this device whose picks follow its own timings (and pick sparse where
// the dense kernel does over 100× the sparse one's work).
import { expect } from '@esm-bundle/chai';
import { chooseLayers, crossover } from '../../src/infer/chooser.js';
import { planModel, type ModelSpec } from '../../src/nn/spec.js';
import { Network, initialValues } from '../../src/nn/network.js';
import { expectArgError } from '../helpers/errors.js';
import { gpu } from '../helpers/gpu.js';
import { pruneGlobal } from './helpers.js';

describe('per-layer chooser', () => {
  it('crossover interpolates where sparse first beats dense (0 when always, null when never)', () => {
    const curve = [{ sparsity: 0, sparseMs: 10 }, { sparsity: 0.5, sparseMs: 6 }, { sparsity: 0.9, sparseMs: 2 }];
    expect(crossover(curve, 4)).to.be.closeTo(0.7, 1e-12);
    expect(crossover(curve, 11)).to.equal(0);
    expect(crossover(curve, 1)).to.equal(null);
  });

  it('measures dense and sparse per layer, picks the faster, and reports a calibrated crossover', async () => {
    const ctx = await gpu();
    const spec: ModelSpec = { input: { C: 1, H: 28, W: 28 }, layers: [{ type: 'linear', units: 300 }, { type: 'relu' }, { type: 'linear', units: 10 }] };
    const plan = planModel(spec);
    const values = pruneGlobal(initialValues(plan, 1), 0.99);
    const net = Network.create(ctx, plan, { values });
    await expectArgError(() => chooseLayers(net, { batch: 1, values: [] }), 'values');
    await expectArgError(() => chooseLayers(net, { batch: 1, values, calibrate: [1.5] }), 'calibrate[0]');
    const choices = await chooseLayers(net, { batch: 1, values, calibrate: [0.5, 0.99], targetMs: 2 });
    console.log(JSON.stringify(choices));
    expect(choices.map((c) => c.layer)).to.deep.equal(['fc1', 'fc2']);
    for (const c of choices) {
      expect(c.denseMs).to.be.above(0);
      expect(c.sparseMs).to.be.above(0);
      expect(c.picked).to.equal(c.sparseMs < c.denseMs ? 'sparse' : 'dense');
      expect(c.curve!.map((p) => p.sparsity)).to.deep.equal([0.5, 0.99]);
      expect(c.crossover).to.equal(crossover(c.curve!, c.denseMs));
    }
    expect(choices[0]!.sparsity).to.be.above(0.98);
    // fc1 at 99%: the dense kernel multiplies 235,200 weights (and 4 rows per thread), sparse about 2,400.
    expect(choices[0]!.picked).to.equal('sparse');
    net.destroy();
  });
});
