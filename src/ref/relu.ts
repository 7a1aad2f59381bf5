// CPU oracle for the relu kernel: y = max(x, 0).

export function reluRef(x: Float32Array): Float32Array {
  return x.map((v) => (v > 0 ? v : 0));
}
