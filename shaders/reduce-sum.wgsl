// reduce-sum: accum[slot] += Σ_{i < n} x[i], in one workgroup.
// Each lane sums a strided share of x, then a tree in workgroup memory folds the
// lanes and lane 0 adds the total to accum[slot]. One workgroup means no atomics
// and a fixed summation order, so summed loss accumulates on the GPU over many
// steps and is read back only every N steps. WG must be a power of two.
//
// Letters: n elements of x; accum is a small f32 array, `slot` picks the word.
//
// Bindings: 0 uniform Params, 1 x[n], 2 accum[> slot].
// Dispatch: (1, 1).

override WG: u32 = 256u;

struct Params { n: u32, slot: u32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> accum: array<f32>;

var<workgroup> part: array<f32, WG>;

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_id) lid: vec3<u32>) {
  var s = 0.0;
  for (var i = lid.x; i < p.n; i += WG) { s += x[i]; }
  part[lid.x] = s;
  workgroupBarrier();
  for (var h = WG / 2u; h > 0u; h >>= 1u) {
    if (lid.x < h) { part[lid.x] += part[lid.x + h]; }
    workgroupBarrier();
  }
  if (lid.x == 0u) { accum[p.slot] += part[0]; }
}
