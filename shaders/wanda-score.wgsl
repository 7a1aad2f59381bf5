// wanda-score: Wanda's score S_ij = |W_ij| · ‖X_j‖₂ for output row i and input j,
// from the accumulated squared input norms (gram-diag). The weight at storage index
// t is (row, col) = ((t / rowStride) % rows, (t / colStride) % cols): Linear weights
// are stored K×N (in × out), so rowStride = 1 and colStride = N; conv filters are
// F × (C·k·k), so rowStride = C·k·k and colStride = 1.
//
// Bindings: 0 uniform Params, 1 weights f32[n], 2 sumsq f32[cols], 3 scores f32[n].
// Dispatch: grid1d(n, WG) = (gx, gy).

override WG: u32 = 256u;

struct Params { n: u32, rows: u32, cols: u32, rowStride: u32, colStride: u32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> w: array<f32>;
@group(0) @binding(2) var<storage, read> sumsq: array<f32>;
@group(0) @binding(3) var<storage, read_write> scores: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let t = gid.x + gid.y * nwg.x * WG;
  if (t >= p.n) { return; }
  let col = (t / p.colStride) % p.cols;
  scores[t] = abs(w[t]) * sqrt(max(sumsq[col], 0.0));
}
