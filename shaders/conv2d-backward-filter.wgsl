// conv2d-backward-filter: dW = Σ_b correlate(X, dY), the gradient of a stride-1
// conv2d with respect to its weights, summed over the batch:
//   dW[f,c,ky,kx] = Σ_b Σ_oy Σ_ox X[b, c, oy+ky−PH, ox+kx−PW] · dY[b, f, oy, ox]
// over the input positions that exist. Pruned weights (HAS_MASK, mask byte 0) get
// exactly 0, so an optimizer step cannot revive them.
// One workgroup computes 4 filters at one (c, ky, kx): its WG threads split the
// B·OH·OW terms (neighbouring threads read neighbouring columns), each keeps a
// vec4 partial sum, then a tree reduction in workgroup memory adds them up.
//
// Letters (NCHW, row-major):
//   X is B×C×H×W, dY is B×F×OH×OW, dW is F×C×KH×KW.
//   PH, PW: the forward pass's zero padding above and left.
//   B is the number of valid batch rows (only those are summed).
//   WG must be a power of two.
//
// Bindings: 0 uniform Params, 1 X, 2 dY, 3 dW, 4 mask.
// Dispatch: ceil(F/4)·C·KH·KW workgroups, split over (x, y) past 65535.

override WG: u32 = 64u;
override HAS_MASK: bool = false;

struct Params { B: u32, C: u32, H: u32, W: u32, F: u32, KH: u32, KW: u32, OH: u32, OW: u32, PH: u32, PW: u32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> dy: array<f32>;
@group(0) @binding(3) var<storage, read_write> dw: array<f32>;
@group(0) @binding(4) var<storage, read> mask: array<u32>;

var<workgroup> part: array<vec4<f32>, WG>;

fn kept(i: u32) -> bool {
  if (!HAS_MASK) { return true; }
  return ((mask[i >> 2u] >> ((i & 3u) * 8u)) & 0xffu) != 0u;
}

@compute @workgroup_size(WG)
fn main(
  @builtin(workgroup_id) wid: vec3<u32>,
  @builtin(num_workgroups) nwg: vec3<u32>,
  @builtin(local_invocation_index) lid: u32,
) {
  let F4 = (p.F + 3u) / 4u;
  var g = wid.x + wid.y * nwg.x;
  if (g >= F4 * p.C * p.KH * p.KW) { return; }
  let kx = g % p.KW; g /= p.KW;
  let ky = g % p.KH; g /= p.KH;
  let c = g % p.C;
  let f0 = (g / p.C) * 4u;

  let plane = p.OH * p.OW;
  let dyb = p.F * plane;
  // Filters past F read filter f0 again (in bounds) and are never written.
  let fo = vec4<u32>(f0, min(f0 + 1u, p.F - 1u), min(f0 + 2u, p.F - 1u), min(f0 + 3u, p.F - 1u)) * plane;
  var acc = vec4<f32>(0.0);
  for (var r = lid; r < p.B * plane; r += WG) {
    let ox = r % p.OW;
    let q = r / p.OW;
    let oy = q % p.OH;
    let b = q / p.OH;
    let iy = i32(oy + ky) - i32(p.PH);
    let ix = i32(ox + kx) - i32(p.PW);
    if (iy < 0 || iy >= i32(p.H) || ix < 0 || ix >= i32(p.W)) { continue; }
    let xv = x[((b * p.C + c) * p.H + u32(iy)) * p.W + u32(ix)];
    let o = b * dyb + oy * p.OW + ox;
    acc += xv * vec4<f32>(dy[o + fo.x], dy[o + fo.y], dy[o + fo.z], dy[o + fo.w]);
  }
  part[lid] = acc;
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s >>= 1u) {
    if (lid < s) { part[lid] += part[lid + s]; }
    workgroupBarrier();
  }

  if (lid == 0u) {
    let total = part[0];
    let taps = p.KH * p.KW;
    for (var i = 0u; i < 4u; i++) {
      let f = f0 + i;
      if (f >= p.F) { break; }
      let wi = (f * p.C + c) * taps + ky * p.KW + kx;
      dw[wi] = select(0.0, total[i], kept(wi));
    }
  }
}
