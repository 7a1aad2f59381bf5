// validateConfig refuses fields it does not know, at every level, by their path: a typo
// such as `Units` or a key like `toString` must not be ignored silently.
import { expect } from '@esm-bundle/chai';
import { validateConfig, type ExperimentConfig } from '../../src/lab/config.js';
import { refusal } from '../helpers/errors.js';

const base = (): ExperimentConfig => ({
  model: 'lenet-300-100',
  dataset: { name: 'mnist' },
  train: { epochs: 1, batchSize: 64, optimizer: { type: 'adam', lr: 1e-3 }, schedule: { type: 'cosine', minLr: 1e-5 } },
  prune: { method: 'global', schedule: 'iterative', targetSparsity: 0.9, rounds: 3, finetuneEpochs: 1 },
  seed: 1,
  subsets: { train: 1000 },
});

/** Sets `path` (dot-separated) in a plain copy of the base config. */
function edited(path: string, value: unknown): unknown {
  const c = JSON.parse(JSON.stringify(base())) as Record<string, unknown>;
  const keys = path.split('.');
  let o = c;
  for (const k of keys.slice(0, -1)) o = o[k] as Record<string, unknown>;
  Object.defineProperty(o, keys.at(-1)!, { value, enumerable: true, configurable: true, writable: true });
  return c;
}

describe('validateConfig: unknown and misplaced fields', () => {
  it('accepts the base config and every committed experiment shape', () => {
    expect(validateConfig(base()).prune.scope).to.equal('global');
  });

  const cases: [string, string, unknown, string][] = [
    ['a top-level typo', 'Units', 3, 'Units'],
    ['an own toString in train', 'train.toString', 1, 'train.toString'],
    ['subsets as an array', 'subsets', [], 'subsets'],
    ['subsets.constructor', 'subsets.constructor', 5, 'subsets.constructor'],
    ['momentum on adam', 'train.optimizer.momentum', 0.9, 'train.optimizer.momentum'],
    ['gamma on a cosine schedule', 'train.schedule.gamma', 0.5, 'train.schedule.gamma'],
    ['an unknown prune field', 'prune.sparsity', 0.5, 'prune.sparsity'],
    ['a label on the mnist dataset', 'dataset.label', 'x', 'dataset.label'],
    ['a prototype key as preset name', 'model', 'constructor', 'model'],
    ['prune.layers as an array', 'prune.layers', [], 'prune.layers'],
  ];
  for (const [what, path, value, field] of cases) {
    it(`refuses ${what}, naming ${field}`, async () => {
      const e = await refusal(() => validateConfig(edited(path, value)));
      expect(e.code).to.equal('invalid-config');
      expect(e.field, e.message).to.equal(field);
      expect(e.message).to.contain(field);
    });
  }
});
