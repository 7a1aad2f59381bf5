// CPU oracle for the avgpool2d kernels (NCHW, window S×S, stride T (default S), floor
// mode): the forward window means and the backward pass that spreads dY / (S·S) over
// each window (summed where windows overlap). The geometry is maxpool2d's
// (src/layout), the same windows.
import { maxPool2dGeometry, type MaxPool2dShape } from '../layout/maxpool2d.js';
import { check } from '../errors.js';

/** Window means, summed in row-major order (f64). */
export function avgPool2dRef(x: ArrayLike<number>, s: MaxPool2dShape): Float64Array {
  const { OH, OW, T } = maxPool2dGeometry(s);
  const { B, C, H, W, S } = s;
  check(x.length >= B * C * H * W, 'x', `at least ${B * C * H * W} elements`, x.length);
  const y = new Float64Array(B * C * OH * OW);
  for (let plane = 0; plane < B * C; plane++) {
    for (let oy = 0; oy < OH; oy++) {
      for (let ox = 0; ox < OW; ox++) {
        let sum = 0;
        for (let dy = 0; dy < S; dy++) for (let dx = 0; dx < S; dx++) sum += x[(plane * H + oy * T + dy) * W + ox * T + dx]!;
        y[(plane * OH + oy) * OW + ox] = sum / (S * S);
      }
    }
  }
  return y;
}

/** dX: dY / (S·S) added to every element of its window; 0 where no window reaches. */
export function avgPool2dBackwardRef(dy: ArrayLike<number>, s: MaxPool2dShape): Float64Array {
  const { OH, OW, T } = maxPool2dGeometry(s);
  const { B, C, H, W, S } = s;
  check(dy.length >= B * C * OH * OW, 'dy', `at least ${B * C * OH * OW} elements`, dy.length);
  const dx = new Float64Array(B * C * H * W);
  for (let plane = 0; plane < B * C; plane++) {
    for (let oy = 0; oy < OH; oy++) {
      for (let ox = 0; ox < OW; ox++) {
        const g = dy[(plane * OH + oy) * OW + ox]! / (S * S);
        for (let ky = 0; ky < S; ky++) for (let kx = 0; kx < S; kx++) dx[(plane * H + oy * T + ky) * W + ox * T + kx] += g;
      }
    }
  }
  return dx;
}
