// argmax: pred[b] = argmax_c logits[b, c] (ties → the lowest class index), and with
// HAS_LABELS the evaluation counts, accumulated (never cleared here) so that many
// batches are read back as C×C + 1 words at the end:
//   counts[0]              += #{b : pred[b] == label[b]}
//   counts[1 + t·C + q]    += #{b : label[b] == t, pred[b] == q}   (row = true label)
// A label ≥ C is not counted (it has no row in the matrix).
//
// Letters: logits B×C row-major (B = allocated rows), labels u32[B], pred u32[B].
// Only rows < `rows` are read or written (the valid rows of a smaller last batch).
//
// Bindings: 0 uniform Params, 1 logits, 2 labels, 3 pred, 4 counts (atomic u32).
// Dispatch: grid1d(B, WG) = (gx, gy).

override WG: u32 = 64u;
override HAS_LABELS: bool = true;

struct Params { rows: u32, C: u32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> logits: array<f32>;
@group(0) @binding(2) var<storage, read> labels: array<u32>;
@group(0) @binding(3) var<storage, read_write> pred: array<u32>;
@group(0) @binding(4) var<storage, read_write> counts: array<atomic<u32>>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let r = gid.x + gid.y * nwg.x * WG;
  if (r >= p.rows) { return; }
  let base = r * p.C;
  var best = logits[base];
  var q = 0u;
  for (var c = 1u; c < p.C; c++) {
    let v = logits[base + c];
    if (v > best) { best = v; q = c; }
  }
  pred[r] = q;
  if (HAS_LABELS) {
    let t = labels[r];
    if (t < p.C) {
      if (t == q) { atomicAdd(&counts[0], 1u); }
      atomicAdd(&counts[1u + t * p.C + q], 1u);
    }
  }
}
