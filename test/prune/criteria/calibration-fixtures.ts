// Small models and seeded calibration sets shared by the Wanda and SparseGPT tests:
// awkward shapes, a conv layer, a partial last batch, and an input never active.
import type { ImageDataset } from '../../../src/data/dataset.js';
import type { ModelSpec } from '../../../src/nn/spec.js';
import { Rng } from '../../../src/rng.js';

export const CONV_NET: ModelSpec = {
  input: { C: 2, H: 7, W: 6 },
  layers: [{ type: 'conv2d', filters: 3, kernel: 3 }, { type: 'relu' }, { type: 'maxpool2d', size: 2 }, { type: 'flatten' }, { type: 'linear', units: 5 }, { type: 'relu' }, { type: 'linear', units: 3 }],
};
export const MLP: ModelSpec = { input: { C: 1, H: 3, W: 11 }, layers: [{ type: 'linear', units: 17 }, { type: 'relu' }, { type: 'linear', units: 4 }] };

export function dataset(spec: ModelSpec, n: number, seed: number): ImageDataset {
  const rng = new Rng(seed);
  const D = spec.input.C * spec.input.H * spec.input.W;
  // Some inputs never active (pixel 0 of every image): their norm is 0.
  const images = rng.uniformArray(n * D, 0, 1).map((v, i) => (i % D === 0 ? 0 : v));
  return { images, labels: Uint8Array.from({ length: n }, () => rng.int(3)), shape: spec.input, numClasses: 3, n };
}
