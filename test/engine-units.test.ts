// The scripting API's unit granularity (engine.pruneMasks / engine.scores with
// granularity 'unit'): per-unit scores of l1, l2, norm-product and taylor on the GPU
// against the f64 oracles of src/ref/criteria/units.ts on 7→5→3 and 13→9→6→4 chains,
// in either layout; masks against a selection written here from the oracle's scores
// (exact counts per layer and pooled, the lowest go, ties to the lower layer then the
// lower unit, whole incoming columns zeroed and nothing else); masked = shrunk, and
// engine.shrinkUnits gives that shrunk chain; every bad argument refused by name
// before any GPU work.
import { expect } from '@esm-bundle/chai';
import { createEngine, type ApiLayer, type Engine } from '../src/engine.js';
import { planModel, type ModelPlan } from '../src/nn/spec.js';
import type { LayerValues } from '../src/nn/network.js';
import type { ImageDataset } from '../src/data/dataset.js';
import { normProductRef, unitNormRef, unitTaylorRef } from '../src/ref/criteria/units.js';
import { gradientProductsRef } from '../src/ref/criteria/gradients.js';
import { networkRef } from '../src/ref/network.js';
import { Rng } from '../src/rng.js';
import { expectClose } from './helpers/compare.js';
import { expectArgError, refusal } from './helpers/errors.js';
import { gpu } from './helpers/gpu.js';

function transpose<T extends Float32Array | Uint8Array>(a: T, rows: number, cols: number): T {
  const out = new (a.constructor as new (n: number) => T)(a.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = a[r * cols + c]!;
  return out;
}

/** A chain K0 → N0 → … (ReLU between), its layers in-out and out-in, its values. */
function chain(rng: Rng, dims: readonly number[]) {
  const plan: ModelPlan = planModel({
    input: { C: 1, H: 1, W: dims[0]! },
    layers: dims.slice(1).flatMap((u, j) => (j < dims.length - 2 ? [{ type: 'linear' as const, units: u }, { type: 'relu' as const }] : [{ type: 'linear' as const, units: u }])),
  });
  const values: LayerValues[] = plan.params.map((q) => ({ w: rng.uniformArray(q.weightCount, -0.8, 0.8), b: rng.uniformArray(q.out, -0.2, 0.3), mask: new Uint8Array(q.weightCount).fill(1) }));
  const layers: ApiLayer[] = plan.params.map((q, j) => ({ weight: values[j]!.w, inputs: q.in, outputs: q.out }));
  const outIn: ApiLayer[] = plan.params.map((q, j) => ({ weight: transpose(values[j]!.w, q.in, q.out), inputs: q.in, outputs: q.out, layout: 'out-in' }));
  return { plan, values, layers, outIn, biases: values.map((v) => v.b) };
}

function labelled(rng: Rng, n: number, K: number, classes: number) {
  const inputs = rng.uniformArray(n * K, -1, 1);
  const labels = Int32Array.from({ length: n }, () => rng.int(classes));
  const data: ImageDataset = { images: inputs, labels: Uint8Array.from(labels), shape: { C: 1, H: 1, W: K }, numClasses: classes, n };
  return { cal: { inputs, labels, batchSize: 4 }, data };
}

type Crit = 'l1' | 'l2' | 'norm-product' | 'taylor';

/**
 * The documented selection, from raw scores: local, the round(s·U_i) lowest of each
 * layer (ties to the lower unit); global, Σ round(s·U_i) lowest of all by
 * score / normalizer (l1 K_i, l2 √K_i, norm-product √(K_i·N_{i+1}), taylor 1), ties to
 * the lower layer, then the lower unit.
 */
function selectionRef(plan: ModelPlan, scores: ArrayLike<number>[], s: number, scope: 'local' | 'global', c: Crit): Set<string> {
  const hidden = plan.params.slice(0, -1);
  const gone = new Set<string>();
  const norm = (i: number): number => {
    const K = plan.params[i]!.in;
    return c === 'l1' ? K : c === 'l2' ? Math.sqrt(K) : c === 'taylor' ? 1 : Math.sqrt(K * plan.params[i + 1]!.out);
  };
  const all: Array<[number, number, number]> = [];
  hidden.forEach((q, i) => {
    const rows = Array.from({ length: q.out }, (_, u) => [scores[i]![u]!, i, u] as [number, number, number]);
    if (scope === 'local') {
      rows.sort((a, b) => a[0] - b[0] || a[2] - b[2]);
      for (const r of rows.slice(0, Math.round(s * q.out))) gone.add(`${i}:${r[2]}`);
    } else {
      for (const r of rows) all.push([r[0] / norm(i), i, r[2]]);
    }
  });
  if (scope === 'global') {
    all.sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2]);
    const k = hidden.reduce((t, q) => t + Math.round(s * q.out), 0);
    for (const r of all.slice(0, k)) gone.add(`${r[1]}:${r[2]}`);
  }
  return gone;
}

/** Masks (in-out) are exactly the removed units' incoming columns, nothing else; the last layer all ones. */
function expectUnitMasks(plan: ModelPlan, masks: Uint8Array[], gone: Set<string>, what: string): void {
  expect(masks.length, what).to.equal(plan.params.length);
  plan.params.forEach((q, i) => {
    const m = masks[i]!;
    expect(m.length).to.equal(q.weightCount);
    for (let k = 0; k < q.in; k++) {
      for (let u = 0; u < q.out; u++) {
        const want = gone.has(`${i}:${u}`) ? 0 : 1;
        if (m[k * q.out + u] !== want) throw new Error(`${what}: layers[${i}] input ${k} unit ${u} is ${m[k * q.out + u]}, not ${want}`);
      }
    }
  });
}

describe("scripting API: granularity 'unit'", () => {
  let engine: Engine;
  const rng = new Rng(131);
  before(async () => {
    engine = await createEngine((await gpu()).device);
  });

  for (const dims of [[7, 5, 3], [13, 9, 6, 4]] as const) {
    const name = dims.join('→');
    it(`${name}: l1, l2, norm-product scores equal the oracle in either layout; masks the documented selection, local and global`, async () => {
      const c = chain(rng, dims);
      for (const criterion of ['l1', 'l2', 'norm-product'] as const) {
        const ref = c.plan.params.slice(0, -1).map((_, i) => (criterion === 'norm-product' ? normProductRef(c.plan, c.values, i) : unitNormRef(c.plan, c.values, i, criterion)));
        for (const ls of [c.layers, c.outIn]) {
          const got = await engine.scores(ls, { criterion, granularity: 'unit' });
          expect(got.length).to.equal(dims.length - 2);
          got.forEach((sc, i) => {
            expect(sc).to.be.instanceOf(Float32Array);
            expectClose(sc, ref[i]!, { atol: 1e-6, rtol: 1e-5 }, `${name} ${criterion} layer ${i}`);
          });
        }
        for (const scope of ['local', 'global'] as const) {
          for (const s of [0, 0.25, 0.5]) {
            const gone = selectionRef(c.plan, ref, s, scope, criterion);
            const masks = await engine.pruneMasks(c.layers, s, { criterion, granularity: 'unit', scope });
            expectUnitMasks(c.plan, masks, gone, `${name} ${criterion} ${scope} ${s}`);
            const t = await engine.pruneMasks(c.outIn, s, { criterion, granularity: 'unit', scope });
            expectUnitMasks(c.plan, t.map((m, j) => transpose(m, c.plan.params[j]!.out, c.plan.params[j]!.in)), gone, `${name} ${criterion} ${scope} ${s} out-in`);
          }
        }
      }
    });

    it(`${name}: taylor (Σ w·g)² per unit against the CPU gradients (biases, 11 samples in 2 batches of 4); masks the selection over its scores`, async () => {
      const c = chain(rng, dims);
      const { cal, data } = labelled(rng, 11, dims[0], dims.at(-1)!);
      const g = gradientProductsRef(c.plan, c.values, data, 4, 'signed');
      const ref = c.plan.params.slice(0, -1).map((_, i) => unitTaylorRef(c.plan, g[i]!, i));
      const got = await engine.scores(c.outIn, { criterion: 'taylor', granularity: 'unit', calibration: cal, biases: c.biases });
      got.forEach((sc, i) => expectClose(sc, ref[i]!, { atol: 1e-3 * Math.max(...ref[i]!) + 1e-12, rtol: 1e-3 }, `${name} taylor layer ${i}`));
      for (const scope of ['local', 'global'] as const) {
        const masks = await engine.pruneMasks(c.layers, 0.5, { criterion: 'taylor', granularity: 'unit', scope, calibration: cal, biases: c.biases });
        expectUnitMasks(c.plan, masks, selectionRef(c.plan, got, 0.5, scope, 'taylor'), `${name} taylor ${scope}`);
      }
    });
  }

  it('ties: equal units go by the lower unit (local) and the lower layer (global, equal normalized scores)', async () => {
    // 13→9→6→4 with every |w| of units 2 and 7 of layer 0 and unit 4 of layer 1 equal to 1/8 (exact in f32),
    // the other units larger: mean |w| = 1/8 in both layers, a tie across layers.
    const c = chain(new Rng(5), [13, 9, 6, 4]);
    const [w0, w1] = [c.values[0]!.w, c.values[1]!.w];
    for (let i = 0; i < w0.length; i++) w0[i] = (i % 9 === 2 || i % 9 === 7) ? (i % 2 ? 0.125 : -0.125) : 0.5 + (i % 5) / 10;
    for (let i = 0; i < w1.length; i++) w1[i] = i % 6 === 4 ? 0.125 : -0.6 - (i % 3) / 10;
    const masks = async (s: number, scope: 'local' | 'global') => engine.pruneMasks(c.layers, s, { criterion: 'l1', granularity: 'unit', scope });
    // local at 1/9 of layer 0 (round(1) = 1), 1/6 of layer 1 (round(6/9) = 1): units 2 and 4 go; 7 (tied with 2) stays.
    const gone = new Set(['0:2', '1:4']);
    expectUnitMasks(c.plan, await masks(1 / 9, 'local'), gone, 'local ties');
    // global at 0.15: round(1.35) + round(0.9) = 2 of the three tied: layer 0's units 2 and 7 (lower layer first), not layer 1's 4.
    expectUnitMasks(c.plan, await masks(0.15, 'global'), new Set(['0:2', '0:7']), 'global ties');
  });

  it('masked = shrunk: the masks with the removed units\' biases zeroed give the logits of the smaller chain', async () => {
    const c = chain(rng, [13, 9, 6, 4]);
    const masks = await engine.pruneMasks(c.layers, 0.4, { criterion: 'norm-product', granularity: 'unit', scope: 'global' });
    const kept = c.plan.params.map((q, i) => Array.from({ length: q.out }, (_, u) => u).filter((u) => masks[i]![u] === 1));
    const B = 3;
    const x = rng.uniformArray(B * 13);
    const masked = c.values.map((v, i) => ({ w: v.w.map((w, j) => (masks[i]![j] ? w : 0)), b: v.b.map((b, u) => (kept[i]!.includes(u) ? b : 0)), mask: masks[i]! }));
    const dims = [13, ...kept.map((k) => k.length)];
    const small = chain(new Rng(0), dims);
    const sv = c.plan.params.map((q, i) => {
      const rows = i === 0 ? Array.from({ length: q.in }, (_, r) => r) : kept[i - 1]!;
      const cols = kept[i]!;
      return { w: Float32Array.from(rows.flatMap((r) => cols.map((u) => c.values[i]!.w[r * q.out + u]!))), b: Float32Array.from(cols, (u) => c.values[i]!.b[u]!), mask: new Uint8Array(rows.length * cols.length).fill(1) };
    });
    expect(kept.at(-1)!.length).to.equal(4);
    const y = new Uint32Array(B);
    expectClose(networkRef(small.plan, sv, x, y, B).logits, networkRef(c.plan, masked, x, y, B).logits, { atol: 1e-5, rtol: 1e-5 }, 'shrunk vs masked');
    // engine.shrinkUnits gives that smaller chain, in either layout.
    const got = engine.shrinkUnits(c.layers, masks, { biases: c.biases });
    expect(got.kept.map((k) => Array.from(k))).to.deep.equal(kept.slice(0, -1));
    got.layers.forEach((l, i) => {
      expect([l.inputs, l.outputs]).to.deep.equal([dims[i], dims[i + 1]]);
      expect(Array.from(l.weight)).to.deep.equal(Array.from(sv[i]!.w));
      expect(Array.from(got.biases[i]!)).to.deep.equal(Array.from(sv[i]!.b));
      expect(got.masks[i]!.every((v) => v === 1)).to.equal(true);
    });
    const t = engine.shrinkUnits(c.outIn, masks.map((m, j) => transpose(m, c.plan.params[j]!.in, c.plan.params[j]!.out)));
    t.layers.forEach((l, i) => {
      expect(l.layout).to.equal('out-in');
      expect(Array.from(transpose(l.weight, l.outputs, l.inputs))).to.deep.equal(Array.from(sv[i]!.w));
      expect(t.biases[i]!.every((b) => b === 0)).to.equal(true);
    });
  });

  it('shrinkUnits: a weight pruned inside a kept unit stays pruned (0, mask 0); refusals by name', async () => {
    const c = chain(rng, [7, 5, 3]);
    const masks = c.layers.map((l) => new Uint8Array(l.weight.length).fill(1));
    for (let k = 0; k < 7; k++) masks[0]![k * 5 + 1] = 0; // unit 1 of layer 0 removed
    masks[0]![2 * 5 + 3] = 0; // one weight of unit 3
    masks[1]![4 * 3 + 2] = 0; // layers[1] input 4 (unit 4), output 2
    const got = engine.shrinkUnits(c.layers, masks);
    expect(Array.from(got.kept[0]!)).to.deep.equal([0, 2, 3, 4]);
    expect(got.layers[0]!.weight[2 * 4 + 2]).to.equal(0); // input 2, unit 3 (now column 2)
    expect(got.masks[0]![2 * 4 + 2]).to.equal(0);
    expect(got.masks[1]![3 * 3 + 2]).to.equal(0); // unit 4 is now input 3
    expect(got.masks[1]!.reduce((t, v) => t + v, 0)).to.equal(4 * 3 - 1);
    const sh = (ls: unknown, ms: unknown, o?: unknown) => () => engine.shrinkUnits(ls as ApiLayer[], ms as Uint8Array[], o as never);
    const none = masks.map((m, i) => (i === 0 ? new Uint8Array(m.length) : m));
    await expectArgError(sh(c.layers, none), 'masks[0]');
    await expectArgError(sh(c.layers, masks.slice(1)), 'masks');
    await expectArgError(sh(c.layers, [masks[0], new Uint8Array(3)]), 'masks[1]');
    await expectArgError(sh(c.layers, [masks[0], Uint8Array.from(masks[1]!, () => 2)]), 'masks[1][0]');
    await expectArgError(sh([c.layers[0]], [masks[0]]), 'layers');
    await expectArgError(sh([c.layers[0], { weight: new Float32Array(12), inputs: 4, outputs: 3 }], masks), 'layers[1].inputs');
    await expectArgError(sh(c.layers, masks, { biases: [c.biases[0], new Float32Array(2)] }), 'biases[1]');
    await expectArgError(sh(c.layers, masks, { bogus: 1 }), 'bogus');
  });

  it('refuses bad arguments by name before any GPU work; a global sparsity that empties a layer is refused naming sparsity', async () => {
    const live = engine.ctx.pool.liveBytes;
    const c = chain(rng, [7, 5, 3]);
    const { cal } = labelled(rng, 6, 7, 3);
    const m = (opts: object, ls: unknown = c.layers, s = 0.4) => () => engine.pruneMasks(ls as ApiLayer[], s, opts as never);
    const u = { granularity: 'unit' };
    await expectArgError(m({ ...u, criterion: 'magnitude' }), 'criterion');
    await expectArgError(m({ ...u, criterion: 'snip' }), 'criterion');
    await expectArgError(m({ ...u }), 'criterion');
    await expectArgError(m({ criterion: 'l2' }), 'criterion');
    await expectArgError(m({ criterion: 'norm-product', granularity: 'nm', nm: { n: 2, m: 4 } }), 'criterion');
    await expectArgError(m({ ...u, criterion: 'l1', nm: { n: 2, m: 4 } }), 'nm');
    await expectArgError(m({ ...u, criterion: 'l1', masks: c.layers.map((l) => new Uint8Array(l.weight.length).fill(1)) }), 'masks');
    await expectArgError(m({ ...u, criterion: 'l1', synflow: { iterations: 2 } }), 'synflow');
    await expectArgError(m({ ...u, criterion: 'l1', bogus: 1 }), 'bogus');
    await expectArgError(m({ ...u, criterion: 'l1', scope: 'layer' }), 'scope');
    await expectArgError(m({ ...u, criterion: 'l1' }, [c.layers[0]]), 'layers');
    await expectArgError(m({ ...u, criterion: 'l1' }, []), 'layers');
    await expectArgError(m({ ...u, criterion: 'l1' }, [c.layers[0], { ...c.layers[1]!, weight: new Float32Array(6 * 3), inputs: 6 }]), 'layers[1].inputs');
    await expectArgError(m({ ...u, criterion: 'l1' }, [c.layers[0], { ...c.layers[1]!, weight: Float32Array.from(c.layers[1]!.weight, (w, i) => (i === 3 ? NaN : w)) }]), 'layers[1].weight[3]');
    await expectArgError(m({ ...u, criterion: 'l1', calibration: cal }), 'calibration');
    await expectArgError(m({ ...u, criterion: 'l2', biases: c.biases }), 'biases');
    await expectArgError(m({ ...u, criterion: 'taylor' }), 'calibration');
    await expectArgError(m({ ...u, criterion: 'taylor', calibration: { ...cal, labels: [0, 1, 2, 3, 0, 1] } }), 'calibration.labels[3]');
    await expectArgError(m({ ...u, criterion: 'taylor', calibration: cal, biases: [c.biases[0]] }), 'biases');
    await expectArgError(m({ ...u, criterion: 'l1', seed: -1 }), 'seed');
    await expectArgError(m({ ...u, criterion: 'l1' }, c.layers, 1), 'sparsity');
    await expectArgError(m({ ...u, criterion: 'l1' }, c.layers, Number.NaN), 'sparsity');
    // Local: round(0.9·5) = 5 would remove all of layers[0]; global: Σ round(s·U_i) = 5 of 5 too.
    await expectArgError(m({ ...u, criterion: 'l1', scope: 'local' }, c.layers, 0.9), 'sparsity');
    await expectArgError(m({ ...u, criterion: 'l1', scope: 'global' }, c.layers, 0.9), 'sparsity');
    const sc = (opts: object) => () => engine.scores(c.layers, opts as never);
    await expectArgError(sc({ ...u, criterion: 'lamp' }), 'criterion');
    await expectArgError(sc({ criterion: 'norm-product' }), 'criterion');
    await expectArgError(sc({ criterion: 'magnitude', granularity: 'nm' }), 'granularity');
    await expectArgError(sc({ ...u, criterion: 'l1', scope: 'local' }), 'scope');
    await expectArgError(sc({ ...u, criterion: 'taylor', calibration: { ...cal, inputs: new Float32Array(5) } }), 'calibration.inputs');
    expect(engine.ctx.pool.liveBytes).to.equal(live);
    // Global pooling can still empty a layer when all its units score lowest: refused once the scores are known.
    const d = chain(rng, [7, 5, 4, 3]);
    d.layers[1]!.weight.forEach((_, i, w) => (w[i] = 1e-3 * ((i % 3) + 1)));
    const e = await refusal(() => engine.pruneMasks(d.layers, 0.5, { criterion: 'l2', granularity: 'unit', scope: 'global' }));
    expect(e.field).to.equal('sparsity');
    expect(e.message).to.contain('layers[1]');
    expect(engine.ctx.pool.liveBytes).to.equal(live);
  });
});
