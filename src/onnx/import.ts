// ONNX import: a .onnx file's bytes → a prune-lab model spec and its weights, so the
// lab evaluates, fine-tunes and prunes the model like one it trained itself. The graph
// must be one chain from its input to its output of the operators in SUPPORTED_OPS
// (opsets 9–18); BatchNormalization is folded into the Conv/Gemm before it, a zero Pad
// into the Conv after it, Dropout and Identity (and an all-zero Pad) are dropped, a
// trailing Softmax/LogSoftmax is stripped, and each of these is listed in the result's
// notes. Convs take any stride and pads, pools any stride (no padding); GlobalAveragePool
// and GlobalMaxPool are pools over the whole (square) plane. Everything read is checked first; every refusal is a
// PruneLabError('invalid-data') naming the node or tensor. A pure function over bytes:
// no DOM and no GPU, so it runs in the Worker and in Node.
import { PruneLabError } from '../errors.js';
import { planModel, type LayerSpec, type ModelSpec, type Pads } from '../nn/spec.js';
import type { LayerValues } from '../nn/network.js';
import { onnx, int64, type Int64, type ITensorProto, type INodeProto, type IAttributeProto, type ModelProto, type AttributeType } from './proto.js';
import { bad, readSparseTensor, readTensor, type Tensor } from './import-tensor.js';

export const SUPPORTED_OPS = [
  'Gemm', 'MatMul', 'Add', 'Conv', 'Relu', 'MaxPool', 'AveragePool', 'GlobalAveragePool', 'GlobalMaxPool', 'Pad', 'Flatten', 'Reshape', 'BatchNormalization',
  'Dropout', 'Identity', 'Softmax', 'LogSoftmax', 'Constant', 'Sub', 'Div',
] as const;
/**
 * Operators read only inside an integer computation that folds to a constant: a Reshape's
 * shape, or the pads of a Pad (PyTorch writes F.pad's as ConstantOfShape → Concat → Reshape →
 * Slice → Transpose → Reshape → Cast).
 */
export const SHAPE_OPS = ['Shape', 'Gather', 'Unsqueeze', 'Concat', 'ConstantOfShape', 'Reshape', 'Slice', 'Transpose', 'Cast'] as const;
export const MIN_OPSET = 9;
export const MAX_OPSET = 18;
/** Files above this size are refused before decoding. */
export const MAX_ONNX_BYTES = 512 * 2 ** 20;
const MAX_NODES = 10000;

export interface ImportNote {
  /** The ONNX node's name (or `#index (Op)` when it has none). */
  node: string;
  op: string;
  action: 'folded' | 'dropped' | 'stripped';
  /** folded: the node it was folded into. */
  into?: string;
}

export interface ImportedLayer {
  /** The plan's name of the layer (fc1, conv1, …). */
  name: string;
  /** The ONNX node that holds its weight. */
  node: string;
  weight: string;
  bias?: string;
}

export interface OnnxImport {
  spec: ModelSpec;
  /** One entry per prunable layer, as Network.create and checkpoints take them. */
  values: LayerValues[];
  layers: ImportedLayer[];
  notes: ImportNote[];
  opset: number;
  /** producer_name and producer_version, as the file gives them. */
  producer: string;
  input: { name: string; layout: 'nchw' | 'flat' };
  output: { name: string };
  /**
   * A leading Sub (mean) and/or Div (std) of per-feature constants, as an exporter writes a
   * standardisation prelude (src/onnx/export.ts's `standardize`): stripped from the layers and
   * given here (C·H·W values each), so that the data can be standardised as the model expects.
   */
  standardize?: { mean: Float32Array; std: Float32Array };
}

export interface ImportOptions {
  /** The spec's name (default: the graph's name, else 'onnx'). */
  name?: string;
  /**
   * 'zeros' (default): a dense weight that is exactly 0 is masked (pruned), and a weight from a
   * sparse_initializer is kept where it is listed; 'none': every weight is kept.
   */
  masks?: 'zeros' | 'none';
}

type Shape = { kind: 'image'; C: number; H: number; W: number } | { kind: 'flat'; F: number };

interface ParamLayer {
  type: 'linear' | 'conv2d';
  /** Output units (linear) or filters (conv2d). */
  out: number;
  kernel: number;
  /** Conv: zero padding [top, left, bottom, right] and stride. */
  pads: Pads;
  stride: number;
  w: Float32Array;
  b: Float32Array;
  /** Listed positions when the weight came from a sparse initializer. */
  listed?: Uint8Array;
  node: string;
  weight: string;
  bias?: string;
}

type Built = ParamLayer | { type: 'maxpool2d' | 'avgpool2d'; size: number; stride: number } | { type: 'relu' } | { type: 'flatten' };

/**
 * A conv layer's padding in the spec, as the presets write it: nothing for 'valid' (the
 * default), 'same' for (k−1)/2 on every side, else the explicit pads.
 */
function convPadding(b: ParamLayer): { padding?: 'same'; pads?: Pads } {
  if (b.pads.every((p) => p === 0)) return {};
  if (b.kernel % 2 === 1 && b.pads.every((p) => p === (b.kernel - 1) / 2)) return { padding: 'same' };
  return { pads: [...b.pads] as Pads };
}

/** A Conv's or pool's strides: [s, s], s ≥ 1 (default 1). */
function strideOf(a: Attrs, label: string, op: string): number {
  const st = a.ints('strides') ?? [1, 1];
  if (st.length !== 2 || st[0] !== st[1] || !(st[0]! >= 1)) bad(`node ${label} (${op}) has strides [${st.join(', ')}]; prune-lab reads equal strides [s, s], s ≥ 1`, label);
  return st[0]!;
}

/** A Conv's zero padding [top, left, bottom, right] from pads or auto_pad (SAME_* as ONNX defines it, at any stride). */
function padsOf(a: Attrs, label: string, s: { H: number; W: number }, k: number, stride: number): Pads {
  const autoPad = a.string('auto_pad', 'NOTSET');
  const pads = a.ints('pads');
  if (autoPad === 'NOTSET') {
    if (!pads) return [0, 0, 0, 0];
    if (pads.length !== 4 || pads.some((p) => !(p >= 0))) bad(`node ${label} (Conv) has pads [${pads.join(', ')}]; prune-lab reads 2-D pads [top, left, bottom, right], each ≥ 0`, label);
    return [pads[0]!, pads[1]!, pads[2]!, pads[3]!];
  }
  if (pads && pads.some((p) => p !== 0)) bad(`node ${label} (Conv) has auto_pad ${autoPad} and pads [${pads.join(', ')}]; give one of them`, label);
  if (autoPad === 'VALID') return [0, 0, 0, 0];
  if (autoPad !== 'SAME_UPPER' && autoPad !== 'SAME_LOWER') bad(`node ${label} (Conv) has auto_pad '${autoPad}'; it must be NOTSET, VALID, SAME_UPPER or SAME_LOWER`, label);
  // Output ceil(H/s); the total padding splits with the extra row below/right (UPPER) or above/left (LOWER).
  const split = (n: number): [number, number] => {
    const total = Math.max((Math.ceil(n / stride) - 1) * stride + k - n, 0);
    const small = Math.floor(total / 2);
    return autoPad === 'SAME_UPPER' ? [small, total - small] : [total - small, small];
  };
  const [t, b] = split(s.H);
  const [l, r] = split(s.W);
  return [t, l, b, r];
}

function nodeLabel(n: INodeProto, i: number): string {
  return n.name ? n.name : `#${i} (${n.opType ?? '?'})`;
}

/** A node's attributes by name, each read with its type checked. */
class Attrs {
  private readonly map = new Map<string, IAttributeProto>();
  constructor(node: INodeProto, private readonly label: string, allowed: readonly string[]) {
    for (const a of node.attribute ?? []) {
      const name = a.name ?? '';
      if (!allowed.includes(name)) bad(`node ${label} (${node.opType}) has attribute '${name}', which prune-lab does not read (${node.opType} attributes: ${allowed.join(', ') || 'none'})`, label);
      if (this.map.has(name)) bad(`node ${label} has attribute '${name}' twice`, label);
      this.map.set(name, a);
    }
  }

  private get(name: string, type: AttributeType, what: string): IAttributeProto | undefined {
    const a = this.map.get(name);
    if (a && a.type && a.type !== type) bad(`node ${this.label} attribute '${name}' must be ${what} (got type ${onnx.AttributeProto.AttributeType[a.type] ?? a.type})`, this.label);
    return a;
  }

  int(name: string, dflt: number): number {
    const a = this.get(name, onnx.AttributeProto.AttributeType.INT, 'an INT');
    if (!a) return dflt;
    const v = int64(a.i as Int64);
    if (!Number.isSafeInteger(v)) bad(`node ${this.label} attribute '${name}' is not a safe integer`, this.label);
    return v;
  }

  ints(name: string): number[] | undefined {
    const a = this.get(name, onnx.AttributeProto.AttributeType.INTS, 'INTS');
    if (!a) return undefined;
    const v = (a.ints ?? []).map((x) => int64(x as Int64));
    if (v.some((x) => !Number.isSafeInteger(x))) bad(`node ${this.label} attribute '${name}' holds a value that is not a safe integer`, this.label);
    return v;
  }

  float(name: string, dflt: number): number {
    const a = this.get(name, onnx.AttributeProto.AttributeType.FLOAT, 'a FLOAT');
    if (!a) return dflt;
    const v = a.f ?? 0;
    if (!Number.isFinite(v)) bad(`node ${this.label} attribute '${name}' is ${v}; it must be finite`, this.label);
    return v;
  }

  string(name: string, dflt: string): string {
    const a = this.get(name, onnx.AttributeProto.AttributeType.STRING, 'a STRING');
    if (!a) return dflt;
    return new TextDecoder().decode(a.s ?? new Uint8Array());
  }

  tensor(name: string): ITensorProto | undefined {
    return this.get(name, onnx.AttributeProto.AttributeType.TENSOR, 'a TENSOR')?.t ?? undefined;
  }

  has(name: string): boolean {
    return this.map.has(name);
  }
}

function checkBytes(bytes: unknown): Uint8Array {
  let u8: Uint8Array;
  if (bytes instanceof Uint8Array) u8 = bytes;
  else if (bytes instanceof ArrayBuffer) u8 = new Uint8Array(bytes);
  else throw new PruneLabError('invalid-argument', `bytes must be a Uint8Array or an ArrayBuffer holding a .onnx file (got ${bytes === null ? 'null' : typeof bytes})`, 'bytes');
  if (u8.length === 0) bad('the file is empty', 'bytes');
  if (u8.length > MAX_ONNX_BYTES) bad(`the file holds ${u8.length} bytes; at most ${MAX_ONNX_BYTES} are read`, 'bytes');
  return u8;
}

function decodeModel(u8: Uint8Array): ModelProto {
  try {
    return onnx.ModelProto.decode(u8);
  } catch (e) {
    // protobufjs throws plain Errors (and deep nesting a RangeError) on truncated or garbage bytes.
    bad(`the bytes are not an ONNX model: the protobuf could not be decoded (${e instanceof Error ? e.message : String(e)})`, 'bytes');
  }
}

function readOpset(m: ModelProto): number {
  const ir = int64(m.irVersion as Int64);
  if (!(ir >= 3)) bad(`ir_version is ${String(ir)}; an ONNX model has ir_version ≥ 3 (is this an ONNX file?)`, 'ir_version');
  const ai = (m.opsetImport ?? []).filter((o) => !o.domain || o.domain === 'ai.onnx');
  if (ai.length !== 1) bad(`opset_import must name the default ONNX domain once (got ${ai.length})`, 'opset_import');
  const v = int64(ai[0]!.version as Int64);
  if (!(v >= MIN_OPSET && v <= MAX_OPSET)) bad(`the model uses ONNX opset ${String(v)}; prune-lab reads opsets ${MIN_OPSET}–${MAX_OPSET}`, 'opset_import');
  return v;
}

/** Same float32 rounding everywhere a folded weight is computed. */
const f32 = Math.fround;

/** Decodes an ONNX model and maps it onto a prune-lab spec plus weights. */
export function importOnnx(bytes: Uint8Array | ArrayBuffer, options: ImportOptions = {}): OnnxImport {
  if (typeof options !== 'object' || options === null) throw new PruneLabError('invalid-argument', 'options must be an object { name?, masks? }', 'options');
  for (const k of Object.keys(options)) if (k !== 'name' && k !== 'masks') throw new PruneLabError('invalid-argument', `options.${k} is not an option of importOnnx (options: name, masks)`, `options.${k}`);
  const masks = options.masks ?? 'zeros';
  if (masks !== 'zeros' && masks !== 'none') throw new PruneLabError('invalid-argument', `options.masks must be 'zeros' or 'none' (got ${JSON.stringify(masks)})`, 'options.masks');
  if (options.name !== undefined && typeof options.name !== 'string') throw new PruneLabError('invalid-argument', 'options.name must be a string', 'options.name');

  const model = decodeModel(checkBytes(bytes));
  const opset = readOpset(model);
  const g = model.graph;
  if (!g) bad('the model has no graph', 'graph');
  const nodes = g.node ?? [];
  if (nodes.length === 0) bad('the graph has no nodes', 'graph');
  if (nodes.length > MAX_NODES) bad(`the graph has ${nodes.length} nodes; at most ${MAX_NODES} are read`, 'graph');

  // Constants: initializers, sparse initializers and Constant nodes, by tensor name (decoded when used).
  const consts = new Map<string, { proto?: ITensorProto; tensor?: Tensor & { listed?: Uint8Array }; what: string }>();
  const addConst = (name: string, c: { proto?: ITensorProto; tensor?: Tensor & { listed?: Uint8Array }; what: string }) => {
    if (!name) bad(`${c.what} has no name`, c.what);
    if (consts.has(name)) bad(`tensor '${name}' is defined twice (${consts.get(name)!.what} and ${c.what})`, name);
    consts.set(name, c);
  };
  for (const t of g.initializer ?? []) addConst(t.name ?? '', { proto: t, what: 'an initializer' });
  for (const s of g.sparseInitializer ?? []) {
    const t = readSparseTensor(s);
    addConst(t.name, { tensor: t, what: 'a sparse_initializer' });
  }

  // Graph input: the one input that is not an initializer (IR < 4 lists initializers as inputs too).
  const inputs = (g.input ?? []).filter((v) => !consts.has(v.name ?? ''));
  if (inputs.length !== 1) bad(`the graph must have one data input (got ${inputs.length}: ${inputs.map((v) => v.name).join(', ') || 'none'})`, 'graph.input');
  const inputInfo = inputs[0]!;
  const inputName = inputInfo.name ?? '';
  if (!inputName) bad('the graph input has no name', 'graph.input');
  const tt = inputInfo.type?.tensorType;
  if (!tt) bad(`graph input '${inputName}' is not a tensor`, inputName);
  if (tt.elemType !== onnx.TensorProto.DataType.FLOAT) bad(`graph input '${inputName}' has element type ${tt.elemType}; it must be FLOAT (1)`, inputName);
  // A symbolic or missing size reads as -1.
  const dims = (tt.shape?.dim ?? []).map((d) => { const v = int64(d.dimValue as Int64); return v > 0 ? v : -1; });
  const known = (i: number, what: string): number => {
    const v = dims[i]!;
    if (!(Number.isSafeInteger(v) && v >= 1 && v <= 1 << 24)) bad(`graph input '${inputName}' needs a fixed ${what} (dim ${i}); got ${v < 0 ? 'a symbolic or missing size' : String(v)}`, inputName);
    return v;
  };
  let shape: Shape;
  if (dims.length === 4) shape = { kind: 'image', C: known(1, 'channel count'), H: known(2, 'height'), W: known(3, 'width') };
  else if (dims.length === 2) shape = { kind: 'flat', F: known(1, 'feature count') };
  else bad(`graph input '${inputName}' has ${dims.length} dims; prune-lab reads images [N, C, H, W] or feature vectors [N, F]`, inputName);
  const staticBatch = dims[0]! >= 1 ? dims[0]! : undefined;
  const shape0: Shape = shape;
  const input: OnnxImport['input'] = { name: inputName, layout: shape.kind === 'image' ? 'nchw' : 'flat' };
  const specInput = shape.kind === 'image' ? { C: shape.C, H: shape.H, W: shape.W } : { C: 1, H: 1, W: shape.F };

  const outputs = g.output ?? [];
  if (outputs.length !== 1 || !outputs[0]!.name) bad(`the graph must have one named output (got ${outputs.length})`, 'graph.output');
  const outputName = outputs[0]!.name!;

  // Nodes: domains, producers (each tensor made once), dangling inputs, cycles.
  const labels = nodes.map(nodeLabel);
  const producer = new Map<string, number>();
  nodes.forEach((n, i) => {
    if (n.domain && n.domain !== 'ai.onnx') bad(`node ${labels[i]} (${n.opType}) is from operator domain '${n.domain}'; prune-lab reads the default ONNX domain (operators: ${SUPPORTED_OPS.join(', ')})`, labels[i]!);
    if (!n.opType) bad(`node ${labels[i]} has no op_type`, labels[i]!);
    for (const o of n.output ?? []) {
      if (!o) continue;
      if (o === inputName || consts.has(o) || producer.has(o)) bad(`tensor '${o}' is produced by node ${labels[i]} but is already ${o === inputName ? 'the graph input' : consts.has(o) ? 'a constant' : `the output of node ${labels[producer.get(o)!]}`}`, o);
      producer.set(o, i);
    }
  });
  const indegree = nodes.map(() => 0);
  const users = new Map<string, number[]>();
  nodes.forEach((n, i) => {
    for (const x of n.input ?? []) {
      if (!x) continue;
      if (x !== inputName && !consts.has(x) && !producer.has(x)) bad(`node ${labels[i]} (${n.opType}) reads tensor '${x}', which no node, initializer or graph input produces`, labels[i]!);
      if (producer.has(x)) indegree[i]!++;
      users.set(x, [...(users.get(x) ?? []), i]);
    }
  });
  if (outputName !== inputName && !producer.has(outputName)) bad(`graph output '${outputName}' is not produced by any node`, outputName);
  {
    const queue = indegree.flatMap((d, i) => (d === 0 ? [i] : []));
    const left = [...indegree];
    let done = 0;
    while (queue.length) {
      const i = queue.pop()!;
      done++;
      for (const o of nodes[i]!.output ?? []) for (const u of (o ? users.get(o) : undefined) ?? []) if (--left[u]! === 0) queue.push(u);
    }
    if (done !== nodes.length) bad(`the graph has a cycle through node ${labels[left.findIndex((d) => d > 0)]}`, labels[left.findIndex((d) => d > 0)]!);
  }

  // Constant nodes become constants.
  nodes.forEach((n, i) => {
    if (n.opType !== 'Constant') return;
    const a = new Attrs(n, labels[i]!, ['value', 'value_float', 'value_floats', 'value_int', 'value_ints']);
    const out = n.output?.[0];
    if (!out || (n.output?.length ?? 0) !== 1) bad(`Constant node ${labels[i]} must have one output`, labels[i]!);
    const what = `the value of Constant node ${labels[i]}`;
    const t = a.tensor('value');
    if (t) addConst(out, { proto: { ...t, name: out }, what });
    else if (a.has('value_float')) addConst(out, { tensor: { name: out, dims: [], f32: Float32Array.of(a.float('value_float', 0)) }, what });
    else if (a.has('value_int')) addConst(out, { tensor: { name: out, dims: [], ints: [a.int('value_int', 0)] }, what });
    else if (a.has('value_ints')) { const v = a.ints('value_ints')!; addConst(out, { tensor: { name: out, dims: [v.length], ints: v }, what }); }
    else if (a.has('value_floats')) {
      const fa = (n.attribute ?? []).find((x) => x.name === 'value_floats')!;
      const v = Float32Array.from(fa.floats ?? []);
      if (v.some((x) => !Number.isFinite(x))) bad(`${what} holds a value that is not finite`, labels[i]!);
      addConst(out, { tensor: { name: out, dims: [v.length], f32: v }, what });
    } else bad(`Constant node ${labels[i]} has no value (prune-lab reads value, value_float(s), value_int(s))`, labels[i]!);
  });

  const constant = (name: string, want: 'float' | 'int' | 'bool', forNode: string): Tensor & { listed?: Uint8Array } => {
    const c = consts.get(name);
    if (!c) {
      const p = producer.get(name);
      bad(`node ${forNode} needs tensor '${name}' to be a constant (an initializer or a Constant node), but it is computed${p !== undefined ? ` by node ${labels[p]} (${nodes[p]!.opType})` : ' from the graph input'}`, forNode);
    }
    if (!c.tensor) c.tensor = readTensor(c.proto!, want, c.what === 'an initializer' ? 'initializer' : c.what);
    const t = c.tensor;
    if (want === 'float' && !t.f32) bad(`node ${forNode} needs tensor '${name}' to hold floats (it holds integers)`, name);
    if (want !== 'float' && !t.ints) bad(`node ${forNode} needs tensor '${name}' to hold integers (it holds floats)`, name);
    return t;
  };

  const built: Built[] = [];
  const notes: ImportNote[] = [];
  let prelude: { mean?: Float32Array; std?: Float32Array } | undefined;
  /** A zero Pad waiting for the Conv after it. */
  let pendingPad: { label: string; pads: Pads } | undefined;
  const visited = new Set<number>();
  let cur = inputName;
  /** The shape of each data tensor on the path, as the walk reaches it (for Shape nodes). */
  const shapes = new Map<string, Shape>();
  /**
   * A shape computation on the side of the chain (PyTorch's x.view(x.size(0), -1) with a dynamic
   * batch: Shape → Gather → Unsqueeze → Concat → Reshape), folded to a constant. NaN stands for the
   * batch size. True when `name` is (now) a constant.
   */
  const foldShape = (name: string, forNode: string, depth = 0): boolean => {
    if (consts.has(name)) return true;
    const p = producer.get(name);
    if (p === undefined || !(SHAPE_OPS as readonly string[]).includes(nodes[p]!.opType!) || depth > 64) return false;
    const n = nodes[p]!;
    const label = labels[p]!;
    const ins = (n.input ?? []).filter((x) => x);
    const put = (ints: number[], dims: number[]) => {
      visited.add(p);
      addConst(name, { tensor: { name, dims, ints }, what: `the output of node ${label} (${n.opType})` });
      return true;
    };
    if (n.opType === 'Shape') {
      const a = new Attrs(n, label, ['start', 'end']);
      const s = shapes.get(ins[0] ?? '');
      if (!s) bad(`node ${label} (Shape) reads tensor '${ins[0]}', which is not on the path from the graph input (or comes after its use)`, label);
      const full = s.kind === 'image' ? [NaN, s.C, s.H, s.W] : [NaN, s.F];
      const r = full.length;
      const clamp = (v: number) => Math.min(r, Math.max(0, v < 0 ? v + r : v));
      const v = full.slice(clamp(a.int('start', 0)), clamp(a.int('end', r)));
      return put(v, [v.length]);
    }
    for (const x of ins) if (!foldShape(x, forNode, depth + 1)) return false;
    const arg = (j: number) => constant(ins[j] ?? '', 'int', label);
    if (n.opType === 'Gather') {
      const a = new Attrs(n, label, ['axis']);
      const data = arg(0);
      const idx = arg(1);
      if (data.dims.length !== 1 || a.int('axis', 0) !== 0) bad(`node ${label} (Gather) on a shape must gather from a 1-D shape along axis 0`, label);
      const len = data.ints!.length;
      const v = idx.ints!.map((i) => {
        if (i < -len || i >= len) bad(`node ${label} (Gather) index ${i} is outside the shape's ${len} entries`, label);
        return data.ints![i < 0 ? i + len : i]!;
      });
      return put(v, idx.dims);
    }
    if (n.opType === 'Unsqueeze') {
      const a = new Attrs(n, label, ['axes']);
      const data = arg(0);
      const axes = a.ints('axes') ?? (ins[1] ? arg(1).ints! : []);
      if (data.dims.length !== 0 || axes.length !== 1 || (axes[0] !== 0 && axes[0] !== -1)) bad(`node ${label} (Unsqueeze) on a shape must turn a scalar into a 1-D vector (axes [0])`, label);
      return put(data.ints!, [1]);
    }
    if (n.opType === 'Concat') {
      const a = new Attrs(n, label, ['axis']);
      const parts = ins.map((_, j) => arg(j));
      if (parts.some((t) => t.dims.length !== 1) || ![0, -1].includes(a.int('axis', 0))) bad(`node ${label} (Concat) on shapes must join 1-D vectors along axis 0`, label);
      const v = parts.flatMap((t) => t.ints!);
      return put(v, [v.length]);
    }
    const data = arg(0);
    const sizeOfDims = (d: number[]) => d.reduce((t, x) => t * x, 1);
    const strides = data.dims.map((_, j) => sizeOfDims(data.dims.slice(j + 1)));
    /** An output of dims `outDims` whose element at index (…, at_j, …) is data's at flat Σ_j offset(j, at_j). */
    const gather = (outDims: number[], offset: (j: number, at: number) => number): number[] => {
      const v = new Array<number>(sizeOfDims(outDims));
      for (let o = 0; o < v.length; o++) {
        let rest = o;
        let src = 0;
        for (let j = outDims.length - 1; j >= 0; j--) {
          src += offset(j, rest % outDims[j]!);
          rest = Math.floor(rest / outDims[j]!);
        }
        v[o] = data.ints![src]!;
      }
      return v;
    };
    if (data.ints!.some((x) => Number.isNaN(x)) && n.opType !== 'Cast') bad(`node ${label} (${n.opType}) reads the batch size, which is not a constant; prune-lab folds ${n.opType} over constant integers only`, label);
    if (n.opType === 'ConstantOfShape') {
      const a = new Attrs(n, label, ['value']);
      const vt = a.tensor('value');
      const fill = vt ? readTensor(vt, 'int', `the value of node ${label} (ConstantOfShape)`).ints![0] ?? 0 : 0;
      const dims = data.ints!;
      if (data.dims.length !== 1 || dims.some((x) => !(x >= 0)) || sizeOfDims(dims) > 1 << 16) bad(`node ${label} (ConstantOfShape) needs a 1-D shape of small non-negative sizes (got [${dims.join(', ')}])`, label);
      return put(new Array<number>(sizeOfDims(dims)).fill(fill), dims);
    }
    if (n.opType === 'Cast') {
      const a = new Attrs(n, label, ['to', 'saturate']);
      const to = a.int('to', 0);
      if (to !== onnx.TensorProto.DataType.INT64 && to !== onnx.TensorProto.DataType.INT32) bad(`node ${label} (Cast) casts integers to type ${to}; prune-lab folds Cast to INT64 or INT32 only`, label);
      return put(data.ints!, data.dims);
    }
    if (n.opType === 'Reshape') {
      const a = new Attrs(n, label, ['allowzero']);
      const want = arg(1).ints!;
      const total = data.ints!.length;
      const dims = want.map((x, j) => (x === 0 && a.int('allowzero', 0) === 0 ? data.dims[j] ?? NaN : x));
      const known = dims.filter((x) => x !== -1).reduce((t, x) => t * x, 1);
      const free = dims.filter((x) => x === -1).length;
      const out = dims.map((x) => (x === -1 ? total / known : x));
      if (free > 1 || out.some((x) => !Number.isInteger(x) || x < 0) || sizeOfDims(out) !== total) bad(`node ${label} (Reshape) cannot reshape ${total} integers to [${want.join(', ')}]`, label);
      return put(data.ints!, out);
    }
    if (n.opType === 'Transpose') {
      const a = new Attrs(n, label, ['perm']);
      const r = data.dims.length;
      const perm = a.ints('perm') ?? [...Array(r).keys()].reverse();
      if (perm.length !== r || [...perm].sort((x, y) => x - y).some((x, j) => x !== j)) bad(`node ${label} (Transpose) has perm [${perm.join(', ')}] for a rank-${r} tensor`, label);
      const outDims = perm.map((x) => data.dims[x]!);
      return put(gather(outDims, (j, at) => at * strides[perm[j]!]!), outDims);
    }
    // Slice (opset ≥ 10: starts, ends, axes, steps as inputs)
    new Attrs(n, label, []);
    const r = data.dims.length;
    const starts = arg(1).ints!;
    const ends = arg(2).ints!;
    const axes = ins[3] ? arg(3).ints! : starts.map((_, j) => j);
    const steps = ins[4] ? arg(4).ints! : starts.map(() => 1);
    const lo = data.dims.map(() => 0);
    const step = data.dims.map(() => 1);
    const count = [...data.dims];
    axes.forEach((ax0, j) => {
      const ax = ax0 < 0 ? ax0 + r : ax0;
      const d = data.dims[ax];
      const st = steps[j]!;
      if (d === undefined || st === 0 || !Number.isFinite(st)) bad(`node ${label} (Slice) has axis ${ax0} or step ${st} outside its rank-${r} input`, label);
      // ONNX clamps starts and ends into the axis (−1 and d−1 bounds for negative steps); ±2⁶³ stand for the ends.
      const clamp = (x: number, l: number, h: number) => Math.min(h, Math.max(l, x < 0 ? x + d : x));
      const [s0, e0] = st > 0 ? [clamp(starts[j]!, 0, d), clamp(ends[j]!, 0, d)] : [clamp(starts[j]!, -1, d - 1), clamp(ends[j]!, -1, d - 1)];
      lo[ax] = s0;
      step[ax] = st;
      count[ax] = Math.max(0, Math.ceil((e0 - s0) / st));
    });
    return put(gather(count, (j, at) => (lo[j]! + at * step[j]!) * strides[j]!), count);
  };
  const lastParam = (label: string, op: string): ParamLayer => {
    const l = built[built.length - 1];
    if (!l || (l.type !== 'linear' && l.type !== 'conv2d')) bad(`node ${label} (${op}) must directly follow a Gemm, MatMul or Conv to be folded into it`, label);
    return l;
  };
  const sizeOf = (s: Shape): number => (s.kind === 'image' ? s.C * s.H * s.W : s.F);
  const noUse = (n: INodeProto, label: string, from: number) => {
    for (const o of (n.output ?? []).slice(from)) if (o && (users.get(o)?.length || o === outputName)) bad(`node ${label} (${n.opType}) output '${o}' is used; prune-lab reads only its first output`, label);
  };
  /** The length-N vector a bias-like constant broadcasts to (scalar, [N], [1, N], or [N, 1, 1] / [1, N, 1, 1] on images). */
  const perChannel = (t: Tensor, N: number, image: boolean, label: string): Float32Array => {
    const count = t.f32!.length;
    if (count === 1) return new Float32Array(N).fill(t.f32![0]!);
    const d = t.dims;
    const ok = count === N && (image ? (d.length === 3 && d[0] === N) || (d.length === 4 && d[1] === N) : d.length === 1 || (d.length === 2 && d[0] === 1));
    if (!ok) bad(`node ${label}: tensor '${t.name}' has dims [${d.join(', ')}]; it must hold one value per ${image ? 'channel ([N, 1, 1] or [1, N, 1, 1])' : 'unit ([N] or [1, N])'}, N = ${N}`, label);
    return t.f32!;
  };

  for (let steps = 0; cur !== outputName; steps++) {
    shapes.set(cur, shape);
    const us = (users.get(cur) ?? []).filter((i) => nodes[i]!.opType !== 'Constant' && nodes[i]!.opType !== 'Shape');
    const from = cur === inputName ? `graph input '${cur}'` : `tensor '${cur}'`;
    if (us.length === 0) bad(`${from} is not used by any node and is not the graph output '${outputName}'`, cur);
    if (us.length > 1) bad(`${from} feeds ${us.length} nodes (${us.map((i) => labels[i]).join(', ')}); prune-lab imports a chain of layers (no branches or skip connections)`, cur);
    const i = us[0]!;
    if (visited.has(i) || steps > nodes.length) bad(`the graph has a cycle through node ${labels[i]}`, labels[i]!);
    visited.add(i);
    const n = nodes[i]!;
    const label = labels[i]!;
    const op = n.opType!;
    const ins = n.input ?? [];
    const out = n.output?.[0];
    if (!out) bad(`node ${label} (${op}) has no output`, label);
    const dataAt = ins.indexOf(cur);
    if (ins.filter((x) => x === cur).length !== 1) bad(`node ${label} (${op}) reads ${from} more than once`, label);
    for (const [j, x] of ins.entries()) {
      if (j !== dataAt && x && !foldShape(x, label)) {
        bad(`node ${label} (${op}) input ${j} '${x}' is computed by node ${labels[producer.get(x) ?? -1] ?? '?'}; prune-lab imports a chain of layers whose other inputs are constants (no branches or skip connections)`, label);
      }
    }
    const arg = (j: number): string | undefined => (ins[j] ? ins[j] : undefined);
    const wantData = (j: number) => {
      if (dataAt !== j) bad(`node ${label} (${op}) must take the data as input ${j} (got it as input ${dataAt})`, label);
    };
    const flat = (): number => {
      if (shape.kind !== 'flat') bad(`node ${label} (${op}) needs a 2-D [N, F] input but gets a [N, ${shape.C}, ${shape.H}, ${shape.W}] image; put a Flatten before it`, label);
      return shape.F;
    };
    const image = (): { C: number; H: number; W: number } => {
      if (shape.kind !== 'image') bad(`node ${label} (${op}) needs an image [N, C, H, W] input but gets a flat [N, ${shape.F}] vector`, label);
      return shape;
    };

    if (pendingPad && op !== 'Conv') bad(`node ${pendingPad.label} (Pad) is followed by ${label} (${op}); prune-lab folds a zero Pad only into the Conv right after it`, pendingPad.label);
    switch (op) {
      case 'Gemm':
      case 'MatMul': {
        wantData(0);
        const a = op === 'Gemm' ? new Attrs(n, label, ['alpha', 'beta', 'transA', 'transB']) : new Attrs(n, label, []);
        if (op === 'Gemm' && a.int('transA', 0) !== 0) bad(`node ${label} (Gemm) has transA = 1 on its data input; prune-lab reads Gemm with transA = 0 (rows are samples)`, label);
        const transB = op === 'Gemm' ? a.int('transB', 0) : 0;
        if (transB !== 0 && transB !== 1) bad(`node ${label} (Gemm) attribute transB must be 0 or 1 (got ${transB})`, label);
        const alpha = op === 'Gemm' ? a.float('alpha', 1) : 1;
        const beta = op === 'Gemm' ? a.float('beta', 1) : 1;
        const K = flat();
        const bName = arg(1);
        if (!bName) bad(`node ${label} (${op}) has no weight input B`, label);
        const B = constant(bName, 'float', label);
        if (B.dims.length !== 2) bad(`node ${label} (${op}) weight '${bName}' must be 2-D (got dims [${B.dims.join(', ')}])`, bName);
        const N = transB ? B.dims[0]! : B.dims[1]!;
        const BK = transB ? B.dims[1]! : B.dims[0]!;
        if (BK !== K) bad(`node ${label} (${op}) weight '${bName}' has dims [${B.dims.join(', ')}]${transB ? ' (transB = 1: N×K)' : ' (K×N)'}, so K = ${BK}, but its input has ${K} features`, bName);
        if (N < 1) bad(`node ${label} (${op}) weight '${bName}' has no output units`, bName);
        // Our Linear stores K×N (in × out); Gemm with transB = 1 stores N×K.
        const w = new Float32Array(K * N);
        const listed = B.listed ? new Uint8Array(K * N) : undefined;
        for (let k = 0; k < K; k++) {
          for (let j = 0; j < N; j++) {
            const at = transB ? j * K + k : k * N + j;
            w[k * N + j] = alpha === 1 ? B.f32![at]! : f32(alpha * B.f32![at]!);
            if (listed) listed[k * N + j] = B.listed![at]!;
          }
        }
        let b = new Float32Array(N);
        const cName = op === 'Gemm' ? arg(2) : undefined;
        if (op === 'MatMul' && ins.length > 2) bad(`node ${label} (MatMul) has ${ins.length} inputs; MatMul takes 2`, label);
        if (cName) {
          const C = constant(cName, 'float', label);
          const c = perChannel(C, N, false, label);
          b = beta === 1 ? Float32Array.from(c) : c.map((v) => f32(beta * v));
        }
        built.push({ type: 'linear', out: N, kernel: 0, pads: [0, 0, 0, 0], stride: 1, w, b, ...(listed ? { listed } : {}), node: label, weight: bName, ...(cName ? { bias: cName } : {}) });
        shape = { kind: 'flat', F: N };
        break;
      }
      case 'Add': {
        new Attrs(n, label, []);
        const l = lastParam(label, op);
        const cName = ins[1 - dataAt];
        if (ins.length !== 2 || !cName) bad(`node ${label} (Add) must add a constant to the data`, label);
        const t = constant(cName, 'float', label);
        const c = perChannel(t, l.out, l.type === 'conv2d', label);
        l.b = l.b.map((v, j) => f32(v + c[j]!));
        if (!l.bias) l.bias = cName;
        notes.push({ node: label, op, action: 'folded', into: l.node });
        break;
      }
      case 'Conv': {
        wantData(0);
        const a = new Attrs(n, label, ['auto_pad', 'dilations', 'group', 'kernel_shape', 'pads', 'strides']);
        const s = image();
        const wName = arg(1);
        if (!wName) bad(`node ${label} (Conv) has no weight input W`, label);
        const W = constant(wName, 'float', label);
        if (W.dims.length !== 4) bad(`node ${label} (Conv) weight '${wName}' has dims [${W.dims.join(', ')}]; prune-lab reads 2-D convolutions (W: [F, C, k, k])`, wName);
        const [F, C, kh, kw] = W.dims as [number, number, number, number];
        if (a.int('group', 1) !== 1) bad(`node ${label} (Conv) has group = ${a.int('group', 1)}; prune-lab reads group = 1 only (no grouped or depthwise convolutions)`, label);
        if (C !== s.C) bad(`node ${label} (Conv) weight '${wName}' expects ${C} input channels but its input has ${s.C}`, wName);
        if (kh !== kw || kh < 1) bad(`node ${label} (Conv) kernel is ${kh}×${kw}; prune-lab reads square kernels only`, label);
        const ks = a.ints('kernel_shape');
        if (ks && (ks.length !== 2 || ks[0] !== kh || ks[1] !== kw)) bad(`node ${label} (Conv) kernel_shape [${ks.join(', ')}] does not match weight '${wName}' dims [${W.dims.join(', ')}]`, label);
        const dil = a.ints('dilations');
        if (dil && (dil.length !== 2 || dil.some((d) => d !== 1))) bad(`node ${label} (Conv) has dilations [${dil.join(', ')}]; prune-lab reads dilations 1 only`, label);
        const stride = strideOf(a, label, 'Conv');
        const k = kh;
        const pads = padsOf(a, label, s, k, stride);
        if (pendingPad) {
          for (let j = 0; j < 4; j++) pads[j] += pendingPad.pads[j]!;
          notes.push({ node: pendingPad.label, op: 'Pad', action: 'folded', into: label });
          pendingPad = undefined;
        }
        const OH = Math.floor((s.H + pads[0] + pads[2] - k) / stride) + 1;
        const OW = Math.floor((s.W + pads[1] + pads[3] - k) / stride) + 1;
        if (s.H + pads[0] + pads[2] < k || s.W + pads[1] + pads[3] < k) bad(`node ${label} (Conv) kernel ${k} is larger than its ${s.H}×${s.W} input with pads [${pads.join(', ')}]`, label);
        const bName = arg(2);
        const b = bName ? Float32Array.from(perChannel(constant(bName, 'float', label), F, false, label)) : new Float32Array(F);
        if (bName && consts.get(bName)!.tensor!.dims.length !== 1) bad(`node ${label} (Conv) bias '${bName}' must be 1-D [${F}]`, bName);
        built.push({ type: 'conv2d', out: F, kernel: k, pads, stride, w: Float32Array.from(W.f32!), b, ...(W.listed ? { listed: W.listed } : {}), node: label, weight: wName, ...(bName ? { bias: bName } : {}) });
        shape = { kind: 'image', C: F, H: OH, W: OW };
        break;
      }
      case 'Relu':
        new Attrs(n, label, []);
        built.push({ type: 'relu' });
        break;
      case 'Sub':
      case 'Div': {
        new Attrs(n, label, []);
        wantData(0);
        const D = sizeOf(shape);
        const first = built.length === 0 && notes.every((x) => x.op === 'Sub' && op === 'Div');
        if (!first || (op === 'Sub' && prelude?.mean) || (op === 'Div' && prelude?.std)) {
          bad(`node ${label} (${op}) is read only as the model's standardisation prelude: (input − mean) / std with constant per-feature mean and std, before any layer`, label);
        }
        const cName = ins[1];
        if (ins.length !== 2 || !cName) bad(`node ${label} (${op}) must ${op === 'Sub' ? 'subtract' : 'divide by'} a constant`, label);
        const t = constant(cName, 'float', label);
        const trail = (d: number[]) => d.slice(d.findIndex((x) => x !== 1) < 0 ? d.length : d.findIndex((x) => x !== 1)).join(',');
        const inDims = shape.kind === 'image' ? [shape.C, shape.H, shape.W] : [shape.F];
        if (t.f32!.length !== 1 && !(t.f32!.length === D && trail(t.dims) === trail(inDims))) {
          bad(`node ${label} (${op}): tensor '${cName}' has dims [${t.dims.join(', ')}]; a standardisation prelude holds one value per input feature ([${inDims.join(', ')}]) or one for all`, label);
        }
        const v = t.f32!.length === 1 ? new Float32Array(D).fill(t.f32![0]!) : Float32Array.from(t.f32!);
        if (op === 'Div' && v.some((x) => x === 0)) bad(`node ${label} (Div) divides by 0 (tensor '${cName}')`, label);
        prelude = { ...prelude, ...(op === 'Sub' ? { mean: v } : { std: v }) };
        notes.push({ node: label, op, action: 'stripped' });
        break;
      }
      case 'MaxPool':
      case 'AveragePool': {
        const a = new Attrs(n, label, op === 'MaxPool' ? ['auto_pad', 'ceil_mode', 'dilations', 'kernel_shape', 'pads', 'storage_order', 'strides'] : ['auto_pad', 'ceil_mode', 'count_include_pad', 'dilations', 'kernel_shape', 'pads', 'strides']);
        const s = image();
        noUse(n, label, 1);
        const ks = a.ints('kernel_shape');
        if (!ks || ks.length !== 2) bad(`node ${label} (${op}) needs a 2-D kernel_shape (got ${ks ? `[${ks.join(', ')}]` : 'none'})`, label);
        const p = ks[0]!;
        if (ks[1] !== p || p < 1) bad(`node ${label} (${op}) has kernel_shape [${ks.join(', ')}]; prune-lab reads square pooling windows only (kernel_shape [k, k])`, label);
        const stride = strideOf(a, label, op);
        const pads = a.ints('pads');
        if (pads && pads.some((x) => x !== 0)) bad(`node ${label} (${op}) has pads [${pads.join(', ')}]; prune-lab reads unpadded pooling only (pads [0, 0, 0, 0]: put the padding in a Conv before it)`, label);
        const autoPad = a.string('auto_pad', 'NOTSET');
        if (autoPad !== 'NOTSET' && autoPad !== 'VALID') bad(`node ${label} (${op}) has auto_pad '${autoPad}'; prune-lab reads NOTSET or VALID (no padding)`, label);
        const dil = a.ints('dilations');
        if (dil && dil.some((d) => d !== 1)) bad(`node ${label} (${op}) has dilations [${dil.join(', ')}]; prune-lab reads dilations [1, 1] only`, label);
        // count_include_pad only matters with padding, which is refused above.
        if (op === 'AveragePool') a.int('count_include_pad', 0);
        if (p > s.H || p > s.W) bad(`node ${label} (${op}) window ${p} is larger than its ${s.H}×${s.W} input`, label);
        const ceil = a.int('ceil_mode', 0);
        if (ceil !== 0 && ((s.H - p) % stride !== 0 || (s.W - p) % stride !== 0)) {
          bad(`node ${label} (${op}) has ceil_mode = 1 on a ${s.H}×${s.W} input where windows of ${p} at stride ${stride} leave a partial window; prune-lab's pooling rounds down (ceil_mode 0)`, label);
        }
        built.push({ type: op === 'MaxPool' ? 'maxpool2d' : 'avgpool2d', size: p, stride });
        shape = { kind: 'image', C: s.C, H: Math.floor((s.H - p) / stride) + 1, W: Math.floor((s.W - p) / stride) + 1 };
        break;
      }
      case 'GlobalAveragePool':
      case 'GlobalMaxPool': {
        new Attrs(n, label, []);
        const s = image();
        if (s.H !== s.W) bad(`node ${label} (${op}) pools a ${s.H}×${s.W} input; prune-lab reads square pooling windows only (an H = W input)`, label);
        built.push({ type: op === 'GlobalMaxPool' ? 'maxpool2d' : 'avgpool2d', size: s.H, stride: s.H });
        shape = { kind: 'image', C: s.C, H: 1, W: 1 };
        break;
      }
      case 'Pad': {
        wantData(0);
        const a = new Attrs(n, label, ['mode', 'pads', 'value']);
        image();
        const mode = a.string('mode', 'constant');
        if (mode !== 'constant') bad(`node ${label} (Pad) has mode '${mode}'; prune-lab reads zero padding only (mode 'constant', value 0)`, label);
        // Opset < 11: pads and value are attributes; from 11: inputs 1 (pads) and 2 (value); from 18 input 3 (axes).
        const pv = a.ints('pads') ?? (arg(1) ? constant(arg(1)!, 'int', label).ints! : undefined);
        if (!pv) bad(`node ${label} (Pad) has no pads`, label);
        if (arg(3)) bad(`node ${label} (Pad) has an axes input; prune-lab reads Pad over all four axes (pads [0, 0, top, left, 0, 0, bottom, right])`, label);
        const value = arg(2) ? constant(arg(2)!, 'float', label).f32![0] ?? 0 : a.float('value', 0);
        if (value !== 0) bad(`node ${label} (Pad) pads with ${value}; prune-lab reads zero padding only (value 0)`, label);
        if (pv.length !== 8 || pv[0] !== 0 || pv[1] !== 0 || pv[4] !== 0 || pv[5] !== 0 || pv.some((x) => x < 0)) {
          bad(`node ${label} (Pad) has pads [${pv.join(', ')}]; prune-lab reads zero padding of H and W only: [0, 0, top, left, 0, 0, bottom, right], each ≥ 0`, label);
        }
        const pads: Pads = [pv[2]!, pv[3]!, pv[6]!, pv[7]!];
        // The Conv after it reads the unpadded input (the shape stays) with these pads added to its own.
        if (pads.some((x) => x !== 0)) pendingPad = { label, pads };
        else notes.push({ node: label, op, action: 'dropped' });
        break;
      }
      case 'Flatten': {
        const a = new Attrs(n, label, ['axis']);
        const axis = a.int('axis', 1);
        const ok = shape.kind === 'image' ? axis === 1 || axis === -3 : axis === 1 || axis === -1;
        if (!ok) bad(`node ${label} (Flatten) has axis ${axis}; prune-lab reads axis 1 (keep the batch, flatten the rest)`, label);
        // A flatten of the graph input itself is left out: a linear layer first reads the image's rows as they are (as LeNet-300-100's spec has it).
        if (shape.kind === 'image' && built.length > 0) built.push({ type: 'flatten' });
        shape = { kind: 'flat', F: sizeOf(shape) };
        break;
      }
      case 'Reshape': {
        wantData(0);
        const a = new Attrs(n, label, ['allowzero']);
        const allowzero = a.int('allowzero', 0);
        const sName = arg(1);
        if (!sName) bad(`node ${label} (Reshape) has no shape input`, label);
        const t = constant(sName, 'int', label);
        const v = t.ints!;
        const F = sizeOf(shape);
        const first = v[0];
        // NaN: the batch size, from a folded Shape of the data.
        const okFirst = first === -1 || Number.isNaN(first) || (first === 0 && allowzero === 0) || (staticBatch !== undefined && first === staticBatch);
        const ok = t.dims.length === 1 && v.length === 2 && okFirst && (v[1] === F || (v[1] === -1 && first !== -1));
        if (!ok) bad(`node ${label} (Reshape) to shape [${v.map((x) => (Number.isNaN(x) ? 'N' : x)).join(', ')}] is not read; prune-lab reads Reshape that flattens to [N, ${F}] (shape [-1, ${F}], [0, -1], [0, ${F}]${staticBatch ? `, [${staticBatch}, -1]` : ''})`, label);
        // A flatten of the graph input itself is left out: a linear layer first reads the image's rows as they are (as LeNet-300-100's spec has it).
        if (shape.kind === 'image' && built.length > 0) built.push({ type: 'flatten' });
        shape = { kind: 'flat', F };
        break;
      }
      case 'BatchNormalization': {
        wantData(0);
        const a = new Attrs(n, label, ['epsilon', 'momentum', 'training_mode', 'spatial']);
        if (a.int('training_mode', 0) !== 0) bad(`node ${label} (BatchNormalization) has training_mode = 1; prune-lab folds inference-mode batch norm only (export in eval mode)`, label);
        if (a.int('spatial', 1) !== 1) bad(`node ${label} (BatchNormalization) has spatial = 0; prune-lab folds per-channel batch norm only`, label);
        noUse(n, label, 1);
        const eps = a.float('epsilon', 1e-5);
        if (!(eps >= 0)) bad(`node ${label} (BatchNormalization) epsilon must be ≥ 0 (got ${eps})`, label);
        const l = lastParam(label, op);
        if (ins.length !== 5 || ins.slice(1).some((x) => !x)) bad(`node ${label} (BatchNormalization) needs 5 inputs (X, scale, B, mean, var)`, label);
        const [scale, bias, mean, variance] = ins.slice(1).map((x) => perChannel(constant(x, 'float', label), l.out, false, label)) as [Float32Array, Float32Array, Float32Array, Float32Array];
        const per = l.type === 'conv2d' ? l.w.length / l.out : 1;
        for (let c = 0; c < l.out; c++) {
          const v = variance[c]! + eps;
          if (!(v > 0)) bad(`node ${label} (BatchNormalization) variance + epsilon of channel ${c} is ${v}; it must be > 0`, label);
          const g = scale[c]! / Math.sqrt(v);
          if (l.type === 'conv2d') for (let j = 0; j < per; j++) l.w[c * per + j] = f32(l.w[c * per + j]! * g);
          else for (let k = 0; k < l.w.length / l.out; k++) l.w[k * l.out + c] = f32(l.w[k * l.out + c]! * g);
          l.b[c] = f32((l.b[c]! - mean[c]!) * g + bias[c]!);
        }
        notes.push({ node: label, op, action: 'folded', into: l.node });
        break;
      }
      case 'Dropout': {
        wantData(0);
        const a = new Attrs(n, label, ['ratio', 'seed', 'is_test']);
        a.float('ratio', 0.5);
        noUse(n, label, 1);
        const tm = arg(2);
        if (tm && constant(tm, 'bool', label).ints!.some((x) => x !== 0)) bad(`node ${label} (Dropout) has training_mode true; prune-lab drops inference-mode Dropout only (export in eval mode)`, label);
        notes.push({ node: label, op, action: 'dropped' });
        break;
      }
      case 'Identity':
        new Attrs(n, label, []);
        notes.push({ node: label, op, action: 'dropped' });
        break;
      case 'Softmax':
      case 'LogSoftmax': {
        const a = new Attrs(n, label, ['axis']);
        if (out !== outputName) bad(`node ${label} (${op}) is not the last node; prune-lab strips a trailing ${op} only (its loss applies softmax)`, label);
        flat();
        const axis = a.int('axis', opset >= 13 ? -1 : 1);
        if (axis !== 1 && axis !== -1) bad(`node ${label} (${op}) has axis ${axis}; prune-lab strips a softmax over the classes (axis 1 or -1) only`, label);
        notes.push({ node: label, op, action: 'stripped' });
        break;
      }
      default:
        bad(`node ${label} has op type ${op}, which prune-lab does not import (supported: ${SUPPORTED_OPS.join(', ')}; ${SHAPE_OPS.join(', ')} only to compute a Reshape's shape)`, label);
    }
    if ((n.output?.length ?? 0) > 1 && !['MaxPool', 'BatchNormalization', 'Dropout'].includes(op)) bad(`node ${label} (${op}) has ${n.output!.length} outputs; it has one`, label);
    cur = out;
  }
  const off = nodes.findIndex((n, i) => !visited.has(i) && n.opType !== 'Constant');
  // (Shape-computing nodes folded above are marked visited; unused ones are off the path.)
  if (off >= 0) bad(`node ${labels[off]} (${nodes[off]!.opType}) is not on the path from graph input '${inputName}' to graph output '${outputName}'; prune-lab imports a chain of layers`, labels[off]!);
  if (users.get(outputName)?.length) bad(`graph output '${outputName}' is also read by node ${labels[users.get(outputName)![0]!]}`, outputName);

  const layers: LayerSpec[] = built.map((b) =>
    b.type === 'linear' ? { type: 'linear', units: b.out }
      : b.type === 'conv2d' ? { type: 'conv2d', filters: b.out, kernel: b.kernel, ...convPadding(b), ...(b.stride !== 1 ? { stride: b.stride } : {}) }
        : b.type === 'maxpool2d' || b.type === 'avgpool2d' ? { type: b.type, size: b.size, ...(b.stride !== b.size ? { stride: b.stride } : {}) }
          : { type: b.type });
  const name = options.name ?? (g.name ? g.name : 'onnx');
  const spec: ModelSpec = { name, input: specInput, layers };
  let plan;
  try {
    plan = planModel(spec);
  } catch (e) {
    if (e instanceof PruneLabError) bad(`the graph's layers do not make a prune-lab model: ${e.message}`, e.field ?? 'graph');
    throw e;
  }
  const params = built.filter((b): b is ParamLayer => b.type === 'linear' || b.type === 'conv2d');
  const values: LayerValues[] = params.map((p) => ({
    w: p.w,
    b: p.b,
    mask: masks === 'none' ? new Uint8Array(p.w.length).fill(1) : p.listed ? Uint8Array.from(p.listed) : Uint8Array.from(p.w, (v) => (v === 0 ? 0 : 1)),
  }));
  values.forEach((v, i) => {
    const op = plan.params[i]!;
    if (v.w.length !== op.weightCount || v.b.length !== op.biasCount) bad(`layer ${op.name} got ${v.w.length} weights and ${v.b.length} biases; its plan has ${op.weightCount} and ${op.biasCount}`, params[i]!.node);
  });
  return {
    spec,
    values,
    layers: params.map((p, i) => ({ name: plan.params[i]!.name, node: p.node, weight: p.weight, ...(p.bias ? { bias: p.bias } : {}) })),
    notes,
    opset,
    producer: [model.producerName, model.producerVersion].filter(Boolean).join(' '),
    input,
    output: { name: outputName },
    ...(prelude ? { standardize: { mean: prelude.mean ?? new Float32Array(sizeOf(shape0)), std: prelude.std ?? new Float32Array(sizeOf(shape0)).fill(1) } } : {}),
  };
}
