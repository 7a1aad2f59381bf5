// CPU oracle for unit-reduce: out[u] = Σ_{a<A} Σ_{b<B} f(x[u·su + a·sa + b]), in f64.
import type { UnitReduceOp, UnitSlices } from '../kernels/unit-reduce.js';

export function unitReduceRef(x: ArrayLike<number>, s: UnitSlices, op: UnitReduceOp): number[] {
  const out: number[] = [];
  for (let u = 0; u < s.units; u++) {
    let acc = 0;
    for (let a = 0; a < s.outer; a++) {
      for (let b = 0; b < s.inner; b++) {
        const v = x[u * s.unitStride + a * s.outerStride + b]!;
        acc += op === 'abs' ? Math.abs(v) : op === 'square' ? v * v : v;
      }
    }
    out.push(acc);
  }
  return out;
}
