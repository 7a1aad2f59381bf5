// The scripting API's criterion calls (pruneMasks, scores, sparsegpt): results
// against the CPU oracles in both weight layouts, exact counts, and every bad
// argument refused by name before any GPU work (no buffer made).
import { expect } from '@esm-bundle/chai';
import { createEngine, type ApiLayer, type Engine } from '../src/index.js';
import { topkMasksRef } from '../src/ref/topk.js';
import { inputSumsqRef, rowTopkRef, wandaScoresRef } from '../src/ref/criteria/wanda.js';
import { gramRef, sparseGptRef } from '../src/ref/criteria/sparsegpt.js';
import { nmMaskRef } from '../src/ref/nm.js';
import { lampScores } from '../src/ref/criteria/lamp.js';
import { pruneCount } from '../src/ref/mask.js';
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

describe('scripting API: criteria', () => {
  let engine: Engine;
  const rng = new Rng(31);
  // K×N (in-out) layers of awkward shapes.
  const shapes = [[33, 17], [8, 3], [1, 5]] as const;
  const ws = shapes.map(([K, N]) => rng.uniformArray(K * N));
  const layers: ApiLayer[] = shapes.map(([K, N], i) => ({ weight: ws[i]!, inputs: K, outputs: N }));
  const xs = shapes.map(([K]) => rng.uniformArray(19 * K, 0, 1));
  before(async () => {
    engine = await createEngine((await gpu()).device);
  });

  it('pruneMasks magnitude: the same masks as the top-k oracle, global and local, either layout', async () => {
    for (const scope of ['global', 'local'] as const) {
      const want = topkMasksRef(ws, 0.6, scope).masks;
      const got = await engine.pruneMasks(layers, 0.6, { criterion: 'magnitude', scope });
      got.forEach((m, i) => expectEqualArrays(m, want[i]!, `${scope} layer ${i}`));
      const outIn = layers.map((l) => ({ weight: transpose(l.weight, l.inputs, l.outputs), inputs: l.inputs, outputs: l.outputs, layout: 'out-in' as const }));
      const gotT = await engine.pruneMasks(outIn, 0.6, { criterion: 'magnitude', scope });
      gotT.forEach((m, i) => expectEqualArrays(transpose(m, shapes[i]![1], shapes[i]![0]), want[i]!, `${scope} out-in layer ${i}`));
    }
    const flat = await engine.pruneMasks([ws[0]!], 0.25, { criterion: 'magnitude' });
    expectEqualArrays(flat[0]!, topkMasksRef([ws[0]!], 0.25, 'global').masks[0]!, 'bare Float32Array');
  });

  it('pruneMasks wanda: per-row masks from the scores, scores against the oracle, exact count per layer', async () => {
    const scores = await engine.scores(layers, { criterion: 'wanda', calibration: xs });
    const masks = await engine.pruneMasks(layers, 0.5, { criterion: 'wanda', calibration: xs });
    shapes.forEach(([K, N], i) => {
      const lay = { rows: N, cols: K, rowStride: 1, colStride: N };
      expectClose(scores[i]!, wandaScoresRef(ws[i]!, lay, inputSumsqRef(xs[i]!, 19, K)), { atol: 1e-5, rtol: 1e-4 }, `layer ${i} scores`);
      expectEqualArrays(masks[i]!, rowTopkRef(scores[i]!, lay, pruneCount(0.5, K * N)), `layer ${i} masks`);
      expect(zeros(masks[i]!)).to.equal(pruneCount(0.5, K * N));
    });
  });

  it('pruneMasks lamp: the shared top-k over its scores (global), scores against the oracle', async () => {
    const scores = await engine.scores(layers, { criterion: 'lamp' });
    scores.forEach((sc, i) => expectClose(sc, lampScores(ws[i]!), { atol: 1e-6, rtol: 1e-4 }, `layer ${i} lamp scores`));
    const got = await engine.pruneMasks(layers, 0.8, { criterion: 'lamp' });
    const want = topkMasksRef(scores, 0.8, 'global').masks;
    got.forEach((m, i) => expectEqualArrays(m, want[i]!, `lamp layer ${i}`));
  });

  it('pruneMasks at 2:4 (magnitude) and random: oracle masks, exact counts, seeded', async () => {
    const l = { weight: rng.uniformArray(24 * 5), inputs: 24, outputs: 5 };
    const nm = await engine.pruneMasks([l], 0.5, { criterion: 'magnitude', granularity: 'nm', nm: { n: 2, m: 4 } });
    expectEqualArrays(nm[0]!, nmMaskRef(l.weight, 5, 24, 'in-out', 2, 4), '2:4');
    const a = await engine.pruneMasks(layers, 0.7, { criterion: 'random', seed: 4 });
    const b = await engine.pruneMasks(layers, 0.7, { criterion: 'random', seed: 4 });
    const c = await engine.pruneMasks(layers, 0.7, { criterion: 'random', seed: 5 });
    expect(a.reduce((s, m) => s + zeros(m), 0)).to.equal(pruneCount(0.7, ws.reduce((s, w) => s + w.length, 0)));
    a.forEach((m, i) => expectEqualArrays(m, b[i]!, `random seed 4, layer ${i}`));
    expect(a.some((m, i) => m.some((v, j) => v !== c[i]![j]))).to.equal(true);
  });

  it('pruneMasks wanda at 2:4: the N:M oracle over wanda scores', async () => {
    const l = { weight: rng.uniformArray(12 * 5), inputs: 12, outputs: 5 };
    const x = rng.uniformArray(9 * 12, 0, 1);
    const [sc] = await engine.scores([l], { criterion: 'wanda', calibration: [x] });
    const [m] = await engine.pruneMasks([l], 0.5, { criterion: 'wanda', granularity: 'nm', nm: { n: 2, m: 4 }, calibration: [x] });
    expectEqualArrays(m!, nmMaskRef(sc!, 5, 12, 'in-out', 2, 4), 'wanda 2:4');
  });

  it('sparsegpt: a singular H at damp 0 is refused naming damp', async () => {
    const l = { weight: rng.uniformArray(16 * 3), inputs: 16, outputs: 3 };
    await expectArgError(() => engine.sparsegpt(l, rng.uniformArray(5 * 16, 0, 1), 0.5, { damp: 0 }), 'damp');
  });

  it('sparsegpt: the float64 oracle on one layer, unstructured and 2:4, in either layout', async () => {
    const [K, N, n] = [24, 7, 30];
    const wOutIn = rng.uniformArray(N * K);
    const x = rng.uniformArray(n * K, 0, 1);
    const h = gramRef(x, n, K);
    for (const [s, o] of [[0.6, { blockSize: 8, damp: 0.01 }], [0.5, { blockSize: 8, damp: 0.01, nm: { n: 2, m: 4 } }]] as const) {
      const want = sparseGptRef(wOutIn, N, K, h, s, o)!;
      const got = await engine.sparsegpt({ weight: wOutIn, inputs: K, outputs: N, layout: 'out-in' }, x, s, o);
      expectEqualArrays(got.mask, want.mask, `mask ${s}`);
      expectClose(got.weight, want.w, { atol: 2e-5, rtol: 1e-3 }, `weights ${s}`);
      expect(zeros(got.mask)).to.equal(pruneCount(s, K * N));
      const gotT = await engine.sparsegpt({ weight: transpose(wOutIn, N, K), inputs: K, outputs: N }, x, s, o);
      expectClose(transpose(gotT.weight, K, N), want.w, { atol: 2e-5, rtol: 1e-3 }, `in-out weights ${s}`);
    }
  });

  it('refuses bad arguments by name before any GPU work', async () => {
    const live = engine.ctx.pool.liveBytes;
    const l = layers[0]!;
    const m = (opts: object, ls: unknown = layers, s = 0.5) => () => engine.pruneMasks(ls as ApiLayer[], s, opts as never);
    await expectArgError(m({ criterion: 'obd' }), 'criterion');
    // taylor takes the layers as one chain: 33→17 then 8 inputs does not chain (more in engine-criteria-net.test.ts).
    await expectArgError(m({ criterion: 'taylor' }), 'layers[1].inputs');
    await expectArgError(m({ criterion: 'sparsegpt' }), 'calibration');
    await expectArgError(m({}), 'criterion');
    // Units take a unit criterion (test/engine-units.test.ts); 'l1' is one, for units only.
    await expectArgError(m({ criterion: 'magnitude', granularity: 'unit' }), 'criterion');
    await expectArgError(m({ criterion: 'l1' }), 'criterion');
    await expectArgError(m({ criterion: 'magnitude', granularity: 'filter' }), 'granularity');
    await expectArgError(m({ criterion: 'magnitude', scope: 'layer' }), 'scope');
    await expectArgError(m({ criterion: 'magnitude', bogus: 1 }), 'bogus');
    await expectArgError(m({ criterion: 'magnitude' }, []), 'layers');
    await expectArgError(m({ criterion: 'magnitude' }, [{ ...l, weight: new Float32Array(3) }]), 'layers[0].weight');
    await expectArgError(m({ criterion: 'magnitude' }, [{ ...l, inputs: 0 }]), 'layers[0].inputs');
    await expectArgError(m({ criterion: 'magnitude' }, [{ ...l, layout: 'kn' }]), 'layers[0].layout');
    await expectArgError(m({ criterion: 'magnitude' }, [Float32Array.of(1, Number.NaN)]), 'layers[0][1]');
    await expectArgError(m({ criterion: 'magnitude' }, layers, 1), 'sparsity');
    await expectArgError(m({ criterion: 'magnitude', calibration: xs }), 'calibration');
    await expectArgError(m({ criterion: 'magnitude', nm: { n: 2, m: 4 } }), 'nm');
    await expectArgError(m({ criterion: 'magnitude', granularity: 'nm', nm: { n: 4, m: 4 } }), 'nm');
    await expectArgError(m({ criterion: 'magnitude', granularity: 'nm', nm: { n: 2, m: 4 } }), 'layers[0]');
    await expectArgError(m({ criterion: 'magnitude', granularity: 'nm', nm: { n: 2, m: 4 } }, [{ weight: new Float32Array(8), inputs: 4, outputs: 2 }], 0.7), 'sparsity');
    await expectArgError(m({ criterion: 'magnitude', masks: [new Uint8Array(3)] }), 'masks');
    await expectArgError(m({ criterion: 'magnitude', masks: layers.map((x) => new Uint8Array(x.weight.length).fill(2)) }), 'masks[0][0]');
    await expectArgError(m({ criterion: 'magnitude', seed: -1 }), 'seed');
    await expectArgError(m({ criterion: 'wanda' }), 'calibration');
    await expectArgError(m({ criterion: 'wanda', calibration: xs.slice(1) }), 'calibration');
    await expectArgError(m({ criterion: 'wanda', calibration: [new Float32Array(5), xs[1], xs[2]] }), 'calibration[0]');
    await expectArgError(m({ criterion: 'wanda', calibration: xs, scope: 'global' }), 'scope');
    await expectArgError(() => engine.scores(layers, { criterion: 'wanda', calibration: xs, scope: 'local' } as never), 'scope');
    const x = rng.uniformArray(10 * 33, 0, 1);
    const g = (opts: object, input: Float32Array = x, s = 0.5) => () => engine.sparsegpt(l, input, s, opts as never);
    await expectArgError(g({}, new Float32Array(34)), 'inputs');
    await expectArgError(g({ blockSize: 0 }), 'blockSize');
    await expectArgError(g({ damp: -1 }), 'damp');
    await expectArgError(g({ nm: { n: 2, m: 4 } }), 'layer');
    await expectArgError(() => engine.sparsegpt({ weight: new Float32Array(24), inputs: 8, outputs: 3 }, new Float32Array(16), 0.5, { nm: { n: 2, m: 4 }, blockSize: 6 }), 'blockSize');
    await expectArgError(g({ mask: new Uint8Array(2) }), 'mask');
    await expectArgError(g({ what: 1 }), 'what');
    await expectArgError(g({}, x, -0.5), 'sparsity');
    await expectArgError(() => engine.sparsegpt({ ...l, weight: new Float32Array(2) }, x, 0.5), 'layer.weight');
    expect(engine.ctx.pool.liveBytes).to.equal(live);
  });
});
