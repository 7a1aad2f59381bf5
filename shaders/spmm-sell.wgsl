// spmm-sell: Y = X · (W⊙M)ᵀ [+ bias] [ReLU] over the kept weights only, W held as
// sliced-ELL row pieces (src/infer/sell.ts). One thread runs one piece over MT rows
// of X, so the work of a thread is the piece's length, whatever the row's sparsity.
//
// Letters: X is M×K (row-major), W has R rows (outputs) × K columns, in P pieces.
//   Row m of X belongs to sample floor(m / POS) at position m % POS: a Linear has
//   POS = 1 (Y is M×R); a conv over im2col rows has POS = OH·OW and Y is written
//   NCHW, at ((m / POS)·R + r)·POS + m % POS.
//   S pieces per slice; piece pc is lane pc % S of slice pc / S. Group g of a piece
//   (4 entries) is at sell[slice] + g·S + lane: vals[·] its 4 values, cols[·] its 4
//   u16 columns (two per u32, low half first).
//   sell = [sliceStart (slices + 1 group offsets) | pieceRow (P rows)], rowOff = slices + 1.
//   FUSED (no row was split): writes Y with bias and ReLU. Otherwise writes the
//   piece's partial sum to y[m·P + pc] and spmm-reduce finishes the rows.
//   MT = 1 or 4 rows of X per thread (4 for batches: each weight is loaded once for 4 rows).
//
// Bindings: 0 uniform Params, 1 X, 2 vals, 3 cols, 4 sell, 5 bias[R], 6 Y (or partial).
// Dispatch: foldGrid(ceil(P / WG_X), ceil(M / (MT·WG_Y))): those tiles, folded into
// y/z in linear order past 65,535 workgroups in a dimension (tile g = (g mod gx, g div gx)).

override WG_X: u32 = 64u;
override WG_Y: u32 = 1u;
override MT: u32 = 1u;
override FUSED: bool = true;
override HAS_BIAS: bool = true;
override RELU: bool = false;

struct Params { M: u32, K: u32, R: u32, P: u32, S: u32, POS: u32, rowOff: u32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> vals: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read> cols: array<vec2<u32>>;
@group(0) @binding(4) var<storage, read> sell: array<u32>;
@group(0) @binding(5) var<storage, read> bias: array<f32>;
@group(0) @binding(6) var<storage, read_write> y: array<f32>;

fn gather(xr: u32, c: vec4<u32>) -> vec4<f32> {
  return vec4<f32>(x[xr + c.x], x[xr + c.y], x[xr + c.z], x[xr + c.w]);
}

fn store(m: u32, pc: u32, r: u32, v0: f32) {
  if (m >= p.M) { return; }
  if (FUSED) {
    var v = v0;
    if (HAS_BIAS) { v += bias[r]; }
    if (RELU) { v = max(v, 0.0); }
    y[((m / p.POS) * p.R + r) * p.POS + m % p.POS] = v;
  } else {
    y[m * p.P + pc] = v0;
  }
}

@compute @workgroup_size(WG_X, WG_Y)
fn main(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  // This workgroup's tile of the (possibly folded) grid; tiles past the last have rows ≥ M.
  let gx = (p.P + WG_X - 1u) / WG_X;
  let g = wid.x + nwg.x * (wid.y + nwg.y * wid.z);
  let gid = vec2<u32>(g % gx, g / gx) * vec2<u32>(WG_X, WG_Y) + lid.xy;
  let pc = gid.x;
  let m0 = gid.y * MT;
  if (pc >= p.P || m0 >= p.M) { return; }
  let s = pc / p.S;
  let lane = pc % p.S;
  let g0 = sell[s];
  let width = (sell[s + 1u] - g0) / p.S;
  // Rows past M (a short last tile) read row M−1 and are never stored.
  let last = p.M - 1u;
  let x0 = m0 * p.K;
  let x1 = min(m0 + 1u, last) * p.K;
  let x2 = min(m0 + 2u, last) * p.K;
  let x3 = min(m0 + 3u, last) * p.K;
  var acc = vec4<f32>(0.0);
  for (var g = 0u; g < width; g++) {
    let e = g0 + g * p.S + lane;
    let v = vals[e];
    let cc = cols[e];
    let c = vec4<u32>(cc.x & 0xffffu, cc.x >> 16u, cc.y & 0xffffu, cc.y >> 16u);
    acc.x += dot(v, gather(x0, c));
    if (MT == 4u) {
      acc.y += dot(v, gather(x1, c));
      acc.z += dot(v, gather(x2, c));
      acc.w += dot(v, gather(x3, c));
    }
  }
  let r = sell[p.rowOff + pc];
  store(m0, pc, r, acc.x);
  if (MT == 4u) {
    store(m0 + 1u, pc, r, acc.y);
    store(m0 + 2u, pc, r, acc.z);
    store(m0 + 3u, pc, r, acc.w);
  }
}
