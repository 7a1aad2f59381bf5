// softmax-xent: softmax + cross-entropy, forward and backward in one pass per row.
//   dLogits[b, c] = (softmax(logits[b])[c] − [c == label[b]]) · scale
//   rowLoss[b]    = logsumexp(logits[b]) − logits[b, label[b]]
// Numerically stable: every exp is of (logit − row max) ≤ 0, and the loss is
// (max − logit[label]) + log Σ exp(…), so ±80 logits neither overflow nor cancel.
// scale = 1/B gives the gradient of the mean loss.
//
// Letters: logits and dLogits are B×C row-major (B = allocated rows), labels u32[B],
// rowLoss[B]. Rows ≥ `rows` (the valid rows of a smaller last batch) get a zero
// gradient and zero loss, so the backward matmuls and the loss sum may run over all
// B rows. A label ≥ C is ignored like torch's ignore_index (zero loss and gradient);
// the data layer rejects such labels before they get here.
// One thread per row: C is small (10 for MNIST), so a row fits one thread's loop.
//
// Bindings: 0 uniform Params, 1 logits, 2 labels, 3 dLogits, 4 rowLoss.
// Dispatch: grid1d(B, WG) = (gx, gy).

override WG: u32 = 64u;

struct Params { B: u32, rows: u32, C: u32, scale: f32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> logits: array<f32>;
@group(0) @binding(2) var<storage, read> labels: array<u32>;
@group(0) @binding(3) var<storage, read_write> dLogits: array<f32>;
@group(0) @binding(4) var<storage, read_write> rowLoss: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let r = gid.x + gid.y * nwg.x * WG;
  if (r >= p.B) { return; }
  let base = r * p.C;
  let label = labels[r];
  if (r >= p.rows || label >= p.C) {
    for (var c = 0u; c < p.C; c++) { dLogits[base + c] = 0.0; }
    rowLoss[r] = 0.0;
    return;
  }
  var mx = logits[base];
  for (var c = 1u; c < p.C; c++) { mx = max(mx, logits[base + c]); }
  var s = 0.0;
  for (var c = 0u; c < p.C; c++) { s += exp(logits[base + c] - mx); }
  let k = p.scale / s;
  for (var c = 0u; c < p.C; c++) {
    let hot = select(0.0, p.scale, c == label);
    dLogits[base + c] = exp(logits[base + c] - mx) * k - hot;
  }
  rowLoss[r] = (mx - logits[base + label]) + log(s);
}
