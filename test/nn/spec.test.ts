// Model specs: a field that is not part of a spec (at the top or in the input shape)
// is refused by name, like an unknown layer field, rather than silently ignored.
import { expect } from '@esm-bundle/chai';
import { planModel, LENET_300_100 } from '../../src/nn/spec.js';
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
});
