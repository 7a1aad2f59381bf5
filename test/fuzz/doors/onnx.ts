// Door: ONNX model files (src/onnx/import.ts importOnnx, then Network.create on the GPU
// when accepted). Valid seeds: five PyTorch fixtures (MLP opset 11, CNN opset 17,
// BN + Dropout opset 11, CNN with x.view(x.size(0), -1)'s shape computation, opset
// 17, and the geometry net: strided convs, F.pad's folded pads chain, overlapping
// MaxPool/AveragePool, GlobalAveragePool, opset 11). Mutations: of the bytes (truncation, flips, trailing junk, random garbage)
// and of the decoded graph (a node removed, duplicated or given another op type;
// an attribute's value changed; an input renamed, dropped or pointed at a later
// output; an initializer removed, resized, retyped or given both raw_data and
// float_data; the opset, the graph input's shape or element type changed; the
// nodes shuffled).
// Documented acceptance: damaged bytes that still decode to a valid chain (weights
// are not checksummed; protobuf skips unknown fields), other op types or attribute
// values that still make a valid chain. An accepted file's import must make a plan
// whose layers have exactly the values' lengths, masks 0/1, finite weights, and a
// network that builds on the GPU and releases every byte. A shuffle of the node
// order must be accepted and give exactly the seed's import.
import { importOnnx, type OnnxImport } from '../../../src/onnx/import.js';
import { onnx, type ModelProto } from '../../../src/onnx/proto.js';
import { planModel } from '../../../src/nn/spec.js';
import { Network } from '../../../src/nn/network.js';
import type { Door, FuzzCase } from '../harness.js';
import { damageBytes, garbage, pick } from '../mutate.js';
import { gpu } from '../gpu.js';
import type { Rng } from '../../../src/rng.js';

interface OnnxCase extends FuzzCase {
  bytes: Uint8Array;
  seed: number;
  /** The mutation keeps the model's meaning: the import must equal the seed's. */
  same: boolean;
}

const SEED_NAMES = ['mlp-opset11', 'cnn-opset17', 'bn-opset11', 'cnn-view-opset17', 'geom-opset11'];
let seeds: Uint8Array[] = [];
let seedImports: OnnxImport[] = [];

const OPS = ['Gemm', 'MatMul', 'Add', 'Conv', 'Relu', 'MaxPool', 'Flatten', 'Reshape', 'BatchNormalization', 'Dropout', 'Identity', 'Softmax', 'Sigmoid', 'AveragePool', 'GlobalAveragePool', 'GlobalMaxPool', 'Pad', 'Slice', 'Transpose', 'Loop', '', 'relu'];
const DTYPES = [0, 1, 2, 3, 6, 7, 9, 10, 11, 16, 99];

function shuffle<T>(rng: Rng, a: T[]): T[] {
  for (let i = a.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

// The decoded message as the door edits it (protobufjs fills absent repeated fields with []).
interface Attr { name: string; type: number; i: number; f: number; ints: number[] }
interface Node { name: string; opType: string; input: string[]; output: string[]; attribute: Attr[] }
interface Init { name: string; dims: number[]; dataType: number; rawData: Uint8Array; floatData: number[] }
interface ValueInfo { name: string; type?: { tensorType?: { elemType: number; shape?: { dim: Array<{ dimValue: number }> } } } }
interface Model { opsetImport: Array<{ version: number }>; graph: { node: Node[]; initializer: Init[]; input: ValueInfo[]; output: ValueInfo[] } }

function mutateGraph(rng: Rng, m: Model): { what: string; fields: string[]; same: boolean } {
  const g = m.graph;
  const nodes = g.node;
  const k = rng.int(12);
  const n = pick(rng, nodes);
  const name = n.name || '';
  if (k === 0) {
    shuffle(rng, nodes);
    return { what: 'nodes shuffled', fields: [], same: true };
  }
  if (k === 1) {
    nodes.splice(nodes.indexOf(n), 1);
    return { what: `node ${name} removed`, fields: [name], same: false };
  }
  if (k === 2) {
    const copy = onnx.NodeProto.decode(onnx.NodeProto.encode(n).finish()) as unknown as Node;
    nodes.splice(rng.int(nodes.length + 1), 0, copy);
    return { what: `node ${name} duplicated`, fields: [name, ...n.output], same: false };
  }
  if (k === 3) {
    n.opType = pick(rng, OPS);
    return { what: `node ${name} op type ${JSON.stringify(n.opType)}`, fields: [name], same: false };
  }
  if (k === 4 && n.attribute.length) {
    const a = pick(rng, n.attribute);
    const v = pick(rng, [-1, 0, 1, 2, 3, 2 ** 40, 7]);
    if (a.ints.length) a.ints[rng.int(a.ints.length)] = v;
    else if (a.type === onnx.AttributeProto.AttributeType.FLOAT) a.f = pick(rng, [NaN, -1, 0, 1e30, Infinity]);
    else a.i = v;
    if (rng.next() < 0.2) a.type = pick(rng, [0, 1, 2, 3, 7, 8]);
    return { what: `node ${name} attribute ${a.name} changed`, fields: [name], same: false };
  }
  if (k === 5 && n.input.length) {
    const j = rng.int(n.input.length);
    const later = nodes.slice(nodes.indexOf(n)).flatMap((x) => x.output);
    n.input[j] = pick(rng, ['', 'nowhere', ...later, g.output[0]!.name, g.input[0]!.name]);
    return { what: `node ${name} input ${j} = ${JSON.stringify(n.input[j])}`, fields: [name, n.input[j]!], same: false };
  }
  if (k === 6 && n.input.length > 1) {
    n.input.splice(1 + rng.int(n.input.length - 1), 1);
    return { what: `node ${name} lost an input`, fields: [name], same: false };
  }
  const t = pick(rng, g.initializer);
  const tn = t.name;
  if (k === 7) {
    g.initializer.splice(g.initializer.indexOf(t), 1);
    return { what: `initializer ${tn} removed`, fields: [tn, name], same: false };
  }
  if (k === 8) {
    const d = rng.int(Math.max(1, t.dims.length));
    t.dims[d] = pick(rng, [0, 1, 2, -1, 2 ** 33, Number(t.dims[d] ?? 1) + 1]);
    return { what: `initializer ${tn} dims[${d}] = ${String(t.dims[d])}`, fields: [tn], same: false };
  }
  if (k === 9) {
    if (rng.next() < 0.5) {
      t.dataType = pick(rng, DTYPES);
      return { what: `initializer ${tn} data type ${t.dataType}`, fields: [tn], same: false };
    }
    const raw = t.rawData;
    t.floatData = Array.from({ length: rng.int(4) + raw.length / 4 - 2 }, () => rng.next());
    if (rng.next() < 0.5) t.rawData = new Uint8Array(0);
    return { what: `initializer ${tn} float_data of ${t.floatData.length} values`, fields: [tn], same: false };
  }
  if (k === 10) {
    m.opsetImport[0]!.version = pick(rng, [1, 7, 8, 9, 13, 18, 19, 2 ** 40]);
    const v = Number(m.opsetImport[0]!.version);
    return { what: `opset ${v}`, fields: ['opset_import'], same: false };
  }
  const inp = g.input[0]!;
  const dims = inp.type!.tensorType!.shape!.dim;
  if (rng.next() < 0.3) inp.type!.tensorType!.elemType = pick(rng, DTYPES);
  else if (rng.next() < 0.5 && dims.length) dims.splice(rng.int(dims.length), 1);
  else if (dims.length > 1) dims[1 + rng.int(dims.length - 1)]!.dimValue = pick(rng, [0, 1, 3, 2 ** 30]);
  return { what: `graph input ${inp.name} type changed`, fields: [inp.name, 'graph.input'], same: false };
}

function sameImport(a: OnnxImport, b: OnnxImport): string | void {
  if (JSON.stringify(a.spec) !== JSON.stringify(b.spec)) return 'a shuffle changed the spec';
  for (const [i, v] of a.values.entries()) {
    const w = b.values[i]!;
    if (!v.w.every((x, j) => Object.is(x, w.w[j])) || !v.b.every((x, j) => Object.is(x, w.b[j])) || !v.mask.every((x, j) => x === w.mask[j])) return `a shuffle changed layer ${i}'s values`;
  }
}

export const onnxDoor: Door<OnnxCase> = {
  name: 'onnx',
  fastCases: 60,
  gpu,
  async setup() {
    seeds = await Promise.all(SEED_NAMES.map(async (n) => new Uint8Array(await (await fetch(new URL(`../../onnx/fixtures/${n}.onnx`, import.meta.url))).arrayBuffer())));
    seedImports = seeds.map((b) => importOnnx(b));
  },
  generate(rng) {
    const seed = rng.int(SEED_NAMES.length);
    const bytes = seeds[seed]!;
    const r = rng.next();
    if (r < 0.3) {
      const d = damageBytes(rng, bytes, bytes.length);
      return { repro: `${SEED_NAMES[seed]}: ${d.what}`, fields: ['bytes'], bytes: d.bytes, seed, same: false };
    }
    if (r < 0.35) return { repro: 'random garbage', fields: ['bytes'], bytes: garbage(rng, 200), seed, same: false };
    const m = onnx.ModelProto.decode(bytes);
    const mut = mutateGraph(rng, m as unknown as Model);
    return { repro: `${SEED_NAMES[seed]}: ${mut.what}`, fields: mut.fields.filter((f) => f !== ''), bytes: onnx.ModelProto.encode(m as ModelProto).finish(), seed, same: mut.same };
  },
  async run(c) {
    const r = importOnnx(c.bytes);
    const plan = planModel(r.spec);
    if (r.values.length !== plan.params.length) return `${r.values.length} layer values for ${plan.params.length} layers`;
    for (const [i, p] of plan.params.entries()) {
      const v = r.values[i]!;
      if (v.w.length !== p.weightCount || v.b.length !== p.biasCount || v.mask.length !== p.weightCount) return `${p.name} values have the wrong lengths`;
      if (!v.mask.every((x) => x === 0 || x === 1)) return `${p.name}.mask holds a value other than 0 or 1`;
      if (!v.w.every(Number.isFinite) || !v.b.every(Number.isFinite)) return `${p.name} holds a weight that is not finite`;
    }
    if (c.same) {
      const problem = sameImport(r, seedImports[c.seed]!);
      if (problem) return problem;
    }
    const net = Network.create(await gpu(), plan, { values: r.values });
    net.destroy();
  },
};
