// spmm-sell-int8: the int8 sparse product of spmm-sell-int8-dot4, for devices
// without packed 4×8-bit dot products: each group's 4 int8 weights are unpacked
// with extractBits (sign-extending) and multiplied one by one in i32. Same
// results, bit for bit.
//
// Letters: Xq is M×K i32 in [-127, 127] (quantize-rows), xScale has one scale per
//   sample (row m belongs to sample m / POS); Wq has R rows × K columns in P pieces,
//   one u32 of 4 int8 per group (byte t = entry t), wScale one scale per row.
//   Layout, POS, S, sell and FUSED as in spmm-sell: FUSED writes Y (NCHW for a
//   conv), otherwise the dequantized piece sum goes to y[m·P + pc] for spmm-reduce.
//   MT = 1 or 4 rows of X per thread. Sums are exact in i32 (127²·K < 2³¹ for K < 133,000).
//
// Bindings: 0 uniform Params, 1 Xq, 2 xScale, 3 Wq, 4 cols, 5 sell, 6 wScale[R],
//   7 bias[R], 8 Y (or partial).
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
@group(0) @binding(1) var<storage, read> xq: array<i32>;
@group(0) @binding(2) var<storage, read> xScale: array<f32>;
@group(0) @binding(3) var<storage, read> wq: array<u32>;
@group(0) @binding(4) var<storage, read> cols: array<vec2<u32>>;
@group(0) @binding(5) var<storage, read> sell: array<u32>;
@group(0) @binding(6) var<storage, read> wScale: array<f32>;
@group(0) @binding(7) var<storage, read> bias: array<f32>;
@group(0) @binding(8) var<storage, read_write> y: array<f32>;

fn dot4(xr: u32, c: vec4<u32>, w: u32) -> i32 {
  let wi = bitcast<i32>(w);
  return xq[xr + c.x] * extractBits(wi, 0u, 8u) + xq[xr + c.y] * extractBits(wi, 8u, 8u)
       + xq[xr + c.z] * extractBits(wi, 16u, 8u) + xq[xr + c.w] * extractBits(wi, 24u, 8u);
}

fn store(m: u32, pc: u32, r: u32, acc: i32) {
  if (m >= p.M) { return; }
  let sample = m / p.POS;
  var v = f32(acc) * xScale[sample] * wScale[r];
  if (FUSED) {
    if (HAS_BIAS) { v += bias[r]; }
    if (RELU) { v = max(v, 0.0); }
    y[(sample * p.R + r) * p.POS + m % p.POS] = v;
  } else {
    y[m * p.P + pc] = v;
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
  let last = p.M - 1u;
  let x0 = m0 * p.K;
  let x1 = min(m0 + 1u, last) * p.K;
  let x2 = min(m0 + 2u, last) * p.K;
  let x3 = min(m0 + 3u, last) * p.K;
  var acc = vec4<i32>(0);
  for (var g = 0u; g < width; g++) {
    let e = g0 + g * p.S + lane;
    let w = wq[e];
    let cc = cols[e];
    let c = vec4<u32>(cc.x & 0xffffu, cc.x >> 16u, cc.y & 0xffffu, cc.y >> 16u);
    acc.x += dot4(x0, c, w);
    if (MT == 4u) {
      acc.y += dot4(x1, c, w);
      acc.z += dot4(x2, c, w);
      acc.w += dot4(x3, c, w);
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
