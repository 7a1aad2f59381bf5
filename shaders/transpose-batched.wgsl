// transpose-batched: Y[b] = X[b]ᵀ for each of B row-major R×S matrices. The conv
// im2col path uses it to turn the matmul's (B·OH·OW) × F rows into NCHW (R = OH·OW,
// S = F) and NCHW gradients back into rows (R = F, S = OH·OW).
//
// Letters: X is B×R×S, Y is B×S×R. B is the number of valid batch rows.
//
// Bindings: 0 uniform Params, 1 X, 2 Y.
// Dispatch: grid1d(B·R·S, WG) = (gx, gy); one thread per element of Y.

override WG: u32 = 64u;

struct Params { B: u32, R: u32, S: u32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WG;
  let n = p.R * p.S;
  if (i >= p.B * n) { return; }
  let b = i / n;
  let j = i % n;
  // Y[b, s, r] = X[b, r, s], j = s·R + r.
  let s = j / p.R;
  let r = j % p.R;
  y[i] = x[b * n + r * p.S + s];
}
