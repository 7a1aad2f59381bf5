// The image-classification dataset every trainer and metric takes, built from a
// validated IDX image/label pair, and row views/copies of it for splits and subsets.
import { PruneLabError, check } from '../errors.js';
import { decodeIdx, type IdxTensor } from './idx.js';

export interface ImageShape {
  readonly C: number;
  readonly H: number;
  readonly W: number;
}

export interface ImageDataset {
  /** n × (C·H·W), row-major, scaled to [0, 1]. Treat as read-only: splits share it. */
  readonly images: Float32Array;
  /** n class indices, each < numClasses. */
  readonly labels: Uint8Array;
  readonly shape: ImageShape;
  readonly numClasses: number;
  readonly n: number;
}

export interface DatasetOptions {
  /** Number of classes; default max label + 1. Must exceed every label. */
  numClasses?: number;
}

/** The most pixel values a dataset may hold (2^28 f32 = 1 GiB), checked before the f32 copy is allocated. */
export const MAX_DATASET_VALUES = 2 ** 28;

function fail(name: string, problem: string): never {
  throw new PruneLabError('invalid-data', `${name}: ${problem}`, name);
}

// Exact k/255 as f32, so u8 → [0,1] matches a plain division bit for bit.
const U8_SCALE = Float32Array.from({ length: 256 }, (_, k) => k / 255);

/**
 * Validates an image/label IDX pair and builds the dataset. Images are rank 3
 * (N×H×W, C = 1) or rank 4 (N×C×H×W); u8 is scaled by 1/255, f32/f64 must
 * already lie in [0, 1]. Labels are rank 1, u8, with the same N. Everything is
 * checked before anything is allocated, so an error returns nothing partial.
 */
export function datasetFromIdx(images: IdxTensor, labels: IdxTensor, options: DatasetOptions = {}): ImageDataset {
  check(typeof options === 'object' && options !== null, 'options', 'an object { numClasses? }', options);
  const iname = images.name;
  const lname = labels.name;
  if (images.dims.length !== 3 && images.dims.length !== 4) {
    fail(iname, `images must be rank 3 (N×H×W) or rank 4 (N×C×H×W), got rank ${images.dims.length} (${images.dims.join('×')})`);
  }
  if (images.dtype !== 'u8' && images.dtype !== 'f32' && images.dtype !== 'f64') {
    fail(iname, `images dtype must be u8 (scaled by 1/255), f32 or f64 (values in [0, 1]), got ${images.dtype}`);
  }
  if (labels.dims.length !== 1) {
    fail(lname, `labels must be rank 1 (N), got rank ${labels.dims.length} (${labels.dims.join('×')})`);
  }
  if (labels.dtype !== 'u8') fail(lname, `labels dtype must be u8, got ${labels.dtype}`);
  const n = images.dims[0]!;
  if (labels.dims[0] !== n) {
    throw new PruneLabError('invalid-data',
      `${iname} / ${lname}: count mismatch: ${n} images but ${labels.dims[0]} labels`, lname);
  }
  if (images.data.length > MAX_DATASET_VALUES) {
    fail(iname, `${images.dims.join('×')} = ${images.data.length} pixel values is over the ${MAX_DATASET_VALUES} a dataset may hold (1 GiB of f32); use a subset of the file`);
  }
  const [C, H, W] = images.dims.length === 4 ? images.dims.slice(1) : [1, ...images.dims.slice(1)];
  const shape: ImageShape = { C: C!, H: H!, W: W! };

  const lab = labels.data as Uint8Array;
  let maxLabel = 0;
  for (let i = 0; i < n; i++) if (lab[i]! > maxLabel) maxLabel = lab[i]!;
  const numClasses = options.numClasses ?? maxLabel + 1;
  check(Number.isInteger(numClasses) && numClasses >= 1 && numClasses <= 256, 'numClasses', 'an integer in [1, 256]', numClasses);
  if (maxLabel >= numClasses) {
    const at = lab.findIndex((v) => v >= numClasses);
    fail(lname, `label ${lab[at]} at row ${at} is ≥ numClasses ${numClasses}; labels must be in [0, ${numClasses - 1}]`);
  }
  if (images.dtype !== 'u8') {
    const src = images.data;
    for (let i = 0; i < src.length; i++) {
      const v = src[i]!;
      if (!(v >= 0 && v <= 1)) fail(iname, `${images.dtype} pixel ${v} at index ${i} is outside [0, 1]`);
    }
  }

  const pixels = images.data;
  const out = new Float32Array(pixels.length);
  if (images.dtype === 'u8') for (let i = 0; i < pixels.length; i++) out[i] = U8_SCALE[pixels[i]!]!;
  else out.set(pixels);
  return { images: out, labels: new Uint8Array(lab), shape, numClasses, n };
}

/**
 * The byte-level entry point (the Node CLI reads files with fs and calls this):
 * decodes an image/label IDX pair, raw or gzip, and validates it as a dataset.
 * `names` label the bytes in error messages (usually the file names).
 */
export async function datasetFromIdxBytes(
  imageBytes: Uint8Array,
  labelBytes: Uint8Array,
  names: { images: string; labels: string },
  options: DatasetOptions = {},
): Promise<ImageDataset> {
  const ok = typeof names === 'object' && names !== null && typeof names.images === 'string' && names.images !== '' && typeof names.labels === 'string' && names.labels !== '';
  check(ok, 'names', 'an object { images, labels } of non-empty file names', names);
  const [images, labels] = await Promise.all([decodeIdx(imageBytes, names.images), decodeIdx(labelBytes, names.labels)]);
  return datasetFromIdx(images, labels, options);
}

/** Values per image, C·H·W. */
export function rowSize(shape: ImageShape): number {
  return shape.C * shape.H * shape.W;
}

/** Rows [start, end) as views sharing memory with `ds` (no copy). */
export function sliceDataset(ds: ImageDataset, start: number, end: number): ImageDataset {
  check(Number.isInteger(start) && start >= 0 && start <= ds.n, 'start', `an integer in [0, ${ds.n}]`, start);
  check(Number.isInteger(end) && end >= start && end <= ds.n, 'end', `an integer in [${start}, ${ds.n}]`, end);
  const r = rowSize(ds.shape);
  return {
    images: ds.images.subarray(start * r, end * r),
    labels: ds.labels.subarray(start, end),
    shape: ds.shape,
    numClasses: ds.numClasses,
    n: end - start,
  };
}

/**
 * Copies the rows at `indices` into `into` (a trainer's reused batch buffers) or
 * into fresh arrays sized to fit. Validates every index and buffer size first.
 */
export function gatherRows(
  ds: ImageDataset,
  indices: ArrayLike<number>,
  into?: { images: Float32Array; labels: Uint8Array },
): { images: Float32Array; labels: Uint8Array } {
  const r = rowSize(ds.shape);
  const m = indices.length;
  for (let i = 0; i < m; i++) {
    const k = indices[i]!;
    check(Number.isInteger(k) && k >= 0 && k < ds.n, `indices[${i}]`, `an integer in [0, ${ds.n - 1}]`, k);
  }
  if (into) {
    check(into.images.length >= m * r, 'into.images', `a Float32Array of at least ${m}×${r} = ${m * r} values`, into.images);
    check(into.labels.length >= m, 'into.labels', `a Uint8Array of at least ${m} values`, into.labels);
  }
  const images = into?.images ?? new Float32Array(m * r);
  const labels = into?.labels ?? new Uint8Array(m);
  for (let i = 0; i < m; i++) {
    const k = indices[i]!;
    images.set(ds.images.subarray(k * r, (k + 1) * r), i * r);
    labels[i] = ds.labels[k]!;
  }
  return { images, labels };
}

/** The rows at `indices`, in that order, copied into a new dataset. */
export function selectRows(ds: ImageDataset, indices: ArrayLike<number>): ImageDataset {
  const { images, labels } = gatherRows(ds, indices);
  return { images, labels, shape: ds.shape, numClasses: ds.numClasses, n: indices.length };
}
