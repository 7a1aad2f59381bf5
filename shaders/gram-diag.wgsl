// gram-diag: accumulates the diagonal of XᵀX, s_j += Σ_r x_rj², the squared input
// norms that Wanda's score |W_ij|·‖X_j‖₂ needs (the square root is taken when scoring).
//
// Letters (row-major): X is R×K (R valid rows of this batch); s is f32[K].
// Bindings: 0 uniform Params, 1 X f32[≥ R·K], 2 s f32[K] (read and rewritten).
// Dispatch: (ceil(K / WG), 1) workgroups of WG.

override WG: u32 = 64u;

struct Params { R: u32, K: u32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> s: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let j = gid.x;
  if (j >= p.K) { return; }
  var acc = 0.0;
  for (var r = 0u; r < p.R; r++) {
    let v = x[r * p.K + j];
    acc += v * v;
  }
  s[j] += acc;
}
