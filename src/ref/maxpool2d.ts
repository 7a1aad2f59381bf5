// CPU oracle for the maxpool2d kernels (NCHW, window S×S, stride T (default S), floor
// mode): forward with the argmax of each window, and the backward pass that routes dY
// to those argmaxes (summed where overlapping windows share one). The geometry lives in src/layout, shared with the GPU wrappers.
import { maxPool2dGeometry, type MaxPool2dShape } from '../layout/maxpool2d.js';
import { check } from '../errors.js';

export { maxPool2dGeometry, type MaxPool2dGeometry, type MaxPool2dShape } from '../layout/maxpool2d.js';

export interface MaxPool2dRefResult {
  y: Float64Array;
  /** Flat index into X of each output's maximum; ties go to the first in row-major window order. */
  argmax: Uint32Array;
}

export function maxPool2dRef(x: ArrayLike<number>, s: MaxPool2dShape): MaxPool2dRefResult {
  const { OH, OW, T } = maxPool2dGeometry(s);
  const { B, C, H, W, S } = s;
  check(x.length >= B * C * H * W, 'x', `at least ${B * C * H * W} elements`, x.length);
  const n = B * C * OH * OW;
  const y = new Float64Array(n);
  const argmax = new Uint32Array(n);
  for (let plane = 0; plane < B * C; plane++) {
    for (let oy = 0; oy < OH; oy++) {
      for (let ox = 0; ox < OW; ox++) {
        let bi = (plane * H + oy * T) * W + ox * T;
        let best = x[bi]!;
        for (let dy = 0; dy < S; dy++) {
          for (let dx = 0; dx < S; dx++) {
            const i = (plane * H + oy * T + dy) * W + ox * T + dx;
            // Strictly greater: the first maximum wins a tie.
            if (x[i]! > best) {
              best = x[i]!;
              bi = i;
            }
          }
        }
        const o = (plane * OH + oy) * OW + ox;
        y[o] = best;
        argmax[o] = bi;
      }
    }
  }
  return { y, argmax };
}

/** dX: each dY lands on its window's argmax; every other element is 0. */
export function maxPool2dBackwardRef(dy: ArrayLike<number>, argmax: ArrayLike<number>, s: MaxPool2dShape): Float64Array {
  const { OH, OW } = maxPool2dGeometry(s);
  const n = s.B * s.C * OH * OW;
  check(dy.length >= n, 'dy', `at least ${n} elements`, dy.length);
  check(argmax.length >= n, 'argmax', `at least ${n} elements`, argmax.length);
  const dx = new Float64Array(s.B * s.C * s.H * s.W);
  for (let o = 0; o < n; o++) dx[argmax[o]!] += dy[o]!;
  return dx;
}
