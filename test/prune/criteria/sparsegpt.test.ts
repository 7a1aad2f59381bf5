// SparseGPT on the GPU against its float64 CPU oracle (H, the per-block masks and
// OBS updates, the lazy update, layer by layer through the pruned layers before),
// and its defining property: on a layer, ‖XW − XŴ‖ after SparseGPT is below that of
// magnitude pruning at the same sparsity and mask pattern (unstructured and 2:4), on
// MNIST activations of a briefly trained layer and on random correlated data.
import { expect } from '@esm-bundle/chai';
import { sparseGptPrune, type SparseGptPruneOptions } from '../../../src/prune/criteria/sparsegpt.js';
import { rowLayout } from '../../../src/prune/criteria/activations.js';
import { prepareGram } from '../../../src/kernels/gram.js';
import { runKernels } from '../../../src/kernels/kernel.js';
import { gramRef, sparseGptRef } from '../../../src/ref/criteria/sparsegpt.js';
import { layerInputsRef } from '../../../src/ref/criteria/wanda.js';
import { topkMasksRef } from '../../../src/ref/topk.js';
import { pruneCount } from '../../../src/ref/mask.js';
import { Network, type LayerValues } from '../../../src/nn/network.js';
import { planModel, type ModelSpec, type ParamOp } from '../../../src/nn/spec.js';
import { train } from '../../../src/nn/train.js';
import { loadMnist, splitMnist } from '../../../src/data/mnist.js';
import { sliceDataset, type ImageDataset } from '../../../src/data/dataset.js';
import { Rng } from '../../../src/rng.js';
import { expectClose, expectEqualArrays } from '../../helpers/compare.js';
import { gpu, readF32, noGpuErrors } from '../../helpers/gpu.js';
import { expectArgError } from '../../helpers/errors.js';
import { wanda } from '../../../src/prune/criteria/wanda.js';
import { weightCriterion } from '../../../src/prune/criteria/index.js';
import { CONV_NET, MLP, dataset } from './calibration-fixtures.js';

const zeros = (m: Uint8Array): number => m.reduce((s, v) => s + (v === 0 ? 1 : 0), 0);

/** The CPU oracle over a whole net, layer by layer on the inputs the pruned layers before give. */
function sparseGptNetRef(spec: ModelSpec, values: LayerValues[], cal: ImageDataset, sparsity: number[], o: SparseGptPruneOptions): LayerValues[] {
  const plan = planModel(spec);
  const vals = values.map((v) => ({ w: Float32Array.from(v.w), b: v.b, mask: Uint8Array.from(v.mask) }));
  plan.params.forEach((op, j) => {
    const x = layerInputsRef(plan, vals, cal.images, cal.n)[j]!;
    const { rows, cols, rowStride, colStride } = rowLayout(op);
    const at = (r: number, c: number): number => r * rowStride + c * colStride;
    const w = new Float64Array(rows * cols);
    const prior = new Uint8Array(rows * cols);
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) {
      w[r * cols + c] = vals[j]!.w[at(r, c)]!;
      prior[r * cols + c] = vals[j]!.mask[at(r, c)]!;
    }
    const res = sparseGptRef(w, rows, cols, gramRef(x, x.length / cols, cols), sparsity[j]!, o, prior, at)!;
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) {
      vals[j]!.mask[at(r, c)] = res.mask[r * cols + c]!;
      vals[j]!.w[at(r, c)] = res.mask[r * cols + c] ? res.w[r * cols + c]! : 0;
    }
  });
  return vals;
}

/** ‖X·(W − Ŵ)‖_F for a Linear layer stored K×N, X row-major R×K. */
function reconError(x: Float32Array, R: number, w: ArrayLike<number>, wHat: ArrayLike<number>, K: number, N: number): number {
  let s = 0;
  const d = Float64Array.from({ length: K * N }, (_, i) => w[i]! - wHat[i]!);
  for (let r = 0; r < R; r++) {
    for (let n = 0; n < N; n++) {
      let y = 0;
      for (let k = 0; k < K; k++) y += x[r * K + k]! * d[k * N + n]!;
      s += y * y;
    }
  }
  return Math.sqrt(s);
}

/** Magnitude N:M along a Linear layer's inputs (K×N storage): keep the n largest |w| of every m inputs. */
function magnitudeNm(w: Float32Array, K: number, N: number, n: number, m: number): Float32Array {
  const out = Float32Array.from(w);
  for (let col = 0; col < N; col++) {
    for (let g = 0; g < K; g += m) {
      const idx = Array.from({ length: m }, (_, t) => (g + t) * N + col).sort((a, b) => Math.abs(w[a]!) - Math.abs(w[b]!) || a - b);
      for (let t = 0; t < m - n; t++) out[idx[t]!] = 0;
    }
  }
  return out;
}

async function prunedNet(spec: ModelSpec, seed: number, cal: ImageDataset, layers: number[], sparsity: number[], o: SparseGptPruneOptions, prior?: (v: LayerValues[]) => void) {
  const ctx = await gpu();
  const plan = planModel(spec);
  const net = Network.create(ctx, plan, { seed });
  if (prior) {
    const v = await net.readValues();
    prior(v);
    net.writeValues(v);
  }
  const before = await net.readValues();
  await noGpuErrors(ctx, () => sparseGptPrune({ ctx, net, layers, calibration: cal, batchSize: 6, seed: 1 }, sparsity, o));
  const after = await net.readValues();
  net.destroy();
  return { before, after, plan };
}

describe('sparsegpt', () => {
  it('gram: H += scale·XᵀX over the first R rows, on awkward shapes', async () => {
    const ctx = await gpu();
    const rng = new Rng(4);
    for (const [R, K] of [[1, 1], [17, 3], [5, 33], [3, 70]] as const) {
      const x = rng.uniformArray(R * K);
      const xb = ctx.pool.upload('x', x);
      const hb = ctx.pool.storage('h', K * K * 4);
      const k = await prepareGram(ctx, { capacity: R, K, x: xb, out: hb, scale: 2 / R });
      runKernels(ctx, 'gram', [k]);
      k.release();
      expectClose(await readF32(ctx, hb, K * K), gramRef(x, R, K), { atol: 1e-5, rtol: 1e-5 }, `R=${R} K=${K}`);
      ctx.pool.release(xb);
      ctx.pool.release(hb);
    }
  });

  const cases: Array<[string, ModelSpec, number[], SparseGptPruneOptions]> = [
    ['mlp, unstructured, blocks of 8 (a partial last block)', MLP, [0.5, 0.3], { blockSize: 8, damp: 0.01 }],
    ['conv + linear, unstructured, blocks of 5', CONV_NET, [0.6, 0.5, 0.25], { blockSize: 5, damp: 0.05 }],
    ['mlp, 2:4, blocks of 8', { input: { C: 1, H: 4, W: 6 }, layers: [{ type: 'linear', units: 12 }, { type: 'relu' }, { type: 'linear', units: 3 }] }, [0.5, 0.5], { blockSize: 8, damp: 0.01, nm: { n: 2, m: 4 } }],
  ];
  for (const [name, spec, sparsity, o] of cases) {
    it(`${name}: weights and masks match the float64 oracle, counts exact`, async () => {
      const cal = dataset(spec, 19, 21);
      const layers = planModel(spec).params.map((_, i) => i);
      const { before, after, plan } = await prunedNet(spec, 9, cal, layers, sparsity, o);
      const want = sparseGptNetRef(spec, before, cal, sparsity, o);
      plan.params.forEach((op: ParamOp, j) => {
        expectEqualArrays(after[j]!.mask, want[j]!.mask, `${op.name} mask`);
        expectClose(after[j]!.w, want[j]!.w, { atol: 2e-5, rtol: 1e-3 }, `${op.name} weights`);
        expectEqualArrays(after[j]!.b, before[j]!.b, `${op.name} bias unchanged`);
        if (o.nm) expect(zeros(after[j]!.mask)).to.equal(op.weightCount / 2);
        else expect(zeros(after[j]!.mask)).to.equal(pruneCount(sparsity[j]!, op.weightCount));
        after[j]!.mask.forEach((m, i) => { if (!m) expect(after[j]!.w[i]).to.equal(0); });
      });
    });
  }

  it("the registry's prune() hook is sparseGptPrune with the run's options", async () => {
    const spec = MLP;
    const cal = dataset(spec, 19, 25);
    const o = { blockSize: 8, damp: 0.02 };
    const { after } = await prunedNet(spec, 11, cal, [0, 1], [0.5, 0.5], o);
    const ctx = await gpu();
    const net = Network.create(ctx, planModel(spec), { seed: 11 });
    await weightCriterion('sparsegpt').prune!({ ctx, net, layers: [0, 1], calibration: cal, batchSize: 6, seed: 1, sparsegpt: o }, [0.5, 0.5]);
    const hooked = await net.readValues();
    after.forEach((l, j) => {
      expectEqualArrays(hooked[j]!.mask, l.mask, `layer ${j} mask`);
      expectEqualArrays(hooked[j]!.w, l.w, `layer ${j} weights`);
    });
    net.destroy();
  });

  it('weights already pruned stay pruned and count towards the layer\'s exact count', async () => {
    const spec = MLP;
    const cal = dataset(spec, 19, 22);
    const o = { blockSize: 8, damp: 0.01 };
    const rng = new Rng(8);
    const prior = (v: LayerValues[]): void => v.forEach((l) => l.mask.forEach((_, i) => { if (rng.next() < 0.2) l.mask[i] = 0; }));
    const { before, after, plan } = await prunedNet(spec, 10, cal, [0, 1], [0.6, 0.4], o, prior);
    const want = sparseGptNetRef(spec, before, cal, [0.6, 0.4], o);
    plan.params.forEach((op, j) => {
      before[j]!.mask.forEach((m, i) => { if (!m) expect(after[j]!.mask[i]).to.equal(0); });
      expect(zeros(after[j]!.mask)).to.equal(pruneCount([0.6, 0.4][j]!, op.weightCount));
      expectEqualArrays(after[j]!.mask, want[j]!.mask, `${op.name} mask`);
      expectClose(after[j]!.w, want[j]!.w, { atol: 2e-5, rtol: 1e-3 }, `${op.name} weights`);
    });
  });

  it('dead inputs (0 over the calibration set) are pruned first within the exact count, and the dead weights it keeps keep their values', async () => {
    const spec = MLP;
    const cal = dataset(spec, 19, 23);
    const D = 33;
    const dead = [0, 1, 2, 10, 11, 21, 31, 32];
    for (let r = 0; r < cal.n; r++) for (const c of dead) cal.images[r * D + c] = 0;
    const o = { blockSize: 8, damp: 0.01 };
    // 10% of fc1 is 56 weights: fewer than the 8 × 17 = 136 dead ones.
    const { before, after, plan } = await prunedNet(spec, 11, cal, [0], [0.1], o);
    const want = sparseGptNetRef(spec, before, cal, [0.1], o);
    const op = plan.params[0]!;
    const k = pruneCount(0.1, op.weightCount);
    expect(zeros(after[0]!.mask)).to.equal(k);
    expect(after[0]!.w.reduce((t, x) => t + (x === 0 ? 1 : 0), 0), 'exactly-zero weights').to.equal(k);
    const { rowStride, colStride } = rowLayout(op);
    let keptDead = 0;
    for (let r = 0; r < op.out; r++) for (const c of dead) {
      const i = r * rowStride + c * colStride;
      if (after[0]!.mask[i]) {
        keptDead++;
        expect(after[0]!.w[i], `dead weight (${r}, ${c})`).to.equal(before[0]!.w[i]);
      }
    }
    expect(keptDead).to.equal(dead.length * op.out - k);
    expectEqualArrays(after[0]!.mask, want[0]!.mask, 'mask');
    expectClose(after[0]!.w, want[0]!.w, { atol: 2e-5, rtol: 1e-3 }, 'weights');
  });

  it('refuses bad inputs by field before any work, and a Hessian that damp cannot fix leaves the net as it was', async () => {
    const ctx = await gpu();
    const net = Network.create(ctx, planModel(MLP), { seed: 2 });
    const cal = dataset(MLP, 19, 23);
    const input = { ctx, net, layers: [0, 1], calibration: cal, batchSize: 6, seed: 1 };
    const before = await net.readValues();
    const o = { blockSize: 8, damp: 0.01 };
    await expectArgError(() => sparseGptPrune({ ...input, calibration: undefined }, [0.5, 0.5], o), 'calibration');
    await expectArgError(() => sparseGptPrune(input, [0.5], o), 'sparsity');
    await expectArgError(() => sparseGptPrune(input, [0.5, 1], o), 'sparsity[1]');
    await expectArgError(() => sparseGptPrune(input, [0.5, 0.5], { ...o, blockSize: 0 }), 'sparsegpt.blockSize');
    await expectArgError(() => sparseGptPrune(input, [0.5, 0.5], { ...o, damp: Number.NaN }), 'sparsegpt.damp');
    await expectArgError(() => sparseGptPrune(input, [0.5, 0.5], { ...o, nm: { n: 2, m: 4 }, blockSize: 6 }), 'sparsegpt.blockSize');
    await expectArgError(() => sparseGptPrune(input, [0.5, 0.5], { ...o, nm: { n: 2, m: 4 } }), 'layers[0]');
    // 19 samples for fc1's 33 inputs: H is singular, and with damp 0 it has no Cholesky factor.
    await expectArgError(() => sparseGptPrune(input, [0.5, 0.5], { ...o, damp: 0 }), 'sparsegpt.damp');
    const after = await net.readValues();
    before.forEach((l, j) => {
      expectEqualArrays(after[j]!.w, l.w, `layer ${j} weights unchanged`);
      expectEqualArrays(after[j]!.mask, l.mask, `layer ${j} mask unchanged`);
    });
    await expectArgError(() => wanda.score({ ...input, calibration: undefined }, []), 'calibration');
    net.destroy();
  });

  it('a later layer that fails restores the layers already pruned', async () => {
    const ctx = await gpu();
    // fc1: 8 inputs, 40 samples (H positive definite); fc2: 64 inputs from 40 samples (singular at damp 0).
    const spec: ModelSpec = { input: { C: 1, H: 2, W: 4 }, layers: [{ type: 'linear', units: 64 }, { type: 'relu' }, { type: 'linear', units: 3 }] };
    const net = Network.create(ctx, planModel(spec), { seed: 2 });
    const before = await net.readValues();
    const input = { ctx, net, layers: [0, 1], calibration: dataset(spec, 40, 24), batchSize: 16, seed: 1 };
    await expectArgError(() => sparseGptPrune(input, [0.5, 0.5], { blockSize: 8, damp: 0 }), 'sparsegpt.damp');
    const after = await net.readValues();
    before.forEach((l, j) => expectEqualArrays(after[j]!.w, l.w, `layer ${j} weights restored`));
    net.destroy();
  });

  async function compareWithMagnitude(net: Network, cal: ImageDataset, what: string): Promise<void> {
    const ctx = net.ctx;
    const plan = net.plan;
    const op = plan.params[0]!;
    const K = op.in;
    const N = op.out;
    const dense = await net.readValues();
    const x = layerInputsRef(plan, dense, cal.images, cal.n)[0]!;
    const w = dense[0]!.w;
    for (const pattern of ['unstructured', '2:4'] as const) {
      const o: SparseGptPruneOptions = { blockSize: 128, damp: 0.01, ...(pattern === '2:4' ? { nm: { n: 2, m: 4 } } : {}) };
      net.writeValues(dense);
      await sparseGptPrune({ ctx, net, layers: [0], calibration: cal, batchSize: 64, seed: 1 }, [0.5], o);
      const got = (await net.readValues())[0]!;
      const magMask = topkMasksRef([w], 0.5, 'local').masks[0]!;
      const mag = pattern === '2:4' ? magnitudeNm(w, K, N, 2, 4) : w.map((v, i) => (magMask[i] ? v : 0));
      expect(zeros(got.mask)).to.equal(pruneCount(0.5, K * N));
      const eS = reconError(x, cal.n, w, got.w, K, N);
      const eM = reconError(x, cal.n, w, mag, K, N);
      console.log(`${what} ${pattern} 50%: ‖XW − XŴ‖ sparsegpt ${eS.toFixed(4)}, magnitude ${eM.toFixed(4)} (ratio ${(eS / eM).toFixed(3)})`);
      expect(eS, `${what} ${pattern}`).to.be.below(eM);
    }
    net.writeValues(dense);
  }

  it('defining property on MNIST: a briefly trained layer reconstructs better than magnitude pruning (unstructured, 2:4)', async () => {
    const ctx = await gpu();
    const { train: tr, test } = await loadMnist(location.origin);
    const data = splitMnist(tr, test, { trainSubset: 1000, seed: 3 }).train;
    const spec: ModelSpec = { input: { C: 1, H: 28, W: 28 }, layers: [{ type: 'linear', units: 48 }, { type: 'relu' }, { type: 'linear', units: 10 }] };
    const net = Network.create(ctx, planModel(spec), { seed: 5 });
    await train(net, data, { epochs: 1, batchSize: 50, optimizer: { type: 'sgd', lr: 0.1, momentum: 0.9 }, seed: 1 });
    await compareWithMagnitude(net, sliceDataset(data, 0, 256), 'mnist fc1 784×48');
    net.destroy();
  });

  it('defining property on random correlated data', async () => {
    const ctx = await gpu();
    const spec: ModelSpec = { input: { C: 1, H: 1, W: 40 }, layers: [{ type: 'linear', units: 17 }] };
    const rng = new Rng(12);
    const n = 200;
    const images = new Float32Array(n * 40);
    for (let r = 0; r < n; r++) {
      const z = [rng.next(), rng.next(), rng.next()];
      for (let j = 0; j < 40; j++) images[r * 40 + j] = 0.5 * z[j % 3]! + 0.5 * rng.next() * (j / 40);
    }
    const cal: ImageDataset = { images, labels: new Uint8Array(n), shape: spec.input, numClasses: 17, n };
    const net = Network.create(ctx, planModel(spec), { seed: 6 });
    await compareWithMagnitude(net, cal, 'random 40×17');
    net.destroy();
  });
});
