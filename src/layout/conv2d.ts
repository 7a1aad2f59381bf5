// Conv2d shape geometry (NCHW, one stride for both axes, zero padding given as
// 'valid'/'same' or as explicit [top, left, bottom, right] pads): output size and the
// top/left padding, validated. The GPU wrappers and the CPU oracle both take it from
// here, so both sides agree.
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
  /** 'valid' (default) or 'same' (odd kernels, (K−1)/2 each side); exclusive with pads. */
  padding?: Conv2dPadding;
  /** Explicit zero padding [top, left, bottom, right]; exclusive with padding. */
  pads?: readonly [number, number, number, number];
  /** Step of the window along H and W (default 1). */
  stride?: number;
}

export interface Conv2dGeometry {
  /** OH = floor((H + top + bottom − KH)/S) + 1, likewise OW. */
  OH: number;
  OW: number;
  /** Zero rows above / columns left of X. */
  PH: number;
  PW: number;
  /** The stride. */
  S: number;
}

/** [top, left, bottom, right] of a shape, validated. */
export function conv2dPads(s: Conv2dShape): [number, number, number, number] {
  if (s.pads !== undefined) {
    check(s.padding === undefined, 'padding', 'absent when pads are given (pads and padding are exclusive)', s.padding);
    check(Array.isArray(s.pads) && s.pads.length === 4, 'pads', '[top, left, bottom, right]', s.pads);
    s.pads.forEach((p, i) => check(Number.isInteger(p) && p >= 0 && p <= 1 << 16, `pads[${i}]`, 'an integer in [0, 65536]', p));
    return [s.pads[0], s.pads[1], s.pads[2], s.pads[3]];
  }
  const padding = s.padding ?? 'valid';
  check(CONV2D_PADDINGS.includes(padding), 'padding', `one of ${CONV2D_PADDINGS.map((p) => `'${p}'`).join(', ')}`, s.padding);
  if (padding === 'valid') return [0, 0, 0, 0];
  // Even kernels would need uneven padding: give pads for those.
  check(s.KH % 2 === 1, 'KH', "odd with padding 'same'", s.KH);
  check(s.KW % 2 === 1, 'KW', "odd with padding 'same'", s.KW);
  const ph = (s.KH - 1) / 2;
  const pw = (s.KW - 1) / 2;
  return [ph, pw, ph, pw];
}

/** Validates a conv shape and returns its output size, top/left padding and stride. */
export function conv2dGeometry(s: Conv2dShape): Conv2dGeometry {
  for (const f of ['B', 'C', 'H', 'W', 'F', 'KH', 'KW'] as const) checkDim(s[f], f);
  const S = s.stride ?? 1;
  checkDim(S, 'stride');
  const [t, l, b, r] = conv2dPads(s);
  const how = s.pads !== undefined ? `pads [${t}, ${l}, ${b}, ${r}]` : `padding '${s.padding ?? 'valid'}'`;
  check(s.KH <= s.H + t + b, 'KH', `at most H + top + bottom = ${s.H + t + b} with ${how}`, s.KH);
  check(s.KW <= s.W + l + r, 'KW', `at most W + left + right = ${s.W + l + r} with ${how}`, s.KW);
  return { OH: Math.floor((s.H + t + b - s.KH) / S) + 1, OW: Math.floor((s.W + l + r - s.KW) / S) + 1, PH: t, PW: l, S };
}
