// conv2d-backward-data: dX = conv_transpose(dY, W⊙M), the gradient of a stride-S
// conv2d with respect to its input, in gather form (no atomics):
//   dX[b,c,iy,ix] = Σ_f Σ_ky Σ_kx dY[b, f, (iy+PH−ky)/S, (ix+PW−kx)/S] · (W⊙M)[f,c,ky,kx]
// over the output positions that exist (both quotients whole, inside OH×OW). Each thread computes 4 channels × 4
// neighbouring input columns, so every tap costs 4 loads of dY and 4 of W for 16
// multiply-adds.
//
// Letters (NCHW, row-major):
//   dX is B×C×H×W, W (here `wt`) is F×C×KH×KW, dY is B×F×OH×OW.
//   PH, PW: the forward pass's zero padding above and left; S its stride.
//   B is the number of valid batch rows.
//   HAS_MASK multiplies W by a u8 mask in W's layout, 4 bytes per u32 word.
//
// Bindings: 0 uniform Params, 1 dY, 2 W, 3 dX, 4 mask.
// Dispatch: 1-D over B·ceil(C/4)·H·ceil(W/4) threads in groups of WG, the groups
//   split over (x, y) past 65535.

override WG: u32 = 64u;
override HAS_MASK: bool = false;

struct Params { B: u32, C: u32, H: u32, W: u32, F: u32, KH: u32, KW: u32, OH: u32, OW: u32, PH: u32, PW: u32, S: u32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read> wt: array<f32>;
@group(0) @binding(3) var<storage, read_write> dx: array<f32>;
@group(0) @binding(4) var<storage, read> mask: array<u32>;

fn weight(c: u32, i: u32) -> f32 {
  if (c >= p.C) { return 0.0; }
  var v = wt[i];
  if (HAS_MASK) { v *= f32((mask[i >> 2u] >> ((i & 3u) * 8u)) & 0xffu); }
  return v;
}

// dY at column t/S of the row starting at dyrow, or 0 where t is not a whole
// multiple of S or past the output's edge.
fn dyAt(dyrow: u32, t: i32) -> f32 {
  if (t < 0) { return 0.0; }
  let s = i32(p.S);
  let ox = t / s;
  if (ox * s != t || ox >= i32(p.OW)) { return 0.0; }
  return dy[dyrow + u32(ox)];
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let W4 = (p.W + 3u) / 4u;
  let C4 = (p.C + 3u) / 4u;
  var t = gid.x + gid.y * nwg.x * WG;
  let ix0 = (t % W4) * 4u; t /= W4;
  let iy = t % p.H; t /= p.H;
  let c0 = (t % C4) * 4u;
  let b = t / C4;
  if (b >= p.B) { return; }

  let taps = p.KH * p.KW;
  // acc[i][j]: channel c0+i, input column ix0+j.
  var acc: array<vec4<f32>, 4>;
  for (var f = 0u; f < p.F; f++) {
    let wf = f * p.C * taps;
    for (var ky = 0u; ky < p.KH; ky++) {
      let ty = i32(iy + p.PH) - i32(ky);
      if (ty < 0) { continue; }
      let oy = ty / i32(p.S);
      if (oy * i32(p.S) != ty || oy >= i32(p.OH)) { continue; }
      let dyrow = ((b * p.F + f) * p.OH + u32(oy)) * p.OW;
      for (var kx = 0u; kx < p.KW; kx++) {
        let ox0 = i32(ix0 + p.PW) - i32(kx);
        let gv = vec4<f32>(dyAt(dyrow, ox0), dyAt(dyrow, ox0 + 1), dyAt(dyrow, ox0 + 2), dyAt(dyrow, ox0 + 3));
        let wi = wf + ky * p.KW + kx;
        acc[0] += weight(c0, wi + c0 * taps) * gv;
        acc[1] += weight(c0 + 1u, wi + (c0 + 1u) * taps) * gv;
        acc[2] += weight(c0 + 2u, wi + (c0 + 2u) * taps) * gv;
        acc[3] += weight(c0 + 3u, wi + (c0 + 3u) * taps) * gv;
      }
    }
  }

  for (var i = 0u; i < 4u; i++) {
    let c = c0 + i;
    if (c >= p.C) { break; }
    let row = ((b * p.C + c) * p.H + iy) * p.W;
    for (var j = 0u; j < 4u; j++) {
      let ix = ix0 + j;
      if (ix >= p.W) { break; }
      dx[row + ix] = acc[i][j];
    }
  }
}
