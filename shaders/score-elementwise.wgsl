// score-elementwise: the per-weight arithmetic of the pruning criteria, one op per
// pipeline (the OP override), one thread per element. Every score it writes is
// finite and ≥ 0 (safe(): NaN → 0, ±∞ → the largest f32), so the top-k's keys
// (bitcast of |score| + 1) are ordered as the scores.
//
// OP 0 abs:        out[i] = safe(|a[i]|)
// OP 1 acc-prod:   out[i] += scale · a[i] · b[i]          (signed: Taylor's Σ w·g, movement's −lr·g·w)
// OP 2 acc-absprod: out[i] += scale · |a[i] · b[i]|       (SNIP's per-batch |w·g|)
// OP 3 finish-abs: out[i] = safe(|out[i]|)                 (a, b unused)
// OP 4 random:     out[i] = (pcg(seed ^ pcg(i)) >> 8 + 1) / 2^24 ∈ (0, 1]  (a, b unused)
// OP 5 abs-scale:  out[i] = |a[i]| · scale                  (SynFlow's rescaled |W|; not sanitized)
// OP 6 mul-abs:    out[i] = safe(|a[i] · out[i]|)          (SynFlow: |W| ⊙ ∂R/∂|W|)
// OP 7 shift:      out[i] = safe(out[i] − decode(bitcast<u32>(b[0])))  (movement: S − min S, b[0] an ordered key)
//
// Letters: n elements. Bindings: 0 uniform Params, 1 a f32[n], 2 b f32[n] (or [1]),
// 3 out f32[n] (read-write). Dispatch: grid1d(n, WG).

override OP: u32 = 0u;
override WG: u32 = 256u;

struct Params { n: u32, rowStride: u32, scale: f32, seed: u32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;

const F32_MAX_BITS: u32 = 0x7f7fffffu;

fn safe(x: f32) -> f32 {
  let u = bitcast<u32>(x) & 0x7fffffffu;
  if (u > 0x7f800000u) { return 0.0; }
  if (u == 0x7f800000u) { return bitcast<f32>(F32_MAX_BITS); }
  return bitcast<f32>(u);
}

fn pcg(v: u32) -> u32 {
  let s = v * 747796405u + 2891336453u;
  let w = ((s >> ((s >> 28u) + 4u)) ^ s) * 277803737u;
  return (w >> 22u) ^ w;
}

// Inverse of the order-preserving map f32 → u32 (k = bits | 2^31 for x ≥ 0, ~bits for x < 0).
fn decodeOrdered(k: u32) -> f32 {
  if ((k & 0x80000000u) != 0u) { return bitcast<f32>(k & 0x7fffffffu); }
  return bitcast<f32>(~k);
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.y * p.rowStride * WG + gid.x;
  if (i >= p.n) { return; }
  switch (OP) {
    case 0u: { out[i] = safe(abs(a[i])); }
    case 1u: { out[i] = out[i] + p.scale * a[i] * b[i]; }
    case 2u: { out[i] = out[i] + p.scale * abs(a[i] * b[i]); }
    case 3u: { out[i] = safe(abs(out[i])); }
    case 4u: { out[i] = (f32(pcg(p.seed ^ pcg(i)) >> 8u) + 1.0) / 16777216.0; }
    case 5u: { out[i] = abs(a[i]) * p.scale; }
    case 6u: { out[i] = safe(abs(a[i] * out[i])); }
    case 7u: { out[i] = safe(out[i] - decodeOrdered(bitcast<u32>(b[0]))); }
    default: {}
  }
}
