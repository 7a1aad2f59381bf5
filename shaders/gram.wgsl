// gram: accumulates the scaled Gram matrix of a block of rows, H += scale · XᵀX,
// for SparseGPT's Hessian H = 2XᵀX/n (scale = 2/n, n fixed in advance, so the
// running sum is the mean after the last batch). Each thread owns a 4×4 tile of H
// in registers and reads X straight from storage (no workgroup memory: SwiftShader
// pays for barriers, and the reads of a row are shared through the cache).
//
// Letters (row-major): X is R×K (R valid rows of this batch), H is K×K.
// Bindings: 0 uniform Params, 1 X f32[≥ R·K], 2 H f32[K·K] (read and rewritten).
// Dispatch: (ceil(K / (4·WG)), ceil(K / (4·WG))) workgroups of WG×WG.

override WG: u32 = 8u;

struct Params { R: u32, K: u32, scale: f32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> h: array<f32>;

@compute @workgroup_size(WG, WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i0 = gid.y * 4u;
  let j0 = gid.x * 4u;
  if (i0 >= p.K || j0 >= p.K) { return; }
  var acc: array<array<f32, 4>, 4>;
  for (var r = 0u; r < p.R; r++) {
    let row = r * p.K;
    var a: array<f32, 4>;
    var b: array<f32, 4>;
    for (var t = 0u; t < 4u; t++) {
      a[t] = select(0.0, x[row + i0 + t], i0 + t < p.K);
      b[t] = select(0.0, x[row + j0 + t], j0 + t < p.K);
    }
    for (var u = 0u; u < 4u; u++) {
      for (var v = 0u; v < 4u; v++) { acc[u][v] += a[u] * b[v]; }
    }
  }
  for (var u = 0u; u < 4u; u++) {
    for (var v = 0u; v < 4u; v++) {
      let i = i0 + u;
      let j = j0 + v;
      if (i < p.K && j < p.K) { h[i * p.K + j] += p.scale * acc[u][v]; }
    }
  }
}
