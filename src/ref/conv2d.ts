// CPU oracle for the conv2d kernels (stride 1, NCHW): forward Y = conv(X, W⊙M) + b
// [ReLU], and the backward passes dX, dW (masked positions 0) and db. Also the shape
// geometry (output size, padding) that the GPU wrappers share, so both sides agree.
// Sums run in f64 and results are Float64Array, so that gradient checks by finite
// differences are not drowned in f32 rounding.
import { check, checkDim } from '../errors.js';

export type Conv2dPadding = 'valid' | 'same';
export const CONV2D_PADDINGS: readonly Conv2dPadding[] = ['valid', 'same'];

/** X is B×C×H×W, W is F×C×KH×KW, Y is B×F×OH×OW. */
export interface Conv2dShape {
  B: number;
  C: number;
  H: number;
  W: number;
  F: number;
  KH: number;
  KW: number;
  padding: Conv2dPadding;
}

export interface Conv2dGeometry {
  OH: number;
  OW: number;
  /** Zero rows above / columns left of X ('same' pads (K−1)/2 on each side). */
  PH: number;
  PW: number;
}

/** Validates a conv shape and returns its output size and padding. */
export function conv2dGeometry(s: Conv2dShape): Conv2dGeometry {
  for (const f of ['B', 'C', 'H', 'W', 'F', 'KH', 'KW'] as const) checkDim(s[f], f);
  check(CONV2D_PADDINGS.includes(s.padding), 'padding', `one of ${CONV2D_PADDINGS.map((p) => `'${p}'`).join(', ')}`, s.padding);
  if (s.padding === 'same') {
    // Even kernels would need uneven padding; nothing here needs them.
    check(s.KH % 2 === 1, 'KH', "odd with padding 'same'", s.KH);
    check(s.KW % 2 === 1, 'KW', "odd with padding 'same'", s.KW);
    return { OH: s.H, OW: s.W, PH: (s.KH - 1) / 2, PW: (s.KW - 1) / 2 };
  }
  check(s.KH <= s.H, 'KH', `at most H = ${s.H} with padding 'valid'`, s.KH);
  check(s.KW <= s.W, 'KW', `at most W = ${s.W} with padding 'valid'`, s.KW);
  return { OH: s.H - s.KH + 1, OW: s.W - s.KW + 1, PH: 0, PW: 0 };
}

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
  const { OH, OW, PH, PW } = g;
  for (let b = 0; b < B; b++) {
    for (let f = 0; f < F; f++) {
      for (let oy = 0; oy < OH; oy++) {
        for (let ox = 0; ox < OW; ox++) {
          const yi = ((b * F + f) * OH + oy) * OW + ox;
          for (let c = 0; c < C; c++) {
            for (let ky = 0; ky < KH; ky++) {
              const iy = oy + ky - PH;
              if (iy < 0 || iy >= H) continue;
              for (let kx = 0; kx < KW; kx++) {
                const ix = ox + kx - PW;
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
