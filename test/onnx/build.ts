// Test helpers for ONNX import: the committed PyTorch fixtures (fetched), and small
// ONNX graphs written with onnx-proto as plain objects (so a test or fuzz door can
// change any field before encoding).
import { onnx, type IAttributeProto, type INodeProto, type ITensorProto, type ISparseTensorProto, type IModelProto } from '../../src/onnx/proto.js';

export const FIXTURES = ['mlp', 'cnn', 'cnn-reshape', 'cnn-view', 'bn', 'geom'].flatMap((m) => [`${m}-opset11`, `${m}-opset17`]);

export interface FixtureMeta {
  model: string;
  opset: number;
  inputShape: number[];
  rows: number;
  ops: string[];
  input: number[];
  output: number[];
  logits: number[];
}

export async function fixture(name: string): Promise<{ bytes: Uint8Array; meta: FixtureMeta }> {
  const [bytes, meta] = await Promise.all([
    fetch(new URL(`./fixtures/${name}.onnx`, import.meta.url)).then(async (r) => new Uint8Array(await r.arrayBuffer())),
    fetch(new URL(`./fixtures/${name}.json`, import.meta.url)).then((r) => r.json() as Promise<FixtureMeta>),
  ]);
  return { bytes, meta };
}

const A = onnx.AttributeProto.AttributeType;
export type AttrValue = number | number[] | string | { float: number };

/** An attribute: integers as INT/INTS, { float } as FLOAT, strings as STRING. */
export function attr(name: string, v: AttrValue): IAttributeProto {
  if (typeof v === 'string') return { name, type: A.STRING, s: new TextEncoder().encode(v) };
  if (Array.isArray(v)) return { name, type: A.INTS, ints: v };
  if (typeof v === 'object') return { name, type: A.FLOAT, f: v.float };
  return { name, type: A.INT, i: v };
}

export function node(op: string, inputs: string[], outputs: string[], name: string, attrs: Record<string, AttrValue> = {}): INodeProto {
  return { opType: op, input: inputs, output: outputs, name, attribute: Object.entries(attrs).map(([k, v]) => attr(k, v)) };
}

/** A FLOAT initializer in float_data (raw: in raw_data, little-endian). */
export function floats(name: string, dims: number[], values: ArrayLike<number>, raw = false): ITensorProto {
  const t: ITensorProto = { name, dims, dataType: onnx.TensorProto.DataType.FLOAT };
  if (raw) t.rawData = new Uint8Array(Float32Array.from(values).buffer);
  else t.floatData = Array.from(values);
  return t;
}

export function int64s(name: string, values: number[]): ITensorProto {
  return { name, dims: [values.length], dataType: onnx.TensorProto.DataType.INT64, int64Data: values };
}

export interface GraphParts {
  input: number[];
  nodes: INodeProto[];
  initializers?: ITensorProto[];
  sparse?: ISparseTensorProto[];
  opset?: number;
  inputName?: string;
  output?: string;
}

/** The ModelProto (as a plain object) of a graph with one input 'x' and one output. */
export function modelObject(p: GraphParts): IModelProto {
  const dims = p.input.map((d, i) => (i === 0 ? { dimParam: 'batch' } : { dimValue: d }));
  return {
    irVersion: 8,
    producerName: 'prune-lab test',
    opsetImport: [{ domain: '', version: p.opset ?? 13 }],
    graph: {
      name: 'test',
      node: p.nodes,
      initializer: p.initializers ?? [],
      sparseInitializer: p.sparse ?? [],
      input: [{ name: p.inputName ?? 'x', type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT, shape: { dim: dims } } } }],
      output: [{ name: p.output ?? 'y', type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT } } }],
    },
  };
}

export function encode(m: IModelProto): Uint8Array {
  return onnx.ModelProto.encode(onnx.ModelProto.create(m)).finish();
}

export function buildModel(p: GraphParts): Uint8Array {
  return encode(modelObject(p));
}

/** Deterministic small weights: value i of a tensor is a fixed function of i and a salt. */
export function weights(n: number, salt: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => Math.fround(Math.sin(i * 1.7 + salt * 3.1) * 0.5));
}

/** A tiny MLP graph: x [N, K] → Gemm(transB = 1) → Relu → Gemm → y, weights from `weights`. */
export function tinyMlp(K = 6, H = 5, N = 3): GraphParts {
  return {
    input: [1, K],
    nodes: [node('Gemm', ['x', 'w1', 'b1'], ['h'], 'fc1', { transB: 1 }), node('Relu', ['h'], ['r'], 'relu1'), node('Gemm', ['r', 'w2', 'b2'], ['y'], 'fc2', { transB: 1 })],
    initializers: [floats('w1', [H, K], weights(H * K, 1)), floats('b1', [H], weights(H, 2)), floats('w2', [N, H], weights(N * H, 3)), floats('b2', [N], weights(N, 4))],
  };
}

/** A tiny CNN graph: x [N, 1, 6, 6] → Conv 3×3 pad 1 → Relu → MaxPool 2 → Flatten → Gemm → y. */
export function tinyCnn(F = 2, N = 3): GraphParts {
  return {
    input: [1, 1, 6, 6],
    nodes: [
      node('Conv', ['x', 'cw', 'cb'], ['c'], 'conv1', { kernel_shape: [3, 3], pads: [1, 1, 1, 1], strides: [1, 1] }),
      node('Relu', ['c'], ['r'], 'relu1'),
      node('MaxPool', ['r'], ['p'], 'pool1', { kernel_shape: [2, 2], strides: [2, 2] }),
      node('Flatten', ['p'], ['f'], 'flatten1', { axis: 1 }),
      node('Gemm', ['f', 'w', 'b'], ['y'], 'fc1', { transB: 1 }),
    ],
    initializers: [floats('cw', [F, 1, 3, 3], weights(F * 9, 5)), floats('cb', [F], weights(F, 6)), floats('w', [N, F * 9], weights(N * F * 9, 7)), floats('b', [N], weights(N, 8))],
  };
}
