// adam: one step of torch.optim.Adam (L2 weight decay folded into the gradient) or,
// with DECOUPLED, of torch.optim.AdamW (w ← w·(1 − lr·λ) before the update):
//   g = grad [+ λ·w];  m = β1·m + (1−β1)·g;  v = β2·v + (1−β2)·g²
//   w −= lr · (m / bc1) / (sqrt(v / bc2) + ε)
// bc1 = 1 − β1^t and bc2 = 1 − β2^t are computed on the CPU for step t and passed
// as uniforms with lr (schedules) so the kernel holds no step counter.
// HAS_MASK: where the u8 mask is 0 (pruned) w, m and v are set to exactly 0 and the
// gradient is not used.
//
// Letters: n weights. mask is u8 per weight, 4 per u32 word (byte j of word i is
// weight 4i+j), 1 = kept.
//
// Bindings: 0 uniform Params, 1 w[n], 2 grad[n], 3 m[n], 4 v[n], 5 mask.
// Dispatch: grid1d(n, WG) = (gx, gy), split over y past 65,535 workgroups.

override WG: u32 = 256u;
override DECOUPLED: bool = false;
override HAS_MASK: bool = false;

struct Params { n: u32, lr: f32, beta1: f32, beta2: f32, eps: f32, weightDecay: f32, bc1: f32, bc2: f32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> w: array<f32>;
@group(0) @binding(2) var<storage, read> grad: array<f32>;
@group(0) @binding(3) var<storage, read_write> m: array<f32>;
@group(0) @binding(4) var<storage, read_write> v: array<f32>;
@group(0) @binding(5) var<storage, read> mask: array<u32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= p.n) { return; }
  if (HAS_MASK && ((mask[i >> 2u] >> ((i & 3u) * 8u)) & 0xffu) == 0u) {
    w[i] = 0.0;
    m[i] = 0.0;
    v[i] = 0.0;
    return;
  }
  var wi = w[i];
  var g = grad[i];
  if (DECOUPLED) { wi = wi * (1.0 - p.lr * p.weightDecay); } else { g = g + p.weightDecay * wi; }
  let mi = p.beta1 * m[i] + (1.0 - p.beta1) * g;
  let vi = p.beta2 * v[i] + (1.0 - p.beta2) * g * g;
  m[i] = mi;
  v[i] = vi;
  w[i] = wi - p.lr * (mi / p.bc1) / (sqrt(vi / p.bc2) + p.eps);
}
