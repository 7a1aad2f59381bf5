// ONNX import against PyTorch's own exporter: each committed fixture (torch 1.13
// torch.onnx.export, opsets 11 and 17; strided convs, F.pad and ZeroPad2d folded into
// Conv pads, overlapping MaxPool/AveragePool and GlobalAveragePool among them) is
// imported and run through our GPU forward pass, and the logits must equal the
// exporter's within 1e-4 (max abs), with the same predicted classes; two CNNs trained
// by PyTorch on MNIST must predict its classes on 1,000 test images. Small graphs written here check each operator's mapping to our
// layout exactly (CPU), and every malformed or unsupported file gets its named
// PruneLabError('invalid-data').
import { expect } from '@esm-bundle/chai';
import { importOnnx, SUPPORTED_OPS, type OnnxImport } from '../../src/onnx/import.js';
import { onnx } from '../../src/onnx/proto.js';
import { planModel } from '../../src/nn/spec.js';
import { Network } from '../../src/nn/network.js';
import { Executor } from '../../src/nn/executor.js';
import { networkRef } from '../../src/ref/network.js';
import { loadIdxPairFromUrls, mnistUrls } from '../../src/data/mnist.js';
import { gpu, readF32 } from '../helpers/gpu.js';
import { expectRefused } from '../data/helpers.js';
import { expectArgError, refusal } from '../helpers/errors.js';
import { FIXTURES, buildModel, encode, fixture, floats, int64s, modelObject, node, tinyCnn, tinyMlp, weights, type GraphParts } from './build.js';

/** Max abs difference on logits between our forward pass and the exporter's outputs. */
const ATOL = 1e-4;

async function gpuLogits(r: OnnxImport, input: Float32Array, rows: number): Promise<Float32Array> {
  const ctx = await gpu();
  const plan = planModel(r.spec);
  const net = Network.create(ctx, plan, { values: r.values });
  const ex = await Executor.create(net, rows, 'infer');
  try {
    ex.writeBatch(input, new Uint32Array(rows), rows);
    const enc = ctx.device.createCommandEncoder({ label: 'onnx import test forward' });
    const pass = enc.beginComputePass({ label: 'onnx import test forward' });
    ex.encodeForward(pass);
    pass.end();
    ctx.device.queue.submit([enc.finish()]);
    return await readF32(ctx, ex.logits, rows * plan.classes);
  } finally {
    ex.destroy();
    net.destroy();
  }
}

function maxAbs(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).to.equal(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

function argmaxRows(x: ArrayLike<number>, C: number): number[] {
  const out: number[] = [];
  for (let r = 0; r < x.length / C; r++) {
    let best = 0;
    for (let c = 1; c < C; c++) if (x[r * C + c]! > x[r * C + best]!) best = c;
    out.push(best);
  }
  return out;
}

function logSoftmax(x: ArrayLike<number>, C: number): number[] {
  const out: number[] = [];
  for (let r = 0; r < x.length / C; r++) {
    const row = Array.from({ length: C }, (_, c) => x[r * C + c]!);
    const m = Math.max(...row);
    const lse = m + Math.log(row.reduce((s, v) => s + Math.exp(v - m), 0));
    out.push(...row.map((v) => v - lse));
  }
  return out;
}

const refuse = (bytes: Uint8Array, field: string, message: RegExp) => expectRefused(() => importOnnx(bytes), 'invalid-data', field, message);

describe('ONNX import: PyTorch fixtures through our GPU forward pass', () => {
  for (const name of FIXTURES) {
    it(`${name}: logits equal the exporter's within ${ATOL}, same classes`, async () => {
      const { bytes, meta } = await fixture(name);
      const r = importOnnx(bytes);
      expect(r.opset).to.equal(meta.opset);
      expect(r.producer).to.match(/^pytorch/);
      const plan = planModel(r.spec);
      const C = plan.classes;
      const x = Float32Array.from(meta.input);
      const ours = await gpuLogits(r, x, meta.rows);
      const diff = maxAbs(ours, meta.logits);
      expect(diff, `max abs ${diff}`).to.be.at.most(ATOL);
      expect(argmaxRows(ours, C)).to.deep.equal(argmaxRows(meta.logits, C));
      // The CPU oracle of the whole network agrees too (so the GPU is not the only witness).
      expect(maxAbs(networkRef(plan, r.values, x, new Uint32Array(meta.rows), meta.rows).logits, meta.logits)).to.be.at.most(ATOL);
      if (meta.ops.includes('LogSoftmax')) {
        expect(r.notes).to.deep.include({ node: '/LogSoftmax', op: 'LogSoftmax', action: 'stripped' });
        expect(maxAbs(logSoftmax(ours, C), meta.output)).to.be.at.most(ATOL);
      }
    });
  }

  for (const name of ['mnist-cnn-opset13', 'mnist-geom-opset13']) {
    it(`${name} (trained by PyTorch): logits on the first 8 MNIST test images within 1e-4, its classes on 1,000 and so its accuracy`, async () => {
      const [bytes, meta, test] = await Promise.all([
        fetch(new URL(`./fixtures/${name}.onnx`, import.meta.url)).then(async (r) => new Uint8Array(await r.arrayBuffer())),
        fetch(new URL(`./fixtures/${name}.json`, import.meta.url)).then((r) => r.json() as Promise<{ logits8: number[]; predictions: number[]; correct: number; testRows: number }>),
        loadIdxPairFromUrls(mnistUrls(location.href).test),
      ]);
      const r = importOnnx(bytes);
      expect(r.input).to.deep.equal({ name: 'image', layout: 'nchw' });
      const ours = await gpuLogits(r, test.images.subarray(0, 8 * 784), 8);
      expect(maxAbs(ours, meta.logits8)).to.be.at.most(ATOL);
      expect(argmaxRows(ours, 10)).to.deep.equal(meta.predictions.slice(0, 8));
      // The 1,000 rows on the CPU oracle (the GPU's agreement is the 8 above): the same classes, hence the
      // exporter's accuracy, which is a trained model's (not a constant guess).
      const n = meta.testRows;
      const all = argmaxRows(networkRef(planModel(r.spec), r.values, test.images.subarray(0, n * 784), test.labels.subarray(0, n) as unknown as Uint32Array, n).logits, 10);
      const differ = all.filter((c, i) => c !== meta.predictions[i]).length;
      expect(differ, `${differ} of ${n} classes differ from the exporter's`).to.equal(0);
      expect(all.filter((c, i) => c === test.labels[i]).length).to.equal(meta.correct);
      expect(meta.correct / n, 'accuracy of the trained fixture').to.be.above(0.8);
    });
  }

  it('maps each fixture onto the layers it holds, and lists what was folded, dropped and stripped', async () => {
    const mlp = importOnnx((await fixture('mlp-opset17')).bytes);
    expect(mlp.spec.input).to.deep.equal({ C: 1, H: 1, W: 20 });
    expect(mlp.input.layout).to.equal('flat');
    expect(mlp.spec.layers.map((l) => l.type)).to.deep.equal(['linear', 'relu', 'linear', 'relu', 'linear']);
    expect(mlp.layers.map((l) => [l.name, l.weight])).to.deep.equal([['fc1', 'fc1.weight'], ['fc2', 'fc2.weight'], ['fc3', 'fc3.weight']]);
    const cnn = importOnnx((await fixture('cnn-reshape-opset11')).bytes);
    expect(cnn.spec.input).to.deep.equal({ C: 1, H: 12, W: 12 });
    expect(cnn.spec.layers).to.deep.equal([
      { type: 'conv2d', filters: 4, kernel: 3, padding: 'same' }, { type: 'relu' }, { type: 'maxpool2d', size: 2 },
      { type: 'conv2d', filters: 6, kernel: 3 }, { type: 'relu' }, { type: 'maxpool2d', size: 2 },
      { type: 'flatten' }, { type: 'linear', units: 16 }, { type: 'relu' }, { type: 'linear', units: 10 },
    ]);
    expect(cnn.notes).to.deep.equal([]);
    // x.view(x.size(0), -1) with a dynamic batch: the Shape → Gather → Unsqueeze → Concat shape folds to a flatten.
    for (const name of ['cnn-view-opset11', 'cnn-view-opset17']) expect(importOnnx((await fixture(name)).bytes).spec.layers).to.deep.equal(cnn.spec.layers);
    const bn = importOnnx((await fixture('bn-opset17')).bytes);
    expect(bn.notes.map((n) => [n.op, n.action, n.into ?? ''])).to.deep.equal([
      ['BatchNormalization', 'folded', '/c1/Conv'], ['Dropout', 'dropped', ''], ['Identity', 'dropped', ''], ['BatchNormalization', 'folded', '/fc1/Gemm'],
    ]);
    // Strides, Pad nodes folded into the Conv after them, overlapping pools, GlobalAveragePool as a pool over the whole plane.
    const geom = importOnnx((await fixture('geom-opset17')).bytes);
    expect(geom.spec.layers).to.deep.equal([
      { type: 'conv2d', filters: 4, kernel: 3, padding: 'same', stride: 2 }, { type: 'relu' },
      { type: 'conv2d', filters: 5, kernel: 2, pads: [2, 1, 0, 0] }, { type: 'relu' }, { type: 'maxpool2d', size: 2, stride: 1 },
      { type: 'avgpool2d', size: 3, stride: 2 }, { type: 'avgpool2d', size: 2 }, { type: 'flatten' }, { type: 'linear', units: 3 },
    ]);
    // F.pad's pads come from a ConstantOfShape → Concat → Reshape → Slice → Transpose → Reshape → Cast chain, folded.
    expect(geom.notes).to.deep.equal([{ node: '/Pad', op: 'Pad', action: 'folded', into: '/c2/Conv' }, { node: '/Pad_1', op: 'Pad', action: 'dropped' }]);
    const mg = importOnnx((await (await fetch(new URL('./fixtures/mnist-geom-opset13.onnx', import.meta.url))).arrayBuffer().then((b) => new Uint8Array(b))));
    expect(mg.spec.layers.slice(0, 3)).to.deep.equal([{ type: 'conv2d', filters: 6, kernel: 3, pads: [0, 0, 1, 1], stride: 2 }, { type: 'relu' }, { type: 'maxpool2d', size: 3, stride: 2 }]);
    // Dense fixtures have no exact zeros: every weight kept.
    for (const v of [...mlp.values, ...cnn.values, ...bn.values]) expect(v.mask.every((m) => m === 1)).to.equal(true);
  });
});

describe('ONNX import: operators onto our layout (CPU, exact)', () => {
  it('Gemm transB = 1 (N×K) becomes our K×N; transB = 0 with alpha and beta is scaled', () => {
    const r = importOnnx(buildModel(tinyMlp(6, 5, 3)));
    const w1 = weights(30, 1);
    for (let k = 0; k < 6; k++) for (let n = 0; n < 5; n++) expect(r.values[0]!.w[k * 5 + n]).to.equal(w1[n * 6 + k]);
    expect(Array.from(r.values[0]!.b)).to.deep.equal(Array.from(weights(5, 2)));
    const p = tinyMlp(6, 5, 3);
    p.nodes[0] = node('Gemm', ['x', 'w1', 'b1'], ['h'], 'fc1', { alpha: { float: 2 }, beta: { float: 0.5 } });
    p.initializers![0] = floats('w1', [6, 5], w1);
    const s = importOnnx(buildModel(p));
    expect(Array.from(s.values[0]!.w)).to.deep.equal(Array.from(w1, (v) => Math.fround(2 * v)));
    expect(Array.from(s.values[0]!.b)).to.deep.equal(Array.from(weights(5, 2), (v) => Math.fround(0.5 * v)));
  });

  it('a Flatten of the image input itself leaves no flatten layer (as LeNet-300-100\'s spec)', () => {
    const p = tinyMlp(6, 5, 3);
    p.input = [1, 1, 2, 3];
    p.nodes.unshift(node('Flatten', ['x'], ['xf'], 'flatten0'));
    p.nodes[1]!.input![0] = 'xf';
    const r = importOnnx(buildModel(p));
    expect(r.spec).to.deep.equal({ name: 'test', input: { C: 1, H: 2, W: 3 }, layers: [{ type: 'linear', units: 5 }, { type: 'relu' }, { type: 'linear', units: 3 }] });
    expect(r.input.layout).to.equal('nchw');
  });

  it('a standardisation prelude (Sub mean, Div std) is stripped and returned; Sub elsewhere is refused', () => {
    const p = tinyMlp(3, 2, 2);
    p.nodes.unshift(node('Sub', ['x', 'mean'], ['xc'], 'sub0'), node('Div', ['xc', 'std'], ['xs'], 'div0'));
    p.nodes[2]!.input![0] = 'xs';
    p.initializers!.push(floats('mean', [3], [0.5, -1, 2]), floats('std', [1, 3], [2, 4, 0.25]));
    const r = importOnnx(buildModel(p));
    expect(r.spec.layers.map((l) => l.type)).to.deep.equal(['linear', 'relu', 'linear']);
    expect(Array.from(r.standardize!.mean)).to.deep.equal([0.5, -1, 2]);
    expect(Array.from(r.standardize!.std)).to.deep.equal([2, 4, 0.25]);
    expect(r.notes.map((x) => [x.op, x.action])).to.deep.equal([['Sub', 'stripped'], ['Div', 'stripped']]);
    expect(importOnnx(buildModel(tinyMlp())).standardize).to.equal(undefined);
    const q = tinyMlp(3, 2, 2);
    q.nodes.splice(2, 0, node('Sub', ['r', 'mean'], ['rs'], 'sub_mid'));
    q.nodes[3]!.input![0] = 'rs';
    q.initializers!.push(floats('mean', [2], [0, 1]));
    refuse(buildModel(q), 'sub_mid', /standardisation prelude/);
  });

  it('MatMul followed by Add is one linear layer with that bias; a bias [1, N] broadcasts', () => {
    const p = tinyMlp(4, 3, 2);
    p.nodes.splice(0, 1, node('MatMul', ['x', 'w1'], ['m'], 'mm1'), node('Add', ['b1', 'm'], ['h'], 'add1'));
    p.initializers![0] = floats('w1', [4, 3], weights(12, 9));
    p.initializers![1] = floats('b1', [1, 3], [0.25, -0.5, 1]);
    const r = importOnnx(buildModel(p));
    expect(r.spec.layers.map((l) => l.type)).to.deep.equal(['linear', 'relu', 'linear']);
    expect(Array.from(r.values[0]!.w)).to.deep.equal(Array.from(weights(12, 9)));
    expect(Array.from(r.values[0]!.b)).to.deep.equal([0.25, -0.5, 1]);
    expect(r.notes).to.deep.equal([{ node: 'add1', op: 'Add', action: 'folded', into: 'mm1' }]);
  });

  it('Conv strides, uneven pads and SAME_* at stride 2 (the extra row below/right for UPPER, above/left for LOWER)', () => {
    /** The conv layer read from a Conv with `attrs` on 1×6×6, whose pads and stride are expected to be `pads`, `stride`. */
    const conv = (attrs: Record<string, number[] | string>, k: number, pads: [number, number, number, number], stride: number) => {
      const p = tinyCnn();
      p.nodes[0] = node('Conv', ['x', 'cw', 'cb'], ['c'], 'conv1', { kernel_shape: [k, k], ...attrs });
      p.initializers![0] = floats('cw', [2, 1, k, k], weights(2 * k * k, 5));
      p.nodes[2] = node('MaxPool', ['r'], ['p'], 'pool1', { kernel_shape: [1, 1] });
      const out = planModel({ input: { C: 1, H: 6, W: 6 }, layers: [{ type: 'conv2d', filters: 2, kernel: k, pads, stride }, { type: 'flatten' }, { type: 'linear', units: 3 }] }).params[0]!.out;
      p.initializers![2] = floats('w', [3, out], weights(3 * out, 7));
      const r = importOnnx(buildModel(p));
      expect(planModel(r.spec).params[0]!.conv, JSON.stringify(attrs)).to.deep.include({ pads, stride });
      return r.spec.layers[0]!;
    };
    expect(conv({ strides: [2, 2], pads: [0, 1, 1, 0] }, 3, [0, 1, 1, 0], 2)).to.deep.equal({ type: 'conv2d', filters: 2, kernel: 3, pads: [0, 1, 1, 0], stride: 2 });
    expect(conv({ strides: [3, 3], pads: [1, 1, 1, 1] }, 3, [1, 1, 1, 1], 3)).to.deep.equal({ type: 'conv2d', filters: 2, kernel: 3, padding: 'same', stride: 3 });
    // 6 at stride 2, k = 3: output 3, total padding (3−1)·2 + 3 − 6 = 1, which goes below/right (UPPER) or above/left (LOWER).
    expect(conv({ strides: [2, 2], auto_pad: 'SAME_UPPER' }, 3, [0, 0, 1, 1], 2)).to.deep.equal({ type: 'conv2d', filters: 2, kernel: 3, pads: [0, 0, 1, 1], stride: 2 });
    expect(conv({ strides: [2, 2], auto_pad: 'SAME_LOWER' }, 3, [1, 1, 0, 0], 2)).to.deep.equal({ type: 'conv2d', filters: 2, kernel: 3, pads: [1, 1, 0, 0], stride: 2 });
    // An even kernel at stride 1: total 3, split 1 + 2.
    expect(conv({ auto_pad: 'SAME_UPPER' }, 4, [1, 1, 2, 2], 1)).to.deep.equal({ type: 'conv2d', filters: 2, kernel: 4, pads: [1, 1, 2, 2] });
  });

  it('Conv pads and auto_pad: (k−1)/2 and SAME_* read as same, 0 and VALID as valid', () => {
    const padding = (attrs: Record<string, number[] | string>) => {
      const p = tinyCnn();
      p.nodes[0] = node('Conv', ['x', 'cw', 'cb'], ['c'], 'conv1', attrs);
      const valid = Object.values(attrs).includes('VALID') || (Array.isArray(attrs.pads) && attrs.pads.every((v) => v === 0));
      if (valid) p.initializers![2] = floats('w', [3, 8], weights(24, 7)); // 2×4×4 → pool → 2×2×2
      const l = importOnnx(buildModel(p)).spec.layers[0]!;
      return l.type === 'conv2d' ? l.padding ?? 'valid' : undefined;
    };
    expect(padding({ pads: [1, 1, 1, 1] })).to.equal('same');
    expect(padding({ auto_pad: 'SAME_UPPER' })).to.equal('same');
    expect(padding({ auto_pad: 'SAME_LOWER' })).to.equal('same');
    expect(padding({ auto_pad: 'VALID' })).to.equal('valid');
    expect(padding({ pads: [0, 0, 0, 0] })).to.equal('valid');
  });

  it('nodes and Constant nodes in any order; raw_data, float_data, DOUBLE and FLOAT16 give the same weights', () => {
    const p = tinyCnn();
    const reshape = [node('Reshape', ['p', 'shape'], ['f'], 'reshape1'), node('Constant', [], ['shape'], 'const1')];
    reshape[1]!.attribute = [{ name: 'value', type: onnx.AttributeProto.AttributeType.TENSOR, t: int64s('', [-1, 18]) }];
    p.nodes.splice(3, 1, ...reshape);
    p.nodes.reverse();
    p.initializers = p.initializers!.map((t) => floats(t.name!, t.dims as number[], t.floatData!, true));
    const raw = importOnnx(buildModel(p));
    const plain = importOnnx(buildModel(tinyCnn()));
    expect(raw.spec).to.deep.equal(plain.spec);
    raw.values.forEach((v, i) => expect(Array.from(v.w)).to.deep.equal(Array.from(plain.values[i]!.w)));
    const q = tinyCnn();
    const cw = q.initializers![0]!;
    q.initializers![0] = { name: 'cw', dims: cw.dims, dataType: onnx.TensorProto.DataType.DOUBLE, doubleData: cw.floatData };
    expect(Array.from(importOnnx(buildModel(q)).values[0]!.w)).to.deep.equal(Array.from(plain.values[0]!.w));
    // FLOAT16: 1.5 = 0x3e00, -2 = 0xc000, 2^-24 = 0x0001 (subnormal); in int32_data.
    const h = tinyMlp(2, 1, 2);
    h.initializers![0] = { name: 'w1', dims: [1, 2], dataType: onnx.TensorProto.DataType.FLOAT16, int32Data: [0x3e00, 0xc000] };
    h.initializers![2] = { name: 'w2', dims: [2, 1], dataType: onnx.TensorProto.DataType.FLOAT16, int32Data: [0x0001, 0x3c00] };
    const hv = importOnnx(buildModel(h)).values;
    expect(Array.from(hv[0]!.w)).to.deep.equal([1.5, -2]);
    expect(Array.from(hv[1]!.w)).to.deep.equal([Math.fround(2 ** -24), 1]);
  });

  it('masks: exact zeros are pruned (masks: "none" keeps all); a sparse_initializer keeps what it lists', () => {
    const p = tinyMlp(3, 2, 2);
    const w1 = [0, 1, 2, 0, 0, 3]; // N×K = 2×3
    p.initializers![0] = floats('w1', [2, 3], w1);
    expect(Array.from(importOnnx(buildModel(p)).values[0]!.mask)).to.deep.equal([0, 0, 1, 0, 1, 1]); // K×N
    expect(Array.from(importOnnx(buildModel(p), { masks: 'none' }).values[0]!.mask)).to.deep.equal([1, 1, 1, 1, 1, 1]);
    const s = tinyMlp(3, 2, 2);
    s.initializers!.splice(0, 1);
    // Listed: (0,1) = 1, (1,2) = 3, and (0,0) = 0 (an explicit zero, kept).
    s.sparse = [{ dims: [2, 3], values: floats('w1', [3], [1, 3, 0]), indices: { name: 'w1_idx', dims: [3], dataType: onnx.TensorProto.DataType.INT64, int64Data: [1, 5, 0] } }];
    const sv = importOnnx(buildModel(s)).values[0]!;
    expect(Array.from(sv.w)).to.deep.equal([0, 0, 1, 0, 0, 3]);
    expect(Array.from(sv.mask)).to.deep.equal([1, 0, 1, 0, 0, 1]);
  });
});

describe('ONNX import: refusals name the node or tensor', () => {
  it('an operator it does not read: names the node, its op type and the supported list', () => {
    const p = tinyMlp();
    p.nodes[1] = node('Sigmoid', ['h'], ['r'], 'act1');
    refuse(buildModel(p), 'act1', new RegExp(`op type Sigmoid.*supported: ${SUPPORTED_OPS.join(', ')}`));
  });

  it('Conv, pool and Pad attributes outside what our layers compute', () => {
    const conv = (attrs: Record<string, number | number[] | string>, re: RegExp) => {
      const p = tinyCnn();
      p.nodes[0] = node('Conv', ['x', 'cw', 'cb'], ['c'], 'conv1', attrs);
      refuse(buildModel(p), 'conv1', re);
    };
    conv({ strides: [2, 1] }, /strides \[2, 1\].*equal strides \[s, s\]/);
    conv({ strides: [0, 0] }, /strides \[0, 0\]/);
    conv({ pads: [1, 1, 0] }, /pads \[1, 1, 0\].*\[top, left, bottom, right\]/);
    conv({ pads: [1, -1, 0, 0] }, /pads \[1, -1, 0, 0\].*each ≥ 0/);
    conv({ auto_pad: 'SAME_UPPER', pads: [1, 1, 1, 1] }, /auto_pad SAME_UPPER and pads/);
    conv({ auto_pad: 'FULL' }, /auto_pad 'FULL'.*NOTSET, VALID, SAME_UPPER or SAME_LOWER/);
    conv({ dilations: [2, 2] }, /dilations/);
    conv({ group: 2 }, /group = 2/);
    conv({ foo: 1 }, /attribute 'foo'/);
    for (const op of ['MaxPool', 'AveragePool']) {
      const pool = (attrs: Record<string, number | number[] | string>, re: RegExp) => {
        const p = tinyCnn();
        p.nodes[2] = node(op, ['r'], ['p'], 'pool1', { kernel_shape: [2, 2], ...attrs });
        refuse(buildModel(p), 'pool1', re);
      };
      pool({ strides: [2, 1] }, /equal strides \[s, s\]/);
      pool({ kernel_shape: [2, 3] }, /square pooling windows only/);
      pool({ pads: [1, 1, 1, 1] }, /pads \[1, 1, 1, 1\].*unpadded pooling only/);
      pool({ auto_pad: 'SAME_UPPER' }, /auto_pad 'SAME_UPPER'.*NOTSET or VALID/);
      pool({ kernel_shape: [3, 3], strides: [2, 2], ceil_mode: 1 }, /ceil_mode = 1.*partial window/);
      pool({ kernel_shape: [7, 7] }, /window 7 is larger than its 6×6 input/);
    }
    // count_include_pad belongs to AveragePool only.
    const q = tinyCnn();
    q.nodes[2] = node('MaxPool', ['r'], ['p'], 'pool1', { kernel_shape: [2, 2], count_include_pad: 1 });
    refuse(buildModel(q), 'pool1', /attribute 'count_include_pad'.*MaxPool attributes/);
    // Pads in the Pad node: zero padding of H and W only, and only into a Conv right after it.
    const padded = (pads: number[], attrs: Record<string, number | number[] | string> = {}, then?: 'pool') => {
      const p = { ...tinyCnn(), inputName: 'x0' };
      p.nodes.unshift(node('Pad', ['x0', 'pads'], ['x'], 'pad1', attrs));
      p.initializers!.push(int64s('pads', pads));
      if (then === 'pool') {
        // Pad → Relu: not into a Conv.
        p.nodes.splice(1, 0, node('Relu', ['x'], ['x1'], 'relu0'));
        p.nodes[2] = node('Conv', ['x1', 'cw', 'cb'], ['c'], 'conv1', { kernel_shape: [3, 3], pads: [1, 1, 1, 1] });
      }
      return buildModel(p);
    };
    expectRefused(() => importOnnx((padded([0, 1, 0, 0, 0, 0, 0, 0]))), 'invalid-data', 'pad1', /pads \[0, 1, 0, 0, 0, 0, 0, 0\].*\[0, 0, top, left, 0, 0, bottom, right\]/);
    expectRefused(() => importOnnx((padded([0, 0, 1, 0, 0, 0, 0, 0], { mode: 'reflect' }))), 'invalid-data', 'pad1', /mode 'reflect'.*zero padding only/);
    expectRefused(() => importOnnx((padded([0, 0, 1, 0, 0, 0, 0, 0], {}, 'pool'))), 'invalid-data', 'pad1', /followed by relu0 \(Relu\).*only into the Conv right after it/);
  });

  it('truncated, garbage and empty bytes', async () => {
    const { bytes } = await fixture('cnn-opset17');
    for (const b of [bytes.slice(0, 1), bytes.slice(0, 7), bytes.slice(0, 100), bytes.slice(0, bytes.length - 3), new Uint8Array(0), Uint8Array.from({ length: 64 }, (_, i) => (i * 97 + 13) & 255)]) {
      const e = await refusal(() => importOnnx(b));
      expect(e.code, e.message).to.equal('invalid-data');
      expect(e.message).to.match(/^onnx: /);
      expect(e.field).to.be.a('string').and.not.equal('');
    }
    refuse(bytes.slice(0, 7), 'bytes', /could not be decoded/);
    await expectArgError(() => importOnnx('model.onnx' as unknown as Uint8Array), 'bytes');
  });

  it('tensors: a size that does not match the dims, raw_data with float_data, a data type it does not read, NaN', () => {
    const sized = tinyMlp();
    sized.initializers![0] = floats('w1', [5, 6], weights(29, 1));
    refuse(buildModel(sized), 'w1', /dims \[5, 6\] \(30 values\).*29/);
    const both = tinyMlp();
    both.initializers![0] = { ...floats('w1', [5, 6], weights(30, 1), true), floatData: Array.from(weights(30, 1)) };
    refuse(buildModel(both), 'w1', /both raw_data and float_data/);
    const int8 = tinyMlp();
    int8.initializers![0] = { name: 'w1', dims: [5, 6], dataType: onnx.TensorProto.DataType.INT8, rawData: new Uint8Array(30) };
    refuse(buildModel(int8), 'w1', /data type INT8/);
    const nan = tinyMlp();
    nan.initializers![1] = floats('b1', [5], [0, 1, NaN, 0, 0]);
    refuse(buildModel(nan), 'b1', /value \[2\] is NaN/);
    const shape = tinyMlp();
    shape.initializers![0] = floats('w1', [5, 7], weights(35, 1));
    refuse(buildModel(shape), 'w1', /K = 7, but its input has 6 features/);
  });

  it('graphs: a cycle, a dangling input, a branch, a node off the path, a missing opset, a Softmax before the end', () => {
    const off = tinyMlp();
    off.nodes.push(node('Relu', ['b1'], ['unused'], 'relu_off'));
    refuse(buildModel(off), 'relu_off', /not on the path from graph input 'x' to graph output 'y'/);
    const loop = tinyMlp();
    loop.nodes[0] = node('Add', ['x', 'y'], ['h'], 'add0');
    loop.nodes[2] = node('Relu', ['r'], ['y'], 'relu2');
    refuse(buildModel(loop), 'add0', /cycle/);
    const dangling = tinyMlp();
    dangling.nodes[2] = node('Gemm', ['r', 'w_missing', 'b2'], ['y'], 'fc2', { transB: 1 });
    refuse(buildModel(dangling), 'fc2', /tensor 'w_missing', which no node, initializer or graph input produces/);
    const branch = tinyMlp();
    branch.nodes.push(node('Relu', ['h'], ['r2'], 'relu_b'));
    refuse(buildModel(branch), 'h', /feeds 2 nodes.*no branches/);
    const opset = modelObject(tinyMlp());
    opset.opsetImport = [{ domain: '', version: 7 }];
    refuse(encode(opset), 'opset_import', /opset 7.*9–18/);
    const soft = tinyMlp();
    soft.nodes[1] = node('Softmax', ['h'], ['r'], 'sm1');
    refuse(buildModel(soft), 'sm1', /not the last node/);
    const bnFirst: GraphParts = { ...tinyMlp(), nodes: [node('Relu', ['x'], ['x2'], 'relu0'), node('BatchNormalization', ['x2', 's', 'b', 'm', 'v'], ['h'], 'bn0'), ...tinyMlp().nodes.slice(1)] };
    bnFirst.initializers = [...tinyMlp().initializers!, ...['s', 'b', 'm', 'v'].map((n) => floats(n, [6], weights(6, 3)))];
    refuse(buildModel(bnFirst), 'bn0', /must directly follow a Gemm, MatMul or Conv/);
    const grouped = tinyCnn();
    grouped.nodes[0]!.domain = 'com.microsoft';
    refuse(buildModel(grouped), 'conv1', /domain 'com.microsoft'/);
  });

  it('a computed Reshape shape that does not flatten, and a Shape of a tensor off the path', async () => {
    const { bytes } = await fixture('cnn-view-opset17');
    const m = onnx.ModelProto.decode(bytes);
    const g = m.graph!;
    const concat = g.node!.find((n) => n.opType === 'Concat')!;
    const extra = node('Constant', [], ['two'], 'const_two');
    extra.attribute = [{ name: 'value', type: onnx.AttributeProto.AttributeType.TENSOR, t: int64s('', [2]) }];
    g.node!.unshift(extra);
    concat.input = [...concat.input!, 'two'];
    refuse(onnx.ModelProto.encode(m).finish(), '/Reshape', /Reshape\) to shape \[N, -1, 2\] is not read/);
    const p = tinyMlp();
    p.nodes.push(node('Shape', ['b1'], ['s'], 'shape_off'), node('Reshape', ['y0', 's'], ['y'], 'reshape_end'));
    p.nodes[2]!.output = ['y0'];
    refuse(buildModel(p), 'shape_off', /Shape\) reads tensor 'b1', which is not on the path/);
  });

  it('a model that does not end in a linear layer', () => {
    const p = tinyMlp();
    p.nodes.push(node('Relu', ['y'], ['z'], 'relu_end'));
    refuse(buildModel({ ...p, output: 'z' }), 'model.layers', /must end with a linear layer/);
  });
});
