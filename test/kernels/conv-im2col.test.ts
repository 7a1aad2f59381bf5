// The im2col conv path: im2col, col2im and the batched transpose against their CPU
// oracles on awkward shapes (odd sizes, C = 3, k = 3/5, strides 1–3, uneven pads);
// the whole conv layer (forward, dX, dW, db) through im2col + matmul against the
// direct-conv oracle; a tiny strided CNN's GPU gradients on both conv paths against
// the network oracle and central finite differences; the executor's choice of path;
// and named refusals.
import { expect } from '@esm-bundle/chai';
import { prepareIm2col, prepareCol2im } from '../../src/kernels/im2col.js';
import { prepareTranspose } from '../../src/kernels/transpose.js';
import { convIm2colScratchBytes, prepareConvIm2colBackward, prepareConvIm2colForward } from '../../src/kernels/conv-im2col.js';
import { runKernels, type BoundKernel } from '../../src/kernels/kernel.js';
import { im2colRef, col2imRef } from '../../src/ref/im2col.js';
import { transposeRef } from '../../src/ref/transpose.js';
import { conv2dBackwardDataRef, conv2dBackwardFilterRef, conv2dBiasGradRef, conv2dGeometry, conv2dRef, type Conv2dShape } from '../../src/ref/conv2d.js';
import { packMask } from '../../src/ref/mask.js';
import { planModel, type ModelSpec } from '../../src/nn/spec.js';
import { Network, initialValues, type ConvPath } from '../../src/nn/network.js';
import { Executor } from '../../src/nn/executor.js';
import { networkRef } from '../../src/ref/network.js';
import { Rng } from '../../src/rng.js';
import { PruneLabError } from '../../src/errors.js';
import { expectClose, expectEqualArrays } from '../helpers/compare.js';
import { expectArgError } from '../helpers/errors.js';
import { gpu, readF32, noGpuErrors } from '../helpers/gpu.js';
import { checkRefGradsByDifferences, gpuStep, randomMasks } from '../helpers/network-step.js';

// f32 sums of at most a few hundred terms in [-1, 1] against f64 sums.
const TOL = { atol: 1e-4, rtol: 1e-4 };

const SHAPES: Array<Conv2dShape & { note: string }> = [
  { note: 'C=3 7×9 k3 stride 2 pads [1,0,2,1]', B: 2, C: 3, H: 7, W: 9, F: 5, KH: 3, KW: 3, stride: 2, pads: [1, 0, 2, 1] },
  { note: 'C=1 5×5 k5 valid (one window)', B: 3, C: 1, H: 5, W: 5, F: 1, KH: 5, KW: 5 },
  { note: 'C=3 9×8 k5 same', B: 1, C: 3, H: 9, W: 8, F: 7, KH: 5, KW: 5, padding: 'same' },
  { note: 'C=2 11×10 k3 stride 3 pads [0,2,1,0]', B: 2, C: 2, H: 11, W: 10, F: 3, KH: 3, KW: 3, stride: 3, pads: [0, 2, 1, 0] },
  { note: 'C=3 13×17 k5 stride 2 pads [2,2,2,2]', B: 2, C: 3, H: 13, W: 17, F: 6, KH: 5, KW: 5, stride: 2, pads: [2, 2, 2, 2] },
  { note: 'LeNet-5 conv2 20×12×12 k5 valid, B=3', B: 3, C: 20, H: 12, W: 12, F: 50, KH: 5, KW: 5 },
];

function label(s: Conv2dShape): string {
  return (s as { note?: string }).note ?? `${s.B}×${s.C}×${s.H}×${s.W} k${s.KH}`;
}

async function run(kernels: BoundKernel[], what: string): Promise<void> {
  const ctx = await gpu();
  runKernels(ctx, what, kernels);
  for (const k of kernels) k.release();
}

describe('im2col, col2im and transpose vs their CPU oracles', () => {
  for (const s of SHAPES) {
    it(`${label(s)}: im2col rows and col2im sums`, async () => {
      const ctx = await gpu();
      const rng = new Rng(5);
      const { OH, OW } = conv2dGeometry(s);
      const rowsN = s.B * OH * OW * s.C * s.KH * s.KW;
      const x = rng.uniformArray(s.B * s.C * s.H * s.W);
      const dcols = rng.uniformArray(rowsN);
      const xb = ctx.pool.upload('x', x);
      const colsb = ctx.pool.storage('cols', rowsN * 4);
      const dcolsb = ctx.pool.upload('dcols', dcols);
      const dxb = ctx.pool.storage('dx', x.length * 4);
      const [cols, dx] = await noGpuErrors(ctx, async () => {
        await run([await prepareIm2col(ctx, { ...s, x: xb, cols: colsb }), await prepareCol2im(ctx, { ...s, dcols: dcolsb, dx: dxb })], 'im2col test');
        return Promise.all([readF32(ctx, colsb, rowsN), readF32(ctx, dxb, x.length)]);
      });
      for (const b of [xb, colsb, dcolsb, dxb]) ctx.pool.release(b);
      // A copy: bit-exact.
      expectEqualArrays(cols, im2colRef(x, s), `im2col ${label(s)}`);
      expectClose(dx, col2imRef(dcols, s), TOL, `col2im ${label(s)}`);
    });
  }

  it('col2im is the adjoint of im2col: ⟨im2col(x), g⟩ = ⟨x, col2im(g)⟩ (oracles)', () => {
    for (const s of SHAPES) {
      const rng = new Rng(9);
      const x = rng.uniformArray(s.B * s.C * s.H * s.W);
      const cols = im2colRef(x, s);
      const g = rng.uniformArray(cols.length);
      const dx = col2imRef(g, s);
      let lhs = 0;
      let rhs = 0;
      for (let i = 0; i < cols.length; i++) lhs += cols[i]! * g[i]!;
      for (let i = 0; i < x.length; i++) rhs += x[i]! * dx[i]!;
      expect(Math.abs(lhs - rhs)).to.be.below(1e-9 * Math.max(1, Math.abs(lhs)), label(s));
    }
  });

  for (const [B, R, S] of [[1, 1, 1], [3, 17, 5], [2, 64, 50], [5, 20, 576]] as const) {
    it(`transpose ${B}×${R}×${S} and back`, async () => {
      const ctx = await gpu();
      const x = new Rng(2).uniformArray(B * R * S);
      const xb = ctx.pool.upload('x', x);
      const yb = ctx.pool.storage('y', x.length * 4);
      const zb = ctx.pool.storage('z', x.length * 4);
      const [y, z] = await noGpuErrors(ctx, async () => {
        await run([await prepareTranspose(ctx, { B, R, S, x: xb, y: yb }), await prepareTranspose(ctx, { B, R: S, S: R, x: yb, y: zb })], 'transpose test');
        return Promise.all([readF32(ctx, yb, x.length), readF32(ctx, zb, x.length)]);
      });
      for (const b of [xb, yb, zb]) ctx.pool.release(b);
      expectEqualArrays(y, transposeRef(x, B, R, S), 'Xᵀ');
      expectEqualArrays(z, x, '(Xᵀ)ᵀ');
    });
  }
});

describe('a conv layer through im2col + matmul vs the direct-conv oracle', () => {
  for (const s of SHAPES) {
    for (const flags of [{ bias: true, relu: false, mask: false }, { bias: true, relu: true, mask: true }]) {
      it(`${label(s)}${flags.relu ? ' bias+relu+mask' : ' bias'}: Y, dX, dW, db`, async () => {
        const ctx = await gpu();
        const rng = new Rng(11);
        const { B, C, H, W, F, KH, KW } = s;
        const { OH, OW } = conv2dGeometry(s);
        const K = C * KH * KW;
        const x = rng.uniformArray(B * C * H * W);
        const w = rng.uniformArray(F * K);
        const bias = rng.uniformArray(F);
        const dy = rng.uniformArray(B * F * OH * OW);
        const mask = flags.mask ? Uint8Array.from({ length: F * K }, () => (rng.next() < 0.6 ? 1 : 0)) : undefined;
        const up = (l: string, d: ArrayBufferView): GPUBuffer => ctx.pool.upload(l, d);
        const bufs = {
          x: up('x', x), w: up('w', w), bias: up('bias', bias), dy: up('dy', dy), mask: mask && up('mask', packMask(mask)),
          y: ctx.pool.storage('y', B * F * OH * OW * 4), dx: ctx.pool.storage('dx', x.length * 4),
          dw: ctx.pool.storage('dw', w.length * 4), db: ctx.pool.storage('db', F * 4),
        };
        const bytes = convIm2colScratchBytes(s);
        const scratch = { rows: ctx.pool.storage('rows', bytes.rows), out: ctx.pool.storage('out', bytes.out) };
        const [y, dx, dw, db] = await noGpuErrors(ctx, async () => {
          const fwd = await prepareConvIm2colForward(ctx, { ...s, ...scratch, x: bufs.x, w: bufs.w, y: bufs.y, bias: bufs.bias, mask: bufs.mask, relu: flags.relu });
          const bwd = await prepareConvIm2colBackward(ctx, { ...s, ...scratch, dy: bufs.dy, w: bufs.w, dw: bufs.dw, db: bufs.db, dx: bufs.dx, mask: bufs.mask });
          // Forward then backward in one pass, as in a training step (the backward reads the forward's rows).
          await run([...fwd, ...bwd], `conv im2col test ${label(s)}`);
          return Promise.all([readF32(ctx, bufs.y, B * F * OH * OW), readF32(ctx, bufs.dx, x.length), readF32(ctx, bufs.dw, w.length), readF32(ctx, bufs.db, F)]);
        });
        for (const b of [...Object.values(bufs), scratch.rows, scratch.out]) if (b) ctx.pool.release(b);
        expectClose(y, conv2dRef(x, w, s, { bias, relu: flags.relu, mask }), TOL, 'Y');
        expectClose(dx, conv2dBackwardDataRef(dy, w, s, mask), TOL, 'dX');
        expectClose(dw, conv2dBackwardFilterRef(x, dy, s, mask), TOL, 'dW');
        expectClose(db, conv2dBiasGradRef(dy, s), TOL, 'db');
        if (mask) dw.forEach((v, j) => { if (!mask[j]) expect(v).to.equal(0); });
      });
    }
  }

  it('refuses short buffers and a bad stride, naming the field', async () => {
    const ctx = await gpu();
    const s: Conv2dShape = { B: 2, C: 3, H: 7, W: 7, F: 4, KH: 3, KW: 3, stride: 2, pads: [1, 1, 1, 1] };
    const bytes = convIm2colScratchBytes(s);
    const x = ctx.pool.storage('x', 2 * 3 * 49 * 4);
    const w = ctx.pool.storage('w', 4 * 27 * 4);
    const y = ctx.pool.storage('y', 2 * 4 * 16 * 4);
    const rows = ctx.pool.storage('rows', bytes.rows);
    const out = ctx.pool.storage('out', bytes.out);
    const short = ctx.pool.storage('short', 16);
    try {
      await expectArgError(() => prepareConvIm2colForward(ctx, { ...s, x, w, y, rows: short, out }), 'rows');
      await expectArgError(() => prepareConvIm2colForward(ctx, { ...s, x, w, y: short, rows, out }), 'y');
      await expectArgError(() => prepareIm2col(ctx, { ...s, stride: 0, x, cols: rows }), 'stride');
      await expectArgError(() => prepareCol2im(ctx, { ...s, dcols: short, dx: x }), 'dcols');
    } finally {
      for (const b of [x, w, y, rows, out, short]) ctx.pool.release(b);
    }
  });
});

const STRIDED_CNN: ModelSpec = {
  input: { C: 3, H: 11, W: 10 },
  layers: [
    { type: 'conv2d', filters: 4, kernel: 3, stride: 2, pads: [1, 0, 2, 1] },
    { type: 'relu' },
    { type: 'conv2d', filters: 5, kernel: 3, padding: 'same' },
    { type: 'maxpool2d', size: 2 },
    { type: 'flatten' },
    { type: 'linear', units: 6 },
    { type: 'relu' },
    { type: 'linear', units: 3 },
  ],
};

describe('a tiny strided CNN on both conv paths', () => {
  it('im2col and direct give the oracle network’s logits and gradients, which match finite differences', async () => {
    const plan = planModel(STRIDED_CNN);
    const rng = new Rng(21);
    const values = randomMasks(initialValues(plan, 4), rng, 0.8);
    const B = 3;
    const x = rng.uniformArray(B * 3 * 11 * 10, 0, 1);
    const labels = Uint32Array.from({ length: B }, () => rng.int(3));
    const want = networkRef(plan, values, x, labels, B);
    const tol = { atol: 2e-5, rtol: 1e-3 };
    for (const path of ['im2col', 'direct'] as const) {
      const got = await gpuStep(STRIDED_CNN, values, x, labels, B, path);
      expect(got.convPaths).to.deep.equal([path, path]);
      expectClose(got.logits, want.logits, tol, `${path} logits`);
      got.grads.forEach((g, i) => {
        expectClose(g.w, want.grads[i]!.w, tol, `${path} ${plan.params[i]!.name} dW`);
        expectClose(g.b, want.grads[i]!.b, tol, `${path} ${plan.params[i]!.name} db`);
      });
    }
    // The oracle's gradients (hence both paths') against central differences of its f64 loss.
    checkRefGradsByDifferences(plan, values, x, labels, B, 1e-3, 10);
  });

  it("'auto' runs the direct kernels and 'im2col' the im2col path, per conv layer; a bad convPath is refused by name", async () => {
    const ctx = await gpu();
    const spec: ModelSpec = {
      input: { C: 1, H: 28, W: 28 },
      layers: [{ type: 'conv2d', filters: 20, kernel: 5 }, { type: 'maxpool2d', size: 2 }, { type: 'conv2d', filters: 50, kernel: 5 }, { type: 'flatten' }, { type: 'linear', units: 10 }],
    };
    const net = Network.create(ctx, planModel(spec), { seed: 1 });
    try {
      const auto = await Executor.create(net, 128, 'infer');
      expect(auto.convPaths).to.deep.equal(['direct', 'direct']);
      auto.destroy();
      net.convPath = 'im2col';
      const fast = await Executor.create(net, 128, 'infer');
      expect(fast.convPaths).to.deep.equal(['im2col', 'im2col']);
      fast.destroy();
      net.convPath = 'auto';
      expect(() => {
        net.convPath = 'fast' as ConvPath;
      }).to.throw(PruneLabError, /convPath/);
      expect(net.convPath).to.equal('auto');
    } finally {
      net.destroy();
    }
  });
});
