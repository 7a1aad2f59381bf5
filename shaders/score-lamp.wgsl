// score-lamp: LAMP scores of one layer (Lee et al. 2021): sort the weights by
// magnitude ascending (bitonic sort of (|w| bits, index) pairs, so ties go by index),
// take the suffix sums of w² over the sorted order (Hillis–Steele scan, ping-pong),
// and write score(u) = w_u² / Σ_{v ≥ u} w_v² back at each weight's index.
//
// OP 0 init:    t < P: key[t] = bitcast(|w[t]|) (t < n) else 0xffffffff; idx[t] = t
// OP 1 bitonic: one compare-exchange stage (k, j) over t < P/2
// OP 2 gather:  t < P: sq[t] = w[idx[t]]² (t < n) else 0; scanA[t] = sq[t]
// OP 3 scan:    t < P: dst[t] = src[t] + src[t + d] (0 past P); src/dst = scanA/scanB by `flip`
// OP 4 score:   t < n: out[idx[t]] = safe(sq[t] / suffix[t]) (0 when the suffix is 0); suffix by `flip`
//
// Letters: n weights, P = the next power of two ≥ n. Bindings: 0 uniform Params,
// 1 w f32[n], 2 key u32[P], 3 idx u32[P], 4 sq f32[P], 5 scanA f32[P], 6 scanB f32[P],
// 7 out f32[n]. Dispatch: grid1d(P or P/2, WG).

override OP: u32 = 0u;
override WG: u32 = 256u;

struct Params { n: u32, P: u32, k: u32, j: u32, d: u32, flip: u32, rowStride: u32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> w: array<f32>;
@group(0) @binding(2) var<storage, read_write> key: array<u32>;
@group(0) @binding(3) var<storage, read_write> idx: array<u32>;
@group(0) @binding(4) var<storage, read_write> sq: array<f32>;
@group(0) @binding(5) var<storage, read_write> scanA: array<f32>;
@group(0) @binding(6) var<storage, read_write> scanB: array<f32>;
@group(0) @binding(7) var<storage, read_write> out: array<f32>;

fn safe(x: f32) -> f32 {
  let u = bitcast<u32>(x) & 0x7fffffffu;
  if (u > 0x7f800000u) { return 0.0; }
  if (u == 0x7f800000u) { return bitcast<f32>(0x7f7fffffu); }
  return bitcast<f32>(u);
}

fn rd(t: u32) -> f32 {
  if (t >= p.P) { return 0.0; }
  if (p.flip == 0u) { return scanA[t]; }
  return scanB[t];
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let t = gid.y * p.rowStride * WG + gid.x;
  switch (OP) {
    case 0u: {
      if (t >= p.P) { return; }
      var k = 0xffffffffu;
      if (t < p.n) { k = bitcast<u32>(abs(w[t])); }
      key[t] = k;
      idx[t] = t;
    }
    case 1u: {
      if (t >= p.P / 2u) { return; }
      let i = (t / p.j) * 2u * p.j + (t % p.j);
      let l = i + p.j;
      let up = (i & p.k) == 0u;
      let ki = key[i];
      let kl = key[l];
      let ii = idx[i];
      let il = idx[l];
      let greater = ki > kl || (ki == kl && ii > il);
      if (greater == up) {
        key[i] = kl;
        key[l] = ki;
        idx[i] = il;
        idx[l] = ii;
      }
    }
    case 2u: {
      if (t >= p.P) { return; }
      var s = 0.0;
      if (t < p.n) {
        let x = w[idx[t]];
        s = x * x;
      }
      sq[t] = s;
      scanA[t] = s;
    }
    case 3u: {
      if (t >= p.P) { return; }
      let v = rd(t) + rd(t + p.d);
      if (p.flip == 0u) { scanB[t] = v; } else { scanA[t] = v; }
    }
    case 4u: {
      if (t >= p.n) { return; }
      let den = rd(t);
      var s = 0.0;
      if (den > 0.0) { s = safe(sq[t] / den); }
      out[idx[t]] = s;
    }
    default: {}
  }
}
