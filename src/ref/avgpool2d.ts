// CPU oracle for the avgpool2d kernels (NCHW, window S×S, stride S, floor mode):
// the forward window means and the backward pass that spreads dY / (S·S) over each
// whole window. The geometry is maxpool2d's (src/layout), the same windows.
import { maxPool2dGeometry, type MaxPool2dShape } from '../layout/maxpool2d.js';
import { check } from '../errors.js';

/** Window means, summed in row-major order (f64). */
export function avgPool2dRef(x: ArrayLike<number>, s: MaxPool2dShape): Float64Array {
  const { OH, OW } = maxPool2dGeometry(s);
  const { B, C, H, W, S } = s;
  check(x.length >= B * C * H * W, 'x', `at least ${B * C * H * W} elements`, x.length);
  const y = new Float64Array(B * C * OH * OW);
  for (let plane = 0; plane < B * C; plane++) {
    for (let oy = 0; oy < OH; oy++) {
      for (let ox = 0; ox < OW; ox++) {
        let sum = 0;
        for (let dy = 0; dy < S; dy++) for (let dx = 0; dx < S; dx++) sum += x[(plane * H + oy * S + dy) * W + ox * S + dx]!;
        y[(plane * OH + oy) * OW + ox] = sum / (S * S);
      }
    }
  }
  return y;
}

/** dX: dY / (S·S) on every element of its window; 0 past the last whole window. */
export function avgPool2dBackwardRef(dy: ArrayLike<number>, s: MaxPool2dShape): Float64Array {
  const { OH, OW } = maxPool2dGeometry(s);
  const { B, C, H, W, S } = s;
  check(dy.length >= B * C * OH * OW, 'dy', `at least ${B * C * OH * OW} elements`, dy.length);
  const dx = new Float64Array(B * C * H * W);
  for (let plane = 0; plane < B * C; plane++) {
    for (let iy = 0; iy < OH * S; iy++) {
      for (let ix = 0; ix < OW * S; ix++) dx[(plane * H + iy) * W + ix] = dy[(plane * OH + Math.floor(iy / S)) * OW + Math.floor(ix / S)]! / (S * S);
    }
  }
  return dx;
}
