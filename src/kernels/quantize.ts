// Wrapper for shaders/quantize-rows.wgsl: int8 activations with one symmetric scale
// per sample (q as i32 per value, scale as f32 per sample), for the int8 products.
import src from '../../shaders/quantize-rows.wgsl';
import type { GpuContext } from '../gpu/context.js';
import { uniformLayout } from '../gpu/uniforms.js';
import { checkBuffer, checkDistinct, checkInt, checkWorkgroupSize } from './args.js';
import { bindKernel, type BoundKernel, type ShaderDef } from './kernel.js';

const SHADER: ShaderDef<'n' | 'rows'> = {
  label: 'quantize-rows',
  code: src,
  bindings: ['uniform', 'read', 'storage', 'storage'],
  uniforms: uniformLayout([['n', 'u32'], ['rows', 'u32']] as const),
};

export interface QuantizeRowsArgs {
  /** Samples. */
  rows: number;
  /** Values per sample. */
  n: number;
  /** rows × n f32. */
  x: GPUBuffer;
  /** rows × n i32 in [-127, 127]. */
  q: GPUBuffer;
  /** rows f32: max|x| / 127 of each sample. */
  scale: GPUBuffer;
  /** Threads per sample: a power of two up to 256 (default 64). */
  workgroupSize?: number;
  label?: string;
}

export function prepareQuantizeRows(ctx: GpuContext, a: QuantizeRowsArgs): Promise<BoundKernel<'n' | 'rows'>> {
  const wg = a.workgroupSize ?? 64;
  checkWorkgroupSize(wg);
  checkInt(a.rows, 'rows', 1, 65535 * 65535, '65535²');
  checkInt(a.n, 'n', 1, Math.floor((2 ** 31 - 1) / a.rows), '(2³¹ − 1)/rows');
  checkBuffer(a.x, 'x', a.rows * a.n * 4, 'rows·n·4');
  checkBuffer(a.q, 'q', a.rows * a.n * 4, 'rows·n·4');
  checkBuffer(a.scale, 'scale', a.rows * 4, 'rows·4');
  checkDistinct({ x: a.x, q: a.q, scale: a.scale });
  return bindKernel(ctx, SHADER, {
    label: a.label ?? `quantize-rows ${a.rows}×${a.n}`,
    constants: { WG: wg },
    params: { n: a.n, rows: a.rows },
    buffers: [a.x, a.q, a.scale],
    grid: [Math.min(a.rows, 65535), Math.ceil(a.rows / 65535)],
  });
}
