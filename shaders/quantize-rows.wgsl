// quantize-rows: symmetric int8 quantization of activations, one scale per sample:
//   scale[b] = max|x_b| / 127,   q = clamp(round(x · 127 / max|x_b|), -127, 127)
// (round half to even; an all-zero sample gets scale 0 and q = 0). One workgroup per
// sample: a strided max, a tree reduction in workgroup memory, then the writes.
//
// Letters: X holds `rows` samples of n values each (sample b = x[b·n .. b·n + n)).
//   q is i32 per value (so that gathers need no unpacking), scale f32 per sample.
//
// Bindings: 0 uniform Params, 1 X, 2 q, 3 scale.
// Dispatch: (min(rows, 65535), ceil(rows / 65535)) workgroups of WG threads.

override WG: u32 = 64u;

struct Params { n: u32, rows: u32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> q: array<i32>;
@group(0) @binding(3) var<storage, read_write> scale: array<f32>;

var<workgroup> red: array<f32, WG>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32, @builtin(num_workgroups) nwg: vec3<u32>) {
  let b = wid.x + wid.y * nwg.x;
  if (b >= p.rows) { return; }
  let base = b * p.n;
  var mx = 0.0;
  for (var i = lid; i < p.n; i += WG) { mx = max(mx, abs(x[base + i])); }
  red[lid] = mx;
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s >>= 1u) {
    if (lid < s) { red[lid] = max(red[lid], red[lid + s]); }
    workgroupBarrier();
  }
  let top = red[0];
  var inv = 0.0;
  if (top > 0.0) { inv = 127.0 / top; }
  for (var i = lid; i < p.n; i += WG) {
    q[base + i] = i32(clamp(round(x[base + i] * inv), -127.0, 127.0));
  }
  if (lid == 0u) { scale[b] = top / 127.0; }
}
