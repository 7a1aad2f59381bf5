// Pruning a Network on the GPU: global/local magnitude with exact counts, per-layer
// rules, monotone masks, the random control, structured shrink equal to its masked
// twin on real MNIST inputs, and the schedules.
import { expect } from '@esm-bundle/chai';
import { planModel, LENET_300_100, LENET_5, type ModelSpec } from '../../src/nn/spec.js';
import { Network, initialValues, type LayerValues } from '../../src/nn/network.js';
import { Executor } from '../../src/nn/executor.js';
import { train } from '../../src/nn/train.js';
import { MagnitudePruner } from '../../src/prune/magnitude.js';
import { cloneNetwork, fixedKeptCounts, randomPrune } from '../../src/prune/random.js';
import { scoreUnits, selectUnits, shrink, maskUnits, unitCount } from '../../src/prune/structured.js';
import { unitNormRef } from '../../src/ref/criteria/units.js';
import { iterativeTargets, cubicSparsity, isCubicUpdate } from '../../src/prune/schedule.js';
import { decodeCheckpoint, saveCheckpoint } from '../../src/nn/checkpoint.js';
import { loadMnist, splitMnist } from '../../src/data/mnist.js';
import { PruneLabError } from '../../src/errors.js';
import { expectClose } from '../helpers/compare.js';
import { gpu, readF32 } from '../helpers/gpu.js';

function zeros(a: Float32Array): number {
  let z = 0;
  for (const x of a) if (x === 0) z++;
  return z;
}

describe('magnitude pruning of a network', () => {
  it('global: exactly round(s·N) zeros, every pruned |w| ≤ every kept |w|, layers at different sparsities', async () => {
    const ctx = await gpu();
    const plan = planModel(LENET_300_100);
    const net = Network.create(ctx, plan, { seed: 1 });
    const N = plan.params.reduce((t, q) => t + q.weightCount, 0);
    const init = initialValues(plan, 1);
    const pruner = await MagnitudePruner.create(net, 'global');
    for (const s of [0.5, 0.9]) {
      await pruner.prune(s);
      const v = await net.readValues();
      expect(v.reduce((t, l) => t + zeros(l.w), 0)).to.equal(Math.round(s * N));
      let maxPruned = 0;
      let minKept = Infinity;
      v.forEach((l, i) => l.w.forEach((x, j) => {
        if (l.mask[j]) minKept = Math.min(minKept, Math.abs(x));
        else maxPruned = Math.max(maxPruned, Math.abs(init[i]!.w[j]!));
      }));
      expect(maxPruned).to.be.at.most(minKept);
      const per = v.map((l) => zeros(l.w) / l.w.length);
      expect(per[0]! - per[2]!).to.be.greaterThan(0.2); // fc1 (fan-in 784) is pruned far more than fc3
    }
    pruner.release();
    net.destroy();
  });

  it('local: every layer at the ratio; rules exclude a layer or give it its own ratio', async () => {
    const ctx = await gpu();
    const plan = planModel(LENET_300_100);
    const net = Network.create(ctx, plan, { seed: 2 });
    const local = await MagnitudePruner.create(net, 'local');
    await local.prune(0.6);
    (await net.readValues()).forEach((l) => expect(zeros(l.w)).to.equal(Math.round(0.6 * l.w.length)));
    local.release();
    net.destroy();
    const net2 = Network.create(ctx, plan, { seed: 2 });
    const ruled = await MagnitudePruner.create(net2, 'global', { fc3: { exclude: true }, fc2: { sparsity: 0.25 } });
    await ruled.prune(0.8);
    const v = await net2.readValues();
    expect(zeros(v[0]!.w)).to.equal(Math.round(0.8 * v[0]!.w.length));
    expect(zeros(v[1]!.w)).to.equal(Math.round(0.25 * v[1]!.w.length));
    expect(zeros(v[2]!.w)).to.equal(0);
    ruled.release();
    net2.destroy();
  });

  it('masks are monotone across rounds with training in between, and optimizer state is zeroed', async () => {
    const ctx = await gpu();
    const { train: tr, test } = await loadMnist(location.origin);
    const data = splitMnist(tr, test, { trainSubset: 400, seed: 1 }).train;
    const spec: ModelSpec = { input: { C: 1, H: 28, W: 28 }, layers: [{ type: 'linear', units: 32 }, { type: 'relu' }, { type: 'linear', units: 10 }] };
    const net = Network.create(ctx, planModel(spec), { seed: 3 });
    const pruner = await MagnitudePruner.create(net, 'global');
    const opt = { type: 'sgd' as const, lr: 0.1, momentum: 0.9 };
    await train(net, data, { epochs: 1, batchSize: 40, optimizer: opt, seed: 1 });
    await pruner.prune(0.5);
    const first = await net.readValues();
    const ck = decodeCheckpoint(await saveCheckpoint(net));
    first.forEach((l, i) => l.mask.forEach((m, j) => { if (!m) expect(ck.optimizer!.w[i]![0]![j]).to.equal(0); }));
    await train(net, data, { epochs: 1, batchSize: 40, optimizer: opt, seed: 2 });
    await pruner.prune(0.8);
    const second = await net.readValues();
    first.forEach((l, i) => l.mask.forEach((m, j) => { if (!m) expect(second[i]!.mask[j]).to.equal(0); }));
    pruner.release();
    net.destroy();
  });

  it('random control: seeded random masks at the given per-layer counts, different from magnitude masks', async () => {
    const ctx = await gpu();
    const plan = planModel(LENET_300_100);
    const net = Network.create(ctx, plan, { seed: 4 });
    const mag = await MagnitudePruner.create(net, 'global');
    const res = await mag.prune(0.9);
    mag.release();
    const kept = res.kept;
    const masksOf = async (seed: number) => {
      const n = Network.create(ctx, plan, { seed: 4 });
      await randomPrune(n, kept, seed);
      const v = await n.readValues();
      n.destroy();
      return v;
    };
    const [a, b, c] = [await masksOf(1), await masksOf(1), await masksOf(2)];
    a.forEach((l, i) => {
      expect(l.mask.reduce((t, m) => t + m, 0)).to.equal(kept[i]);
      expect(zeros(l.w)).to.equal(l.w.length - kept[i]!);
      expect(Array.from(l.mask)).to.deep.equal(Array.from(b[i]!.mask));
    });
    expect(Array.from(a[0]!.mask)).to.not.deep.equal(Array.from(c[0]!.mask));
    const mv = await net.readValues();
    expect(Array.from(mv[0]!.mask)).to.not.deep.equal(Array.from(a[0]!.mask));
    net.destroy();
  });

  it('random control: counts fixed by local scope or per-layer ratios, none for a global pool', async () => {
    const ctx = await gpu();
    const net = Network.create(ctx, planModel(LENET_300_100), { seed: 1 });
    expect(fixedKeptCounts(net, 'global', undefined, 0.9)).to.equal(null);
    expect(fixedKeptCounts(net, 'local', undefined, 0.9)).to.deep.equal([235200 - 211680, 30000 - 27000, 1000 - 900]);
    expect(fixedKeptCounts(net, 'global', { fc1: { exclude: true }, fc2: { sparsity: 0.5 } }, 0.9)).to.deep.equal([235200, 15000, 100]);
    expect(fixedKeptCounts(net, 'global', { fc1: { exclude: true } }, 0.9)).to.equal(null);
    net.destroy();
  });

  it('the twin: a clone with the optimizer state trains and prunes exactly like the original', async () => {
    const ctx = await gpu();
    const { train: tr, test } = await loadMnist(location.origin);
    const data = splitMnist(tr, test, { trainSubset: 300, seed: 2 }).train;
    const spec: ModelSpec = { input: { C: 1, H: 28, W: 28 }, layers: [{ type: 'linear', units: 24 }, { type: 'relu' }, { type: 'linear', units: 10 }] };
    const before = ctx.pool.liveBytes;
    const net = Network.create(ctx, planModel(spec), { seed: 5 });
    const opt = { type: 'adam' as const, lr: 1e-3 };
    await train(net, data, { epochs: 1, batchSize: 30, optimizer: opt, seed: 1 });
    const pr = await MagnitudePruner.create(net, 'global');
    await pr.prune(0.5);
    pr.release();
    const twin = cloneNetwork(net);
    const plain = Network.create(ctx, net.plan, { values: await net.readValues() }); // the values without the Adam state
    expect(twin.optimizer!.step).to.equal(net.optimizer!.step);
    for (const n of [net, twin, plain]) {
      await train(n, data, { epochs: 1, batchSize: 30, optimizer: opt, seed: 2 });
      const p = await MagnitudePruner.create(n, 'global');
      await p.prune(0.8);
      p.release();
    }
    const [a, b, c] = [await net.readValues(), await twin.readValues(), await plain.readValues()];
    a.forEach((l, i) => {
      expect(Array.from(b[i]!.w), `layer ${i} weights`).to.deep.equal(Array.from(l.w));
      expect(Array.from(b[i]!.mask), `layer ${i} mask`).to.deep.equal(Array.from(l.mask));
    });
    expect(Array.from(c[0]!.w)).to.not.deep.equal(Array.from(a[0]!.w));
    for (const n of [net, twin, plain]) n.destroy();
    expect(ctx.pool.liveBytes).to.equal(before);
  });
});

describe('structured pruning', () => {
  async function logits(spec: ModelSpec, values: LayerValues[], x: Float32Array, B: number): Promise<Float32Array> {
    const ctx = await gpu();
    const plan = planModel(spec);
    const net = Network.create(ctx, plan, { values });
    const ex = await Executor.create(net, B, 'infer');
    ex.writeBatch(x, new Uint32Array(B), B);
    const enc = ctx.device.createCommandEncoder();
    const pass = enc.beginComputePass();
    ex.encodeForward(pass);
    pass.end();
    ctx.device.queue.submit([enc.finish()]);
    const out = await readF32(ctx, ex.logits, B * plan.classes);
    ex.destroy();
    net.destroy();
    return out;
  }

  for (const [name, spec, scope, criterion] of [
    ['LeNet-300-100, local L2', LENET_300_100, 'local', 'l2'],
    ['LeNet-300-100, global L1', LENET_300_100, 'global', 'l1'],
    ['LeNet-5, local L1 (filters and neurons, conv → flatten → fc)', LENET_5, 'local', 'l1'],
  ] as const) {
    it(`${name}: shapes shrink, outputs equal the masked model's on MNIST inputs, params/FLOPs from new shapes`, async () => {
      const { test } = await loadMnist(location.origin);
      const plan = planModel(spec);
      const values = initialValues(plan, 5).map((v) => ({ ...v, b: v.b.map((_, i) => 0.01 * ((i % 7) - 3)) }));
      // Scores on the GPU (unit-reduce) against the f64 oracle; the selection from them equals the oracle's.
      const net = Network.create(await gpu(), plan, { values });
      const scores = await scoreUnits(net, criterion);
      net.destroy();
      const ref = plan.params.slice(0, -1).map((_, i) => unitNormRef(plan, values, i, criterion));
      scores.forEach((sc, i) => expectClose(sc, ref[i]!, { atol: 1e-6, rtol: 1e-5 }, `${criterion} layer ${i}`));
      const original = plan.params.map((_, i) => unitCount(plan, i));
      const sel = selectUnits(plan, { fraction: 0.5, criterion, scope, original, scores });
      expect(sel.removed).to.deep.equal(selectUnits(plan, { fraction: 0.5, criterion, scope, original, scores: ref }).removed);
      const small = shrink(plan, values, sel);
      const sp = planModel(small.spec);
      const removed = sel.removed.reduce((t, r) => t + r.length, 0);
      const hiddenLayers = plan.params.slice(0, -1).map((_, i) => unitCount(plan, i));
      // Both scopes remove round(0.5 · units) per layer's worth: per layer (local) or pooled (global).
      expect(removed).to.equal(hiddenLayers.reduce((t, u) => t + Math.round(0.5 * u), 0));
      expect(sel.removed.at(-1)).to.deep.equal([]); // the classes are never removed
      if (scope === 'local') plan.params.slice(0, -1).forEach((_, i) => expect(unitCount(sp, i)).to.equal(unitCount(plan, i) - Math.round(0.5 * unitCount(plan, i))));
      expect(sp.classes).to.equal(10);
      expect(sp.paramCount).to.be.below(plan.paramCount * 0.6);
      expect(sp.flopsPerSample).to.be.below(plan.flopsPerSample);
      expect(sp.paramCount).to.equal(small.values.reduce((t, v) => t + v.w.length + v.b.length, 0));
      const B = 16;
      const x = test.images.slice(0, B * 784);
      expectClose(await logits(small.spec, small.values, x, B), await logits(spec, maskUnits(plan, values, sel), x, B), { atol: 1e-4, rtol: 1e-4 }, 'shrunk vs masked logits');
    });
  }

  it('refuses to remove every unit of a layer', () => {
    const spec: ModelSpec = { input: { C: 1, H: 2, W: 2 }, layers: [{ type: 'linear', units: 2 }, { type: 'relu' }, { type: 'linear', units: 3 }] };
    const plan = planModel(spec);
    const scores = [unitNormRef(plan, initialValues(plan, 1), 0, 'l2')];
    expect(() => selectUnits(plan, { fraction: 0.9, criterion: 'l2', scope: 'local', original: [2, 3], scores })).to.throw(PruneLabError, /every one of fc1/);
  });
});

describe('pruning schedules', () => {
  it('iterative targets prune the same fraction of the remaining weights each round', () => {
    const t = iterativeTargets(0.9, 3);
    expect(t[2]).to.equal(0.9);
    const keep = [1, ...t.map((s) => 1 - s)];
    expectClose([keep[1]! / keep[0]!, keep[2]! / keep[1]!, keep[3]! / keep[2]!], [0.1 ** (1 / 3), 0.1 ** (1 / 3), 0.1 ** (1 / 3)], { atol: 1e-12, rtol: 0 });
  });

  it('the cubic schedule matches s_t = s_f + (s_i − s_f)(1 − (t − t0)/(nΔt))³', () => {
    const c = { initial: 0.1, final: 0.9, start: 100, every: 10, updates: 20 };
    for (const t of [0, 100, 110, 150, 250, 300, 1000]) {
      const u = Math.min(1, Math.max(0, (t - 100) / 200));
      expectClose([cubicSparsity(t, c)], [0.9 + (0.1 - 0.9) * (1 - u) ** 3], { atol: 1e-12, rtol: 0 }, `t=${t}`);
    }
    expect([100, 110, 115, 300, 310].map((t) => isCubicUpdate(t, c))).to.deep.equal([false, true, false, true, false]);
  });
});
