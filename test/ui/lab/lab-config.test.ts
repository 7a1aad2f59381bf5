// The lab's controls → the engine config, the control an engine error belongs to,
// view lists, and the URL hash encoding.
import { expect } from '@esm-bundle/chai';
import { DEFAULTS, METHOD_NAMES, buildConfig, controlOf, criterionOptions, formatLayerSparsity, formatLrSchedule, parseLayerSparsity, parseLrSchedule, parseNm, parseViews, type LabControls } from '../../../src/ui/lab/lab-config.js';
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
      prune: { schedule: 'iterative', targetSparsity: 0.9, rounds: 3, finetuneEpochs: 1, rewind: false },
      seed: 1,
      subsets: { train: 5000, validation: 1000, test: 2000 },
    });
    const p = validateConfig(r.config).prune;
    expect([p.granularity, p.criterion, p.scope, p.when, p.method]).to.deep.equal(['weight', 'magnitude', 'global', 'after', undefined]);
  });

  it('puts each axis into the config when it is not its default', () => {
    const prune = (c: Partial<LabControls>): Record<string, unknown> => {
      const r = buildConfig({ ...DEFAULTS, ...c });
      if (!r.ok) throw new Error(r.error.message);
      return r.config.prune as unknown as Record<string, unknown>;
    };
    const rest = { schedule: 'iterative', targetSparsity: 0.9, rounds: 3, finetuneEpochs: 1, rewind: false };
    expect(prune({ granularity: 'unit', criterion: 'taylor' })).to.deep.equal({ granularity: 'unit', criterion: 'taylor', ...rest });
    expect(prune({ criterion: 'lamp', scope: 'local' })).to.deep.equal({ criterion: 'lamp', scope: 'local', ...rest });
    expect(prune({ when: 'init', schedule: 'oneshot', finetuneEpochs: 0, criterion: 'snip' }))
      .to.deep.equal({ criterion: 'snip', when: 'init', schedule: 'oneshot', targetSparsity: 0.9, rounds: 1, finetuneEpochs: 0, rewind: false });
    // N:M: the pattern, and no target sparsity (the engine fills in 1 − N/M); the pattern is ignored for other granularities.
    expect(prune({ granularity: 'nm', nm: '4:8', criterion: 'wanda', schedule: 'oneshot' }))
      .to.deep.equal({ granularity: 'nm', criterion: 'wanda', nm: { n: 4, m: 8 }, schedule: 'oneshot', rounds: 1, finetuneEpochs: 1, rewind: false });
    expect(prune({ nm: '1:4' })).to.deep.equal(rest);
    expect(prune({ calibrationSamples: 256, criterion: 'taylor' })).to.deep.equal({ criterion: 'taylor', calibration: { samples: 256 }, ...rest });
    const nm = buildConfig({ ...DEFAULTS, granularity: 'nm', nm: '2:4', schedule: 'oneshot' });
    expect(nm.ok && validateConfig(nm.config).prune.targetSparsity).to.equal(0.5);
  });

  it('keeps the legacy method: the config it made before the axes, which the engine maps onto them', () => {
    const axes = (c: Partial<LabControls>): unknown[] => {
      const r = buildConfig({ ...DEFAULTS, ...c });
      if (!r.ok) throw new Error(r.error.message);
      const p = validateConfig(r.config).prune;
      return [p.granularity, p.criterion, p.scope];
    };
    const rest = { schedule: 'iterative', targetSparsity: 0.9, rounds: 3, finetuneEpochs: 1, rewind: false };
    for (const method of METHOD_NAMES) {
      const r = buildConfig({ ...DEFAULTS, method });
      expect(r.ok && r.config.prune).to.deep.equal({ method, ...rest });
    }
    expect(axes({ method: 'global' })).to.deep.equal(axes({}));
    expect(axes({ method: 'local' })).to.deep.equal(axes({ scope: 'local' }));
    expect(axes({ method: 'random' })).to.deep.equal(axes({ criterion: 'random' }));
    expect(axes({ method: 'structured' })).to.deep.equal(axes({ granularity: 'unit' })).and.to.deep.equal(['unit', 'l2', 'global']);
    // An axis beside the method must agree with it: the engine names the axis.
    const clash = buildConfig({ ...DEFAULTS, method: 'random', criterion: 'magnitude' });
    expect(() => validateConfig(clash.ok && clash.config)).to.throw().with.property('field', 'prune.criterion');
  });

  it('names the N:M control when its pattern is not N:M, and maps the axes\' engine fields to their controls', () => {
    for (const bad of ['2/4', '2:', 'x:4', '', '2:4:8']) {
      const r = buildConfig({ ...DEFAULTS, nm: bad });
      expect(r).to.deep.equal({ ok: false, error: { code: 'invalid-config', field: 'nm', message: `nm must be an N:M pattern such as 2:4 (N kept in every M) (got ${JSON.stringify(bad)})` } });
    }
    expect(parseNm(' 4 : 8 ')).to.deep.equal({ n: 4, m: 8 });
    const attr = (f: string): string | undefined => controlOf(f)?.attr;
    expect(['prune.granularity', 'prune.criterion', 'prune.sparsegpt.damp', 'prune.scope', 'prune.when', 'prune.nm', 'prune.nm.n', 'prune.calibration.samples', 'prune.method', 'prune.keptCounts[0]']
      .map(attr)).to.deep.equal(['granularity', 'criterion', 'criterion', 'scope', 'when', 'nm', 'nm', 'calibration-samples', 'method', undefined]);
  });

  it('offers the criteria the engine accepts for each granularity and when', () => {
    expect(criterionOptions('unit', 'after')).to.deep.equal(['l1', 'l2', 'taylor', 'norm-product']);
    expect(criterionOptions('weight', 'after')).to.deep.equal(['magnitude', 'random', 'taylor', 'snip', 'synflow', 'lamp', 'wanda', 'sparsegpt', 'movement']);
    // Each offered criterion validates with its granularity and when (and the schedule they run with).
    const cases: Array<[string, string, string]> = [['weight', 'after', 'iterative'], ['unit', 'after', 'oneshot'], ['nm', 'after', 'oneshot'], ['weight', 'init', 'oneshot'], ['weight', 'during', 'gradual']];
    for (const [granularity, when, schedule] of cases) {
      for (const criterion of criterionOptions(granularity, when)) {
        if (criterion === 'movement' && when !== 'during') continue;
        const r = buildConfig({ ...DEFAULTS, granularity, when, criterion, schedule, finetuneEpochs: when === 'init' ? 0 : 1 });
        expect(r.ok, `${granularity}/${when}/${criterion}`).to.equal(true);
        if (r.ok) expect(() => validateConfig(r.config), `${granularity}/${when}/${criterion}`).to.not.throw();
      }
    }
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

  it('puts issue #17\'s settings into the config: the reinit control, per-layer targets and their schedule, fine-tune lr, validation curve, lr schedule, decay, momentum', () => {
    const r = buildConfig({
      ...DEFAULTS, rewind: 0, control: 'reinit', layerSparsity: 'fc1=0.92, fc2 = 0.91,fc3=exclude', layerSchedule: 'iterative', finetuneLr: 0.0005,
      validateEvery: 50, lrSchedule: 'cosine:1e-5', weightDecay: 0.0005, optimizer: 'sgd', momentum: 0.8,
    });
    if (!r.ok) throw new Error(r.error.message);
    expect(r.config.train).to.deep.equal({ epochs: 2, batchSize: 64, optimizer: { type: 'sgd', lr: 0.001, momentum: 0.8, weightDecay: 0.0005 }, schedule: { type: 'cosine', minLr: 0.00001 }, validateEvery: 50 });
    expect(r.config.prune).to.deep.equal({
      schedule: 'iterative', targetSparsity: 0.9, rounds: 3, finetuneEpochs: 1, rewind: 0, control: 'reinit', layerSchedule: 'iterative', finetuneLr: 0.0005,
      layers: { fc1: { sparsity: 0.92 }, fc2: { sparsity: 0.91 }, fc3: { exclude: true } },
    });
    expect(validateConfig(r.config).prune.control).to.equal('reinit');
    // SGD with an empty momentum gives none (the engine's 0); Adam sets the momentum control aside.
    const none = buildConfig({ ...DEFAULTS, optimizer: 'sgd', momentum: null });
    expect(none.ok && none.config.train.optimizer).to.deep.equal({ type: 'sgd', lr: 0.001 });
    const adam = buildConfig({ ...DEFAULTS, momentum: 0.5, weightDecay: 0 });
    expect(adam.ok && adam.config.train.optimizer).to.deep.equal({ type: 'adam', lr: 0.001, weightDecay: 0 });
    expect([['step:2:0.5'], ['constant'], ['cosine']].map(([v]) => (buildConfig({ ...DEFAULTS, lrSchedule: v! }) as { config: { train: unknown } }).config.train))
      .to.deep.equal([{ type: 'step', everyEpochs: 2, gamma: 0.5 }, { type: 'constant' }, { type: 'cosine' }].map((schedule) => ({ epochs: 2, batchSize: 64, optimizer: { type: 'adam', lr: 0.001 }, schedule })));
  });

  it('names the lr-schedule and layer-sparsity controls, with their forms, when the text is not of that form; the engine\'s errors map to the new controls', () => {
    for (const v of ['cosin', 'cosine:', 'cosine:abc', 'step:2', 'step:x:0.5', 'step:2:0x1', 'Infinity', '']) {
      const r = buildConfig({ ...DEFAULTS, lrSchedule: v });
      expect(r, v).to.deep.equal({ ok: false, error: { code: 'invalid-config', field: 'lr-schedule', message: `lr-schedule must be constant, cosine, cosine:MIN or step:EVERY:GAMMA (MIN, GAMMA numbers, EVERY an integer), or empty (got ${JSON.stringify(v)})` } });
    }
    for (const v of ['fc1', 'fc1=', '=0.5', 'fc1=0.9,fc1=0.8', 'fc1=0.9,,fc2=0.5', 'fc1=dense', 'fc1=NaN', '__proto__=0.5', '']) {
      const r = buildConfig({ ...DEFAULTS, layerSparsity: v });
      expect(r, v).to.deep.equal({ ok: false, error: { code: 'invalid-config', field: 'layer-sparsity', message: `layer-sparsity must be NAME=S[,NAME=S…] (S a number, or exclude; each layer once), such as fc1=0.92,fc2=0.91, or empty (got ${JSON.stringify(v)})` } });
    }
    const nan = buildConfig({ ...DEFAULTS, validateEvery: NaN });
    expect(!nan.ok && nan.error).to.deep.equal({ code: 'invalid-config', field: 'validate-every', message: 'validate-every must be a number, or empty (got NaN)' });
    // Forms the parsers read, and the text they give back.
    expect(parseLrSchedule(' step : 3 : .5 ')).to.deep.equal({ type: 'step', everyEpochs: 3, gamma: 0.5 });
    expect(['constant', 'cosine', 'cosine:0.00001', 'step:1:0.5'].map((t) => formatLrSchedule(parseLrSchedule(t)!))).to.deep.equal(['constant', 'cosine', 'cosine:0.00001', 'step:1:0.5']);
    expect(formatLayerSparsity(parseLayerSparsity('fc1=0.931280523264,conv2=exclude')!)).to.equal('fc1=0.931280523264,conv2=exclude');
    expect(formatLayerSparsity({ fc1: { exclude: false } })).to.equal(null);
    const attr = (f: string): string | undefined => controlOf(f)?.attr;
    expect(['prune.control', 'prune.layers', 'prune.layers.fc9', 'prune.layers.fc1.sparsity', 'prune.layerSchedule', 'prune.finetuneLr', 'train.validateEvery', 'train.schedule.minLr',
      'train.optimizer.weightDecay', 'train.optimizer.momentum', 'train.optimizer'].map(attr))
      .to.deep.equal(['control', 'layer-sparsity', 'layer-sparsity', 'layer-sparsity', 'layer-schedule', 'finetune-lr', 'validate-every', 'lr-schedule', 'weight-decay', 'momentum', 'optimizer']);
  });

  it('maps engine fields to controls', () => {
    const attr = (f: string): string | undefined => controlOf(f)?.attr;
    expect(['prune.targetSparsity', 'train.optimizer.lr', 'train.optimizer.type', 'subsets.test', 'trainSubset', 'model', 'model.layers[2].units', 'prune.gradualEvery', 'seed', 'rewind', 'nothing']
      .map(attr)).to.deep.equal(['target-sparsity', 'learning-rate', 'optimizer', 'test-samples', 'train-samples', 'model', 'model-spec', 'rounds', 'seed', 'rewind', undefined]);
  });

  it('parses view lists', () => {
    expect(parseViews(null)).to.deep.equal({ views: ['curves', 'sparsity', 'latency', 'layers', 'mask', 'confusion', 'metrics', 'size', 'pad', 'runs', 'reproductions'] });
    expect(parseViews('pad, curves  runs')).to.deep.equal({ views: ['pad', 'curves', 'runs'] });
    expect(parseViews('pad,chart')).to.deep.equal({ error: 'views must be a list of curves, sparsity, latency, layers, mask, confusion, metrics, size, pad, runs, reproductions (got "chart")' });
  });

  it('encodes and decodes the URL hash', () => {
    const h = encodeHash([['method', 'random'], ['train-samples', ''], ['model-spec', '{"a": [1, 2]}']]);
    expect(h).to.equal('#method=random&train-samples=&model-spec=%7B%22a%22%3A+%5B1%2C+2%5D%7D');
    expect(decodeHash(h)).to.deep.equal([['method', 'random'], ['train-samples', ''], ['model-spec', '{"a": [1, 2]}']]);
    expect(decodeHash('#a=1&b&a=2')).to.deep.equal([['a', '2'], ['b', '']]);
    expect(encodeHash([])).to.equal('');
  });
});
