// The per-layer chooser: the crossover read off a measured curve, figures compared
// only on one clock, and a measured choice on this device whose picks follow its
// own timings (and pick sparse where the dense kernel does over 100× the sparse
// one's work).
import { expect } from '@esm-bundle/chai';
import { chooseLayers, crossover, timeChain, timeOnOneClock } from '../../src/infer/chooser.js';
import { prepareRelu } from '../../src/kernels/relu.js';
import { chain } from '../../src/kernels/spmm.js';
import type { TimingSource } from '../../src/gpu/timing.js';
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

  it('times figures that are compared on one clock: a mix is timed again, all on the wall clock', async () => {
    const calls: Array<TimingSource | undefined> = [];
    // One figure has GPU timestamps, the other only the wall clock (its timestamps read 0, say).
    const stamped = async (clock: TimingSource | undefined) => (calls.push(clock), clock === 'wall-clock' ? { ms: 5, source: 'wall-clock' as const } : { ms: 1, source: 'gpu-timestamp' as const });
    const wall = async () => ({ ms: 3, source: 'wall-clock' as const });
    expect(await timeOnOneClock([stamped, wall])).to.deep.equal([{ ms: 5, source: 'wall-clock' }, { ms: 3, source: 'wall-clock' }]);
    expect(calls).to.deep.equal([undefined, 'wall-clock']);
    // All on one clock already: timed once.
    expect(await timeOnOneClock([stamped, stamped])).to.deep.equal([{ ms: 1, source: 'gpu-timestamp' }, { ms: 1, source: 'gpu-timestamp' }]);
    // timeChain on the wall clock when asked, whatever the device has.
    const ctx = await gpu();
    const x = ctx.pool.storage('x', 1024 * 4);
    const c = chain([await prepareRelu(ctx, { n: 1024, x })]);
    expect((await timeChain(ctx, c, 1, Infinity, 'wall-clock')).source).to.equal('wall-clock');
    const best = await timeChain(ctx, c, 1);
    expect(best.source).to.equal(ctx.device.features.has('timestamp-query') ? 'gpu-timestamp' : 'wall-clock');
    c.release();
    ctx.pool.release(x);
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
      // The fastest of the paths timed; a layer whose mask fits an N:M pattern is timed on 'nm' too.
      const nmWins = c.nmMs !== undefined && c.nmMs < c.denseMs && c.nmMs < c.sparseMs;
      expect(c.picked).to.equal(nmWins ? 'nm' : c.sparseMs < c.denseMs ? 'sparse' : 'dense');
      expect(c.curve!.map((p) => p.sparsity)).to.deep.equal([0.5, 0.99]);
      // One clock for every figure compared, and each figure says which.
      expect([c.denseTiming, c.sparseTiming, ...c.curve!.map((p) => p.timing)]).to.deep.equal(Array(4).fill(c.timing));
      // The crossover, checked by what it means: where the curve, read linearly, meets denseMs.
      const [p0, p1] = c.curve!;
      if (p0!.sparseMs < c.denseMs) expect(c.crossover).to.equal(0.5);
      else if (p1!.sparseMs < c.denseMs) {
        expect(c.crossover).to.be.within(0.5, 0.99);
        const at = p0!.sparseMs + ((c.crossover! - 0.5) / (0.99 - 0.5)) * (p1!.sparseMs - p0!.sparseMs);
        expect(at).to.be.closeTo(c.denseMs, 1e-9 * c.denseMs);
      } else expect(c.crossover).to.equal(null);
    }
    expect(choices[0]!.sparsity).to.be.above(0.98);
    // fc1 at 99%: the dense kernel multiplies 235,200 weights (and 4 rows per thread), sparse about 2,400.
    expect(choices[0]!.picked).to.equal('sparse');
    net.destroy();
  });
});
