// The page side of the CLI's cross-face check (test/node/run-cli.test.mjs), on this
// page's WebGPU adapter: ?n=N loads the checkpoint at ./cli-model.plck (a file the
// CLI saved with --save, served by scripts/page-runner.mjs) with the engine's
// loadNetwork and predicts the first N MNIST test images. The predictions are left
// on window.__result.
import { acquireDevice } from '../src/gpu/device.js';
import { createGpuContext } from '../src/gpu/context.js';
import { loadIdxPairFromUrls, mnistUrls } from '../src/data/mnist.js';
import { sliceDataset } from '../src/data/dataset.js';
import { loadNetwork } from '../src/nn/checkpoint.js';
import { predict } from '../src/nn/evaluate.js';

declare global {
  interface Window {
    __result?: { done: boolean; error?: string; result?: unknown };
  }
}

async function main(): Promise<unknown> {
  const n = Number(new URLSearchParams(location.search).get('n'));
  const { device, info } = await acquireDevice();
  const ctx = createGpuContext(device);
  console.log(`[page] adapter ${info.vendor}/${info.architecture}`);
  const res = await fetch(new URL('./cli-model.plck', location.href));
  if (!res.ok) throw new Error(`cli-model.plck: HTTP ${res.status}`);
  const test = await loadIdxPairFromUrls(mnistUrls(location.origin).test);
  const { net } = loadNetwork(ctx, await res.arrayBuffer());
  const predictions = await predict(net, sliceDataset(test, 0, n));
  net.destroy();
  return { adapter: info, predictions: Array.from(predictions) };
}

main().then(
  (result) => (window.__result = { done: true, result }),
  (e: unknown) => (window.__result = { done: true, error: e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e) }),
);
