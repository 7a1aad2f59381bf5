// matmul-naive: C = op(A) · op(B) [+ bias] [ReLU], one output per thread.
// The simplest correct version, kept as a fallback and as the benchmark's baseline.
//
// Letters: op(A) is M×K, op(B) is K×N, C is M×N (row-major).
//   A is stored M×K, or K×M when TRANS_A.   B is stored K×N, or N×K when TRANS_B.
//   MASK_B multiplies B by a u8 mask in B's storage layout, 4 bytes per u32.
//   MASK_C instead multiplies C by a u8 mask in C's layout (a masked weight gradient).
//
// Bindings: 0 uniform Params, 1 A, 2 B, 3 C, 4 bias[N], 5 mask (of B or of C).
// Dispatch: foldGrid(ceil(N / WG_X), ceil(M / WG_Y)): those tiles, folded into y/z in linear order past
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

@compute @workgroup_size(WG_X, WG_Y)
fn main(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  // This workgroup's tile of the (possibly folded) grid; tiles past the last have rows ≥ M.
  let gx = (p.N + WG_X - 1u) / WG_X;
  let g = wid.x + nwg.x * (wid.y + nwg.y * wid.z);
  let gid = vec2<u32>(g % gx, g / gx) * vec2<u32>(WG_X, WG_Y) + lid.xy;
  let n = gid.x;
  let m = gid.y;
  if (n >= p.N || m >= p.M) { return; }
  var sum = 0.0;
  for (var k = 0u; k < p.K; k++) {
    var ai = m * p.K + k;
    if (TRANS_A) { ai = k * p.M + m; }
    var bi = k * p.N + n;
    if (TRANS_B) { bi = n * p.K + k; }
    var bv = b[bi];
    if (MASK_B) { bv *= f32((mask[bi >> 2u] >> ((bi & 3u) * 8u)) & 0xffu); }
    sum += a[ai] * bv;
  }
  if (HAS_BIAS) { sum += bias[n]; }
  if (RELU) { sum = max(sum, 0.0); }
  let ci = m * p.N + n;
  if (MASK_C) { sum *= f32((mask[ci >> 2u] >> ((ci & 3u) * 8u)) & 0xffu); }
  c[ci] = sum;
}
