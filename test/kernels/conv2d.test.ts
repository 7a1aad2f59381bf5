// Conv2d forward, backward-data, backward-filter and bias-grad kernels against the
// CPU oracle on awkward shapes, both paddings, strides 2 and 3 with uneven pads,
// mask, bias and ReLU; the LeNet-5
// shapes; a shrunk batch; bad arguments; and the oracle's backward passes against
// central finite differences of its forward.
import { expect } from '@esm-bundle/chai';
import { prepareConv2d, type Conv2dShape } from '../../src/kernels/conv2d.js';
import { prepareConv2dBackwardData, prepareConv2dBackwardFilter, prepareConv2dBiasGrad } from '../../src/kernels/conv2d-backward.js';
import { runKernels } from '../../src/kernels/kernel.js';
import {
  conv2dBackwardDataRef,
  conv2dBackwardFilterRef,
  conv2dBiasGradRef,
  conv2dGeometry,
  conv2dRef,
} from '../../src/ref/conv2d.js';
import { packMask } from '../../src/ref/mask.js';
import { Rng } from '../../src/rng.js';
import { PruneLabError } from '../../src/errors.js';
import { expectClose } from '../helpers/compare.js';
import { expectArgError } from '../helpers/errors.js';
import { dot, numericGrad } from '../helpers/gradcheck.js';
import { gpu, readF32, noGpuErrors } from '../helpers/gpu.js';

// f32 sums of at most a few thousand terms in [-1, 1] against f64 sums.
const TOL = { atol: 1e-4, rtol: 1e-4 };

interface Case extends Conv2dShape {
  bias?: boolean;
  relu?: boolean;
  mask?: boolean;
}

function name(c: Case): string {
  const flags = [c.bias && 'bias', c.relu && 'relu', c.mask && 'mask'].filter(Boolean).join('+');
  const pad = c.pads ? `pads ${c.pads.join(',')}` : c.padding;
  return `B${c.B} C${c.C} ${c.H}×${c.W} F${c.F} k${c.KH}×${c.KW} ${pad}${c.stride ? ` /${c.stride}` : ''}${flags ? ` ${flags}` : ''}`;
}

function randomMask(rng: Rng, n: number, keep: number): Uint8Array {
  return Uint8Array.from({ length: n }, () => (rng.next() < keep ? 1 : 0));
}

/** Random X, W and an upstream dY for shape `s`, in [-1, 1). */
function randomData(s: Conv2dShape, rng: Rng): { x: Float32Array; w: Float32Array; dy: Float32Array; OH: number; OW: number } {
  const { OH, OW } = conv2dGeometry(s);
  const x = rng.uniformArray(s.B * s.C * s.H * s.W);
  const w = rng.uniformArray(s.F * s.C * s.KH * s.KW);
  return { x, w, dy: rng.uniformArray(s.B * s.F * OH * OW), OH, OW };
}

/** Runs all four conv kernels on one random case in one submit and checks each against the oracle. */
async function checkCase(c: Case, seed = 1): Promise<void> {
  const ctx = await gpu();
  const rng = new Rng(seed);
  const { B, C, H, W, F, KH, KW } = c;
  const { x, w, dy, OH, OW } = randomData(c, rng);
  const bias = c.bias ? rng.uniformArray(F) : undefined;
  const mask = c.mask ? randomMask(rng, F * C * KH * KW, 0.6) : undefined;
  const up = (label: string, data: ArrayBufferView): GPUBuffer => ctx.pool.upload(label, data);
  const xb = up('x', x);
  const wb = up('w', w);
  const dyb = up('dy', dy);
  const biasb = bias && up('bias', bias);
  const maskb = mask && up('mask', packMask(mask));
  const yb = ctx.pool.storage('y', B * F * OH * OW * 4);
  const dxb = ctx.pool.storage('dx', B * C * H * W * 4);
  const dwb = ctx.pool.storage('dw', F * C * KH * KW * 4);
  const dbb = ctx.pool.storage('db', F * 4);
  const [y, dx, dw, db] = await noGpuErrors(ctx, async () => {
    const ks = [
      await prepareConv2d(ctx, { ...c, x: xb, w: wb, y: yb, bias: biasb, mask: maskb, relu: c.relu }),
      await prepareConv2dBackwardData(ctx, { ...c, dy: dyb, w: wb, dx: dxb, mask: maskb }),
      await prepareConv2dBackwardFilter(ctx, { ...c, x: xb, dy: dyb, dw: dwb, mask: maskb }),
      await prepareConv2dBiasGrad(ctx, { ...c, dy: dyb, db: dbb }),
    ];
    runKernels(ctx, `conv2d test ${name(c)}`, ks);
    for (const k of ks) k.release();
    return Promise.all([readF32(ctx, yb, B * F * OH * OW), readF32(ctx, dxb, B * C * H * W), readF32(ctx, dwb, F * C * KH * KW), readF32(ctx, dbb, F)]);
  });
  for (const b of [xb, wb, dyb, biasb, maskb, yb, dxb, dwb, dbb]) if (b) ctx.pool.release(b);
  expectClose(y, conv2dRef(x, w, c, { bias, relu: c.relu, mask }), TOL, `Y ${name(c)}`);
  expectClose(dx, conv2dBackwardDataRef(dy, w, c, mask), TOL, `dX ${name(c)}`);
  const dwRef = conv2dBackwardFilterRef(x, dy, c, mask);
  expectClose(dw, dwRef, TOL, `dW ${name(c)}`);
  if (mask) {
    // Pruned weights get exactly zero gradient, not merely a small one.
    const leaked = [...mask].filter((m, i) => m === 0 && dw[i] !== 0).length;
    expect(leaked, `masked dW entries ≠ 0 in ${name(c)}`).to.equal(0);
  }
  expectClose(db, conv2dBiasGradRef(dy, c), TOL, `db ${name(c)}`);
}

type Shape = [B: number, C: number, H: number, W: number, F: number, KH: number, KW: number];
const SHAPES: Shape[] = [
  [1, 1, 5, 5, 1, 1, 1],
  [3, 1, 5, 7, 2, 3, 3],
  [1, 3, 7, 5, 7, 3, 3],
  [3, 3, 7, 7, 2, 5, 5],
  [1, 3, 12, 12, 7, 5, 5],
  [3, 1, 12, 7, 20, 3, 5],
  [1, 3, 5, 12, 1, 5, 1],
  [3, 3, 5, 5, 20, 5, 5],
  [1, 1, 28, 28, 7, 5, 5],
];

function shape([B, C, H, W, F, KH, KW]: Shape, padding: 'valid' | 'same'): Conv2dShape {
  return { B, C, H, W, F, KH, KW, padding };
}

describe('conv2d kernels vs oracle', () => {
  for (const padding of ['valid', 'same'] as const) {
    it(`forward and backward on awkward shapes, padding '${padding}'`, async () => {
      for (const [i, s] of SHAPES.entries()) await checkCase(shape(s, padding), 10 + i);
    });
    it(`with mask, bias and ReLU, padding '${padding}'`, async () => {
      for (const [i, s] of SHAPES.entries()) {
        await checkCase({ ...shape(s, padding), mask: true, bias: true, relu: i % 2 === 0 }, 20 + i);
      }
    });
  }

  // Strided, unevenly padded windows: output columns S apart in the forward pass, and
  // input positions no window starts on in the backward pass.
  const STRIDED: Array<[Shape, number, [number, number, number, number]]> = [
    [[1, 1, 5, 5, 1, 1, 1], 2, [0, 0, 0, 0]],
    [[3, 2, 7, 9, 5, 3, 3], 2, [0, 0, 1, 1]],
    [[2, 3, 9, 7, 7, 3, 3], 2, [1, 1, 1, 1]],
    [[1, 2, 11, 10, 3, 5, 3], 3, [2, 0, 1, 2]],
    [[2, 1, 6, 17, 4, 4, 4], 2, [1, 2, 2, 1]],
    [[1, 3, 8, 8, 2, 2, 2], 2, [0, 0, 0, 0]],
    [[2, 2, 4, 5, 3, 3, 3], 1, [0, 2, 1, 0]],
    [[1, 1, 28, 28, 6, 5, 5], 2, [2, 2, 2, 2]],
  ];
  it('forward and backward at strides 1–3 with uneven pads [top, left, bottom, right]', async () => {
    for (const [i, [s, stride, pads]] of STRIDED.entries()) {
      const [B, C, H, W, F, KH, KW] = s;
      await checkCase({ B, C, H, W, F, KH, KW, stride, pads }, 50 + i);
      await checkCase({ B, C, H, W, F, KH, KW, stride, pads, mask: true, bias: true, relu: i % 2 === 1 }, 60 + i);
    }
    // 'same' at stride 2 keeps its symmetric (K−1)/2 padding.
    await checkCase({ ...shape([2, 2, 7, 8, 3, 3, 3], 'same'), stride: 2, bias: true }, 70);
  });

  it('bias alone and ReLU alone', async () => {
    await checkCase({ ...shape([3, 3, 7, 5, 7, 3, 3], 'same'), bias: true }, 31);
    await checkCase({ ...shape([1, 3, 12, 12, 2, 5, 5], 'valid'), relu: true }, 32);
  });

  it('LeNet-5 shapes at B=2: 1×28×28 → 20@5×5, and 20×12×12 → 50@5×5 (masked, bias, ReLU)', async () => {
    await checkCase({ ...shape([2, 1, 28, 28, 20, 5, 5], 'valid'), bias: true, relu: true }, 41);
    await checkCase({ ...shape([2, 20, 12, 12, 50, 5, 5], 'valid'), bias: true, relu: true, mask: true }, 42);
  });

  it('masked conv equals conv of the pre-multiplied W⊙M, and masked dX equals dX of W⊙M', async () => {
    const ctx = await gpu();
    const rng = new Rng(5);
    const s: Conv2dShape = { B: 3, C: 3, H: 7, W: 5, F: 7, KH: 3, KW: 3, padding: 'same' };
    const { x, w, dy, OH, OW } = randomData(s, rng);
    const mask = randomMask(rng, w.length, 0.3);
    const wm = w.map((v, i) => (mask[i] ? v : 0));
    const bufs = {
      x: ctx.pool.upload('x', x),
      dy: ctx.pool.upload('dy', dy),
      w: ctx.pool.upload('w', w),
      wm: ctx.pool.upload('w⊙m', wm),
      mask: ctx.pool.upload('mask', packMask(mask)),
      y1: ctx.pool.storage('y masked', s.B * s.F * OH * OW * 4),
      y2: ctx.pool.storage('y dense', s.B * s.F * OH * OW * 4),
      dx1: ctx.pool.storage('dx masked', s.B * s.C * s.H * s.W * 4),
      dx2: ctx.pool.storage('dx dense', s.B * s.C * s.H * s.W * 4),
    };
    const ks = [
      await prepareConv2d(ctx, { ...s, x: bufs.x, w: bufs.w, mask: bufs.mask, y: bufs.y1 }),
      await prepareConv2d(ctx, { ...s, x: bufs.x, w: bufs.wm, y: bufs.y2 }),
      await prepareConv2dBackwardData(ctx, { ...s, dy: bufs.dy, w: bufs.w, mask: bufs.mask, dx: bufs.dx1 }),
      await prepareConv2dBackwardData(ctx, { ...s, dy: bufs.dy, w: bufs.wm, dx: bufs.dx2 }),
    ];
    runKernels(ctx, 'masked vs premultiplied', ks);
    const n = s.B * s.F * OH * OW;
    const m = s.B * s.C * s.H * s.W;
    // Same sums in the same order; multiplying by 1 or 0 is exact.
    const exact = { atol: 1e-6, rtol: 1e-6 };
    expectClose(await readF32(ctx, bufs.y1, n), await readF32(ctx, bufs.y2, n), exact, 'Y masked vs Y of W⊙M');
    expectClose(await readF32(ctx, bufs.dx1, m), await readF32(ctx, bufs.dx2, m), exact, 'dX masked vs dX of W⊙M');
    for (const k of ks) k.release();
    for (const b of Object.values(bufs)) ctx.pool.release(b);
  });

  it('a smaller batch (setBatch) computes only the valid rows and leaves the rest untouched', async () => {
    const ctx = await gpu();
    const rng = new Rng(6);
    const s: Conv2dShape = { B: 3, C: 2, H: 6, W: 7, F: 5, KH: 3, KW: 3, padding: 'same' };
    const small: Conv2dShape = { ...s, B: 2 };
    const { x, w, dy, OH, OW } = randomData(s, rng);
    const ny = s.B * s.F * OH * OW;
    const nx = s.B * s.C * s.H * s.W;
    const sentinel = (n: number): Float32Array => new Float32Array(n).fill(7);
    const bufs = {
      x: ctx.pool.upload('x', x),
      w: ctx.pool.upload('w', w),
      dy: ctx.pool.upload('dy', dy),
      y: ctx.pool.upload('y', sentinel(ny)),
      dx: ctx.pool.upload('dx', sentinel(nx)),
      dw: ctx.pool.storage('dw', w.length * 4),
      db: ctx.pool.storage('db', s.F * 4),
    };
    const ks = [
      await prepareConv2d(ctx, { ...s, x: bufs.x, w: bufs.w, y: bufs.y }),
      await prepareConv2dBackwardData(ctx, { ...s, dy: bufs.dy, w: bufs.w, dx: bufs.dx }),
      await prepareConv2dBackwardFilter(ctx, { ...s, x: bufs.x, dy: bufs.dy, dw: bufs.dw }),
      await prepareConv2dBiasGrad(ctx, { ...s, dy: bufs.dy, db: bufs.db }),
    ];
    for (const k of ks) {
      expect(k.capacity).to.equal(3);
      k.setBatch(2);
    }
    runKernels(ctx, 'conv2d batch of 2 in buffers of 3', ks);
    const y = await readF32(ctx, bufs.y, ny);
    const dx = await readF32(ctx, bufs.dx, nx);
    const cut = (n: number): number => (n / s.B) * 2;
    expectClose(y.subarray(0, cut(ny)), conv2dRef(x, w, small), TOL, 'Y rows 0–1');
    expectClose(y.subarray(cut(ny)), sentinel(ny - cut(ny)), { atol: 0, rtol: 0 }, 'Y row 2 untouched');
    expectClose(dx.subarray(0, cut(nx)), conv2dBackwardDataRef(dy, w, small), TOL, 'dX rows 0–1');
    expectClose(dx.subarray(cut(nx)), sentinel(nx - cut(nx)), { atol: 0, rtol: 0 }, 'dX row 2 untouched');
    expectClose(await readF32(ctx, bufs.dw, w.length), conv2dBackwardFilterRef(x, dy, small), TOL, 'dW over rows 0–1');
    expectClose(await readF32(ctx, bufs.db, s.F), conv2dBiasGradRef(dy, small), TOL, 'db over rows 0–1');
    // Back to the full batch through setParams, as a training loop would.
    ks[0]!.setParams({ ...conv2dGeometry(s), B: 3, C: 2, H: 6, W: 7, F: 5, KH: 3, KW: 3 });
    runKernels(ctx, 'conv2d full batch again', [ks[0]!]);
    expectClose(await readF32(ctx, bufs.y, ny), conv2dRef(x, w, s), TOL, 'Y full batch after setParams');
    for (const k of ks) k.release();
    for (const b of Object.values(bufs)) ctx.pool.release(b);
  });

  it('workgroup sizes other than the default give the same results', async () => {
    const ctx = await gpu();
    const rng = new Rng(8);
    const s: Conv2dShape = { B: 3, C: 3, H: 7, W: 5, F: 7, KH: 3, KW: 3, padding: 'same' };
    const { x, w, dy } = randomData(s, rng);
    const bufs = {
      x: ctx.pool.upload('x', x),
      w: ctx.pool.upload('w', w),
      dy: ctx.pool.upload('dy', dy),
      y: ctx.pool.storage('y', dy.length * 4),
      dw: ctx.pool.storage('dw', w.length * 4),
      db: ctx.pool.storage('db', s.F * 4),
    };
    for (const workgroupSize of [1, 32, 256]) {
      const ks = [
        await prepareConv2d(ctx, { ...s, x: bufs.x, w: bufs.w, y: bufs.y, workgroupSize }),
        await prepareConv2dBackwardFilter(ctx, { ...s, x: bufs.x, dy: bufs.dy, dw: bufs.dw, workgroupSize }),
        await prepareConv2dBiasGrad(ctx, { ...s, dy: bufs.dy, db: bufs.db, workgroupSize }),
      ];
      runKernels(ctx, `conv2d WG=${workgroupSize}`, ks);
      expectClose(await readF32(ctx, bufs.y, dy.length), conv2dRef(x, w, s), TOL, `Y WG=${workgroupSize}`);
      expectClose(await readF32(ctx, bufs.dw, w.length), conv2dBackwardFilterRef(x, dy, s), TOL, `dW WG=${workgroupSize}`);
      expectClose(await readF32(ctx, bufs.db, s.F), conv2dBiasGradRef(dy, s), TOL, `db WG=${workgroupSize}`);
      for (const k of ks) k.release();
    }
    for (const b of Object.values(bufs)) ctx.pool.release(b);
  });
});

describe('conv2d argument checks', () => {
  it('rejects bad shapes, paddings, buffers, masks and batches before any GPU work', async () => {
    const ctx = await gpu();
    const s: Conv2dShape = { B: 2, C: 3, H: 7, W: 7, F: 4, KH: 3, KW: 3, padding: 'valid' };
    const big = ctx.pool.storage('big', 4096);
    const big2 = ctx.pool.storage('big 2', 4096);
    const big3 = ctx.pool.storage('big 3', 4096);
    const tiny = ctx.pool.storage('tiny', 16);
    const ok = { x: big, w: big3, y: big2 };
    const bad: Array<[Record<string, unknown>, string]> = [
      [{ B: 0 }, 'B'],
      [{ C: 1.5 }, 'C'],
      [{ F: Number.NaN }, 'F'],
      [{ padding: 'full' }, 'padding'],
      [{ padding: 'same', KH: 2 }, 'KH'],
      [{ padding: 'same', KW: 4 }, 'KW'],
      [{ KH: 8 }, 'KH'],
      [{ KW: 9 }, 'KW'],
      [{ stride: 0 }, 'stride'],
      [{ padding: undefined, pads: [1, 1, 1] }, 'pads'],
      [{ padding: undefined, pads: [1, -1, 1, 1] }, 'pads[1]'],
      [{ pads: [1, 1, 1, 1] }, 'padding'],
      [{ padding: undefined, pads: [0, 0, 0, 1], KW: 9 }, 'KW'],
      [{ x: tiny }, 'x'],
      [{ y: tiny }, 'y'],
      [{ y: big }, 'y'],
      [{ bias: tiny, F: 5 }, 'bias'],
      [{ mask: tiny, F: 4 }, 'mask'],
      [{ workgroupSize: 48 }, 'workgroupSize'],
    ];
    for (const [over, field] of bad) {
      await expectArgError(() => prepareConv2d(ctx, { ...s, ...ok, ...over } as Parameters<typeof prepareConv2d>[1]), field);
    }
    await expectArgError(() => prepareConv2dBackwardData(ctx, { ...s, dy: big, w: big2, dx: tiny }), 'dx');
    await expectArgError(() => prepareConv2dBackwardData(ctx, { ...s, dy: big, w: big2, dx: big }), 'dx');
    await expectArgError(() => prepareConv2dBackwardFilter(ctx, { ...s, x: big, dy: big2, dw: tiny }), 'dw');
    await expectArgError(() => prepareConv2dBackwardFilter(ctx, { ...s, x: big, dy: big2, dw: big2 }), 'dw');
    await expectArgError(() => prepareConv2dBackwardFilter(ctx, { ...s, x: big, dy: big2, dw: big3, mask: tiny }), 'mask');
    await expectArgError(() => prepareConv2dBiasGrad(ctx, { ...s, dy: tiny, db: big }), 'dy');
    const k = await prepareConv2d(ctx, { ...s, ...ok });
    await expectArgError(() => k.setBatch(3), 'B');
    await expectArgError(() => k.setBatch(0), 'B');
    await expectArgError(() => k.setParams({ ...conv2dGeometry(s), B: 1, C: 3, H: 7, W: 7, F: 5, KH: 3, KW: 3 }), 'F');
    k.release();
    for (const b of [big, big2, big3, tiny]) ctx.pool.release(b);
  });

  it('the oracle validates its shape the same way', () => {
    expect(() => conv2dRef(new Float32Array(4), new Float32Array(9), { B: 1, C: 1, H: 2, W: 2, F: 1, KH: 3, KW: 3, padding: 'valid' })).to.throw(PruneLabError, /KH/);
    expect(() => conv2dRef(new Float32Array(3), new Float32Array(1), { B: 1, C: 1, H: 2, W: 2, F: 1, KH: 1, KW: 1, padding: 'valid' })).to.throw(PruneLabError, /x must/);
  });
});

describe('conv2d oracle gradient checks (central differences, f64)', () => {
  // L = Σ G ⊙ conv(X, W⊙M, b) is linear in each of X, W and b, so a central
  // difference is exact up to rounding: eps = 1e-3, tolerance 1e-7 absolute + 1e-6 relative.
  const EPS = 1e-3;
  const GTOL = { atol: 1e-7, rtol: 1e-6 };
  const cases: Array<Conv2dShape & { mask?: boolean }> = [
    { B: 2, C: 2, H: 5, W: 7, F: 3, KH: 3, KW: 3, padding: 'valid' },
    { B: 2, C: 2, H: 5, W: 7, F: 3, KH: 3, KW: 5, padding: 'same' },
    { B: 1, C: 3, H: 7, W: 5, F: 2, KH: 5, KW: 1, padding: 'same', mask: true },
    { B: 3, C: 1, H: 5, W: 5, F: 2, KH: 1, KW: 1, padding: 'valid', mask: true },
    { B: 2, C: 2, H: 7, W: 6, F: 3, KH: 3, KW: 3, stride: 2, pads: [0, 1, 1, 0] },
    { B: 1, C: 2, H: 9, W: 8, F: 2, KH: 4, KW: 4, stride: 3, pads: [2, 0, 1, 2], mask: true },
  ];
  for (const s of cases) {
    it(`dX, dW and db of ${name(s)}`, () => {
      const rng = new Rng(99);
      const { x, w, dy: g } = randomData(s, rng);
      const bias = rng.uniformArray(s.F);
      const mask = s.mask ? randomMask(rng, w.length, 0.5) : undefined;
      const fwd = (xx: ArrayLike<number>, ww: ArrayLike<number>, bb: ArrayLike<number>): number => dot(g, conv2dRef(xx, ww, s, { bias: bb, mask }));
      expectClose(conv2dBackwardDataRef(g, w, s, mask), numericGrad((v) => fwd(v, w, bias), x, EPS), GTOL, `dX ${name(s)}`);
      expectClose(conv2dBackwardFilterRef(x, g, s, mask), numericGrad((v) => fwd(x, v, bias), w, EPS), GTOL, `dW ${name(s)}`);
      expectClose(conv2dBiasGradRef(g, s), numericGrad((v) => fwd(x, w, v), bias, EPS), GTOL, `db ${name(s)}`);
    });
  }
});
