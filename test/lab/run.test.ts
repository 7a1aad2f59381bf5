// The experiment runner end to end on real MNIST subsets: the report format, exact
// counts, rewinding, structured shrink, the gradual schedule, the random control,
// aborts, and config validation before any GPU work.
import { expect } from '@esm-bundle/chai';
import { loadMnist } from '../../src/data/mnist.js';
import type { ImageDataset } from '../../src/data/dataset.js';
import { runExperiment, labData, type LabData, type LabProgress } from '../../src/lab/run.js';
import { validateConfig, type ExperimentConfig } from '../../src/lab/config.js';
import { reportToCsv } from '../../src/lab/report.js';
import { iterativeTargets, cubicSparsity } from '../../src/prune/schedule.js';
import { planModel, LENET_300_100, type ModelSpec } from '../../src/nn/spec.js';
import { initialValues } from '../../src/nn/network.js';
import { PruneLabError } from '../../src/errors.js';
import { gpu } from '../helpers/gpu.js';

const ADAPTER = { vendor: 'test', architecture: 'test', description: '', backend: 'browser' };
let raw: { train: ImageDataset; test: ImageDataset } | undefined;

function base(): ExperimentConfig {
  return {
    model: 'lenet-300-100',
    dataset: { name: 'mnist' },
    train: { epochs: 1, batchSize: 50, optimizer: { type: 'adam', lr: 1e-3 } },
    prune: { method: 'global', schedule: 'iterative', targetSparsity: 0.9, rounds: 2, finetuneEpochs: 1 },
    seed: 3,
    subsets: { train: 1000, validation: 200, test: 500 },
  };
}

/** A small MLP (784-32-16-10) for the tests that run many rounds. */
const SMALL: ModelSpec = { input: { C: 1, H: 28, W: 28 }, layers: [{ type: 'linear', units: 32 }, { type: 'relu' }, { type: 'linear', units: 16 }, { type: 'relu' }, { type: 'linear', units: 10 }] };

async function setup(config: ExperimentConfig): Promise<LabData> {
  raw ??= await loadMnist(location.origin);
  return labData(config, raw.train, raw.test);
}

describe('runExperiment', () => {
  it('global iterative: report fields, exact nonzero counts, CSV, progress with ETA', async () => {
    const ctx = await gpu();
    const config = base();
    const events: LabProgress[] = [];
    const { report, network } = await runExperiment(ctx, ADAPTER, config, await setup(config), { onProgress: (p) => events.push(p) });
    network.destroy();
    expect(report.status).to.equal('complete');
    expect(report.version).to.equal(2);
    expect(report.model.prunableLayers).to.deep.equal(['fc1', 'fc2', 'fc3']);
    expect(report.data).to.deep.equal({ train: 1000, validation: 200, test: 500 });
    expect(report.baseline!.sparsity).to.equal(0);
    expect(report.baseline!.accuracy).to.be.above(0.7);
    expect(report.rounds).to.have.length(2);
    const N = 266200;
    const targets = iterativeTargets(0.9, 2);
    report.rounds.forEach((r, i) => {
      const nonzero = r.layers.reduce((t, l) => t + l.nonzero, 0);
      expect(nonzero).to.equal(N - Math.round(targets[i]! * N));
      expect(r.sparsity).to.be.closeTo(Math.round(targets[i]! * N) / N, 1e-12);
      expect(r.targetSparsity).to.equal(targets[i]);
      expect(r.compressionRatio).to.be.closeTo(N / nonzero, 1e-9);
      expect(r.flops.effective).to.equal(2 * nonzero);
      expect(r.flops.dense).to.equal(2 * N);
      expect(r.confusion.reduce((a, b) => a + b, 0)).to.equal(500);
      expect(r.macroF1).to.be.within(0, 1);
    });
    expect(new Set(report.rounds[1]!.layers.map((l) => l.sparsity.toFixed(3))).size).to.equal(3);
    expect(report.final).to.deep.equal(report.rounds[1]);
    expect(JSON.parse(JSON.stringify(report))).to.deep.equal(report);
    const csv = reportToCsv(report).trim().split('\n');
    expect(csv).to.have.length(4);
    expect(csv[0]).to.contain('sparsity_fc1');
    expect(events.some((e) => e.phase === 'finetune' && e.round === 2 && Number.isFinite(e.etaMs))).to.equal(true);
  });

  it('lottery-ticket rewinding to init restores the exact initial values of the survivors', async () => {
    const ctx = await gpu();
    const config: ExperimentConfig = { ...base(), prune: { method: 'global', schedule: 'oneshot', targetSparsity: 0.8, rounds: 1, finetuneEpochs: 0, rewind: 0 } };
    const { report, network } = await runExperiment(ctx, ADAPTER, config, await setup(config));
    const init = initialValues(planModel(LENET_300_100), 3);
    const now = await network.readValues();
    network.destroy();
    expect(report.rounds).to.have.length(1);
    now.forEach((l, i) => l.w.forEach((x, j) => {
      if (l.mask[j]) expect(x).to.equal(init[i]!.w[j]);
      else expect(x).to.equal(0);
    }));
  });

  it('structured: shapes shrink, params and FLOPs come from the new shapes', async () => {
    const ctx = await gpu();
    const config: ExperimentConfig = { ...base(), prune: { method: 'structured', criterion: 'l1', scope: 'local', schedule: 'oneshot', targetSparsity: 0.5, rounds: 1, finetuneEpochs: 1 } };
    const { report, network } = await runExperiment(ctx, ADAPTER, config, await setup(config));
    network.destroy();
    const r = report.rounds[0]!;
    expect(r.layers.map((l) => l.shape)).to.deep.equal([[784, 150], [150, 50], [50, 10]]);
    expect(r.units).to.deep.equal({ fc1: { before: 300, after: 150 }, fc2: { before: 100, after: 50 }, fc3: { before: 10, after: 10 } });
    const weights = 784 * 150 + 150 * 50 + 50 * 10;
    expect(r.params.total).to.equal(weights + 150 + 50 + 10);
    expect(r.flops.dense).to.equal(2 * weights);
    expect(r.sparsity).to.be.closeTo(1 - weights / 266200, 1e-9);
    expect(r.accuracy).to.be.above(0.6);
  });

  it('gradual (cubic): one entry per fine-tune epoch, ending at exactly the target', async () => {
    const ctx = await gpu();
    const config: ExperimentConfig = { ...base(), prune: { method: 'global', schedule: 'gradual', targetSparsity: 0.75, rounds: 4, finetuneEpochs: 2, gradualEvery: 5 } };
    const { report, network } = await runExperiment(ctx, ADAPTER, config, await setup(config));
    network.destroy();
    expect(report.rounds).to.have.length(2);
    expect(report.rounds[1]!.targetSparsity).to.equal(0.75);
    expect(report.rounds[1]!.layers.reduce((t, l) => t + l.params - l.nonzero, 0)).to.equal(Math.round(0.75 * 266200));
  });

  it('gradual: each epoch reports the target of the last mask update applied, and the sparsity its masks give', async () => {
    const ctx = await gpu();
    // 400 rows / 20 = 20 steps an epoch; updates at steps 15, 30, 45, 60; epochs end at 20, 40, 60.
    const config: ExperimentConfig = { ...base(), model: SMALL, train: { ...base().train, batchSize: 20 }, prune: { method: 'global', schedule: 'gradual', targetSparsity: 0.8, rounds: 4, finetuneEpochs: 3, gradualEvery: 15 }, subsets: { train: 400, validation: 100, test: 200 } };
    const { report, network } = await runExperiment(ctx, ADAPTER, config, await setup(config));
    const last = await network.readValues();
    network.destroy();
    const sched = { initial: 0, final: 0.8, start: 0, every: 15, updates: 4 };
    const applied = [cubicSparsity(15, sched), cubicSparsity(30, sched), 0.8];
    const N = 784 * 32 + 32 * 16 + 16 * 10;
    expect(report.rounds.map((e) => e.targetSparsity)).to.deep.equal(applied);
    report.rounds.forEach((e, i) => {
      expect(e.layers.reduce((t, l) => t + l.params - l.nonzero, 0), `epoch ${i + 1}`).to.equal(Math.round(applied[i]! * N));
      expect(e.sparsity).to.equal(Math.round(applied[i]! * N) / N);
    });
    expect(last.reduce((t, l) => t + l.mask.reduce((u, m) => u + (m ? 0 : 1), 0), 0)).to.equal(Math.round(0.8 * N));
  });

  it('a gradual run whose updates do not fit its fine-tune steps is refused before any training step', async () => {
    const ctx = await gpu();
    // 1000 rows / 50 = 20 fine-tune steps, but 4 updates × 10 steps need 40.
    const config: ExperimentConfig = { ...base(), prune: { method: 'global', schedule: 'gradual', targetSparsity: 0.75, rounds: 4, finetuneEpochs: 1, gradualEvery: 10 } };
    const data = await setup(config);
    const events: LabProgress[] = [];
    const before = ctx.pool.liveBytes;
    let err: unknown;
    try {
      await runExperiment(ctx, ADAPTER, config, data, { onProgress: (e) => events.push(e) });
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(PruneLabError);
    expect((err as PruneLabError).field).to.equal('prune.gradualEvery');
    expect((err as PruneLabError).code).to.equal('invalid-config');
    expect(events).to.have.length(0);
    expect(ctx.pool.liveBytes).to.equal(before);
  });

  it('50 prune/fine-tune rounds leave the tracked live GPU bytes equal after every round (magnitude, and random with its twin)', async () => {
    const ctx = await gpu();
    const tiny: ModelSpec = { input: { C: 1, H: 28, W: 28 }, layers: [{ type: 'linear', units: 16 }, { type: 'relu' }, { type: 'linear', units: 10 }] };
    for (const method of ['global', 'random'] as const) {
      const cfg: ExperimentConfig = { ...base(), model: tiny, prune: { method, schedule: 'iterative', targetSparsity: 0.99, rounds: 50, finetuneEpochs: 1 }, subsets: { train: 200, validation: 50, test: 100 } };
      const data = await setup(cfg);
      const start = ctx.pool.liveBytes;
      const live: number[] = [];
      const { report, network } = await runExperiment(ctx, ADAPTER, cfg, data, { onRound: (e) => { if (e.round > 0) live.push(ctx.pool.liveBytes); } });
      network.destroy();
      expect(report.status, method).to.equal('complete');
      expect(live, method).to.have.length(50);
      live.forEach((b, r) => expect(b, `${method}: live bytes after round ${r + 1}`).to.equal(live[0]));
      expect(ctx.pool.liveBytes, `${method}: after the run`).to.equal(start);
    }
  });

  it('random control: the per-layer nonzero counts of the magnitude run at every round (twin, or supplied counts)', async () => {
    const ctx = await gpu();
    const mag: ExperimentConfig = { ...base(), model: SMALL, prune: { method: 'global', schedule: 'iterative', targetSparsity: 0.95, rounds: 4, finetuneEpochs: 1 }, subsets: { train: 400, validation: 100, test: 200 } };
    const rnd: ExperimentConfig = { ...mag, prune: { ...mag.prune, method: 'random' } };
    const data = await setup(mag);
    const before = ctx.pool.liveBytes;
    const a = await runExperiment(ctx, ADAPTER, mag, data);
    const b = await runExperiment(ctx, ADAPTER, rnd, data);
    a.network.destroy();
    expect(b.report.status).to.equal('complete');
    const counts = (r: typeof a.report) => r.rounds.map((e) => e.layers.map((l) => l.nonzero));
    expect(counts(b.report)).to.have.length(4);
    counts(a.report).forEach((c, r) => expect(counts(b.report)[r], `round ${r + 1}`).to.deep.equal(c));
    b.report.rounds.forEach((e, r) => expect(e.sparsity, `round ${r + 1}`).to.equal(a.report.rounds[r]!.sparsity));
    // Global scope: the layers end at different ratios, which a fixed per-layer rule would not give.
    expect(new Set(a.report.rounds[3]!.layers.map((l) => l.sparsity)).size).to.equal(3);
    expect(b.report.rounds[3]!.accuracy).to.be.below(a.report.rounds[3]!.accuracy);
    // The same counts supplied as read from the magnitude report: no twin, the same run.
    const given: ExperimentConfig = { ...rnd, prune: { ...rnd.prune, keptCounts: counts(a.report) } };
    const c = await runExperiment(ctx, ADAPTER, given, data);
    expect(counts(c.report)).to.deep.equal(counts(a.report));
    expect(c.report.rounds.map((e) => e.accuracy)).to.deep.equal(b.report.rounds.map((e) => e.accuracy));
    const [bv, cv] = [await b.network.readValues(), await c.network.readValues()];
    bv.forEach((l, i) => expect(Array.from(cv[i]!.mask), `final ${l.w.length}-weight layer`).to.deep.equal(Array.from(l.mask)));
    b.network.destroy();
    c.network.destroy();
    expect(ctx.pool.liveBytes, 'the twin is freed').to.equal(before);
  });

  it('random control with local scope or per-layer ratios: the fixed per-layer counts at every round', async () => {
    const ctx = await gpu();
    const cfg: ExperimentConfig = { ...base(), model: SMALL, prune: { method: 'random', scope: 'local', schedule: 'iterative', targetSparsity: 0.9, rounds: 3, finetuneEpochs: 1, layers: { fc3: { sparsity: 0.5 } } }, subsets: { train: 400, validation: 100, test: 200 } };
    const { report, network } = await runExperiment(ctx, ADAPTER, cfg, await setup(cfg));
    network.destroy();
    const targets = iterativeTargets(0.9, 3);
    report.rounds.forEach((e, r) => {
      expect(e.layers.map((l) => l.params - l.nonzero), `round ${r + 1}`).to.deep.equal(e.layers.map((l) => Math.round((l.name === 'fc3' ? 0.5 : targets[r]!) * l.params)));
    });
  });

  it('an abort keeps the finished rounds', async () => {
    const ctx = await gpu();
    const config: ExperimentConfig = { ...base(), prune: { ...base().prune, rounds: 3 } };
    const ac = new AbortController();
    const { report, network } = await runExperiment(ctx, ADAPTER, config, await setup(config), {
      signal: ac.signal, onRound: (e) => { if (e.round === 1) ac.abort(); },
    });
    network.destroy();
    expect(report.status).to.equal('aborted');
    expect(report.rounds).to.have.length(1);
  });

  it('rejects each invalid config by field name before any GPU work', async () => {
    const ctx = await gpu();
    const data = await setup(base());
    const cases: Array<[(c: ExperimentConfig) => unknown, string]> = [
      [(c) => ({ ...c, model: 'vgg' }), 'model'],
      [(c) => ({ ...c, model: { input: { C: 1, H: 28, W: 28 }, layers: [] } }), 'model.layers'],
      [(c) => ({ ...c, dataset: { name: 'cifar' } }), 'dataset.name'],
      [(c) => ({ ...c, train: { ...c.train, epochs: -1 } }), 'train.epochs'],
      [(c) => ({ ...c, train: { ...c.train, batchSize: 0 } }), 'train.batchSize'],
      [(c) => ({ ...c, train: { ...c.train, optimizer: { type: 'sgd', lr: 0 } } }), 'train.optimizer.lr'],
      [(c) => ({ ...c, prune: { ...c.prune, method: 'l0' } }), 'prune.method'],
      [(c) => ({ ...c, prune: { ...c.prune, targetSparsity: 1 } }), 'prune.targetSparsity'],
      [(c) => ({ ...c, prune: { ...c.prune, targetSparsity: Number.NaN } }), 'prune.targetSparsity'],
      [(c) => ({ ...c, prune: { ...c.prune, schedule: 'weekly' } }), 'prune.schedule'],
      [(c) => ({ ...c, prune: { ...c.prune, schedule: 'oneshot', rounds: 3 } }), 'prune.rounds'],
      [(c) => ({ ...c, prune: { ...c.prune, rounds: 0 } }), 'prune.rounds'],
      [(c) => ({ ...c, prune: { ...c.prune, criterion: 'l1' } }), 'prune.criterion'],
      [(c) => ({ ...c, prune: { ...c.prune, layers: { fc9: { exclude: true } } } }), 'prune.layers.fc9'],
      [(c) => ({ ...c, prune: { ...c.prune, layers: { fc1: { exclude: true }, fc2: { exclude: true }, fc3: { exclude: true } } } }), 'prune.layers'],
      [(c) => ({ ...c, prune: { ...c.prune, rewind: -2 } }), 'prune.rewind'],
      [(c) => ({ ...c, prune: { ...c.prune, rewind: 10 ** 6 } }), 'prune.rewind'],
      [(c) => ({ ...c, seed: 1.5 }), 'seed'],
      [(c) => ({ ...c, subsets: { train: 0 } }), 'subsets.train'],
      [(c) => ({ ...c, evaluateOn: 'train' }), 'evaluateOn'],
      [(c) => ({ ...c, train: { ...c.train, batchSize: 5000 } }), 'train.batchSize'],
    ];
    const before = ctx.pool.liveBytes;
    for (const [mutate, field] of cases) {
      let err: unknown;
      try {
        await runExperiment(ctx, ADAPTER, mutate(base()), data);
      } catch (e) {
        err = e;
      }
      expect(err, field).to.be.instanceOf(PruneLabError);
      expect((err as PruneLabError).field, (err as Error).message).to.equal(field);
      expect(ctx.pool.liveBytes, `GPU memory after ${field}`).to.equal(before);
    }
    expect(validateConfig(base()).prune.scope).to.equal('global');
  });

  it('labData names the config field of a subset the data cannot give (subsets.train, subsets.validation, subsets.test)', async () => {
    raw ??= await loadMnist(location.origin);
    for (const [k, n] of [['train', 60000], ['validation', 60000], ['test', 20000]] as const) {
      const c = base();
      c.subsets = { [k]: n };
      let err: unknown;
      try {
        labData(c, raw.train, raw.test);
      } catch (e) {
        err = e;
      }
      expect(err).to.be.instanceOf(PruneLabError);
      expect((err as PruneLabError).field).to.equal(`subsets.${k}`);
      expect((err as Error).message).to.contain(`subsets.${k}`);
    }
  });
});
