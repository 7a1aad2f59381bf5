// matmul-blocked: C = op(A) · op(B) [+ bias] [ReLU], register-blocked 4×4 per thread
// with scalar, bounds-checked loads: correct for any M, K, N.
//
// Letters: op(A) is M×K, op(B) is K×N, C is M×N (row-major).
//   A is stored M×K, or K×M when TRANS_A.   B is stored K×N, or N×K when TRANS_B.
//   MASK_B multiplies B by a u8 mask in B's storage layout, 4 bytes per u32.
//   MASK_C instead multiplies C by a u8 mask in C's layout (a masked weight gradient).
//
// Bindings: 0 uniform Params, 1 A, 2 B, 3 C, 4 bias[N], 5 mask (of B or of C).
// Dispatch: foldGrid(ceil(N / (4·WG_X)), ceil(M / (4·WG_Y))): those tiles, folded into y/z in linear order past
// 65,535 workgroups in a dimension (tile g = (g mod gx, g div gx), gx = the x count).

override WG_X: u32 = 8u;
override WG_Y: u32 = 8u;
override TRANS_A: bool = false;
override TRANS_B: bool = false;
override HAS_BIAS: bool = false;
override RELU: bool = false;
override MASK_B: bool = false;
override MASK_C: bool = false;

struct Params { M: u32, K: u32, N: u32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read_write> c: array<f32>;
@group(0) @binding(4) var<storage, read> bias: array<f32>;
@group(0) @binding(5) var<storage, read> mask: array<u32>;

fn loadA(m: u32, k: u32) -> f32 {
  if (m >= p.M || k >= p.K) { return 0.0; }
  if (TRANS_A) { return a[k * p.M + m]; }
  return a[m * p.K + k];
}

fn loadB(k: u32, n: u32) -> f32 {
  if (k >= p.K || n >= p.N) { return 0.0; }
  var i = k * p.N + n;
  if (TRANS_B) { i = n * p.K + k; }
  if (MASK_B) { return b[i] * f32((mask[i >> 2u] >> ((i & 3u) * 8u)) & 0xffu); }
  return b[i];
}

@compute @workgroup_size(WG_X, WG_Y)
fn main(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  // This workgroup's tile of the (possibly folded) grid; tiles past the last have rows ≥ M.
  let gx = (p.N + 4u * WG_X - 1u) / (4u * WG_X);
  let g = wid.x + nwg.x * (wid.y + nwg.y * wid.z);
  let gid = vec2<u32>(g % gx, g / gx) * vec2<u32>(WG_X, WG_Y) + lid.xy;
  let n0 = gid.x * 4u;
  let m0 = gid.y * 4u;
  if (n0 >= p.N || m0 >= p.M) { return; }
  var acc: array<vec4<f32>, 4>;
  for (var k = 0u; k < p.K; k++) {
    let bv = vec4<f32>(loadB(k, n0), loadB(k, n0 + 1u), loadB(k, n0 + 2u), loadB(k, n0 + 3u));
    for (var r = 0u; r < 4u; r++) {
      acc[r] += loadA(m0 + r, k) * bv;
    }
  }
  for (var r = 0u; r < 4u; r++) {
    let m = m0 + r;
    if (m >= p.M) { break; }
    for (var cc = 0u; cc < 4u; cc++) {
      let n = n0 + cc;
      if (n >= p.N) { break; }
      var v = acc[r][cc];
      if (HAS_BIAS) { v += bias[n]; }
      if (RELU) { v = max(v, 0.0); }
      let ci = m * p.N + n;
      if (MASK_C) { v *= f32((mask[ci >> 2u] >> ((ci & 3u) * 8u)) & 0xffu); }
      c[ci] = v;
    }
  }
}
