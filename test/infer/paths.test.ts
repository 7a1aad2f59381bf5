// Every inference path against masked f32 on real MNIST test images: an MLP
// (LeNet-300-100) and a small CNN, trained briefly here and pruned by global
// magnitude, at batch 1 (frames) and in batches; int8 (both product versions)
// within a stated accuracy drop; a structurally shrunk model against the masked
// model it equals; N:M masks (2:4, and per-layer patterns on the CNN) on the 'nm'
// path, on 'auto' with nm picks, and a forced pattern; and the plan's API: errors,
// memory, release.
import { expect } from '@esm-bundle/chai';
import { planModel, LENET_300_100, LENET_5, type ModelSpec } from '../../src/nn/spec.js';
import { Network, type LayerValues } from '../../src/nn/network.js';
import { train } from '../../src/nn/train.js';
import { prepareInference, type InferencePath } from '../../src/infer/plan.js';
import { shrinkNetwork, keepByNorm } from '../../src/infer/shrink.js';
import { hasDot4, type Int8Variant } from '../../src/kernels/spmm.js';
import type { GpuContext } from '../../src/gpu/context.js';
import { expectClose } from '../helpers/compare.js';
import { expectArgError } from '../helpers/errors.js';
import { gpu } from '../helpers/gpu.js';
import { maskRemovedUnits, mnist, nearTies, pruneGlobal } from './helpers.js';
import { accuracyOf, agreement } from '../../src/infer/compare.js';
import { NUDGE_BELOW_GPU_MS } from '../../src/gpu/completion.js';
import { nmMaskRef } from '../../src/ref/nm.js';
import type { NmPattern } from '../../src/layout/nm.js';
import type { ModelPlan } from '../../src/nn/spec.js';

const SMALL_CNN: ModelSpec = {
  name: 'small-cnn',
  input: { C: 1, H: 28, W: 28 },
  layers: [
    { type: 'conv2d', filters: 6, kernel: 5 }, { type: 'relu' }, { type: 'maxpool2d', size: 2 },
    { type: 'conv2d', filters: 12, kernel: 3, padding: 'same' }, { type: 'relu' }, { type: 'maxpool2d', size: 2 },
    { type: 'flatten' }, { type: 'linear', units: 32 }, { type: 'relu' }, { type: 'linear', units: 10 },
  ],
};
/** f32 paths sum in another order than masked: logits agree to this. */
const F32_TOL = { atol: 1e-4, rtol: 1e-4 };
/** Predictions may differ only where masked's top two logits are this close. */
const TIE_EPS = 1e-4;
/** int8 (weights and activations): at most this accuracy drop against masked f32, and this much agreement. */
const INT8_MAX_DROP = 0.01;
const INT8_MIN_AGREE = 0.97;

async function trained(ctx: GpuContext, spec: ModelSpec, sparsity: number): Promise<{ net: Network; values: LayerValues[] }> {
  const { train: tr } = await mnist();
  const plan = planModel(spec);
  const net = Network.create(ctx, plan, { seed: 3 });
  await train(net, tr, { epochs: 1, batchSize: 50, optimizer: { type: 'adam', lr: 3e-3 }, seed: 1 });
  const values = pruneGlobal(await net.readValues(), sparsity);
  net.writeValues(values);
  return { net, values };
}

/** Predictions and logits of `path` on the first n test images, in batches of B. */
async function runPath(net: Network, values: LayerValues[], path: InferencePath, B: number, n: number, extra: { int8Variant?: Int8Variant; choices?: Array<'dense' | 'sparse' | 'nm'>; nm?: NmPattern } = {}) {
  const { test } = await mnist();
  const plan = await prepareInference(net, { path, batch: B, values, ...extra });
  const D = 784;
  const pred = new Uint32Array(n);
  const logits = new Float32Array(n * 10);
  for (let s = 0; s < n; s += B) {
    const rows = Math.min(B, n - s);
    const x = test.images.subarray(s * D, (s + rows) * D);
    pred.set(B === 1 ? [await plan.infer(x)] : await plan.run(x), s);
    logits.set(await plan.readLogits(rows), s * 10);
  }
  const info = { layers: plan.layers, modelBytes: plan.modelBytes, choices: plan.choices, variant: plan.int8Variant };
  plan.destroy();
  return { pred, logits, info };
}

function checkF32(name: string, got: { pred: Uint32Array; logits: Float32Array }, ref: { pred: Uint32Array; logits: Float32Array }): void {
  expectClose(got.logits, ref.logits, F32_TOL, `${name} logits`);
  const ties = nearTies(ref.logits, 10, TIE_EPS);
  for (let i = 0; i < ref.pred.length; i++) if (!ties.has(i)) expect(got.pred[i], `${name} image ${i}`).to.equal(ref.pred[i]);
}

// Both product versions always: where dot4 is missing its cases fail loudly rather than drop out.
const int8Variants: Int8Variant[] = ['dot4', 'unpack'];

it('this device has dot4I8Packed (Chromium 156 on SwiftShader reports packed_4x8_integer_dot_product), so int8 dot4 is tested', async () => {
  expect(hasDot4(await gpu()), 'the context has packed_4x8_integer_dot_product').to.equal(true);
});

for (const [spec, sparsity, B, n] of [[LENET_300_100, 0.9, 100, 500], [SMALL_CNN, 0.8, 50, 200]] as const) {
  describe(`inference paths: ${spec.name} trained on MNIST, ${sparsity * 100}% pruned`, () => {
    let model: { net: Network; values: LayerValues[] } | undefined;
    let masked: Awaited<ReturnType<typeof runPath>>;
    const get = async (): Promise<{ net: Network; values: LayerValues[] }> => {
      if (!model) {
        model = await trained(await gpu(), spec, sparsity);
        masked = await runPath(model.net, model.values, 'masked', B, n);
      }
      return model;
    };
    after(() => model?.net.destroy());

    it(`masked f32 has learnt something (accuracy on ${n} test images > 0.6)`, async () => {
      await get();
      const acc = accuracyOf(masked.pred, (await mnist()).test.labels);
      console.log(`${spec.name} masked f32 accuracy ${acc}`);
      expect(acc).to.be.above(0.6);
    });

    const f32Paths = spec === LENET_300_100 ? (['dense', 'sparse', 'auto', 'fused'] as const) : (['dense', 'sparse', 'auto'] as const);
    for (const path of f32Paths) {
      it(`${path}: same logits and classes as masked, batch ${B} and frames (batch 1)`, async () => {
        const { net, values } = await get();
        const got = await runPath(net, values, path, B, n);
        checkF32(`${path} B=${B}`, got, masked);
        const frames = await runPath(net, values, path, 1, 20);
        checkF32(`${path} B=1`, frames, { pred: masked.pred.subarray(0, 20), logits: masked.logits.subarray(0, 200) });
        if (path === 'sparse') {
          // Global magnitude pruning kept total − round(s·total) weights, and trained weights are never exactly 0.
          const total = values.reduce((t, v) => t + v.w.length, 0);
          expect(got.info.layers.reduce((t, l) => t + l.nnz, 0), 'nnz of all layers').to.equal(total - Math.round(sparsity * total));
          got.info.layers.forEach((l, i) => {
            let ones = 0;
            for (const m of values[i]!.mask) ones += m;
            expect(l.nnz, `${l.name} nnz`).to.equal(ones);
          });
        }
        if (path === 'auto') expect(got.info.choices).to.have.length(values.length);
      });
    }

    it('auto with given per-layer picks (sparse, dense, …) gives masked results', async () => {
      const { net, values } = await get();
      const choices = values.map((_, i): 'dense' | 'sparse' => (i % 2 ? 'dense' : 'sparse'));
      const got = await runPath(net, values, 'auto', B, n, { choices });
      expect(got.info.layers.map((l) => l.impl)).to.deep.equal(choices);
      checkF32('auto (given picks)', got, masked);
    });

    for (const variant of int8Variants) {
      it(`int8 (${variant}): accuracy within ${INT8_MAX_DROP * 100} points of masked f32, ≥ ${INT8_MIN_AGREE * 100}% same classes`, async () => {
        const { net, values } = await get();
        const got = await runPath(net, values, 'int8', B, n, { int8Variant: variant });
        expect(got.info.variant).to.equal(variant);
        const { test } = await mnist();
        const drop = accuracyOf(masked.pred, test.labels) - accuracyOf(got.pred, test.labels);
        console.log(`${spec.name} int8 (${variant}): accuracy ${accuracyOf(got.pred, test.labels)} vs f32 ${accuracyOf(masked.pred, test.labels)}, agreement ${agreement(got.pred, masked.pred)}`);
        expect(drop).to.be.at.most(INT8_MAX_DROP);
        expect(agreement(got.pred, masked.pred)).to.be.at.least(INT8_MIN_AGREE);
        // Logits stay near f32: int8 noise is a few percent of the logit range.
        let worst = 0;
        for (let i = 0; i < got.logits.length; i++) worst = Math.max(worst, Math.abs(got.logits[i]! - masked.logits[i]!));
        const range = masked.logits.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
        expect(worst, 'largest logit error').to.be.below(0.1 * range);
      });
    }

    it('sparse and sparse+int8 hold fewer GPU bytes than dense', async () => {
      const { net, values } = await get();
      const sizes: Record<string, number> = {};
      for (const path of ['dense', 'masked', 'sparse', 'int8'] as const) {
        const plan = await prepareInference(net, { path, values });
        sizes[path] = plan.modelBytes;
        plan.destroy();
      }
      expect(sizes.masked).to.be.above(sizes.dense!);
      console.log(`${spec.name} model GPU bytes`, sizes);
      expect(sizes.sparse).to.be.below(sizes.dense! * 0.5);
      expect(sizes.int8).to.be.below(sizes.sparse!);
    });
  });
}

/** Values with N:M masks by |w| per layer (patterns[i] for layer i), pruned weights set to 0. */
function nmValues(plan: ModelPlan, values: LayerValues[], patterns: NmPattern[]): LayerValues[] {
  return values.map((v, i) => {
    const op = plan.params[i]!;
    const [rows, cols, layout] = op.conv ? [op.conv.F, op.conv.C * op.conv.k * op.conv.k, 'out-in' as const] : [op.out, op.in, 'in-out' as const];
    const mask = nmMaskRef(v.w, rows, cols, layout, patterns[i]!.n, patterns[i]!.m);
    return { w: v.w.map((x, j) => (mask[j] ? x : 0)), b: v.b.slice(), mask };
  });
}

// LeNet-300-100 at 2:4 everywhere; the CNN's layers at what their inputs allow (conv1 25 = 5·5, conv2 54 = 6·3·3, fc1 588, fc2 32).
for (const [spec, patterns, B, n] of [
  [LENET_300_100, [{ n: 2, m: 4 }, { n: 2, m: 4 }, { n: 2, m: 4 }], 100, 500],
  [SMALL_CNN, [{ n: 2, m: 5 }, { n: 1, m: 3 }, { n: 2, m: 4 }, { n: 2, m: 4 }], 50, 200],
] as const) {
  describe(`inference paths: ${spec.name} trained on MNIST with N:M masks (${patterns.map((p) => `${p.n}:${p.m}`).join(', ')})`, () => {
    let model: { net: Network; dense: LayerValues[]; values: LayerValues[]; masked: Awaited<ReturnType<typeof runPath>> } | undefined;
    const get = async (): Promise<NonNullable<typeof model>> => {
      if (!model) {
        const { net, values: dense } = await trained(await gpu(), spec, 0);
        const values = nmValues(net.plan, dense, [...patterns]);
        net.writeValues(values);
        model = { net, dense, values, masked: await runPath(net, values, 'masked', B, n) };
      }
      return model;
    };
    after(() => model?.net.destroy());

    it(`nm: same logits and classes as masked, batch ${B} and frames; each layer at its pattern, kept counts exact, fewer bytes`, async () => {
      const { net, values, masked } = await get();
      console.log(`${spec.name} N:M masked f32 accuracy ${accuracyOf(masked.pred, (await mnist()).test.labels)}`);
      const got = await runPath(net, values, 'nm', B, n);
      checkF32(`nm B=${B}`, got, masked);
      checkF32('nm B=1', await runPath(net, values, 'nm', 1, 20), { pred: masked.pred.subarray(0, 20), logits: masked.logits.subarray(0, 200) });
      expect(got.info.layers.map((l) => l.impl)).to.deep.equal(values.map(() => 'nm'));
      expect(got.info.layers.map((l) => l.nm)).to.deep.equal(patterns);
      got.info.layers.forEach((l, i) => expect(l.nnz, `${l.name} nnz`).to.equal(values[i]!.w.length * patterns[i]!.n / patterns[i]!.m));
      const dense = await prepareInference(net, { path: 'dense', values });
      const denseBytes = dense.modelBytes;
      dense.destroy();
      console.log(`${spec.name} N:M model GPU bytes ${got.info.modelBytes} (dense ${denseBytes})`);
      expect(got.info.modelBytes).to.be.below(denseBytes * 0.7);
    });

    it('auto: the chooser times nm for every layer and its picks give masked results; given picks with nm too', async () => {
      const { net, values, masked } = await get();
      const got = await runPath(net, values, 'auto', B, n);
      checkF32('auto', got, masked);
      for (const [i, c] of got.info.choices!.entries()) {
        expect(c.nm, c.layer).to.deep.equal(patterns[i]);
        expect(c.nmMs, c.layer).to.be.above(0);
        expect(c.picked).to.equal(c.nmMs! < Math.min(c.denseMs, c.sparseMs) ? 'nm' : c.sparseMs < c.denseMs ? 'sparse' : 'dense');
      }
      const choices = values.map((_, i): 'dense' | 'sparse' | 'nm' => (['nm', 'sparse', 'dense'] as const)[i % 3]!);
      const given = await runPath(net, values, 'auto', B, n, { choices });
      expect(given.info.layers.map((l) => l.impl)).to.deep.equal(choices);
      checkF32('auto (given picks with nm)', given, masked);
    });

    it('a forced pattern: run when every layer fits it, refused by name (nm) when one does not; unpruned layers run at 1:1', async () => {
      const { net, dense, values, masked } = await get();
      if (spec === LENET_300_100) {
        checkF32('nm forced 2:4', await runPath(net, values, 'nm', B, n, { nm: { n: 2, m: 4 } }), masked);
        await expectArgError(() => prepareInference(net, { path: 'nm', values, nm: { n: 1, m: 4 } }), 'nm');
      } else {
        await expectArgError(() => prepareInference(net, { path: 'nm', values, nm: { n: 2, m: 4 } }), 'nm');
      }
      await expectArgError(() => prepareInference(net, { path: 'nm', values, nm: { n: 4, m: 4 } }), 'nm');
      await expectArgError(() => prepareInference(net, { path: 'sparse', values, nm: { n: 2, m: 4 } }), 'nm');
      // The unpruned model on 'nm': every layer fits no pattern, so 1:1 (every weight), still the masked results.
      net.writeValues(dense);
      try {
        const ref = await runPath(net, dense, 'masked', B, 2 * B);
        const all = await runPath(net, dense, 'nm', B, 2 * B);
        expect(all.info.layers.map((l) => l.nm)).to.deep.equal(dense.map(() => ({ n: 1, m: 1 })));
        checkF32('nm on unpruned masks', all, ref);
      } finally {
        net.writeValues(values);
      }
    });
  });
}

describe('inference paths: structured (a shrunk network on the dense path)', () => {
  it('LeNet-300-100 with 50% of hidden neurons removed equals masked with those neurons masked out (dense runs padded to multiples of 4)', async () => {
    const ctx = await gpu();
    const { net, values } = await trained(ctx, LENET_300_100, 0.5);
    const plan = planModel(LENET_300_100);
    const keep = keepByNorm(plan, values, 0.5);
    const shrunk = shrinkNetwork(plan, values, keep);
    const small = Network.create(ctx, planModel(shrunk.spec), { values: shrunk.values });
    expect(small.plan.params.map((p) => p.out)).to.deep.equal([150, 50, 10]);
    expect(small.plan.flopsPerSample).to.be.below(plan.flopsPerSample * 0.51);
    const masked = maskRemovedUnits(plan, values, keep);
    net.writeValues(masked);
    const ref = await runPath(net, masked, 'masked', 100, 300);
    const got = await runPath(small, shrunk.values, 'dense', 100, 300);
    checkF32('structured', got, ref);
    // Widths 150 and 50 run padded to 152 and 52 (the vec4 kernel fits): fc1 and fc2 hold the padded copies.
    const [fc1, fc2] = got.info.layers;
    expect(fc1!.modelBytes).to.be.within((784 * 152 + 152) * 4, (784 * 152 + 152) * 4 + 32);
    expect(fc2!.modelBytes).to.be.within((152 * 52 + 52) * 4, (152 * 52 + 52) * 4 + 32);
    small.destroy();
    net.destroy();
  });

  it('LeNet-5 shrunk by filters and neurons equals the masked model (untrained, 6 images)', async () => {
    const ctx = await gpu();
    const plan = planModel(LENET_5);
    const init = Network.create(ctx, plan, { seed: 5 });
    const values = pruneGlobal(await init.readValues(), 0.3);
    init.destroy();
    const keep = keepByNorm(plan, values, 0.5);
    const shrunk = shrinkNetwork(plan, values, keep);
    expect(planModel(shrunk.spec).params.map((p) => (p.conv ? p.conv.F : p.out))).to.deep.equal([10, 25, 250, 10]);
    const masked = maskRemovedUnits(plan, values, keep);
    const net = Network.create(ctx, plan, { values: masked });
    const small = Network.create(ctx, planModel(shrunk.spec), { values: shrunk.values });
    const ref = await runPath(net, masked, 'masked', 2, 6);
    const got = await runPath(small, shrunk.values, 'dense', 2, 6);
    checkF32('structured LeNet-5', got, ref);
    small.destroy();
    net.destroy();
  });
});

describe('inference paths: LeNet-5 shapes (untrained, 90% pruned, 4 real images)', () => {
  it('dense, sparse, auto and int8 against masked', async () => {
    const ctx = await gpu();
    const plan = planModel(LENET_5);
    const init = Network.create(ctx, plan, { seed: 9 });
    const values = pruneGlobal(await init.readValues(), 0.9);
    init.destroy();
    const net = Network.create(ctx, plan, { values });
    const ref = await runPath(net, values, 'masked', 2, 4);
    for (const path of ['dense', 'sparse', 'auto'] as const) checkF32(`LeNet-5 ${path}`, await runPath(net, values, path, 2, 4), ref);
    const q = await runPath(net, values, 'int8', 2, 4);
    const range = ref.logits.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    expectClose(q.logits, ref.logits, { atol: 0.05 * range, rtol: 0 }, 'LeNet-5 int8 logits within 5% of the logit range');
    net.destroy();
  });
});

describe('inference plan API', () => {
  it("every completion wait gives the same classes; 'auto' says the GPU time it picked by", async () => {
    const ctx = await gpu();
    const net = Network.create(ctx, planModel(LENET_300_100), { seed: 2 });
    const x = (await mnist()).test.images;
    const ref = await prepareInference(net, { path: 'masked', batch: 8, completion: 'map' });
    const want = Array.from(await ref.predict(x, 24));
    ref.destroy();
    for (const completion of ['map', 'nudge', 'auto'] as const) {
      const p = await prepareInference(net, { path: 'sparse', completion });
      const got: number[] = [];
      for (let i = 0; i < 24; i++) got.push(await p.infer(x.subarray(i * 784, (i + 1) * 784)));
      expect(got, completion).to.deep.equal(want);
      if (completion === 'auto') {
        const c = p.completionChoice!;
        expect(c.gpuMs).to.be.greaterThan(0);
        expect(p.completion).to.equal(c.gpuMs < NUDGE_BELOW_GPU_MS ? 'nudge' : 'map');
      } else {
        expect(p.completion).to.equal(completion);
        expect(p.completionChoice).to.equal(undefined);
      }
      p.destroy();
    }
    net.destroy();
  });


  it('refuses bad options and inputs before doing any work, and releases what it took', async () => {
    const ctx = await gpu();
    const plan = planModel(LENET_300_100);
    const net = Network.create(ctx, plan, { seed: 1 });
    await expectArgError(() => prepareInference(net, { path: 'fast' as 'dense' }), 'path');
    await expectArgError(() => prepareInference(net, { path: 'dense', batch: 0 }), 'batch');
    await expectArgError(() => prepareInference(net, { path: 'sparse', choices: ['dense', 'dense', 'dense'] }), 'choices');
    await expectArgError(() => prepareInference(net, { path: 'auto', choices: ['dense'] }), 'choices');
    await expectArgError(() => prepareInference(net, { path: 'auto', choices: ['dense', 'fast' as 'dense', 'dense'] }), 'choices[1]');
    await expectArgError(() => prepareInference(net, { path: 'int8', int8Variant: 'fp4' as 'dot4' }), 'int8Variant');
    await expectArgError(() => prepareInference(net, { path: 'sparse', values: [] }), 'values');
    await expectArgError(() => prepareInference(net, { path: 'sparse', completion: 'spin' as 'map' }), 'completion');
    const cnn = Network.create(ctx, planModel(SMALL_CNN), { seed: 1 });
    await expectArgError(() => prepareInference(cnn, { path: 'fused' }), 'path');
    cnn.destroy();
    const before = ctx.pool.liveBytes;
    const p = await prepareInference(net, { path: 'sparse', batch: 4 });
    expect(ctx.pool.liveBytes - before).to.equal(p.gpuBytes);
    await expectArgError(() => p.infer(new Float32Array(10)), 'image');
    await expectArgError(() => p.run(new Float32Array(5 * 784)), 'images');
    const x = (await mnist()).test.images.subarray(0, 9 * 784);
    const all = await p.predict(x, 9);
    expect(all).to.have.length(9);
    expect(Array.from(all.subarray(0, 4))).to.deep.equal(Array.from(await p.run(x.subarray(0, 4 * 784))));
    p.destroy();
    expect(ctx.pool.liveBytes).to.equal(before);
    await expectArgError(() => p.run(x.subarray(0, 784)), 'plan');
    net.destroy();
  });
});
