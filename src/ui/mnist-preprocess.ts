// Turns a drawn digit into an MNIST-like input, as MNIST itself was made: the ink's
// bounding box is scaled (aspect kept, area-averaged) so its longer side is 20
// pixels, then placed in a 28×28 field with its centre of mass at the centre.
// Pure: no DOM, so it is testable anywhere and usable in a Worker.
import { check, checkDim } from '../errors.js';

export const MNIST_SIZE = 28;
export const MNIST_BOX = 20;

/** Per output pixel of a resampled axis: the source pixels it covers and by how much. */
function coverage(srcLen: number, outLen: number): Array<Array<[number, number]>> {
  const step = srcLen / outLen;
  return Array.from({ length: outLen }, (_, o) => {
    const a = o * step;
    const b = a + step;
    const cells: Array<[number, number]> = [];
    for (let p = Math.floor(a); p < Math.min(srcLen, Math.ceil(b)); p++) {
      const overlap = Math.min(b, p + 1) - Math.max(a, p);
      if (overlap > 0) cells.push([p, overlap / step]);
    }
    return cells;
  });
}

/** Centre of mass (x, y) of a w×h image, in pixel-centre coordinates; null when it is blank. */
export function centreOfMass(img: ArrayLike<number>, w: number, h: number): [number, number] | null {
  let m = 0;
  let sx = 0;
  let sy = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const v = img[y * w + x]!;
      m += v;
      sx += v * (x + 0.5);
      sy += v * (y + 0.5);
    }
  }
  return m > 0 ? [sx / m, sy / m] : null;
}

/**
 * ink: width×height intensities in [0, 1] (row-major). Returns 28×28 = 784 values in
 * [0, 1], all zero when there is no ink.
 */
export function toMnist(ink: ArrayLike<number>, width: number, height: number): Float32Array {
  checkDim(width, 'width');
  checkDim(height, 'height');
  check(ink.length === width * height, 'ink', `width × height = ${width * height} values`, ink.length);
  const out = new Float32Array(MNIST_SIZE * MNIST_SIZE);
  let x0 = width, y0 = height, x1 = -1, y1 = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = ink[y * width + x]!;
      check(v >= 0 && v <= 1, `ink[${y * width + x}]`, 'a number in [0, 1]', v);
      if (v > 0) {
        x0 = Math.min(x0, x); x1 = Math.max(x1, x);
        y0 = Math.min(y0, y); y1 = Math.max(y1, y);
      }
    }
  }
  if (x1 < 0) return out;
  const bw = x1 - x0 + 1;
  const bh = y1 - y0 + 1;
  const scale = MNIST_BOX / Math.max(bw, bh);
  const ow = Math.max(1, Math.min(MNIST_BOX, Math.round(bw * scale)));
  const oh = Math.max(1, Math.min(MNIST_BOX, Math.round(bh * scale)));
  const cx = coverage(bw, ow);
  const cy = coverage(bh, oh);
  // Separable area average: rows first, then columns.
  const rows = new Float64Array(bh * ow);
  for (let y = 0; y < bh; y++) {
    for (let o = 0; o < ow; o++) {
      let s = 0;
      for (const [p, wgt] of cx[o]!) s += ink[(y0 + y) * width + x0 + p]! * wgt;
      rows[y * ow + o] = s;
    }
  }
  const box = new Float64Array(oh * ow);
  for (let o = 0; o < oh; o++) {
    for (let x = 0; x < ow; x++) {
      let s = 0;
      for (const [p, wgt] of cy[o]!) s += rows[p * ow + x]! * wgt;
      box[o * ow + x] = Math.min(1, s);
    }
  }
  const [mx, my] = centreOfMass(box, ow, oh)!;
  // Shift by whole pixels so the centre of mass lands on 14, but never push ink off the field.
  const dx = Math.min(MNIST_SIZE - ow, Math.max(0, Math.round(MNIST_SIZE / 2 - mx)));
  const dy = Math.min(MNIST_SIZE - oh, Math.max(0, Math.round(MNIST_SIZE / 2 - my)));
  for (let y = 0; y < oh; y++) for (let x = 0; x < ow; x++) out[(y + dy) * MNIST_SIZE + x + dx] = box[y * ow + x]!;
  return out;
}
