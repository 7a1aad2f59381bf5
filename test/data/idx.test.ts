// The IDX parser on the real t10k files, on every dtype, on gzip, and on each kind
// of corrupt input, with the exact message a user would see.
import { expect } from '@esm-bundle/chai';
import { parseIdx, decodeIdx, gunzip, isGzip, MAX_IDX_DATA_BYTES } from '../../src/data/idx.js';
import { expectThrows, expectRejects, fetchBytes, gzip, idxBytes } from './helpers.js';

const T10K_IMAGES = 't10k-images-idx3-ubyte';
const T10K_LABELS = 't10k-labels-idx1-ubyte';

describe('parseIdx on MNIST t10k', () => {
  let images: Uint8Array;
  let labels: Uint8Array;
  before(async () => {
    images = await fetchBytes(`/data/mnist/${T10K_IMAGES}`);
    labels = await fetchBytes(`/data/mnist/${T10K_LABELS}`);
  });

  it('reads 10000×28×28 u8 images and 10000 labels starting 7,2,1,0,4,1,4,9,5,9', () => {
    const im = parseIdx(images, T10K_IMAGES);
    expect(im.dtype).to.equal('u8');
    expect(im.dims).to.deep.equal([10000, 28, 28]);
    expect(im.data.length).to.equal(7840000);
    expect(im.name).to.equal(T10K_IMAGES);
    const lab = parseIdx(labels, T10K_LABELS);
    expect(lab.dims).to.deep.equal([10000]);
    expect(Array.from(lab.data.subarray(0, 10))).to.deep.equal([7, 2, 1, 0, 4, 1, 4, 9, 5, 9]);
    // Image 0 is a 7: centred ink, blank border rows (a check that the header offset is right).
    expect(Math.max(...im.data.subarray(0, 28))).to.equal(0);
    expect(Math.max(...im.data.subarray(0, 784))).to.equal(255);
    expect(im.data[0]).to.equal(images[16]);
  });

  it('rejects truncated data with the sizes in the message', () => {
    expectThrows(() => parseIdx(images.subarray(0, 16 + 1234), T10K_IMAGES), 'invalid-data',
      't10k-images-idx3-ubyte: truncated: header says 10000×28×28 = 7840000 bytes of data, file has 1234');
  });

  it('rejects trailing bytes', () => {
    const longer = new Uint8Array(labels.length + 5);
    longer.set(labels);
    expectThrows(() => parseIdx(longer, T10K_LABELS), 'invalid-data',
      't10k-labels-idx1-ubyte: trailing bytes: header says 10000 = 10000 bytes of data, file has 10005 (5 extra)');
  });

  it('rejects bad magic', () => {
    const bad = labels.slice(0, 100);
    bad[0] = 0x12;
    bad[1] = 0x34;
    expectThrows(() => parseIdx(bad, 'x-labels'), 'invalid-data',
      'x-labels: bad magic: an IDX file starts with 00 00, this one with 0x12 0x34');
  });

  it('loads a .gz made with CompressionStream identically to the raw file', async () => {
    const gz = await gzip(images);
    expect(isGzip(gz)).to.equal(true);
    expect(gz.length).to.be.lessThan(images.length);
    const a = parseIdx(images, T10K_IMAGES);
    const b = await decodeIdx(gz, `${T10K_IMAGES}.gz`);
    expect(b.dtype).to.equal(a.dtype);
    expect(b.dims).to.deep.equal(a.dims);
    expect(b.data.length).to.equal(a.data.length);
    let diff = 0;
    for (let i = 0; i < a.data.length; i++) if (a.data[i] !== b.data[i]) diff++;
    expect(diff, 'differing bytes').to.equal(0);
    // The raw path of decodeIdx is parseIdx itself.
    expect((await decodeIdx(labels, T10K_LABELS)).dims).to.deep.equal([10000]);
  });

  it('rejects a corrupt .gz and names the file; parseIdx points gzip to decodeIdx', async () => {
    const gz = await gzip(labels);
    await expectRejects(decodeIdx(gz.subarray(0, gz.length >> 1), 'l.gz'), 'invalid-data', /^l\.gz: gzip data is corrupt or truncated/);
    expectThrows(() => parseIdx(gz, 'l.gz'), 'invalid-data', 'l.gz: is gzip-compressed; decode it with decodeIdx (async), not parseIdx');
    // A gzip of a corrupt IDX still gets the IDX checks after decompression.
    const gzTrunc = await gzip(labels.subarray(0, 20));
    await expectRejects(decodeIdx(gzTrunc, 'l.gz'), 'invalid-data',
      'l.gz: truncated: header says 10000 = 10000 bytes of data, file has 12');
  });
});

describe('decodeIdx on gzip garbage', () => {
  const labels = idxBytes(0x08, [4], new Uint8Array([0, 1, 2, 3]));

  it('turns every DecompressionStream failure into a PruneLabError naming the file', async () => {
    const gz = await gzip(labels);
    const junk = new Uint8Array(gz.length + 5);
    junk.set(gz);
    junk.set([1, 2, 3, 4, 5], gz.length);
    const flipped = gz.slice();
    flipped[12] ^= 0xff;
    for (const [what, bytes] of [
      ['magic only', new Uint8Array([0x1f, 0x8b])],
      ['magic then garbage', new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4, 5])],
      ['a bad compression method', Uint8Array.from(gz, (b, i) => (i === 2 ? 7 : b))],
      ['junk after the stream', junk],
      ['a flipped deflate byte', flipped],
    ] as const) {
      await expectRejects(decodeIdx(bytes, 'g.gz'), 'invalid-data', new RegExp(`^g\\.gz: (gzip data is corrupt or truncated|truncated|trailing bytes|bad magic|unknown dtype)`))
        .catch((e: unknown) => { throw new Error(`${what}: ${String(e)}`); });
    }
  });

  it('stops decompressing at the size limit (a gzip bomb is refused, not inflated)', async () => {
    const big = idxBytes(0x08, [1 << 20], new Uint8Array(1 << 20));
    const gz = await gzip(big);
    expect(gz.length).to.be.lessThan(5000);
    await expectRejects(gunzip(gz, 'bomb.gz', 1 << 16), 'invalid-data',
      'bomb.gz: gzip data decompresses to more than 65536 bytes, the most an IDX file may hold here');
    expect((await gunzip(gz, 'ok.gz', big.length)).length).to.equal(big.length);
  });
});

describe('parseIdx on synthetic files', () => {
  it('decodes every dtype big-endian', () => {
    const cases: { code: number; dtype: string; size: number; values: number[]; set: (v: DataView, at: number, x: number) => void }[] = [
      { code: 0x08, dtype: 'u8', size: 1, values: [0, 1, 128, 255, 7, 9], set: (v, at, x) => v.setUint8(at, x) },
      { code: 0x09, dtype: 'i8', size: 1, values: [-128, -1, 0, 1, 127, 5], set: (v, at, x) => v.setInt8(at, x) },
      { code: 0x0b, dtype: 'i16', size: 2, values: [-32768, -2, 0, 3, 32767, 258], set: (v, at, x) => v.setInt16(at, x, false) },
      { code: 0x0c, dtype: 'i32', size: 4, values: [-2147483648, -3, 0, 65536, 2147483647, 16909060], set: (v, at, x) => v.setInt32(at, x, false) },
      { code: 0x0d, dtype: 'f32', size: 4, values: [-1.5, 0, 0.25, 3.5, 1e-7, 65504], set: (v, at, x) => v.setFloat32(at, x, false) },
      { code: 0x0e, dtype: 'f64', size: 8, values: [-1e300, 0, 0.1, Math.PI, 5e-324, 2], set: (v, at, x) => v.setFloat64(at, x, false) },
    ];
    for (const c of cases) {
      const payload = new Uint8Array(6 * c.size);
      const view = new DataView(payload.buffer);
      c.values.forEach((x, i) => c.set(view, i * c.size, x));
      const t = parseIdx(idxBytes(c.code, [2, 3], payload), c.dtype);
      expect(t.dtype, c.dtype).to.equal(c.dtype);
      expect(t.dims, c.dtype).to.deep.equal([2, 3]);
      const want = c.dtype === 'f32' ? c.values.map(Math.fround) : c.values;
      expect(Array.from(t.data), c.dtype).to.deep.equal(want);
    }
  });

  it('reads from a Uint8Array that is a view at an offset', () => {
    const file = idxBytes(0x0b, [2], new Uint8Array([0x01, 0x02, 0xff, 0xfe]));
    const host = new Uint8Array(file.length + 3);
    host.set(file, 3);
    expect(Array.from(parseIdx(host.subarray(3), 'v').data)).to.deep.equal([258, -2]);
  });

  it('rejects an unknown dtype code, listing the allowed ones', () => {
    expectThrows(() => parseIdx(idxBytes(0x0a, [1], new Uint8Array(1)), 'odd'), 'invalid-data',
      'odd: unknown dtype code 0x0A; allowed: 0x08 u8, 0x09 i8, 0x0B i16, 0x0C i32, 0x0D f32, 0x0E f64');
  });

  it('rejects rank 0', () => {
    expectThrows(() => parseIdx(idxBytes(0x08, [], new Uint8Array(1)), 'r0'), 'invalid-data',
      'r0: rank 0: an IDX file needs rank ≥ 1');
  });

  it('rejects a zero dimension', () => {
    expectThrows(() => parseIdx(idxBytes(0x08, [3, 0, 4], new Uint8Array(0)), 'z'), 'invalid-data',
      'z: dimension 1 of 3 is 0; every dimension must be ≥ 1 (header dims 3×0×4)');
  });

  it('rejects files shorter than their header', () => {
    expectThrows(() => parseIdx(new Uint8Array([0, 0]), 's'), 'invalid-data',
      's: too short for an IDX header: needs 4 bytes of magic, file has 2');
    expectThrows(() => parseIdx(new Uint8Array([0, 0, 8, 3, 0, 0, 0, 1]), 's'), 'invalid-data',
      's: truncated header: rank 3 needs 16 header bytes, file has 8');
  });

  it('names the element type and byte count for wide dtypes, without overflow on huge headers', () => {
    expectThrows(() => parseIdx(idxBytes(0x0e, [2, 3], new Uint8Array(40)), 'w'), 'invalid-data',
      'w: truncated: header says 2×3 f64 = 48 bytes of data, file has 40');
  });

  it('refuses dims whose product overflows or passes the size limit, from the header alone (nothing allocated)', () => {
    const huge = [0xffffffff, 0xffffffff, 0xffffffff];
    expectThrows(() => parseIdx(idxBytes(0x08, huge, new Uint8Array(1)), 'h'), 'invalid-data',
      `h: header says ${huge.join('×')} = ${(2n ** 32n - 1n) ** 3n} bytes of data, over the 1073741824-byte limit of an IDX file here (file has 1)`);
    expect(MAX_IDX_DATA_BYTES).to.equal(2 ** 30);
    expectThrows(() => parseIdx(idxBytes(0x08, [0x10000, 0x4001], new Uint8Array(0)), 'big'), 'invalid-data',
      'big: header says 65536×16385 = 1073807360 bytes of data, over the 1073741824-byte limit of an IDX file here (file has 0)');
    // 2^27 + 1 f64 values: the element count fits, the bytes do not.
    expectThrows(() => parseIdx(idxBytes(0x0e, [2 ** 27 + 1], new Uint8Array(8)), 'wide'), 'invalid-data',
      'wide: header says 134217729 f64 = 1073741832 bytes of data, over the 1073741824-byte limit of an IDX file here (file has 8)');
    // Exactly at the limit is only a truncation (the file is short), not a refusal by size.
    expectThrows(() => parseIdx(idxBytes(0x08, [2 ** 15, 2 ** 15], new Uint8Array(3)), 'edge'), 'invalid-data',
      'edge: truncated: header says 32768×32768 = 1073741824 bytes of data, file has 3');
  });

  it('refuses a rank-255 header that is cut short, and dims of 2^32−1 with rank 255', () => {
    expectThrows(() => parseIdx(new Uint8Array([0, 0, 8, 255, 0, 0, 0, 1]), 'r255'), 'invalid-data',
      'r255: truncated header: rank 255 needs 1024 header bytes, file has 8');
    expectThrows(() => parseIdx(idxBytes(0x08, Array(255).fill(0xffffffff), new Uint8Array(0)), 'r255'), 'invalid-data',
      /^r255: header says (4294967295×){254}4294967295 = \d+ bytes of data, over the 1073741824-byte limit/);
  });

  it('rejects arguments that are not bytes or a name', () => {
    expectThrows(() => parseIdx([0, 0, 8, 1] as unknown as Uint8Array, 'arr'), 'invalid-argument', /^arr: bytes must be a Uint8Array/);
    expectThrows(() => parseIdx(new Uint8Array(8), ''), 'invalid-argument', /^name must be a non-empty file name/);
  });
});
