// Inference for a trained (pruned) Network: every kernel, bind group and buffer of
// a path is made once here (once per prune round: the sparse and int8 formats are
// converted from the masks at that point), and a frame is then one upload, one
// command buffer with every dispatch and the class copy, one submit, one map.
//
// Paths: 'dense' (all weights, no mask), 'masked' (the reference), 'sparse', 'int8',
// 'auto' (per layer dense, sparse or nm, from the chooser's measured timings),
// 'fused' (MLPs only: the sparse layers and the argmax in one dispatch), and 'nm'
// (the N:M compressed format and kernel: each layer at the pattern its mask fits,
// or the one `nm` names).
// A structurally shrunk model is just a smaller Network: run it with 'dense'.
import { check, checkDim, PruneLabError } from '../errors.js';
import { readBuffer } from '../gpu/readback.js';
import { throwIfUncaptured } from '../gpu/device.js';
import { chooseCompletion, COMPLETION_MODES, defaultCompletionMode, mapForRead, NUDGE_BELOW_GPU_MS, type CompletionChoice, type CompletionMode, type CompletionWait } from '../gpu/completion.js';
import { prepareMaxPool2d } from '../kernels/maxpool2d.js';
import { prepareAvgPool2d } from '../kernels/avgpool2d.js';
import { prepareRelu } from '../kernels/relu.js';
import { prepareArgmax } from '../kernels/argmax.js';
import { chain, hasDot4, type Int8Variant, type KernelChain } from '../kernels/spmm.js';
import type { LayerValues, Network } from '../nn/network.js';
import { checkModelLimits } from '../nn/limits.js';
import { poolShape } from '../nn/spec.js';
import { checkNmPattern, type NmPattern } from '../layout/nm.js';
import type { SellOptions } from './sell.js';
import { SELL_MAX_COLS } from './sell.js';
import { allocScratch, layerMatrix, paddedMlpWidths, preparePaddedDense, prepareLayer, type LayerImpl, type LayerInfo, type PreparedLayer, type ScratchBuffers } from './layers.js';
import { chooseLayers, timeChain, type LayerChoice } from './chooser.js';
import { fusedUnsupported, prepareFusedMlp } from './fused.js';

export type InferencePath = 'dense' | 'masked' | 'sparse' | 'int8' | 'auto' | 'fused' | 'nm';
export const INFERENCE_PATHS: readonly InferencePath[] = ['dense', 'masked', 'sparse', 'int8', 'auto', 'fused', 'nm'];
/** What 'auto' may pick per layer. */
export type AutoPick = 'dense' | 'sparse' | 'nm';
const AUTO_PICKS: readonly AutoPick[] = ['dense', 'sparse', 'nm'];

export interface InferenceOptions {
  path: InferencePath;
  /** Images per run (default 1: the frame). */
  batch?: number;
  /** The network's values (weights, biases, masks) on the CPU; read back when omitted. */
  values?: LayerValues[];
  /** 'auto': per-layer picks; measured with chooseLayers when omitted. */
  choices?: ReadonlyArray<AutoPick>;
  /**
   * 'nm' (and 'auto''s nm candidates): the N:M pattern every layer must fit, refused
   * (field 'nm') when a layer's mask keeps more than n in a group. Default: each
   * layer's tightest pattern (src/layout/nm.ts nmFit).
   */
  nm?: NmPattern;
  /** Sliced-ELL layout (slice, maxPiece). */
  sell?: SellOptions;
  /** int8 product version (default: dot4 where the device has it). */
  int8Variant?: Int8Variant;
  /**
   * How a run waits for its classes (gpu/completion.ts): 'map', 'nudge', or 'auto'
   * ('nudge' when the plan's dispatches take under 1 ms of GPU time, timed at
   * prepare time). Default 'auto' in browsers, 'map' in Node.
   */
  completion?: CompletionMode;
}

export class InferencePlan {
  readonly net: Network;
  readonly path: InferencePath;
  readonly batch: number;
  readonly layers: LayerInfo[];
  /** 'auto': what the chooser measured and picked per layer (undefined when choices were given). */
  readonly choices: LayerChoice[] | undefined;
  /** int8 product version in use (int8 path only). */
  readonly int8Variant: Int8Variant | undefined;
  /** How a run waits for its classes (what 'auto' picked, when asked). */
  completion: CompletionWait;
  /** 'auto': what it picked, and the GPU time it picked from. */
  completionChoice: CompletionChoice | undefined;
  /** Milliseconds to prepare (conversion, uploads, pipelines, bind groups, and 'auto' completion's timing). */
  prepareMs: number;
  /** Of which pipeline creation (first-run shader compilation; 0 when cached). */
  readonly compileMs: number;
  /**
   * GPU bytes this plan holds, from the buffer pool's live-byte count across its
   * preparation: converted formats, activations, scratch, staging and uniforms (not
   * the network's own buffers, which dense and masked read). Prepare plans one at a
   * time for this figure to be the plan's alone.
   */
  readonly gpuBytes: number;
  /** B × C·H·W f32 images. */
  readonly input: GPUBuffer;
  /** B × classes logits. */
  readonly logits: GPUBuffer;
  /** B u32 classes. */
  readonly pred: GPUBuffer;
  private readonly prepared: PreparedLayer[];
  private readonly chains: KernelChain[];
  private readonly owned: GPUBuffer[];
  private readonly staging: GPUBuffer;
  private busy = false;
  private destroyed = false;

  private constructor(init: {
    net: Network; path: InferencePath; batch: number; prepared: PreparedLayer[]; layers: LayerInfo[]; chains: KernelChain[];
    owned: GPUBuffer[]; input: GPUBuffer; logits: GPUBuffer; pred: GPUBuffer; staging: GPUBuffer; choices: LayerChoice[] | undefined;
    int8Variant: Int8Variant | undefined; completion: CompletionWait; prepareMs: number; compileMs: number; gpuBytes: number;
  }) {
    this.net = init.net;
    this.path = init.path;
    this.batch = init.batch;
    this.prepared = init.prepared;
    this.layers = init.layers;
    this.chains = init.chains;
    this.owned = init.owned;
    this.input = init.input;
    this.logits = init.logits;
    this.pred = init.pred;
    this.staging = init.staging;
    this.choices = init.choices;
    this.int8Variant = init.int8Variant;
    this.completion = init.completion;
    this.completionChoice = undefined;
    this.prepareMs = init.prepareMs;
    this.compileMs = init.compileMs;
    this.gpuBytes = init.gpuBytes;
  }

  static async create(net: Network, opts: InferenceOptions): Promise<InferencePlan> {
    const t0 = performance.now();
    const ctx = net.ctx;
    const compile0 = ctx.pipelines.compileMs;
    const live0 = ctx.pool.liveBytes;
    const path = opts.path;
    check(INFERENCE_PATHS.includes(path), 'path', `one of ${INFERENCE_PATHS.join(', ')}`, path);
    const B = opts.batch ?? 1;
    checkDim(B, 'batch');
    // Every buffer of every path at this batch (the sparse formats at their worst case) within the adapter's limits.
    checkModelLimits(net.plan, ctx.device.limits, B, opts.sell ?? {});
    const completion = opts.completion ?? defaultCompletionMode();
    check(COMPLETION_MODES.includes(completion), 'completion', `one of ${COMPLETION_MODES.join(', ')}`, completion);
    const params = net.plan.params;
    if (opts.values !== undefined) {
      check(Array.isArray(opts.values) && opts.values.length === params.length, 'values', `${params.length} layers`, opts.values);
      opts.values.forEach((v, i) => {
        const n = params[i]!.weightCount;
        check(v.w instanceof Float32Array && v.w.length === n, `values[${i}].w`, `a Float32Array of ${n}`, v.w);
        check(v.mask instanceof Uint8Array && v.mask.length === n, `values[${i}].mask`, `a Uint8Array of ${n}`, v.mask);
      });
    }
    if (opts.choices !== undefined) {
      check(path === 'auto', 'choices', "given only with path 'auto'", opts.choices);
      check(Array.isArray(opts.choices) && opts.choices.length === params.length, 'choices', `${params.length} entries of ${AUTO_PICKS.join(', ')}`, opts.choices);
      opts.choices.forEach((c, i) => check(AUTO_PICKS.includes(c), `choices[${i}]`, `one of ${AUTO_PICKS.join(', ')}`, c));
    }
    if (opts.nm !== undefined) {
      check(path === 'nm' || path === 'auto', 'nm', "given only with path 'nm' or 'auto'", path);
      checkNmPattern(opts.nm, 'nm');
    }
    let int8Variant: Int8Variant | undefined;
    if (path === 'int8') {
      int8Variant = opts.int8Variant ?? (hasDot4(ctx) ? 'dot4' : 'unpack');
      check(int8Variant === 'dot4' || int8Variant === 'unpack', 'int8Variant', "'dot4' or 'unpack'", int8Variant);
      if (int8Variant === 'dot4') check(hasDot4(ctx), 'int8Variant', "'unpack' here: this device's WGSL lacks packed_4x8_integer_dot_product", int8Variant);
    }
    if (path === 'fused') {
      const why = fusedUnsupported(net.plan, ctx.device.limits.maxComputeWorkgroupStorageSize);
      check(why === undefined, 'path', `'dense', 'masked', 'sparse', 'int8' or 'auto' for this model: ${why}`, path);
    }
    if (path === 'sparse' || path === 'int8' || path === 'auto') {
      for (const op of params) {
        const cols = layerMatrix(op).cols;
        check(cols <= SELL_MAX_COLS, 'path', `'dense' or 'masked' for ${op.name}: its ${cols} inputs per output exceed the sparse format's u16 columns`, path);
      }
    }

    // dense on an MLP with hidden widths that are not multiples of 4 (a shrunk model, say) runs on padded copies.
    const padded = path === 'dense' ? paddedMlpWidths(net.plan.ops) : undefined;
    const needValues = path !== 'dense' || padded !== undefined;
    const values = opts.values ?? (needValues ? await net.readValues() : undefined);
    let choices: LayerChoice[] | undefined;
    let impls: LayerImpl[];
    if (path === 'auto') {
      if (opts.choices) {
        impls = [...opts.choices];
      } else {
        choices = await chooseLayers(net, { batch: B, values: values!, ...(opts.sell ? { sell: opts.sell } : {}), ...(opts.nm ? { nm: opts.nm } : {}) });
        impls = choices.map((c) => c.picked);
      }
    } else {
      impls = params.map(() => (path === 'fused' ? 'sparse' : path));
    }

    const pool = ctx.pool;
    const owned: GPUBuffer[] = [];
    const own = (b: GPUBuffer): GPUBuffer => {
      owned.push(b);
      return b;
    };
    const D = net.plan.input.C * net.plan.input.H * net.plan.input.W;
    const input = own(pool.storage(`infer ${path} input B=${B}`, B * D * 4));
    const pred = own(pool.storage(`infer ${path} classes`, B * 4));
    const staging = own(pool.acquire(`infer ${path} classes staging`, B * 4, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST));
    const chains: KernelChain[] = [];
    const prepared: PreparedLayer[] = [];
    let layers: LayerInfo[];
    let logits: GPUBuffer;
    // Nothing half-made: a failure part-way (a format over a limit, a validation error) releases what was made.
    try {
      if (path === 'fused') {
        logits = own(pool.storage(`infer ${path} logits`, B * net.plan.classes * 4));
        const fused = await prepareFusedMlp(ctx, net.plan, values!, B, { x: input, logits, pred }, opts.sell ? { sell: opts.sell } : {});
        owned.push(...fused.owned);
        chains.push(fused.chain);
        layers = fused.layers;
      } else {
        const layerOf = new Map(net.layers.map((l) => [l.op, l]));
        for (const [i, op] of params.entries()) {
          prepared.push(padded
            ? preparePaddedDense(ctx, layerOf.get(op)!, values![i]!, padded[i]!)
            : prepareLayer(ctx, layerOf.get(op)!, impls[i]!, values?.[i], { bakedWeights: path === 'auto', ...(opts.sell ? { sell: opts.sell } : {}), int8Variant, nm: opts.nm }));
        }
        layers = prepared.map((p) => p.info);
        const byOp = new Map(prepared.map((p) => [p.op, p]));
        const acts = net.plan.ops.map((op, i) => own(pool.storage(`infer ${path} ${op.name} out`, B * (padded?.[i]!.out ?? op.out) * 4)));
        const scratch: ScratchBuffers = allocScratch(ctx, prepared.map((p) => p.scratch(B)), `infer ${path}`);
        owned.push(...Object.values(scratch));
        // One chain per op, in order, then the argmax.
        for (const [i, op] of net.plan.ops.entries()) {
          const x = i === 0 ? input : acts[i - 1]!;
          const y = acts[i]!;
          if (op.kind === 'linear' || op.kind === 'conv2d') {
            chains.push(await byOp.get(op)!.bind(B, x, y, scratch));
          } else if (op.kind === 'maxpool2d') {
            chains.push(chain([await prepareMaxPool2d(ctx, { ...poolShape(op, B), x, y, label: `infer ${op.name}` })]));
          } else if (op.kind === 'avgpool2d') {
            chains.push(chain([await prepareAvgPool2d(ctx, { ...poolShape(op, B), x, y, label: `infer ${op.name}` })]));
          } else {
            chains.push(chain([await prepareRelu(ctx, { n: B * op.in, x, y, label: `infer ${op.name}` })]));
          }
        }
        logits = acts.at(-1)!;
        chains.push(chain([await prepareArgmax(ctx, { B, C: net.plan.classes, logits, pred, label: `infer ${path} argmax` })]));
      }
    } catch (e) {
      for (const c of chains) c.release();
      for (const p of prepared) p.release();
      for (const b of owned) pool.release(b);
      throw e;
    }
    const plan = new InferencePlan({
      net, path, batch: B, prepared, layers, chains, owned, input, logits, pred, staging, choices, int8Variant,
      completion: completion === 'auto' ? 'map' : completion,
      prepareMs: 0, compileMs: ctx.pipelines.compileMs - compile0, gpuBytes: ctx.pool.liveBytes - live0,
    });
    if (completion === 'auto') {
      // A run far past the threshold (a big batch, say) needs no more timing than one run.
      const gpu = await timeChain(ctx, { kernels: [], encode: (pass) => plan.encode(pass), release: () => undefined }, 4, 4 * NUDGE_BELOW_GPU_MS);
      plan.completionChoice = chooseCompletion(gpu.ms);
      plan.completion = plan.completionChoice.picked;
    }
    plan.prepareMs = performance.now() - t0;
    return plan;
  }

  /** Bytes of GPU memory the model's weights take in this path's formats (weights, indices, scales, biases, masks). */
  get modelBytes(): number {
    return this.layers.reduce((t, l) => t + l.modelBytes, 0);
  }

  /** Records every dispatch of one run (forward and argmax) into an open pass. */
  encode(pass: GPUComputePassEncoder): void {
    for (const c of this.chains) c.encode(pass);
  }

  private alive(): void {
    if (this.destroyed) throw new PruneLabError('invalid-argument', 'inference plan: used after destroy()', 'plan');
  }

  /**
   * Classifies up to `batch` images (rows × C·H·W, rows ≤ batch): one upload, one
   * submit (dispatches + copy of the classes), one map, awaited as `completion` says. Rows past `rows` are
   * computed on stale input and not returned.
   */
  async run(images: Float32Array): Promise<Uint32Array> {
    this.alive();
    const D = this.rowSize;
    check(images instanceof Float32Array && images.length > 0 && images.length % D === 0 && images.length <= this.batch * D,
      'images', `a Float32Array of 1 to batch = ${this.batch} rows of ${D} values`, images);
    if (this.busy) throw new PruneLabError('invalid-argument', 'inference plan: run() called again before the previous run resolved', 'plan');
    this.busy = true;
    try {
      const rows = images.length / D;
      const device = this.net.ctx.device;
      device.queue.writeBuffer(this.input, 0, images.buffer as ArrayBuffer, images.byteOffset, images.byteLength);
      const enc = device.createCommandEncoder({ label: `infer ${this.path}` });
      const pass = enc.beginComputePass({ label: `infer ${this.path}` });
      this.encode(pass);
      pass.end();
      enc.copyBufferToBuffer(this.pred, 0, this.staging, 0, rows * 4);
      device.queue.submit([enc.finish()]);
      await mapForRead(device, this.staging, 0, rows * 4, this.completion);
      const out = new Uint32Array(this.staging.getMappedRange(0, rows * 4).slice(0));
      this.staging.unmap();
      throwIfUncaptured(device);
      return out;
    } finally {
      this.busy = false;
    }
  }

  /** One frame: the class of one image. */
  async infer(image: Float32Array): Promise<number> {
    check(image instanceof Float32Array && image.length === this.rowSize, 'image', `a Float32Array of ${this.rowSize} values`, image);
    return (await this.run(image))[0]!;
  }

  /** Classes of n images (n × C·H·W), in runs of `batch`. */
  async predict(images: Float32Array, n = images.length / this.rowSize): Promise<Uint32Array> {
    const D = this.rowSize;
    check(Number.isInteger(n) && n >= 1 && images.length >= n * D, 'n', `an integer from 1 to images.length / ${D}`, n);
    const out = new Uint32Array(n);
    for (let start = 0; start < n; start += this.batch) {
      const rows = Math.min(this.batch, n - start);
      out.set(await this.run(images.subarray(start * D, (start + rows) * D)), start);
    }
    return out;
  }

  /** The logits of the last run's first `rows` rows (a readback: for tests and reports, not frames). */
  async readLogits(rows = this.batch): Promise<Float32Array> {
    this.alive();
    const C = this.net.plan.classes;
    return new Float32Array(await readBuffer(this.net.ctx.device, this.logits, rows * C * 4));
  }

  get rowSize(): number {
    const s = this.net.plan.input;
    return s.C * s.H * s.W;
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    for (const c of this.chains) c.release();
    for (const p of this.prepared) p.release();
    for (const b of this.owned) this.net.ctx.pool.release(b);
  }
}

/** Prepares `path` for `net` (see InferencePlan). */
export function prepareInference(net: Network, opts: InferenceOptions): Promise<InferencePlan> {
  return InferencePlan.create(net, opts);
}
