// relu: y = max(x, 0) over n elements, out of place, or in place when IN_PLACE.
//
// Letters: n elements, any n up to the grid's reach (gx·gy·WG ≥ n).
// IN_PLACE writes back into x and leaves binding 2 unused: WebGPU forbids binding
// one buffer twice in a dispatch where a binding is writable, so in place needs x
// writable, and x is read_write in both modes to keep one layout.
//
// Bindings: 0 uniform Params, 1 x[n], 2 y[n].
// Dispatch: grid1d(n, WG) = (gx, gy), split over y past 65,535 workgroups.

override WG: u32 = 256u;
override IN_PLACE: bool = false;

struct Params { n: u32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= p.n) { return; }
  let v = max(x[i], 0.0);
  if (IN_PLACE) { x[i] = v; } else { y[i] = v; }
}
