// nm-mask: N:M masks from a score per weight. In every group of GM consecutive
// weights along an output's input dimension, the NK highest scores are kept. Two
// dispatches per layer in one pass: SELECT writes the new mask into `fresh` from
// the scores and the current mask (never rewriting what other threads still read);
// COPY then writes `fresh` over the mask and adds the weights it keeps to kept[keptAt].
//
// Letters: R outputs × C inputs (C a multiple of GM); IN_OUT: a Linear stored C×R
// (in × out), weight (r, c) at c·R + r; else a conv stored R×C, at r·C + c.
// Rule (as src/ref/nm.ts): key = 0 for an already-masked weight, else
// bitcast(|score|) + 1 (order-preserving for f32 ≥ 0); a weight's rank in its group
// counts the members with a lower key, or an equal key and a lower in-group index;
// it is pruned when its rank is below GM − NK, or when it was masked already.
// Each thread owns one u32 word of the mask (4 weights).
//
// Bindings: 0 uniform Params, 1 scores f32[R·C], 2 mask u32[ceil(R·C/4)] (u8 per
// weight; read by SELECT, written by COPY), 3 fresh u32[ceil(R·C/4)], 4 kept u32 per layer.
// Dispatch: grid1d(ceil(R·C/4), WG), rowStride = its x size.

override WG: u32 = 256u;
override COPY: bool = false;

struct Params { count: u32, R: u32, C: u32, NK: u32, GM: u32, inOut: u32, rowStride: u32, keptAt: u32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> scores: array<f32>;
@group(0) @binding(2) var<storage, read_write> mask: array<u32>;
@group(0) @binding(3) var<storage, read_write> fresh: array<u32>;
@group(0) @binding(4) var<storage, read_write> kept: array<atomic<u32>>;

fn at(r: u32, c: u32) -> u32 {
  if (p.inOut != 0u) { return c * p.R + r; }
  return r * p.C + c;
}

fn key(i: u32) -> u32 {
  if (((mask[i / 4u] >> ((i % 4u) * 8u)) & 0xffu) == 0u) { return 0u; }
  return bitcast<u32>(abs(scores[i])) + 1u;
}

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {
  let word = (wid.y * p.rowStride + wid.x) * WG + lid.x;
  if (word * 4u >= p.count) { return; }
  if (COPY) {
    let v = fresh[word];
    mask[word] = v;
    // Mask bytes are 0 or 1: the set bits are the kept weights.
    if (v != 0u) { atomicAdd(&kept[p.keptAt], countOneBits(v)); }
    return;
  }
  var out = 0u;
  for (var j = 0u; j < 4u; j++) {
    let i = word * 4u + j;
    if (i >= p.count) { break; }
    var r = i / p.C;
    var c = i % p.C;
    if (p.inOut != 0u) {
      r = i % p.R;
      c = i / p.R;
    }
    let ki = key(i);
    if (ki == 0u) { continue; }
    let g0 = (c / p.GM) * p.GM;
    let t = c - g0;
    var rank = 0u;
    for (var u = 0u; u < p.GM; u++) {
      let ku = key(at(r, g0 + u));
      if (ku < ki || (ku == ki && u < t)) { rank += 1u; }
    }
    if (rank >= p.GM - p.NK) { out = out | (1u << (j * 8u)); }
  }
  fresh[word] = out;
}
