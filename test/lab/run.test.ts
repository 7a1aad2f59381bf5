// The experiment runner end to end on real MNIST subsets: the report format, exact
// counts, rewinding, structured shrink, the gradual schedule, the random control,
// aborts, and config validation before any GPU work.
import { expect } from '@esm-bundle/chai';
import { loadMnist } from '../../src/data/mnist.js';
import type { ImageDataset } from '../../src/data/dataset.js';
import { runExperiment, labData, type LabData, type LabProgress } from '../../src/lab/run.js';
import { validateConfig, type ExperimentConfig } from '../../src/lab/config.js';
import { reportToCsv } from '../../src/lab/report.js';
import { iterativeTargets } from '../../src/prune/schedule.js';
import { planModel, LENET_300_100 } from '../../src/nn/spec.js';
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
    expect(report.version).to.equal(1);
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

  it('random control: the same per-layer sparsities as the magnitude run', async () => {
    const ctx = await gpu();
    const mag = base();
    const rnd: ExperimentConfig = { ...base(), prune: { ...base().prune, method: 'random' } };
    const a = await runExperiment(ctx, ADAPTER, mag, await setup(mag));
    const b = await runExperiment(ctx, ADAPTER, rnd, await setup(rnd));
    a.network.destroy();
    b.network.destroy();
    // The first round starts from the same trained model, so the per-layer counts agree exactly.
    expect(b.report.rounds[0]!.layers.map((l) => l.nonzero)).to.deep.equal(a.report.rounds[0]!.layers.map((l) => l.nonzero));
    expect(b.report.rounds[0]!.accuracy).to.be.below(a.report.rounds[0]!.accuracy);
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
});
