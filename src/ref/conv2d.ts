// CPU oracle for the conv2d kernels (NCHW, stride S, pads [top, left, bottom, right]):
// forward Y = conv(X, W⊙M) + b [ReLU], and the backward passes dX, dW (masked
// positions 0) and db. The shape geometry (output size, stride, padding) lives in
// src/layout, shared with the GPU wrappers.
// Sums run in f64 and results are Float64Array, so that gradient checks by finite
// differences are not drowned in f32 rounding.
import { check } from '../errors.js';
import { conv2dGeometry, type Conv2dGeometry, type Conv2dShape } from '../layout/conv2d.js';

export { CONV2D_PADDINGS, conv2dGeometry, conv2dPads, type Conv2dGeometry, type Conv2dPadding, type Conv2dShape } from '../layout/conv2d.js';

export interface Conv2dRefOptions {
  bias?: ArrayLike<number> | undefined;
  relu?: boolean;
  /** One byte per weight in W's layout; 0 = pruned. */
  mask?: Uint8Array | undefined;
}

function checkLength(a: ArrayLike<number>, n: number, field: string): void {
  check(a.length >= n, field, `at least ${n} elements`, a.length);
}

function maskedWeight(w: ArrayLike<number>, mask: Uint8Array | undefined, i: number): number {
  return mask && mask[i] === 0 ? 0 : w[i]!;
}

/**
 * Calls `visit(xi, wi, yi)` with the flat indices of every product X[xi]·W[wi] that
 * enters Y[yi]. Forward and both backward oracles walk this one loop, so they
 * cannot disagree about which terms a convolution has.
 */
function forEachTap(s: Conv2dShape, g: Conv2dGeometry, visit: (xi: number, wi: number, yi: number) => void): void {
  const { B, C, H, W, F, KH, KW } = s;
  const { OH, OW, PH, PW, S } = g;
  for (let b = 0; b < B; b++) {
    for (let f = 0; f < F; f++) {
      for (let oy = 0; oy < OH; oy++) {
        for (let ox = 0; ox < OW; ox++) {
          const yi = ((b * F + f) * OH + oy) * OW + ox;
          for (let c = 0; c < C; c++) {
            for (let ky = 0; ky < KH; ky++) {
              const iy = oy * S + ky - PH;
              if (iy < 0 || iy >= H) continue;
              for (let kx = 0; kx < KW; kx++) {
                const ix = ox * S + kx - PW;
                if (ix < 0 || ix >= W) continue;
                visit(((b * C + c) * H + iy) * W + ix, ((f * C + c) * KH + ky) * KW + kx, yi);
              }
            }
          }
        }
      }
    }
  }
}

export function conv2dRef(x: ArrayLike<number>, w: ArrayLike<number>, s: Conv2dShape, o: Conv2dRefOptions = {}): Float64Array {
  const g = conv2dGeometry(s);
  checkLength(x, s.B * s.C * s.H * s.W, 'x');
  checkLength(w, s.F * s.C * s.KH * s.KW, 'w');
  const y = new Float64Array(s.B * s.F * g.OH * g.OW);
  forEachTap(s, g, (xi, wi, yi) => {
    y[yi] += x[xi]! * maskedWeight(w, o.mask, wi);
  });
  const plane = g.OH * g.OW;
  for (let i = 0; i < y.length; i++) {
    let v = y[i]!;
    if (o.bias) v += o.bias[Math.floor(i / plane) % s.F]!;
    y[i] = o.relu ? Math.max(v, 0) : v;
  }
  return y;
}

/** dX = conv_transpose(dY, W⊙M): the gradient of Σ dY⊙Y with respect to X. */
export function conv2dBackwardDataRef(dy: ArrayLike<number>, w: ArrayLike<number>, s: Conv2dShape, mask?: Uint8Array): Float64Array {
  const g = conv2dGeometry(s);
  checkLength(dy, s.B * s.F * g.OH * g.OW, 'dy');
  checkLength(w, s.F * s.C * s.KH * s.KW, 'w');
  const dx = new Float64Array(s.B * s.C * s.H * s.W);
  forEachTap(s, g, (xi, wi, yi) => {
    dx[xi] += dy[yi]! * maskedWeight(w, mask, wi);
  });
  return dx;
}

/** dW = Σ_b correlate(X, dY), with masked weights' gradient exactly 0. */
export function conv2dBackwardFilterRef(x: ArrayLike<number>, dy: ArrayLike<number>, s: Conv2dShape, mask?: Uint8Array): Float64Array {
  const g = conv2dGeometry(s);
  checkLength(x, s.B * s.C * s.H * s.W, 'x');
  checkLength(dy, s.B * s.F * g.OH * g.OW, 'dy');
  const dw = new Float64Array(s.F * s.C * s.KH * s.KW);
  forEachTap(s, g, (xi, wi, yi) => {
    dw[wi] += x[xi]! * dy[yi]!;
  });
  if (mask) for (let i = 0; i < dw.length; i++) if (mask[i] === 0) dw[i] = 0;
  return dw;
}

/** db[f] = Σ over batch and positions of dY[b, f]. */
export function conv2dBiasGradRef(dy: ArrayLike<number>, s: Conv2dShape): Float64Array {
  const { OH, OW } = conv2dGeometry(s);
  checkLength(dy, s.B * s.F * OH * OW, 'dy');
  const db = new Float64Array(s.F);
  const plane = OH * OW;
  for (let i = 0; i < s.B * s.F * plane; i++) db[Math.floor(i / plane) % s.F] += dy[i]!;
  return db;
}
