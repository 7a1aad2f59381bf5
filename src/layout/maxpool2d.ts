// Pool2d shape geometry (NCHW, window S×S, stride defaulting to S, floor mode, no
// padding), shared by the max and average pools' GPU wrappers and CPU oracles.
import { check, checkDim } from '../errors.js';

/** X is B×C×H×W, Y is B×C×OH×OW with OH = floor((H − S)/stride) + 1, likewise OW. */
export interface MaxPool2dShape {
  B: number;
  C: number;
  H: number;
  W: number;
  /** Window side. */
  S: number;
  /** Step between windows (default S: windows tile the input). */
  stride?: number;
}

export interface MaxPool2dGeometry {
  OH: number;
  OW: number;
  /** The stride. */
  T: number;
}

export function maxPool2dGeometry(s: MaxPool2dShape): MaxPool2dGeometry {
  for (const f of ['B', 'C', 'H', 'W', 'S'] as const) checkDim(s[f], f);
  const T = s.stride ?? s.S;
  checkDim(T, 'stride');
  check(s.S <= s.H, 'S', `at most H = ${s.H}`, s.S);
  check(s.S <= s.W, 'S', `at most W = ${s.W}`, s.S);
  return { OH: Math.floor((s.H - s.S) / T) + 1, OW: Math.floor((s.W - s.S) / T) + 1, T };
}
