// Exact top-k magnitude threshold: ours (GPU radix select, masks written) vs sorting
// |w| with Float32Array.prototype.sort vs tf.topk on the WebGPU backend.
import * as tf from '@tensorflow/tfjs-core';
import type { GpuContext } from '../src/gpu/context.js';
import { prepareTopk } from '../src/kernels/topk.js';
import { writeView } from '../src/gpu/buffers.js';
import { packMask, pruneCount } from '../src/ref/mask.js';
import { Rng } from '../src/rng.js';
import { log, timeIt } from './util.js';

export interface TopkRow {
  n: number;
  layers: number[];
  sparsity: number;
  oursMs: number;
  jsSortMs: number;
  tfjsTopkMs: number | null;
  tfjsError?: string;
  vsJsSort: number;
  vsTfjs: number | null;
  thresholdsAgree: boolean;
}

export async function benchTopk(ctx: GpuContext, cases: Array<{ layers: number[]; sparsity: number }>): Promise<TopkRow[]> {
  const rows: TopkRow[] = [];
  for (const { layers: sizes, sparsity } of cases) {
    const rng = new Rng(sizes.length);
    const layers = sizes.map((n) => Float32Array.from({ length: n }, () => rng.normal() * 0.05));
    const n = sizes.reduce((s, x) => s + x, 0);
    const k = pruneCount(sparsity, n);
    const bufs = layers.map((w, i) => ({ weights: ctx.pool.upload(`bench w${i}`, w), mask: ctx.pool.upload(`bench m${i}`, packMask(new Uint8Array(w.length).fill(1))), n: w.length }));
    const plan = await prepareTopk(ctx, bufs, 'global');
    let ourThreshold = 0;
    // Each repetition starts from all-ones masks so that it does the same work.
    const ones = bufs.map((b) => packMask(new Uint8Array(b.n).fill(1)));
    const oursMs = await timeIt(async (reps) => {
      for (let r = 0; r < reps; r++) {
        bufs.forEach((b, i) => writeView(ctx.device, b.mask, ones[i]!));
        plan.setK([k]);
        const enc = ctx.device.createCommandEncoder({ label: 'bench topk' });
        const pass = enc.beginComputePass();
        plan.encode(pass);
        pass.end();
        ctx.device.queue.submit([enc.finish()]);
        ourThreshold = (await plan.readResult()).thresholds[0]!;
      }
    }, 1500, 3);
    plan.release();
    for (const b of bufs) {
      ctx.pool.release(b.weights);
      ctx.pool.release(b.mask);
    }

    let sortThreshold = 0;
    const jsSortMs = await timeIt(async (reps) => {
      for (let r = 0; r < reps; r++) {
        const abs = new Float32Array(n);
        let o = 0;
        for (const l of layers) for (let i = 0; i < l.length; i++) abs[o++] = Math.abs(l[i]!);
        abs.sort();
        sortThreshold = abs[k - 1]!;
      }
    }, 1500, 3);

    let tfjsTopkMs: number | null = null;
    let tfjsError: string | undefined;
    try {
      const all = new Float32Array(n);
      let o = 0;
      for (const l of layers) all.set(l, (o += l.length) - l.length);
      const t = tf.tensor1d(all);
      const keep = n - k;
      tfjsTopkMs = await timeIt(async (reps) => {
        for (let r = 0; r < reps; r++) {
          const res = tf.tidy(() => {
            const { values } = tf.topk(tf.abs(t), keep);
            return tf.slice(values, [keep - 1], [1]);
          });
          await res.data();
          res.dispose();
        }
      }, 1500, 3);
      t.dispose();
    } catch (e) {
      tfjsError = String(e);
    }
    const row: TopkRow = {
      n, layers: sizes, sparsity, oursMs, jsSortMs, tfjsTopkMs, vsJsSort: jsSortMs / oursMs,
      vsTfjs: tfjsTopkMs === null ? null : tfjsTopkMs / oursMs, thresholdsAgree: ourThreshold === sortThreshold,
      ...(tfjsError ? { tfjsError } : {}),
    };
    log(`topk n=${n}: ours ${oursMs.toFixed(1)} ms, js sort ${jsSortMs.toFixed(1)} ms, tf.topk ${tfjsTopkMs?.toFixed(1) ?? tfjsError}`);
    rows.push(row);
  }
  return rows;
}
