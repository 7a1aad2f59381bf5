// CPU oracles for im2col and col2im (NCHW, any stride and pads): row
// m = b·OH·OW + oy·OW + ox of im2col's result holds the C·KH·KW input values under
// output (b, oy, ox)'s window (input pixel (oy·S + ky − PT, ox·S + kx − PL)), in W's
// (c, ky, kx) order, zero in the padding. A conv is then rows · Wᵀ. col2im is its
// adjoint: each row entry is added back onto the pixel it came from (f64 sums).
import { conv2dGeometry, type Conv2dShape } from '../layout/conv2d.js';

/** Calls visit(xi, ci) for every cols entry ci copied from input pixel xi (padding skipped). */
function forEachWindowTap(s: Conv2dShape, visit: (xi: number, ci: number) => void): void {
  const { OH, OW, S, PH: PT, PW: PL } = conv2dGeometry(s);
  const K = s.C * s.KH * s.KW;
  for (let b = 0; b < s.B; b++) {
    for (let oy = 0; oy < OH; oy++) {
      for (let ox = 0; ox < OW; ox++) {
        const row = ((b * OH + oy) * OW + ox) * K;
        for (let c = 0; c < s.C; c++) {
          for (let ky = 0; ky < s.KH; ky++) {
            const iy = oy * S + ky - PT;
            if (iy < 0 || iy >= s.H) continue;
            for (let kx = 0; kx < s.KW; kx++) {
              const ix = ox * S + kx - PL;
              if (ix < 0 || ix >= s.W) continue;
              visit(((b * s.C + c) * s.H + iy) * s.W + ix, row + (c * s.KH + ky) * s.KW + kx);
            }
          }
        }
      }
    }
  }
}

export function im2colRef(x: ArrayLike<number>, s: Conv2dShape): Float32Array {
  const { OH, OW } = conv2dGeometry(s);
  const out = new Float32Array(s.B * OH * OW * s.C * s.KH * s.KW);
  forEachWindowTap(s, (xi, ci) => {
    out[ci] = x[xi]!;
  });
  return out;
}

/** dX from the gradient of im2col's rows: Σ of every entry copied from each pixel. */
export function col2imRef(dcols: ArrayLike<number>, s: Conv2dShape): Float64Array {
  const dx = new Float64Array(s.B * s.C * s.H * s.W);
  forEachWindowTap(s, (xi, ci) => {
    dx[xi] += dcols[ci]!;
  });
  return dx;
}
