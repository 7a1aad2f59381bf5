// toMnist against hand-derived expectations: bounding box scaled to 20 on its longer
// side (area conserved by the box filter), centre of mass on the field's centre.
import { expect } from '@esm-bundle/chai';
import { centreOfMass, toMnist } from '../../src/ui/mnist-preprocess.js';
import { expectArgError } from '../helpers/errors.js';

function image(w: number, h: number, fill: (x: number, y: number) => number): Float32Array {
  return Float32Array.from({ length: w * h }, (_, i) => fill(i % w, Math.floor(i / w)));
}

function inkBox(px: Float32Array): [number, number, number, number] {
  let x0 = 28, y0 = 28, x1 = -1, y1 = -1;
  px.forEach((v, i) => {
    if (v > 0) {
      x0 = Math.min(x0, i % 28); x1 = Math.max(x1, i % 28);
      y0 = Math.min(y0, Math.floor(i / 28)); y1 = Math.max(y1, Math.floor(i / 28));
    }
  });
  return [x0, y0, x1 - x0 + 1, y1 - y0 + 1];
}

function sum(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]!;
  return s;
}

describe('toMnist', () => {
  it('is all zero for a blank pad', () => {
    const out = toMnist(new Float32Array(100 * 100), 100, 100);
    expect(out.length).to.equal(784);
    expect(sum(out)).to.equal(0);
  });

  it('scales a solid square in a corner to a 20×20 block of ones, centred: pixels 4..23', () => {
    const out = toMnist(image(280, 280, (x, y) => (x < 50 && y < 50 ? 1 : 0)), 280, 280);
    expect(inkBox(out)).to.deep.equal([4, 4, 20, 20]);
    expect(sum(out)).to.be.closeTo(400, 1e-3);
    expect(Math.max(...out)).to.be.closeTo(1, 1e-6);
  });

  it('keeps the aspect ratio (2:1 → 20×10) and conserves ink area at the scale factor', () => {
    const w = 60, h = 30;
    const ink = image(200, 200, (x, y) => (x >= 100 && x < 100 + w && y >= 20 && y < 20 + h ? 0.5 : 0));
    const out = toMnist(ink, 200, 200);
    const [, , bw, bh] = inkBox(out);
    expect([bw, bh]).to.deep.equal([20, 10]);
    const s = 20 / w;
    expect(sum(out)).to.be.closeTo(sum(ink) * s * s, 1e-3);
  });

  it('puts the centre of mass within half a pixel of (14, 14) for a lopsided shape, values in [0, 1]', () => {
    // An "L": a tall bar and a short foot; its mass sits left of its box's centre.
    const ink = image(280, 280, (x, y) => ((x >= 60 && x < 80 && y >= 40 && y < 240) || (x >= 60 && x < 160 && y >= 220 && y < 240) ? 1 : 0));
    const out = toMnist(ink, 280, 280);
    const [cx, cy] = centreOfMass(out, 28, 28)!;
    expect(cx).to.be.closeTo(14, 0.5);
    expect(cy).to.be.closeTo(14, 0.5);
    for (const v of out) expect(v).to.be.within(0, 1);
  });

  it('scales a tiny dot up to fill the box', () => {
    const out = toMnist(image(10, 10, (x, y) => (x === 3 && y === 7 ? 1 : 0)), 10, 10);
    expect(inkBox(out)).to.deep.equal([4, 4, 20, 20]);
  });

  it('refuses a wrong length and out-of-range ink, naming the field', async () => {
    await expectArgError(() => toMnist(new Float32Array(5), 2, 2), 'ink');
    await expectArgError(() => toMnist(Float32Array.of(0, 2, 0, 0), 2, 2), 'ink[1]');
    await expectArgError(() => toMnist(new Float32Array(0), 0, 2), 'width');
  });
});
