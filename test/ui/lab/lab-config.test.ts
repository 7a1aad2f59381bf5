// The lab's controls → the engine config, the control an engine error belongs to,
// view lists, and the URL hash encoding.
import { expect } from '@esm-bundle/chai';
import { DEFAULTS, buildConfig, controlOf, parseViews } from '../../../src/ui/lab/lab-config.js';
import { decodeHash, encodeHash } from '../../../src/ui/lab/hash-state.js';
import { validateConfig } from '../../../src/lab/config.js';

describe('lab config', () => {
  it('builds a config the engine accepts from the defaults', () => {
    const r = buildConfig(DEFAULTS);
    expect(r.ok).to.equal(true);
    if (!r.ok) return;
    expect(r.config).to.deep.equal({
      model: 'lenet-300-100',
      dataset: { name: 'mnist' },
      train: { epochs: 2, batchSize: 64, optimizer: { type: 'adam', lr: 0.001 } },
      prune: { method: 'global', schedule: 'iterative', targetSparsity: 0.9, rounds: 3, finetuneEpochs: 1, rewind: false },
      seed: 1,
      subsets: { train: 5000, validation: 1000, test: 2000 },
    });
    expect(() => validateConfig(r.config)).to.not.throw();
  });

  it('parses a custom spec, and names the control when a number or the JSON does not parse', () => {
    const spec = '{"input":{"C":1,"H":28,"W":28},"layers":[{"type":"linear","units":10}]}';
    const ok = buildConfig({ ...DEFAULTS, model: 'custom', modelSpec: spec, trainSamples: null, rewind: 0 });
    expect(ok.ok && ok.config.model).to.deep.equal(JSON.parse(spec));
    expect(ok.ok && ok.config.subsets).to.deep.equal({ validation: 1000, test: 2000 });
    expect(ok.ok && ok.config.prune.rewind).to.equal(0);
    const nan = buildConfig({ ...DEFAULTS, seed: NaN });
    expect(nan).to.deep.equal({ ok: false, error: { code: 'invalid-config', field: 'seed', message: 'seed must be a number (got NaN)' } });
    const json = buildConfig({ ...DEFAULTS, model: 'custom', modelSpec: '{ layers' });
    expect(!json.ok && json.error.field).to.equal('model-spec');
    expect(!json.ok && json.error.message).to.match(/^model-spec must be JSON \(/);
    const none = buildConfig({ ...DEFAULTS, model: 'custom', modelSpec: null });
    expect(!none.ok && none.error.message).to.equal("model-spec must be a JSON model spec when model is 'custom' (got null)");
  });

  it('maps engine fields to controls', () => {
    const attr = (f: string): string | undefined => controlOf(f)?.attr;
    expect(['prune.targetSparsity', 'train.optimizer.lr', 'train.optimizer.type', 'subsets.test', 'trainSubset', 'model', 'model.layers[2].units', 'prune.gradualEvery', 'seed', 'rewind', 'nothing']
      .map(attr)).to.deep.equal(['target-sparsity', 'learning-rate', 'optimizer', 'test-samples', 'train-samples', 'model', 'model-spec', 'rounds', 'seed', 'rewind', undefined]);
  });

  it('parses view lists', () => {
    expect(parseViews(null)).to.deep.equal({ views: ['curves', 'sparsity', 'latency', 'layers', 'mask', 'confusion', 'metrics', 'size', 'pad', 'runs'] });
    expect(parseViews('pad, curves  runs')).to.deep.equal({ views: ['pad', 'curves', 'runs'] });
    expect(parseViews('pad,chart')).to.deep.equal({ error: 'views must be a list of curves, sparsity, latency, layers, mask, confusion, metrics, size, pad, runs (got "chart")' });
  });

  it('encodes and decodes the URL hash', () => {
    const h = encodeHash([['method', 'random'], ['train-samples', ''], ['model-spec', '{"a": [1, 2]}']]);
    expect(h).to.equal('#method=random&train-samples=&model-spec=%7B%22a%22%3A+%5B1%2C+2%5D%7D');
    expect(decodeHash(h)).to.deep.equal([['method', 'random'], ['train-samples', ''], ['model-spec', '{"a": [1, 2]}']]);
    expect(decodeHash('#a=1&b&a=2')).to.deep.equal([['a', '2'], ['b', '']]);
    expect(encodeHash([])).to.equal('');
  });
});
