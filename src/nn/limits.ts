// A model checked against the adapter's limits before the first buffer is made:
// every buffer that training, evaluation, top-k pruning and each inference path
// (dense, padded dense, masked, sparse, int8, nm, their scratch, im2col) allocate for a
// plan at a batch size must fit maxBufferSize, and every one bound as storage must
// fit maxStorageBufferBindingSize, so that an over-large layer is a PruneLabError
// naming the layer and the limit, never a GPU validation error or a half-built
// network. Sizes are the buffer pool's (rounded up to 16 bytes). The sparse formats
// depend on the masks; they are bounded by their worst case over all masks.
import { PruneLabError } from '../errors.js';
import { maskBytes } from '../layout/mask.js';
import { argmaxCountWords } from '../kernels/argmax.js';
import { topkScratchBytes } from '../kernels/topk.js';
import type { ModelPlan, Op, ParamOp } from './spec.js';

/** The limits this check reads (a GPUSupportedLimits fits). */
export type DeviceLimits = Pick<GPUSupportedLimits, 'maxStorageBufferBindingSize' | 'maxBufferSize' | 'maxComputeWorkgroupsPerDimension'>;

/** One buffer a run of the plan allocates. */
export interface PlannedBuffer {
  /** The layer (op name) it belongs to, or 'input' / 'batch' for per-batch buffers. */
  layer: string;
  /** The config field to name: model.layers[i] of the layer, model.input, or train.batchSize. */
  field: string;
  what: string;
  /** As allocated: rounded up to 16 bytes, at least 16. */
  bytes: number;
  /** False for map/staging buffers, which only maxBufferSize bounds. */
  storage: boolean;
}

/** Sliced-ELL options that change the sparse formats' sizes (src/infer/sell.ts). */
export interface SparseSizing {
  /** Pieces per slice (default 8). */
  slice?: number;
  /** Longest piece in entries, or 'auto' (default). */
  maxPiece?: number | 'auto';
}

const pooled = (bytes: number): number => Math.max(16, Math.ceil(bytes / 16) * 16);
const ceil4 = (n: number): number => Math.ceil(n / 4) * 4;

/** The spec index of each op: the layer it came from (a fused ReLU belongs to its Linear/Conv2d). */
function specFields(plan: ModelPlan): Map<string, string> {
  const out = new Map<string, string>();
  const count = { linear: 0, conv2d: 0, pool: 0, relu: 0 };
  let lastFusable = false;
  plan.spec.layers.forEach((l, i) => {
    const f = `model.layers[${i}]`;
    if (l.type === 'linear') out.set(`fc${++count.linear}`, f);
    else if (l.type === 'conv2d') out.set(`conv${++count.conv2d}`, f);
    else if (l.type === 'maxpool2d' || l.type === 'avgpool2d') out.set(`pool${++count.pool}`, f);
    else if (l.type === 'relu' && !lastFusable) out.set(`relu${++count.relu}`, f);
    // As in planModel: a ReLU right after a Linear/Conv2d (without one) is fused into it.
    lastFusable = (l.type === 'linear' || l.type === 'conv2d') ? true : l.type === 'flatten' ? lastFusable : false;
  });
  return out;
}

/**
 * The worst case over all masks of a layer's sliced-ELL format (rows R outputs, K
 * inputs each, nnz ≤ R·K kept). A row of n entries has ⌈n/L⌉ pieces, so the pieces
 * beyond one per row are at most nnz/L: with 'auto', L ≥ 2·nnz/R makes that ≤ R/2;
 * with a fixed maxPiece, ≤ R·K/maxPiece. Slices are padded to their longest piece,
 * and with pieces sorted longest first, S·Σ(longest of each slice) ≤ S·min(L, K) + nnz,
 * plus up to 3 entries per lane and slice for the groups of 4.
 */
function sellBound(R: number, K: number, o: SparseSizing): { pieces: number; slices: number; groups: number } {
  const S = o.slice ?? 8;
  const mp = o.maxPiece ?? 'auto';
  const maxL = mp === 'auto' ? Math.max(32, ceil4(2 * K)) : mp;
  const pieces = R + (mp === 'auto' ? Math.floor(R / 2) : Math.floor((R * K) / mp));
  const slices = Math.ceil(pieces / S);
  const entries = S * Math.min(maxL, K) + R * K + 3 * S * slices;
  return { pieces, slices, groups: Math.ceil(entries / 4) };
}

/** Every buffer training, evaluation, top-k and every inference path allocate for `plan` at `batchSize` rows. */
export function modelBuffers(plan: ModelPlan, batchSize: number, sparse: SparseSizing = {}): PlannedBuffer[] {
  const B = batchSize;
  const fields = specFields(plan);
  const out: PlannedBuffer[] = [];
  const add = (layer: string, field: string, what: string, bytes: number, storage = true): void => {
    out.push({ layer, field, what, bytes: pooled(bytes), storage });
  };
  const fieldOf = (op: Op): string => fields.get(op.name) ?? 'model.layers';
  // Dense inference of an MLP runs on copies padded to widths that are multiples of 4.
  const mlp = plan.ops.every((op) => op.kind === 'linear');
  for (const [i, op] of plan.ops.entries()) {
    const f = fieldOf(op);
    const outW = mlp && i < plan.ops.length - 1 ? ceil4(op.out) : op.out;
    add(op.name, f, `activations and their gradient (${B} × ${outW} f32)`, B * outW * 4);
    if (op.kind === 'maxpool2d') add(op.name, f, `argmax of each window (${B} × ${op.out} u32)`, B * op.out * 4);
    if (op.kind !== 'linear' && op.kind !== 'conv2d') continue;
    const p: ParamOp = op;
    add(op.name, f, `weights ${p.weightShape.join('×')} f32 (and their gradient, optimizer state, W⊙M copy)`, p.weightCount * 4);
    add(op.name, f, 'mask', maskBytes(p.weightCount));
    add(op.name, f, 'bias (and its gradient and optimizer state)', p.biasCount * 4);
    if (mlp) {
      const Kp = i === 0 ? p.in : ceil4(plan.ops[i - 1]!.out);
      add(op.name, f, `weights padded to ${Kp}×${outW} for dense inference`, Kp * outW * 4);
    }
    // Sparse and int8 formats, output-major: rows = outputs (or filters), cols = inputs per output.
    const R = p.conv ? p.conv.F : p.out;
    const K = p.conv ? p.conv.C * p.conv.k * p.conv.k : p.in;
    const pos = p.conv ? p.conv.OH * p.conv.OW : 1;
    const s = sellBound(R, K, sparse);
    add(op.name, f, 'sparse values (f32, worst case over masks)', s.groups * 16);
    add(op.name, f, 'sparse columns (u16)', s.groups * 8);
    add(op.name, f, 'sparse slice layout', (s.slices + 1 + s.pieces) * 4);
    add(op.name, f, 'sparse row pieces', (R + 1 + s.pieces) * 4);
    add(op.name, f, 'partial sums of split rows', B * pos * s.pieces * 4);
    add(op.name, f, 'quantized activations (i32)', B * p.in * 4);
    // N:M format (src/layout/nm.ts), worst case over patterns: at most K slots per output, ≥ 8 indices per u32 word.
    add(op.name, f, 'N:M values (f32, at most one per weight)', R * K * 4);
    add(op.name, f, 'N:M packed in-group indices', R * Math.ceil(K / 8) * 4);
    if (p.conv) add(op.name, f, `im2col rows (${B * pos} × ${K} f32)`, B * pos * K * 4);
  }
  // Per batch and per model: listed after the layers, so a layer at fault is named first.
  const D = plan.input.C * plan.input.H * plan.input.W;
  add('input', 'model.input', `input batch (${B} × ${D} f32)`, B * D * 4);
  add('batch', 'train.batchSize', 'labels, predictions and row losses of a batch', B * 4);
  add('batch', 'train.batchSize', 'class staging of an inference batch', B * 4, false);
  const last = plan.ops[plan.ops.length - 1]!;
  add(last.name, fieldOf(last), `counts and ${plan.classes}×${plan.classes} confusion matrix`, argmaxCountWords(plan.classes) * 4);
  const groups = topkScratchBytes(plan.params.length, plan.params.length);
  add('batch', 'model.layers', 'top-k histogram (local scope: one per layer)', groups.histogram);
  add('batch', 'model.layers', 'top-k state', groups.state);
  return out;
}

/**
 * Throws PruneLabError('invalid-config', field = 'model.layers[i]' of the layer, or
 * model.input / train.batchSize) when a buffer that training or inference at
 * `batchSize` rows would make exceeds a limit. Touches no GPU.
 */
export function checkModelLimits(plan: ModelPlan, limits: DeviceLimits, batchSize: number, sparse: SparseSizing = {}): void {
  for (const b of modelBuffers(plan, batchSize, sparse)) {
    const over: Array<[string, number]> = [['maxBufferSize', limits.maxBufferSize]];
    if (b.storage) over.push(['maxStorageBufferBindingSize', limits.maxStorageBufferBindingSize]);
    for (const [name, limit] of over) {
      if (b.bytes > limit) {
        const who = b.layer === 'input' || b.layer === 'batch' ? `the ${b.layer === 'input' ? 'input' : 'batch'} (${batchSize} rows)` : `layer ${b.layer} (${b.field})`;
        throw new PruneLabError(
          'invalid-config',
          `${who}: its ${b.what} need ${b.bytes} bytes, over this adapter's ${name} of ${limit} bytes (make the layer or the batch smaller)`,
          b.field,
        );
      }
    }
  }
}
