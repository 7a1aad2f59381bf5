// The shape every kernel wrapper shares: a pipeline, a uniform buffer whose layout
// is computed, and a bind group, prepared once and then encoded any number of times.
import type { GpuContext } from '../gpu/context.js';
import type { BindingKind } from '../gpu/pipelines.js';
import { packUniforms, type UniformLayout } from '../gpu/uniforms.js';
import { PruneLabError } from '../errors.js';
import { gpuValidationError } from '../gpu/device.js';

export interface ShaderDef<F extends string> {
  label: string;
  code: string;
  /** Binding 0 is always the uniform; the rest follow in order. */
  bindings: readonly BindingKind[];
  uniforms: UniformLayout<F>;
}

export interface BoundKernel<F extends string = string> {
  readonly label: string;
  /** Records the dispatch into an open compute pass. */
  encode(pass: GPUComputePassEncoder): void;
  /** Rewrites the uniform values (queued: takes effect at the next submit). */
  setParams(values: Readonly<Record<F, number>>): void;
  /** Changes the dispatch size (for a smaller last batch, say). */
  setGrid(grid: readonly [number, number, number?]): void;
  /** Returns the uniform buffer to the pool. */
  release(): void;
}

export async function bindKernel<F extends string>(
  ctx: GpuContext,
  def: ShaderDef<F>,
  opts: {
    label: string;
    constants?: Record<string, number | boolean>;
    params: Readonly<Record<F, number>>;
    buffers: readonly GPUBuffer[];
    grid: readonly [number, number, number?];
  },
): Promise<BoundKernel<F>> {
  const pipeline = await ctx.pipelines.pipeline({ label: def.label, code: def.code, bindings: def.bindings, constants: opts.constants ?? {} });
  const uniform = ctx.pool.uniform(`${opts.label} params`, def.uniforms.size);
  // The bind group in an error scope: a buffer that does not fit the layout is named here, not at submit.
  ctx.device.pushErrorScope('validation');
  ctx.device.queue.writeBuffer(uniform, 0, packUniforms(def.uniforms, opts.params));
  const group = ctx.pipelines.bindGroup(`${opts.label} bind group`, def.bindings, [uniform, ...opts.buffers]);
  const invalid = await ctx.device.popErrorScope();
  if (invalid) {
    ctx.pool.release(uniform);
    throw gpuValidationError(invalid.message, opts.label);
  }
  const maxPerDim = ctx.device.limits.maxComputeWorkgroupsPerDimension;
  const checkGrid = (g: readonly [number, number, number?]): void => {
    // A wrapper bug, not a user's: still a named error here rather than a validation error at submit.
    if (Math.max(g[0], g[1], g[2] ?? 1) > maxPerDim) {
      throw new PruneLabError('gpu-validation', `${opts.label}: a dispatch of ${g.join('×')} workgroups is over maxComputeWorkgroupsPerDimension = ${maxPerDim}`, 'grid');
    }
  };
  checkGrid(opts.grid);
  let grid = opts.grid;
  return {
    label: opts.label,
    encode(pass) {
      pass.setPipeline(pipeline);
      pass.setBindGroup(0, group);
      if (grid[0] > 0 && grid[1] > 0 && (grid[2] ?? 1) > 0) pass.dispatchWorkgroups(grid[0], grid[1], grid[2] ?? 1);
    },
    setParams(values) {
      ctx.device.queue.writeBuffer(uniform, 0, packUniforms(def.uniforms, values));
    },
    setGrid(g) {
      checkGrid(g);
      grid = g;
    },
    release() {
      ctx.pool.release(uniform);
    },
  };
}

/** Encodes kernels into one compute pass of a new encoder and submits it. */
export function runKernels(ctx: GpuContext, label: string, kernels: readonly BoundKernel[]): void {
  const enc = ctx.device.createCommandEncoder({ label });
  const pass = enc.beginComputePass({ label });
  for (const k of kernels) k.encode(pass);
  pass.end();
  ctx.device.queue.submit([enc.finish()]);
}

/**
 * Workgroups per dimension that every WebGPU device accepts (the spec's minimum of
 * maxComputeWorkgroupsPerDimension); grids are folded to fit it.
 */
export const MAX_WORKGROUPS_PER_DIMENSION = 65535;

/** Workgroups for n items in groups of `wg`, split over x and y past the 65535 limit. */
export function grid1d(n: number, wg: number): [number, number] {
  const groups = Math.ceil(n / wg);
  if (groups <= MAX_WORKGROUPS_PER_DIMENSION) return [groups, 1];
  const y = Math.ceil(groups / MAX_WORKGROUPS_PER_DIMENSION);
  return [Math.ceil(groups / y), y];
}

/**
 * A gx × gy grid of tiles as a dispatch: itself when both fit, else folded into
 * (x, y, z) in linear order. The shader reads tile g = wid.x + nwg.x·(wid.y + nwg.y·wid.z)
 * as (g mod gx, g div gx), which is (wid.x, wid.y) when unfolded, and returns for
 * g past the last tile (its row is then ≥ gy, past the data).
 */
export function foldGrid(gx: number, gy: number): [number, number, number] {
  const L = MAX_WORKGROUPS_PER_DIMENSION;
  if (gx <= L && gy <= L) return [gx, gy, 1];
  const tiles = gx * gy;
  const x = Math.min(tiles, L);
  const rest = Math.ceil(tiles / x);
  const y = Math.min(rest, L);
  const z = Math.ceil(rest / y);
  if (z > L) throw new PruneLabError('invalid-argument', `a grid of ${gx}×${gy} workgroups does not fit ${L}³ even folded`, 'grid');
  return [x, y, z];
}
