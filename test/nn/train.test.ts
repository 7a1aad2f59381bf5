// Training on real MNIST: learning from a small subset, masks that stay exactly
// zero, reproducible runs, abort at a step boundary, and bit-exact checkpoints.
import { expect } from '@esm-bundle/chai';
import { loadMnist, splitMnist, type Splits } from '../../src/data/mnist.js';
import { planModel, LENET_300_100, type ModelSpec } from '../../src/nn/spec.js';
import { Network, initialValues } from '../../src/nn/network.js';
import { train, type TrainProgress } from '../../src/nn/train.js';
import { evaluate, releaseExecutors } from '../../src/nn/evaluate.js';
import { saveCheckpoint, decodeCheckpoint, loadNetwork, restoreCheckpoint } from '../../src/nn/checkpoint.js';
import { learningRate } from '../../src/nn/optim.js';
import { PruneLabError } from '../../src/errors.js';
import { Rng } from '../../src/rng.js';
import { expectEqualArrays, expectClose } from '../helpers/compare.js';
import { expectNamesObject, gpu } from '../helpers/gpu.js';

let splits: Splits;
async function data(): Promise<Splits> {
  if (!splits) {
    const { train: tr, test } = await loadMnist(location.origin);
    splits = splitMnist(tr, test, { trainSubset: 1500, validationSubset: 500, testSubset: 1000, seed: 1 });
  }
  return splits;
}

const SMALL: ModelSpec = { name: 'mlp-64', input: { C: 1, H: 28, W: 28 }, layers: [{ type: 'linear', units: 64 }, { type: 'relu' }, { type: 'linear', units: 10 }] };

describe('training on MNIST', () => {
  it('an MLP learns a 1,500-image subset from chance to > 85% test accuracy', async () => {
    const ctx = await gpu();
    const { train: tr, test } = await data();
    const net = Network.create(ctx, planModel(LENET_300_100), { seed: 7 });
    const before = await evaluate(net, test);
    expect(before.accuracy).to.be.below(0.3);
    const events: TrainProgress[] = [];
    const res = await train(net, tr, { epochs: 4, batchSize: 32, optimizer: { type: 'adam', lr: 2e-3 }, seed: 3, readbackEvery: 10, onProgress: (p) => events.push(p) });
    const after = await evaluate(net, test);
    console.log(`test accuracy ${before.accuracy} → ${after.accuracy} in ${res.steps} steps, ${res.samplesPerSec.toFixed(0)} samples/s`);
    expect(after.accuracy).to.be.above(0.85);
    expect(res.epochs).to.have.length(4);
    expect(res.epochs[3]!.loss).to.be.below(res.epochs[0]!.loss);
    expect(events.length).to.be.greaterThan(4);
    expect(events.at(-1)!.globalStep).to.equal(4 * Math.floor(1500 / 32));
    // Metrics from the GPU's confusion matrix agree with it.
    const total = after.confusion.reduce((a, b) => a + b, 0);
    expect(total).to.equal(1000);
    expect(after.macroF1).to.be.above(0.8);
    releaseExecutors(net);
    net.destroy();
  });

  it('masked weights and their optimizer state stay exactly 0 (SGD momentum and Adam)', async () => {
    const ctx = await gpu();
    const { train: tr } = await data();
    const plan = planModel(SMALL);
    const rng = new Rng(4);
    const values = initialValues(plan, 5).map((v) => ({ ...v, mask: Uint8Array.from(v.mask, () => (rng.next() < 0.3 ? 0 : 1)) }));
    for (const optimizer of [{ type: 'sgd' as const, lr: 0.05, momentum: 0.9, weightDecay: 1e-4 }, { type: 'adam' as const, lr: 1e-3, weightDecay: 1e-4 }]) {
      const net = Network.create(ctx, plan, { values });
      await train(net, tr, { epochs: 1, batchSize: 25, optimizer, seed: 1 });
      const after = await net.readValues();
      const ck = decodeCheckpoint(await saveCheckpoint(net));
      after.forEach((v, i) => {
        let moved = 0;
        v.mask.forEach((m, j) => {
          expect(m).to.equal(values[i]!.mask[j]);
          if (!m) {
            expect(v.w[j]).to.equal(0);
            for (const s of ck.optimizer!.w[i]!) expect(s[j]).to.equal(0);
          } else if (v.w[j] !== values[i]!.w[j]) moved++;
        });
        expect(moved).to.be.greaterThan(0);
      });
      net.destroy();
    }
  });

  it('the same config and seed give the same weights; another seed differs', async () => {
    const ctx = await gpu();
    const { train: tr } = await data();
    const plan = planModel(SMALL);
    const run = async (seed: number) => {
      const net = Network.create(ctx, plan, { seed });
      await train(net, tr, { epochs: 1, batchSize: 50, optimizer: { type: 'sgd', lr: 0.1, momentum: 0.9 }, schedule: { type: 'cosine' }, seed });
      const v = await net.readValues();
      net.destroy();
      return v;
    };
    const [a, b, c] = [await run(11), await run(11), await run(12)];
    a.forEach((l, i) => expectEqualArrays(l.w, b[i]!.w, `layer ${i}`));
    expect(a[0]!.w.some((x, j) => x !== c[0]!.w[j])).to.equal(true);
  });

  it('an abort stops at a step boundary with consistent weights', async () => {
    const ctx = await gpu();
    const { train: tr } = await data();
    const net = Network.create(ctx, planModel(SMALL), { seed: 1 });
    const ac = new AbortController();
    const res = await train(net, tr, {
      epochs: 3, batchSize: 50, optimizer: { type: 'sgd', lr: 0.1 }, seed: 1,
      afterStep: (s) => { if (s === 7) ac.abort(); }, signal: ac.signal,
    });
    expect(res.aborted).to.equal(true);
    expect(res.steps).to.equal(7);
    const v = await net.readValues();
    expect(v.every((l) => l.w.every(Number.isFinite))).to.equal(true);
    net.destroy();
  });

  it('checkpoints round-trip bit-exactly, optimizer state included, and a restored run continues identically', async () => {
    const ctx = await gpu();
    const { train: tr } = await data();
    const plan = planModel(SMALL);
    const opts = { epochs: 1, batchSize: 50, optimizer: { type: 'adam' as const, lr: 1e-3 }, seed: 2 };
    const net = Network.create(ctx, plan, { seed: 3 });
    await train(net, tr, opts);
    const buf = await saveCheckpoint(net, { note: 'after epoch 0' });
    const { net: copy, checkpoint } = loadNetwork(ctx, buf);
    expect(checkpoint.meta).to.deep.equal({ note: 'after epoch 0' });
    const again = await saveCheckpoint(copy, { note: 'after epoch 0' });
    expectEqualArrays(new Uint8Array(again), new Uint8Array(buf), 'checkpoint bytes');
    await train(net, tr, { ...opts, startEpoch: 1 });
    await train(copy, tr, { ...opts, startEpoch: 1 });
    const [x, y] = [await net.readValues(), await copy.readValues()];
    x.forEach((l, i) => expectEqualArrays(l.w, y[i]!.w, `continued layer ${i}`));
    // A checkpoint of another model is refused.
    const other = Network.create(ctx, planModel(LENET_300_100), { seed: 1 });
    expect(() => restoreCheckpoint(other, decodeCheckpoint(buf))).to.throw(PruneLabError, /does not match/);
    for (const bad of [new ArrayBuffer(4), buf.slice(0, buf.byteLength - 10)]) expect(() => decodeCheckpoint(bad)).to.throw(PruneLabError);
    for (const n of [net, copy, other]) n.destroy();
  });

  it('rejects bad training options before any GPU work', async () => {
    const ctx = await gpu();
    const { train: tr } = await data();
    const net = Network.create(ctx, planModel(SMALL), { seed: 1 });
    for (const [o, field] of [
      [{ epochs: -1 }, 'epochs'],
      [{ batchSize: 0 }, 'batchSize'],
      [{ batchSize: 100000 }, 'batchSize'],
      [{ optimizer: { type: 'rmsprop', lr: 1 } }, 'optimizer.type'],
      [{ optimizer: { type: 'sgd', lr: -1 } }, 'optimizer.lr'],
      [{ optimizer: { type: 'sgd', lr: 0.1, momentum: 1 } }, 'optimizer.momentum'],
      [{ schedule: { type: 'step', everyEpochs: 0, gamma: 0.5 } }, 'schedule.everyEpochs'],
      [{ seed: 1.5 }, 'seed'],
    ] as const) {
      let err: unknown;
      try {
        await train(net, tr, { epochs: 1, batchSize: 10, optimizer: { type: 'sgd', lr: 0.1 }, seed: 1, ...(o as object) });
      } catch (e) {
        err = e;
      }
      expect((err as PruneLabError).field, String(err)).to.equal(field);
    }
    net.destroy();
  });

  it('stops with a PruneLabError naming the object when GPU work fails validation outside any scope (not silently on)', async () => {
    const ctx = await gpu();
    const { train: tr } = await data();
    const live = ctx.pool.liveBytes;
    const net = Network.create(ctx, planModel(SMALL), { seed: 2 });
    let err: unknown;
    try {
      await train(net, tr, {
        epochs: 1, batchSize: 50, optimizer: { type: 'sgd', lr: 0.1 }, seed: 1, readbackEvery: 2,
        // Invalid (MAP_READ with STORAGE): a validation error that no scope catches.
        afterStep: (s) => void (s === 3 && ctx.device.createBuffer({ label: 'bad staging', size: 16, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.STORAGE })),
      });
    } catch (e) {
      err = e;
    }
    expect(err, String(err)).to.be.instanceOf(PruneLabError);
    expect((err as PruneLabError).code).to.equal('gpu-validation');
    expectNamesObject(ctx.device, (err as Error).message, 'bad staging');
    net.destroy();
    expect(ctx.pool.liveBytes, 'the executor was released (and the network with its optimizer state)').to.equal(live);
  });

  it('learning-rate schedules: constant, step and cosine', () => {
    expect(learningRate(0.1, { type: 'constant' }, 50, 100, 10)).to.equal(0.1);
    expectClose([learningRate(0.1, { type: 'step', everyEpochs: 2, gamma: 0.5 }, 45, 100, 10)], [0.025], { atol: 1e-12, rtol: 0 });
    // Cosine over 101 steps (0…100), from literals: lr at step 0, (lr + minLr)/2 halfway, minLr + (lr − minLr)(1 ± √½)/2
    // at a quarter and three quarters, minLr at the last step and after it.
    const cos = (step: number): number => learningRate(0.1, { type: 'cosine', minLr: 0.001 }, step, 101, 10);
    expectClose([cos(0), cos(50), cos(25), cos(75), cos(100), cos(150)], [0.1, 0.0505, 0.0855017856687341, 0.0154982143312659, 0.001, 0.001], { atol: 1e-15, rtol: 0 });
    expect(learningRate(0.2, { type: 'cosine' }, 1, 3, 10), 'minLr defaults to 0: halfway is lr/2').to.be.closeTo(0.1, 1e-16);
  });
});
