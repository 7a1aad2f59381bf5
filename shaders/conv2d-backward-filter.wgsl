// conv2d-backward-filter: dW = Σ_b correlate(X, dY), the gradient of a stride-S
// conv2d with respect to its weights, summed over the batch:
//   dW[f,c,ky,kx] = Σ_b Σ_oy Σ_ox X[b, c, oy·S+ky−PH, ox·S+kx−PW] · dY[b, f, oy, ox]
// over the input positions that exist. Pruned weights (HAS_MASK, mask byte 0) get
// exactly 0, so an optimizer step cannot revive them.
// One workgroup computes a 4×4 block of dW: 4 filters × 4 consecutive taps of the
// flattened KH·KW window, at one channel c. Its WG threads split the B·OH·OW terms
// (neighbouring threads read neighbouring columns); per term a thread loads 4 dY
// and 4 X values for 16 multiply-adds (the 4 taps are written out, not looped:
// dynamically indexed private arrays cost SwiftShader half the speed). A tree
// reduction in workgroup memory (64·WG bytes) then adds the threads' partial blocks.
//
// Letters (NCHW, row-major):
//   X is B×C×H×W, dY is B×F×OH×OW, dW is F×C×KH×KW.
//   PH, PW: the forward pass's zero padding above and left; S its stride.
//   B is the number of valid batch rows (only those are summed).
//   WG must be a power of two.
//
// Bindings: 0 uniform Params, 1 X, 2 dY, 3 dW, 4 mask.
// Dispatch: ceil(F/4)·C·ceil(KH·KW/4) workgroups, split over (x, y) past 65535.

override WG: u32 = 64u;
override HAS_MASK: bool = false;

struct Params { B: u32, C: u32, H: u32, W: u32, F: u32, KH: u32, KW: u32, OH: u32, OW: u32, PH: u32, PW: u32, S: u32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> dy: array<f32>;
@group(0) @binding(3) var<storage, read_write> dw: array<f32>;
@group(0) @binding(4) var<storage, read> mask: array<u32>;

// Column j of a thread's block is tap t0+j; its rows are filters f0..f0+3.
var<workgroup> part: array<mat4x4<f32>, WG>;

// (ky − PH, kx − PW) of flattened tap t, clamped to the last tap.
fn tapOffset(t: u32, taps: u32) -> vec2<i32> {
  let tt = min(t, taps - 1u);
  return vec2<i32>(i32(tt / p.KW) - i32(p.PH), i32(tt % p.KW) - i32(p.PW));
}

// X at (row xp + i.x, column i.y), or 0 in the padding.
fn xAt(xp: u32, i: vec2<i32>) -> f32 {
  if (i.x < 0 || i.x >= i32(p.H) || i.y < 0 || i.y >= i32(p.W)) { return 0.0; }
  return x[(xp + u32(i.x)) * p.W + u32(i.y)];
}

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
  let taps = p.KH * p.KW;
  let T4 = (taps + 3u) / 4u;
  let F4 = (p.F + 3u) / 4u;
  var g = wid.x + wid.y * nwg.x;
  if (g >= F4 * p.C * T4) { return; }
  let t0 = (g % T4) * 4u; g /= T4;
  let c = g % p.C;
  let f0 = (g / p.C) * 4u;

  // Tap j's offset in the window (taps past the window repeat the last one and are
  // never written); dy4 holds filters f0..f0+3 (past F: filter F−1, never written).
  let o0 = tapOffset(t0, taps);
  let o1 = tapOffset(t0 + 1u, taps);
  let o2 = tapOffset(t0 + 2u, taps);
  let o3 = tapOffset(t0 + 3u, taps);
  let plane = p.OH * p.OW;
  let fo = vec4<u32>(f0, min(f0 + 1u, p.F - 1u), min(f0 + 2u, p.F - 1u), min(f0 + 3u, p.F - 1u)) * plane;
  var acc = mat4x4<f32>();
  for (var r = lid; r < p.B * plane; r += WG) {
    let ox = r % p.OW;
    let q = r / p.OW;
    let oy = q % p.OH;
    let b = q / p.OH;
    let o = b * p.F * plane + oy * p.OW + ox;
    let dy4 = vec4<f32>(dy[o + fo.x], dy[o + fo.y], dy[o + fo.z], dy[o + fo.w]);
    let xp = (b * p.C + c) * p.H;
    let at = vec2<i32>(i32(oy * p.S), i32(ox * p.S));
    acc[0] += xAt(xp, at + o0) * dy4;
    acc[1] += xAt(xp, at + o1) * dy4;
    acc[2] += xAt(xp, at + o2) * dy4;
    acc[3] += xAt(xp, at + o3) * dy4;
  }
  part[lid] = acc;
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s >>= 1u) {
    if (lid < s) { part[lid] += part[lid + s]; }
    workgroupBarrier();
  }

  if (lid == 0u) {
    let total = part[0];
    for (var i = 0u; i < 4u; i++) {
      let f = f0 + i;
      if (f >= p.F) { break; }
      for (var j = 0u; j < 4u; j++) {
        let t = t0 + j;
        if (t >= taps) { break; }
        let wi = (f * p.C + c) * taps + t;
        dw[wi] = select(0.0, total[j][i], kept(wi));
      }
    }
  }
}
