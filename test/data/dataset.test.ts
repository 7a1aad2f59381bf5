// datasetFromIdx: pairing, scaling and every mismatch between images and labels.
import { expect } from '@esm-bundle/chai';
import { parseIdx } from '../../src/data/idx.js';
import { datasetFromIdx, datasetFromIdxBytes, gatherRows, selectRows, sliceDataset, MAX_DATASET_VALUES } from '../../src/data/dataset.js';
import { expectThrows, expectRejects, fetchBytes, gzip, idxBytes } from './helpers.js';

const f32Bytes = (values: number[]): Uint8Array => {
  const out = new Uint8Array(4 * values.length);
  const view = new DataView(out.buffer);
  values.forEach((x, i) => view.setFloat32(4 * i, x, false));
  return out;
};

describe('datasetFromIdx', () => {
  let imageBytes: Uint8Array;
  let labelBytes: Uint8Array;
  before(async () => {
    imageBytes = await fetchBytes('/data/mnist/t10k-images-idx3-ubyte');
    labelBytes = await fetchBytes('/data/mnist/t10k-labels-idx1-ubyte');
  });

  it('builds t10k: n 10000, 1×28×28, 10 classes, pixels exactly u8/255', () => {
    const ds = datasetFromIdx(parseIdx(imageBytes, 'im'), parseIdx(labelBytes, 'lab'));
    expect(ds.n).to.equal(10000);
    expect(ds.shape).to.deep.equal({ C: 1, H: 28, W: 28 });
    expect(ds.numClasses).to.equal(10);
    expect(ds.images.length).to.equal(7840000);
    let bad = 0;
    for (let i = 0; i < ds.images.length; i++) if (ds.images[i] !== Math.fround(imageBytes[16 + i]! / 255)) bad++;
    expect(bad, 'pixels ≠ u8/255').to.equal(0);
    expect(Array.from(ds.labels.subarray(0, 10))).to.deep.equal([7, 2, 1, 0, 4, 1, 4, 9, 5, 9]);
    // Labels are a copy, not a view on the file's bytes.
    expect(ds.labels.buffer).to.not.equal(labelBytes.buffer);
  });

  it('rejects an images/labels count mismatch, naming both files', async () => {
    const trainLabels = await fetchBytes('/data/mnist/train-labels-idx1-ubyte');
    expectThrows(() => datasetFromIdx(parseIdx(imageBytes, 't10k-images-idx3-ubyte'), parseIdx(trainLabels, 'train-labels-idx1-ubyte')),
      'invalid-data', 't10k-images-idx3-ubyte / train-labels-idx1-ubyte: count mismatch: 10000 images but 60000 labels');
  });

  it('rejects a label ≥ numClasses (given, or in a crafted file)', () => {
    // The first 9 among the t10k labels is row 7.
    expectThrows(() => datasetFromIdx(parseIdx(imageBytes, 'im'), parseIdx(labelBytes, 'lab'), { numClasses: 9 }),
      'invalid-data', 'lab: label 9 at row 7 is ≥ numClasses 9; labels must be in [0, 8]');
    const im = parseIdx(idxBytes(0x08, [3, 2, 2], new Uint8Array(12)), 'im3');
    const lab = parseIdx(idxBytes(0x08, [3], new Uint8Array([0, 10, 2])), 'lab3');
    expectThrows(() => datasetFromIdx(im, lab, { numClasses: 10 }), 'invalid-data',
      'lab3: label 10 at row 1 is ≥ numClasses 10; labels must be in [0, 9]');
    expect(datasetFromIdx(im, lab).numClasses).to.equal(11);
    expectThrows(() => datasetFromIdx(im, lab, { numClasses: 0 }), 'invalid-argument', 'numClasses must be an integer in [1, 256] (got 0)');
  });

  it('takes rank-4 N×C×H×W images and f32 pixels already in [0, 1]', () => {
    const px = [0, 0.5, 1, 0.25, 0.75, 0.125];
    const ds = datasetFromIdx(parseIdx(idxBytes(0x0d, [1, 3, 2, 1], f32Bytes(px)), 'rgb'), parseIdx(idxBytes(0x08, [1], new Uint8Array([4])), 'l'));
    expect(ds.shape).to.deep.equal({ C: 3, H: 2, W: 1 });
    expect(Array.from(ds.images)).to.deep.equal(px);
    expect(ds.numClasses).to.equal(5);
  });

  it('rejects wrong ranks, dtypes and out-of-range float pixels', () => {
    const lab2 = parseIdx(idxBytes(0x08, [2], new Uint8Array([0, 1])), 'l2');
    expectThrows(() => datasetFromIdx(parseIdx(idxBytes(0x08, [2, 4], new Uint8Array(8)), 'flat'), lab2), 'invalid-data',
      'flat: images must be rank 3 (N×H×W) or rank 4 (N×C×H×W), got rank 2 (2×4)');
    expectThrows(() => datasetFromIdx(parseIdx(idxBytes(0x09, [2, 2, 2], new Uint8Array(8)), 'i8im'), lab2), 'invalid-data',
      'i8im: images dtype must be u8 (scaled by 1/255), f32 or f64 (values in [0, 1]), got i8');
    const im = parseIdx(idxBytes(0x08, [2, 1, 1], new Uint8Array(2)), 'im');
    expectThrows(() => datasetFromIdx(im, parseIdx(idxBytes(0x08, [2, 1], new Uint8Array(2)), 'l21')), 'invalid-data',
      'l21: labels must be rank 1 (N), got rank 2 (2×1)');
    expectThrows(() => datasetFromIdx(im, parseIdx(idxBytes(0x0c, [2], new Uint8Array(8)), 'li32')), 'invalid-data',
      'li32: labels dtype must be u8, got i32');
    expectThrows(() => datasetFromIdx(parseIdx(idxBytes(0x0d, [2, 1, 1], f32Bytes([0.5, 1.5])), 'hot'), lab2), 'invalid-data',
      'hot: f32 pixel 1.5 at index 1 is outside [0, 1]');
    expectThrows(() => datasetFromIdx(parseIdx(idxBytes(0x0d, [2, 1, 1], f32Bytes([NaN, 0])), 'nan'), lab2), 'invalid-data',
      'nan: f32 pixel NaN at index 0 is outside [0, 1]');
  });

  it('refuses more pixels than a dataset may hold before allocating, and bad options or names', async () => {
    const lab = parseIdx(idxBytes(0x08, [2], new Uint8Array([0, 1])), 'l2');
    const dims = [2, 2 ** 13, 2 ** 14 + 1];
    // A stand-in tensor: the check reads only the length, so no 256 MiB buffer is needed.
    const big = { name: 'big', dtype: 'u8' as const, dims, data: { length: 2 * 2 ** 13 * (2 ** 14 + 1) } as unknown as Uint8Array };
    expectThrows(() => datasetFromIdx(big, lab), 'invalid-data',
      'big: 2×8192×16385 = 268451840 pixel values is over the 268435456 a dataset may hold (1 GiB of f32); use a subset of the file');
    expect(MAX_DATASET_VALUES).to.equal(2 ** 28);
    const im = parseIdx(idxBytes(0x08, [2, 1, 1], new Uint8Array(2)), 'im');
    expectThrows(() => datasetFromIdx(im, lab, null as unknown as object), 'invalid-argument', 'options must be an object { numClasses? } (got null)');
    await expectRejects(datasetFromIdxBytes(new Uint8Array(0), new Uint8Array(0), null as unknown as { images: string; labels: string }), 'invalid-argument',
      'names must be an object { images, labels } of non-empty file names (got null)');
    await expectRejects(datasetFromIdxBytes(idxBytes(0x08, [2, 1, 1], new Uint8Array(2)), idxBytes(0x08, [3], new Uint8Array(3)), { images: 'i', labels: 'l' }), 'invalid-data',
      'i / l: count mismatch: 2 images but 3 labels');
    await expectRejects(datasetFromIdxBytes(idxBytes(0x08, [2, 1, 1], new Uint8Array(2)), idxBytes(0x08, [2], new Uint8Array([0, 7])), { images: 'i', labels: 'l' }, { numClasses: 3 }), 'invalid-data',
      'l: label 7 at row 1 is ≥ numClasses 3; labels must be in [0, 2]');
  });

  it('datasetFromIdxBytes (the Node path) takes raw or gzip bytes and names files in errors', async () => {
    const raw = await datasetFromIdxBytes(imageBytes, labelBytes, { images: 'a', labels: 'b' });
    const gz = await datasetFromIdxBytes(await gzip(imageBytes), await gzip(labelBytes), { images: 'a.gz', labels: 'b.gz' });
    expect(gz.n).to.equal(raw.n);
    expect(gz.images).to.deep.equal(raw.images);
    expect(gz.labels).to.deep.equal(raw.labels);
    await expectRejects(datasetFromIdxBytes(imageBytes.subarray(0, 100), labelBytes, { images: 'cut-images', labels: 'b' }),
      'invalid-data', 'cut-images: truncated: header says 10000×28×28 = 7840000 bytes of data, file has 84');
  });

  it('slices (views) and selects/gathers (copies) rows', () => {
    const ds = datasetFromIdx(parseIdx(imageBytes, 'im'), parseIdx(labelBytes, 'lab'));
    const s = sliceDataset(ds, 3, 7);
    expect(s.n).to.equal(4);
    expect(Array.from(s.labels)).to.deep.equal([0, 4, 1, 4]);
    expect(s.images.buffer).to.equal(ds.images.buffer);
    expect(s.images[0]).to.equal(ds.images[3 * 784]);
    const sel = selectRows(ds, [9, 0, 9]);
    expect(Array.from(sel.labels)).to.deep.equal([9, 7, 9]);
    expect(sel.images.subarray(0, 784)).to.deep.equal(ds.images.subarray(9 * 784, 10 * 784));
    expect(sel.images.subarray(784, 1568)).to.deep.equal(ds.images.subarray(0, 784));
    const into = { images: new Float32Array(4 * 784).fill(-1), labels: new Uint8Array(4).fill(99) };
    const got = gatherRows(ds, new Uint32Array([1, 2]), into);
    expect(got.images).to.equal(into.images);
    expect(Array.from(into.labels)).to.deep.equal([2, 1, 99, 99]);
    expect(into.images[2 * 784]).to.equal(-1);
    expectThrows(() => gatherRows(ds, [10000]), 'invalid-argument', 'indices[0] must be an integer in [0, 9999] (got 10000)');
    expectThrows(() => gatherRows(ds, [0, 1, 2, 3, 4], into), 'invalid-argument', /^into.images must be a Float32Array of at least 5×784 = 3920 values/);
    expectThrows(() => sliceDataset(ds, 5, 4), 'invalid-argument', 'end must be an integer in [5, 10000] (got 4)');
  });
});
