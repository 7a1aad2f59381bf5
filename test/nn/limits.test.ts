// Models against the real adapter's limits: an over-large layer or batch is a
// PruneLabError naming the layer (its model.layers[i]) and the limit, raised before
// any buffer is made (tracked live bytes unchanged), from every face that builds
// GPU state from a plan: Network.create, Executor.create and the inference plan.
// And the enumeration is complete: no buffer that training, the optimizer, top-k
// or an inference path allocates is larger than what the check planned for its layer.
import { expect } from '@esm-bundle/chai';
import { planModel, LENET_300_100, type ModelSpec } from '../../src/nn/spec.js';
import { checkModelLimits, modelBuffers } from '../../src/nn/limits.js';
import { Network } from '../../src/nn/network.js';
import { Executor } from '../../src/nn/executor.js';
import { prepareInference, INFERENCE_PATHS } from '../../src/infer/plan.js';
import { MagnitudePruner } from '../../src/prune/magnitude.js';
import { gpu } from '../helpers/gpu.js';
import { refusal } from '../helpers/errors.js';

/** 20000 inputs → 20000 units: 1.6 GB of f32 weights, over SwiftShader's 1 GiB binding limit. */
const WIDE: ModelSpec = { input: { C: 1, H: 1, W: 20000 }, layers: [{ type: 'linear', units: 20000 }, { type: 'relu' }, { type: 'linear', units: 10 }] };

const SMALL_CNN: ModelSpec = {
  input: { C: 1, H: 12, W: 12 },
  layers: [
    { type: 'conv2d', filters: 3, kernel: 3 }, { type: 'relu' }, { type: 'maxpool2d', size: 2 }, { type: 'relu' },
    { type: 'flatten' }, { type: 'linear', units: 7 }, { type: 'relu' }, { type: 'linear', units: 5 },
  ],
};

describe('models against the adapter limits', () => {
  it('SwiftShader binds at most 1 GiB (what the over-limit cases below rely on)', async () => {
    const ctx = await gpu();
    expect(ctx.device.limits.maxStorageBufferBindingSize).to.equal(2 ** 30);
  });

  it('a 20000×20000 linear layer is refused naming the layer and the limit, before any buffer', async () => {
    const ctx = await gpu();
    const plan = planModel(WIDE);
    const live = ctx.pool.liveBytes;
    const e = await refusal(() => checkModelLimits(plan, ctx.device.limits, 1));
    expect(e.code).to.equal('invalid-config');
    expect(e.field).to.equal('model.layers[0]');
    expect(e.message).to.contain('fc1').and.to.contain('1600000000 bytes').and.to.match(/maxStorageBufferBindingSize of 1073741824|maxBufferSize of \d+/);
    const fromCreate = await refusal(() => Network.create(ctx, plan, { seed: 1 }));
    expect(fromCreate.field).to.equal('model.layers[0]');
    expect(ctx.pool.liveBytes, 'no buffer made').to.equal(live);
  });

  it('a batch too large for the activations is refused by Executor.create and the inference plan, before any buffer', async () => {
    const ctx = await gpu();
    const net = Network.create(ctx, planModel(LENET_300_100), { seed: 1 });
    const live = ctx.pool.liveBytes;
    // 400,000 rows × 784 f32 = 1.25 GB: fc1's input-sized buffers (its quantized activations; the input batch) are over.
    const e = await refusal(() => Executor.create(net, 400_000, 'train'));
    expect(e.field).to.equal('model.layers[0]');
    expect(e.message).to.contain('layer fc1').and.to.contain('1254400000 bytes');
    expect(e.message).to.match(/over this adapter's (maxBufferSize|maxStorageBufferBindingSize) of 1073741824 bytes/);
    for (const path of INFERENCE_PATHS) {
      const p = await refusal(() => prepareInference(net, { path, batch: 400_000, values: [] }));
      expect(p.field, path).to.equal('model.layers[0]');
    }
    // 1,000,000 rows of a 1-input model: fc1's 300 activations per row are the first over.
    const tall = Network.create(ctx, planModel({ input: { C: 1, H: 1, W: 1 }, layers: [{ type: 'linear', units: 300 }, { type: 'relu' }, { type: 'linear', units: 10 }] }), { seed: 1 });
    const live2 = ctx.pool.liveBytes;
    const t = await refusal(() => Executor.create(tall, 1_000_000, 'infer'));
    expect(t.field).to.equal('model.layers[0]');
    expect(t.message).to.contain('fc1').and.to.contain('activations');
    expect(ctx.pool.liveBytes).to.equal(live2);
    tall.destroy();
    expect(ctx.pool.liveBytes).to.equal(live);
    net.destroy();
  });

  it('names the spec index of the layer (a fused ReLU, a flatten and a standalone ReLU shift nothing)', () => {
    const plan = planModel(SMALL_CNN);
    const fields = new Map(modelBuffers(plan, 1).map((b) => [b.layer, b.field]));
    expect(Object.fromEntries(fields)).to.deep.include({ conv1: 'model.layers[0]', pool1: 'model.layers[2]', relu1: 'model.layers[3]', fc1: 'model.layers[5]', fc2: 'model.layers[7]' });
  });

  for (const [name, spec] of [['an MLP with widths that are not multiples of 4', { input: { C: 1, H: 5, W: 4 }, layers: [{ type: 'linear', units: 13 }, { type: 'relu' }, { type: 'linear', units: 6 }, { type: 'relu' }, { type: 'linear', units: 3 }] }], ['a small CNN', SMALL_CNN]] as const) {
    it(`no buffer training, pruning or any inference path makes for ${name} is larger than planned for its layer`, async () => {
      const ctx = await gpu();
      const B = 9;
      const plan = planModel(spec as ModelSpec);
      const planned = modelBuffers(plan, B);
      const made: Array<{ label: string; size: number }> = [];
      const pool = ctx.pool;
      const acquire = pool.acquire.bind(pool);
      pool.acquire = (label, size, usage) => {
        made.push({ label, size });
        return acquire(label, size, usage);
      };
      try {
        const net = Network.create(ctx, plan, { seed: 2 });
        const ex = await Executor.create(net, B, 'train', { type: 'adam', lr: 1e-3 });
        ex.destroy();
        const pruner = await MagnitudePruner.create(net, 'local');
        await pruner.prune(0.6);
        pruner.release();
        for (const path of INFERENCE_PATHS) {
          if (path === 'fused' && plan.ops.some((o) => o.kind !== 'linear')) continue;
          (await prepareInference(net, { path, batch: B, choices: path === 'auto' ? plan.params.map(() => 'sparse') : undefined })).destroy();
        }
        net.destroy();
      } finally {
        pool.acquire = acquire;
      }
      const names = plan.ops.map((o) => o.name);
      const maxAll = Math.max(...planned.map((b) => b.bytes));
      for (const m of made) {
        const bytes = Math.max(16, Math.ceil(m.size / 16) * 16);
        const layer = names.find((n) => new RegExp(`(^|\\s)${n}[ .]`).test(m.label));
        const max = layer ? Math.max(...planned.filter((b) => b.layer === layer).map((b) => b.bytes)) : maxAll;
        expect(bytes, `${m.label} (${layer ?? 'no layer'})`).to.be.at.most(max);
      }
      expect(made.length).to.be.above(20);
    });
  }
});
