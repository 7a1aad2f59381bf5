// Tabular MLPs through the whole lab (GPU, SwiftShader here): a seeded CSV of three
// Gaussian blobs (180 rows, 7 informative features and a constant one) parsed by
// csv.ts, split and standardised by src/data/tabular.ts, the default tabular-mlp
// (8 → 64 → 64 → 3) trained once, then pruned from those weights by every
// criterion and granularity that applies to an MLP (weights after training, N:M 2:4,
// units, during fine-tuning, at initialization), fine-tuned and evaluated. Each
// report passes validateReport and carries the split's standardisation; weight runs
// are held to their exact pruned counts; every run ends with test accuracy ≥ 0.8
// (the trained baseline is ≥ 0.9; chance is 1/3).
import { expect } from '@esm-bundle/chai';
import { parseCsv } from '../../src/data/csv.js';
import { Rng } from '../../src/rng.js';
import { tabularLabData, tabularModel } from '../../src/lab/tabular.js';
import { runExperiment, type LabData } from '../../src/lab/run.js';
import type { ExperimentConfig } from '../../src/lab/config.js';
import { validateReport } from '../../src/lab/report-schema.js';
import type { LayerValues } from '../../src/nn/network.js';
import { pruneCount } from '../../src/ref/mask.js';
import { gpu } from '../helpers/gpu.js';

const ADAPTER = { vendor: 'test', architecture: 'test', description: '', backend: 'browser' };
const F = 8;
const MODEL = tabularModel(F, 3);
const LAYER_WEIGHTS = [F * 64, 64 * 64, 64 * 3];
const N = LAYER_WEIGHTS.reduce((a, b) => a + b, 0);
const FLOOR = 0.8;

function config(prune: Partial<ExperimentConfig['prune']>, epochs = 0): ExperimentConfig {
  return {
    model: MODEL,
    dataset: { name: 'csv', label: 'blobs.csv', target: 'kind' },
    train: { epochs, batchSize: 15, optimizer: { type: 'adam', lr: 0.01 } },
    prune: { schedule: 'oneshot', targetSparsity: 0.5, rounds: 1, finetuneEpochs: 3, ...prune } as ExperimentConfig['prune'],
    seed: 11,
  };
}

let data: LabData | undefined;
let trained: LayerValues[] | undefined;
/** 60 rows per class; feature f of class k is normal with mean 1.5·[f mod 3 = k] (f < 7, σ 1, offset 100 + f); f7 = 4.5 always. */
function blobsCsv(): string {
  const rng = new Rng(2026);
  const rows = ['f0,f1,f2,f3,f4,f5,f6,f7,kind'];
  for (let i = 0; i < 180; i++) {
    const k = i % 3;
    const x = Array.from({ length: 7 }, (_, f) => (100 + f + 1.5 * Number(f % 3 === k) + rng.normal()).toFixed(5));
    rows.push([...x, '4.5', ['ant', 'bee', 'cow'][k]].join(','));
  }
  return rows.join('\n');
}
const blobsData = (): LabData => (data ??= tabularLabData({ seed: 11 }, parseCsv(blobsCsv(), { target: 'kind', name: 'blobs.csv' }), 'kind'));

/** The baseline, trained once (30 epochs) and shared: its weights start every after-training case. */
async function baseline(): Promise<LayerValues[]> {
  if (trained) return trained;
  const ctx = await gpu();
  let values: Promise<LayerValues[]> | undefined;
  const { report, network } = await runExperiment(ctx, ADAPTER, config({ criterion: 'magnitude' }, 30), blobsData(), {
    onRound: (e, _r, net) => {
      if (e.round === 0) values = net.readValues();
    },
  });
  network.destroy();
  expect(report.status, report.error?.message).to.equal('complete');
  expect(report.baseline!.accuracy).to.be.at.least(0.9);
  trained = await values!;
  return trained;
}

const pruned = (e: { layers: { params: number; nonzero: number }[] }): number[] => e.layers.map((l) => l.params - l.nonzero);

describe('tabular MLPs through the lab (three blobs)', () => {
  it('splits 126 / 18 / 36, stratified, and records the training rows\' standardisation', () => {
    const d = blobsData();
    expect([d.train.n, d.validation.n, d.test.n]).to.deep.equal([126, 18, 36]);
    expect([0, 1, 2].map((k) => d.test.labels.filter((l) => l === k).length)).to.deep.equal([12, 12, 12]);
    expect(d.tabular!.classes).to.deep.equal(['ant', 'bee', 'cow']);
    expect(d.tabular!.features).to.deep.equal(['f0', 'f1', 'f2', 'f3', 'f4', 'f5', 'f6', 'f7']);
    expect(d.tabular!.standardization.constant).to.deep.equal(['f7']);
  });

  const weightCases: Array<[string, Partial<ExperimentConfig['prune']>, 'global' | 'local']> = [
    ['magnitude, global', { criterion: 'magnitude' }, 'global'],
    ['magnitude, local', { criterion: 'magnitude', scope: 'local' }, 'local'],
    ['random', { criterion: 'random' }, 'global'],
    ['taylor', { criterion: 'taylor' }, 'global'],
    ['snip (after training)', { criterion: 'snip' }, 'global'],
    ['synflow (after training)', { criterion: 'synflow', synflow: { iterations: 10 } }, 'global'],
    ['lamp', { criterion: 'lamp' }, 'global'],
    ['wanda', { criterion: 'wanda', scope: 'local' }, 'local'],
    ['sparsegpt', { criterion: 'sparsegpt', scope: 'local' }, 'local'],
    ['magnitude, iterative in 3 rounds to 0.8', { criterion: 'magnitude', schedule: 'iterative', rounds: 3, targetSparsity: 0.8, finetuneEpochs: 2 }, 'global'],
  ];
  for (const [what, prune, scope] of weightCases) {
    it(`${what}: exact pruned counts, accuracy ≥ ${FLOOR}, a valid report with the standardisation`, async () => {
      const ctx = await gpu();
      const values = await baseline();
      const { report, network } = await runExperiment(ctx, ADAPTER, config(prune), blobsData(), { initial: { values } });
      network.destroy();
      expect(report.status, report.error?.message).to.equal('complete');
      const last = report.final!;
      const s = last.targetSparsity;
      if (scope === 'global') expect(pruned(last).reduce((a, b) => a + b, 0)).to.equal(pruneCount(s, N));
      else expect(pruned(last)).to.deep.equal(LAYER_WEIGHTS.map((n) => pruneCount(s, n)));
      expect(last.accuracy).to.be.at.least(FLOOR);
      expect(validateReport(JSON.parse(JSON.stringify(report))).data.tabular).to.deep.equal(blobsData().tabular);
    });
  }

  it('N:M 2:4 (magnitude): exactly half of every layer, accuracy ≥ 0.8', async () => {
    const ctx = await gpu();
    const values = await baseline();
    const c = config({ granularity: 'nm', nm: { n: 2, m: 4 }, criterion: 'magnitude' });
    delete (c.prune as { targetSparsity?: number }).targetSparsity;
    const { report, network } = await runExperiment(ctx, ADAPTER, c, blobsData(), { initial: { values } });
    network.destroy();
    expect(report.status, report.error?.message).to.equal('complete');
    expect(pruned(report.final!)).to.deep.equal(LAYER_WEIGHTS.map((n) => n / 2));
    expect(report.final!.accuracy).to.be.at.least(FLOOR);
  });

  for (const criterion of ['l1', 'l2', 'taylor', 'norm-product'] as const) {
    it(`units (${criterion}, local, 50%): the hidden layers shrink 64 → 32, accuracy ≥ 0.8`, async () => {
      const ctx = await gpu();
      const values = await baseline();
      const { report, network } = await runExperiment(ctx, ADAPTER, config({ granularity: 'unit', criterion, scope: 'local' }), blobsData(), { initial: { values } });
      network.destroy();
      expect(report.status, report.error?.message).to.equal('complete');
      expect(report.final!.units).to.deep.equal({ fc1: { before: 64, after: 32 }, fc2: { before: 64, after: 32 }, fc3: { before: 3, after: 3 } });
      expect(report.final!.layers.map((l) => l.shape)).to.deep.equal([[F, 32], [32, 32], [32, 3]]);
      expect(report.final!.accuracy).to.be.at.least(FLOOR);
    });
  }

  it('movement during fine-tuning (gradual to 0.7): exact counts per entry, accuracy ≥ 0.8', async () => {
    const ctx = await gpu();
    const values = await baseline();
    const { report, network } = await runExperiment(ctx, ADAPTER, config({ criterion: 'movement', schedule: 'gradual', targetSparsity: 0.7, rounds: 3, finetuneEpochs: 4, gradualEvery: 3 }), blobsData(), { initial: { values } });
    network.destroy();
    expect(report.status, report.error?.message).to.equal('complete');
    for (const e of report.rounds) expect(pruned(e).reduce((a, b) => a + b, 0)).to.equal(pruneCount(e.targetSparsity, N));
    expect(report.final!.targetSparsity).to.equal(0.7);
    expect(report.final!.accuracy).to.be.at.least(FLOOR);
  });

  for (const criterion of ['snip', 'synflow'] as const) {
    it(`${criterion} at initialization (50%), then 30 epochs of the sparse net: exact count, accuracy ≥ 0.8`, async () => {
      const ctx = await gpu();
      const { report, network } = await runExperiment(ctx, ADAPTER, config({ criterion, when: 'init', finetuneEpochs: 0 }, 30), blobsData());
      network.destroy();
      expect(report.status, report.error?.message).to.equal('complete');
      expect(pruned(report.final!).reduce((a, b) => a + b, 0)).to.equal(pruneCount(0.5, N));
      expect(report.final!.accuracy).to.be.at.least(FLOOR);
    });
  }
});
