// spmm-nm: Y = X · Ŵᵀ [+ bias] [ReLU] over the N:M compressed format
// (src/layout/nm.ts): every output has the same S = (K/GM)·NK slots, so every
// thread does the same work whatever the mask (no load imbalance, no second pass).
// One thread runs one output over MT rows of X, a quad of 4 slots at a time.
//
// Letters: X is M×K (row-major); Ŵ has R outputs × K inputs. Row m of X is sample
//   m / POS at position m % POS: a Linear has POS = 1 (Y is M×R); a conv over
//   im2col rows has POS = OH·OW and Y is written NCHW at ((m / POS)·R + r)·POS + m % POS.
//   vals[q·R + r]: quad q (slots 4q … 4q+3) of output r, a vec4 (past slot S−1: 0).
//   idx[w·R + r]: word w of output r's packed in-group indices, PER to a word (a
//   multiple of 4), BITS each, low bits first. Slot s reads input column
//   (s / NK)·GM + its index (padding slots read column 0 and add 0).
//   MT = 1 or 4 rows of X per thread (4 for batches: each weight is loaded once for 4 rows).
//
// Bindings: 0 uniform Params, 1 X, 2 vals, 3 idx, 4 bias[R], 5 Y.
// Dispatch: foldGrid(ceil(R / WG_X), ceil(M / (MT·WG_Y))): tiles folded into y/z in
// linear order past 65,535 workgroups in a dimension (tile g = (g mod gx, g div gx)).

override WG_X: u32 = 64u;
override WG_Y: u32 = 1u;
override MT: u32 = 1u;
override NK: u32 = 2u;
override GM: u32 = 4u;
override BITS: u32 = 2u;
override PER: u32 = 16u;
// True when S is not a multiple of 4 (the last quad has padding slots).
override PADDED: bool = false;
override HAS_BIAS: bool = true;
override RELU: bool = false;

struct Params { M: u32, K: u32, R: u32, S: u32, Q: u32, POS: u32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> vals: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read> idx: array<u32>;
@group(0) @binding(4) var<storage, read> bias: array<f32>;
@group(0) @binding(5) var<storage, read_write> y: array<f32>;

fn gather(xr: u32, c: vec4<u32>) -> vec4<f32> {
  return vec4<f32>(x[xr + c.x], x[xr + c.y], x[xr + c.z], x[xr + c.w]);
}

fn store(m: u32, r: u32, v0: f32) {
  if (m >= p.M) { return; }
  var v = v0;
  if (HAS_BIAS) { v += bias[r]; }
  if (RELU) { v = max(v, 0.0); }
  y[((m / p.POS) * p.R + r) * p.POS + m % p.POS] = v;
}

@compute @workgroup_size(WG_X, WG_Y)
fn main(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let gx = (p.R + WG_X - 1u) / WG_X;
  let g = wid.x + nwg.x * (wid.y + nwg.y * wid.z);
  let gid = vec2<u32>(g % gx, g / gx) * vec2<u32>(WG_X, WG_Y) + lid.xy;
  let r = gid.x;
  let m0 = gid.y * MT;
  if (r >= p.R || m0 >= p.M) { return; }
  let low = (1u << BITS) - 1u;
  // Rows past M (a short last tile) read row M−1 and are never stored.
  let last = p.M - 1u;
  let x0 = m0 * p.K;
  let x1 = min(m0 + 1u, last) * p.K;
  let x2 = min(m0 + 2u, last) * p.K;
  let x3 = min(m0 + 3u, last) * p.K;
  var acc = vec4<f32>(0.0);
  for (var q = 0u; q < p.Q; q++) {
    let word = idx[(q * 4u / PER) * p.R + r];
    let sh = ((q * 4u) % PER) * BITS;
    let t = (vec4<u32>(word) >> (vec4<u32>(sh) + vec4<u32>(0u, BITS, 2u * BITS, 3u * BITS))) & vec4<u32>(low);
    // Group starts of the quad's slots: with NK dividing 4 (1:m, 2:m, 4:m), a fixed step per quad.
    var c: vec4<u32>;
    if (4u % NK == 0u) {
      c = vec4<u32>(q * (4u / NK) * GM) + (vec4<u32>(0u, 1u, 2u, 3u) / NK) * GM + t;
    } else {
      c = ((q * 4u + vec4<u32>(0u, 1u, 2u, 3u)) / NK) * GM + t;
    }
    if (PADDED) { c = select(vec4<u32>(0u), c, q * 4u + vec4<u32>(0u, 1u, 2u, 3u) < vec4<u32>(p.S)); }
    let v = vals[q * p.R + r];
    acc.x += dot(v, gather(x0, c));
    if (MT == 4u) {
      acc.y += dot(v, gather(x1, c));
      acc.z += dot(v, gather(x2, c));
      acc.w += dot(v, gather(x3, c));
    }
  }
  store(m0, r, acc.x);
  if (MT == 4u) {
    store(m0 + 1u, r, acc.y);
    store(m0 + 2u, r, acc.z);
    store(m0 + 3u, r, acc.w);
  }
}
