// matmul-vec4: C = op(A) · op(B) [+ bias] [ReLU], register-blocked 4×4 per thread
// with vec4 loads and no workgroup memory.
//
// Letters: op(A) is M×K, op(B) is K×N, C is M×N (row-major).
//   A is stored M×K, or K×M when TRANS_A.   B is stored K×N, or N×K when TRANS_B.
//   MASK_B multiplies B by a u8 mask in B's storage layout, 4 bytes per u32
//   (byte j of word i is element 4i+j): the masked matmul C = A·(W⊙M).
//   MASK_C instead multiplies C by a u8 mask in C's layout (a masked weight gradient).
// Needs the contiguous dimension of A and of B to be a multiple of 4
// (A: K, or M when TRANS_A; B: N, or K when TRANS_B). matmul-blocked takes the rest.
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
@group(0) @binding(1) var<storage, read> a: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> b: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read_write> c: array<f32>;
@group(0) @binding(4) var<storage, read> bias: array<f32>;
@group(0) @binding(5) var<storage, read> mask: array<u32>;

fn unpackMask(w: u32) -> vec4<f32> {
  return vec4<f32>(f32(w & 0xffu), f32((w >> 8u) & 0xffu), f32((w >> 16u) & 0xffu), f32(w >> 24u));
}

fn loadB(i: u32) -> vec4<f32> {
  if (MASK_B) { return b[i] * unpackMask(mask[i]); }
  return b[i];
}

@compute @workgroup_size(WG_X, WG_Y)
fn main(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  // This workgroup's tile of the (possibly folded) grid; tiles past the last have rows ≥ M.
  let gx = (p.N + 4u * WG_X - 1u) / (4u * WG_X);
  let g = wid.x + nwg.x * (wid.y + nwg.y * wid.z);
  let gid = vec2<u32>(g % gx, g / gx) * vec2<u32>(WG_X, WG_Y) + lid.xy;
  let M = p.M; let K = p.K; let N = p.N;
  let n0 = gid.x * 4u;
  let m0 = gid.y * 4u;
  if (n0 >= N || m0 >= M) { return; }
  let K4 = K / 4u; let M4 = M / 4u; let N4 = N / 4u;
  let zero = vec4<f32>(0.0);
  // acc[r] holds row m0+r, columns n0..n0+3.
  var acc = mat4x4<f32>(zero, zero, zero, zero);
  for (var k = 0u; k < K; k += 4u) {
    // ar: column r = A[m0+r, k..k+3].
    var ar: mat4x4<f32>;
    if (TRANS_A) {
      var cols: array<vec4<f32>, 4>;
      for (var kk = 0u; kk < 4u; kk++) {
        cols[kk] = select(zero, a[(k + kk) * M4 + gid.y], k + kk < K);
      }
      ar = transpose(mat4x4<f32>(cols[0], cols[1], cols[2], cols[3]));
    } else {
      var rows: array<vec4<f32>, 4>;
      for (var r = 0u; r < 4u; r++) {
        rows[r] = select(zero, a[(m0 + r) * K4 + k / 4u], m0 + r < M);
      }
      ar = mat4x4<f32>(rows[0], rows[1], rows[2], rows[3]);
    }
    // bk: column kk = B[k+kk, n0..n0+3].
    var bk: mat4x4<f32>;
    if (TRANS_B) {
      var cols: array<vec4<f32>, 4>;
      for (var cc = 0u; cc < 4u; cc++) {
        cols[cc] = select(zero, loadB((n0 + cc) * K4 + k / 4u), n0 + cc < N);
      }
      bk = transpose(mat4x4<f32>(cols[0], cols[1], cols[2], cols[3]));
    } else {
      var rows: array<vec4<f32>, 4>;
      for (var kk = 0u; kk < 4u; kk++) {
        rows[kk] = select(zero, loadB((k + kk) * N4 + gid.x), k + kk < K);
      }
      bk = mat4x4<f32>(rows[0], rows[1], rows[2], rows[3]);
    }
    acc += bk * ar;
  }
  for (var r = 0u; r < 4u; r++) {
    let m = m0 + r;
    if (m >= M) { break; }
    for (var cc = 0u; cc < 4u; cc++) {
      let n = n0 + cc;
      if (n >= N) { break; }
      var v = acc[r][cc];
      if (HAS_BIAS) { v += bias[n]; }
      if (RELU) { v = max(v, 0.0); }
      let ci = m * N + n;
      if (MASK_C) { v *= f32((mask[ci >> 2u] >> ((ci & 3u) * 8u)) & 0xffu); }
      c[ci] = v;
    }
  }
}
