// The shared score pruner: the score kernels against their CPU oracles on awkward
// sizes, and exact counts and oracle masks for every criterion that goes through it.
import { expect } from '@esm-bundle/chai';
import { planModel, type ModelSpec } from '../../src/nn/spec.js';
import { Network, type LayerValues } from '../../src/nn/network.js';
import { MagnitudePruner } from '../../src/prune/magnitude.js';
import { ScorePruner, synflowTargets } from '../../src/prune/score-pruner.js';
import { weightCriterion } from '../../src/prune/criteria/index.js';
import { MovementScores } from '../../src/prune/criteria/movement.js';
import { prepareScoreOp } from '../../src/kernels/score-elementwise.js';
import { runKernels } from '../../src/kernels/kernel.js';
import { randomScores, layerSeed } from '../../src/ref/criteria/random.js';
import { topkMasksRef } from '../../src/ref/topk.js';
import { pruneCount } from '../../src/ref/mask.js';
import { Rng } from '../../src/rng.js';
import { train } from '../../src/nn/train.js';
import { epochPermutation } from '../../src/data/batches.js';
import { networkRef } from '../../src/ref/network.js';
import { sgdRef } from '../../src/ref/sgd.js';
import { expectClose, expectEqualArrays } from '../helpers/compare.js';
import { expectArgError, refusal } from '../helpers/errors.js';
import { gpu, readF32 } from '../helpers/gpu.js';

const SIZES = [1, 3, 17, 255, 257];
// Weight counts 257 and 3; then 255, 255 and 34.
const SPEC_A: ModelSpec = { input: { C: 1, H: 1, W: 257 }, layers: [{ type: 'linear', units: 1 }, { type: 'relu' }, { type: 'linear', units: 3 }] };
const SPEC_B: ModelSpec = { input: { C: 1, H: 1, W: 17 }, layers: [{ type: 'linear', units: 15 }, { type: 'relu' }, { type: 'linear', units: 17 }, { type: 'relu' }, { type: 'linear', units: 2 }] };

function zeros(m: Uint8Array): number {
  let z = 0;
  for (const x of m) if (!x) z++;
  return z;
}

describe('score kernels', () => {
  it('random: the hash of src/ref/criteria/random.ts, bit for bit, in (0, 1]', async () => {
    const ctx = await gpu();
    for (const n of SIZES) {
      const out = ctx.pool.storage('out', n * 4);
      const seed = layerSeed(7, n);
      const k = await prepareScoreOp(ctx, { op: 'random', n, out, seed });
      runKernels(ctx, 'random', [k]);
      const got = await readF32(ctx, out, n);
      expectEqualArrays(got, randomScores(n, seed), `random n=${n}`);
      for (const x of got) expect(x > 0 && x <= 1).to.equal(true);
      k.release();
      ctx.pool.release(out);
    }
  });

  it('abs, accumulated products and finish: against the CPU, NaN → 0 and ∞ → the largest f32', async () => {
    const ctx = await gpu();
    const rng = new Rng(3);
    for (const n of SIZES) {
      const a = rng.uniformArray(n, -2, 2);
      const b = rng.uniformArray(n, -2, 2);
      if (n >= 3) {
        a[0] = NaN;
        a[1] = -Infinity;
      }
      const A = ctx.pool.upload('a', a);
      const Bb = ctx.pool.upload('b', b);
      const out = ctx.pool.storage('out', n * 4);
      const abs = await prepareScoreOp(ctx, { op: 'abs', n, a: A, out });
      runKernels(ctx, 'abs', [abs]);
      const want = Float32Array.from(a, (x) => (Number.isNaN(x) ? 0 : Number.isFinite(x) ? Math.abs(x) : 3.4028234663852886e38));
      expectEqualArrays(await readF32(ctx, out, n), want, `abs n=${n}`);
      // Two accumulations of 0.5·a·b, then |·|: |a·b| (the NaN stays NaN until finish turns it to 0).
      const acc = await prepareScoreOp(ctx, { op: 'accProd', n, a: A, b: Bb, out, scale: 0.5 });
      const fin = await prepareScoreOp(ctx, { op: 'finishAbs', n, out });
      const enc = ctx.device.createCommandEncoder();
      enc.clearBuffer(out);
      ctx.device.queue.submit([enc.finish()]);
      runKernels(ctx, 'acc', [acc, acc, fin]);
      const prod = Float32Array.from(a, (x, i) => {
        const p = Math.fround(Math.fround(0.5 * x) * b[i]!);
        const s = Math.abs(Math.fround(p + p));
        return Number.isNaN(s) ? 0 : Number.isFinite(s) ? s : 3.4028234663852886e38;
      });
      expectClose(await readF32(ctx, out, n), prod, { atol: 0, rtol: 1e-6 }, `acc n=${n}`);
      for (const k of [abs, acc, fin]) k.release();
      for (const x of [A, Bb, out]) ctx.pool.release(x);
    }
  });
});

async function values(net: Network): Promise<LayerValues[]> {
  return net.readValues();
}

describe('ScorePruner', () => {
  it('magnitude: the same masks as MagnitudePruner (global and local), exact counts', async () => {
    const ctx = await gpu();
    for (const spec of [SPEC_A, SPEC_B]) {
      const plan = planModel(spec);
      for (const scope of ['global', 'local'] as const) {
        const a = Network.create(ctx, plan, { seed: 5 });
        const b = Network.create(ctx, plan, { seed: 5 });
        const mp = await MagnitudePruner.create(a, scope);
        const sp = await ScorePruner.create(b, { criterion: 'magnitude', scope, batchSize: 1, seed: 1 });
        for (const s of [0.3, 0.77]) {
          await mp.prune(s);
          const r = await sp.prune(s);
          const [va, vb] = [await values(a), await values(b)];
          va.forEach((l, i) => expectEqualArrays(vb[i]!.mask, l.mask, `${scope} s=${s} layer ${i}`));
          const N = plan.params.reduce((t, q) => t + q.weightCount, 0);
          if (scope === 'global') expect(vb.reduce((t, l) => t + zeros(l.mask), 0)).to.equal(pruneCount(s, N));
          expect(r.kept.reduce((t, x) => t + x, 0)).to.equal(vb.reduce((t, l) => t + l.mask.length - zeros(l.mask), 0));
        }
        mp.release();
        sp.release();
        a.destroy();
        b.destroy();
      }
    }
  });

  it('random: global and local masks equal the oracle top-k over the seeded scores; per-layer kept counts exact', async () => {
    const ctx = await gpu();
    const plan = planModel(SPEC_B);
    for (const scope of ['global', 'local'] as const) {
      const net = Network.create(ctx, plan, { seed: 2 });
      const sp = await ScorePruner.create(net, { criterion: 'random', scope, batchSize: 1, seed: 11 });
      const scores = plan.params.map((q, i) => randomScores(q.weightCount, layerSeed(11, i)));
      let prev: Uint8Array[] | undefined;
      for (const s of [0.4, 0.8]) {
        await sp.prune(s);
        const want = topkMasksRef(scores, s, scope, prev).masks;
        const got = (await values(net)).map((l) => l.mask);
        got.forEach((m, i) => expectEqualArrays(m, want[i]!, `${scope} s=${s} layer ${i}`));
        // Pruned weights are exactly 0.
        (await values(net)).forEach((l) => l.w.forEach((x, j) => { if (!l.mask[j]) expect(x).to.equal(0); }));
        prev = want;
      }
      const kept = [20, 3, 0]; // below what s = 0.8 left alive (pruned weights stay pruned)
      const r = await sp.prune(0.8, { kept });
      expect(r.kept).to.deep.equal(kept);
      const v = await values(net);
      v.forEach((l, i) => expect(l.mask.length - zeros(l.mask)).to.equal(kept[i]));
      sp.release();
      net.destroy();
    }
  });

  it('submit (no readback) writes the same masks and zeroed weights as prune, for a threshold, a per-layer and an N:M path', async () => {
    const ctx = await gpu();
    const plan = planModel(SPEC_B);
    for (const [criterion, extra, s] of [['lamp', {}, 0.65], ['random', {}, 0.5], ['magnitude', { nm: { n: 1, m: 3 } }, 0]] as const) {
      const a = Network.create(ctx, plan, { seed: 8 });
      const b = Network.create(ctx, plan, { seed: 8 });
      // SPEC_B's inputs per output: 17, 15, 17: only 1:3 on fc2 tiles, so N:M excludes fc1 and fc3.
      const rules = 'nm' in extra ? { fc1: { exclude: true }, fc3: { exclude: true } } : undefined;
      const pa = await ScorePruner.create(a, { criterion, scope: 'global', rules, batchSize: 1, seed: 2, ...extra });
      const pb = await ScorePruner.create(b, { criterion, scope: 'global', rules, batchSize: 1, seed: 2, ...extra });
      await pa.prune(s);
      await pb.submit(s);
      const [va, vb] = [await values(a), await values(b)];
      va.forEach((l, i) => {
        expectEqualArrays(vb[i]!.mask, l.mask, `${criterion} mask ${i}`);
        expectEqualArrays(vb[i]!.w, l.w, `${criterion} w ${i}`);
      });
      expect(va.reduce((t, l) => t + zeros(l.mask), 0)).to.be.greaterThan(0);
      for (const x of [pa, pb]) x.release();
      a.destroy();
      b.destroy();
    }
  });

  it('rules: an excluded layer keeps all, a layer with its own ratio gets it exactly', async () => {
    const ctx = await gpu();
    const plan = planModel(SPEC_B);
    const net = Network.create(ctx, plan, { seed: 4 });
    const sp = await ScorePruner.create(net, { criterion: 'random', scope: 'global', rules: { fc3: { exclude: true }, fc2: { sparsity: 0.1 } }, batchSize: 1, seed: 1 });
    await sp.prune(0.6);
    const v = await values(net);
    expect(zeros(v[0]!.mask)).to.equal(pruneCount(0.6, 255));
    expect(zeros(v[1]!.mask)).to.equal(pruneCount(0.1, 255));
    expect(zeros(v[2]!.mask)).to.equal(0);
    sp.release();
    net.destroy();
  });

  it('movement: S = −Σ lr·dW⊙W over steps; scores S − min S; the kept are the highest S', async () => {
    const ctx = await gpu();
    const plan = planModel(SPEC_A);
    const net = Network.create(ctx, plan, { seed: 9 });
    const m = await MovementScores.create(net, [0, 1]);
    const rng = new Rng(1);
    const want = plan.params.map((q) => new Float64Array(q.weightCount));
    const w = await values(net);
    for (const lr of [0.1, 0.05, 0.05]) {
      const g = plan.params.map((q) => rng.uniformArray(q.weightCount, -1, 1));
      net.layers.forEach((l, i) => ctx.device.queue.writeBuffer(l.dw, 0, g[i]!.buffer as ArrayBuffer));
      m.step(lr);
      want.forEach((s, i) => s.forEach((_, j) => { s[j]! -= lr * g[i]![j]! * w[i]!.w[j]!; }));
    }
    const raw = await Promise.all(m.s.map((b, i) => readF32(ctx, b, plan.params[i]!.weightCount)));
    raw.forEach((r, i) => expectClose(r, want[i]!, { atol: 1e-6, rtol: 1e-5 }, `S layer ${i}`));
    const sp = await ScorePruner.create(net, { criterion: 'movement', scope: 'global', batchSize: 1, seed: 1, movement: m });
    await sp.prune(0.5);
    const min = Math.min(...raw.flatMap((r) => [...r]));
    const shifted = raw.map((r) => Float32Array.from(r, (x) => Math.fround(x - min)));
    const got = await Promise.all(sp.scores.map((b, i) => readF32(ctx, b, plan.params[i]!.weightCount)));
    got.forEach((g, i) => expectEqualArrays(g, shifted[i]!, `shifted layer ${i}`));
    const masks = topkMasksRef(shifted, 0.5, 'global').masks;
    (await values(net)).forEach((l, i) => expectEqualArrays(l.mask, masks[i]!, `movement mask ${i}`));
    sp.release();
    m.release();
    net.destroy();
  });

  it('layerwise paths: N:M 2:4 keeps 2 of every 4 inputs per output; wanda and sparsegpt prune round(s·N_j) per layer', async () => {
    const ctx = await gpu();
    const spec: ModelSpec = { input: { C: 1, H: 1, W: 16 }, layers: [{ type: 'linear', units: 12 }, { type: 'relu' }, { type: 'linear', units: 3 }] };
    const plan = planModel(spec);
    const rng = new Rng(2);
    const calibration = { images: rng.uniformArray(24 * 16, 0, 1), labels: Uint8Array.from({ length: 24 }, () => rng.int(3)), shape: spec.input, numClasses: 3, n: 24 };
    const net = Network.create(ctx, plan, { seed: 3 });
    const v0 = await values(net);
    const nm = await ScorePruner.create(net, { criterion: 'magnitude', scope: 'global', nm: { n: 2, m: 4 }, batchSize: 8, seed: 1 });
    const r = await nm.prune(0.5);
    expect(r.kept).to.deep.equal([96, 18]);
    const v = await values(net);
    // Linear K×N storage: output u's inputs k = 4g…4g+3 are w[k·N + u]; 2 kept, the 2 largest |w|.
    v.forEach((l, i) => {
      const { in: K, out: N } = plan.params[i]!;
      for (let u = 0; u < N; u++) for (let g = 0; g < K / 4; g++) {
        const idx = [0, 1, 2, 3].map((t) => (4 * g + t) * N + u);
        const w0 = v0[i]!.w;
        const keep = [...idx].sort((x, y) => Math.abs(w0[y]!) - Math.abs(w0[x]!) || y - x).slice(0, 2);
        idx.forEach((q) => expect(l.mask[q], `layer ${i} weight ${q}`).to.equal(keep.includes(q) ? 1 : 0));
        idx.forEach((q) => expect(l.w[q]).to.equal(keep.includes(q) ? w0[q] : 0));
      }
    });
    nm.release();
    net.destroy();
    for (const criterion of ['wanda', 'sparsegpt'] as const) {
      const n2 = Network.create(ctx, plan, { seed: 3 });
      const sp = await ScorePruner.create(n2, { criterion, scope: 'global', rules: { fc2: { sparsity: 0.25 } }, calibration, batchSize: 8, seed: 1 });
      const res = await sp.prune(0.6);
      expect(res.kept, criterion).to.deep.equal([192 - pruneCount(0.6, 192), 36 - pruneCount(0.25, 36)]);
      sp.release();
      n2.destroy();
    }
    // SparseGPT's own N:M variant (blockSize a multiple of m): half of every layer kept.
    const n3 = Network.create(ctx, plan, { seed: 3 });
    const sg = await ScorePruner.create(n3, { criterion: 'sparsegpt', scope: 'local', nm: { n: 2, m: 4 }, sparsegpt: { blockSize: 8 }, calibration, batchSize: 8, seed: 1 });
    expect((await sg.prune(0.5)).kept).to.deep.equal([96, 18]);
    sg.release();
    n3.destroy();
  });

  it('refuses an unknown criterion and bad kept counts by name', async () => {
    const ctx = await gpu();
    const net = Network.create(ctx, planModel(SPEC_A), { seed: 1 });
    const e = await refusal(() => weightCriterion('nope' as 'magnitude'));
    expect([e.code, e.field]).to.deep.equal(['invalid-config', 'prune.criterion']);
    const sp = await ScorePruner.create(net, { criterion: 'random', scope: 'local', batchSize: 1, seed: 1 });
    await expectArgError(() => sp.prune(0.5, { kept: [1] }), 'kept');
    await expectArgError(() => sp.prune(0.5, { kept: [1, 9] }), 'kept[1]');
    // N:M: a Linear of 257 inputs does not tile into groups of 4; refused at create, naming the layer.
    const nmErr = await refusal(() => ScorePruner.create(net, { criterion: 'magnitude', scope: 'global', nm: { n: 2, m: 4 }, batchSize: 1, seed: 1 }));
    expect([nmErr.code, nmErr.field]).to.deep.equal(['invalid-config', 'prune.layers.fc1']);
    await expectArgError(() => ScorePruner.create(net, { criterion: 'magnitude', scope: 'global', nm: { n: 4, m: 4 }, batchSize: 1, seed: 1 }), 'prune.nm');
    const mv = await MovementScores.create(net, [0]);
    await expectArgError(() => ScorePruner.create(net, { criterion: 'movement', scope: 'global', movement: mv, batchSize: 1, seed: 1 }), 'movement.layers');
    mv.release();
    sp.release();
    net.destroy();
    expect(synflowTargets(0.9, 3)[2]).to.equal(0.9);
    expect(synflowTargets(0.9, 2)[0]).to.be.closeTo(1 - Math.sqrt(0.1), 1e-12);
  });
});

describe('movement from the training loop', () => {
  it("MovementScores.encode in train's beforeOptimizer: S = −Σ_t lr·g_t⊙W^(t) of a CPU replay of the SGD run (the paper's W, before the step's update)", async () => {
    const ctx = await gpu();
    const spec: ModelSpec = { input: { C: 1, H: 1, W: 17 }, layers: [{ type: 'linear', units: 5 }, { type: 'relu' }, { type: 'linear', units: 3 }] };
    const plan = planModel(spec);
    const rng = new Rng(5);
    const n = 12;
    const B = 4;
    const data = { images: rng.uniformArray(n * 17, 0, 1), labels: Uint8Array.from({ length: n }, () => rng.int(3)), shape: spec.input, numClasses: 3, n };
    const net = Network.create(ctx, plan, { seed: 1 });
    const values0 = await net.readValues();
    const m = await MovementScores.create(net, [0, 1]);
    const lr = 0.2;
    await train(net, data, { epochs: 2, batchSize: B, optimizer: { type: 'sgd', lr }, seed: 3, beforeOptimizer: (pass, stepLr) => m.encode(pass, stepLr) });
    // CPU replay: the same batches, plain SGD, S −= lr·g⊙W before the update.
    const w = values0.map((v) => Float32Array.from(v.w));
    const S = plan.params.map((q) => new Float64Array(q.weightCount));
    for (let e = 0; e < 2; e++) {
      const order = epochPermutation(n, 3, e);
      for (let s = 0; s < n / B; s++) {
        const idx = order.subarray(s * B, (s + 1) * B);
        const x = new Float32Array(B * 17);
        const y = new Uint32Array(B);
        idx.forEach((k, r) => { x.set(data.images.subarray(k * 17, (k + 1) * 17), r * 17); y[r] = data.labels[k]!; });
        const g = networkRef(plan, values0.map((v, i) => ({ ...v, w: w[i]! })), x, y, B).grads;
        w.forEach((wi, i) => {
          S[i]!.forEach((_, j) => { S[i]![j]! -= lr * g[i]!.w[j]! * wi[j]!; });
          sgdRef(wi, g[i]!.w, new Float32Array(wi.length), { lr, momentum: 0, weightDecay: 0 });
        });
        values0.forEach((v, i) => sgdRef(v.b, g[i]!.b, new Float32Array(v.b.length), { lr, momentum: 0, weightDecay: 0 }));
      }
    }
    expect(m.steps).to.equal(6);
    const got = await Promise.all(m.s.map((b, i) => readF32(ctx, b, plan.params[i]!.weightCount)));
    got.forEach((s, i) => {
      const top = S[i]!.reduce((t, x) => Math.max(t, Math.abs(x)), 0);
      expectClose(s, S[i]!, { atol: 1e-4 * top + 1e-9, rtol: 1e-3 }, `S layer ${i}`);
    });
    m.release();
    net.destroy();
  });
});
