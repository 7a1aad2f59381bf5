// Runs one experiment config (JSON in the page's ?config= parameter) with the lab
// runner on this page's WebGPU adapter, logging rounds, and leaves the report on
// window.__result for scripts/run-experiment.mjs.
import { acquireDevice } from '../src/gpu/device.js';
import { createGpuContext } from '../src/gpu/context.js';
import { loadMnist } from '../src/data/mnist.js';
import { runExperiment, labData } from '../src/lab/run.js';
import { validateConfig } from '../src/lab/config.js';

declare global {
  interface Window {
    __result?: { done: boolean; error?: string; result?: unknown };
  }
}

function log(line: string): void {
  document.getElementById('log')!.textContent += `\n${line}`;
  console.log(`[page] ${line}`);
}

async function main(): Promise<void> {
  const config = validateConfig(JSON.parse(new URLSearchParams(location.search).get('config') ?? 'null'));
  const { device, info } = await acquireDevice();
  const ctx = createGpuContext(device);
  const { train, test } = await loadMnist(location.origin);
  const data = labData(config, train, test);
  log(`adapter ${info.vendor}/${info.architecture}; train ${data.train.n}, validation ${data.validation.n}, test ${data.test.n}`);
  let lastLog = 0;
  const { report, network } = await runExperiment(ctx, info, config, data, {
    onProgress: (p) => {
      if (performance.now() - lastLog > 30000) {
        lastLog = performance.now();
        log(`${p.phase} round ${p.round}/${p.rounds} epoch ${p.epoch + 1} step ${p.step}/${p.stepsPerEpoch} loss ${p.loss.toFixed(4)} ETA ${(p.etaMs / 60000).toFixed(1)} min`);
      }
    },
    onRound: (e) => log(`round ${e.round}: sparsity ${(e.sparsity * 100).toFixed(2)}% accuracy ${(e.accuracy * 100).toFixed(2)}% F1 ${e.macroF1.toFixed(4)} layers ${e.layers.map((l) => `${l.name} ${(l.sparsity * 100).toFixed(1)}%`).join(', ')}`),
  });
  network.destroy();
  window.__result = { done: true, result: report };
}

main().catch((e: unknown) => {
  log(`error: ${String(e)}`);
  window.__result = { done: true, error: e instanceof Error ? `${e.message}\n${e.stack}` : String(e) };
});
