// Mask layout, shared by the kernels, the engine and the CPU oracles: one byte per
// weight (1 = kept, 0 = pruned), four bytes to a u32 word, byte j of word i =
// weight 4i+j; and the pruned count a sparsity means.

/** Bytes of a packed mask for n weights (whole u32 words). */
export function maskBytes(n: number): number {
  return Math.ceil(n / 4) * 4;
}

/** A copy of `mask` padded to whole u32 words, ready to upload. */
export function packMask(mask: Uint8Array): Uint8Array {
  const out = new Uint8Array(maskBytes(mask.length));
  out.set(mask);
  return out;
}

/** k = round(s·N): the number of weights that sparsity s prunes out of N. */
export function pruneCount(sparsity: number, n: number): number {
  return Math.round(sparsity * n);
}

/** Unpacks the first n bytes of a packed mask. */
export function unpackMask(words: ArrayBuffer, n: number): Uint8Array {
  return new Uint8Array(words.slice(0, n));
}
