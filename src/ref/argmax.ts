// CPU oracle for argmax: per-row argmax (ties → lowest class), and the counts the
// kernel accumulates: counts[0] = correct, counts[1 + t·C + q] = confusion
// (row t = true label, column q = prediction). Labels ≥ C are not counted.

export function argmaxRef(logits: Float32Array, rows: number, C: number): Uint32Array {
  const pred = new Uint32Array(rows);
  for (let r = 0; r < rows; r++) {
    let best = logits[r * C]!;
    let q = 0;
    for (let c = 1; c < C; c++) {
      const v = logits[r * C + c]!;
      if (v > best) {
        best = v;
        q = c;
      }
    }
    pred[r] = q;
  }
  return pred;
}

/** Adds the counts of one batch into `counts` (C·C + 1 words), as the kernel does. */
export function accumulateCountsRef(counts: Uint32Array, pred: Uint32Array, labels: Uint32Array, C: number): void {
  for (let r = 0; r < pred.length; r++) {
    const t = labels[r]!;
    const q = pred[r]!;
    if (t >= C) continue;
    if (t === q) counts[0]!++;
    counts[1 + t * C + q]!++;
  }
}
