// ONNX export of a model (spec + weights + masks) in three forms, encoded with
// onnx-proto (protobufjs):
//   dense   every weight in a dense float initializer, pruned weights as exact zeros;
//   shrunk  the smaller shapes: a structured-pruned network already has them, and
//           on top of that every hidden unit that provably contributes nothing is
//           removed (shrinkDeadUnits: all its outgoing weights zero, or all its
//           incoming weights zero with an output that is exactly 0); the logits
//           are those of the dense form;
//   sparse  each pruned layer's weight (a mask with at least one 0) as a COO
//           sparse_initializer: the kept entries (mask 1, zeros included, so the
//           mask itself is stored) as float values, and their increasing linear
//           indices as int64 (int64_data, varint on the wire). Unpruned layers and
//           the biases stay dense.
// The graph: input "input" [N, C, H, W] (N dynamic), or [N, F] for an MLP over a
// 1×1×F input (tabular data); an optional standardisation prelude
// (x − mean) / std; Conv / MaxPool / Flatten / Gemm / Relu in the spec's order;
// output "logits" [N, classes]. Softmax is not part of the model (the lab's loss
// applies it) unless `softmax: true` asks for it (output "probabilities").
// Linear weights are stored as we hold them, K×N (in × out), read by Gemm with
// transB = 0; conv weights F×C×k×k as ONNX's Conv has them. Engine code: no DOM.
import type * as proto from 'onnx-proto';
import { onnx, type IAttributeProto, type IModelProto, type INodeProto, type ISparseTensorProto, type ITensorProto } from './proto.js';
import { PruneLabError, check, checkFields } from '../errors.js';
import { Network, type LayerValues } from '../nn/network.js';
import { planModel, type ModelPlan, type ModelSpec, type Op } from '../nn/spec.js';
import { shrinkNetwork } from '../infer/shrink.js';

export type ExportForm = 'dense' | 'shrunk' | 'sparse';
export const EXPORT_FORMS: readonly ExportForm[] = ['dense', 'shrunk', 'sparse'];

/** The opsets written: 9 to 18 (what the importer reads); sparse_initializer needs IR 6, opset 11. */
export const OPSET_RANGE = { min: 9, max: 18, default: 13, sparseMin: 11 } as const;

export interface ExportStandardize {
  /** Per input feature (C·H·W values, NCHW order). */
  mean: ArrayLike<number>;
  /** Per input feature, finite and > 0. */
  std: ArrayLike<number>;
}

/** The prelude of a tabular run's standardisation (src/data/tabular.ts): (x − mean) / scale per feature, in f32. */
export function standardizeOf(s: { mean: readonly number[]; scale: readonly number[] }): ExportStandardize {
  return { mean: Float32Array.from(s.mean), std: Float32Array.from(s.scale) };
}

export interface ExportOptions {
  form: ExportForm;
  /** ai.onnx opset, 9–18 (default 13; sparse needs ≥ 11). */
  opset?: number;
  /** Append a Softmax over the classes (output "probabilities"); default false (output "logits"). */
  softmax?: boolean;
  /** A Sub/Div prelude: the model takes raw features and standardises them itself. */
  standardize?: ExportStandardize;
  /** The graph's name (default: the spec's name). */
  name?: string;
}

export interface ExportModel {
  spec: ModelSpec;
  values: LayerValues[];
}

const OPTION_FIELDS = ['form', 'opset', 'softmax', 'standardize', 'name'];

/** ONNX IR version of the release that introduced each opset (ONNX's versioning table). */
function irVersion(opset: number): number {
  if (opset <= 9) return 4;
  if (opset === 10) return 5;
  if (opset === 11) return 6;
  if (opset <= 14) return 7;
  return 8;
}

interface Checked {
  form: ExportForm;
  opset: number;
  softmax: boolean;
  standardize: { mean: Float32Array; std: Float32Array } | undefined;
  name: string | undefined;
}

function checkOptions(options: unknown, features: number): Checked {
  checkFields(options, 'options', OPTION_FIELDS, 'invalid-argument');
  const o = options as Partial<ExportOptions>;
  check(typeof o.form === 'string' && (EXPORT_FORMS as readonly string[]).includes(o.form), 'options.form', EXPORT_FORMS.join(' | '), o.form);
  const opset = o.opset ?? OPSET_RANGE.default;
  check(Number.isInteger(opset) && opset >= OPSET_RANGE.min && opset <= OPSET_RANGE.max, 'options.opset', `an integer in [${OPSET_RANGE.min}, ${OPSET_RANGE.max}]`, opset);
  if (o.form === 'sparse') check(opset >= OPSET_RANGE.sparseMin, 'options.opset', `≥ ${OPSET_RANGE.sparseMin} for the sparse form (sparse_initializer came with IR version 6, opset 11)`, opset);
  check(o.softmax === undefined || typeof o.softmax === 'boolean', 'options.softmax', 'a boolean', o.softmax);
  check(o.name === undefined || typeof o.name === 'string', 'options.name', 'a string', o.name);
  let standardize: Checked['standardize'];
  if (o.standardize !== undefined) {
    checkFields(o.standardize, 'options.standardize', ['mean', 'std'], 'invalid-argument');
    const s = o.standardize;
    const arr = (v: unknown, field: string, positive: boolean): Float32Array => {
      check(Array.isArray(v) || ArrayBuffer.isView(v), field, `an array of ${features} numbers (one per input feature)`, v);
      const a = v as ArrayLike<number>;
      check(a.length === features, field, `an array of ${features} numbers (one per input feature)`, v);
      for (let i = 0; i < a.length; i++) {
        const x = a[i];
        check(typeof x === 'number' && Number.isFinite(x) && (!positive || x > 0), `${field}[${i}]`, positive ? 'a finite number > 0' : 'a finite number', x);
      }
      return Float32Array.from(a);
    };
    standardize = { mean: arr(s.mean, 'options.standardize.mean', false), std: arr(s.std, 'options.standardize.std', true) };
  }
  return { form: o.form as ExportForm, opset, softmax: o.softmax ?? false, standardize, name: o.name };
}

function checkModel(model: unknown): { plan: ModelPlan; values: LayerValues[] } {
  checkFields(model, 'model', ['spec', 'values'], 'invalid-argument');
  const m = model as Partial<ExportModel>;
  const plan = planModel(m.spec);
  const values = m.values;
  check(Array.isArray(values) && values.length === plan.params.length, 'model.values', `an array of ${plan.params.length} layers`, values);
  plan.params.forEach((op, i) => {
    const v = values[i] as Partial<LayerValues> | undefined;
    check(typeof v === 'object' && v !== null, `model.values[${i}]`, 'an object { w, b, mask }', v);
    check(v.w instanceof Float32Array && v.w.length === op.weightCount, `model.values[${i}].w`, `a Float32Array of ${op.weightCount} (${op.name} ${op.weightShape.join('×')})`, v.w);
    check(v.b instanceof Float32Array && v.b.length === op.biasCount, `model.values[${i}].b`, `a Float32Array of ${op.biasCount}`, v.b);
    check(v.mask instanceof Uint8Array && v.mask.length === op.weightCount, `model.values[${i}].mask`, `a Uint8Array of ${op.weightCount}`, v.mask);
    for (let j = 0; j < v.w.length; j++) {
      if (v.mask[j] && !Number.isFinite(v.w[j]!)) check(false, `model.values[${i}].w[${j}]`, 'a finite number', v.w[j]);
    }
    for (let j = 0; j < v.b.length; j++) if (!Number.isFinite(v.b[j]!)) check(false, `model.values[${i}].b[${j}]`, 'a finite number', v.b[j]);
  });
  return { plan, values: values as LayerValues[] };
}

/** True when the model reads a flat [N, F] input: an MLP (no conv or pool) over a 1×1×F input. */
export function flatInput(plan: ModelPlan): boolean {
  return plan.input.C === 1 && plan.input.H === 1 && plan.ops.every((o) => o.kind === 'linear' || o.kind === 'relu');
}

/** The weights as the model computes with them: pruned ones exactly 0 (+0). */
function maskedWeights(v: LayerValues): Float32Array {
  const w = new Float32Array(v.w.length);
  for (let j = 0; j < w.length; j++) if (v.mask[j]) w[j] = v.w[j]!;
  return w;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

function f32Bytes(a: Float32Array): Uint8Array {
  if (LITTLE_ENDIAN) return new Uint8Array(a.buffer, a.byteOffset, a.byteLength).slice();
  const out = new Uint8Array(a.length * 4);
  const view = new DataView(out.buffer);
  a.forEach((x, i) => view.setFloat32(i * 4, x, true));
  return out;
}

function floatTensor(name: string, dims: number[], data: Float32Array): ITensorProto {
  return { name, dims, dataType: onnx.TensorProto.DataType.FLOAT, rawData: f32Bytes(data) };
}

/** COO of the kept entries (mask 1) of a weight tensor: values and increasing linear indices. */
function cooTensor(name: string, dims: number[], v: LayerValues): ISparseTensorProto {
  let nnz = 0;
  for (let j = 0; j < v.mask.length; j++) if (v.mask[j]) nnz++;
  const values = new Float32Array(nnz);
  const indices = new Array<number>(nnz);
  let t = 0;
  for (let j = 0; j < v.mask.length; j++) {
    if (!v.mask[j]) continue;
    values[t] = v.w[j]!;
    indices[t++] = j;
  }
  return {
    dims,
    values: floatTensor(name, [nnz], values),
    indices: { name: `${name}.indices`, dims: [nnz], dataType: onnx.TensorProto.DataType.INT64, int64Data: indices },
  };
}

function attr(name: string, v: number | number[]): IAttributeProto {
  return Array.isArray(v)
    ? { name, type: onnx.AttributeProto.AttributeType.INTS, ints: v }
    : { name, type: onnx.AttributeProto.AttributeType.INT, i: v };
}

function valueInfo(name: string, dims: Array<number | string>): proto.onnx.IValueInfoProto {
  return {
    name,
    type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT, shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) } } },
  };
}

/** The kinds this exporter writes; a spec layer kind it does not know is refused by name. */
function unsupported(op: never): never {
  const kind = (op as { kind?: unknown }).kind;
  throw new PruneLabError('invalid-argument', `model has a ${String(kind)} layer, which the ONNX exporter does not write (it writes linear, conv2d, maxpool2d, avgpool2d, relu, flatten)`, 'model.spec.layers');
}

function buildModel(plan: ModelPlan, values: LayerValues[], o: Checked, form: ExportForm): Uint8Array {
  const nodes: INodeProto[] = [];
  const init: ITensorProto[] = [];
  const sparse: ISparseTensorProto[] = [];
  const { C, H, W } = plan.input;
  const flat = flatInput(plan);
  let cur = 'input';
  let rank4 = !flat;
  const node = (opType: string, name: string, inputs: string[], attributes: IAttributeProto[] = []): string => {
    const output = name;
    nodes.push({ opType, name, input: inputs, output: [output], attribute: attributes });
    cur = output;
    return output;
  };
  if (o.standardize) {
    const dims = flat ? [W] : [C, H, W];
    init.push(floatTensor('standardize.mean', dims, o.standardize.mean), floatTensor('standardize.std', dims, o.standardize.std));
    node('Sub', 'standardize.centered', [cur, 'standardize.mean']);
    node('Div', 'standardize', [cur, 'standardize.std']);
  }
  const byOp = new Map(plan.params.map((p, i) => [p as Op, values[i]!]));
  const weight = (name: string, dims: number[], v: LayerValues): void => {
    if (form === 'sparse' && v.mask.some((m) => m === 0)) sparse.push(cooTensor(name, dims, v));
    else init.push(floatTensor(name, dims, maskedWeights(v)));
  };
  for (const op of plan.ops) {
    switch (op.kind) {
      case 'linear': {
        if (rank4) {
          node('Flatten', `${op.name}.flatten`, [cur], [attr('axis', 1)]);
          rank4 = false;
        }
        const v = byOp.get(op)!;
        weight(`${op.name}.weight`, [op.in, op.out], v);
        init.push(floatTensor(`${op.name}.bias`, [op.out], v.b));
        node('Gemm', op.name, [cur, `${op.name}.weight`, `${op.name}.bias`], [attr('transB', 0)]);
        if (op.relu) node('Relu', `${op.name}.relu`, [cur]);
        break;
      }
      case 'conv2d': {
        const c = op.conv!;
        const v = byOp.get(op)!;
        weight(`${op.name}.weight`, [c.F, c.C, c.k, c.k], v);
        init.push(floatTensor(`${op.name}.bias`, [c.F], v.b));
        node('Conv', op.name, [cur, `${op.name}.weight`, `${op.name}.bias`], [
          attr('kernel_shape', [c.k, c.k]), attr('pads', [...c.pads]), attr('strides', [c.stride, c.stride]), attr('dilations', [1, 1]), attr('group', 1),
        ]);
        if (op.relu) node('Relu', `${op.name}.relu`, [cur]);
        break;
      }
      case 'maxpool2d':
      case 'avgpool2d':
        node(op.kind === 'maxpool2d' ? 'MaxPool' : 'AveragePool', op.name, [cur], [attr('kernel_shape', [op.size, op.size]), attr('strides', [op.stride, op.stride]), attr('pads', [0, 0, 0, 0])]);
        break;
      case 'relu':
        node('Relu', op.name, [cur]);
        break;
      default:
        unsupported(op);
    }
  }
  // The last node's output is renamed to the graph's output.
  const outName = o.softmax ? 'probabilities' : 'logits';
  if (o.softmax) node('Softmax', 'softmax', [cur], [attr('axis', 1)]);
  nodes[nodes.length - 1]!.output = [outName];
  const kept = values.reduce((t, v) => t + v.mask.reduce((s, m) => s + (m ? 1 : 0), 0), 0);
  const total = values.reduce((t, v) => t + v.mask.length, 0);
  const model: IModelProto = {
    irVersion: irVersion(o.opset),
    opsetImport: [{ domain: '', version: o.opset }],
    producerName: 'prune-lab',
    producerVersion: '0.1.0',
    docString: `${plan.name}, ${form} form; ${kept} of ${total} prunable weights kept`,
    metadataProps: [
      { key: 'prune-lab.form', value: form },
      { key: 'prune-lab.kept', value: String(kept) },
      { key: 'prune-lab.weights', value: String(total) },
    ],
    graph: {
      name: o.name ?? plan.name,
      node: nodes,
      initializer: init,
      sparseInitializer: sparse,
      input: [valueInfo('input', flat ? ['N', W] : ['N', C, H, W])],
      output: [valueInfo(outName, ['N', plan.classes])],
    },
  };
  return onnx.ModelProto.encode(onnx.ModelProto.create(model)).finish();
}

/**
 * The model with every hidden unit removed that provably changes no logit: a unit
 * (Linear neuron or conv filter) whose outgoing weights are all zero (its output is
 * never read), or whose incoming weights are all zero and whose output is exactly 0
 * (bias 0, or bias < 0 under a ReLU before the next layer). Removing one can make
 * another such unit (its only inputs gone), so this runs to a fixed point. Input
 * features are never removed (the input shape stays), nor the classes. A unit whose
 * incoming weights are all zero but whose constant output is not 0 stays (folding
 * it into the next bias is exact only without padding and is not done).
 */
export function shrinkDeadUnits(plan: ModelPlan, values: LayerValues[]): { spec: ModelSpec; values: LayerValues[]; removed: number[] } {
  const params = plan.params;
  // Working copies of the effective weights (mask applied) and biases.
  const w = values.map(maskedWeights);
  const b = values.map((v) => Float32Array.from(v.b));
  const units = params.map((op) => (op.conv ? op.conv.F : op.out));
  const keep = params.slice(0, -1).map((_, i) => new Uint8Array(units[i]!).fill(1));
  // A ReLU (fused or standalone) between layer i and layer i + 1.
  const reluAfter = params.map((op, i) => {
    if (op.relu) return true;
    const at = plan.ops.indexOf(op);
    const next = i + 1 < params.length ? plan.ops.indexOf(params[i + 1]!) : plan.ops.length;
    return plan.ops.slice(at + 1, next).some((x) => x.kind === 'relu');
  });
  // Flat indices of unit u's incoming weights in layer i, and of its outgoing weights in layer i + 1.
  const incoming = (i: number, u: number): number[] => {
    const op = params[i]!;
    if (op.conv) {
      const f = op.weightCount / op.conv.F;
      return Array.from({ length: f }, (_, j) => u * f + j);
    }
    return Array.from({ length: op.in }, (_, k) => k * op.out + u);
  };
  const outgoing = (i: number, u: number): number[] => {
    const next = params[i + 1]!;
    if (next.conv) {
      const { C, k, F } = next.conv;
      const out: number[] = [];
      for (let f = 0; f < F; f++) for (let q = 0; q < k * k; q++) out.push((f * C + u) * k * k + q);
      return out;
    }
    const per = next.in / units[i]!; // positions per channel after a flatten (1 after a Linear)
    const out: number[] = [];
    for (let p = 0; p < per; p++) for (let n = 0; n < next.out; n++) out.push((u * per + p) * next.out + n);
    return out;
  };
  let changed = true;
  while (changed) {
    changed = false;
    for (let i = 0; i < params.length - 1; i++) {
      for (let u = 0; u < units[i]!; u++) {
        if (!keep[i]![u]) continue;
        if (keep[i]!.reduce((t, k) => t + k, 0) === 1) break; // a layer keeps at least one unit
        const outIdx = outgoing(i, u);
        const unused = outIdx.every((j) => w[i + 1]![j] === 0);
        const inIdx = incoming(i, u);
        const zeroOut = inIdx.every((j) => w[i]![j] === 0) && (b[i]![u] === 0 || (b[i]![u]! < 0 && reluAfter[i]!));
        if (!unused && !zeroOut) continue;
        keep[i]![u] = 0;
        for (const j of inIdx) w[i]![j] = 0;
        b[i]![u] = 0;
        for (const j of outIdx) w[i + 1]![j] = 0;
        changed = true;
      }
    }
  }
  const removed = keep.map((k) => k.reduce((t, x) => t + (x ? 0 : 1), 0));
  if (removed.every((r) => r === 0)) return { spec: plan.spec, values, removed: [...removed, 0] };
  // The kept units' weights are the originals (a removed unit's outgoing weights were zero or read a zero).
  const shrunk = shrinkNetwork(plan, values, keep);
  return { spec: shrunk.spec, values: shrunk.values, removed: [...removed, 0] };
}

/** Encodes a model given as spec + values (synchronous, CPU only). */
export function encodeOnnx(model: ExportModel, options: ExportOptions): Uint8Array {
  const { plan, values } = checkModel(model);
  const o = checkOptions(options, plan.input.C * plan.input.H * plan.input.W);
  if (o.form !== 'shrunk') return buildModel(plan, values, o, o.form);
  const s = shrinkDeadUnits(plan, values);
  return buildModel(planModel(s.spec), s.values, o, 'shrunk');
}

/**
 * `exportOnnx(network | { spec, values }, { form, opset?, softmax?, standardize? })` →
 * the .onnx bytes. A Network's weights and masks are read back from the GPU first
 * (hence async); everything is validated before anything is read.
 */
export async function exportOnnx(model: Network | ExportModel, options: ExportOptions): Promise<Uint8Array> {
  if (model instanceof Network) {
    const plan = model.plan;
    checkOptions(options, plan.input.C * plan.input.H * plan.input.W);
    return encodeOnnx({ spec: plan.spec, values: await model.readValues() }, options);
  }
  return encodeOnnx(model, options);
}
