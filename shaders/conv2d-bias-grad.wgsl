// conv2d-bias-grad: db[f] = Σ_b Σ_oy Σ_ox dY[b, f, oy, ox], the gradient of a
// conv2d's bias, summed over the batch and the output positions.
// One workgroup per filter: its WG threads split the B·OH·OW terms (neighbouring
// threads read neighbouring elements), then a tree reduction in workgroup memory.
//
// Letters (NCHW, row-major): dY is B×F×OH×OW, db is [F].
//   B is the number of valid batch rows (only those are summed).
//   The Params struct is the one every conv2d kernel shares; only B, F, OH, OW are read.
//   WG must be a power of two.
//
// Bindings: 0 uniform Params, 1 dY, 2 db.
// Dispatch: F workgroups, split over (x, y) past 65535.

override WG: u32 = 64u;

struct Params { B: u32, C: u32, H: u32, W: u32, F: u32, KH: u32, KW: u32, OH: u32, OW: u32, PH: u32, PW: u32, S: u32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read_write> db: array<f32>;

var<workgroup> part: array<f32, WG>;

@compute @workgroup_size(WG)
fn main(
  @builtin(workgroup_id) wid: vec3<u32>,
  @builtin(num_workgroups) nwg: vec3<u32>,
  @builtin(local_invocation_index) lid: u32,
) {
  let f = wid.x + wid.y * nwg.x;
  if (f >= p.F) { return; }
  let plane = p.OH * p.OW;
  var acc = 0.0;
  for (var r = lid; r < p.B * plane; r += WG) {
    let b = r / plane;
    acc += dy[(b * p.F + f) * plane + r % plane];
  }
  part[lid] = acc;
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s >>= 1u) {
    if (lid < s) { part[lid] += part[lid + s]; }
    workgroupBarrier();
  }
  if (lid == 0u) { db[f] = part[0]; }
}
