// CPU oracle for softmax-xent (f64 throughout): for each of the first `rows` rows,
// dLogits = (softmax − onehot(label))·scale and rowLoss = logsumexp − logit[label].
// Rows ≥ rows and labels ≥ C give zero gradient and zero loss, as the kernel does.

export interface SoftmaxXentRef {
  dLogits: Float32Array;
  rowLoss: Float32Array;
}

export function softmaxXentRef(logits: Float32Array, labels: Uint32Array, B: number, C: number, rows: number, scale: number): SoftmaxXentRef {
  const dLogits = new Float32Array(B * C);
  const rowLoss = new Float32Array(B);
  for (let r = 0; r < Math.min(rows, B); r++) {
    const label = labels[r]!;
    if (label >= C) continue;
    const row = logits.subarray(r * C, (r + 1) * C);
    let mx = -Infinity;
    for (const v of row) mx = Math.max(mx, v);
    let s = 0;
    for (const v of row) s += Math.exp(v - mx);
    for (let c = 0; c < C; c++) dLogits[r * C + c] = (Math.exp(row[c]! - mx) / s - (c === label ? 1 : 0)) * scale;
    rowLoss[r] = mx - row[label]! + Math.log(s);
  }
  return { dLogits, rowLoss };
}
