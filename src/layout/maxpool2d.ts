// Maxpool2d shape geometry (NCHW, window S×S, stride S, floor mode), shared by the
// GPU wrappers and the CPU oracle.
import { check, checkDim } from '../errors.js';

/** X is B×C×H×W, Y is B×C×OH×OW with OH = floor(H/S), OW = floor(W/S). */
export interface MaxPool2dShape {
  B: number;
  C: number;
  H: number;
  W: number;
  /** Window side, equal to the stride. */
  S: number;
}

export interface MaxPool2dGeometry {
  OH: number;
  OW: number;
}

export function maxPool2dGeometry(s: MaxPool2dShape): MaxPool2dGeometry {
  for (const f of ['B', 'C', 'H', 'W', 'S'] as const) checkDim(s[f], f);
  check(s.S <= s.H, 'S', `at most H = ${s.H}`, s.S);
  check(s.S <= s.W, 'S', `at most W = ${s.W}`, s.S);
  return { OH: Math.floor(s.H / s.S), OW: Math.floor(s.W / s.S) };
}
