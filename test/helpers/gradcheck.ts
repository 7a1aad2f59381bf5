// Central finite differences for gradient checks of the CPU oracles' backward passes.
// Runs in f64: the oracles take ArrayLike inputs, so perturbations are not rounded to f32.

/** ∂loss/∂v at v0 by (loss(v + eps·eᵢ) − loss(v − eps·eᵢ)) / 2eps for every i. */
export function numericGrad(loss: (v: Float64Array) => number, v0: ArrayLike<number>, eps: number): Float64Array {
  const v = Float64Array.from(v0);
  const g = new Float64Array(v.length);
  for (let i = 0; i < v.length; i++) {
    const keep = v[i]!;
    v[i] = keep + eps;
    const up = loss(v);
    v[i] = keep - eps;
    const down = loss(v);
    v[i] = keep;
    g[i] = (up - down) / (2 * eps);
  }
  return g;
}

/** Σ aᵢ·bᵢ: the scalar loss L = Σ G ⊙ Y whose gradient with respect to Y is G. */
export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}
