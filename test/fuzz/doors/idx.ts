// Door: IDX image/label files (datasetFromIdxBytes, what the CLI and the page call).
// Mutations of a valid 6×4×4 u8 pair: magic, dtype, rank, dims, truncation, trailing
// bytes, dims whose product overflows, gzip garbage, and random bytes.
// Documented acceptance: a damaged data byte (not header) still decodes; then the
// dataset must be 6 rows of 1×4×4 pixels in [0, 1] with labels < numClasses.
import { datasetFromIdxBytes } from '../../../src/data/dataset.js';
import type { Rng } from '../../../src/rng.js';
import type { Door, FuzzCase } from '../harness.js';
import { damageBytes, garbage, pick } from '../mutate.js';

interface IdxCase extends FuzzCase {
  images: Uint8Array;
  labels: Uint8Array;
}

function idx(dtype: number, dims: number[], data: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + data.length);
  const view = new DataView(out.buffer);
  out.set([0, 0, dtype, dims.length]);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d >>> 0, false));
  out.set(data, 4 + 4 * dims.length);
  return out;
}

const N = 6;
const IMAGES = idx(0x08, [N, 4, 4], Uint8Array.from({ length: N * 16 }, (_, i) => (i * 37) % 256));
const LABELS = idx(0x08, [N], Uint8Array.from({ length: N }, (_, i) => i % 3));

async function gzip(bytes: Uint8Array): Promise<Uint8Array> {
  const cs = new CompressionStream('gzip');
  const w = cs.writable.getWriter();
  void w.write(new Uint8Array(bytes)).then(() => w.close());
  return new Uint8Array(await new Response(cs.readable).arrayBuffer());
}

function header(rng: Rng, valid: Uint8Array): { bytes: Uint8Array; what: string } {
  const kind = rng.int(6);
  const data = valid.subarray(4 + 4 * valid[3]!);
  if (kind === 0) return { bytes: idx(pick(rng, [0x00, 0x07, 0x0a, 0x0f, 0xff, 0x0b, 0x0c, 0x0d, 0x0e]), [N, 4, 4], data), what: 'dtype changed' };
  if (kind === 1) {
    const rank = pick(rng, [0, 1, 2, 4, 5, 255]);
    return { bytes: idx(0x08, Array.from({ length: rank }, (_, i) => [N, 4, 4, 1, 1][i] ?? 1), data), what: `rank ${rank}` };
  }
  if (kind === 2) {
    const dims = [N, 4, 4].map((d) => (rng.next() < 0.5 ? pick(rng, [0, 1, 3, 5, 0xffffffff, 0x10000, 0x80000000]) : d));
    return { bytes: idx(0x08, dims, data), what: `dims ${dims.join('×')}` };
  }
  if (kind === 3) return { bytes: idx(0x08, [0xffffffff, 0xffffffff, 0xffffffff], data), what: 'dims whose product overflows (2^32−1 each)' };
  if (kind === 4) {
    const out = valid.slice();
    out[rng.int(2)] = 1 + rng.int(255);
    return { bytes: out, what: 'bad magic' };
  }
  return { bytes: garbage(rng, 64), what: 'random garbage' };
}

export const idxDoor: Door<IdxCase> = {
  name: 'idx',
  fastCases: 60,
  generate(rng) {
    const which = rng.next() < 0.7 ? 'images' : 'labels';
    const valid = which === 'images' ? IMAGES : LABELS;
    const r = rng.next();
    let m: { bytes: Uint8Array; what: string };
    if (r < 0.45) m = header(rng, valid);
    else if (r < 0.85) m = damageBytes(rng, valid, 4 + 4 * valid[3]!);
    else m = { bytes: Uint8Array.of(0x1f, 0x8b, ...garbage(rng, 40)), what: 'gzip magic then garbage' };
    const gz = r >= 0.45 && r < 0.85 && rng.next() < 0.2;
    return {
      repro: `${which}: ${m.what}${gz ? ' (then gzip, then truncated)' : ''}`,
      fields: [which === 'images' ? 'train-images' : 'train-labels'],
      images: which === 'images' ? m.bytes : IMAGES,
      labels: which === 'labels' ? m.bytes : LABELS,
      ...(gz ? { gzipTruncate: true } : {}),
    } as IdxCase;
  },
  async run(c) {
    const labels = c.labels;
    let images = c.images;
    if ((c as { gzipTruncate?: boolean }).gzipTruncate) {
      const z = await gzip(images);
      images = z.subarray(0, Math.max(2, z.length - 5));
    }
    const ds = await datasetFromIdxBytes(images, labels, { images: 'train-images', labels: 'train-labels' });
    if (ds.n !== N) return `${ds.n} rows, the files hold ${N}`;
    if (ds.images.length !== ds.n * ds.shape.C * ds.shape.H * ds.shape.W) return `images length ${ds.images.length} does not match ${ds.n}×${ds.shape.C}×${ds.shape.H}×${ds.shape.W}`;
    if (!ds.images.every((v) => v >= 0 && v <= 1)) return 'a pixel outside [0, 1]';
    if (!ds.labels.every((l) => l < ds.numClasses)) return 'a label ≥ numClasses';
  },
};
