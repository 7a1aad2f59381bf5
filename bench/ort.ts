// ONNX Runtime Web as a latency peer: the exported dense model and the exported
// shrunk one (50% of hidden units removed by L1 norm, as ours 'structured' row) on
// ORT-web's 'wasm' and 'webgpu' execution providers, in this page, on the same test
// images and frame definition as ours and TF.js (one image to a class on the CPU:
// the session's output is read back to the CPU by default). A provider that fails to
// create a session or to run records its error instead of figures.
import * as ort from 'onnxruntime-web';
import { encodeOnnx } from '../src/onnx/export.js';
import { planModel, type ModelSpec } from '../src/nn/spec.js';
import type { LayerValues } from '../src/nn/network.js';
import type { ImageDataset } from '../src/data/dataset.js';
import { measureFrames } from '../src/metrics/latency.js';
import { agreement } from '../src/infer/compare.js';
import type { OrtLatency } from '../src/infer/bench.js';
import { log } from './util.js';

export const ORT_PROVIDERS = ['wasm', 'webgpu'] as const;

function argmaxRows(y: Float32Array, C: number): Uint32Array {
  const out = new Uint32Array(y.length / C);
  for (let r = 0; r < out.length; r++) {
    let best = 0;
    for (let c = 1; c < C; c++) if (y[r * C + c]! > y[r * C + best]!) best = c;
    out[r] = best;
  }
  return out;
}

/**
 * Times each model on each provider. `ours` is our dense path's classes on `test`
 * (ORT's classes are compared with them); accuracy is against the test labels.
 */
export async function benchOrt(
  models: Array<{ model: 'dense' | 'shrunk'; spec: ModelSpec; values: LayerValues[] }>,
  test: ImageDataset, frames: number, ours: Uint32Array,
): Promise<OrtLatency[]> {
  // The .wasm files as Vite serves them from the package (the bundle's own URL is lost to pre-bundling).
  ort.env.wasm.wasmPaths = new URL('/node_modules/onnxruntime-web/dist/', location.origin).href;
  ort.env.wasm.numThreads = 1; // no SharedArrayBuffer without cross-origin isolation
  const { C, H, W } = test.shape;
  const D = C * H * W;
  const n = test.n;
  const out: OrtLatency[] = [];
  for (const m of models) {
    const bytes = encodeOnnx({ spec: m.spec, values: m.values }, { form: m.model });
    const classes = planModel(m.spec).classes;
    for (const ep of ORT_PROVIDERS) {
      const t0 = performance.now();
      let session: ort.InferenceSession | undefined;
      try {
        session = await ort.InferenceSession.create(bytes, { executionProviders: [ep] });
        const createMs = performance.now() - t0;
        const s = session;
        const run = async (x: Float32Array, rows: number): Promise<Float32Array> => {
          const r = await s.run({ input: new ort.Tensor('float32', x, [rows, C, H, W]) });
          return (await r.logits!.getData()) as Float32Array;
        };
        const lat = await measureFrames(async (i) => argmaxRows(await run(test.images.slice((i % n) * D, (i % n + 1) * D), 1), classes), { frames });
        const pred = argmaxRows(await run(test.images.slice(0, n * D), n), classes);
        let correct = 0;
        for (let i = 0; i < n; i++) if (pred[i] === test.labels[i]) correct++;
        const row: OrtLatency = {
          ep, model: m.model, bytes: bytes.length, createMs, firstFrameMs: lat.firstFrameMs, p50Ms: lat.p50, p95Ms: lat.p95,
          accuracy: correct / n, agreeWithOursDense: agreement(pred, ours),
        };
        log(`latency ort-web ${ep} ${m.model}: p50 ${lat.p50.toFixed(2)} ms, p95 ${lat.p95.toFixed(2)} ms (session ${createMs.toFixed(0)} ms, first frame ${lat.firstFrameMs.toFixed(1)} ms)`);
        out.push(row);
      } catch (e) {
        const error = e instanceof Error ? e.message : String(e);
        log(`latency ort-web ${ep} ${m.model}: failed: ${error}`);
        out.push({ ep, model: m.model, bytes: bytes.length, error });
      } finally {
        await session?.release();
      }
    }
  }
  return out;
}
