// CPU oracle for im2col (stride 1, NCHW): row m = b·OH·OW + oy·OW + ox of the result
// holds the C·KH·KW input values under output (b, oy, ox)'s window, in W's
// (c, ky, kx) order, zero in the padding. A conv is then rows · Wᵀ.
import { conv2dGeometry, type Conv2dShape } from './conv2d.js';

export function im2colRef(x: ArrayLike<number>, s: Conv2dShape): Float32Array {
  const { OH, OW, PH, PW } = conv2dGeometry(s);
  const K = s.C * s.KH * s.KW;
  const out = new Float32Array(s.B * OH * OW * K);
  for (let b = 0; b < s.B; b++) {
    for (let oy = 0; oy < OH; oy++) {
      for (let ox = 0; ox < OW; ox++) {
        const row = ((b * OH + oy) * OW + ox) * K;
        for (let c = 0; c < s.C; c++) {
          for (let ky = 0; ky < s.KH; ky++) {
            for (let kx = 0; kx < s.KW; kx++) {
              const iy = oy + ky - PH;
              const ix = ox + kx - PW;
              const inside = iy >= 0 && iy < s.H && ix >= 0 && ix < s.W;
              out[row + (c * s.KH + ky) * s.KW + kx] = inside ? x[((b * s.C + c) * s.H + iy) * s.W + ix]! : 0;
            }
          }
        }
      }
    }
  }
  return out;
}
