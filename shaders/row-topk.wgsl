// row-topk: exact per-row selection (Wanda's per-output comparison group): in each
// output row, the k_r weights of lowest score are pruned, with k_r = kBase + 1 for
// the first kExtra rows and kBase for the rest (so a layer prunes exactly
// kBase·rows + kExtra). Same rule as the shared top-k: key = 0 for a weight already
// masked, else bitcast(score) + 1 (scores are finite and ≥ 0, so u32 order is score
// order); among equal keys the lowest input index is pruned first. A weight's rank
// in its row is counted directly (O(cols) per weight): rows here are at most a few
// thousand inputs long.
//
// Storage index t is (row, col) = ((t / rowStride) % rows, (t / colStride) % cols),
// as in wanda-score.wgsl; the row's input j lies at row·rowStride + j·colStride.
// Each thread owns one u32 mask word (4 weights), read and rewritten.
//
// Bindings: 0 uniform Params, 1 scores f32[n], 2 mask u32[ceil(n/4)] (u8 per weight),
//           3 keys u32[n] (scratch: the keys of the old mask, written by phase 0).
// Dispatch: grid1d(ceil(n/4), WG); phase 0 writes the keys, phase 1 the masks.

override WG: u32 = 64u;

struct Params { n: u32, rows: u32, cols: u32, rowStride: u32, colStride: u32, kBase: u32, kExtra: u32, phase: u32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> scores: array<f32>;
@group(0) @binding(2) var<storage, read_write> mask: array<u32>;
@group(0) @binding(3) var<storage, read_write> keys: array<u32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let word = gid.x + gid.y * nwg.x * WG;
  if (word * 4u >= p.n) { return; }
  let old = mask[word];
  if (p.phase == 0u) {
    for (var j = 0u; j < 4u; j++) {
      let t = word * 4u + j;
      if (t >= p.n) { break; }
      var key = 0u;
      let s = scores[t];
      if (((old >> (j * 8u)) & 0xffu) != 0u) { key = select(bitcast<u32>(s), 0u, s <= 0.0) + 1u; }
      keys[t] = key;
    }
    return;
  }
  var out = 0u;
  for (var j = 0u; j < 4u; j++) {
    let t = word * 4u + j;
    if (t >= p.n) { break; }
    let row = (t / p.rowStride) % p.rows;
    let col = (t / p.colStride) % p.cols;
    let key = keys[t];
    let base = row * p.rowStride;
    var rank = 0u;
    for (var c = 0u; c < p.cols; c++) {
      let kc = keys[base + c * p.colStride];
      if (kc < key || (kc == key && c < col)) { rank += 1u; }
    }
    let k = p.kBase + select(0u, 1u, row < p.kExtra);
    if (key != 0u && rank >= k) { out = out | (1u << (j * 8u)); }
  }
  mask[word] = out;
}
