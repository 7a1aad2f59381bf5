// SynFlow (Tanaka, Kunin, Yamins & Ganguli 2020, "Pruning neural networks without
// any data by iteratively conserving synaptic flow", eq. 2 and Algorithm 1): data-free.
// R = 1ᵀ(∏_l |W^[l]|)1, the network's output summed for an all-ones input with every
// weight replaced by |w| and the biases left out (zero), as the paper's formula has it
// (the reference code, ganguli-lab/Synaptic-Flow, takes |b| instead of dropping b);
// score(θ) = θ ⊙ ∂R/∂θ, i.e. |w|·(input activation)·(output gradient) per weight.
// ReLU is the identity on these non-negative activations; max-pooling stays.
// The pruner (score-pruner.ts) rescoring on the masked net over `iterations` rounds
// (default 100) to s_k = 1 − (1 − s)^(k/iterations), the paper's exponential schedule.
//
// Overflow guard: R is linear in each layer's |W|, so scaling layer l's |W| by c_l
// scales every score of every layer by the same c_l; with c_l a power of two the
// products are exact in floating point and the ranking is unchanged bit for bit
// (unless a value under/overflows, which the scaling is there to prevent). We take
// c_l = 2^−round(log2 √(max column sum · max row sum of |W_l|)), the geometric mean
// of the layer's forward and backward gain bounds (∞-norm growth of a row vector
// through |W| and through |W|ᵀ), from one readback of the weights per prune call
// (masks only shrink these sums across rounds). Scores stay O(1) instead of
// growing like ∏ fan-in. All the arithmetic runs on the GPU in f32 with prepared
// kernels (one forward/backward at batch 1 per round, no readback between rounds).
import { prepareMatmul } from '../../kernels/matmul.js';
import { prepareConv2d } from '../../kernels/conv2d.js';
import { prepareConv2dBackwardData, prepareConv2dBackwardFilter } from '../../kernels/conv2d-backward.js';
import { prepareMaxPool2d, prepareMaxPool2dBackward } from '../../kernels/maxpool2d.js';
import { prepareAvgPool2d, prepareAvgPool2dBackward } from '../../kernels/avgpool2d.js';
import { prepareScoreOp } from '../../kernels/score-elementwise.js';
import type { BoundKernel } from '../../kernels/kernel.js';
import { convShape, poolShape, type ParamOp } from '../../nn/spec.js';
import type { ScoreInput, WeightCriterion } from './criterion.js';

/** log2 of the power-of-two scale of each layer's |W| (c_l = 2^e_l), from its weights. */
export function synflowScaleExponents(ops: readonly ParamOp[], weights: readonly Float32Array[]): number[] {
  return ops.map((op, i) => {
    const w = weights[i]!;
    const rows = op.conv ? op.conv.C * op.conv.k * op.conv.k : op.in; // inputs per output
    const cols = op.conv ? op.conv.F : op.out;
    const perOut = new Float64Array(cols);
    const perIn = new Float64Array(op.conv ? op.conv.C : op.in);
    for (let j = 0; j < w.length; j++) {
      const a = Math.abs(w[j]!);
      if (op.conv) {
        const f = Math.floor(j / rows);
        perOut[f]! += a;
        perIn[Math.floor((j % rows) / (op.conv.k * op.conv.k))]! += a;
      } else {
        perOut[j % op.out]! += a;
        perIn[Math.floor(j / op.out)]! += a;
      }
    }
    const g = Math.sqrt(Math.max(...perOut) * Math.max(...perIn));
    return g > 0 && Number.isFinite(g) ? -Math.round(Math.log2(g)) : 0;
  });
}

export interface SynflowPlan {
  /** Log2 of the factor every score carries (Σ_l e_l): scores = 2^this · θ⊙∂R/∂θ. */
  readonly log2Scale: number;
  /** Queues one scoring of the masked network into the score buffers (one submit, no readback). */
  run(): void;
  release(): void;
}

/** Prepares SynFlow scoring of input.layers into out[j]; reads the weights once (for the scales). */
export async function prepareSynflow(input: ScoreInput, out: readonly GPUBuffer[]): Promise<SynflowPlan> {
  const { ctx, net } = input;
  const plan = net.plan;
  const pool = ctx.pool;
  const values = await net.readValues();
  const exps = synflowScaleExponents(plan.params, values.map((v) => v.w));
  const owned: GPUBuffer[] = [];
  const own = (label: string, bytes: number): GPUBuffer => {
    const b = pool.storage(label, Math.max(16, bytes));
    owned.push(b);
    return b;
  };
  const kernels: BoundKernel[] = [];
  const layerOf = new Map(net.layers.map((l, i) => [l.op, i]));
  const absW = net.layers.map((l) => own(`${l.op.name} |W| synflow`, l.op.weightCount * 4));
  for (const [i, l] of net.layers.entries()) {
    kernels.push(await prepareScoreOp(ctx, { op: 'absScale', n: l.op.weightCount, a: l.w, out: absW[i]!, scale: 2 ** exps[i]!, label: `synflow |W| ${l.op.name}` }));
  }
  const ones = pool.upload('synflow input (ones)', new Float32Array(plan.input.C * plan.input.H * plan.input.W).fill(1));
  const dOut = pool.upload('synflow dR/dout (ones)', new Float32Array(plan.classes).fill(1));
  owned.push(ones, dOut);
  // Forward: activations of each op (relu ops alias their input: the identity here).
  const acts: GPUBuffer[] = [];
  const argmax: Array<GPUBuffer | undefined> = [];
  for (const [i, op] of plan.ops.entries()) {
    const x = i === 0 ? ones : acts[i - 1]!;
    if (op.kind === 'relu') {
      acts.push(x);
      continue;
    }
    const y = own(`synflow ${op.name} out`, op.out * 4);
    acts.push(y);
    if (op.kind === 'linear') {
      const li = layerOf.get(op)!;
      kernels.push(await prepareMatmul(ctx, { M: 1, K: op.in, N: op.out, a: x, b: absW[li]!, c: y, mask: net.layers[li]!.mask, label: `synflow ${op.name} forward` }));
    } else if (op.kind === 'conv2d') {
      const li = layerOf.get(op)!;
      kernels.push(await prepareConv2d(ctx, { ...convShape(op, 1), x, w: absW[li]!, y, mask: net.layers[li]!.mask, label: `synflow ${op.name} forward` }));
    } else if (op.kind === 'maxpool2d') {
      const am = own(`synflow ${op.name} argmax`, op.out * 4);
      argmax[i] = am;
      kernels.push(await prepareMaxPool2d(ctx, { ...poolShape(op, 1), x, y, argmax: am, label: `synflow ${op.name} forward` }));
    } else if (op.kind === 'avgpool2d') {
      kernels.push(await prepareAvgPool2d(ctx, { ...poolShape(op, 1), x, y, label: `synflow ${op.name} forward` }));
    }
  }
  // Backward from dR/d(output) = 1.
  const scoreOf = new Map(input.layers.map((li, j) => [li, out[j]!]));
  let dy = dOut;
  for (let i = plan.ops.length - 1; i >= 0; i--) {
    const op = plan.ops[i]!;
    const x = i === 0 ? ones : acts[i - 1]!;
    if (op.kind === 'relu') continue;
    const dx = i > 0 ? own(`synflow ${op.name} dX`, op.in * 4) : undefined;
    if (op.kind === 'linear' || op.kind === 'conv2d') {
      const li = layerOf.get(op)!;
      const l = net.layers[li]!;
      const score = scoreOf.get(li);
      if (op.kind === 'linear') {
        if (score) kernels.push(await prepareMatmul(ctx, { M: op.in, K: 1, N: op.out, a: x, b: dy, c: score, transA: true, mask: l.mask, maskOn: 'c', label: `synflow ${op.name} dW` }));
        if (dx) kernels.push(await prepareMatmul(ctx, { M: 1, K: op.out, N: op.in, a: dy, b: absW[li]!, c: dx, transB: true, mask: l.mask, label: `synflow ${op.name} dX` }));
      } else {
        const s = convShape(op, 1);
        if (score) kernels.push(await prepareConv2dBackwardFilter(ctx, { ...s, x, dy, dw: score, mask: l.mask, label: `synflow ${op.name} dW` }));
        if (dx) kernels.push(await prepareConv2dBackwardData(ctx, { ...s, dy, w: absW[li]!, dx, mask: l.mask, label: `synflow ${op.name} dX` }));
      }
      if (score) kernels.push(await prepareScoreOp(ctx, { op: 'mulAbs', n: op.weightCount, a: absW[li]!, out: score, label: `synflow ${op.name} score` }));
    } else if (dx && op.kind === 'maxpool2d') {
      kernels.push(await prepareMaxPool2dBackward(ctx, { ...poolShape(op, 1), dy, argmax: argmax[i]!, dx, label: `synflow ${op.name} backward` }));
    } else if (dx && op.kind === 'avgpool2d') {
      kernels.push(await prepareAvgPool2dBackward(ctx, { ...poolShape(op, 1), dy, dx, label: `synflow ${op.name} backward` }));
    }
    if (dx) dy = dx;
  }
  return {
    log2Scale: exps.reduce((t, e) => t + e, 0),
    run() {
      const enc = ctx.device.createCommandEncoder({ label: 'synflow scores' });
      const pass = enc.beginComputePass({ label: 'synflow scores' });
      for (const k of kernels) k.encode(pass);
      pass.end();
      ctx.device.queue.submit([enc.finish()]);
    },
    release() {
      for (const k of kernels) k.release();
      for (const b of owned) pool.release(b);
    },
  };
}

export const synflow: WeightCriterion = {
  name: 'synflow',
  needs: { calibration: false, gradients: false, activations: false, updatesWeights: false },
  async score(input: ScoreInput, out: readonly GPUBuffer[]): Promise<void> {
    const p = await prepareSynflow(input, out);
    p.run();
    p.release();
  },
};

