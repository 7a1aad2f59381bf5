// Prepared GPU work for a network at one batch size: the forward pass, and for
// training the loss, the backward pass and the optimizer step. Every kernel and
// bind group is made once here; a step only writes the batch and encodes.
import { prepareMatmul } from '../kernels/matmul.js';
import { prepareConv2d } from '../kernels/conv2d.js';
import { convIm2colScratchBytes, prepareConvIm2colBackward, prepareConvIm2colForward, type ConvIm2colScratch } from '../kernels/conv-im2col.js';
import { prepareConv2dBackwardData, prepareConv2dBackwardFilter, prepareConv2dBiasGrad } from '../kernels/conv2d-backward.js';
import { prepareMaxPool2d, prepareMaxPool2dBackward } from '../kernels/maxpool2d.js';
import { prepareAvgPool2d, prepareAvgPool2dBackward } from '../kernels/avgpool2d.js';
import { prepareRelu } from '../kernels/relu.js';
import { prepareReluBackward } from '../kernels/relu-backward.js';
import { prepareBiasGrad } from '../kernels/bias-grad.js';
import { prepareSoftmaxXent } from '../kernels/softmax-xent.js';
import { prepareReduceSum } from '../kernels/reduce-sum.js';
import { prepareArgmax, argmaxCountWords } from '../kernels/argmax.js';
import { prepareSgd, type SgdParam } from '../kernels/sgd.js';
import { prepareAdam, adamParams, type AdamParam } from '../kernels/adam.js';
import type { BoundKernel } from '../kernels/kernel.js';
import { check, checkDim } from '../errors.js';
import type { ConvPath, Network } from './network.js';
import type { OptimizerConfig } from './optim.js';
import { convShape, poolShape } from './spec.js';
import { checkModelLimits } from './limits.js';

export type ExecutorMode = 'infer' | 'train';

/** Words of the f32 accumulator buffer: [summed loss]. */
const LOSS_WORDS = 4;

/**
 * The path of one conv layer: 'im2col' where its scratch fits the device's buffer
 * limits (the results are the same either way, so a layer too large falls back),
 * else the direct kernels. 'auto' is the direct kernels: on the one adapter measured
 * (SwiftShader), the im2col path trained LeNet-5 slower in two of three bench runs
 * (docs/inference.md, training throughput).
 */
export function pickConvPath(path: ConvPath, scratch: { rows: number; out: number }, limits: GPUSupportedLimits): 'im2col' | 'direct' {
  if (path !== 'im2col') return 'direct';
  const cap = Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize);
  return scratch.rows <= cap && scratch.out <= cap ? 'im2col' : 'direct';
}

interface OptimizerKernels {
  kernels: BoundKernel<SgdParam>[] | BoundKernel<AdamParam>[];
  setStep(lr: number): void;
}

export class Executor {
  readonly net: Network;
  readonly batch: number;
  readonly mode: ExecutorMode;
  /** B × (C·H·W) f32, written by the caller for each batch. */
  readonly input: GPUBuffer;
  /** B u32 class labels. */
  readonly labels: GPUBuffer;
  /** B × classes f32 logits. */
  readonly logits: GPUBuffer;
  /** B u32 predicted classes. */
  readonly pred: GPUBuffer;
  /** u32: correct count, then the classes×classes confusion matrix (row = true). Accumulated. */
  readonly counts: GPUBuffer;
  /** f32: summed loss. Accumulated (training only). */
  readonly lossSum: GPUBuffer;
  private readonly owned: GPUBuffer[] = [];
  /** Output of each op (B × op.out f32). */
  private readonly acts: GPUBuffer[];
  private forward: BoundKernel[] = [];
  private evalKernels: BoundKernel[] = [];
  private argmax!: BoundKernel<'rows' | 'C'>;
  private trainKernels: BoundKernel[] = [];
  private optimizer: OptimizerKernels | undefined;
  /** Each conv layer's path, in plan order ('im2col' or 'direct'). */
  convPaths: ReadonlyArray<'im2col' | 'direct'> = [];

  private constructor(net: Network, batch: number, mode: ExecutorMode) {
    this.net = net;
    this.batch = batch;
    this.mode = mode;
    const pool = net.ctx.pool;
    const plan = net.plan;
    const D = plan.input.C * plan.input.H * plan.input.W;
    this.input = this.own(pool.storage(`${mode} input B=${batch}`, batch * D * 4));
    this.labels = this.own(pool.storage(`${mode} labels`, batch * 4));
    this.pred = this.own(pool.storage(`${mode} predictions`, batch * 4));
    this.counts = this.own(pool.storage(`${mode} counts`, argmaxCountWords(plan.classes) * 4));
    this.lossSum = this.own(pool.storage(`${mode} loss sum`, LOSS_WORDS * 4));
    this.acts = plan.ops.map((op) => this.own(pool.storage(`${mode} ${op.name} out`, batch * op.out * 4)));
    this.logits = this.acts[this.acts.length - 1]!;
  }

  private own(b: GPUBuffer): GPUBuffer {
    this.owned.push(b);
    return b;
  }

  static async create(net: Network, batch: number, mode: ExecutorMode, optimizer?: OptimizerConfig): Promise<Executor> {
    checkDim(batch, 'batch');
    // Before the constructor allocates: every buffer at this batch within the adapter's limits.
    checkModelLimits(net.plan, net.ctx.device.limits, batch);
    const ex = new Executor(net, batch, mode);
    await ex.build(optimizer);
    return ex;
  }

  private async build(optimizer: OptimizerConfig | undefined): Promise<void> {
    const { net, batch: B, mode } = this;
    const ctx = net.ctx;
    const pool = ctx.pool;
    const ops = net.plan.ops;
    const train = mode === 'train';
    // Activations a[i] (output of op i) and, for training, their gradients d[i].
    const acts = this.acts;
    const grads = train ? ops.map((op) => this.own(pool.storage(`${mode} ${op.name} out.grad`, B * op.out * 4))) : [];
    const argmaxes = ops.map((op) => (op.kind === 'maxpool2d' && train ? this.own(pool.storage(`${op.name} argmax`, B * op.out * 4)) : undefined));
    const inputOf = (i: number): GPUBuffer => (i === 0 ? this.input : acts[i - 1]!);
    const layerOf = new Map(net.layers.map((l) => [l.op, l]));
    // Conv layers on the im2col path: their scratch rows, shared by the forward and backward pass.
    const im2col = new Map<number, ConvIm2colScratch>();
    ops.forEach((op, i) => {
      if (op.kind !== 'conv2d') return;
      const bytes = convIm2colScratchBytes(convShape(op, B));
      if (pickConvPath(net.convPath, bytes, ctx.device.limits) === 'direct') return;
      im2col.set(i, { rows: this.own(pool.storage(`${mode} ${op.name} im2col rows`, bytes.rows)), out: this.own(pool.storage(`${mode} ${op.name} im2col out`, bytes.out)) });
    });
    this.convPaths = ops.flatMap((op, i) => (op.kind === 'conv2d' ? [im2col.has(i) ? 'im2col' : 'direct'] : []));

    for (let i = 0; i < ops.length; i++) {
      const op = ops[i]!;
      const x = inputOf(i);
      if (op.kind === 'linear') {
        const l = layerOf.get(op)!;
        this.forward.push(await prepareMatmul(ctx, { M: B, K: op.in, N: op.out, a: x, b: l.w, c: acts[i]!, bias: l.b, mask: l.mask, relu: op.relu, label: `${op.name} forward` }));
      } else if (op.kind === 'conv2d') {
        const l = layerOf.get(op)!;
        const scratch = im2col.get(i);
        if (scratch) {
          this.forward.push(...(await prepareConvIm2colForward(ctx, { ...convShape(op, B), ...scratch, x, w: l.w, y: acts[i]!, bias: l.b, mask: l.mask, relu: op.relu, label: `${op.name} forward` })));
          continue;
        }
        this.forward.push(await prepareConv2d(ctx, { ...convShape(op, B), x, w: l.w, y: acts[i]!, bias: l.b, mask: l.mask, relu: op.relu, label: `${op.name} forward` }));
      } else if (op.kind === 'maxpool2d') {
        this.forward.push(await prepareMaxPool2d(ctx, { ...poolShape(op, B), x, y: acts[i]!, argmax: argmaxes[i], label: `${op.name} forward` }));
      } else if (op.kind === 'avgpool2d') {
        this.forward.push(await prepareAvgPool2d(ctx, { ...poolShape(op, B), x, y: acts[i]!, label: `${op.name} forward` }));
      } else {
        this.forward.push(await prepareRelu(ctx, { n: B * op.in, x, y: acts[i]!, label: `${op.name} forward` }));
      }
    }
    const logits = this.logits;
    const C = net.plan.classes;
    this.argmax = await prepareArgmax(ctx, { B, C, logits, pred: this.pred, labels: this.labels, counts: this.counts, label: `${mode} argmax` });
    this.evalKernels = [...this.forward, this.argmax];
    if (!train) return;

    const last = ops.length - 1;
    const rowLoss = this.own(pool.storage('row loss', B * 4));
    const k = this.trainKernels;
    k.push(...this.forward);
    k.push(await prepareSoftmaxXent(ctx, { B, C, logits, labels: this.labels, dLogits: grads[last]!, rowLoss, scale: 1 / B, label: 'loss' }));
    k.push(await prepareReduceSum(ctx, { n: B, x: rowLoss, accum: this.lossSum, label: 'loss sum' }));
    k.push(this.argmax);
    for (let i = last; i >= 0; i--) {
      const op = ops[i]!;
      const dy = grads[i]!;
      const x = inputOf(i);
      const dx = i > 0 ? grads[i - 1]! : undefined;
      if (op.kind === 'linear' || op.kind === 'conv2d') {
        const l = layerOf.get(op)!;
        if (op.relu) k.push(await prepareReluBackward(ctx, { n: B * op.out, Y: acts[i]!, dY: dy, label: `${op.name} relu backward` }));
        if (op.kind === 'linear') {
          k.push(await prepareMatmul(ctx, { M: op.in, K: B, N: op.out, a: x, b: dy, c: l.dw, transA: true, mask: l.mask, maskOn: 'c', label: `${op.name} dW` }));
          k.push(await prepareBiasGrad(ctx, { B, N: op.out, dY: dy, db: l.db, label: `${op.name} db` }));
          if (dx) k.push(await prepareMatmul(ctx, { M: B, K: op.out, N: op.in, a: dy, b: l.w, c: dx, transB: true, mask: l.mask, label: `${op.name} dX` }));
        } else if (im2col.has(i)) {
          k.push(...(await prepareConvIm2colBackward(ctx, { ...convShape(op, B), ...im2col.get(i)!, dy, w: l.w, dw: l.dw, db: l.db, dx, mask: l.mask, label: `${op.name} backward` })));
        } else {
          const s = convShape(op, B);
          k.push(await prepareConv2dBackwardFilter(ctx, { ...s, x, dy, dw: l.dw, mask: l.mask, label: `${op.name} dW` }));
          k.push(await prepareConv2dBiasGrad(ctx, { ...s, dy, db: l.db, label: `${op.name} db` }));
          if (dx) k.push(await prepareConv2dBackwardData(ctx, { ...s, dy, w: l.w, dx, mask: l.mask, label: `${op.name} dX` }));
        }
      } else if (op.kind === 'maxpool2d') {
        if (dx) k.push(await prepareMaxPool2dBackward(ctx, { ...poolShape(op, B), dy, argmax: argmaxes[i]!, dx, label: `${op.name} backward` }));
      } else if (op.kind === 'avgpool2d') {
        if (dx) k.push(await prepareAvgPool2dBackward(ctx, { ...poolShape(op, B), dy, dx, label: `${op.name} backward` }));
      } else if (dx) {
        k.push(await prepareReluBackward(ctx, { n: B * op.in, Y: acts[i]!, dY: dy, dX: dx, label: `${op.name} backward` }));
      }
    }
    if (optimizer) {
      this.optimizer = await this.buildOptimizer(optimizer);
      k.push(...this.optimizer.kernels);
    }
  }

  private async buildOptimizer(o: OptimizerConfig): Promise<OptimizerKernels> {
    const net = this.net;
    const ctx = net.ctx;
    const state = net.optimizerState(o.type);
    const tensors = net.layers.flatMap((l, i) => [
      { n: l.op.weightCount, w: l.w, grad: l.dw, mask: l.mask, st: state.w[i]!, label: `${l.op.name}.weight` },
      { n: l.op.biasCount, w: l.b, grad: l.db, mask: undefined, st: state.b[i]!, label: `${l.op.name}.bias` },
    ]);
    if (o.type === 'sgd') {
      const kernels = await Promise.all(tensors.map((t) => prepareSgd(ctx, {
        n: t.n, w: t.w, grad: t.grad, v: t.st[0]!, mask: t.mask, lr: o.lr, momentum: o.momentum ?? 0, weightDecay: o.weightDecay ?? 0,
        nesterov: o.nesterov ?? false, label: `sgd ${t.label}`,
      })));
      let lastLr = o.lr;
      return {
        kernels,
        setStep(lr) {
          state.step++;
          if (lr === lastLr) return;
          lastLr = lr;
          kernels.forEach((k, i) => k.setParams({ n: tensors[i]!.n, lr, momentum: o.momentum ?? 0, weightDecay: o.weightDecay ?? 0 }));
        },
      };
    }
    const hyper = { lr: o.lr, beta1: o.beta1, beta2: o.beta2, eps: o.eps, weightDecay: o.weightDecay };
    const kernels = await Promise.all(tensors.map((t) => prepareAdam(ctx, {
      n: t.n, w: t.w, grad: t.grad, m: t.st[0]!, v: t.st[1]!, mask: t.mask, ...hyper, decoupled: o.decoupled ?? false,
      step: state.step + 1, label: `adam ${t.label}`,
    })));
    return {
      kernels,
      setStep(lr) {
        state.step++;
        kernels.forEach((k, i) => k.setParams(adamParams(tensors[i]!.n, { ...hyper, lr }, state.step)));
      },
    };
  }

  /** The kernels of one training step, in order (the bench profiles them one by one). */
  get stepKernels(): readonly BoundKernel[] {
    return this.trainKernels;
  }

  /** Records the forward pass (logits only). */
  /** The buffer holding op i's input after the forward pass: the batch input for op 0, else op i−1's output. */
  opInput(i: number): GPUBuffer {
    check(Number.isInteger(i) && i >= 0 && i < this.net.plan.ops.length, 'i', `an op index in [0, ${this.net.plan.ops.length})`, i);
    return i === 0 ? this.input : this.acts[i - 1]!;
  }

  encodeForward(pass: GPUComputePassEncoder): void {
    for (const k of this.forward) k.encode(pass);
  }

  /** Records forward + argmax counting over the first `rows` rows (labels must be written). */
  encodeEval(pass: GPUComputePassEncoder, rows = this.batch): void {
    this.argmax.setParams({ rows, C: this.net.plan.classes });
    for (const k of this.evalKernels) k.encode(pass);
  }

  /**
   * Queues the optimizer's uniforms for the next step and records one whole training
   * step; `beforeOptimizer` is recorded between the backward pass and the optimizer.
   */
  encodeTrainStep(pass: GPUComputePassEncoder, lr: number, beforeOptimizer?: (pass: GPUComputePassEncoder) => void): void {
    this.optimizer?.setStep(lr);
    const opt = new Set<unknown>(this.optimizer?.kernels ?? []);
    let hooked = !beforeOptimizer;
    for (const k of this.trainKernels) {
      // The gradients of this step are complete and the weights not yet updated: what movement pruning scores.
      if (!hooked && opt.has(k)) {
        beforeOptimizer!(pass);
        hooked = true;
      }
      k.encode(pass);
    }
    if (!hooked) beforeOptimizer!(pass);
  }

  /** Zeroes the accumulated counts and loss (queued). */
  resetCounters(): void {
    const q = this.net.ctx.device.queue;
    q.writeBuffer(this.counts, 0, new Uint8Array(this.counts.size));
    q.writeBuffer(this.lossSum, 0, new Uint8Array(this.lossSum.size));
  }

  /** Writes a batch: images (rows × C·H·W) and labels. */
  writeBatch(images: Float32Array, labels: Uint8Array | Uint32Array, rows: number): void {
    const q = this.net.ctx.device.queue;
    const D = this.net.plan.input.C * this.net.plan.input.H * this.net.plan.input.W;
    q.writeBuffer(this.input, 0, images.buffer as ArrayBuffer, images.byteOffset, rows * D * 4);
    const l = labels instanceof Uint32Array ? labels : Uint32Array.from(labels.subarray(0, rows));
    q.writeBuffer(this.labels, 0, l.buffer as ArrayBuffer, l.byteOffset, rows * 4);
  }

  destroy(): void {
    const kernels = new Set([...this.forward, ...this.evalKernels, ...this.trainKernels]);
    for (const k of kernels) k.release();
    for (const b of this.owned) this.net.ctx.pool.release(b);
    this.owned.length = 0;
  }
}
