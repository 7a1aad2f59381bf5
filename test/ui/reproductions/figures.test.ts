// The reproductions' rerun: a report's config → the lab's controls → buildConfig → the
// engine's validateConfig gives back the config the report ran (full), less the settings
// named as not carried; the reduced rerun stays within REDUCED and is accepted by the
// engine. Configs: every stored single-run report in docs/results (Han's recipes with
// per-layer ratios, SGD + L2, a cosine rate), one per axis, and the lottery-ticket
// script's (rewind 0, the reinit control, per-layer targets over the rounds, the
// validation curve).
import { expect } from '@esm-bundle/chai';
import { fetchReport, measuredOn, measuredOnText, rerunControls, REDUCED } from '../../../src/ui/reproductions/figures.js';
import { MAGNITUDE_REPORT } from '../fixtures.js';
import { buildConfig } from '../../../src/ui/lab/lab-config.js';
import { validateConfig, type ExperimentConfig, type NormalizedConfig } from '../../../src/lab/config.js';
import { validateReport } from '../../../src/lab/report-schema.js';

const STORED = ['prune-lenet-300-100-global-iterative', 'prune-lenet-300-100-global-quick', 'prune-lenet-300-100-random-quick', 'prune-lenet-5-global-quick', 'han-h1', 'han-h2', 'han-h3'];
const MLP = { input: { C: 1, H: 28, W: 28 }, layers: [{ type: 'flatten' }, { type: 'linear', units: 32 }, { type: 'relu' }, { type: 'linear', units: 10 }] };
const base = { dataset: { name: 'mnist' }, seed: 3 } as const;
const AXES: Array<[string, ExperimentConfig]> = [
  ['nm wanda with calibration', { ...base, model: 'lenet-300-100', train: { epochs: 3, batchSize: 64, optimizer: { type: 'adam', lr: 0.002 } },
    prune: { granularity: 'nm', criterion: 'wanda', nm: { n: 2, m: 4 }, schedule: 'oneshot', rounds: 1, finetuneEpochs: 2, calibration: { samples: 256 } } as ExperimentConfig['prune'],
    subsets: { train: 8000, validation: 500, test: 3000 } }],
  ['snip at init', { ...base, model: 'lenet-5', train: { epochs: 4, batchSize: 32, optimizer: { type: 'adam', lr: 0.001 } },
    prune: { when: 'init', criterion: 'snip', schedule: 'oneshot', targetSparsity: 0.9, rounds: 1, finetuneEpochs: 0 } }],
  ['gradual movement', { ...base, model: 'lenet-300-100', train: { epochs: 1, batchSize: 128, optimizer: { type: 'sgd', lr: 0.05, momentum: 0.9 } },
    prune: { criterion: 'movement', schedule: 'gradual', targetSparsity: 0.8, rounds: 5, finetuneEpochs: 3 } }],
  ['structured l1, local', { ...base, model: 'lenet-300-100', train: { epochs: 2, batchSize: 64, optimizer: { type: 'adam', lr: 0.001 } },
    prune: { granularity: 'unit', criterion: 'l1', scope: 'local', schedule: 'iterative', targetSparsity: 0.5, rounds: 2, finetuneEpochs: 1 } }],
  ['custom spec, lottery rewind', { ...base, model: MLP as ExperimentConfig['model'], train: { epochs: 6, batchSize: 60, optimizer: { type: 'adam', lr: 0.0012 } },
    prune: { scope: 'local', schedule: 'iterative', targetSparsity: 0.7, rounds: 3, finetuneEpochs: 4, rewind: 0 }, subsets: { train: 20000 } }],
  // docs/experiments/lottery-ticket.sh, flag for flag (the CLI's config).
  ['lottery ticket with the reinit control', { ...base, seed: 1, model: 'lenet-300-100', train: { epochs: 1, batchSize: 60, optimizer: { type: 'adam', lr: 0.0012 }, validateEvery: 50 },
    prune: { scope: 'local', schedule: 'iterative', targetSparsity: 0.930477, rounds: 12, finetuneEpochs: 1, rewind: 0, control: 'reinit', layerSchedule: 'iterative',
      layers: { fc1: { sparsity: 0.931280523264 }, fc2: { sparsity: 0.931280523264 }, fc3: { sparsity: 0.717570463519 } } }, subsets: { train: 10000 } }],
  ['sgd without momentum, a step rate, an excluded layer, fine-tune lr', { ...base, model: 'lenet-300-100',
    train: { epochs: 3, batchSize: 32, optimizer: { type: 'sgd', lr: 0.05, weightDecay: 0.0001 }, schedule: { type: 'step', everyEpochs: 2, gamma: 0.5 } },
    prune: { schedule: 'iterative', targetSparsity: 0.8, rounds: 2, finetuneEpochs: 1, finetuneLr: 0.01, layers: { fc2: { sparsity: 0.5 }, fc3: { exclude: true } } } }],
  ['adam with decay, constant and cosine-to-0 rates', { ...base, model: 'lenet-5', train: { epochs: 2, batchSize: 64, optimizer: { type: 'adam', lr: 0.001, weightDecay: 0.0005 }, schedule: { type: 'constant' } },
    prune: { schedule: 'oneshot', targetSparsity: 0.5, rounds: 1, finetuneEpochs: 1 } }],
  ['cosine to 0, sgd momentum 0.5', { ...base, model: 'lenet-300-100', train: { epochs: 2, batchSize: 64, optimizer: { type: 'sgd', lr: 0.1, momentum: 0.5 }, schedule: { type: 'cosine' } },
    prune: { schedule: 'iterative', targetSparsity: 0.5, rounds: 2, finetuneEpochs: 1, layerSchedule: 'fixed', layers: { fc1: { sparsity: 0.6 } } } }],
];

/** A normalized config less the legacy method (its axes are kept) and the given paths. */
function strip(c: NormalizedConfig, paths: readonly string[]): unknown {
  const copy = structuredClone(c) as unknown as Record<string, Record<string, unknown>>;
  delete copy.prune!.method;
  for (const p of paths) {
    const keys = p.split(' ')[0]!.split('.');
    let o = copy as unknown as Record<string, unknown>;
    for (const k of keys.slice(0, -1)) o = o[k] as Record<string, unknown>;
    delete o[keys.at(-1)!];
  }
  return copy;
}

async function stored(): Promise<Array<[string, NormalizedConfig]>> {
  return Promise.all(STORED.map(async (f) => [f, validateReport(await (await fetch(`/docs/results/${f}.json`)).json(), f).config] as [string, NormalizedConfig]));
}

describe('rerunControls', () => {
  it('the full rerun builds the config the report ran, by the engine\'s own normalization', async () => {
    const cases: Array<[string, NormalizedConfig]> = [...await stored(), ...AXES.map(([n, c]) => [n, validateConfig(c)] as [string, NormalizedConfig])];
    for (const [name, c] of cases) {
      const { controls, notCarried } = rerunControls(c, true);
      const built = buildConfig(controls);
      expect(built.ok, name).to.equal(true);
      const back = validateConfig((built as { config: ExperimentConfig }).config);
      // Every setting of these configs has a control (a cosine rate, per-layer targets, the reinit control included).
      expect(notCarried, name).to.deep.equal([]);
      expect(strip(back, []), name).to.deep.equal(strip(c, notCarried));
    }
  });

  it('the reduced rerun stays within REDUCED and the engine accepts it', async () => {
    for (const [name, c] of [...await stored(), ...AXES.map(([n, x]) => [n, validateConfig(x)] as [string, NormalizedConfig])]) {
      const { controls } = rerunControls(c, false);
      const built = buildConfig(controls);
      expect(built.ok, name).to.equal(true);
      const r = validateConfig((built as { config: ExperimentConfig }).config);
      expect(r.subsets!.train, name).to.equal(Math.min(c.subsets?.train ?? Infinity, REDUCED.train));
      expect(r.subsets!.validation, name).to.equal(Math.min(c.subsets?.validation ?? Infinity, REDUCED.validation));
      expect(r.subsets!.test, name).to.equal(Math.min(c.subsets?.test ?? Infinity, REDUCED.test));
      expect(r.train.epochs, name).to.equal(Math.min(c.train.epochs, REDUCED.epochs));
      expect(r.prune.finetuneEpochs, name).to.equal(Math.min(c.prune.finetuneEpochs, REDUCED.finetuneEpochs));
      // The schedule's shape is kept: rounds, target, axes.
      expect([r.prune.rounds, r.prune.targetSparsity, r.prune.granularity, r.prune.criterion, r.prune.scope, r.prune.when], name)
        .to.deep.equal([c.prune.rounds, c.prune.targetSparsity, c.prune.granularity, c.prune.criterion, c.prune.scope, c.prune.when]);
    }
  });

  it('says where a report was measured from its own metadata: the browser\'s name, or the CLI on Dawn', async () => {
    const browser = validateReport(await (await fetch('/docs/results/prune-lenet-300-100-random-quick.json')).json());
    expect(measuredOnText(browser)).to.equal('google swiftshader · browser (Chromium 150.0.7871.100) · 3 dense epochs, then 4 rounds × 1 fine-tune epoch · 10,000 training / 10,000 test images · took 5 min 28 s · 2026-12-01');
    const sweep = (await (await fetch('/docs/results/criteria-iterative-lenet-300-100.json')).json()) as { baseline: { report: unknown } };
    const cli = validateReport(sweep.baseline.report);
    expect(measuredOn(cli)).to.deep.include({ adapter: 'google swiftshader (SwiftShader driver 5.0.0)', face: 'CLI (Dawn on Node)', budget: '8 dense epochs, then 1 round × 0 fine-tune epochs' });
    // A run stopped before its last round says so, with how far it got.
    const stopped = structuredClone(browser);
    stopped.status = 'aborted';
    stopped.rounds = stopped.rounds.slice(0, 3);
    expect(measuredOn(stopped).budget).to.equal('3 dense epochs, then 4 rounds × 1 fine-tune epoch (aborted: stopped after 3 rounds of 4)');
  });

  it('reads a report inlined as a data: URL (the library build\'s form) without a request, and names what is wrong in one', async () => {
    const json = JSON.stringify(MAGNITUDE_REPORT);
    const b64 = await fetchReport(`data:application/json;base64,${btoa(json)}`);
    expect(b64.status === 'ok' && b64.report).to.deep.equal(MAGNITUDE_REPORT);
    const plain = await fetchReport(`data:application/json,${encodeURIComponent(json)}`);
    expect(plain.status === 'ok' && plain.report.id).to.equal(MAGNITUDE_REPORT.id);
    const bad = await fetchReport(`data:application/json,${encodeURIComponent(JSON.stringify({ ...MAGNITUDE_REPORT, rounds: 'none' }))}`);
    expect(bad).to.deep.equal({ status: 'error', why: 'report.rounds must be an array of round entries (got "none")' });
  });

  it('names what the lab cannot carry: Nesterov momentum, Adam\'s betas, a validation-split evaluation, an override both excluded and sized', () => {
    const sgd = validateConfig({
      ...base, model: 'lenet-300-100', train: { epochs: 2, batchSize: 64, optimizer: { type: 'sgd', lr: 0.1, nesterov: true }, schedule: { type: 'cosine', minLr: 0.001 } },
      prune: { schedule: 'iterative', targetSparsity: 0.9, rounds: 2, finetuneEpochs: 1, layers: { fc3: { exclude: true } } }, evaluateOn: 'validation',
    } as ExperimentConfig);
    const r = rerunControls(sgd, true);
    expect(r.notCarried).to.deep.equal(['evaluateOn', 'train.optimizer.nesterov']);
    // What is carried: the rate's schedule, the exclusion, and SGD without momentum (the engine's 0) as an empty momentum.
    expect([r.controls.lrSchedule, r.controls.layerSparsity, r.controls.momentum, r.controls.optimizer]).to.deep.equal(['cosine:0.001', 'fc3=exclude', null, 'sgd']);
    const adam = validateConfig({
      ...base, model: 'lenet-300-100', train: { epochs: 2, batchSize: 64, optimizer: { type: 'adam', lr: 0.001, beta1: 0.8 } },
      prune: { schedule: 'oneshot', targetSparsity: 0.5, rounds: 1, finetuneEpochs: 1 },
    } as ExperimentConfig);
    expect(rerunControls(adam, true).notCarried).to.deep.equal(['train.optimizer.beta1']);
  });
});
