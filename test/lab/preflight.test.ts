// checkRun, the preflight of a run: every check whose inputs are known before
// training (config, data sizes, adapter limits), each refusal naming its field.
// No GPU: the data is given by its sizes alone.
import { expect } from '@esm-bundle/chai';
import { calibrationSize, checkRun, type RunDataShape } from '../../src/lab/preflight.js';
import { validateConfig, type ExperimentConfig } from '../../src/lab/config.js';
import type { ModelSpec } from '../../src/nn/spec.js';
import { PruneLabError } from '../../src/errors.js';

const SMALL: ModelSpec = { input: { C: 1, H: 28, W: 28 }, layers: [{ type: 'linear', units: 32 }, { type: 'relu' }, { type: 'linear', units: 16 }, { type: 'relu' }, { type: 'linear', units: 10 }] };
const DATA: RunDataShape = { train: { n: 1000, shape: { C: 1, H: 28, W: 28 }, numClasses: 10 }, validation: { n: 200 }, test: { n: 500 } };
const LIMITS = { maxStorageBufferBindingSize: 2 ** 30, maxBufferSize: 2 ** 30, maxComputeWorkgroupsPerDimension: 65535 };

function base(): ExperimentConfig {
  return {
    model: SMALL,
    dataset: { name: 'mnist' },
    train: { epochs: 1, batchSize: 50, optimizer: { type: 'adam', lr: 1e-3 } },
    prune: { method: 'global', schedule: 'iterative', targetSparsity: 0.9, rounds: 2, finetuneEpochs: 1 },
    seed: 3,
  };
}

function refusal(fn: () => unknown): PruneLabError {
  try {
    fn();
  } catch (e) {
    if (e instanceof PruneLabError) return e;
    throw e;
  }
  throw new Error('accepted');
}

describe('checkRun', () => {
  it('refuses a gradual run whose updates do not fit its fine-tune steps (20 steps; 4 × 10 given, or too many rounds for the default Δt)', () => {
    const given = refusal(() => checkRun({ ...base(), prune: { method: 'global', schedule: 'gradual', targetSparsity: 0.75, rounds: 4, finetuneEpochs: 1, gradualEvery: 10 } }, DATA));
    expect([given.code, given.field]).to.deep.equal(['invalid-config', 'prune.gradualEvery']);
    expect(given.message).to.contain('20 fine-tune steps');
    expect(refusal(() => checkRun({ ...base(), prune: { method: 'global', schedule: 'gradual', targetSparsity: 0.75, rounds: 30, finetuneEpochs: 1 } }, DATA)).field).to.equal('prune.rounds');
    expect(refusal(() => checkRun({ ...base(), prune: { method: 'global', schedule: 'gradual', targetSparsity: 0.75, rounds: 2, finetuneEpochs: 1, gradualStart: 25 } }, DATA)).field).to.equal('prune.gradualStart');
    // 4 × 5 = 20 fits exactly.
    expect(checkRun({ ...base(), prune: { method: 'global', schedule: 'gradual', targetSparsity: 0.75, rounds: 4, finetuneEpochs: 1, gradualEvery: 5 } }, DATA).prune.gradualEvery).to.equal(5);
  });

  it('refuses each config that the data sizes or the adapter limits rule out, by field', () => {
    const cases: Array<[unknown, RunDataShape, string]> = [
      [base(), { ...DATA, train: { ...DATA.train, shape: { C: 3, H: 28, W: 28 } } }, 'model'],
      [base(), { ...DATA, train: { ...DATA.train, numClasses: 12 } }, 'model'],
      [{ ...base(), train: { ...base().train, batchSize: 1001 } }, DATA, 'train.batchSize'],
      [{ ...base(), prune: { ...base().prune, rewind: 21 } }, DATA, 'prune.rewind'],
      [{ ...base(), evaluateOn: 'validation' }, { ...DATA, validation: { n: 0 } }, 'evaluateOn'],
      [base(), { ...DATA, test: { n: 0 } }, 'evaluateOn'],
      [{ ...base(), prune: { ...base().prune, method: 'random', schedule: 'gradual' } }, DATA, 'prune.schedule'],
      // Structured: 16 units at 0.97 leave none; a layer's own ratio; nothing left to take units from; a global pool that must empty a layer.
      [{ ...base(), prune: { method: 'structured', scope: 'local', schedule: 'oneshot', targetSparsity: 0.97, rounds: 1, finetuneEpochs: 1 } }, DATA, 'prune.targetSparsity'],
      [{ ...base(), prune: { method: 'structured', scope: 'local', schedule: 'oneshot', targetSparsity: 0.5, rounds: 1, finetuneEpochs: 1, layers: { fc1: { sparsity: 0.99 } } } }, DATA, 'prune.layers.fc1.sparsity'],
      [{ ...base(), prune: { method: 'structured', schedule: 'oneshot', targetSparsity: 0.5, rounds: 1, finetuneEpochs: 1, layers: { fc1: { exclude: true }, fc2: { exclude: true } } } }, DATA, 'prune.layers'],
      [{ ...base(), model: { input: { C: 1, H: 28, W: 28 }, layers: [{ type: 'linear', units: 10 }] }, prune: { method: 'structured', schedule: 'oneshot', targetSparsity: 0.5, rounds: 1, finetuneEpochs: 1 } }, DATA, 'prune.method'],
      [{ ...base(), prune: { method: 'structured', scope: 'global', schedule: 'oneshot', targetSparsity: 0.97, rounds: 1, finetuneEpochs: 1 } }, DATA, 'prune.targetSparsity'],
    ];
    for (const [config, data, field] of cases) {
      const e = refusal(() => checkRun(config, data));
      expect(e.field, e.message).to.equal(field);
      expect(e.code).to.equal('invalid-config');
    }
    // fc1's weights (784 × 32 × 4 bytes) over a 64 KiB binding limit.
    const small = { ...LIMITS, maxStorageBufferBindingSize: 65536 };
    const limited = refusal(() => checkRun(base(), DATA, small));
    expect(limited.field).to.match(/^model/);
    expect(limited.message).to.contain('fc1');
    expect(checkRun(base(), DATA, LIMITS).prune.scope).to.equal('global');
  });

  it('validates prune.keptCounts: method random, one row per round, one count per layer, integers within the layer, non-increasing', () => {
    const rnd = (keptCounts: unknown, extra: Partial<ExperimentConfig['prune']> = {}): unknown => ({ ...base(), prune: { ...base().prune, method: 'random', keptCounts, ...extra } });
    const ok = [[5000, 400, 120], [2500, 300, 100]];
    expect(checkRun(rnd(ok), DATA).prune.keptCounts).to.deep.equal(ok);
    const cases: Array<[unknown, string]> = [
      [{ ...base(), prune: { ...base().prune, keptCounts: ok } }, 'prune.keptCounts'],
      [rnd([[5000, 400, 120]]), 'prune.keptCounts'],
      [rnd('5000'), 'prune.keptCounts'],
      [rnd([[5000, 400], [2500, 300]]), 'prune.keptCounts[0]'],
      [rnd([[5000, 400, 120.5], [2500, 300, 100]]), 'prune.keptCounts[0][2]'],
      [rnd([[25089, 400, 120], [2500, 300, 100]]), 'prune.keptCounts[0][0]'],
      [rnd([[5000, 400, 120], [2500, 401, 100]]), 'prune.keptCounts[1][1]'],
      [rnd([[5000, 400, -1], [2500, 300, 100]]), 'prune.keptCounts[0][2]'],
      [rnd([[5000, 400, 160], [2500, 300, 159]], { layers: { fc3: { exclude: true } } }), 'prune.keptCounts[1][2]'],
      [rnd([[5000, 400, 120]], { schedule: 'oneshot', rounds: 1, keptCounts: [[5000, 400, 120], [1, 1, 1]] }), 'prune.keptCounts'],
    ];
    for (const [config, field] of cases) {
      const e = refusal(() => checkRun(config, DATA));
      expect(e.field, e.message).to.equal(field);
    }
  });

  it('sizes the calibration subset (default 1024 or the training rows; batch train.batchSize or the samples) and refuses more rows than the training split', () => {
    const cfg = (prune: Partial<ExperimentConfig['prune']>): ExperimentConfig => ({ ...base(), prune: { schedule: 'oneshot', targetSparsity: 0.5, rounds: 1, finetuneEpochs: 1, ...prune } });
    const big: RunDataShape = { ...DATA, train: { ...DATA.train, n: 5000 } };
    expect(calibrationSize(checkRun(cfg({ criterion: 'lamp' }), DATA), DATA)).to.equal(null);
    expect(calibrationSize(validateConfig(cfg({ criterion: 'wanda' })), DATA)).to.deep.equal({ samples: 1000, batchSize: 50 });
    expect(calibrationSize(validateConfig(cfg({ criterion: 'taylor' })), big)).to.deep.equal({ samples: 1024, batchSize: 50 });
    expect(calibrationSize(validateConfig(cfg({ criterion: 'snip', calibration: { samples: 20 } })), DATA)).to.deep.equal({ samples: 20, batchSize: 20 });
    expect(calibrationSize(validateConfig(cfg({ criterion: 'sparsegpt', calibration: { samples: 256, batchSize: 64 } })), DATA)).to.deep.equal({ samples: 256, batchSize: 64 });
    const e = refusal(() => checkRun(cfg({ criterion: 'wanda', calibration: { samples: 1001 } }), DATA));
    expect([e.code, e.field]).to.deep.equal(['invalid-config', 'prune.calibration.samples']);
    expect(e.message).to.contain('at most the 1000 training rows');
  });

  it('refuses N:M groups that do not tile a layer\'s inputs, naming prune.nm.m and the layer (an excluded layer is not checked)', () => {
    const nm = (m: number, layers?: ExperimentConfig['prune']['layers']): ExperimentConfig => ({ ...base(), model: 'lenet-300-100', prune: { granularity: 'nm', nm: { n: 1, m }, schedule: 'oneshot', targetSparsity: 1 - 1 / m, rounds: 1, finetuneEpochs: 1, ...(layers ? { layers } : {}) } });
    // lenet-300-100: fc1 784 inputs, fc2 300, fc3 100. m = 8 fails at fc2 (300 = 37·8 + 4).
    const e = refusal(() => checkRun(nm(8), DATA));
    expect([e.code, e.field]).to.deep.equal(['invalid-config', 'prune.nm.m']);
    expect(e.message).to.contain('fc2 has 300');
    expect(e.message).to.contain('prune.layers.fc2.exclude');
    // fc3 (100 inputs) is next once fc2 is excluded.
    expect(refusal(() => checkRun(nm(8, { fc2: { exclude: true } }), DATA)).message).to.contain('fc3 has 100');
    // lenet-5's conv1 has C·k·k = 25 inputs per filter.
    const conv = refusal(() => checkRun({ ...nm(4), model: 'lenet-5' }, DATA));
    expect([conv.field, conv.message.includes('conv1 has 25 (C·k·k)')]).to.deep.equal(['prune.nm.m', true]);
  });

  it("checks the calibration batch against the adapter's limits too, naming prune.calibration.batchSize", () => {
    // The largest buffer takes 3,136 bytes a row (784 i32): the 500-row evaluation batch fits 2 MB, a 1,000-row calibration batch does not.
    const tight = { ...LIMITS, maxStorageBufferBindingSize: 2e6, maxBufferSize: 2e6 };
    const cfg = (calibration: ExperimentConfig['prune']['calibration']): ExperimentConfig => ({ ...base(), prune: { criterion: 'wanda', schedule: 'oneshot', targetSparsity: 0.5, rounds: 1, finetuneEpochs: 1, calibration } });
    expect(checkRun(cfg({ samples: 1000, batchSize: 500 }), DATA, tight).prune.calibration).to.deep.equal({ samples: 1000, batchSize: 500 });
    const e = refusal(() => checkRun(cfg({ samples: 1000, batchSize: 1000 }), DATA, tight));
    expect([e.code, e.field]).to.deep.equal(['invalid-config', 'prune.calibration.batchSize']);
    expect(e.message).to.match(/^prune\.calibration\.batchSize 1000: .*over this adapter's max\w+ of 2000000 bytes/);
  });
});
