// im2col: unrolls conv windows into rows (NCHW, stride S, pads PT above and PL left),
// so a conv becomes a product with the F × C·KH·KW weight matrix. Row
// m = b·OH·OW + oy·OW + ox holds the C·KH·KW input words under output (b, oy, ox)'s
// window, input pixel (oy·S + ky − PT, ox·S + kx − PL), in the weights' (c, ky, kx)
// order, 0 in the padding. Words are copied as u32, so the same kernel serves f32
// activations and i32 quantized ones (0 is 0 bits in both).
//
// Letters (row-major): X is B×C×H×W, the result is (B·OH·OW) × (C·KH·KW).
//   B is the number of valid batch rows. The pads below and right only shape OH, OW.
//
// Bindings: 0 uniform Params, 1 X, 2 cols.
// Dispatch: grid1d(B·OH·OW·C·KH·KW, WG) = (gx, gy).

override WG: u32 = 64u;

struct Params { B: u32, C: u32, H: u32, W: u32, KH: u32, KW: u32, OH: u32, OW: u32, S: u32, PT: u32, PL: u32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<u32>;
@group(0) @binding(2) var<storage, read_write> cols: array<u32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WG;
  let taps = p.KH * p.KW;
  let K = p.C * taps;
  let plane = p.OH * p.OW;
  if (i >= p.B * plane * K) { return; }
  let j = i % K;
  let m = i / K;
  let pos = m % plane;
  let b = m / plane;
  let c = j / taps;
  let ky = (j % taps) / p.KW;
  let kx = j % p.KW;
  let iy = i32((pos / p.OW) * p.S + ky) - i32(p.PT);
  let ix = i32((pos % p.OW) * p.S + kx) - i32(p.PL);
  var v = 0u;
  if (iy >= 0 && iy < i32(p.H) && ix >= 0 && ix < i32(p.W)) {
    v = x[((b * p.C + c) * p.H + u32(iy)) * p.W + u32(ix)];
  }
  cols[i] = v;
}
