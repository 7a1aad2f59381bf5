// CPU oracles for int8 inference: symmetric per-output-channel weight quantization
// and its inverse, per-sample activation quantization as the quantize-rows kernel
// does it, and the int8 product that the int8 sparse kernel must reproduce.
import { roundHalfAway } from '../layout/weights.js';

/** Round half away from zero: the rule weights are quantized with (src/layout, shared with the int8 format). */
export { roundHalfAway } from '../layout/weights.js';

/** Round half to even: WGSL's round(), which the activation quantizer uses. */
export function roundHalfEven(v: number): number {
  const f = Math.floor(v);
  const d = v - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

export interface QuantizedRows {
  /** rows × cols, each in [-127, 127]. */
  q: Int8Array;
  /** Per row: max|w| / 127 as f32 (0 for an all-zero row). */
  scales: Float32Array;
}

/**
 * Symmetric per-row (per output channel) int8: scale = f32(max|w| / 127),
 * q = clamp(roundHalfAway(w / scale), -127, 127), q = 0 where the row is all zero.
 */
export function quantizeRowsRef(dense: Float32Array, rows: number, cols: number): QuantizedRows {
  const q = new Int8Array(rows * cols);
  const scales = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    let mx = 0;
    for (let c = 0; c < cols; c++) mx = Math.max(mx, Math.abs(dense[r * cols + c]!));
    const s = Math.fround(mx / 127);
    scales[r] = s;
    if (s === 0) continue;
    for (let c = 0; c < cols; c++) q[r * cols + c] = Math.max(-127, Math.min(127, roundHalfAway(dense[r * cols + c]! / s)));
  }
  return { q, scales };
}

export function dequantizeRowsRef(qr: QuantizedRows, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[r * cols + c] = qr.q[r * cols + c]! * qr.scales[r]!;
  return out;
}

/**
 * Per-sample activations: sample b is the n values x[b·n .. b·n+n); its scale is
 * max|x| / 127 and q = clamp(roundHalfEven(x · 127 / max), -127, 127).
 * The f64 reciprocal here may differ from the GPU's f32 one in the last bits, so
 * a kernel's q may be off by one exactly where x·127/max is within a hair of .5.
 */
export function quantizeActivationsRef(x: Float32Array, samples: number, n: number): { q: Int32Array; scales: Float32Array; ratio: Float64Array } {
  const q = new Int32Array(samples * n);
  const ratio = new Float64Array(samples * n);
  const scales = new Float32Array(samples);
  for (let b = 0; b < samples; b++) {
    let mx = 0;
    for (let i = 0; i < n; i++) mx = Math.max(mx, Math.abs(x[b * n + i]!));
    scales[b] = mx / 127;
    const inv = mx > 0 ? 127 / mx : 0;
    for (let i = 0; i < n; i++) {
      ratio[b * n + i] = x[b * n + i]! * inv;
      q[b * n + i] = Math.max(-127, Math.min(127, roundHalfEven(ratio[b * n + i]!)));
    }
  }
  return { q, scales, ratio };
}

/**
 * Y = (Xq · Wqᵀ) · xScale[sample] · wScale[row] + bias [ReLU] in exact integer
 * sums. Xq is M × K (row m belongs to sample floor(m / pos)); Wq is rows × K;
 * Y is written NCHW-style at ((m / pos)·rows + r)·pos + m % pos (pos = 1: M × rows).
 */
export function int8MatmulRef(
  xq: Int32Array, xScale: Float32Array, wq: Int8Array, wScale: Float32Array, bias: Float32Array | undefined,
  M: number, K: number, rows: number, pos: number, relu: boolean,
): Float32Array {
  const y = new Float32Array(M * rows);
  for (let m = 0; m < M; m++) {
    const b = Math.floor(m / pos);
    for (let r = 0; r < rows; r++) {
      let acc = 0;
      for (let k = 0; k < K; k++) acc += xq[m * K + k]! * wq[r * K + k]!;
      let v = acc * xScale[b]! * wScale[r]! + (bias ? bias[r]! : 0);
      if (relu) v = Math.max(v, 0);
      y[(b * rows + r) * pos + (m % pos)] = v;
    }
  }
  return y;
}
