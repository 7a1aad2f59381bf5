// CPU oracle for bias-grad: db[n] = Σ_{b < B} dY[b, n] over a row-major dY,
// summed in f64 so the oracle is the exact value the f32 kernel approximates.

export function biasGradRef(dY: Float32Array, B: number, N: number): Float32Array {
  const db = new Float64Array(N);
  for (let b = 0; b < B; b++) for (let n = 0; n < N; n++) db[n]! += dY[b * N + n]!;
  return Float32Array.from(db);
}
