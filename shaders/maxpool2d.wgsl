// maxpool2d: Y = the maximum of each S×S window of X, windows T apart (stride T,
// overlapping when T < S), floor mode (rows and columns past the last whole window
// are ignored). With SAVE_ARGMAX it also stores,
// per output, the flat index into X of that maximum, for the backward pass; ties go
// to the first element in row-major window order (strictly-greater comparison).
// One output per thread.
//
// Letters (NCHW, row-major): X is B×C×H×W, Y and argmax are B×C×OH×OW,
//   OH = floor((H−S)/T) + 1, OW = floor((W−S)/T) + 1. B is the number of valid batch rows.
//
// Bindings: 0 uniform Params, 1 X, 2 Y, 3 argmax (u32).
// Dispatch: 1-D over B·C·OH·OW threads in groups of WG, the groups split over
//   (x, y) past 65535.

override WG: u32 = 64u;
override SAVE_ARGMAX: bool = true;

struct Params { B: u32, C: u32, H: u32, W: u32, S: u32, OH: u32, OW: u32, T: u32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;
@group(0) @binding(3) var<storage, read_write> argmax: array<u32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let o = gid.x + gid.y * nwg.x * WG;
  if (o >= p.B * p.C * p.OH * p.OW) { return; }
  let ox = o % p.OW;
  let q = o / p.OW;
  let oy = q % p.OH;
  let plane = q / p.OH;
  var bi = (plane * p.H + oy * p.T) * p.W + ox * p.T;
  var best = x[bi];
  for (var dy = 0u; dy < p.S; dy++) {
    let row = (plane * p.H + oy * p.T + dy) * p.W + ox * p.T;
    for (var dx = 0u; dx < p.S; dx++) {
      let v = x[row + dx];
      if (v > best) {
        best = v;
        bi = row + dx;
      }
    }
  }
  y[o] = best;
  if (SAVE_ARGMAX) { argmax[o] = bi; }
}
