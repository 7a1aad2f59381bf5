// score-min: the minimum of f32 values over any number of buffers, as an ordered u32
// key in one word (k = bits | 2^31 for x ≥ 0, ~bits for x < 0: u32 order is f32 order),
// by atomicMin. NaN is skipped. The word must start at 0xffffffff.
//
// Letters: n elements. Bindings: 0 uniform Params, 1 x f32[n], 2 minKey atomic<u32>[1].
// Dispatch: grid1d(n, WG).

override WG: u32 = 256u;

struct Params { n: u32, rowStride: u32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> minKey: array<atomic<u32>>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.y * p.rowStride * WG + gid.x;
  if (i >= p.n) { return; }
  let bits = bitcast<u32>(x[i]);
  if ((bits & 0x7fffffffu) > 0x7f800000u) { return; }
  var k = ~bits;
  if ((bits & 0x80000000u) == 0u) { k = bits | 0x80000000u; }
  atomicMin(&minKey[0], k);
}
