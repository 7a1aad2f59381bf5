// spmlp-fused: a whole MLP (Linear layers with their ReLUs) over the kept weights,
// one workgroup per sample, one dispatch for the whole forward pass and argmax.
// Activations stay in workgroup memory; a barrier separates the layers. Each
// layer's weights are sliced-ELL pieces as in spmm-sell, one piece per row (no row
// is split: the workgroup's threads stride over the pieces, sorted by length, so
// neighbouring threads do equal work). For frames (batch 1) this replaces one
// dispatch per layer, plus the argmax, by one.
//
// Letters: sample b's input is x[b·K0 .. b·K0 + K0); layer l reads K columns, has R
//   rows in R pieces of S per slice. Its table row (TABLE_WORDS u32 words at
//   l·TABLE_WORDS) is: K, R, S, slices, gOff (its first group in vals/cols), sOff
//   (its first word in sell: [sliceStart (slices + 1) | pieceRow (R)]), bOff (its
//   first bias), inOff (its input in act, or NONE = read x), outOff (its output in
//   act), relu (0/1).
//   act holds every layer's output (ACT floats, sum of the R's); the last layer's
//   are the logits: written to logits[b·C ..] with pred[b] = their argmax (ties →
//   the lowest class).
//
// Bindings: 0 uniform Params, 1 x, 2 vals, 3 cols, 4 sell, 5 bias, 6 table,
//   7 logits, 8 pred.
// Dispatch: (min(B, 65535), ceil(B / 65535)) workgroups of WG threads.

override WG: u32 = 128u;
override ACT: u32 = 1024u;

const TABLE_WORDS = 10u;
const NONE = 0xffffffffu;

struct Params { B: u32, K0: u32, layers: u32, C: u32, logitsOff: u32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> vals: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read> cols: array<vec2<u32>>;
@group(0) @binding(4) var<storage, read> sell: array<u32>;
@group(0) @binding(5) var<storage, read> bias: array<f32>;
@group(0) @binding(6) var<storage, read> table: array<u32>;
@group(0) @binding(7) var<storage, read_write> logits: array<f32>;
@group(0) @binding(8) var<storage, read_write> pred: array<u32>;

var<workgroup> act: array<f32, ACT>;

fn gather(inOff: u32, xr: u32, c: vec4<u32>) -> vec4<f32> {
  if (inOff == NONE) { return vec4<f32>(x[xr + c.x], x[xr + c.y], x[xr + c.z], x[xr + c.w]); }
  return vec4<f32>(act[inOff + c.x], act[inOff + c.y], act[inOff + c.z], act[inOff + c.w]);
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32, @builtin(num_workgroups) nwg: vec3<u32>) {
  let b = wid.x + wid.y * nwg.x;
  if (b >= p.B) { return; }
  let xr = b * p.K0;
  for (var l = 0u; l < p.layers; l++) {
    let t = l * TABLE_WORDS;
    let R = table[t + 1u];
    let S = table[t + 2u];
    let slices = table[t + 3u];
    let gOff = table[t + 4u];
    let sOff = table[t + 5u];
    let bOff = table[t + 6u];
    let inOff = table[t + 7u];
    let outOff = table[t + 8u];
    let relu = table[t + 9u] != 0u;
    for (var pc = lid; pc < R; pc += WG) {
      let s = pc / S;
      let lane = pc % S;
      let g0 = sell[sOff + s];
      let width = (sell[sOff + s + 1u] - g0) / S;
      var acc = 0.0;
      for (var g = 0u; g < width; g++) {
        let e = gOff + g0 + g * S + lane;
        let cc = cols[e];
        let c = vec4<u32>(cc.x & 0xffffu, cc.x >> 16u, cc.y & 0xffffu, cc.y >> 16u);
        acc += dot(vals[e], gather(inOff, xr, c));
      }
      let r = sell[sOff + slices + 1u + pc];
      var v = acc + bias[bOff + r];
      if (relu) { v = max(v, 0.0); }
      act[outOff + r] = v;
    }
    workgroupBarrier();
  }
  for (var i = lid; i < p.C; i += WG) { logits[b * p.C + i] = act[p.logitsOff + i]; }
  if (lid == 0u) {
    var best = act[p.logitsOff];
    var q = 0u;
    for (var c = 1u; c < p.C; c++) {
      let v = act[p.logitsOff + c];
      if (v > best) { best = v; q = c; }
    }
    pred[b] = q;
  }
}
