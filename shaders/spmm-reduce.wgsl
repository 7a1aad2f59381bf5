// spmm-reduce: finishes the rows that spmm-sell split into pieces: Y = the sum of
// each row's piece partials [+ bias] [ReLU], written where spmm-sell's FUSED path
// would have written it.
//
// Letters: partial is M×P (row m, piece pc at m·P + pc); R rows (outputs).
//   map = [rowPtr (R + 1) | pieceIds (P)], mapOff = R + 1: row r's pieces are
//   pieceIds[rowPtr[r] .. rowPtr[r+1]).
//   Y at ((m / POS)·R + r)·POS + m % POS (POS = 1 for a Linear, OH·OW for a conv).
//
// Bindings: 0 uniform Params, 1 partial, 2 map, 3 bias[R], 4 Y.
// Dispatch: grid1d(M·R, WG) = (gx, gy).

override WG: u32 = 64u;
override HAS_BIAS: bool = true;
override RELU: bool = false;

struct Params { M: u32, R: u32, P: u32, POS: u32, mapOff: u32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> partial: array<f32>;
@group(0) @binding(2) var<storage, read> map: array<u32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> y: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= p.M * p.R) { return; }
  let r = i % p.R;
  let m = i / p.R;
  var v = 0.0;
  for (var j = map[r]; j < map[r + 1u]; j++) {
    v += partial[m * p.P + map[p.mapOff + j]];
  }
  if (HAS_BIAS) { v += bias[r]; }
  if (RELU) { v = max(v, 0.0); }
  y[((m / p.POS) * p.R + r) * p.POS + m % p.POS] = v;
}
