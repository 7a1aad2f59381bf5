// Adam and AdamW (torch semantics) against the f32-faithful oracle over 30 steps
// with fresh gradients each step, a hand-derived first step, masks (w, m and v
// exactly 0 after 50 steps), and argument checks.
import { expect } from '@esm-bundle/chai';
import { adamParams, prepareAdam, type AdamArgs, type AdamHyper } from '../../src/kernels/adam.js';
import { runKernels } from '../../src/kernels/kernel.js';
import { adamRef } from '../../src/ref/adam.js';
import { packMask } from '../../src/ref/mask.js';
import { Rng } from '../../src/rng.js';
import { expectClose } from '../helpers/compare.js';
import { expectArgError } from '../helpers/errors.js';
import { gpu, noGpuErrors, readF32 } from '../helpers/gpu.js';

// Per step the kernel and the oracle may differ by a few ulp (sqrt and division are
// ~2.5 ulp in WGSL, and fused multiply-add); the update is lr·O(1), so after 50 steps
// w differs by far less than 1e-5, and m, v are plain recurrences.
const TOL = { atol: 1e-5, rtol: 1e-5 };

interface Run {
  n: number;
  steps: number;
  hyper: AdamHyper;
  decoupled?: boolean;
  mask?: Uint8Array;
  seed: number;
}

interface State {
  w: Float32Array;
  m: Float32Array;
  v: Float32Array;
}

/** Runs `steps` steps on the GPU and in the oracle from the same state and gradients. */
async function both(r: Run): Promise<{ gpu: State; ref: State; grads: Float32Array[] }> {
  const ctx = await gpu();
  const rng = new Rng(r.seed);
  const ref: State = { w: rng.uniformArray(r.n), m: rng.uniformArray(r.n, -0.1, 0.1), v: rng.uniformArray(r.n, 0, 0.01) };
  // Moments start at 0 as torch's do, except under a mask where nonzero moments
  // show whether the kernel clears them.
  if (!r.mask) {
    ref.m.fill(0);
    ref.v.fill(0);
  }
  const bufs = { w: ctx.pool.upload('w', ref.w), m: ctx.pool.upload('m', ref.m), v: ctx.pool.upload('v', ref.v), grad: ctx.pool.storage('grad', r.n * 4) };
  const mb = r.mask ? ctx.pool.upload('mask', packMask(r.mask)) : undefined;
  const grads: Float32Array[] = [];
  const out = await noGpuErrors(ctx, async () => {
    const k = await prepareAdam(ctx, { n: r.n, ...bufs, mask: mb, ...r.hyper, decoupled: r.decoupled });
    for (let t = 1; t <= r.steps; t++) {
      // Nonzero gradients everywhere, masked positions included.
      const g = rng.uniformArray(r.n, 0.05, 1).map((x, i) => (i % 3 ? x : -x));
      grads.push(g);
      ctx.device.queue.writeBuffer(bufs.grad, 0, g);
      const p = adamParams(r.n, r.hyper, t);
      k.setParams(p);
      runKernels(ctx, `adam step ${t}`, [k]);
      adamRef(ref.w, g, ref.m, ref.v, { ...p, decoupled: r.decoupled }, r.mask);
    }
    k.release();
    return { w: await readF32(ctx, bufs.w, r.n), m: await readF32(ctx, bufs.m, r.n), v: await readF32(ctx, bufs.v, r.n) };
  });
  for (const b of [...Object.values(bufs), mb]) if (b) ctx.pool.release(b);
  return { gpu: out, ref, grads };
}

function expectStates(got: State, want: State, what: string): void {
  for (const key of ['w', 'm', 'v'] as const) expectClose(got[key], want[key], TOL, `${what} ${key}`);
}

describe('adam', () => {
  it('Adam and AdamW with weight decay match the oracle over 30 steps on awkward sizes', async () => {
    for (const n of [1, 3, 17, 255, 257, 784 * 300]) {
      for (const decoupled of [false, true]) {
        const r = await both({ n, steps: 30, hyper: { lr: 1e-2, weightDecay: 1e-2 }, decoupled, seed: n });
        expectStates(r.gpu, r.ref, `${decoupled ? 'adamw' : 'adam'} n=${n}`);
      }
    }
  });

  it('step 1 moves each weight by lr·sign(g) (m̂ = g, v̂ = g²), independent of the oracle', async () => {
    const lr = 1e-3;
    const r = await both({ n: 17, steps: 1, hyper: { lr, beta1: 0.8, beta2: 0.99, eps: 1e-8 }, seed: 8 });
    const g = r.grads[0]!;
    const start = new Rng(8).uniformArray(17);
    expectClose(r.gpu.w, start.map((w, i) => w - lr * Math.sign(g[i]!)), { atol: 1e-6, rtol: 0 }, 'w after step 1');
    expectClose(r.gpu.m, g.map((x) => 0.2 * x), { atol: 1e-7, rtol: 1e-6 }, 'm after step 1');
    expectClose(r.gpu.v, g.map((x) => 0.01 * x * x), { atol: 1e-9, rtol: 1e-5 }, 'v after step 1');
  });

  it('keeps masked weights and both moments exactly 0 after 50 steps, the rest as the oracle', async () => {
    for (const decoupled of [false, true]) {
      const n = 257;
      const rng = new Rng(30);
      const mask = Uint8Array.from({ length: n }, () => (rng.next() < 0.5 ? 1 : 0));
      const r = await both({ n, steps: 50, hyper: { lr: 1e-2, weightDecay: 1e-2 }, decoupled, mask, seed: 31 });
      let masked = 0;
      for (let i = 0; i < n; i++) {
        if (mask[i]) continue;
        masked++;
        for (const key of ['w', 'm', 'v'] as const) expect(r.gpu[key][i], `${key}[${i}]`).to.equal(0);
      }
      expect(masked).to.be.greaterThan(100);
      expectStates(r.gpu, r.ref, `masked ${decoupled ? 'adamw' : 'adam'}`);
    }
  });

  it('rejects bad arguments with a PruneLabError naming the field', async () => {
    const ctx = await gpu();
    const small = ctx.pool.storage('small', 16);
    const [a, b, c, d] = [1, 2, 3, 4].map((i) => ctx.pool.storage(`buf ${i}`, 128)) as [GPUBuffer, GPUBuffer, GPUBuffer, GPUBuffer];
    const ok: AdamArgs = { n: 32, w: a, grad: b, m: c, v: d, lr: 1e-3 };
    await expectArgError(() => prepareAdam(ctx, { ...ok, n: 1.5 }), 'n');
    await expectArgError(() => prepareAdam(ctx, { ...ok, lr: -1 }), 'lr');
    await expectArgError(() => prepareAdam(ctx, { ...ok, beta1: 1 }), 'beta1');
    await expectArgError(() => prepareAdam(ctx, { ...ok, beta2: -0.1 }), 'beta2');
    await expectArgError(() => prepareAdam(ctx, { ...ok, eps: 0 }), 'eps');
    await expectArgError(() => prepareAdam(ctx, { ...ok, weightDecay: Number.NaN }), 'weightDecay');
    await expectArgError(() => prepareAdam(ctx, { ...ok, step: 0 }), 'step');
    await expectArgError(() => prepareAdam(ctx, { ...ok, m: small }), 'm');
    await expectArgError(() => prepareAdam(ctx, { ...ok, mask: small }), 'mask');
    await expectArgError(() => prepareAdam(ctx, { ...ok, v: c }), 'v');
    await expectArgError(() => prepareAdam(ctx, { ...ok, workgroupSize: 3 }), 'workgroupSize');
    const k = await prepareAdam(ctx, ok);
    expect(() => k.setParams({ ...adamParams(32, { lr: 1e-3 }, 1), bc2: 0 })).to.throw(/bc2 must be/);
    k.release();
    for (const x of [small, a, b, c, d]) ctx.pool.release(x);
  });
});
