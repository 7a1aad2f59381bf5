// topk-histogram: one radix pass of the exact top-k magnitude selection, counting
// straight into the global histogram with atomics (no workgroup memory, no barriers).
// topk-histogram-shared.wgsl privatises the histogram per workgroup instead.
// Counts, per 2^WIDTH-wide digit at bit SHIFT, the candidates whose higher digits
// equal the prefix chosen so far.
//
// Keys: key(i) = 0 for a weight already masked, else bitcast<u32>(|w_i|) + 1, so that
// masked weights sort first and u32 order is magnitude order (weights are finite).
// Phase 0 selects over keys; phase 1 breaks ties at the threshold key T by global
// index (layer offset + i), lowest index pruned first. Phase 1 does nothing when
// every tie is pruned (state.skip).
//
// Letters: n weights in this layer, starting at global index `offset` of group `group`.
// Bindings: 0 uniform Params, 1 weights f32[n], 2 mask u32[ceil(n/4)] (u8 per weight),
//           3 hist atomic<u32>[groups·2048], 4 state u32[groups·8 + layers].
// Dispatch: grid1d(ceil(n / (WG·PER_THREAD)), 1) workgroups of WG.

override WG: u32 = 256u;
override PER_THREAD: u32 = 16u;
const BINS: u32 = 2048u;
const S_PREFIX: u32 = 1u;
const S_IDXPREFIX: u32 = 3u;
const S_SKIP: u32 = 4u;

struct Params { n: u32, offset: u32, shift: u32, width: u32, hiMask: u32, phase: u32, group: u32, rowStride: u32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> weights: array<f32>;
@group(0) @binding(2) var<storage, read> mask: array<u32>;
@group(0) @binding(3) var<storage, read_write> hist: array<atomic<u32>>;
@group(0) @binding(4) var<storage, read> state: array<u32>;

fn keyOf(i: u32) -> u32 {
  let kept = (mask[i >> 2u] >> ((i & 3u) * 8u)) & 0xffu;
  if (kept == 0u) { return 0u; }
  return bitcast<u32>(abs(weights[i])) + 1u;
}

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {
  let s = p.group * 8u;
  if (p.phase == 1u && state[s + S_SKIP] == 1u) { return; }
  let prefix = select(state[s + S_PREFIX], state[s + S_IDXPREFIX], p.phase == 1u);
  let tkey = state[s + S_PREFIX];
  let digitMask = (1u << p.width) - 1u;
  let hb = p.group * BINS;
  let base = (wid.y * p.rowStride + wid.x) * WG * PER_THREAD;
  for (var j = 0u; j < PER_THREAD; j++) {
    let i = base + j * WG + lid.x;
    if (i >= p.n) { break; }
    let key = keyOf(i);
    var v = key;
    if (p.phase == 1u) {
      if (key != tkey) { continue; }
      v = p.offset + i;
    }
    if ((v & p.hiMask) == (prefix & p.hiMask)) {
      atomicAdd(&hist[hb + ((v >> p.shift) & digitMask)], 1u);
    }
  }
}
