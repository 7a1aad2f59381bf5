// Plain-JS inference of the same weights, the floor every GPU latency is read
// against: f32 arrays, loops ordered for the cache, dense (every weight) or CSR
// (kept weights only, so a pruned model is faster here too). No GPU, no DOM.
import { check } from '../errors.js';
import type { LayerValues } from '../nn/network.js';
import type { ModelPlan, ParamOp, PoolOp } from '../nn/spec.js';
import { layerMatrix } from './layers.js';

interface CpuLayer {
  op: ParamOp;
  b: Float32Array;
  /** Dense: W⊙M as stored (Linear K×N, conv F×C·k·k). */
  w?: Float32Array;
  /** CSR over output rows. */
  rowPtr?: Uint32Array;
  colIdx?: Uint32Array;
  vals?: Float32Array;
}

export class CpuForward {
  readonly plan: ModelPlan;
  readonly sparse: boolean;
  private readonly layers = new Map<ParamOp, CpuLayer>();

  /** `sparse`: CSR of the kept weights; otherwise dense W⊙M. */
  constructor(plan: ModelPlan, values: LayerValues[], sparse: boolean) {
    check(values.length === plan.params.length, 'values', `${plan.params.length} layers`, values.length);
    this.plan = plan;
    this.sparse = sparse;
    for (const [i, op] of plan.params.entries()) {
      const v = values[i]!;
      check(v.w.length === op.weightCount && v.mask.length === op.weightCount, `values[${i}]`, `${op.weightCount} weights and mask bytes`);
      if (!sparse) {
        this.layers.set(op, { op, b: v.b, w: v.w.map((x, j) => (v.mask[j] ? x : 0)) });
        continue;
      }
      const { rows, cols } = layerMatrix(op);
      const rowPtr = new Uint32Array(rows + 1);
      const colIdx: number[] = [];
      const vals: number[] = [];
      for (let r = 0; r < rows; r++) {
        for (let c = 0; c < cols; c++) {
          const j = op.conv ? r * cols + c : c * rows + r;
          if (v.mask[j] && v.w[j] !== 0) {
            colIdx.push(c);
            vals.push(v.w[j]!);
          }
        }
        rowPtr[r + 1] = colIdx.length;
      }
      this.layers.set(op, { op, b: v.b, rowPtr, colIdx: Uint32Array.from(colIdx), vals: Float32Array.from(vals) });
    }
  }

  /** Logits of B images (B × C·H·W). */
  logits(x: Float32Array, B: number): Float32Array {
    let cur = x;
    for (const op of this.plan.ops) {
      if (op.kind === 'linear' || op.kind === 'conv2d') {
        const l = this.layers.get(op)!;
        cur = op.kind === 'linear' ? this.linear(l, cur, B) : this.conv(l, cur, B);
      } else if (op.kind === 'maxpool2d' || op.kind === 'avgpool2d') {
        cur = pool2d(cur, B, op);
      } else {
        cur = cur.map((v) => (v > 0 ? v : 0));
      }
    }
    return cur;
  }

  /** Classes of B images (ties go to the lowest class, as on the GPU). */
  predict(x: Float32Array, B: number): Uint32Array {
    const C = this.plan.classes;
    const z = this.logits(x, B);
    const out = new Uint32Array(B);
    for (let b = 0; b < B; b++) {
      let best = 0;
      for (let c = 1; c < C; c++) if (z[b * C + c]! > z[b * C + best]!) best = c;
      out[b] = best;
    }
    return out;
  }

  private linear(l: CpuLayer, x: Float32Array, B: number): Float32Array {
    const { in: K, out: N, relu } = l.op;
    const y = new Float32Array(B * N);
    for (let b = 0; b < B; b++) {
      const yo = b * N;
      const xo = b * K;
      if (l.w) {
        y.set(l.b, yo);
        for (let k = 0; k < K; k++) {
          const xv = x[xo + k]!;
          const wo = k * N;
          for (let n = 0; n < N; n++) y[yo + n] += xv * l.w[wo + n]!;
        }
      } else {
        for (let n = 0; n < N; n++) {
          let s = l.b[n]!;
          for (let e = l.rowPtr![n]!; e < l.rowPtr![n + 1]!; e++) s += l.vals![e]! * x[xo + l.colIdx![e]!]!;
          y[yo + n] = s;
        }
      }
      if (relu) for (let n = 0; n < N; n++) if (y[yo + n]! < 0) y[yo + n] = 0;
    }
    return y;
  }

  private conv(l: CpuLayer, x: Float32Array, B: number): Float32Array {
    const { C, H, W, F, k, OH, OW, stride: S, pads } = l.op.conv!;
    const [PT, PL] = pads;
    const plane = OH * OW;
    const y = new Float32Array(B * F * plane);
    const taps = k * k;
    // One tap (c, ky, kx) with weight wv adds wv·X over the shifted window to Y[b, f].
    const addTap = (b: number, f: number, j: number, wv: number): void => {
      const c = Math.floor(j / taps);
      const ky = Math.floor((j % taps) / k);
      const kx = j % k;
      const xo = (b * C + c) * H * W;
      const yo = (b * F + f) * plane;
      for (let oy = 0; oy < OH; oy++) {
        const iy = oy * S + ky - PT;
        if (iy < 0 || iy >= H) continue;
        const xr = xo + iy * W;
        const yr = yo + oy * OW;
        for (let ox = 0; ox < OW; ox++) {
          const ix = ox * S + kx - PL;
          if (ix >= 0 && ix < W) y[yr + ox] += wv * x[xr + ix]!;
        }
      }
    };
    for (let b = 0; b < B; b++) {
      for (let f = 0; f < F; f++) {
        y.fill(l.b[f]!, (b * F + f) * plane, (b * F + f + 1) * plane);
        if (l.w) {
          for (let j = 0; j < C * taps; j++) addTap(b, f, j, l.w[f * C * taps + j]!);
        } else {
          for (let e = l.rowPtr![f]!; e < l.rowPtr![f + 1]!; e++) addTap(b, f, l.colIdx![e]!, l.vals![e]!);
        }
      }
    }
    if (l.op.relu) for (let i = 0; i < y.length; i++) if (y[i]! < 0) y[i] = 0;
    return y;
  }
}

/** Max or mean of each size×size window, windows `stride` apart (floor mode). */
function pool2d(x: Float32Array, B: number, op: PoolOp): Float32Array {
  const { C, H, W, size: S, stride: T, OH, OW } = op;
  const avg = op.kind === 'avgpool2d';
  const y = new Float32Array(B * C * OH * OW);
  for (let p = 0; p < B * C; p++) {
    for (let oy = 0; oy < OH; oy++) {
      for (let ox = 0; ox < OW; ox++) {
        let m = avg ? 0 : -Infinity;
        for (let dy = 0; dy < S; dy++) {
          for (let dx = 0; dx < S; dx++) {
            const v = x[(p * H + oy * T + dy) * W + ox * T + dx]!;
            m = avg ? m + v : Math.max(m, v);
          }
        }
        y[(p * OH + oy) * OW + ox] = avg ? m / (S * S) : m;
      }
    }
  }
  return y;
}
