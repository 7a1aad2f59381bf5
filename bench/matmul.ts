// Dense matmul: ours (each version) vs TF.js WebGPU vs a plain-JS i-k-j loop, GFLOP/s.
import * as tf from '@tensorflow/tfjs-core';
import type { GpuContext } from '../src/gpu/context.js';
import { readBuffer } from '../src/gpu/readback.js';
import { prepareMatmul, pickMatmulVariant, type MatmulVariant } from '../src/kernels/matmul.js';
import { Rng } from '../src/rng.js';
import { log, timeIt } from './util.js';

export interface MatmulRow {
  shape: string;
  M: number;
  K: number;
  N: number;
  variant: MatmulVariant;
  oursGflops: number;
  naiveGflops: number;
  tfjsGflops: number;
  jsGflops: number;
  vsTfjs: number;
  vsJs: number;
}

export function jsMatmul(a: Float32Array, b: Float32Array, c: Float32Array, M: number, K: number, N: number): void {
  c.fill(0);
  for (let i = 0; i < M; i++) {
    const ci = i * N;
    for (let k = 0; k < K; k++) {
      const av = a[i * K + k]!;
      const bk = k * N;
      for (let j = 0; j < N; j++) c[ci + j]! += av * b[bk + j]!;
    }
  }
}

async function timeOurs(ctx: GpuContext, a: GPUBuffer, b: GPUBuffer, c: GPUBuffer, M: number, K: number, N: number, variant: MatmulVariant): Promise<number> {
  const kern = await prepareMatmul(ctx, { M, K, N, a, b, c, variant });
  const ms = await timeIt(async (reps) => {
    const enc = ctx.device.createCommandEncoder({ label: 'bench matmul' });
    const pass = enc.beginComputePass();
    for (let r = 0; r < reps; r++) kern.encode(pass);
    pass.end();
    ctx.device.queue.submit([enc.finish()]);
    await readBuffer(ctx.device, c, 4);
  });
  kern.release();
  return ms;
}

export async function benchMatmul(ctx: GpuContext, shapes: Array<[number, number, number]>): Promise<MatmulRow[]> {
  const rows: MatmulRow[] = [];
  for (const [M, K, N] of shapes) {
    const rng = new Rng(M + K + N);
    const a = rng.uniformArray(M * K);
    const b = rng.uniformArray(K * N);
    const flop = 2 * M * K * N;
    const gf = (ms: number): number => flop / (ms * 1e6);
    const ab = ctx.pool.upload('bench A', a);
    const bb = ctx.pool.upload('bench B', b);
    const cb = ctx.pool.storage('bench C', M * N * 4);
    const variant = pickMatmulVariant({ M, K, N });
    const ours = await timeOurs(ctx, ab, bb, cb, M, K, N, variant);
    const naive = await timeOurs(ctx, ab, bb, cb, M, K, N, 'naive');
    for (const x of [ab, bb, cb]) ctx.pool.release(x);

    const ta = tf.tensor2d(a, [M, K]);
    const tb = tf.tensor2d(b, [K, N]);
    const tfms = await timeIt(async (reps) => {
      let last: tf.Tensor | undefined;
      for (let r = 0; r < reps; r++) {
        last?.dispose();
        last = tf.matMul(ta, tb);
      }
      await last!.data();
      last!.dispose();
    });
    ta.dispose();
    tb.dispose();

    const c = new Float32Array(M * N);
    const jsms = await timeIt(async (reps) => {
      for (let r = 0; r < reps; r++) jsMatmul(a, b, c, M, K, N);
    }, 400, 2);
    const row: MatmulRow = {
      shape: `${M}×${K}×${N}`, M, K, N, variant,
      oursGflops: gf(ours), naiveGflops: gf(naive), tfjsGflops: gf(tfms), jsGflops: gf(jsms),
      vsTfjs: tfms / ours, vsJs: jsms / ours,
    };
    log(`matmul ${row.shape}: ours(${variant}) ${row.oursGflops.toFixed(3)} GFLOP/s, naive ${row.naiveGflops.toFixed(3)}, tfjs ${row.tfjsGflops.toFixed(3)}, js ${row.jsGflops.toFixed(3)}`);
    rows.push(row);
  }
  return rows;
}
