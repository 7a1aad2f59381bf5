// CPU oracle for the sgd kernel: one torch.optim.SGD step (dampening 0) in place,
// rounded to f32 after every operation as the kernel computes, with the mask
// zeroing pruned weights and their velocity.

export interface SgdRefParams {
  lr: number;
  momentum: number;
  weightDecay: number;
  nesterov?: boolean;
}

const f = Math.fround;

export function sgdRef(w: Float32Array, grad: Float32Array, v: Float32Array, o: SgdRefParams, mask?: Uint8Array): void {
  const lr = f(o.lr);
  const mu = f(o.momentum);
  const wd = f(o.weightDecay);
  for (let i = 0; i < w.length; i++) {
    if (mask && mask[i] === 0) {
      w[i] = 0;
      v[i] = 0;
      continue;
    }
    const g = f(grad[i]! + f(wd * w[i]!));
    const vi = f(f(mu * v[i]!) + g);
    v[i] = vi;
    const step = o.nesterov ? f(g + f(mu * vi)) : vi;
    w[i] = f(w[i]! - f(lr * step));
  }
}
