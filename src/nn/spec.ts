// Model specs: a small JSON list of layers for MLPs and CNNs, validated with clear
// errors for impossible shapes, and resolved into a plan of shaped operations
// (ReLU fused into the Linear/Conv2d before it). LeNet-300-100 and LeNet-5 live here.
import { PruneLabError } from '../errors.js';
import type { ImageShape } from '../data/dataset.js';
import type { Conv2dShape } from '../layout/conv2d.js';

export type Padding = 'valid' | 'same';
/** Zero rows/columns added around a conv's input: [top, left, bottom, right]. */
export type Pads = [number, number, number, number];

export type LayerSpec =
  /** `padding` and `pads` are exclusive; stride defaults to 1. */
  | { type: 'linear'; units: number }
  | { type: 'conv2d'; filters: number; kernel: number; padding?: Padding; stride?: number; pads?: Pads }
  /** Window size × size, stride defaulting to size (floor mode, no padding). */
  | { type: 'maxpool2d'; size: number; stride?: number }
  | { type: 'avgpool2d'; size: number; stride?: number }
  | { type: 'relu' }
  | { type: 'flatten' };

export interface ModelSpec {
  name?: string;
  /** Input image shape; the last layer's size is the number of classes. */
  input: ImageShape;
  layers: LayerSpec[];
}

export type LayerType = LayerSpec['type'];
export const LAYER_TYPES: readonly LayerType[] = ['linear', 'conv2d', 'maxpool2d', 'avgpool2d', 'relu', 'flatten'];

/** A prunable layer (Linear or Conv2d) with its shapes. */
export interface ParamOp {
  kind: 'linear' | 'conv2d';
  name: string;
  /** Linear: in = K, out = N; weights stored K×N (in × out). Conv2d: C·H·W in, F·OH·OW out; weights F×C×k×k. */
  in: number;
  out: number;
  relu: boolean;
  /** Shape of the weight tensor as stored. */
  weightShape: number[];
  weightCount: number;
  biasCount: number;
  /** Multiply-adds per sample for each weight (1 for Linear, OH·OW for Conv2d). */
  usesPerWeight: number;
  /** OH = floor((H + top + bottom − k)/stride) + 1 (likewise OW); 'valid'/'same' specs plan to their pads. */
  conv?: { C: number; H: number; W: number; F: number; k: number; stride: number; pads: Pads; OH: number; OW: number };
}

export interface PoolOp {
  kind: 'maxpool2d' | 'avgpool2d';
  name: string;
  C: number;
  H: number;
  W: number;
  /** Window side; OH = floor((H − size)/stride) + 1. */
  size: number;
  stride: number;
  OH: number;
  OW: number;
  in: number;
  out: number;
}

export interface ReluOp {
  kind: 'relu';
  name: string;
  in: number;
  out: number;
}

export type Op = ParamOp | PoolOp | ReluOp;

export interface ModelPlan {
  /** The validated spec this plan was made from (a copy). */
  spec: ModelSpec;
  name: string;
  input: ImageShape;
  ops: Op[];
  params: ParamOp[];
  classes: number;
  /** Weights + biases. */
  paramCount: number;
  /** Dense FLOPs per sample (2 per multiply-add, Linear and Conv2d only). */
  flopsPerSample: number;
}

function bad(field: string, message: string): never {
  throw new PruneLabError('invalid-config', `${field} ${message}`, field);
}

function posInt(v: unknown, field: string, what = 'an integer ≥ 1'): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 1 << 24) bad(field, `must be ${what} (got ${JSON.stringify(v)})`);
  return v;
}

function readPads(v: unknown, field: string): Pads {
  const ok = Array.isArray(v) && v.length === 4 && v.every((p) => typeof p === 'number' && Number.isInteger(p) && p >= 0 && p <= 1 << 16);
  if (!ok) bad(field, `must be [top, left, bottom, right], four integers ≥ 0 (got ${JSON.stringify(v)})`);
  return [...(v as number[])] as Pads;
}

/** The kernels' shape of a conv op at batch B (stride and explicit pads). */
export function convShape(op: ParamOp, B: number): Conv2dShape {
  const c = op.conv!;
  return { B, C: c.C, H: c.H, W: c.W, F: c.F, KH: c.k, KW: c.k, stride: c.stride, pads: c.pads };
}

/** The kernels' shape of a pool op at batch B. */
export function poolShape(op: PoolOp, B: number): { B: number; C: number; H: number; W: number; S: number; stride: number } {
  return { B, C: op.C, H: op.H, W: op.W, S: op.size, stride: op.stride };
}

/** Validates a spec (from JSON or code) and resolves every shape. */
export function planModel(spec: unknown): ModelPlan {
  if (typeof spec !== 'object' || spec === null) bad('model', 'must be an object { input: {C, H, W}, layers: [...] }');
  const s = spec as Partial<ModelSpec>;
  for (const key of Object.keys(s)) if (!['name', 'input', 'layers'].includes(key)) bad(`model.${key}`, 'is not a field of a model spec (fields: name, input, layers)');
  if (s.name !== undefined && typeof s.name !== 'string') bad('model.name', 'must be a string');
  const inp = s.input as Partial<ImageShape> | undefined;
  if (typeof inp !== 'object' || inp === null) bad('model.input', 'must be { C, H, W }');
  for (const key of Object.keys(inp)) if (!['C', 'H', 'W'].includes(key)) bad(`model.input.${key}`, 'is not a field of model.input (fields: C, H, W)');
  const input = { C: posInt(inp.C, 'model.input.C'), H: posInt(inp.H, 'model.input.H'), W: posInt(inp.W, 'model.input.W') };
  if (!Array.isArray(s.layers) || s.layers.length === 0) bad('model.layers', 'must be a non-empty array of layers');

  const ops: Op[] = [];
  let shape: ImageShape | null = input; // null once flattened
  let size = input.C * input.H * input.W;
  let counts = { linear: 0, conv2d: 0, pool: 0, relu: 0 };
  s.layers.forEach((raw, i) => {
    const f = `model.layers[${i}]`;
    if (typeof raw !== 'object' || raw === null) bad(f, 'must be an object with a "type"');
    const l = raw as unknown as Record<string, unknown>;
    const type = l.type as LayerType;
    if (!LAYER_TYPES.includes(type)) bad(`${f}.type`, `must be one of ${LAYER_TYPES.join(', ')} (got ${JSON.stringify(l.type)})`);
    const allowed: Record<LayerType, string[]> = {
      linear: ['units'], conv2d: ['filters', 'kernel', 'padding', 'stride', 'pads'], maxpool2d: ['size', 'stride'], avgpool2d: ['size', 'stride'], relu: [], flatten: [],
    };
    for (const key of Object.keys(l)) if (key !== 'type' && !allowed[type].includes(key)) bad(`${f}.${key}`, `is not a field of ${type} (fields: ${allowed[type].join(', ') || 'none'})`);
    if (type === 'linear') {
      const units = posInt(l.units, `${f}.units`);
      counts = { ...counts, linear: counts.linear + 1 };
      ops.push({ kind: 'linear', name: `fc${counts.linear}`, in: size, out: units, relu: false, weightShape: [size, units], weightCount: size * units, biasCount: units, usesPerWeight: 1 });
      shape = null;
      size = units;
    } else if (type === 'conv2d') {
      if (!shape) bad(f, `is a conv2d after the input was flattened; conv2d needs a C×H×W input`);
      const F = posInt(l.filters, `${f}.filters`);
      const k = posInt(l.kernel, `${f}.kernel`);
      const stride = l.stride === undefined ? 1 : posInt(l.stride, `${f}.stride`);
      let pads: Pads;
      if (l.pads !== undefined) {
        if (l.padding !== undefined) bad(`${f}.pads`, `and padding are exclusive: give one of them (padding 'valid' is pads [0,0,0,0], 'same' with an odd kernel is (kernel−1)/2 on each side)`);
        pads = readPads(l.pads, `${f}.pads`);
      } else {
        const padding = (l.padding ?? 'valid') as Padding;
        if (padding !== 'valid' && padding !== 'same') bad(`${f}.padding`, `must be 'valid' or 'same' (got ${JSON.stringify(l.padding)})`);
        if (padding === 'same' && k % 2 === 0) bad(`${f}.kernel`, `must be odd with padding 'same' (got ${k}); give pads [top, left, bottom, right] for uneven padding`);
        const p = padding === 'same' ? (k - 1) / 2 : 0;
        pads = [p, p, p, p];
      }
      const [t, le, bo, r] = pads;
      if (shape.H + t + bo < k || shape.W + le + r < k) bad(`${f}.kernel`, `${k} is larger than its padded ${shape.H + t + bo}×${shape.W + le + r} input (${shape.H}×${shape.W} with pads [${pads.join(', ')}]; kernel must be ≤ ${Math.min(shape.H + t + bo, shape.W + le + r)})`);
      const OH = Math.floor((shape.H + t + bo - k) / stride) + 1;
      const OW = Math.floor((shape.W + le + r - k) / stride) + 1;
      counts = { ...counts, conv2d: counts.conv2d + 1 };
      const wc = F * shape.C * k * k;
      ops.push({
        kind: 'conv2d', name: `conv${counts.conv2d}`, in: size, out: F * OH * OW, relu: false, weightShape: [F, shape.C, k, k], weightCount: wc, biasCount: F,
        usesPerWeight: OH * OW, conv: { C: shape.C, H: shape.H, W: shape.W, F, k, stride, pads, OH, OW },
      });
      shape = { C: F, H: OH, W: OW };
      size = F * OH * OW;
    } else if (type === 'maxpool2d' || type === 'avgpool2d') {
      if (!shape) bad(f, `is a ${type} after the input was flattened; it needs a C×H×W input`);
      const p = posInt(l.size, `${f}.size`);
      const stride = l.stride === undefined ? p : posInt(l.stride, `${f}.stride`);
      if (p > shape.H || p > shape.W) bad(`${f}.size`, `${p} is larger than its ${shape.H}×${shape.W} input`);
      const OH = Math.floor((shape.H - p) / stride) + 1;
      const OW = Math.floor((shape.W - p) / stride) + 1;
      counts = { ...counts, pool: counts.pool + 1 };
      ops.push({ kind: type, name: `pool${counts.pool}`, C: shape.C, H: shape.H, W: shape.W, size: p, stride, OH, OW, in: size, out: shape.C * OH * OW });
      shape = { C: shape.C, H: OH, W: OW };
      size = shape.C * OH * OW;
    } else if (type === 'relu') {
      const prev = ops[ops.length - 1];
      if (prev && (prev.kind === 'linear' || prev.kind === 'conv2d') && !prev.relu) {
        prev.relu = true; // fused into the layer before
      } else {
        counts = { ...counts, relu: counts.relu + 1 };
        ops.push({ kind: 'relu', name: `relu${counts.relu}`, in: size, out: size });
      }
    } else {
      shape = null; // flatten: NCHW rows are already flat
    }
  });
  const last = ops[ops.length - 1];
  if (!last || last.kind !== 'linear' || last.relu) bad('model.layers', 'must end with a linear layer without ReLU (its units are the classes; softmax cross-entropy follows)');
  const params = ops.filter((o): o is ParamOp => o.kind === 'linear' || o.kind === 'conv2d');
  return {
    spec: JSON.parse(JSON.stringify({ ...(s.name !== undefined ? { name: s.name } : {}), input, layers: s.layers })) as ModelSpec,
    name: s.name ?? 'custom',
    input,
    ops,
    params,
    classes: last.out,
    paramCount: params.reduce((t, p) => t + p.weightCount + p.biasCount, 0),
    flopsPerSample: params.reduce((t, p) => t + 2 * p.weightCount * p.usesPerWeight, 0),
  };
}

export const LENET_300_100: ModelSpec = {
  name: 'lenet-300-100',
  input: { C: 1, H: 28, W: 28 },
  layers: [{ type: 'linear', units: 300 }, { type: 'relu' }, { type: 'linear', units: 100 }, { type: 'relu' }, { type: 'linear', units: 10 }],
};

/** Caffe's LeNet-5 as in Han et al. 2015: no ReLU after the convolutions. */
export const LENET_5: ModelSpec = {
  name: 'lenet-5',
  input: { C: 1, H: 28, W: 28 },
  layers: [
    { type: 'conv2d', filters: 20, kernel: 5 },
    { type: 'maxpool2d', size: 2 },
    { type: 'conv2d', filters: 50, kernel: 5 },
    { type: 'maxpool2d', size: 2 },
    { type: 'flatten' },
    { type: 'linear', units: 500 },
    { type: 'relu' },
    { type: 'linear', units: 10 },
  ],
};

export const PRESETS: Readonly<Record<string, ModelSpec>> = { 'lenet-300-100': LENET_300_100, 'lenet-5': LENET_5 };
