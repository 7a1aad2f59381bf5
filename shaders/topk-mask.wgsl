// topk-mask: writes the new mask of one layer from the selection of its group and
// counts the weights kept. A weight is pruned when it was masked already, when its
// key is below the threshold key T, or when it ties T and its global index is at most
// the tie index chosen in phase 1. Each thread owns one u32 mask word (4 weights).
//
// Letters: n weights in the layer, at global index `offset` of group `group`.
// Bindings: 0 uniform Params, 1 weights f32[n], 2 mask u32[ceil(n/4)] (read and
//           rewritten), 3 state u32[groups·8 + layers] (kept count at groups·8 + layer).
// Dispatch: grid1d(ceil(n/4), WG).

override WG: u32 = 256u;

struct Params { n: u32, offset: u32, group: u32, keptAt: u32, rowStride: u32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> weights: array<f32>;
@group(0) @binding(2) var<storage, read_write> mask: array<u32>;
@group(0) @binding(3) var<storage, read_write> state: array<atomic<u32>>;

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {
  let s = p.group * 8u;
  let tkey = atomicLoad(&state[s + 1u]);
  let tidx = atomicLoad(&state[s + 3u]);
  let word = (wid.y * p.rowStride + wid.x) * WG + lid.x;
  if (word * 4u < p.n) {
    let old = mask[word];
    var out = 0u;
    var kept = 0u;
    for (var j = 0u; j < 4u; j++) {
      let i = word * 4u + j;
      if (i >= p.n) { break; }
      var key = 0u;
      if (((old >> (j * 8u)) & 0xffu) != 0u) { key = bitcast<u32>(abs(weights[i])) + 1u; }
      let pruned = key == 0u || key < tkey || (key == tkey && p.offset + i <= tidx);
      if (!pruned) {
        out = out | (1u << (j * 8u));
        kept += 1u;
      }
    }
    mask[word] = out;
    if (kept > 0u) { atomicAdd(&state[p.keptAt], kept); }
  }
}
