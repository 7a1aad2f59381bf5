// conv2d: Y = conv(X, W⊙M) [+ bias] [ReLU], direct convolution, stride S:
//   Y[b,f,oy,ox] = Σ_c Σ_ky Σ_kx X[b, c, oy·S+ky−PH, ox·S+kx−PW] · (W⊙M)[f,c,ky,kx].
// Each thread computes a 4×4 block: 4 filters × 4 neighbouring output columns, so
// every tap costs 4 loads of X and 4 of W for 16 multiply-adds.
//
// Letters (NCHW, row-major):
//   X is B×C×H×W, W (here `wt`) is F×C×KH×KW, bias is [F], Y is B×F×OH×OW.
//   PH, PW: zero padding above and left; the padding below and right only shapes
//   OH = floor((H + PH + bottom − KH)/S) + 1 (likewise OW), reads past X are 0.
//   S: the stride along H and W; a thread's 4 output columns read X S apart.
//   B is the number of valid batch rows: a smaller last batch runs in the same buffers.
//   HAS_MASK multiplies W by a u8 mask in W's layout, 4 bytes per u32 word
//   (byte j of word i is weight 4i+j).
//
// Bindings: 0 uniform Params, 1 X, 2 W, 3 Y, 4 bias[F], 5 mask.
// Dispatch: 1-D over B·ceil(F/4)·OH·ceil(OW/4) threads in groups of WG, the groups
//   split over (x, y) past 65535.

override WG: u32 = 64u;
override HAS_BIAS: bool = false;
override HAS_MASK: bool = false;
override RELU: bool = false;

struct Params { B: u32, C: u32, H: u32, W: u32, F: u32, KH: u32, KW: u32, OH: u32, OW: u32, PH: u32, PW: u32, S: u32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> wt: array<f32>;
@group(0) @binding(3) var<storage, read_write> y: array<f32>;
@group(0) @binding(4) var<storage, read> bias: array<f32>;
@group(0) @binding(5) var<storage, read> mask: array<u32>;

fn weight(f: u32, i: u32) -> f32 {
  if (f >= p.F) { return 0.0; }
  var v = wt[i];
  if (HAS_MASK) { v *= f32((mask[i >> 2u] >> ((i & 3u) * 8u)) & 0xffu); }
  return v;
}

// X at column ix of the row starting at xrow, or 0 in the padding.
fn xAt(xrow: u32, ix: i32) -> f32 {
  if (ix < 0 || ix >= i32(p.W)) { return 0.0; }
  return x[xrow + u32(ix)];
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let OW4 = (p.OW + 3u) / 4u;
  let F4 = (p.F + 3u) / 4u;
  var t = gid.x + gid.y * nwg.x * WG;
  let ox0 = (t % OW4) * 4u; t /= OW4;
  let oy = t % p.OH; t /= p.OH;
  let f0 = (t % F4) * 4u;
  let b = t / F4;
  if (b >= p.B) { return; }

  let taps = p.KH * p.KW;
  let fstride = p.C * taps;
  // acc[i][j]: filter f0+i, output column ox0+j.
  var acc: array<vec4<f32>, 4>;
  for (var c = 0u; c < p.C; c++) {
    for (var ky = 0u; ky < p.KH; ky++) {
      let iy = i32(oy * p.S + ky) - i32(p.PH);
      if (iy < 0 || iy >= i32(p.H)) { continue; }
      let xrow = ((b * p.C + c) * p.H + u32(iy)) * p.W;
      let wrow = c * taps + ky * p.KW;
      for (var kx = 0u; kx < p.KW; kx++) {
        let ix0 = i32(ox0 * p.S + kx) - i32(p.PW);
        let s = i32(p.S);
        let xv = vec4<f32>(xAt(xrow, ix0), xAt(xrow, ix0 + s), xAt(xrow, ix0 + 2 * s), xAt(xrow, ix0 + 3 * s));
        let wi = wrow + kx;
        acc[0] += weight(f0, f0 * fstride + wi) * xv;
        acc[1] += weight(f0 + 1u, (f0 + 1u) * fstride + wi) * xv;
        acc[2] += weight(f0 + 2u, (f0 + 2u) * fstride + wi) * xv;
        acc[3] += weight(f0 + 3u, (f0 + 3u) * fstride + wi) * xv;
      }
    }
  }

  for (var i = 0u; i < 4u; i++) {
    let f = f0 + i;
    if (f >= p.F) { break; }
    var bv = 0.0;
    if (HAS_BIAS) { bv = bias[f]; }
    let yrow = ((b * p.F + f) * p.OH + oy) * p.OW;
    for (var j = 0u; j < 4u; j++) {
      let ox = ox0 + j;
      if (ox >= p.OW) { break; }
      var v = acc[i][j] + bv;
      if (RELU) { v = max(v, 0.0); }
      y[yrow + ox] = v;
    }
  }
}
