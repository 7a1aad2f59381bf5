// The scripting API: results against the oracles, and every bad argument rejected
// by name before anything reaches the GPU.
import { expect } from '@esm-bundle/chai';
import { createEngine, PruneLabError, type Engine } from '../src/index.js';
import { matmulRef } from '../src/ref/matmul.js';
import { topkMasksRef } from '../src/ref/topk.js';
import { Rng } from '../src/rng.js';
import { expectClose, expectEqualArrays } from './helpers/compare.js';
import { gpu } from './helpers/gpu.js';

async function rejects(p: () => Promise<unknown>, field: string): Promise<void> {
  let err: unknown;
  try {
    await p();
  } catch (e) {
    err = e;
  }
  expect(err, `expected an error naming ${field}`).to.be.instanceOf(PruneLabError);
  expect((err as PruneLabError).field).to.equal(field);
  expect((err as Error).message).to.contain(field);
}

describe('scripting API', () => {
  let engine: Engine;
  before(async () => {
    engine = await createEngine((await gpu()).device);
  });

  it('matmul and maskedMatmul match the oracle', async () => {
    const rng = new Rng(1);
    const [m, k, n] = [5, 17, 3];
    const a = rng.uniformArray(m * k);
    const b = rng.uniformArray(k * n);
    const mask = Uint8Array.from({ length: k * n }, () => rng.int(2));
    expectClose(await engine.matmul(a, b, m, k, n), matmulRef(a, b, m, k, n), { atol: 1e-5, rtol: 1e-5 });
    expectClose(await engine.matmul(a, b, m, k, n, { variant: 'naive' }), matmulRef(a, b, m, k, n), { atol: 1e-5, rtol: 1e-5 });
    expectClose(await engine.maskedMatmul(a, b, mask, m, k, n), matmulRef(a, b, m, k, n, { mask }), { atol: 1e-5, rtol: 1e-5 });
  });

  it('magnitudeMasks: global and local against the oracle, sparsity 0 keeps everything', async () => {
    const rng = new Rng(2);
    const layers = [rng.uniformArray(300), rng.uniformArray(17), rng.uniformArray(1)];
    for (const scope of ['global', 'local'] as const) {
      const got = await engine.magnitudeMasks(layers, 0.7, { scope });
      const want = topkMasksRef(layers, 0.7, scope);
      got.masks.forEach((mk, i) => expectEqualArrays(mk, want.masks[i]!, `${scope} layer ${i}`));
    }
    const none = await engine.magnitudeMasks(layers, 0);
    none.masks.forEach((mk) => expect(mk.every((v) => v === 1)).to.equal(true));
    const prior = layers.map((l) => new Uint8Array(l.length).fill(1));
    prior[0]![3] = 0;
    const kept = await engine.magnitudeMasks(layers, 0, { masks: prior });
    expect(kept.masks[0]![3]).to.equal(0);
  });

  it('rejects bad arguments by name before any GPU work', async () => {
    const a = new Float32Array(6);
    await rejects(() => engine.matmul(a, a, 2, 3, 0), 'n');
    await rejects(() => engine.matmul(a, a, 2.5, 3, 2), 'm');
    await rejects(() => engine.matmul(a, new Float32Array(5), 2, 3, 2), 'b');
    await rejects(() => engine.matmul([1, 2] as unknown as Float32Array, a, 2, 3, 2), 'a');
    await rejects(() => engine.maskedMatmul(a, a, new Uint8Array(5), 2, 3, 2), 'mask');
    await rejects(() => engine.maskedMatmul(a, a, new Uint8Array(6).fill(2), 2, 3, 2), 'mask[0]');
    await rejects(() => engine.magnitudeMasks([], 0.5), 'layers');
    await rejects(() => engine.magnitudeMasks([a], Number.NaN), 'sparsity');
    await rejects(() => engine.magnitudeMasks([a], 1), 'sparsity');
    await rejects(() => engine.magnitudeMasks([a], -0.1), 'sparsity');
    await rejects(() => engine.magnitudeMasks([a, new Float32Array(0)], 0.5), 'layers[1]');
    await rejects(() => engine.magnitudeMasks([Float32Array.of(1, Number.POSITIVE_INFINITY)], 0.5), 'layers[0][1]');
    await rejects(() => engine.magnitudeMasks([a], 0.5, { scope: 'layer' as 'local' }), 'scope');
    await rejects(() => engine.magnitudeMasks([a], 0.5, { masks: [] }), 'masks');
  });

  it("refuses a product over the adapter's buffer limits by name, before any buffer is made", async () => {
    const ctx = engine.ctx;
    const live = ctx.pool.liveBytes;
    // C = 20000 × 20000 f32 = 1.6 GB, over SwiftShader's 1 GiB binding limit.
    const v = new Float32Array(20000);
    await rejects(() => engine.matmul(v, v, 20000, 1, 20000), 'm');
    await rejects(() => engine.maskedMatmul(v, v, new Uint8Array(20000).fill(1), 20000, 1, 20000), 'm');
    expect(ctx.pool.liveBytes).to.equal(live);
  });
});
