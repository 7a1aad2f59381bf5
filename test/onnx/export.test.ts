// ONNX export on the CPU: what each form writes (read back with onnx-proto: the
// graph's nodes and attributes, initializers bit for bit, COO entries), the dead-unit
// shrink against the CPU network oracle, the round trip through the importer (weights
// bit-exact, masks exact), the size table, and every refusal naming its field.
// ONNX Runtime running the files is test/node/onnx-ort.test.mjs.
import { expect } from '@esm-bundle/chai';
import { encodeOnnx, exportOnnx, flatInput, shrinkDeadUnits, OPSET_RANGE, type ExportModel } from '../../src/onnx/export.js';
import { formatOnnxSizeTable, gzipSize, onnxSizeTable } from '../../src/onnx/size.js';
import { importOnnx } from '../../src/onnx/import.js';
import type * as P from 'onnx-proto';
import { onnx, int64, type ModelProto } from '../../src/onnx/proto.js';
import { planModel, type ModelSpec } from '../../src/nn/spec.js';
import { initialValues, type LayerValues } from '../../src/nn/network.js';
import { networkRef } from '../../src/ref/network.js';
import { Rng } from '../../src/rng.js';
import { expectClose, expectEqualArrays } from '../helpers/compare.js';
import { expectArgError, refusal } from '../helpers/errors.js';

const CNN: ModelSpec = {
  name: 'tiny-cnn',
  input: { C: 2, H: 9, W: 7 },
  layers: [
    { type: 'conv2d', filters: 3, kernel: 3, padding: 'same' }, { type: 'relu' }, { type: 'maxpool2d', size: 2 },
    { type: 'conv2d', filters: 5, kernel: 3 }, { type: 'flatten' },
    { type: 'linear', units: 7 }, { type: 'relu' }, { type: 'linear', units: 4 },
  ],
};
/** Strided convs with uneven pads, an overlapping max pool and an average pool. */
const GEOM: ModelSpec = {
  name: 'geom-cnn',
  input: { C: 2, H: 12, W: 11 },
  layers: [
    { type: 'conv2d', filters: 3, kernel: 3, stride: 2, pads: [0, 1, 1, 0] }, { type: 'relu' }, { type: 'maxpool2d', size: 3, stride: 1 },
    { type: 'conv2d', filters: 4, kernel: 3, padding: 'same', stride: 2 }, { type: 'avgpool2d', size: 2, stride: 1 }, { type: 'flatten' },
    { type: 'linear', units: 3 },
  ],
};
const MLP: ModelSpec = { input: { C: 1, H: 1, W: 13 }, layers: [{ type: 'linear', units: 17 }, { type: 'relu' }, { type: 'linear', units: 3 }] };

/** Seeded weights and biases, with a seeded ~60% of the weights masked in every layer but `dense`. */
function pruned(spec: ModelSpec, seed: number, dense: number[] = []): ExportModel {
  const plan = planModel(spec);
  const rng = new Rng(seed);
  const values = initialValues(plan, seed).map((v, i) => ({
    w: v.w, b: rng.uniformArray(v.b.length, -0.3, 0.3),
    mask: dense.includes(i) ? v.mask : Uint8Array.from(v.mask, () => (rng.next() < 0.6 ? 0 : 1)),
  }));
  return { spec, values };
}

function masked(v: LayerValues): Float32Array {
  return v.w.map((x, j) => (v.mask[j] ? x : 0));
}

function decode(bytes: Uint8Array): ModelProto {
  return onnx.ModelProto.decode(bytes);
}

/** The decoded graph (protobufjs fills every repeated field, so the class type holds). */
function graphOf(p: ModelProto): P.onnx.GraphProto {
  return p.graph as P.onnx.GraphProto;
}

/** An int64 list (numbers or Longs) as numbers. */
function ints(a: unknown[] | null | undefined): number[] {
  return (a ?? []).map((x) => int64(x as number));
}

function rawFloats(t: { rawData?: Uint8Array | null }): Float32Array {
  const r = t.rawData!;
  return new Float32Array(r.slice().buffer);
}

function attrs(n: { attribute?: Array<{ name?: string | null; i?: unknown; ints?: unknown[] | null }> | null }): Record<string, number | number[]> {
  return Object.fromEntries((n.attribute ?? []).map((a) => [a.name!, a.ints && a.ints.length > 0 ? a.ints.map((x) => int64(x as number)) : int64(a.i as number)]));
}

function logitsOf(m: ExportModel, x: Float32Array, B: number): Float32Array {
  const plan = planModel(m.spec);
  return networkRef(plan, m.values, x, new Uint32Array(B), B).logits;
}

describe('exportOnnx: dense form', () => {
  it('writes Conv/Relu/MaxPool/Flatten/Gemm in order with the layers\' attributes, the masked weights bit for bit, and a dynamic batch', async () => {
    const m = pruned(CNN, 3);
    const p = decode(await exportOnnx(m, { form: 'dense' }));
    expect(int64(p.irVersion as number)).to.equal(7);
    expect(p.opsetImport.map((o) => [o.domain, int64(o.version as number)])).to.deep.equal([['', OPSET_RANGE.default]]);
    const g = graphOf(p);
    expect(g.node.map((n) => n.opType)).to.deep.equal(['Conv', 'Relu', 'MaxPool', 'Conv', 'Flatten', 'Gemm', 'Relu', 'Gemm']);
    expect(attrs(g.node[0]!)).to.deep.equal({ kernel_shape: [3, 3], pads: [1, 1, 1, 1], strides: [1, 1], dilations: [1, 1], group: 1 });
    expect(attrs(g.node[2]!)).to.deep.equal({ kernel_shape: [2, 2], strides: [2, 2], pads: [0, 0, 0, 0] });
    expect(attrs(g.node[3]!).pads).to.deep.equal([0, 0, 0, 0]);
    expect(attrs(g.node[4]!)).to.deep.equal({ axis: 1 });
    expect(attrs(g.node[5]!)).to.deep.equal({ transB: 0 });
    // Each node reads the one before; the last writes the graph's output.
    for (let i = 1; i < g.node.length; i++) expect(g.node[i]!.input![0]).to.equal(g.node[i - 1]!.output![0]);
    expect(g.node[0]!.input![0]).to.equal('input');
    expect(g.node.at(-1)!.output).to.deep.equal(['logits']);
    const dims = (v: { type?: { tensorType?: { shape?: { dim?: Array<{ dimParam?: string | null; dimValue?: unknown }> | null } | null } | null } | null }): Array<string | number> =>
      v.type!.tensorType!.shape!.dim!.map((d) => d.dimParam || int64(d.dimValue as number));
    expect(dims(g.input![0]!)).to.deep.equal(['N', 2, 9, 7]);
    expect(dims(g.output![0]!)).to.deep.equal(['N', 4]);
    expect(g.sparseInitializer).to.have.length(0);
    const plan = planModel(CNN);
    const init = new Map(g.initializer.map((t) => [t.name!, t]));
    plan.params.forEach((op, i) => {
      const w = init.get(`${op.name}.weight`)!;
      expect(ints(w.dims), op.name).to.deep.equal(op.kind === 'linear' ? [op.in, op.out] : op.weightShape);
      expect(w.dataType).to.equal(onnx.TensorProto.DataType.FLOAT);
      expectEqualArrays(rawFloats(w), masked(m.values[i]!), `${op.name}.weight`);
      expectEqualArrays(rawFloats(init.get(`${op.name}.bias`)!), m.values[i]!.b, `${op.name}.bias`);
    });
  });

  it('a 1×1×F MLP reads a flat [N, F] input, without a Flatten', async () => {
    expect(flatInput(planModel(MLP))).to.equal(true);
    expect(flatInput(planModel(CNN))).to.equal(false);
    const g = graphOf(decode(await exportOnnx(pruned(MLP, 1), { form: 'dense' })));
    expect(g.node.map((n) => n.opType)).to.deep.equal(['Gemm', 'Relu', 'Gemm']);
    expect(g.input![0]!.type!.tensorType!.shape!.dim!.map((d) => d.dimParam || int64(d.dimValue as number))).to.deep.equal(['N', 13]);
  });

  it('softmax: true appends a Softmax over the classes (output "probabilities"); a standardize prelude is Sub then Div', async () => {
    const mean = Array.from({ length: 13 }, (_, i) => i / 10);
    const std = Array.from({ length: 13 }, (_, i) => 1 + i / 7);
    const g = graphOf(decode(await exportOnnx(pruned(MLP, 1), { form: 'dense', softmax: true, standardize: { mean, std } })));
    expect(g.node.map((n) => n.opType)).to.deep.equal(['Sub', 'Div', 'Gemm', 'Relu', 'Gemm', 'Softmax']);
    expect(attrs(g.node.at(-1)!)).to.deep.equal({ axis: 1 });
    expect(g.output![0]!.name).to.equal('probabilities');
    const init = new Map(g.initializer.map((t) => [t.name!, t]));
    expectEqualArrays(rawFloats(init.get('standardize.mean')!), Float32Array.from(mean));
    expectEqualArrays(rawFloats(init.get('standardize.std')!), Float32Array.from(std));
    expect(g.node[2]!.input![0]).to.equal('standardize');
  });

  it('writes Conv strides and pads [t, l, b, r], MaxPool and AveragePool with their strides', async () => {
    const m = pruned(GEOM, 4);
    const g = graphOf(decode(await exportOnnx(m, { form: 'dense' })));
    expect(g.node.map((n) => n.opType)).to.deep.equal(['Conv', 'Relu', 'MaxPool', 'Conv', 'AveragePool', 'Flatten', 'Gemm']);
    const [c1, , p1, c2, p2] = g.node.map(attrs);
    expect([c1!.strides, c1!.pads, c1!.kernel_shape]).to.deep.equal([[2, 2], [0, 1, 1, 0], [3, 3]]);
    expect([p1!.kernel_shape, p1!.strides, p1!.pads]).to.deep.equal([[3, 3], [1, 1], [0, 0, 0, 0]]);
    expect([c2!.strides, c2!.pads]).to.deep.equal([[2, 2], [1, 1, 1, 1]]);
    expect([p2!.kernel_shape, p2!.strides]).to.deep.equal([[2, 2], [1, 1]]);
  });

  it('the opset is written as asked, with its IR version', async () => {
    for (const [opset, ir] of [[9, 4], [11, 6], [17, 8], [18, 8]] as const) {
      const p = decode(await exportOnnx(pruned(MLP, 1), { form: 'dense', opset }));
      expect([int64(p.irVersion as number), int64(p.opsetImport[0]!.version as number)]).to.deep.equal([ir, opset]);
    }
  });
});

describe('exportOnnx: sparse form', () => {
  it('pruned layers become COO sparse initializers of exactly the kept entries (increasing linear int64 indices); unpruned ones stay dense', async () => {
    const m = pruned(CNN, 4, [2]); // fc1 (params[2]) left unpruned
    const g = graphOf(decode(await exportOnnx(m, { form: 'sparse' })));
    const plan = planModel(CNN);
    const sparse = new Map(g.sparseInitializer.map((s) => [s.values!.name!, s]));
    expect([...sparse.keys()]).to.deep.equal(['conv1.weight', 'conv2.weight', 'fc2.weight']);
    expect(g.initializer.map((t) => t.name)).to.include('fc1.weight');
    for (const [i, op] of plan.params.entries()) {
      if (i === 2) continue;
      const s = sparse.get(`${op.name}.weight`)!;
      const v = m.values[i]!;
      const kept = [...v.mask.keys()].filter((j) => v.mask[j]);
      expect(ints(s.dims)).to.deep.equal(op.kind === 'linear' ? [op.in, op.out] : op.weightShape);
      expect(s.indices!.dataType).to.equal(onnx.TensorProto.DataType.INT64);
      expect(ints(s.indices!.dims)).to.deep.equal([kept.length]);
      expect(ints(s.indices!.int64Data)).to.deep.equal(kept);
      expectEqualArrays(rawFloats(s.values!), Float32Array.from(kept, (j) => v.w[j]!), `${op.name} values`);
    }
  });

  it('a kept weight that is exactly 0 is still listed (the COO indices are the mask)', async () => {
    const m = pruned(MLP, 2);
    const v = m.values[0]!;
    const j = v.mask.indexOf(1);
    v.w[j] = 0;
    const s = graphOf(decode(await exportOnnx(m, { form: 'sparse' }))).sparseInitializer[0]!;
    expect(ints(s.indices!.int64Data)).to.include(j);
  });
});

describe('shrinkDeadUnits and the shrunk form', () => {
  it('removes units never read and units that output exactly 0, to a fixed point; the logits are unchanged (CPU oracle)', () => {
    const m = pruned(CNN, 6, [0, 1, 2, 3]);
    const [conv1, conv2, fc1] = m.values;
    // conv1 filter 1: all incoming weights masked, bias −0.2 under the ReLU → outputs 0.
    conv1!.mask.fill(0, 1 * 18, 2 * 18);
    conv1!.b[1] = -0.2;
    // conv1 filter 2: incoming masked, bias 0.3 > 0 under the ReLU → a constant 0.3 plane: kept.
    conv1!.mask.fill(0, 2 * 18, 3 * 18);
    conv1!.b[2] = 0.3;
    // conv2 filter 4: never read by fc1 (its 2×1 positions, rows 8 and 9 of fc1's 10 inputs).
    for (const r of [8, 9]) fc1!.mask.fill(0, r * 7, (r + 1) * 7);
    // conv2 filter 0: incoming masked, bias 0, no ReLU → 0.
    conv2!.mask.fill(0, 0, 27);
    conv2!.b[0] = 0;
    // fc1 unit 5 reads only conv2 filter 0's outputs (rows 0, 1) → after that removal it reads nothing; bias −1.
    for (let r = 2; r < 10; r++) fc1!.mask[r * 7 + 5] = 0;
    fc1!.b[5] = -1;
    const plan = planModel(CNN);
    const s = shrinkDeadUnits(plan, m.values);
    expect(s.removed).to.deep.equal([1, 2, 1, 0]);
    expect(planModel(s.spec).params.map((p) => p.weightShape)).to.deep.equal([[2, 2, 3, 3], [3, 2, 3, 3], [6, 6], [6, 4]]);
    const B = 3;
    const x = new Rng(9).uniformArray(B * 2 * 9 * 7, 0, 1);
    expectClose(logitsOf(s, x, B), logitsOf(m, x, B), { atol: 1e-6, rtol: 1e-6 }, 'shrunk logits');
  });

  it('keeps every unit of a model with none dead, and never empties a layer', () => {
    const m = pruned(MLP, 1, [0, 1]);
    const s = shrinkDeadUnits(planModel(MLP), m.values);
    expect(s.removed).to.deep.equal([0, 0]);
    expect(s.spec).to.deep.equal(planModel(MLP).spec);
    const all = pruned(MLP, 1, [0, 1]);
    all.values[1]!.mask.fill(0); // every fc1 unit unread
    const t = shrinkDeadUnits(planModel(MLP), all.values);
    expect(planModel(t.spec).params[0]!.out).to.equal(1);
  });

  it('the shrunk form encodes the smaller model', async () => {
    const m = pruned(MLP, 1, [0, 1]);
    m.values[1]!.mask.fill(0, 0, 3 * 3); // fc1 units 0..2 unread
    const g = graphOf(decode(await exportOnnx(m, { form: 'shrunk' })));
    const init = new Map(g.initializer.map((t) => [t.name!, ints(t.dims)]));
    expect(init.get('fc1.weight')).to.deep.equal([13, 14]);
    expect(init.get('fc2.weight')).to.deep.equal([14, 3]);
  });
});

describe('round trip through importOnnx', () => {
  for (const form of ['dense', 'sparse'] as const) {
    for (const [name, spec] of [['CNN', CNN], ['MLP', MLP], ['strided CNN', GEOM]] as const) {
      it(`${form} ${name}: the same spec shapes, weights bit-exact and masks exact`, async () => {
        const m = pruned(spec, 8);
        const r = importOnnx(await exportOnnx(m, { form }));
        expect(planModel(r.spec).params.map((p) => p.weightShape)).to.deep.equal(planModel(spec).params.map((p) => p.weightShape));
        // The ops plan alike: strides, pads and pool kinds survive the file.
        const shape = (sp: ModelSpec) => planModel(sp).ops.map((o) => ('conv' in o && o.conv ? [o.kind, o.conv.stride, o.conv.pads, o.out] : 'stride' in o ? [o.kind, o.size, o.stride, o.out] : [o.kind, o.out]));
        expect(shape(r.spec)).to.deep.equal(shape(spec));
        expect(r.spec.input).to.deep.equal(spec.input);
        r.values.forEach((v, i) => {
          expectEqualArrays(v.w, masked(m.values[i]!), `layer ${i} weights`);
          expectEqualArrays(v.b, m.values[i]!.b, `layer ${i} biases`);
          expectEqualArrays(v.mask, m.values[i]!.mask, `layer ${i} mask`);
        });
      });
    }
  }
});

describe('onnxSizeTable', () => {
  it('gives each form\'s file bytes and gzip bytes against the original\'s dense f32 bytes', async () => {
    const m = pruned(CNN, 5);
    const original: ModelSpec = { ...CNN, layers: CNN.layers.map((l) => (l.type === 'linear' && l.units === 7 ? { ...l, units: 14 } : l)) };
    const t = await onnxSizeTable(m, { original });
    expect(t.originalDenseF32).to.equal(4 * planModel(original).paramCount);
    expect(t.forms.map((f) => f.form)).to.deep.equal(['dense', 'shrunk', 'sparse']);
    for (const f of t.forms) {
      const bytes = encodeOnnx(m, { form: f.form });
      expect(f.bytes).to.equal(bytes.length);
      expect(f.gzipBytes).to.equal(await gzipSize(bytes));
      expect(f.ratio).to.equal(t.originalDenseF32 / f.bytes);
    }
    const text = formatOnnxSizeTable(t);
    expect(text.split('\n')[0]).to.match(/^ONNX form\s+bytes\s+gzip bytes\s+vs dense f32/);
    expect(text).to.contain(`sparse`);
  });

  it('gzipSize: zeros compress far, seeded noise does not', async () => {
    expect(await gzipSize(new Uint8Array(100_000))).to.be.below(1_000);
    const noise = Uint8Array.from(new Rng(1).uniformArray(20_000, 0, 256), (x) => x);
    expect(await gzipSize(noise)).to.be.above(19_000);
  });
});

describe('exportOnnx refusals', () => {
  const m = (): ExportModel => pruned(MLP, 1);
  it('names the bad option', async () => {
    await expectArgError(() => exportOnnx(m(), { form: 'csr' as 'dense' }), 'options.form');
    await expectArgError(() => exportOnnx(m(), { form: 'dense', opset: 8 }), 'options.opset');
    await expectArgError(() => exportOnnx(m(), { form: 'dense', opset: 19 }), 'options.opset');
    await expectArgError(() => exportOnnx(m(), { form: 'sparse', opset: 10 }), 'options.opset');
    await expectArgError(() => exportOnnx(m(), { form: 'dense', softmax: 1 as unknown as boolean }), 'options.softmax');
    await expectArgError(() => exportOnnx(m(), { form: 'dense', extra: 1 } as never), 'options.extra');
    await expectArgError(() => exportOnnx(m(), null as never), 'options');
    await expectArgError(() => exportOnnx(m(), { form: 'dense', standardize: { mean: [1], std: [1] } }), 'options.standardize.mean');
    const std = Array(13).fill(1);
    std[4] = 0;
    await expectArgError(() => exportOnnx(m(), { form: 'dense', standardize: { mean: Array(13).fill(0), std } }), 'options.standardize.std[4]');
  });

  it('names the bad part of the model', async () => {
    const short = m();
    short.values.pop();
    await expectArgError(() => exportOnnx(short, { form: 'dense' }), 'model.values');
    const wrong = m();
    wrong.values[1] = { ...wrong.values[1]!, b: new Float32Array(2) };
    await expectArgError(() => exportOnnx(wrong, { form: 'dense' }), 'model.values[1].b');
    const nan = m();
    nan.values[0]!.mask[3] = 1;
    nan.values[0]!.w[3] = NaN;
    await expectArgError(() => exportOnnx(nan, { form: 'dense' }), 'model.values[0].w[3]');
    const e = await refusal(() => exportOnnx({ spec: { input: { C: 1, H: 1, W: 2 }, layers: [] }, values: [] }, { form: 'dense' }));
    expect(e.code).to.equal('invalid-config');
    expect(e.field).to.equal('model.layers');
  });
});
