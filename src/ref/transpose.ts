// CPU oracle for transpose-batched: Y[b] = X[b]ᵀ for B row-major R×S matrices.

export function transposeRef(x: ArrayLike<number>, B: number, R: number, S: number): Float32Array {
  const y = new Float32Array(B * R * S);
  for (let b = 0; b < B; b++) {
    const o = b * R * S;
    for (let r = 0; r < R; r++) for (let s = 0; s < S; s++) y[o + s * R + r] = x[o + r * S + s]!;
  }
  return y;
}
