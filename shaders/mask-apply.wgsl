// mask-apply: x[i] = 0 wherever the u8 mask says pruned, for a weight buffer and
// any optimizer state that shadows it (so pruned weights, momentum and Adam moments
// are exactly 0 from the moment a mask is written).
//
// Letters: n elements. Bindings: 0 uniform Params, 1 x f32[n] (read-write),
// 2 mask u32[ceil(n/4)] (u8 per element, 1 = kept). Dispatch: grid1d(ceil(n/4), WG).

override WG: u32 = 256u;

struct Params { n: u32, rowStride: u32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> x: array<f32>;
@group(0) @binding(2) var<storage, read> mask: array<u32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let word = gid.y * p.rowStride * WG + gid.x;
  if (word * 4u >= p.n) { return; }
  let m = mask[word];
  for (var j = 0u; j < 4u; j++) {
    let i = word * 4u + j;
    if (i < p.n && ((m >> (j * 8u)) & 0xffu) == 0u) { x[i] = 0.0; }
  }
}
