// The benchmark page: runs each comparison on this page's adapter and leaves the
// results on window.__result for scripts/bench.mjs (through scripts/page-runner.mjs) to print.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-webgpu';
import { acquireDevice } from '../src/gpu/device.js';
import { createGpuContext } from '../src/gpu/context.js';
import { benchMatmul } from './matmul.js';
import { benchTopk } from './topk.js';
import { benchTrainThroughput, benchAccuracy } from './train.js';
import { benchLatency } from './latency.js';
import { benchTraining } from './training.js';
import { formatLatency } from '../src/infer/bench-format.js';
import { log } from './util.js';

declare global {
  interface Window {
    __result?: { done: boolean; error?: string; result?: unknown };
  }
}

async function main(): Promise<void> {
  const params = new URLSearchParams(location.search);
  const only = params.get('only')?.split(',') ?? ['matmul', 'topk', 'train'];
  const { device, info } = await acquireDevice();
  const ctx = createGpuContext(device);
  await tf.setBackend('webgpu');
  await tf.ready();
  log(`adapter: ${info.vendor} ${info.architecture} ${info.description}; tfjs backend ${tf.getBackend()}`);
  const result: Record<string, unknown> = {
    adapter: info,
    userAgent: navigator.userAgent,
    timing: 'wall-clock from submit to results on the CPU (a small readback), median of 3 samples, repeats sized to ~0.6 s',
  };
  if (only.includes('matmul')) {
    result.matmul = await benchMatmul(ctx, [[64, 784, 300], [64, 300, 100], [256, 256, 256], [512, 512, 512]]);
  }
  if (only.includes('topk')) {
    result.topk = await benchTopk(ctx, [
      { layers: [784 * 300, 300 * 100, 100 * 10], sparsity: 0.9 },
      { layers: [1_000_000, 1_000_000, 1_000_000, 1_000_000], sparsity: 0.9 },
    ]);
  }
  if (only.includes('train')) {
    result.train = await benchTrainThroughput(ctx, Number(params.get('steps') ?? 40));
  }
  if (only.includes('training')) {
    result.training = await benchTraining(ctx, {
      ...(params.get('steps') ? { steps: Number(params.get('steps')) } : {}), ...(params.get('model') ? { model: params.get('model')! } : {}),
      profile: params.get('profile') !== '0', tfjs: params.get('tfjs') !== '0',
    });
  }
  if (only.includes('accuracy')) {
    const model = params.get('model') ?? 'lenet-300-100';
    result.accuracy = await benchAccuracy(ctx, {
      model, epochs: Number(params.get('epochs') ?? (model === 'lenet-5' ? 12 : 15)),
      ...(params.get('train-samples') ? { trainSamples: Number(params.get('train-samples')) } : {}), seed: Number(params.get('seed') ?? 1),
    });
  }
  if (only.includes('latency')) {
    const models = params.get('model') ? [params.get('model')!] : ['lenet-300-100', 'lenet-5'];
    const latency = await benchLatency(ctx, {
      models, epochs: Number(params.get('epochs') ?? 1), seed: Number(params.get('seed') ?? 1), frames: Number(params.get('frames') ?? 200),
      sparsities: (params.get('sparsities') ?? '0,0.5,0.8,0.9,0.95,0.98').split(',').map(Number),
      ...(params.get('train-samples') ? { trainSamples: Number(params.get('train-samples')) } : {}),
    });
    result.latency = latency;
    // The table, formatted here by the engine's formatter (the same as `prune-lab bench`'s); printed by scripts/bench.mjs.
    result.latencyText = formatLatency(latency, info);
  }
  window.__result = { done: true, result };
}

main().catch((e: unknown) => {
  log(`error: ${String(e)}`);
  window.__result = { done: true, error: e instanceof Error ? `${e.message}\n${e.stack}` : String(e) };
});
