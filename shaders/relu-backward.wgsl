// relu-backward: dX = dY · [Y > 0] over n elements, from the forward OUTPUT Y
// (ReLU is fused into matmul, so the pre-activation is never kept; Y > 0 exactly
// where the pre-activation was > 0).
//
// Letters: n elements. IN_PLACE writes dX over dY and leaves binding 3 unused
// (one buffer may not be bound twice where one binding is writable).
//
// Bindings: 0 uniform Params, 1 Y[n], 2 dY[n], 3 dX[n].
// Dispatch: grid1d(n, WG) = (gx, gy), split over y past 65,535 workgroups.

override WG: u32 = 256u;
override IN_PLACE: bool = false;

struct Params { n: u32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> Y: array<f32>;
@group(0) @binding(2) var<storage, read_write> dY: array<f32>;
@group(0) @binding(3) var<storage, read_write> dX: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= p.n) { return; }
  let g = select(0.0, dY[i], Y[i] > 0.0);
  if (IN_PLACE) { dY[i] = g; } else { dX[i] = g; }
}
