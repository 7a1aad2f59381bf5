// Thin wrapper over shaders/score-lamp.wgsl: the whole LAMP scoring of one layer as a
// list of prepared dispatches (init, the bitonic stages, gather, the scan passes,
// score), all on the GPU, encoded into one pass with no readback.
import src from '../../shaders/score-lamp.wgsl';
import type { GpuContext } from '../gpu/context.js';
import { uniformLayout } from '../gpu/uniforms.js';
import { checkBuffer, checkInt } from './args.js';
import { bindKernel, grid1d, type BoundKernel, type ShaderDef } from './kernel.js';

const WG = 256;
type Field = 'n' | 'P' | 'k' | 'j' | 'd' | 'flip' | 'rowStride';
const def: ShaderDef<Field> = {
  label: 'score-lamp',
  code: src,
  bindings: ['uniform', 'read', 'storage', 'storage', 'storage', 'storage', 'storage', 'storage'],
  uniforms: uniformLayout([['n', 'u32'], ['P', 'u32'], ['k', 'u32'], ['j', 'u32'], ['d', 'u32'], ['flip', 'u32'], ['rowStride', 'u32']] as const),
};

export interface LampPlan {
  encode(pass: GPUComputePassEncoder): void;
  release(): void;
}

/** Prepares the LAMP scores of n weights `w` into `out` (f32[n]); scratch is 5·P words, P = 2^ceil(log2 n). */
export async function prepareLampScores(ctx: GpuContext, args: { n: number; w: GPUBuffer; out: GPUBuffer; label?: string }): Promise<LampPlan> {
  checkInt(args.n, 'n', 1, 2 ** 30, '2³⁰');
  checkBuffer(args.w, 'w', args.n * 4, 'n·4');
  checkBuffer(args.out, 'out', args.n * 4, 'n·4');
  const n = args.n;
  const P = 2 ** Math.ceil(Math.log2(Math.max(2, n)));
  const label = args.label ?? `lamp n=${n}`;
  const scratch = ['keys', 'idx', 'sq', 'scanA', 'scanB'].map((s) => ctx.pool.storage(`${label} ${s}`, P * 4));
  const kernels: BoundKernel<Field>[] = [];
  const add = async (op: number, threads: number, q: Partial<Record<Field, number>>): Promise<void> => {
    const grid = grid1d(threads, WG);
    kernels.push(await bindKernel(ctx, def, {
      label: `${label} op${op}`,
      constants: { WG, OP: op },
      params: { n, P, k: 0, j: 0, d: 0, flip: 0, rowStride: grid[0], ...q },
      buffers: [args.w, ...scratch, args.out],
      grid,
    }));
  };
  await add(0, P, {});
  for (let k = 2; k <= P; k *= 2) for (let j = k / 2; j >= 1; j /= 2) await add(1, P / 2, { k, j });
  await add(2, P, {});
  let flip = 0;
  for (let d = 1; d < P; d *= 2) {
    await add(3, P, { d, flip });
    flip ^= 1;
  }
  await add(4, n, { flip });
  return {
    encode(pass) {
      for (const k of kernels) k.encode(pass);
    },
    release() {
      for (const k of kernels) k.release();
      for (const b of scratch) ctx.pool.release(b);
    },
  };
}
