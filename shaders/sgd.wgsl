// sgd: one step of torch.optim.SGD (momentum μ, dampening 0, weight decay λ,
// optional Nesterov), elementwise over n weights:
//   g = grad + λ·w;  v = μ·v + g;  g' = NESTEROV ? g + μ·v : v;  w −= lr·g'
// With v starting at 0 the first step gives v = g, as torch's first-step clone does.
// lr, μ, λ are uniforms (a schedule rewrites lr each step).
// HAS_MASK: where the u8 mask is 0 (pruned) the weight and its velocity are set to
// exactly 0 and its gradient is not used, so they stay 0 whatever the gradient holds.
//
// Letters: n weights. mask is u8 per weight, 4 per u32 word (byte j of word i is
// weight 4i+j), 1 = kept.
//
// Bindings: 0 uniform Params, 1 w[n], 2 grad[n], 3 v[n] (velocity), 4 mask.
// Dispatch: grid1d(n, WG) = (gx, gy), split over y past 65,535 workgroups.

override WG: u32 = 256u;
override NESTEROV: bool = false;
override HAS_MASK: bool = false;

struct Params { n: u32, lr: f32, momentum: f32, weightDecay: f32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> w: array<f32>;
@group(0) @binding(2) var<storage, read> grad: array<f32>;
@group(0) @binding(3) var<storage, read_write> v: array<f32>;
@group(0) @binding(4) var<storage, read> mask: array<u32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= p.n) { return; }
  if (HAS_MASK && ((mask[i >> 2u] >> ((i & 3u) * 8u)) & 0xffu) == 0u) {
    w[i] = 0.0;
    v[i] = 0.0;
    return;
  }
  let wi = w[i];
  let g = grad[i] + p.weightDecay * wi;
  let vi = p.momentum * v[i] + g;
  v[i] = vi;
  var step = vi;
  if (NESTEROV) { step = g + p.momentum * vi; }
  w[i] = wi - p.lr * step;
}
