// A model on the GPU: its plan, and per prunable layer the weights, bias, mask,
// their gradients and the optimizer state. Executors (train, evaluate, infer) at
// any batch size share these buffers.
import type { GpuContext } from '../gpu/context.js';
import { readBuffer, writeView } from '../gpu/index.js';
import { check } from '../errors.js';
import { Rng } from '../rng.js';
import { maskBytes, packMask } from '../layout/mask.js';
import { prepareMaskApply } from '../kernels/mask-apply.js';
import type { BoundKernel } from '../kernels/kernel.js';
import type { ModelPlan, ParamOp } from './spec.js';
import { checkModelLimits } from './limits.js';

export interface ParamLayer {
  op: ParamOp;
  w: GPUBuffer;
  b: GPUBuffer;
  mask: GPUBuffer;
  dw: GPUBuffer;
  db: GPUBuffer;
}

export type OptimizerKind = 'sgd' | 'adam';

/** How executors run conv layers: im2col + matmul, the direct kernels, or 'auto' (the direct kernels for now: executor.ts pickConvPath). */
export type ConvPath = 'auto' | 'im2col' | 'direct';
export const CONV_PATHS: readonly ConvPath[] = ['auto', 'im2col', 'direct'];

/** Optimizer state per layer: [velocity] for SGD, [m, v] for Adam; weights first, then bias. */
export interface OptimizerState {
  kind: OptimizerKind;
  /** Optimizer steps taken (Adam's bias correction needs it). */
  step: number;
  w: GPUBuffer[][];
  b: GPUBuffer[][];
}

export interface LayerValues {
  w: Float32Array;
  b: Float32Array;
  /** 1 = kept. */
  mask: Uint8Array;
}

/** Seeded init: He-normal before a ReLU, Glorot-uniform otherwise; zero biases. */
export function initialValues(plan: ModelPlan, seed: number): LayerValues[] {
  const rng = new Rng(seed);
  return plan.params.map((op) => {
    const fanIn = op.conv ? op.conv.C * op.conv.k * op.conv.k : op.in;
    const fanOut = op.conv ? op.conv.F * op.conv.k * op.conv.k : op.out;
    const w = new Float32Array(op.weightCount);
    if (op.relu) {
      const std = Math.sqrt(2 / fanIn);
      for (let i = 0; i < w.length; i++) w[i] = rng.normal() * std;
    } else {
      const lim = Math.sqrt(6 / (fanIn + fanOut));
      for (let i = 0; i < w.length; i++) w[i] = (rng.next() * 2 - 1) * lim;
    }
    return { w, b: new Float32Array(op.biasCount), mask: new Uint8Array(op.weightCount).fill(1) };
  });
}

export class Network {
  readonly ctx: GpuContext;
  readonly plan: ModelPlan;
  readonly layers: ParamLayer[];
  optimizer: OptimizerState | undefined;
  /** Read by each Executor when it is made (cached ones keep theirs). */
  private conv: ConvPath = 'auto';
  private destroyed = false;
  private maskKernels: { for: OptimizerState | undefined; kernels: BoundKernel[] } | undefined;

  private constructor(ctx: GpuContext, plan: ModelPlan, layers: ParamLayer[]) {
    this.ctx = ctx;
    this.plan = plan;
    this.layers = layers;
  }

  /** Builds the network with seeded initial weights (or the given values). */
  static create(ctx: GpuContext, plan: ModelPlan, init: { seed: number } | { values: LayerValues[] }): Network {
    // Before any buffer (or the initial weights on the CPU): the parameters at one row.
    checkModelLimits(plan, ctx.device.limits, 1);
    const values = 'values' in init ? init.values : initialValues(plan, init.seed);
    checkValues(plan, values);
    const pool = ctx.pool;
    const layers = plan.params.map((op, i) => {
      const v = values[i]!;
      const w = v.w.map((x, j) => (v.mask[j] ? x : 0));
      return {
        op,
        w: pool.upload(`${op.name}.weight`, w),
        b: pool.upload(`${op.name}.bias`, v.b),
        mask: pool.upload(`${op.name}.mask`, packMask(v.mask)),
        dw: pool.storage(`${op.name}.weight.grad`, op.weightCount * 4),
        db: pool.storage(`${op.name}.bias.grad`, op.biasCount * 4),
      };
    });
    return new Network(ctx, plan, layers);
  }

  get convPath(): ConvPath {
    return this.conv;
  }

  set convPath(p: ConvPath) {
    check(CONV_PATHS.includes(p), 'convPath', `one of ${CONV_PATHS.join(', ')}`, p);
    this.conv = p;
  }

  /** The optimizer state for `kind`, made (zeroed) on first use or when the kind changes. */
  optimizerState(kind: OptimizerKind): OptimizerState {
    if (this.optimizer?.kind === kind) return this.optimizer;
    this.releaseOptimizer();
    const slots = kind === 'sgd' ? ['velocity'] : ['m', 'v'];
    const pool = this.ctx.pool;
    this.optimizer = {
      kind,
      step: 0,
      w: this.layers.map((l) => slots.map((s) => pool.storage(`${l.op.name}.weight.${s}`, l.op.weightCount * 4))),
      b: this.layers.map((l) => slots.map((s) => pool.storage(`${l.op.name}.bias.${s}`, l.op.biasCount * 4))),
    };
    return this.optimizer;
  }

  /**
   * Prepares (once per optimizer state) the kernels that zero every pruned weight
   * and the optimizer state shadowing it; `encodeMaskApply` then records them.
   */
  async prepareMaskApply(): Promise<void> {
    if (this.maskKernels && this.maskKernels.for === this.optimizer) return;
    for (const k of this.maskKernels?.kernels ?? []) k.release();
    const kernels: BoundKernel[] = [];
    for (const [i, l] of this.layers.entries()) {
      const targets = [l.w, ...(this.optimizer?.w[i] ?? [])];
      for (const x of targets) kernels.push(await prepareMaskApply(this.ctx, { n: l.op.weightCount, x, mask: l.mask, label: `${x.label} mask-apply` }));
    }
    this.maskKernels = { for: this.optimizer, kernels };
  }

  /** Records the zeroing of pruned weights and their optimizer state (after prepareMaskApply). */
  encodeMaskApply(pass: GPUComputePassEncoder): void {
    if (!this.maskKernels || this.maskKernels.for !== this.optimizer) throw new Error('encodeMaskApply: call prepareMaskApply() first');
    for (const k of this.maskKernels.kernels) k.encode(pass);
  }

  /** Zeroes pruned weights and optimizer state now (one submit). */
  async applyMasks(): Promise<void> {
    await this.prepareMaskApply();
    const enc = this.ctx.device.createCommandEncoder({ label: 'apply masks' });
    const pass = enc.beginComputePass({ label: 'apply masks' });
    this.encodeMaskApply(pass);
    pass.end();
    this.ctx.device.queue.submit([enc.finish()]);
  }

  /** Zeroes the optimizer state (momentum, Adam moments) and its step count. */
  resetOptimizer(): void {
    if (!this.optimizer) return;
    for (const bufs of [...this.optimizer.w, ...this.optimizer.b]) for (const b of bufs) this.ctx.device.queue.writeBuffer(b, 0, new Uint8Array(b.size));
    this.optimizer.step = 0;
  }

  async readValues(): Promise<LayerValues[]> {
    const d = this.ctx.device;
    return Promise.all(
      this.layers.map(async (l) => {
        const [w, b, m] = await Promise.all([
          readBuffer(d, l.w, l.op.weightCount * 4),
          readBuffer(d, l.b, l.op.biasCount * 4),
          readBuffer(d, l.mask, maskBytes(l.op.weightCount)),
        ]);
        return { w: new Float32Array(w), b: new Float32Array(b), mask: new Uint8Array(m, 0, l.op.weightCount).slice() };
      }),
    );
  }

  /** Replaces weights, biases and masks; masked weights are written as exactly 0. */
  writeValues(values: LayerValues[]): void {
    checkValues(this.plan, values);
    const d = this.ctx.device;
    this.layers.forEach((l, i) => {
      const v = values[i]!;
      writeView(d, l.w, v.w.map((x, j) => (v.mask[j] ? x : 0)));
      writeView(d, l.b, v.b);
      writeView(d, l.mask, packMask(v.mask));
    });
  }

  /** Bytes of GPU memory this network holds (parameters, masks, gradients, optimizer state). */
  get gpuBytes(): number {
    let t = 0;
    for (const l of this.layers) for (const b of [l.w, l.b, l.mask, l.dw, l.db]) t += b.size;
    if (this.optimizer) for (const bufs of [...this.optimizer.w, ...this.optimizer.b]) for (const b of bufs) t += b.size;
    return t;
  }

  private releaseOptimizer(): void {
    if (!this.optimizer) return;
    for (const k of this.maskKernels?.kernels ?? []) k.release();
    this.maskKernels = undefined;
    for (const bufs of [...this.optimizer.w, ...this.optimizer.b]) for (const b of bufs) this.ctx.pool.release(b);
    this.optimizer = undefined;
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.releaseOptimizer();
    for (const k of this.maskKernels?.kernels ?? []) k.release();
    for (const l of this.layers) for (const b of [l.w, l.b, l.mask, l.dw, l.db]) this.ctx.pool.release(b);
  }
}

function checkValues(plan: ModelPlan, values: LayerValues[]): void {
  check(Array.isArray(values) && values.length === plan.params.length, 'values', `${plan.params.length} layers`, values?.length);
  plan.params.forEach((op, i) => {
    const v = values[i]!;
    check(v.w instanceof Float32Array && v.w.length === op.weightCount, `values[${i}].w`, `a Float32Array of ${op.weightCount} (${op.name} ${op.weightShape.join('×')})`, v.w);
    check(v.b instanceof Float32Array && v.b.length === op.biasCount, `values[${i}].b`, `a Float32Array of ${op.biasCount}`, v.b);
    check(v.mask instanceof Uint8Array && v.mask.length === op.weightCount, `values[${i}].mask`, `a Uint8Array of ${op.weightCount}`, v.mask);
  });
}
