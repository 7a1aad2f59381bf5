// CPU oracle for the matmul kernels: C = op(A)·op(B) [+ bias] [ReLU], optional mask on B.

export interface MatmulRefOptions {
  transA?: boolean;
  transB?: boolean;
  bias?: Float32Array | undefined;
  relu?: boolean;
  /** One byte per element of B's storage layout (or of C, with maskOn 'c'); 0 = pruned. */
  mask?: Uint8Array | undefined;
  maskOn?: 'b' | 'c';
}

export function matmulRef(a: Float32Array, b: Float32Array, M: number, K: number, N: number, o: MatmulRefOptions = {}): Float32Array {
  const c = new Float32Array(M * N);
  for (let m = 0; m < M; m++) {
    for (let n = 0; n < N; n++) {
      let s = 0;
      for (let k = 0; k < K; k++) {
        const ai = o.transA ? k * M + m : m * K + k;
        const bi = o.transB ? n * K + k : k * N + n;
        const bv = o.maskOn !== 'c' && o.mask && o.mask[bi] === 0 ? 0 : b[bi]!;
        s += a[ai]! * bv;
      }
      if (o.bias) s += o.bias[n]!;
      if (o.relu) s = Math.max(s, 0);
      if (o.maskOn === 'c' && o.mask && o.mask[m * N + n] === 0) s = 0;
      c[m * N + n] = s;
    }
  }
  return c;
}
