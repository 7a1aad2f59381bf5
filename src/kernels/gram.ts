// Wrappers for shaders/gram.wgsl (H += scale·XᵀX, SparseGPT's Hessian) and
// shaders/gram-diag.wgsl (s += diag(XᵀX), Wanda's squared input norms), both over
// the first R rows of a row-major R×K block, accumulated across batches.
import gramSrc from '../../shaders/gram.wgsl';
import diagSrc from '../../shaders/gram-diag.wgsl';
import type { GpuContext } from '../gpu/context.js';
import { uniformLayout } from '../gpu/uniforms.js';
import { checkBuffer, checkDistinct, checkFinite, checkInt } from './args.js';
import { bindKernel, type BoundKernel, type ShaderDef } from './kernel.js';

const gramDef: ShaderDef<'R' | 'K' | 'scale'> = {
  label: 'gram',
  code: gramSrc,
  bindings: ['uniform', 'read', 'storage'],
  uniforms: uniformLayout([['R', 'u32'], ['K', 'u32'], ['scale', 'f32']] as const),
};
const diagDef: ShaderDef<'R' | 'K'> = {
  label: 'gram-diag',
  code: diagSrc,
  bindings: ['uniform', 'read', 'storage'],
  uniforms: uniformLayout([['R', 'u32'], ['K', 'u32']] as const),
};
const WG = 8;
const DIAG_WG = 64;

export interface GramArgs {
  /** Most rows a batch holds (X is checked for capacity·K values). */
  capacity: number;
  K: number;
  x: GPUBuffer;
  /** K×K (gram) or K (diag) f32, accumulated into. */
  out: GPUBuffer;
  label?: string;
}

/** A gram kernel whose rows R can be set per batch (setRows, queued). */
export interface GramKernel extends BoundKernel<string> {
  setRows(rows: number): void;
}

function checkArgs(a: GramArgs, outWords: number, what: string): void {
  checkInt(a.capacity, 'capacity', 1, 2 ** 31 - 1);
  checkInt(a.K, 'K', 1, 65535 * 4 * WG);
  checkBuffer(a.x, 'x', a.capacity * a.K * 4, 'capacity·K·4');
  checkBuffer(a.out, 'out', outWords * 4, what);
  checkDistinct({ x: a.x, out: a.out });
}

/** H += scale · XᵀX over the first R rows of X. */
export async function prepareGram(ctx: GpuContext, a: GramArgs & { scale: number }): Promise<GramKernel> {
  checkArgs(a, a.K * a.K, 'K·K·4');
  checkFinite(a.scale, 'scale');
  const tiles = Math.ceil(a.K / (4 * WG));
  const k = await bindKernel(ctx, gramDef, {
    label: a.label ?? `gram K=${a.K}`,
    constants: { WG },
    params: { R: a.capacity, K: a.K, scale: a.scale },
    buffers: [a.x, a.out],
    grid: [tiles, tiles],
  });
  return { ...k, setRows: (rows) => (checkInt(rows, 'rows', 1, a.capacity), k.setParams({ R: rows, K: a.K, scale: a.scale })) };
}

/** s_j += Σ_r x_rj² over the first R rows of X. */
export async function prepareGramDiag(ctx: GpuContext, a: GramArgs): Promise<GramKernel> {
  checkArgs(a, a.K, 'K·4');
  const k = await bindKernel(ctx, diagDef, {
    label: a.label ?? `gram-diag K=${a.K}`,
    constants: { WG: DIAG_WG },
    params: { R: a.capacity, K: a.K },
    buffers: [a.x, a.out],
    grid: [Math.ceil(a.K / DIAG_WG), 1],
  });
  return { ...k, setRows: (rows) => (checkInt(rows, 'rows', 1, a.capacity), k.setParams({ R: rows, K: a.K })) };
}
