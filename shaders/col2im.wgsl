// col2im: the adjoint of im2col. Sums the rows of dcols back onto the input pixels
// they were copied from: dX[b, c, iy, ix] = Σ over every window (oy, ox) and tap
// (ky, kx) with oy·S + ky − PT = iy and ox·S + kx − PL = ix of
// dcols[b·OH·OW + oy·OW + ox, (c·KH + ky)·KW + kx]. Each thread gathers one input
// pixel's contributions, so overlapping windows need no atomics; dX is written,
// never accumulated into.
//
// Letters (row-major): dcols is (B·OH·OW) × (C·KH·KW), dX is B×C×H×W.
//   S: stride; PT, PL: zero pads above and left. B is the number of valid batch rows.
//
// Bindings: 0 uniform Params, 1 dcols, 2 dX.
// Dispatch: grid1d(B·C·H·W, WG) = (gx, gy).

override WG: u32 = 64u;

struct Params { B: u32, C: u32, H: u32, W: u32, KH: u32, KW: u32, OH: u32, OW: u32, S: u32, PT: u32, PL: u32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> dcols: array<f32>;
@group(0) @binding(2) var<storage, read_write> dx: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= p.B * p.C * p.H * p.W) { return; }
  let ix = i % p.W;
  let iy = (i / p.W) % p.H;
  let c = (i / (p.W * p.H)) % p.C;
  let b = i / (p.W * p.H * p.C);
  let K = p.C * p.KH * p.KW;
  let rowBase = b * p.OH * p.OW;
  var sum = 0.0;
  for (var ky = 0u; ky < p.KH; ky++) {
    // Window row oy covers iy with tap ky when oy·S = iy + PT − ky.
    let ty = i32(iy + p.PT) - i32(ky);
    if (ty < 0 || u32(ty) % p.S != 0u) { continue; }
    let oy = u32(ty) / p.S;
    if (oy >= p.OH) { continue; }
    for (var kx = 0u; kx < p.KW; kx++) {
      let tx = i32(ix + p.PL) - i32(kx);
      if (tx < 0 || u32(tx) % p.S != 0u) { continue; }
      let ox = u32(tx) / p.S;
      if (ox >= p.OW) { continue; }
      sum += dcols[(rowBase + oy * p.OW + ox) * K + (c * p.KH + ky) * p.KW + kx];
    }
  }
  dx[i] = sum;
}
