// The real tree engine in a Worker, with failures on cue for the UI's tests: a run
// with seed 901 throws mid-fit (a plain TypeError, as a bug would); seed 902 makes
// the Worker fail with an uncaught error while the call never answers.
import * as Comlink from 'comlink';
import { TreeLabWorker } from '../../src/worker/tree-lab-worker.js';
import type { DatasetSpec, DatasetSummary, LabConfig, LabReport } from '../../src/worker/tree-api.js';

function fault(config: LabConfig): Promise<never> | null {
  if (config.seed === 901) return Promise.reject(new TypeError("Cannot read properties of undefined (reading 'left')"));
  if (config.seed === 902) {
    setTimeout(() => {
      throw new Error('out of memory in fit');
    });
    return new Promise<never>(() => {});
  }
  return null;
}

class FaultyTreeWorker extends TreeLabWorker {
  override runLab(config: LabConfig): Promise<LabReport> {
    return fault(config) ?? super.runLab(config);
  }

  override loadAndRun(spec: DatasetSpec, config: LabConfig): Promise<{ summary: DatasetSummary; report: LabReport }> {
    return fault(config) ?? super.loadAndRun(spec, config);
  }
}

Comlink.expose(new FaultyTreeWorker());
