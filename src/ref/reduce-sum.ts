// CPU oracle for reduce-sum: accum[slot] += Σ x[0..n), summed in f64.

export function reduceSumRef(x: Float32Array, n: number, accum: Float32Array, slot: number): void {
  let s = 0;
  for (let i = 0; i < n; i++) s += x[i]!;
  accum[slot] = accum[slot]! + s;
}
