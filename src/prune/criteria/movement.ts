// Movement pruning (Sanh, Wolf & Rush 2020, "Movement Pruning: Adaptive Sparsity by
// Fine-Tuning", eq. 7 for hard movement): S_ij = −Σ_t α·(∂L/∂W_ij)^(t)·W_ij^(t), the
// scores accumulated at every fine-tuning step; keep the weights of highest S.
//
// MovementScores owns S (one f32 per weight of each participating layer, on the GPU)
// and one prepared kernel per layer that adds −lr·dW⊙W (shaders/score-elementwise.wgsl
// OP 1). The runner records `encode(pass, lr)` through train's `beforeOptimizer` hook,
// inside the training step between the backward pass and the optimizer: dW is this
// step's gradient and W is still W^(t), as in the paper. It is queued GPU work, no
// readback. (`step(lr)` submits the same on its own, for callers outside a step: after
// the step's submit W has already taken the update, an O(lr) difference.)
//
// S is signed; the top-k needs scores ≥ 0, so `score` writes S − min S (the minimum
// over all participating layers, by an atomicMin of order-preserving u32 keys on
// the GPU): a shift by one constant, so the order (and the global threshold) is S's,
// up to the rounding of the subtraction. Pruned weights have dW = 0 (masked gradients)
// and sort first in the top-k anyway.
import { prepareScoreMin, prepareScoreOp } from '../../kernels/score-elementwise.js';
import { grid1d, runKernels, type BoundKernel } from '../../kernels/kernel.js';
import { check } from '../../errors.js';
import type { Network } from '../../nn/network.js';
import type { ScoreInput, WeightCriterion } from './criterion.js';

export class MovementScores {
  readonly net: Network;
  readonly layers: readonly number[];
  /** S per participating layer. */
  readonly s: readonly GPUBuffer[];
  private readonly acc: BoundKernel<'n' | 'rowStride' | 'scale' | 'seed'>[];
  private lastLr = NaN;
  steps = 0;

  private constructor(net: Network, layers: readonly number[], s: GPUBuffer[], acc: BoundKernel<'n' | 'rowStride' | 'scale' | 'seed'>[]) {
    this.net = net;
    this.layers = layers;
    this.s = s;
    this.acc = acc;
  }

  /** Zeroed scores for `layers` (indices into net.layers). */
  static async create(net: Network, layers: readonly number[]): Promise<MovementScores> {
    check(layers.length > 0, 'layers', 'at least one layer', layers.length);
    layers.forEach((li, j) => check(Number.isInteger(li) && li >= 0 && li < net.layers.length, `layers[${j}]`, `a layer index in [0, ${net.layers.length})`, li));
    const s = layers.map((li) => net.ctx.pool.storage(`${net.layers[li]!.op.name} movement S`, net.layers[li]!.op.weightCount * 4));
    const enc = net.ctx.device.createCommandEncoder({ label: 'movement reset' });
    for (const b of s) enc.clearBuffer(b);
    net.ctx.device.queue.submit([enc.finish()]);
    const acc = await Promise.all(layers.map((li, j) => {
      const l = net.layers[li]!;
      return prepareScoreOp(net.ctx, { op: 'accProd', n: l.op.weightCount, a: l.dw, b: l.w, out: s[j]!, scale: -1, label: `movement ${l.op.name}` });
    }));
    return new MovementScores(net, layers, s, acc);
  }

  /** Records S += −lr·dW⊙W for every layer into an open pass (the uniform write is queued). */
  encode(pass: GPUComputePassEncoder, lr: number): void {
    check(Number.isFinite(lr) && lr >= 0, 'lr', 'a finite number ≥ 0', lr);
    if (lr !== this.lastLr) {
      this.acc.forEach((k, j) => k.setParams({ n: this.net.layers[this.layers[j]!]!.op.weightCount, rowStride: grid1d(this.net.layers[this.layers[j]!]!.op.weightCount, 256)[0], scale: -lr, seed: 0 }));
      this.lastLr = lr;
    }
    for (const k of this.acc) k.encode(pass);
    this.steps++;
  }

  /** One submit of encode (call from train's afterStep, after the step's submit). */
  step(lr: number): void {
    const d = this.net.ctx.device;
    const enc = d.createCommandEncoder({ label: 'movement step' });
    const pass = enc.beginComputePass({ label: 'movement step' });
    this.encode(pass, lr);
    pass.end();
    d.queue.submit([enc.finish()]);
  }

  release(): void {
    for (const k of this.acc) k.release();
    for (const b of this.s) this.net.ctx.pool.release(b);
  }
}

export const movement: WeightCriterion = {
  name: 'movement',
  needs: { calibration: false, gradients: false, activations: false, updatesWeights: false },
  async score(input: ScoreInput, out: readonly GPUBuffer[]): Promise<void> {
    const m = input.movement;
    check(m !== undefined, 'movement', 'the accumulated movement scores (MovementScores)', m);
    check(m.layers.length === input.layers.length && m.layers.every((li, j) => li === input.layers[j]), 'movement.layers', `the pruner's layers (${input.layers.join(',')})`, m.layers.join(','));
    const { ctx, net } = input;
    const minKey = ctx.pool.upload('movement min key', new Uint32Array([0xffffffff, 0, 0, 0]));
    const enc = ctx.device.createCommandEncoder({ label: 'movement scores' });
    input.layers.forEach((_, j) => enc.copyBufferToBuffer(m.s[j]!, 0, out[j]!, 0, net.layers[input.layers[j]!]!.op.weightCount * 4));
    ctx.device.queue.submit([enc.finish()]);
    const kernels: BoundKernel[] = [];
    for (const [j, li] of input.layers.entries()) {
      kernels.push(await prepareScoreMin(ctx, { n: net.layers[li]!.op.weightCount, x: m.s[j]!, minKey, label: `movement min ${net.layers[li]!.op.name}` }));
    }
    for (const [j, li] of input.layers.entries()) {
      kernels.push(await prepareScoreOp(ctx, { op: 'shift', n: net.layers[li]!.op.weightCount, b: minKey, out: out[j]!, label: `movement shift ${net.layers[li]!.op.name}` }));
    }
    runKernels(ctx, 'movement scores', kernels);
    for (const k of kernels) k.release();
    ctx.pool.release(minKey);
  },
};
