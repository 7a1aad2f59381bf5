// Conv2d shape geometry (stride 1, NCHW): output size and padding, validated. The
// GPU wrappers and the CPU oracle both take it from here, so both sides agree.
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
