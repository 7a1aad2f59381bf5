// Wrapper for shaders/bias-grad.wgsl: db[n] = Σ_{b < B} dY[b, n] (column sums).
// B is the count of valid rows; setParams({ B, N }) with a smaller B serves a short
// last batch from the same buffers.
import src from '../../shaders/bias-grad.wgsl';
import type { GpuContext } from '../gpu/context.js';
import { uniformLayout } from '../gpu/uniforms.js';
import { checkBuffer, checkDistinct, checkInt, guardParams } from './args.js';
import { bindKernel, grid1d, type BoundKernel, type ShaderDef } from './kernel.js';

type F = 'B' | 'N';
const SHADER: ShaderDef<F> = {
  label: 'bias-grad',
  code: src,
  bindings: ['uniform', 'read', 'storage'],
  uniforms: uniformLayout([['B', 'u32'], ['N', 'u32']] as const),
};
// 16 columns × 16 row lanes: 256 threads, the WebGPU default limit.
const WG_X = 16;
const WG_Y = 16;

export interface BiasGradArgs {
  /** Valid rows of dY to sum. */
  B: number;
  /** Columns of dY (the layer's outputs). */
  N: number;
  dY: GPUBuffer;
  db: GPUBuffer;
  label?: string;
}

export async function prepareBiasGrad(ctx: GpuContext, args: BiasGradArgs): Promise<BoundKernel<F>> {
  const { B, N } = args;
  checkInt(N, 'N', 1, 2 ** 31 - 1, '2³¹ − 1');
  checkInt(B, 'B', 1, Math.floor((2 ** 31 - 1) / N), '(2³¹ − 1)/N');
  checkBuffer(args.dY, 'dY', B * N * 4, 'B·N·4');
  checkBuffer(args.db, 'db', N * 4, 'N·4');
  checkDistinct({ dY: args.dY, db: args.db });
  const rowsCap = Math.floor(args.dY.size / (N * 4));
  const validate = (v: Readonly<Record<F, number>>): void => {
    checkInt(v.N, 'N', N, N, `${N} (as prepared)`);
    checkInt(v.B, 'B', 1, rowsCap, `dY's ${rowsCap} rows`);
  };
  const k = await bindKernel(ctx, SHADER, {
    label: args.label ?? `bias-grad ${B}×${N}`,
    constants: { WG_X, WG_Y },
    params: { B, N },
    buffers: [args.dY, args.db],
    grid: grid1d(Math.ceil(N / WG_X), 1),
  });
  return guardParams(k, validate);
}
