// bias-grad: db[n] = Σ_{b < B} dY[b, n], the column sums of a row-major dY.
//
// Letters: dY is (allocated rows)×N; only the first B rows are summed (B is a
// uniform, so a smaller last batch needs no new buffers). db is N.
// Each workgroup owns WG_X adjacent columns (coalesced loads along a row); its
// WG_Y lanes per column sum rows lane, lane+WG_Y, … and are then folded by a tree
// in workgroup memory. WG_Y must be a power of two.
//
// Bindings: 0 uniform Params, 1 dY, 2 db[N].
// Dispatch: grid1d(ceil(N / WG_X), 1) workgroups: split over (x, y) past 65,535.

override WG_X: u32 = 16u;
override WG_Y: u32 = 16u;

struct Params { B: u32, N: u32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> dY: array<f32>;
@group(0) @binding(2) var<storage, read_write> db: array<f32>;

var<workgroup> part: array<f32, WG_X * WG_Y>;

@compute @workgroup_size(WG_X, WG_Y)
fn main(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let n = (wid.x + wid.y * nwg.x) * WG_X + lid.x;
  var s = 0.0;
  if (n < p.N) {
    for (var b = lid.y; b < p.B; b += WG_Y) { s += dY[b * p.N + n]; }
  }
  part[lid.y * WG_X + lid.x] = s;
  workgroupBarrier();
  for (var h = WG_Y / 2u; h > 0u; h >>= 1u) {
    if (lid.y < h) { part[lid.y * WG_X + lid.x] += part[(lid.y + h) * WG_X + lid.x]; }
    workgroupBarrier();
  }
  if (lid.y == 0u && n < p.N) { db[n] = part[lid.x]; }
}
