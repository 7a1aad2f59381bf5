// avgpool2d-backward: dX from dY for avgpool2d (window S×S, stride T, floor mode).
//   dX[i] = Σ dY[o] / (S·S) over the windows o that hold i; else 0.
// With T < S windows overlap, so each thread gathers over every window covering its
// element (at most ceil(S/T)² of them): one thread per dX element writes every
// element, no atomics and no separate zero-fill (elements no window covers get 0).
//
// Letters (NCHW, row-major): dX is B×C×H×W, dY is B×C×OH×OW,
//   S is the window side, T the stride. B is the number of valid batch rows.
//
// Bindings: 0 uniform Params, 1 dY, 2 dX.
// Dispatch: 1-D over B·C·H·W threads in groups of WG, the groups split over
//   (x, y) past 65535.

override WG: u32 = 64u;

struct Params { B: u32, C: u32, H: u32, W: u32, S: u32, OH: u32, OW: u32, T: u32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read_write> dx: array<f32>;

// The windows along one axis that cover position i: [first, last) (empty when none).
fn covering(i: u32, n: u32) -> vec2<u32> {
  let first = select(0u, (i - p.S + p.T) / p.T, i + 1u > p.S);
  let last = min(i / p.T + 1u, n);
  return vec2<u32>(first, max(first, last));
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= p.B * p.C * p.H * p.W) { return; }
  let ix = i % p.W;
  let q = i / p.W;
  let iy = q % p.H;
  let plane = q / p.H;
  let ry = covering(iy, p.OH);
  let rx = covering(ix, p.OW);
  var sum = 0.0;
  for (var oy = ry.x; oy < ry.y; oy++) {
    for (var ox = rx.x; ox < rx.y; ox++) {
      sum += dy[(plane * p.OH + oy) * p.OW + ox];
    }
  }
  dx[i] = sum / f32(p.S * p.S);
}
