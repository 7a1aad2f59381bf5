// unit-reduce: one sum per unit over a strided slice of a weight tensor, the
// reductions of the structured (unit) criteria. For u < U:
//   out[outOffset + u] = Σ_{a < A} Σ_{b < B} f(x[u·su + a·sa + b])
// f by the OP override: 0 |x| (L1), 1 x² (L2, and both norms of the norm product),
// 2 x (the unit Taylor sum of the per-weight Σ w·g). One workgroup per unit: each
// lane sums a strided share of the A·B terms in a fixed order, then a tree in
// workgroup memory folds the lanes (no atomics), so the sum is deterministic and
// two units with equal slices get bit-equal sums (ties stay ties). WG must be a
// power of two.
//
// Letters: U units; A outer terms at stride sa; B contiguous terms (stride 1); su the
// stride from one unit's slice to the next. Linear K×N (in × out) incoming: su 1,
// sa N, A K, B 1; conv F×C×k×k filter: su C·k², A 1, B C·k²; a next Linear's rows:
// su per·N, A 1, B per·N; a next conv's input channel: su k², sa C·k², A F, B k².
//
// Bindings: 0 uniform Params, 1 x f32[(U−1)·su + (A−1)·sa + B], 2 out f32[outOffset + U]
// (written, not accumulated).
// Dispatch: (gx, gy) workgroups with gx·gy ≥ U; unit = wid.y·rowStride + wid.x.

override OP: u32 = 0u;
override WG: u32 = 8u;

struct Params { U: u32, A: u32, B: u32, su: u32, sa: u32, outOffset: u32, rowStride: u32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

var<workgroup> part: array<f32, WG>;

fn term(v: f32) -> f32 {
  switch (OP) {
    case 0u: { return abs(v); }
    case 1u: { return v * v; }
    default: { return v; }
  }
}

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {
  // Uniform control flow: a workgroup past the last unit still takes part in the barriers.
  let u = wid.y * p.rowStride + wid.x;
  let n = p.A * p.B;
  var s = 0.0;
  if (u < p.U) {
    let base = u * p.su;
    for (var t = lid.x; t < n; t += WG) {
      let a = t / p.B;
      s += term(x[base + a * p.sa + (t - a * p.B)]);
    }
  }
  part[lid.x] = s;
  workgroupBarrier();
  for (var h = WG / 2u; h > 0u; h >>= 1u) {
    if (lid.x < h) { part[lid.x] += part[lid.x + h]; }
    workgroupBarrier();
  }
  if (lid.x == 0u && u < p.U) { out[p.outOffset + u] = part[0]; }
}
