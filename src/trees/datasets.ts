// Adapters from the data layer to the tree lab: MNIST pixels as a tabular subset
// (the first n images, 784 features in [0, 1]), and the list of named datasets.
import { check } from '../errors.js';
import type { TabularDataset } from '../data/csv.js';
import type { ImageDataset } from '../data/dataset.js';
import { SYNTHETIC_KINDS, type SyntheticKind } from '../data/synthetic.js';

export type NamedDataset = 'iris' | 'mnist' | SyntheticKind;
export const NAMED_DATASETS: readonly NamedDataset[] = ['iris', 'mnist', ...SYNTHETIC_KINDS];

/** MNIST subset default: enough to be interesting, small enough to grow in a second. */
export const MNIST_TREE_ROWS = 2000;

/** The first `n` images as rows of pixels (named px<row>_<col>). */
export function mnistPixels(ds: ImageDataset, n: number = MNIST_TREE_ROWS): TabularDataset {
  check(Number.isInteger(n) && n >= 1 && n <= ds.n, 'samples', `an integer in [1, ${ds.n}] (images available)`, n);
  const d = ds.shape.C * ds.shape.H * ds.shape.W;
  const featureNames: string[] = [];
  for (let i = 0; i < d; i++) featureNames.push(`px${Math.floor(i / ds.shape.W)}_${i % ds.shape.W}`);
  return {
    name: 'mnist',
    x: ds.images.slice(0, n * d),
    y: Int32Array.from(ds.labels.subarray(0, n)),
    n,
    numFeatures: d,
    numClasses: ds.numClasses,
    featureNames,
    classNames: Array.from({ length: ds.numClasses }, (_, k) => String(k)),
  };
}
