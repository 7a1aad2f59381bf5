// MaxPool2d forward (values and argmax) and backward kernels against the CPU oracle
// on awkward shapes (floor mode leaves rows and columns out), strides below the
// window (overlapping windows, whose gradients add up) and above it, ties, the LeNet-5
// shapes, a shrunk batch and bad arguments; and the oracle's backward pass against
// central finite differences of its forward.
import { expect } from '@esm-bundle/chai';
import { prepareMaxPool2d, prepareMaxPool2dBackward, type MaxPool2dShape } from '../../src/kernels/maxpool2d.js';
import { runKernels } from '../../src/kernels/kernel.js';
import { maxPool2dBackwardRef, maxPool2dGeometry, maxPool2dRef } from '../../src/ref/maxpool2d.js';
import { Rng } from '../../src/rng.js';
import { expectClose, expectEqualArrays } from '../helpers/compare.js';
import { expectArgError } from '../helpers/errors.js';
import { dot, numericGrad } from '../helpers/gradcheck.js';
import { gpu, readF32, readU32, noGpuErrors } from '../helpers/gpu.js';

function name(s: MaxPool2dShape): string {
  return `B${s.B} C${s.C} ${s.H}×${s.W} ${s.S}×${s.S}${s.stride !== undefined ? ` step ${s.stride}` : ''}`;
}

/**
 * Forward (with and without argmax) and backward on `x`, one submit, checked against
 * the oracle. Max and routing copy values, so everything must match exactly, but
 * for dX where overlapping windows add several dY in f32 (oracle f64: 1e-6).
 */
async function checkPool(s: MaxPool2dShape, x: Float32Array, seed: number): Promise<void> {
  const ctx = await gpu();
  const rng = new Rng(seed);
  const { OH, OW } = maxPool2dGeometry(s);
  const n = s.B * s.C * OH * OW;
  const nx = s.B * s.C * s.H * s.W;
  const dy = rng.uniformArray(n);
  const bufs = {
    x: ctx.pool.upload('x', x),
    dy: ctx.pool.upload('dy', dy),
    y: ctx.pool.storage('y', n * 4),
    y2: ctx.pool.storage('y without argmax', n * 4),
    argmax: ctx.pool.storage('argmax', n * 4),
    // Garbage first: the backward kernel must write every element, 0 where no max came from.
    dx: ctx.pool.upload('dx', new Float32Array(nx).fill(Number.NaN)),
  };
  const [y, y2, argmax, dx] = await noGpuErrors(ctx, async () => {
    const ks = [
      await prepareMaxPool2d(ctx, { ...s, x: bufs.x, y: bufs.y, argmax: bufs.argmax }),
      await prepareMaxPool2d(ctx, { ...s, x: bufs.x, y: bufs.y2 }),
      await prepareMaxPool2dBackward(ctx, { ...s, dy: bufs.dy, argmax: bufs.argmax, dx: bufs.dx }),
    ];
    runKernels(ctx, `maxpool2d test ${name(s)}`, ks);
    for (const k of ks) k.release();
    return Promise.all([readF32(ctx, bufs.y, n), readF32(ctx, bufs.y2, n), readU32(ctx, bufs.argmax, n), readF32(ctx, bufs.dx, nx)]);
  });
  for (const b of Object.values(bufs)) ctx.pool.release(b);
  const want = maxPool2dRef(x, s);
  expectEqualArrays(y, want.y, `Y ${name(s)}`);
  expectEqualArrays(y2, want.y, `Y without argmax ${name(s)}`);
  expectEqualArrays(argmax, want.argmax, `argmax ${name(s)}`);
  const dxRef = maxPool2dBackwardRef(dy, want.argmax, s);
  if ((s.stride ?? s.S) < s.S) expectClose(dx, dxRef, { atol: 1e-6, rtol: 1e-6 }, `dX ${name(s)}`);
  else expectEqualArrays(dx, dxRef, `dX ${name(s)}`);
}

type Shape = [B: number, C: number, H: number, W: number, S: number];
const SHAPES: Shape[] = [
  [1, 1, 5, 7, 2],
  [3, 3, 7, 5, 3],
  [1, 3, 12, 12, 5],
  [3, 1, 28, 28, 2],
  [1, 1, 5, 5, 1],
  [3, 3, 7, 7, 7],
  [1, 20, 12, 7, 2],
];
const shapeOf = ([B, C, H, W, S]: Shape): MaxPool2dShape => ({ B, C, H, W, S });

describe('maxpool2d kernels vs oracle', () => {
  it('forward, argmax and backward on awkward shapes (floor mode)', async () => {
    for (const [i, sh] of SHAPES.entries()) {
      const s = shapeOf(sh);
      await checkPool(s, new Rng(100 + i).uniformArray(s.B * s.C * s.H * s.W), 200 + i);
    }
  });

  // [B, C, H, W, S, stride]: overlapping (stride < S, as torch's MaxPool2d(3, stride=2)) and gapped (stride > S).
  const STRIDED: Array<[number, number, number, number, number, number]> = [
    [1, 1, 7, 7, 3, 2],
    [3, 2, 9, 6, 3, 2],
    [2, 3, 8, 11, 3, 1],
    [1, 2, 13, 12, 5, 3],
    [2, 1, 7, 9, 2, 3],
    [1, 4, 12, 12, 2, 1],
    [2, 2, 6, 6, 6, 2],
  ];
  it('forward, argmax and backward at strides below and above the window', async () => {
    for (const [i, [B, C, H, W, S, stride]] of STRIDED.entries()) {
      const s = { B, C, H, W, S, stride };
      await checkPool(s, new Rng(800 + i).uniformArray(B * C * H * W), 900 + i);
      // Ties on overlapping windows: one element can be the max of several windows.
      const rng = new Rng(1000 + i);
      await checkPool(s, Float32Array.from({ length: B * C * H * W }, () => rng.int(3)), 1100 + i);
    }
  });

  it('ties go to the first element in row-major window order', async () => {
    for (const [i, sh] of SHAPES.entries()) {
      const s = shapeOf(sh);
      const rng = new Rng(300 + i);
      // Three levels only, so most windows hold a tied maximum; also all-equal and negative.
      await checkPool(s, Float32Array.from({ length: s.B * s.C * s.H * s.W }, () => rng.int(3)), 400 + i);
      await checkPool(s, new Float32Array(s.B * s.C * s.H * s.W).fill(-2), 500 + i);
    }
    // A hand case: window [[1, 3], [3, 0]] keeps the 3 at row 0, column 1.
    const ctx = await gpu();
    const x = ctx.pool.upload('x', new Float32Array([1, 3, 3, 0]));
    const y = ctx.pool.storage('y', 4);
    const argmax = ctx.pool.storage('argmax', 4);
    const k = await prepareMaxPool2d(ctx, { B: 1, C: 1, H: 2, W: 2, S: 2, x, y, argmax });
    runKernels(ctx, 'maxpool2d tie', [k]);
    expect([...(await readU32(ctx, argmax, 1))]).to.deep.equal([1]);
    expect([...(await readF32(ctx, y, 1))]).to.deep.equal([3]);
    k.release();
    for (const b of [x, y, argmax]) ctx.pool.release(b);
  });

  it('LeNet-5 shapes at B=2: 20×24×24 and 50×8×8, window 2', async () => {
    for (const [i, s] of [{ B: 2, C: 20, H: 24, W: 24, S: 2 }, { B: 2, C: 50, H: 8, W: 8, S: 2 }].entries()) {
      await checkPool(s, new Rng(600 + i).uniformArray(s.B * s.C * s.H * s.W), 700 + i);
    }
  });

  it('a smaller batch (setBatch) pools only the valid rows and leaves the rest untouched', async () => {
    const ctx = await gpu();
    const s: MaxPool2dShape = { B: 3, C: 2, H: 5, W: 6, S: 2 };
    const small = { ...s, B: 2 };
    const { OH, OW } = maxPool2dGeometry(s);
    const n = s.B * s.C * OH * OW;
    const nx = s.B * s.C * s.H * s.W;
    const x = new Rng(8).uniformArray(nx);
    const dy = new Rng(9).uniformArray(n);
    const bufs = {
      x: ctx.pool.upload('x', x),
      dy: ctx.pool.upload('dy', dy),
      y: ctx.pool.upload('y', new Float32Array(n).fill(7)),
      argmax: ctx.pool.storage('argmax', n * 4),
      dx: ctx.pool.upload('dx', new Float32Array(nx).fill(7)),
    };
    const ks = [
      await prepareMaxPool2d(ctx, { ...s, x: bufs.x, y: bufs.y, argmax: bufs.argmax }),
      await prepareMaxPool2dBackward(ctx, { ...s, dy: bufs.dy, argmax: bufs.argmax, dx: bufs.dx }),
    ];
    for (const k of ks) k.setBatch(2);
    runKernels(ctx, 'maxpool2d batch of 2 in buffers of 3', ks);
    const want = maxPool2dRef(x, small);
    const y = await readF32(ctx, bufs.y, n);
    const dx = await readF32(ctx, bufs.dx, nx);
    const cy = (n / 3) * 2;
    const cx = (nx / 3) * 2;
    expectEqualArrays(y.subarray(0, cy), want.y, 'Y rows 0–1');
    expectEqualArrays(y.subarray(cy), new Float32Array(n - cy).fill(7), 'Y row 2 untouched');
    expectEqualArrays(dx.subarray(0, cx), maxPool2dBackwardRef(dy, want.argmax, small), 'dX rows 0–1');
    expectEqualArrays(dx.subarray(cx), new Float32Array(nx - cx).fill(7), 'dX row 2 untouched');
    for (const k of ks) k.release();
    for (const b of Object.values(bufs)) ctx.pool.release(b);
  });
});

describe('maxpool2d argument checks', () => {
  it('rejects bad shapes, buffers and batches before any GPU work', async () => {
    const ctx = await gpu();
    const s: MaxPool2dShape = { B: 2, C: 3, H: 6, W: 6, S: 2 };
    const [a, b, c] = [ctx.pool.storage('a', 1024), ctx.pool.storage('b', 1024), ctx.pool.storage('c', 1024)];
    const tiny = ctx.pool.storage('tiny', 16);
    const fwd = (over: Record<string, unknown>): Promise<unknown> =>
      prepareMaxPool2d(ctx, { ...s, x: a, y: b, argmax: c, ...over } as Parameters<typeof prepareMaxPool2d>[1]);
    for (const [over, field] of [
      [{ B: 0 }, 'B'],
      [{ C: -1 }, 'C'],
      [{ H: 2.5 }, 'H'],
      [{ S: 0 }, 'S'],
      [{ S: 7 }, 'S'],
      [{ W: 3, S: 4 }, 'S'],
      [{ stride: 0 }, 'stride'],
      [{ stride: 1.5 }, 'stride'],
      [{ x: tiny }, 'x'],
      [{ y: tiny }, 'y'],
      [{ argmax: tiny }, 'argmax'],
      [{ y: a }, 'y'],
      [{ argmax: b }, 'argmax'],
      [{ workgroupSize: 0 }, 'workgroupSize'],
    ] as Array<[Record<string, unknown>, string]>) {
      await expectArgError(() => fwd(over), field);
    }
    await expectArgError(() => prepareMaxPool2dBackward(ctx, { ...s, dy: a, argmax: b, dx: tiny }), 'dx');
    await expectArgError(() => prepareMaxPool2dBackward(ctx, { ...s, dy: a, argmax: tiny, dx: c }), 'argmax');
    await expectArgError(() => prepareMaxPool2dBackward(ctx, { ...s, dy: a, argmax: b, dx: a }), 'dx');
    const k = await prepareMaxPool2d(ctx, { ...s, x: a, y: b });
    await expectArgError(() => k.setBatch(3), 'B');
    await expectArgError(() => k.setParams({ B: 1, C: 3, H: 6, W: 6, S: 3, OH: 2, OW: 2, T: 3 }), 'S');
    k.release();
    for (const x of [a, b, c, tiny]) ctx.pool.release(x);
  });
});

describe('maxpool2d oracle gradient check (central differences, f64)', () => {
  // Values are a shuffled grid with gaps of 0.01, so eps = 1e-4 never changes which
  // element wins a window: L = Σ G ⊙ maxpool(X) is then linear near X, and central
  // differences match to rounding (tolerance 1e-8 absolute + 1e-6 relative).
  for (const s of [{ B: 2, C: 2, H: 5, W: 7, S: 2 }, { B: 1, C: 3, H: 7, W: 6, S: 3 }, { B: 2, C: 1, H: 4, W: 4, S: 1 }, { B: 2, C: 2, H: 7, W: 8, S: 3, stride: 2 }, { B: 1, C: 1, H: 9, W: 7, S: 2, stride: 3 }]) {
    it(`dX of ${name(s)}`, () => {
      const rng = new Rng(77);
      const nx = s.B * s.C * s.H * s.W;
      const x = rng.shuffle(Float64Array.from({ length: nx }, (_, i) => (i - nx / 2) * 0.01));
      const { OH, OW } = maxPool2dGeometry(s);
      const g = rng.uniformArray(s.B * s.C * OH * OW);
      const numeric = numericGrad((v) => dot(g, maxPool2dRef(v, s).y), x, 1e-4);
      expectClose(maxPool2dBackwardRef(g, maxPool2dRef(x, s).argmax, s), numeric, { atol: 1e-8, rtol: 1e-6 }, `dX ${name(s)}`);
    });
  }
});
