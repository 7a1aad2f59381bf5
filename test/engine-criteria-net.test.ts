// The scripting API's network criteria (taylor, snip, synflow, movement: the layers as
// one chain, ReLU between) and sparsegpt as a criterion of pruneMasks: scores against
// the CPU oracles of src/ref/criteria on a 7→5→3 chain with odd batch counts, masks
// against the top-k / N:M oracles over those scores, exact counts, either layout, and
// every bad argument refused by name before any GPU work.
import { expect } from '@esm-bundle/chai';
import { createEngine, type ApiLayer, type Engine, type LabeledCalibration } from '../src/engine.js';
import { planModel, type ModelPlan } from '../src/nn/spec.js';
import type { LayerValues } from '../src/nn/network.js';
import type { ImageDataset } from '../src/data/dataset.js';
import { topkMasksRef } from '../src/ref/topk.js';
import { gradientProductsRef, snipScoresRef, taylorScoresRef } from '../src/ref/criteria/gradients.js';
import { synflowScoresRef } from '../src/ref/criteria/synflow.js';
import { movementScoresRef } from '../src/ref/criteria/movement.js';
import { gramRef, sparseGptRef } from '../src/ref/criteria/sparsegpt.js';
import { nmMaskRef } from '../src/ref/nm.js';
import { pruneCount } from '../src/ref/mask.js';
import { synflowTargets } from '../src/prune/score-pruner.js';
import { Rng } from '../src/rng.js';
import { expectClose, expectEqualArrays } from './helpers/compare.js';
import { expectArgError } from './helpers/errors.js';
import { gpu } from './helpers/gpu.js';

/** N×K (out-in) copy of a K×N (in-out) array, and back. */
function transpose<T extends Float32Array | Uint8Array>(a: T, rows: number, cols: number): T {
  const out = new (a.constructor as new (n: number) => T)(a.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = a[r * cols + c]!;
  return out;
}
const zeros = (m: Uint8Array): number => m.reduce((s, v) => s + (v === 0 ? 1 : 0), 0);
const top = (a: ArrayLike<number>): number => {
  let t = 0;
  for (let i = 0; i < a.length; i++) t = Math.max(t, Math.abs(a[i]!));
  return t;
};

/** A chain K0 → N0 → … as the engine plans it (ReLU between), its layers in-out, its values. */
function chain(rng: Rng, dims: readonly number[], biases: boolean) {
  const plan: ModelPlan = planModel({
    input: { C: 1, H: 1, W: dims[0]! },
    layers: dims.slice(1).flatMap((u, j) => (j < dims.length - 2 ? [{ type: 'linear' as const, units: u }, { type: 'relu' as const }] : [{ type: 'linear' as const, units: u }])),
  });
  const values: LayerValues[] = plan.params.map((q) => ({ w: rng.uniformArray(q.weightCount, -0.8, 0.8), b: biases ? rng.uniformArray(q.out, -0.2, 0.3) : new Float32Array(q.out), mask: new Uint8Array(q.weightCount).fill(1) }));
  const layers: ApiLayer[] = plan.params.map((q, j) => ({ weight: values[j]!.w, inputs: q.in, outputs: q.out }));
  const outIn: ApiLayer[] = plan.params.map((q, j) => ({ weight: transpose(values[j]!.w, q.in, q.out), inputs: q.in, outputs: q.out, layout: 'out-in' }));
  return { plan, values, layers, outIn, biases: values.map((v) => v.b) };
}

function labelled(rng: Rng, n: number, K: number, classes: number): { cal: LabeledCalibration; data: ImageDataset } {
  const inputs = rng.uniformArray(n * K, -1, 1);
  const labels = Int32Array.from({ length: n }, () => rng.int(classes));
  return { cal: { inputs, labels }, data: { images: inputs, labels: Uint8Array.from(labels), shape: { C: 1, H: 1, W: K }, numClasses: classes, n } };
}

describe('scripting API: network criteria (a chain of layers)', () => {
  let engine: Engine;
  const rng = new Rng(77);
  before(async () => {
    engine = await createEngine((await gpu()).device);
  });

  it('taylor and snip: scores of the 7→5→3 chain (biases, 11 samples in 2 batches of 4) against the oracle; masks the top-k over them, global and local; either layout', async () => {
    const c = chain(rng, [7, 5, 3], true);
    const { cal, data } = labelled(rng, 11, 7, 3);
    const calibration = { ...cal, batchSize: 4 };
    for (const [criterion, ref] of [['taylor', taylorScoresRef], ['snip', snipScoresRef]] as const) {
      const want = ref(c.plan, c.values, data, 4);
      const got = await engine.scores(c.layers, { criterion, calibration, biases: c.biases });
      // f32 forward/backward on the GPU against f64 products of the oracle's f32 gradients.
      got.forEach((g, j) => expectClose(g, want[j]!, { atol: 1e-5 * top(want[j]!) + 1e-9, rtol: 1e-4 }, `${criterion} layer ${j}`));
      const gotT = await engine.scores(c.outIn, { criterion, calibration, biases: c.biases });
      gotT.forEach((g, j) => expectEqualArrays(transpose(g, c.plan.params[j]!.out, c.plan.params[j]!.in), got[j]!, `${criterion} out-in layer ${j}`));
      for (const scope of ['global', 'local'] as const) {
        const masks = await engine.pruneMasks(c.layers, 0.6, { criterion, scope, calibration, biases: c.biases });
        const oracle = topkMasksRef(got, 0.6, scope).masks;
        masks.forEach((m, j) => expectEqualArrays(m, oracle[j]!, `${criterion} ${scope} mask ${j}`));
        const masksT = await engine.pruneMasks(c.outIn, 0.6, { criterion, scope, calibration, biases: c.biases });
        masksT.forEach((m, j) => expectEqualArrays(transpose(m, c.plan.params[j]!.out, c.plan.params[j]!.in), oracle[j]!, `${criterion} ${scope} out-in mask ${j}`));
      }
    }
    // Without biases: zeros, not the ones above; one batch of all 11 rows by default.
    const noBias = await engine.scores(c.layers, { criterion: 'taylor', calibration: cal });
    const zeroB = c.values.map((v) => ({ ...v, b: new Float32Array(v.b.length) }));
    const want = gradientProductsRef(c.plan, zeroB, data, 11, 'signed').map((a) => a.map(Math.abs));
    noBias.forEach((g, j) => expectClose(g, want[j]!, { atol: 1e-5 * top(want[j]!) + 1e-9, rtol: 1e-4 }, `taylor no biases layer ${j}`));
  });

  it('taylor with prior masks: pruned weights stay pruned and count; exactly round(s·N) per group', async () => {
    const c = chain(rng, [7, 5, 3], true);
    const { cal, data } = labelled(rng, 9, 7, 3);
    const prior = c.values.map((v) => Uint8Array.from(v.w, () => (rng.next() < 0.3 ? 0 : 1)));
    const masked = c.values.map((v, j) => ({ ...v, mask: prior[j]! }));
    const want = taylorScoresRef(c.plan, masked, data, 9).map((a) => Float32Array.from(a));
    const oracle = topkMasksRef(want, 0.7, 'global', prior).masks;
    const got = await engine.pruneMasks(c.layers, 0.7, { criterion: 'taylor', calibration: cal, biases: c.biases, masks: prior });
    got.forEach((m, j) => expectEqualArrays(m, oracle[j]!, `prior mask ${j}`));
    expect(got.reduce((t, m) => t + zeros(m), 0)).to.equal(pruneCount(0.7, 35 + 15));
  });

  it('synflow: one round against the oracle (the power-of-two scaling undone); pruneMasks in rounds equal to the CPU schedule; data-free', async () => {
    const c = chain(rng, [7, 5, 3], false);
    const want = synflowScoresRef(c.plan, c.values);
    const got = await engine.scores(c.outIn, { criterion: 'synflow' });
    got.forEach((g, j) => expectClose(transpose(g, c.plan.params[j]!.out, c.plan.params[j]!.in), want[j]!, { atol: 1e-6 * top(want[j]!), rtol: 1e-4 }, `synflow layer ${j}`));
    const inOut = got.map((g, j) => transpose(g, c.plan.params[j]!.out, c.plan.params[j]!.in));
    const one = await engine.pruneMasks(c.layers, 0.5, { criterion: 'synflow', synflow: { iterations: 1 } });
    const oracle1 = topkMasksRef(inOut, 0.5, 'global').masks;
    one.forEach((m, j) => expectEqualArrays(m, oracle1[j]!, `1 round mask ${j}`));
    // 4 rounds to 80%, each rescoring the masked chain (CPU: f64 scores, the same top-k rule).
    for (const scope of ['global', 'local'] as const) {
      let masks: Uint8Array[] = c.values.map((v) => new Uint8Array(v.w.length).fill(1));
      for (const t of synflowTargets(0.8, 4)) {
        const sc = synflowScoresRef(c.plan, c.values.map((v, j) => ({ ...v, mask: masks[j]! }))).map((a) => Float32Array.from(a));
        masks = topkMasksRef(sc, t, scope, masks).masks;
      }
      const rounds = await engine.pruneMasks(c.layers, 0.8, { criterion: 'synflow', scope, synflow: { iterations: 4 } });
      rounds.forEach((m, j) => expectEqualArrays(m, masks[j]!, `4 rounds ${scope} mask ${j}`));
      const counts = scope === 'global' ? [pruneCount(0.8, 50)] : [pruneCount(0.8, 35), pruneCount(0.8, 15)];
      expect(scope === 'global' ? [zeros(rounds[0]!) + zeros(rounds[1]!)] : rounds.map(zeros)).to.deep.equal(counts);
    }
  });

  it('movement: S − min S after 5 SGD steps (batches of 3 over 10 rows: across an epoch boundary) against the CPU replay; masks the top-k over them; the caller\'s arrays unchanged', async () => {
    const c = chain(rng, [7, 5, 3], true);
    const { cal, data } = labelled(rng, 10, 7, 3);
    const before = c.values.map((v) => ({ w: v.w.slice(), b: v.b.slice() }));
    const movement = { steps: 5, lr: 0.3, batchSize: 3 };
    const S = movementScoresRef(c.plan, c.values, data, { ...movement, seed: 6 });
    const min = Math.min(...S.flatMap((s) => [...s]));
    const got = await engine.scores(c.layers, { criterion: 'movement', calibration: cal, biases: c.biases, movement, seed: 6 });
    const scale = Math.max(...S.map(top));
    got.forEach((g, j) => expectClose(g, S[j]!.map((x) => x - min), { atol: 1e-4 * scale + 1e-9, rtol: 1e-3 }, `movement layer ${j}`));
    const masks = await engine.pruneMasks(c.layers, 0.5, { criterion: 'movement', scope: 'local', calibration: cal, biases: c.biases, movement, seed: 6 });
    const oracle = topkMasksRef(got, 0.5, 'local').masks;
    masks.forEach((m, j) => expectEqualArrays(m, oracle[j]!, `movement mask ${j}`));
    c.values.forEach((v, j) => {
      expectEqualArrays(v.w, before[j]!.w, `weights ${j} unchanged`);
      expectEqualArrays(v.b, before[j]!.b, `biases ${j} unchanged`);
    });
    // Another seed: another batch order, other scores.
    const other = await engine.scores(c.layers, { criterion: 'movement', calibration: cal, biases: c.biases, movement, seed: 7 });
    expect(other.some((g, j) => g.some((x, i) => x !== got[j]![i]))).to.equal(true);
  });

  it("granularity 'nm' (2:4) for taylor, snip and movement on an 8→4→3 chain: the N:M oracle over the scores", async () => {
    const c = chain(rng, [8, 4, 3], true);
    const { cal } = labelled(rng, 6, 8, 3);
    for (const criterion of ['taylor', 'snip', 'movement'] as const) {
      const extra = criterion === 'movement' ? { movement: { steps: 2, lr: 0.1, batchSize: 3 } } : {};
      const sc = await engine.scores(c.layers, { criterion, calibration: cal, biases: c.biases, ...extra });
      const got = await engine.pruneMasks(c.layers, 0.5, { criterion, granularity: 'nm', nm: { n: 2, m: 4 }, calibration: cal, biases: c.biases, ...extra });
      got.forEach((m, j) => {
        const { in: K, out: N } = c.plan.params[j]!;
        expectEqualArrays(m, nmMaskRef(sc[j]!, N, K, 'in-out', 2, 4), `${criterion} 2:4 layer ${j}`);
        expect(zeros(m)).to.equal(K * N / 2);
      });
    }
  });

  it('sparsegpt in pruneMasks: each layer the masks of engine.sparsegpt (and of the f64 oracle), unstructured and 2:4, out-in', async () => {
    const shapes = [[12, 5], [8, 3]] as const;
    const wOutIn = shapes.map(([K, N]) => rng.uniformArray(N * K));
    const xs = shapes.map(([K]) => rng.uniformArray(13 * K, 0, 1));
    const layers: ApiLayer[] = shapes.map(([K, N], j) => ({ weight: wOutIn[j]!, inputs: K, outputs: N, layout: 'out-in' }));
    for (const [s, nm] of [[0.6, undefined], [0.5, { n: 2, m: 4 }]] as const) {
      const o = { blockSize: 4, damp: 0.02 };
      const masks = await engine.pruneMasks(layers, s, { criterion: 'sparsegpt', calibration: xs, sparsegpt: o, ...(nm ? { granularity: 'nm' as const, nm } : {}) });
      for (const [j, [K, N]] of shapes.entries()) {
        const single = await engine.sparsegpt(layers[j]!, xs[j]!, s, { ...o, ...(nm ? { nm } : {}) });
        expectEqualArrays(masks[j]!, single.mask, `layer ${j} at ${s}`);
        const ref = sparseGptRef(wOutIn[j]!, N, K, gramRef(xs[j]!, 13, K), s, { ...o, ...(nm ? { nm } : {}) })!;
        expectEqualArrays(masks[j]!, ref.mask, `layer ${j} oracle at ${s}`);
        expect(zeros(masks[j]!)).to.equal(pruneCount(s, K * N));
      }
    }
  });

  it('refuses bad arguments by name before any GPU work', async () => {
    const live = engine.ctx.pool.liveBytes;
    const c = chain(rng, [7, 5, 3], true);
    const { cal } = labelled(rng, 6, 7, 3);
    const mv = { steps: 2, lr: 0.1 };
    const m = (opts: object, ls: unknown = c.layers, s = 0.5) => () => engine.pruneMasks(ls as ApiLayer[], s, opts as never);
    const sc = (opts: object, ls: unknown = c.layers) => () => engine.scores(ls as ApiLayer[], opts as never);
    // The chain.
    await expectArgError(m({ criterion: 'taylor', calibration: cal }, [c.layers[0], { weight: new Float32Array(12), inputs: 4, outputs: 3 }]), 'layers[1].inputs');
    await expectArgError(m({ criterion: 'synflow' }, [c.layers[1], c.layers[0]]), 'layers[1].inputs');
    // Calibration: shape, labels, finite values, fields, batch.
    await expectArgError(m({ criterion: 'taylor' }), 'calibration');
    await expectArgError(m({ criterion: 'snip', calibration: [cal.inputs] }), 'calibration');
    await expectArgError(m({ criterion: 'taylor', calibration: { ...cal, inputs: new Float32Array(13) } }), 'calibration.inputs');
    await expectArgError(m({ criterion: 'taylor', calibration: { ...cal, inputs: cal.inputs.map((x, i) => (i === 9 ? Number.NaN : x)) } }), 'calibration.inputs[9]');
    await expectArgError(m({ criterion: 'taylor', calibration: { ...cal, labels: [0, 1, 2] } }), 'calibration.labels');
    await expectArgError(m({ criterion: 'taylor', calibration: { ...cal, labels: [0, 1, 2, 3, 0, 1] } }), 'calibration.labels[3]');
    await expectArgError(m({ criterion: 'taylor', calibration: { ...cal, labels: [0, 1, 2, 1.5, 0, 1] } }), 'calibration.labels[3]');
    await expectArgError(m({ criterion: 'snip', calibration: { ...cal, labels: new Float32Array(6) } }), 'calibration.labels');
    await expectArgError(m({ criterion: 'taylor', calibration: { ...cal, batchSize: 7 } }), 'calibration.batchSize');
    await expectArgError(m({ criterion: 'taylor', calibration: { ...cal, bogus: 1 } }), 'calibration.bogus');
    await expectArgError(m({ criterion: 'synflow', calibration: cal }), 'calibration');
    await expectArgError(m({ criterion: 'magnitude', calibration: cal }), 'calibration');
    // Biases.
    await expectArgError(m({ criterion: 'taylor', calibration: cal, biases: [c.biases[0]] }), 'biases');
    await expectArgError(m({ criterion: 'taylor', calibration: cal, biases: [c.biases[1], c.biases[0]] }), 'biases[0]');
    await expectArgError(m({ criterion: 'snip', calibration: cal, biases: [c.biases[0], Float32Array.of(0, Infinity, 0)] }), 'biases[1][1]');
    await expectArgError(m({ criterion: 'synflow', biases: c.biases }), 'biases');
    await expectArgError(m({ criterion: 'lamp', biases: c.biases }), 'biases');
    // Movement.
    await expectArgError(m({ criterion: 'movement', calibration: cal }), 'movement');
    await expectArgError(m({ criterion: 'movement', calibration: cal, movement: { ...mv, steps: 0 } }), 'movement.steps');
    await expectArgError(m({ criterion: 'movement', calibration: cal, movement: { ...mv, steps: 10001 } }), 'movement.steps');
    await expectArgError(m({ criterion: 'movement', calibration: cal, movement: { ...mv, lr: 0 } }), 'movement.lr');
    await expectArgError(m({ criterion: 'movement', calibration: cal, movement: { ...mv, lr: Number.NaN } }), 'movement.lr');
    await expectArgError(m({ criterion: 'movement', calibration: cal, movement: { ...mv, batchSize: 7 } }), 'movement.batchSize');
    await expectArgError(m({ criterion: 'movement', calibration: cal, movement: { ...mv, momentum: 0.9 } }), 'movement.momentum');
    await expectArgError(m({ criterion: 'movement', calibration: { ...cal, batchSize: 2 }, movement: mv }), 'calibration.batchSize');
    await expectArgError(m({ criterion: 'taylor', calibration: cal, movement: mv }), 'movement');
    // SynFlow.
    await expectArgError(m({ criterion: 'synflow', synflow: { iterations: 0 } }), 'synflow.iterations');
    await expectArgError(m({ criterion: 'synflow', synflow: { rounds: 3 } }), 'synflow.rounds');
    await expectArgError(m({ criterion: 'snip', calibration: cal, synflow: {} }), 'synflow');
    await expectArgError(sc({ criterion: 'synflow', synflow: { iterations: 3 } }), 'synflow');
    // SparseGPT as a criterion.
    const xs = c.layers.map((l) => new Float32Array(4 * l.inputs).fill(0.5));
    await expectArgError(sc({ criterion: 'sparsegpt', calibration: xs }), 'criterion');
    await expectArgError(m({ criterion: 'sparsegpt' }), 'calibration');
    await expectArgError(m({ criterion: 'sparsegpt', calibration: xs, scope: 'global' }), 'scope');
    await expectArgError(m({ criterion: 'sparsegpt', calibration: xs, sparsegpt: { blockSize: 0 } }), 'sparsegpt.blockSize');
    await expectArgError(m({ criterion: 'sparsegpt', calibration: xs, sparsegpt: { damp: 2 } }), 'sparsegpt.damp');
    await expectArgError(m({ criterion: 'sparsegpt', calibration: xs, sparsegpt: { what: 1 } }), 'sparsegpt.what');
    await expectArgError(m({ criterion: 'magnitude', sparsegpt: {} }), 'sparsegpt');
    await expectArgError(m({ criterion: 'synflow', sparsegpt: {} }), 'sparsegpt');
    const c8 = chain(rng, [8, 4, 3], false);
    await expectArgError(m({ criterion: 'sparsegpt', calibration: [new Float32Array(4 * 8).fill(0.5)], granularity: 'nm', nm: { n: 2, m: 4 }, sparsegpt: { blockSize: 6 } }, c8.layers.slice(0, 1)), 'sparsegpt.blockSize');
    // N:M shape of a chain layer (7 inputs).
    await expectArgError(m({ criterion: 'taylor', calibration: cal, granularity: 'nm', nm: { n: 2, m: 4 } }), 'layers[0]');
    // A chain whose activations at the calibration batch (256 rows) exceed the adapter's storage binding limit: named by layer, before any buffer.
    const wide = Math.ceil(engine.device.limits.maxStorageBufferBindingSize / (256 * 4)) + 1;
    const big = [{ weight: new Float32Array(wide).fill(0.5), inputs: 1, outputs: wide }, { weight: new Float32Array(wide * 2).fill(0.5), inputs: wide, outputs: 2 }];
    const bigCal = { inputs: new Float32Array(256).fill(0.5), labels: new Uint8Array(256) };
    await expectArgError(m({ criterion: 'snip', calibration: bigCal }, big), 'layers[0]');
    expect(engine.ctx.pool.liveBytes).to.equal(live);
  });
});
