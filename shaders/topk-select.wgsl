// topk-select: after a histogram pass, finds the digit that holds the k-th smallest
// candidate of group `group`, appends it to the prefix, and clears the histogram.
// One thread per group: 2048 bins are a short loop, and it keeps the rule obvious.
//
// State per group (u32 ×8): 0 kRem (phase 0: rank still to find; after it, the number
// of ties at T to prune), 1 prefix (→ T, the threshold key), 2 idxRem, 3 idxPrefix
// (→ the largest global index pruned among the ties), 4 skip (every tie is pruned,
// phase 1 not needed), 5 ties (count of keys equal to T), 6 k.
//
// Bindings: 0 uniform Params, 1 hist u32[groups·2048], 2 state u32[groups·8 + layers].
// Dispatch: (groups, 1, 1) workgroups of 1.

const BINS: u32 = 2048u;

struct Params { shift: u32, width: u32, phase: u32, last: u32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> hist: array<u32>;
@group(0) @binding(2) var<storage, read_write> state: array<u32>;

@compute @workgroup_size(1)
fn main(@builtin(workgroup_id) wid: vec3<u32>) {
  let g = wid.x;
  let s = g * 8u;
  let hb = g * BINS;
  let bins = 1u << p.width;
  let skip = p.phase == 1u && state[s + 4u] == 1u;
  if (!skip) {
    let remAt = select(s + 0u, s + 2u, p.phase == 1u);
    let prefixAt = select(s + 1u, s + 3u, p.phase == 1u);
    let rem = state[remAt];
    var cum = 0u;
    for (var b = 0u; b < bins; b++) {
      let c = hist[hb + b];
      if (cum + c >= rem) {
        state[prefixAt] = state[prefixAt] | (b << p.shift);
        state[remAt] = rem - cum;
        if (p.phase == 0u && p.last == 1u) {
          // The threshold key T is known: rem − cum ties at T are to be pruned, of c.
          state[s + 5u] = c;
          state[s + 2u] = rem - cum;
          if (rem - cum == c) {
            state[s + 4u] = 1u;
            state[s + 3u] = 0xffffffffu;
          }
        }
        break;
      }
      cum += c;
    }
  }
  for (var b = 0u; b < bins; b++) { hist[hb + b] = 0u; }
}
