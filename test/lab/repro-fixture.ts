// Shared by run-lottery.test.ts and run-early-stop.test.ts: a small MLP on real MNIST
// subsets, the config they vary, and a helper that returns a config's refusal.
import { loadMnist } from '../../src/data/mnist.js';
import type { ImageDataset } from '../../src/data/dataset.js';
import { labData, type LabData } from '../../src/lab/run.js';
import { validateConfig, type ExperimentConfig } from '../../src/lab/config.js';
import type { ModelSpec } from '../../src/nn/spec.js';
import { PruneLabError } from '../../src/errors.js';

export const ADAPTER = { vendor: 'test', architecture: 'test', description: '', backend: 'browser' };
export const SMALL: ModelSpec = { input: { C: 1, H: 28, W: 28 }, layers: [{ type: 'linear', units: 32 }, { type: 'relu' }, { type: 'linear', units: 16 }, { type: 'relu' }, { type: 'linear', units: 10 }] };
let raw: { train: ImageDataset; test: ImageDataset } | undefined;

export function base(prune: Partial<ExperimentConfig['prune']> = {}, train: Partial<ExperimentConfig['train']> = {}): ExperimentConfig {
  return {
    model: SMALL,
    dataset: { name: 'mnist' },
    train: { epochs: 1, batchSize: 50, optimizer: { type: 'adam', lr: 2e-3 }, ...train },
    prune: { schedule: 'iterative', targetSparsity: 0.75, rounds: 2, finetuneEpochs: 1, ...prune },
    seed: 5,
    subsets: { train: 1000, validation: 200, test: 500 },
  };
}

export async function setup(config: ExperimentConfig): Promise<LabData> {
  raw ??= await loadMnist(location.origin);
  return labData(config, raw.train, raw.test);
}

export function refusal(raw: unknown): PruneLabError {
  try {
    validateConfig(raw);
  } catch (e) {
    if (e instanceof PruneLabError) return e;
    throw e;
  }
  throw new Error('accepted');
}
