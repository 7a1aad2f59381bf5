// AvgPool2d forward and backward kernels against the CPU oracle on awkward shapes
// (floor mode leaves rows and columns out), strides below the window (overlapping
// windows) and above it, a shrunk batch and bad arguments; and the
// oracle's backward pass against central finite differences of its forward.
import { prepareAvgPool2d, prepareAvgPool2dBackward, type AvgPool2dShape } from '../../src/kernels/avgpool2d.js';
import { runKernels } from '../../src/kernels/kernel.js';
import { avgPool2dBackwardRef, avgPool2dRef } from '../../src/ref/avgpool2d.js';
import { maxPool2dGeometry } from '../../src/ref/maxpool2d.js';
import { Rng } from '../../src/rng.js';
import { expectClose, expectEqualArrays } from '../helpers/compare.js';
import { expectArgError } from '../helpers/errors.js';
import { dot, numericGrad } from '../helpers/gradcheck.js';
import { gpu, readF32, noGpuErrors } from '../helpers/gpu.js';

/** f32 sums of at most 49 values in [0, 1) against the f64 oracle. */
const TOL = { atol: 1e-6, rtol: 1e-5 };

function name(s: AvgPool2dShape): string {
  return `B${s.B} C${s.C} ${s.H}×${s.W} ${s.S}×${s.S}${s.stride !== undefined ? ` step ${s.stride}` : ''}`;
}

async function checkPool(s: AvgPool2dShape, seed: number): Promise<void> {
  const ctx = await gpu();
  const rng = new Rng(seed);
  const { OH, OW } = maxPool2dGeometry(s);
  const n = s.B * s.C * OH * OW;
  const nx = s.B * s.C * s.H * s.W;
  const x = rng.uniformArray(nx);
  const dy = rng.uniformArray(n);
  const bufs = {
    x: ctx.pool.upload('x', x),
    dy: ctx.pool.upload('dy', dy),
    y: ctx.pool.storage('y', n * 4),
    // Garbage first: the backward kernel must write every element, 0 outside the whole windows.
    dx: ctx.pool.upload('dx', new Float32Array(nx).fill(Number.NaN)),
  };
  const [y, dx] = await noGpuErrors(ctx, async () => {
    const ks = [await prepareAvgPool2d(ctx, { ...s, x: bufs.x, y: bufs.y }), await prepareAvgPool2dBackward(ctx, { ...s, dy: bufs.dy, dx: bufs.dx })];
    runKernels(ctx, `avgpool2d test ${name(s)}`, ks);
    for (const k of ks) k.release();
    return Promise.all([readF32(ctx, bufs.y, n), readF32(ctx, bufs.dx, nx)]);
  });
  for (const b of Object.values(bufs)) ctx.pool.release(b);
  expectClose(y, avgPool2dRef(x, s), TOL, `Y ${name(s)}`);
  expectClose(dx, avgPool2dBackwardRef(dy, s), TOL, `dX ${name(s)}`);
}

const SHAPES: Array<[number, number, number, number, number]> = [
  [1, 1, 5, 7, 2], [3, 3, 7, 5, 3], [1, 3, 12, 12, 5], [3, 1, 28, 28, 2], [1, 1, 5, 5, 1], [3, 3, 7, 7, 7], [1, 17, 12, 7, 2], [2, 1, 255, 3, 3],
];

describe('avgpool2d kernels vs oracle', () => {
  it('forward and backward on awkward shapes (floor mode)', async () => {
    for (const [i, [B, C, H, W, S]] of SHAPES.entries()) await checkPool({ B, C, H, W, S }, 100 + i);
  });

  it('forward and backward at strides below and above the window', async () => {
    const strided: Array<[number, number, number, number, number, number]> = [
      [1, 1, 7, 7, 3, 2], [3, 2, 9, 6, 3, 2], [2, 3, 8, 11, 3, 1], [1, 2, 13, 12, 5, 3], [2, 1, 7, 9, 2, 3], [2, 2, 6, 6, 6, 2],
    ];
    for (const [i, [B, C, H, W, S, stride]] of strided.entries()) await checkPool({ B, C, H, W, S, stride }, 150 + i);
  });

  it('overlapping windows add their shares: 3×3 window, stride 1 on a 3×4 input', async () => {
    const ctx = await gpu();
    const s = { B: 1, C: 1, H: 3, W: 4, S: 3, stride: 1 };
    const x = ctx.pool.upload('x', Float32Array.from({ length: 12 }, (_, i) => i));
    const y = ctx.pool.storage('y', 8);
    const dy = ctx.pool.upload('dy', new Float32Array([9, 18]));
    const dx = ctx.pool.upload('dx', new Float32Array(12).fill(Number.NaN));
    const ks = [await prepareAvgPool2d(ctx, { ...s, x, y }), await prepareAvgPool2dBackward(ctx, { ...s, dy, dx })];
    runKernels(ctx, 'avgpool2d overlap hand case', ks);
    // Windows over columns 0–2 and 1–3: means 5 and 6; dX gets 1 (first), 2 (second) or 3 (both).
    expectEqualArrays(await readF32(ctx, y, 2), [5, 6], 'Y');
    expectEqualArrays(await readF32(ctx, dx, 12), [1, 3, 3, 2, 1, 3, 3, 2, 1, 3, 3, 2], 'dX');
    for (const k of ks) k.release();
    for (const b of [x, y, dy, dx]) ctx.pool.release(b);
  });

  it('a window of 2×2 ones and twos is their mean exactly; dX is dY / 4', async () => {
    const ctx = await gpu();
    const s = { B: 1, C: 1, H: 2, W: 3, S: 2 };
    const x = ctx.pool.upload('x', new Float32Array([1, 2, 9, 2, 1, 9]));
    const y = ctx.pool.storage('y', 4);
    const dy = ctx.pool.upload('dy', new Float32Array([8]));
    const dx = ctx.pool.upload('dx', new Float32Array(6).fill(Number.NaN));
    const ks = [await prepareAvgPool2d(ctx, { ...s, x, y }), await prepareAvgPool2dBackward(ctx, { ...s, dy, dx })];
    runKernels(ctx, 'avgpool2d hand case', ks);
    expectEqualArrays(await readF32(ctx, y, 1), [1.5], 'Y');
    expectEqualArrays(await readF32(ctx, dx, 6), [2, 2, 0, 2, 2, 0], 'dX');
    for (const k of ks) k.release();
    for (const b of [x, y, dy, dx]) ctx.pool.release(b);
  });

  it('a smaller batch (setBatch) pools only the valid rows and leaves the rest untouched', async () => {
    const ctx = await gpu();
    const s: AvgPool2dShape = { B: 3, C: 2, H: 5, W: 6, S: 2 };
    const small = { ...s, B: 2 };
    const { OH, OW } = maxPool2dGeometry(s);
    const n = s.B * s.C * OH * OW;
    const nx = s.B * s.C * s.H * s.W;
    const x = new Rng(8).uniformArray(nx);
    const dyv = new Rng(9).uniformArray(n);
    const bufs = { x: ctx.pool.upload('x', x), dy: ctx.pool.upload('dy', dyv), y: ctx.pool.upload('y', new Float32Array(n).fill(7)), dx: ctx.pool.upload('dx', new Float32Array(nx).fill(7)) };
    const ks = [await prepareAvgPool2d(ctx, { ...s, x: bufs.x, y: bufs.y }), await prepareAvgPool2dBackward(ctx, { ...s, dy: bufs.dy, dx: bufs.dx })];
    for (const k of ks) k.setBatch(2);
    runKernels(ctx, 'avgpool2d batch of 2 in buffers of 3', ks);
    const y = await readF32(ctx, bufs.y, n);
    const dx = await readF32(ctx, bufs.dx, nx);
    const cy = (n / 3) * 2;
    const cx = (nx / 3) * 2;
    expectClose(y.subarray(0, cy), avgPool2dRef(x, small), TOL, 'Y rows 0–1');
    expectEqualArrays(y.subarray(cy), new Float32Array(n - cy).fill(7), 'Y row 2 untouched');
    expectClose(dx.subarray(0, cx), avgPool2dBackwardRef(dyv, small), TOL, 'dX rows 0–1');
    expectEqualArrays(dx.subarray(cx), new Float32Array(nx - cx).fill(7), 'dX row 2 untouched');
    for (const k of ks) k.release();
    for (const b of Object.values(bufs)) ctx.pool.release(b);
  });
});

describe('avgpool2d argument checks', () => {
  it('rejects bad shapes, buffers and batches before any GPU work', async () => {
    const ctx = await gpu();
    const s: AvgPool2dShape = { B: 2, C: 3, H: 6, W: 6, S: 2 };
    const [a, b] = [ctx.pool.storage('a', 1024), ctx.pool.storage('b', 1024)];
    const tiny = ctx.pool.storage('tiny', 16);
    const fwd = (over: Record<string, unknown>): Promise<unknown> => prepareAvgPool2d(ctx, { ...s, x: a, y: b, ...over } as Parameters<typeof prepareAvgPool2d>[1]);
    for (const [over, field] of [
      [{ B: 0 }, 'B'], [{ C: -1 }, 'C'], [{ H: 2.5 }, 'H'], [{ S: 0 }, 'S'], [{ S: 7 }, 'S'], [{ stride: 0 }, 'stride'], [{ x: tiny }, 'x'], [{ y: tiny }, 'y'], [{ y: a }, 'y'], [{ workgroupSize: 3 }, 'workgroupSize'],
    ] as Array<[Record<string, unknown>, string]>) {
      await expectArgError(() => fwd(over), field);
    }
    await expectArgError(() => prepareAvgPool2dBackward(ctx, { ...s, dy: a, dx: tiny }), 'dx');
    await expectArgError(() => prepareAvgPool2dBackward(ctx, { ...s, dy: tiny, dx: b }), 'dy');
    await expectArgError(() => prepareAvgPool2dBackward(ctx, { ...s, dy: a, dx: a }), 'dx');
    const k = await prepareAvgPool2d(ctx, { ...s, x: a, y: b });
    await expectArgError(() => k.setBatch(3), 'B');
    k.release();
    for (const x of [a, b, tiny]) ctx.pool.release(x);
  });
});

describe('avgpool2d oracle gradient check (central differences, f64)', () => {
  for (const s of [{ B: 2, C: 2, H: 5, W: 7, S: 2 }, { B: 1, C: 3, H: 7, W: 6, S: 3 }, { B: 2, C: 1, H: 4, W: 4, S: 1 }, { B: 2, C: 2, H: 7, W: 8, S: 3, stride: 2 }, { B: 1, C: 1, H: 9, W: 7, S: 2, stride: 3 }]) {
    it(`dX of ${name(s)}`, () => {
      const rng = new Rng(77);
      const x = Float64Array.from(rng.uniformArray(s.B * s.C * s.H * s.W));
      const { OH, OW } = maxPool2dGeometry(s);
      const g = rng.uniformArray(s.B * s.C * OH * OW);
      // L = Σ G ⊙ avgpool(X) is linear in X: central differences match to rounding.
      const numeric = numericGrad((v) => dot(g, avgPool2dRef(v, s)), x, 1e-4);
      expectClose(avgPool2dBackwardRef(g, s), numeric, { atol: 1e-8, rtol: 1e-6 }, `dX ${name(s)}`);
    });
  }
});
