// CPU oracle for relu-backward: dX = dY · [Y > 0], from the forward output Y.

export function reluBackwardRef(y: Float32Array, dY: Float32Array): Float32Array {
  return dY.map((g, i) => (y[i]! > 0 ? g : 0));
}
