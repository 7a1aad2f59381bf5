// CPU oracle for the adam kernel: one torch.optim.Adam / AdamW step in place,
// rounded to f32 after every operation as the kernel computes, with the mask
// zeroing pruned weights and both moments. bc1, bc2 are the step's bias corrections.

export interface AdamRefParams {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  bc1: number;
  bc2: number;
  decoupled?: boolean;
}

const f = Math.fround;

export function adamRef(w: Float32Array, grad: Float32Array, m: Float32Array, v: Float32Array, o: AdamRefParams, mask?: Uint8Array): void {
  const [lr, b1, b2, eps, wd, bc1, bc2] = [o.lr, o.beta1, o.beta2, o.eps, o.weightDecay, o.bc1, o.bc2].map(f) as [number, number, number, number, number, number, number];
  for (let i = 0; i < w.length; i++) {
    if (mask && mask[i] === 0) {
      w[i] = m[i] = v[i] = 0;
      continue;
    }
    let wi = w[i]!;
    let g = grad[i]!;
    if (o.decoupled) wi = f(wi * f(1 - f(lr * wd)));
    else g = f(g + f(wd * wi));
    const mi = f(f(b1 * m[i]!) + f(f(1 - b1) * g));
    const vi = f(f(b2 * v[i]!) + f(f(f(1 - b2) * g) * g));
    m[i] = mi;
    v[i] = vi;
    w[i] = f(wi - f(f(lr * f(mi / bc1)) / f(Math.sqrt(f(vi / bc2)) + eps)));
  }
}
