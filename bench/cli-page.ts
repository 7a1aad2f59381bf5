// The page side of the CLI's cross-face checks, on this page's WebGPU adapter:
//   ?mode=predict&n=N  loads the checkpoint at ./cli-model.plck (a file the CLI
//                      saved, served by the driver) and predicts the first N test images;
//   ?mode=run&config=… runs an ExperimentConfig (JSON) through src/lab, as the CLI does.
// Results are left on window.__cli for test/node/helpers/page.mjs.
import { acquireDevice } from '../src/gpu/device.js';
import { createGpuContext } from '../src/gpu/context.js';
import { loadIdxPairFromUrls, loadMnist, mnistUrls } from '../src/data/mnist.js';
import { sliceDataset } from '../src/data/dataset.js';
import { loadNetwork } from '../src/nn/checkpoint.js';
import { predict } from '../src/nn/evaluate.js';
import { labData, runExperiment } from '../src/lab/run.js';

declare global {
  interface Window {
    __cli?: { done: boolean; error?: string; result?: unknown };
  }
}

function log(text: string): void {
  console.log(`[cli-page] ${text}`);
  document.querySelector('#log')!.textContent += `\n${text}`;
}

async function main(): Promise<unknown> {
  const params = new URLSearchParams(location.search);
  const mode = params.get('mode');
  const { device, info } = await acquireDevice();
  const ctx = createGpuContext(device);
  log(`adapter: ${info.vendor} ${info.architecture} ${info.description}`);
  if (mode === 'predict') {
    const n = Number(params.get('n'));
    const res = await fetch(new URL('./cli-model.plck', location.href));
    if (!res.ok) throw new Error(`cli-model.plck: HTTP ${res.status}`);
    const test = await loadIdxPairFromUrls(mnistUrls(location.origin).test);
    const { net } = loadNetwork(ctx, await res.arrayBuffer());
    const predictions = await predict(net, sliceDataset(test, 0, n));
    net.destroy();
    return { adapter: info, predictions: Array.from(predictions) };
  }
  if (mode === 'run') {
    const config: unknown = JSON.parse(params.get('config') ?? 'null');
    const raw = await loadMnist(location.origin);
    const data = labData(config as Parameters<typeof labData>[0], raw.train, raw.test);
    const { report, network } = await runExperiment(ctx, info, config, data, {
      onRound: (e) => log(`round ${e.round}: sparsity ${e.sparsity.toFixed(4)}, accuracy ${(100 * e.accuracy).toFixed(2)}%`),
    });
    network.destroy();
    return { adapter: info, report };
  }
  throw new Error(`mode must be predict or run (got ${JSON.stringify(mode)})`);
}

main().then(
  (result) => (window.__cli = { done: true, result }),
  (e: unknown) => (window.__cli = { done: true, error: e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e) }),
);
