// MNIST by URL as the page loads it, the train/validation/test splits, seeded
// subsets, and the per-epoch batch helpers.
import { expect } from '@esm-bundle/chai';
import { loadMnist, loadIdxPairFromUrls, mnistUrls, splitMnist, type SplitOptions } from '../../src/data/mnist.js';
import { PruneLabError } from '../../src/errors.js';
import { batchCount, batchIndices, epochPermutation, epochSeed } from '../../src/data/batches.js';
import { sliceDataset, type ImageDataset } from '../../src/data/dataset.js';
import { expectThrows, expectRejects, fetchBytes } from './helpers.js';

describe('MNIST loading and splits', () => {
  let train: ImageDataset;
  let test: ImageDataset;
  before(async () => {
    ({ train, test } = await loadMnist(location.href));
  });

  it('loads 60000 train and 10000 test images of 1×28×28, 10 classes', () => {
    expect(train.n).to.equal(60000);
    expect(train.images.length).to.equal(60000 * 784);
    expect(test.n).to.equal(10000);
    expect(train.shape).to.deep.equal({ C: 1, H: 28, W: 28 });
    expect(train.numClasses).to.equal(10);
    expect(Array.from(test.labels.subarray(0, 10))).to.deep.equal([7, 2, 1, 0, 4, 1, 4, 9, 5, 9]);
    // The first training labels of MNIST are 5, 0, 4, 1, 9.
    expect(Array.from(train.labels.subarray(0, 5))).to.deep.equal([5, 0, 4, 1, 9]);
  });

  it('splits 55000 / 5000 / 10000, validation being exactly the last 5000 training rows', async () => {
    const s = splitMnist(train, test);
    expect([s.train.n, s.validation.n, s.test.n]).to.deep.equal([55000, 5000, 10000]);
    const rawImages = await fetchBytes('/data/mnist/train-images-idx3-ubyte');
    const rawLabels = await fetchBytes('/data/mnist/train-labels-idx1-ubyte');
    expect(Array.from(s.validation.labels)).to.deep.equal(Array.from(rawLabels.subarray(8 + 55000)));
    let bad = 0;
    const off = 16 + 55000 * 784;
    for (let i = 0; i < 5000 * 784; i++) if (Math.round(s.validation.images[i]! * 255) !== rawImages[off + i]) bad++;
    expect(bad, 'validation pixels ≠ raw rows 55000…59999').to.equal(0);
    expect(Array.from(s.train.labels)).to.deep.equal(Array.from(rawLabels.subarray(8, 8 + 55000)));
    expect(s.train.images.length).to.equal(55000 * 784);
    expect(s.trainRows.length).to.equal(55000);
    expect(s.trainRows[54999]).to.equal(54999);
    const none = splitMnist(train, test, { validation: 0 });
    expect([none.train.n, none.validation.n]).to.deep.equal([60000, 0]);
    const custom = splitMnist(train, test, { validation: 10000 });
    expect([custom.train.n, custom.validation.n]).to.deep.equal([50000, 10000]);
  });

  it('draws subsets of the asked sizes; the same seed gives the same train subset, another seed another', () => {
    const opts = { trainSubset: 1000, validationSubset: 200, testSubset: 300 };
    const a = splitMnist(train, test, { ...opts, seed: 7 });
    const b = splitMnist(train, test, { ...opts, seed: 7 });
    const c = splitMnist(train, test, { ...opts, seed: 8 });
    expect([a.train.n, a.validation.n, a.test.n]).to.deep.equal([1000, 200, 300]);
    expect(a.train.images.length).to.equal(1000 * 784);
    expect(Array.from(a.trainRows)).to.deep.equal(Array.from(b.trainRows));
    expect(a.train.images).to.deep.equal(b.train.images);
    const overlap = Array.from(c.trainRows).filter((r) => a.trainRows.includes(r)).length;
    // Two independent 1000-of-55000 draws share about 18 rows; 1000 would mean the seed is ignored.
    expect(overlap, 'rows shared by seeds 7 and 8').to.be.lessThan(100);
    // Rows are distinct, ascending, from the training part only, and carry their own pixels and labels.
    for (let i = 1; i < a.trainRows.length; i++) expect(a.trainRows[i]!).to.be.greaterThan(a.trainRows[i - 1]!);
    expect(a.trainRows[999]!).to.be.lessThan(55000);
    a.trainRows.forEach((row, i) => {
      if (a.train.labels[i] !== train.labels[row]) throw new Error(`label of subset row ${i} ≠ train row ${row}`);
    });
    const r = a.trainRows[500]!;
    expect(a.train.images.subarray(500 * 784, 501 * 784)).to.deep.equal(train.images.subarray(r * 784, (r + 1) * 784));
    // Validation and test subsets are the first rows, whatever the seed.
    expect(a.validation.labels).to.deep.equal(c.validation.labels);
    expect(Array.from(a.validation.labels)).to.deep.equal(Array.from(train.labels.subarray(55000, 55200)));
    expect(Array.from(a.test.labels)).to.deep.equal(Array.from(test.labels.subarray(0, 300)));
  });

  it('rejects subset sizes that are not integers in [1, available]', () => {
    expectThrows(() => splitMnist(train, test, { trainSubset: 0 }), 'invalid-argument', 'trainSubset must be an integer in [1, 55000] (got 0)');
    expectThrows(() => splitMnist(train, test, { trainSubset: 55001 }), 'invalid-argument', 'trainSubset must be an integer in [1, 55000] (got 55001)');
    expectThrows(() => splitMnist(train, test, { trainSubset: 10.5 }), 'invalid-argument', 'trainSubset must be an integer in [1, 55000] (got 10.5)');
    expectThrows(() => splitMnist(train, test, { validationSubset: 60000 }), 'invalid-argument', 'validationSubset must be an integer in [1, 59999] (got 60000)');
    expectThrows(() => splitMnist(train, test, { validation: 5000, validationSubset: 5001 }), 'invalid-argument', 'validationSubset must be an integer in [1, 5000] (got 5001)');
    expectThrows(() => splitMnist(train, test, { validation: 0, validationSubset: 1 }), 'invalid-argument',
      'validationSubset must be left unset (nothing is available: 0 rows) (got 1)');
    expectThrows(() => splitMnist(train, test, { testSubset: 10001 }), 'invalid-argument', 'testSubset must be an integer in [1, 10000] (got 10001)');
    expectThrows(() => splitMnist(train, test, { validation: 60000 }), 'invalid-argument', 'validation must be an integer in [0, 59999] (got 60000)');
    expectThrows(() => splitMnist(train, test, { validation: -1 }), 'invalid-argument', 'validation must be an integer in [0, 59999] (got -1)');
    expectThrows(() => splitMnist(train, { ...test, numClasses: 9 }), 'invalid-data',
      'test set (1×28×28, 9 classes) does not match the training set (1×28×28, 10 classes)');
  });

  it('sizes the validation split of a small set from its rows: min(5000, 10%), the last rows', () => {
    const small = sliceDataset(train, 0, 1000);
    const s = splitMnist(small, test);
    expect([s.train.n, s.validation.n, s.test.n]).to.deep.equal([900, 100, 10000]);
    expect(Array.from(s.validation.labels)).to.deep.equal(Array.from(train.labels.subarray(900, 1000)));
    expect(Array.from(s.train.labels)).to.deep.equal(Array.from(train.labels.subarray(0, 900)));
    // 10% rounds down; under 10 rows nothing is held out; 10,000 rows hold out 1,000; 50,000 and more 5,000.
    expect([9, 10, 4999, 10000, 50000, 60000].map((n) => splitMnist(sliceDataset(train, 0, n), test).validation.n)).to.deep.equal([0, 1, 499, 1000, 5000, 5000]);
  });

  it('grows the held-out rows to a validation subset larger than the default, up to the rows less one', () => {
    const small = sliceDataset(train, 0, 1000);
    const s = splitMnist(small, test, { validationSubset: 300, trainSubset: 700 });
    expect([s.train.n, s.validation.n]).to.deep.equal([700, 300]);
    expect(Array.from(s.validation.labels)).to.deep.equal(Array.from(train.labels.subarray(700, 1000)));
    expect(Array.from(s.trainRows)).to.deep.equal(Array.from({ length: 700 }, (_, i) => i));
    // At or under the default, the first rows of the default held-out part (as before).
    const within = splitMnist(small, test, { validationSubset: 40 });
    expect([within.train.n, within.validation.n]).to.deep.equal([900, 40]);
    expect(Array.from(within.validation.labels)).to.deep.equal(Array.from(train.labels.subarray(900, 940)));
    expect(splitMnist(small, test, { validationSubset: 999 }).train.n).to.equal(1);
    expectThrows(() => splitMnist(small, test, { validationSubset: 1000 }), 'invalid-argument', 'validationSubset must be an integer in [1, 999] (got 1000)');
    expectThrows(() => splitMnist(small, test, { validationSubset: 300, trainSubset: 701 }), 'invalid-argument', 'trainSubset must be an integer in [1, 700] (got 701)');
    // MNIST itself: 5,000 held out unless more are asked for.
    expect(splitMnist(train, test, { validationSubset: 8000 }).train.n).to.equal(52000);
  });

  it('names each option as the caller calls it (fields)', () => {
    const small = sliceDataset(train, 0, 1000);
    const fields = { trainSubset: 'subsets.train', validationSubset: 'subsets.validation', testSubset: 'subsets.test', validation: 'holdout' };
    const cases: Array<[SplitOptions, string, string]> = [
      [{ validationSubset: 1000 }, 'subsets.validation', 'subsets.validation must be an integer in [1, 999] (got 1000)'],
      [{ trainSubset: 901 }, 'subsets.train', 'subsets.train must be an integer in [1, 900] (got 901)'],
      [{ testSubset: 0 }, 'subsets.test', 'subsets.test must be an integer in [1, 10000] (got 0)'],
      [{ validation: 1000 }, 'holdout', 'holdout must be an integer in [0, 999] (got 1000)'],
    ];
    for (const [opts, field, message] of cases) {
      let caught: unknown;
      try {
        splitMnist(small, test, { ...opts, fields });
      } catch (e) {
        caught = e;
      }
      expect(caught, field).to.be.instanceOf(PruneLabError);
      expect((caught as PruneLabError).code).to.equal('invalid-argument');
      expect((caught as PruneLabError).field).to.equal(field);
      expect((caught as PruneLabError).message).to.equal(message);
    }
  });
});

describe('MNIST URLs', () => {
  it('resolves /data/mnist/<file> against the caller\'s base, or an absolute dir', () => {
    const u = mnistUrls('https://docs.example.org/lab/page.html');
    expect(String(u.train.images)).to.equal('https://docs.example.org/data/mnist/train-images-idx3-ubyte');
    expect(String(u.test.labels)).to.equal('https://docs.example.org/data/mnist/t10k-labels-idx1-ubyte');
    expect(String(mnistUrls('https://docs.example.org/lab/page.html', 'assets/mnist').test.images))
      .to.equal('https://docs.example.org/lab/assets/mnist/t10k-images-idx3-ubyte');
    expect(String(mnistUrls('https://a.example/', 'https://cdn.example/fashion/').train.labels))
      .to.equal('https://cdn.example/fashion/train-labels-idx1-ubyte');
    expectThrows(() => mnistUrls('not a url'), 'invalid-argument', /^base must be an absolute URL/);
  });

  it('reports a missing file by URL and HTTP status, and an abort as aborted', async () => {
    const base = new URL('/data/mnist/', location.href);
    await expectRejects(loadIdxPairFromUrls({ images: new URL('nope-images', base), labels: new URL('t10k-labels-idx1-ubyte', base) }),
      'invalid-data', `${new URL('nope-images', base)}: HTTP 404 Not Found`);
    const ac = new AbortController();
    ac.abort();
    await expectRejects(loadIdxPairFromUrls(mnistUrls(location.href).test, { signal: ac.signal }), 'aborted', /was aborted$/);
  });
});

describe('epoch permutations and batches', () => {
  it('gives a seeded permutation per epoch, reproducible and different across epochs and seeds', () => {
    const p = epochPermutation(1000, 3, 0);
    expect(Array.from(p).sort((x, y) => x - y)).to.deep.equal(Array.from({ length: 1000 }, (_, i) => i));
    expect(epochPermutation(1000, 3, 0)).to.deep.equal(p);
    const fixed = (a: Uint32Array, b: Uint32Array): number => a.filter((v, i) => v === b[i]).length;
    // A random permutation has ~1 fixed point against another; 1000 would mean no shuffle.
    expect(fixed(p, epochPermutation(1000, 3, 1))).to.be.lessThan(20);
    expect(fixed(p, epochPermutation(1000, 4, 0))).to.be.lessThan(20);
    expect(fixed(p, Uint32Array.from({ length: 1000 }, (_, i) => i))).to.be.lessThan(20);
    expect(epochSeed(3, 0)).to.not.equal(epochSeed(3, 1));
    expectThrows(() => epochPermutation(10, 1, -1), 'invalid-argument', 'epoch must be an integer ≥ 0 (got -1)');
  });

  it('cuts an order into batches covering every row once, with or without the last short batch', () => {
    const order = epochPermutation(10, 1, 2);
    const kept = [...batchIndices(order, 4)];
    expect(kept.map((b) => b.length)).to.deep.equal([4, 4, 2]);
    expect(kept.flatMap((b) => Array.from(b))).to.deep.equal(Array.from(order));
    expect([...batchIndices(order, 4, true)].map((b) => b.length)).to.deep.equal([4, 4]);
    expect([batchCount(10, 4), batchCount(10, 4, true), batchCount(8, 4), batchCount(0, 4)]).to.deep.equal([3, 2, 2, 0]);
    expectThrows(() => batchIndices(order, 0), 'invalid-argument', 'batchSize must be an integer ≥ 1 (got 0)');
  });
});
