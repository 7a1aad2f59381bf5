// avgpool2d-backward: dX from dY for avgpool2d (window S×S, stride S, floor mode).
//   dX[i] = dY[o] / (S·S) where o is the whole window holding i; else 0.
// Windows do not overlap, so one thread per dX element writes every element, no
// atomics and no separate zero-fill (elements past the last whole window get 0).
//
// Letters (NCHW, row-major): dX is B×C×H×W, dY is B×C×OH×OW,
//   S is the window side and stride. B is the number of valid batch rows.
//
// Bindings: 0 uniform Params, 1 dY, 2 dX.
// Dispatch: 1-D over B·C·H·W threads in groups of WG, the groups split over
//   (x, y) past 65535.

override WG: u32 = 64u;

struct Params { B: u32, C: u32, H: u32, W: u32, S: u32, OH: u32, OW: u32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read_write> dx: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= p.B * p.C * p.H * p.W) { return; }
  let ix = i % p.W;
  let q = i / p.W;
  let iy = q % p.H;
  let plane = q / p.H;
  let ox = ix / p.S;
  let oy = iy / p.S;
  var g = 0.0;
  if (ox < p.OW && oy < p.OH) {
    g = dy[(plane * p.OH + oy) * p.OW + ox] / f32(p.S * p.S);
  }
  dx[i] = g;
}
