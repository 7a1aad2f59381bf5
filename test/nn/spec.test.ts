// Model specs: a field that is not part of a spec (at the top or in the input shape)
// is refused by name, like an unknown layer field, rather than silently ignored.
import { expect } from '@esm-bundle/chai';
import { planModel, LENET_300_100, LENET_5, type ModelSpec } from '../../src/nn/spec.js';
import { refusal } from '../helpers/errors.js';

describe('model specs', () => {
  it('refuses unknown fields at the top and in the input, naming them', async () => {
    for (const [spec, field] of [
      [{ ...LENET_300_100, epochs: 3 }, 'model.epochs'],
      [{ ...LENET_300_100, input: { C: 1, H: 28, W: 28, epoch: 1e308 } }, 'model.input.epoch'],
      [{ ...LENET_300_100, layers: [{ type: 'linear', units: 10, Units: 3 }] }, 'model.layers[0].Units'],
    ] as const) {
      const e = await refusal(() => planModel(spec));
      expect(e.code).to.equal('invalid-config');
      expect(e.field).to.equal(field);
      expect(e.message).to.contain(field);
    }
    expect(planModel(LENET_300_100).name).to.equal('lenet-300-100');
  });

  it('plans LeNet-5 as before: valid convs at stride 1, pools tiling their input', () => {
    const plan = planModel(LENET_5);
    expect(plan.ops.map((o) => [o.kind, o.name, o.out])).to.deep.equal([
      ['conv2d', 'conv1', 20 * 24 * 24], ['maxpool2d', 'pool1', 20 * 12 * 12], ['conv2d', 'conv2', 50 * 8 * 8], ['maxpool2d', 'pool2', 50 * 4 * 4],
      ['linear', 'fc1', 500], ['linear', 'fc2', 10],
    ]);
    expect(plan.params[0]!.conv).to.deep.equal({ C: 1, H: 28, W: 28, F: 20, k: 5, stride: 1, pads: [0, 0, 0, 0], OH: 24, OW: 24 });
    const pool = plan.ops[1]!;
    expect(pool.kind === 'maxpool2d' && [pool.size, pool.stride, pool.OH, pool.OW]).to.deep.equal([2, 2, 12, 12]);
    const same = planModel({ input: { C: 1, H: 7, W: 6 }, layers: [{ type: 'conv2d', filters: 2, kernel: 3, padding: 'same' }, { type: 'flatten' }, { type: 'linear', units: 2 }] });
    expect(same.params[0]!.conv).to.deep.include({ stride: 1, pads: [1, 1, 1, 1], OH: 7, OW: 6 });
  });

  it('plans strided convs with explicit pads, overlapping max pools and average pools', () => {
    const spec: ModelSpec = {
      input: { C: 2, H: 11, W: 9 },
      layers: [
        { type: 'conv2d', filters: 3, kernel: 3, stride: 2, pads: [0, 1, 1, 0] }, // OH = floor((11+1−3)/2)+1 = 5, OW = floor((9+1−3)/2)+1 = 4
        { type: 'relu' },
        { type: 'maxpool2d', size: 3, stride: 1 }, // 3 × 2
        { type: 'avgpool2d', size: 2 }, // stride 2: 1 × 1
        { type: 'flatten' },
        { type: 'linear', units: 4 },
      ],
    };
    const plan = planModel(spec);
    expect(plan.params[0]!.conv).to.deep.equal({ C: 2, H: 11, W: 9, F: 3, k: 3, stride: 2, pads: [0, 1, 1, 0], OH: 5, OW: 4 });
    expect(plan.params[0]!.relu).to.equal(true);
    expect(plan.ops.map((o) => [o.kind, o.name, o.out])).to.deep.equal([['conv2d', 'conv1', 60], ['maxpool2d', 'pool1', 18], ['avgpool2d', 'pool2', 3], ['linear', 'fc1', 4]]);
    const [, p1, p2] = plan.ops;
    expect(p1!.kind === 'maxpool2d' && [p1.stride, p1.OH, p1.OW]).to.deep.equal([1, 3, 2]);
    expect(p2!.kind === 'avgpool2d' && [p2.stride, p2.OH, p2.OW]).to.deep.equal([2, 1, 1]);
    // 'same' at stride 2: ceil(H/2), as ONNX SAME_UPPER with an odd kernel.
    const s2 = planModel({ input: { C: 1, H: 7, W: 8 }, layers: [{ type: 'conv2d', filters: 1, kernel: 3, padding: 'same', stride: 2 }, { type: 'flatten' }, { type: 'linear', units: 2 }] });
    expect(s2.params[0]!.conv).to.deep.include({ OH: 4, OW: 4 });
  });

  it('refuses bad strides, pads and pool fields, naming the field and what it takes', async () => {
    const conv = (extra: Record<string, unknown>) => ({ input: { C: 1, H: 6, W: 6 }, layers: [{ type: 'conv2d', filters: 2, kernel: 3, ...extra }, { type: 'flatten' }, { type: 'linear', units: 2 }] });
    const pool = (type: string, extra: Record<string, unknown>) => ({ input: { C: 1, H: 6, W: 6 }, layers: [{ type, size: 2, ...extra }, { type: 'flatten' }, { type: 'linear', units: 2 }] });
    for (const [spec, field, words] of [
      [conv({ stride: 0 }), 'model.layers[0].stride', 'integer ≥ 1'],
      [conv({ stride: 1.5 }), 'model.layers[0].stride', 'integer ≥ 1'],
      [conv({ pads: [1, 1, 1] }), 'model.layers[0].pads', '[top, left, bottom, right]'],
      [conv({ pads: [1, -1, 1, 1] }), 'model.layers[0].pads', 'integers ≥ 0'],
      [conv({ pads: [1, 1, 1, 1], padding: 'same' }), 'model.layers[0].pads', 'exclusive'],
      [conv({ padding: 'full' }), 'model.layers[0].padding', "'valid' or 'same'"],
      [{ input: { C: 1, H: 2, W: 6 }, layers: [{ type: 'conv2d', filters: 2, kernel: 4, pads: [0, 0, 1, 0] }, { type: 'flatten' }, { type: 'linear', units: 2 }] }, 'model.layers[0].kernel', 'kernel must be ≤ 3'],
      [pool('avgpool2d', { stride: 0 }), 'model.layers[0].stride', 'integer ≥ 1'],
      [pool('maxpool2d', { size: 7 }), 'model.layers[0].size', 'larger than its 6×6 input'],
      [pool('avgpool2d', { pads: [0, 0, 0, 0] }), 'model.layers[0].pads', 'fields: size, stride'],
      [pool('avgpool', {}), 'model.layers[0].type', 'avgpool2d'],
    ] as const) {
      const e = await refusal(() => planModel(spec));
      expect(e.code, field).to.equal('invalid-config');
      expect(e.field, JSON.stringify(spec.layers[0])).to.equal(field);
      expect(e.message).to.contain(words);
    }
  });
});
