// The runner on the axes of #13 (real MNIST subsets, small models): pruning at
// initialization (round 0 = the untrained dense net, round 1 = pruned at init, then
// trained), the criteria through the score pruner (exact counts; LAMP's per-layer
// split against its CPU oracle), the random control at init, movement during
// fine-tuning, and the normalized config and calibration sizes in the version-2 report.
import { expect } from '@esm-bundle/chai';
import { loadMnist } from '../../src/data/mnist.js';
import type { ImageDataset } from '../../src/data/dataset.js';
import { runExperiment, labData, calibrationSet, type LabData } from '../../src/lab/run.js';
import type { ExperimentConfig } from '../../src/lab/config.js';
import { validateReport } from '../../src/lab/report-schema.js';
import { planModel, type ModelSpec } from '../../src/nn/spec.js';
import { initialValues, type LayerValues } from '../../src/nn/network.js';
import { pruneCount } from '../../src/ref/mask.js';
import { lampScores } from '../../src/ref/criteria/lamp.js';
import { cubicSparsity } from '../../src/prune/schedule.js';
import { gpu } from '../helpers/gpu.js';

const ADAPTER = { vendor: 'test', architecture: 'test', description: '', backend: 'browser' };
const SMALL: ModelSpec = { input: { C: 1, H: 28, W: 28 }, layers: [{ type: 'linear', units: 32 }, { type: 'relu' }, { type: 'linear', units: 16 }, { type: 'relu' }, { type: 'linear', units: 10 }] };
const N = 784 * 32 + 32 * 16 + 16 * 10;
let raw: { train: ImageDataset; test: ImageDataset } | undefined;

function base(prune: Partial<ExperimentConfig['prune']>): ExperimentConfig {
  return {
    model: SMALL,
    dataset: { name: 'mnist' },
    train: { epochs: 1, batchSize: 20, optimizer: { type: 'adam', lr: 2e-3 } },
    prune: { schedule: 'oneshot', targetSparsity: 0.9, rounds: 1, finetuneEpochs: 1, ...prune },
    seed: 5,
    subsets: { train: 400, validation: 100, test: 200 },
  };
}

async function setup(config: ExperimentConfig): Promise<LabData> {
  raw ??= await loadMnist(location.origin);
  return labData(config, raw.train, raw.test);
}

/** The global top-(N − k) of `scores` (ties to the lowest index pruned first): kept per layer. */
function keptByGlobalScore(scores: ArrayLike<number>[], s: number): number[] {
  const all = scores.flatMap((a, l) => Array.from(a, (v, i) => ({ v, l, i })));
  all.sort((a, b) => a.v - b.v || a.l - b.l || a.i - b.i);
  const k = pruneCount(s, all.length);
  const kept = scores.map((a) => a.length);
  for (let t = 0; t < k; t++) kept[all[t]!.l]!--;
  return kept;
}

const counts = (e: { layers: { nonzero: number }[] }): number[] => e.layers.map((l) => l.nonzero);
const pruned = (e: { layers: { params: number; nonzero: number }[] }): number => e.layers.reduce((t, l) => t + l.params - l.nonzero, 0);

describe('runExperiment on the axes', () => {
  it("when 'init' (magnitude): round 0 is the untrained dense net, round 1 the init weights' magnitude mask, then trained", async () => {
    const ctx = await gpu();
    const config = { ...base({ criterion: 'magnitude', when: 'init', finetuneEpochs: 0, targetSparsity: 0.5 }), train: { epochs: 3, batchSize: 20, optimizer: { type: 'adam' as const, lr: 5e-3 } } };
    const before = ctx.pool.liveBytes;
    const { report, network } = await runExperiment(ctx, ADAPTER, config, await setup(config));
    const now = await network.readValues();
    network.destroy();
    expect(report.status, report.error?.message).to.equal('complete');
    expect(report.version).to.equal(2);
    expect([report.config.prune.granularity, report.config.prune.criterion, report.config.prune.scope, report.config.prune.when]).to.deep.equal(['weight', 'magnitude', 'global', 'init']);
    const b = report.baseline!;
    expect([b.round, b.sparsity, b.loss, b.timeMs.finetune, b.timeMs.prune]).to.deep.equal([0, 0, null, 0, 0]);
    expect(b.accuracy).to.be.below(0.3);
    expect(report.rounds).to.have.length(1);
    const r = report.rounds[0]!;
    expect(r.layers.reduce((t, l) => t + l.nonzero, 0)).to.equal(N - Math.round(0.5 * N));
    expect(r.loss).to.be.a('number');
    expect(r.accuracy).to.be.above(0.5);
    expect(r.calibration).to.equal(undefined);
    // The masks are the global magnitude selection over the initial weights.
    const init = initialValues(planModel(SMALL), 5);
    const kept = keptByGlobalScore(init.map((v) => v.w.map(Math.abs)), 0.5);
    expect(now.map((v) => v.mask.reduce((t, m) => t + m, 0))).to.deep.equal(kept);
    // One global threshold: every kept weight was at least as large at init as every pruned one.
    let minKept = Infinity;
    let maxPruned = 0;
    now.forEach((v, i) => v.mask.forEach((m, j) => {
      const a = Math.abs(init[i]!.w[j]!);
      if (m) minKept = Math.min(minKept, a);
      else maxPruned = Math.max(maxPruned, a);
    }));
    expect(minKept).to.be.at.least(maxPruned);
    expect(validateReport(JSON.parse(JSON.stringify(report)))).to.deep.equal(report);
    expect(ctx.pool.liveBytes).to.equal(before);
  });

  it("when 'init' at sparsity 0 trains exactly as the dense baseline of an 'after' run (the baseline's seeds)", async () => {
    const ctx = await gpu();
    const after = base({ criterion: 'magnitude', finetuneEpochs: 0 });
    const init = base({ criterion: 'magnitude', when: 'init', finetuneEpochs: 0, targetSparsity: 0 });
    const data = await setup(after);
    const a = await runExperiment(ctx, ADAPTER, after, data);
    const b = await runExperiment(ctx, ADAPTER, init, data);
    a.network.destroy();
    b.network.destroy();
    expect([b.report.rounds[0]!.loss, b.report.rounds[0]!.accuracy, b.report.rounds[0]!.confusion]).to.deep.equal([a.report.baseline!.loss, a.report.baseline!.accuracy, a.report.baseline!.confusion]);
  });

  it("when 'init' (random, global): the per-layer counts of magnitude at init, through the twin", async () => {
    const ctx = await gpu();
    const mag = base({ criterion: 'magnitude', when: 'init', finetuneEpochs: 0 });
    const rnd = base({ criterion: 'random', when: 'init', finetuneEpochs: 0 });
    const data = await setup(mag);
    const before = ctx.pool.liveBytes;
    const a = await runExperiment(ctx, ADAPTER, mag, data);
    const b = await runExperiment(ctx, ADAPTER, rnd, data);
    a.network.destroy();
    b.network.destroy();
    expect(b.report.status, b.report.error?.message).to.equal('complete');
    expect(counts(b.report.rounds[0]!)).to.deep.equal(counts(a.report.rounds[0]!));
    expect(new Set(b.report.rounds[0]!.layers.map((l) => l.sparsity)).size).to.equal(3);
    expect(ctx.pool.liveBytes, 'the twin is freed').to.equal(before);
  });

  it('LAMP after training: exact count, and the per-layer split of its CPU oracle over the baseline weights', async () => {
    const ctx = await gpu();
    const config = base({ criterion: 'lamp', finetuneEpochs: 0 });
    let baseline: Promise<LayerValues[]> | undefined;
    const { report, network } = await runExperiment(ctx, ADAPTER, config, await setup(config), {
      onRound: (e, _r, net) => { if (e.round === 0) baseline = net.readValues(); },
    });
    network.destroy();
    expect(report.status, report.error?.message).to.equal('complete');
    expect(report.config.prune.criterion).to.equal('lamp');
    const r = report.rounds[0]!;
    expect(r.timeMs.score).to.be.a('number').above(0);
    expect(r.layers.reduce((t, l) => t + l.nonzero, 0)).to.equal(N - Math.round(0.9 * N));
    const want = keptByGlobalScore((await baseline!).map((v) => lampScores(v.w)), 0.9);
    // f32 scores on the GPU against f64 here: a near-tie may fall on the other side (≤ 2 weights a layer).
    counts(r).forEach((c, i) => expect(Math.abs(c - want[i]!), `layer ${i}: ${c} vs ${want[i]}`).to.be.at.most(2));
    // And it is not global magnitude's split.
    const mag = keptByGlobalScore((await baseline!).map((v) => v.w.map(Math.abs)), 0.9);
    expect(counts(r)).to.not.deep.equal(mag);
  });

  it("movement during fine-tuning (gradual): each epoch's entry at the applied target, exact counts, scores freed", async () => {
    const ctx = await gpu();
    // 400 rows / 20 = 20 steps an epoch; updates at 10, 20, 30; epochs end at 20 and 40.
    const config = base({ criterion: 'movement', schedule: 'gradual', targetSparsity: 0.8, rounds: 3, finetuneEpochs: 2, gradualEvery: 10 });
    const before = ctx.pool.liveBytes;
    const { report, network } = await runExperiment(ctx, ADAPTER, config, await setup(config));
    const last = await network.readValues();
    network.destroy();
    expect(report.status, report.error?.message).to.equal('complete');
    expect(report.config.prune.when).to.equal('during');
    const sched = { initial: 0, final: 0.8, start: 0, every: 10, updates: 3 };
    expect(report.rounds.map((e) => e.targetSparsity)).to.deep.equal([cubicSparsity(20, sched), 0.8]);
    report.rounds.forEach((e) => expect(e.layers.reduce((t, l) => t + l.params - l.nonzero, 0)).to.equal(Math.round(e.targetSparsity * N)));
    expect(last.reduce((t, l) => t + l.mask.reduce((u, m) => u + (m ? 0 : 1), 0), 0)).to.equal(Math.round(0.8 * N));
    expect(ctx.pool.liveBytes).to.equal(before);
    // The scores did accumulate: not all tied (which would prune fc1's first weights in index order), and not magnitude's choice.
    const fc1 = last[0]!.mask;
    expect(fc1.subarray(0, Math.round(0.8 * N)).some((m) => m === 1)).to.equal(true);
    const mag = await runExperiment(ctx, ADAPTER, { ...config, prune: { ...config.prune, criterion: 'magnitude' } }, await setup(config));
    const magMasks = await mag.network.readValues();
    mag.network.destroy();
    const differ = last.reduce((t, l, i) => t + l.mask.reduce((u, m, j) => u + (m !== magMasks[i]!.mask[j] ? 1 : 0), 0), 0);
    expect(differ).to.be.above(0.05 * N);
  });

  it('the calibration subset: seeded, without repeats, in the training order, the whole split when it asks for all', async () => {
    const config = base({});
    const data = await setup(config);
    const a = calibrationSet(data.train, 50, 5);
    const b = calibrationSet(data.train, 50, 5);
    const c = calibrationSet(data.train, 50, 6);
    expect(a.n).to.equal(50);
    expect(Array.from(a.labels)).to.deep.equal(Array.from(b.labels));
    expect(Array.from(a.images.subarray(0, 784 * 50))).to.deep.equal(Array.from(b.images.subarray(0, 784 * 50)));
    expect(Array.from(a.images.subarray(0, 784 * 50))).to.not.deep.equal(Array.from(c.images.subarray(0, 784 * 50)));
    expect(calibrationSet(data.train, 400, 5)).to.equal(data.train);
  });

  it('N:M 2:4 (magnitude): every group of 4 consecutive inputs of each output keeps its 2 largest baseline weights', async () => {
    const ctx = await gpu();
    const config = base({ granularity: 'nm', nm: { n: 2, m: 4 }, finetuneEpochs: 0, targetSparsity: undefined as unknown as number });
    let baseline: Promise<LayerValues[]> | undefined;
    const { report, network } = await runExperiment(ctx, ADAPTER, config, await setup(config), {
      onRound: (e, _r, net) => { if (e.round === 0) baseline = net.readValues(); },
    });
    const now = await network.readValues();
    network.destroy();
    expect(report.status, report.error?.message).to.equal('complete');
    expect([report.config.prune.targetSparsity, report.config.prune.scope, report.rounds[0]!.sparsity]).to.deep.equal([0.5, 'local', 0.5]);
    const before = await baseline!;
    const plan = planModel(SMALL);
    let groups = 0;
    plan.params.forEach((q, i) => {
      // Linear weights are stored K×N (inputs × outputs): a group runs down one column.
      const K = q.in;
      const O = q.weightCount / K;
      for (let o = 0; o < O; o++) {
        for (let g = 0; g < K; g += 4) {
          const idx = [0, 1, 2, 3].map((t) => (g + t) * O + o);
          const kept = idx.filter((j) => now[i]!.mask[j]);
          const top = [...idx].sort((a, b) => Math.abs(before[i]!.w[b]!) - Math.abs(before[i]!.w[a]!) || a - b).slice(0, 2).sort((a, b) => a - b);
          expect(kept, `${q.name} output ${o} group ${g / 4}`).to.deep.equal(top);
          groups++;
        }
      }
    });
    expect(groups).to.equal(N / 4);
  });

  it('Wanda: each layer to the target (compared within rows), the calibration size recorded', async () => {
    const ctx = await gpu();
    const config = base({ criterion: 'wanda', targetSparsity: 0.6, finetuneEpochs: 0, calibration: { samples: 64 } });
    const { report, network } = await runExperiment(ctx, ADAPTER, config, await setup(config));
    network.destroy();
    expect(report.status, report.error?.message).to.equal('complete');
    const r = report.rounds[0]!;
    expect(r.calibration).to.deep.equal({ samples: 64, batchSize: 20 });
    // The scoring time is recorded, and is part of the round's pruning time.
    expect(r.timeMs.score).to.be.a('number').above(0);
    expect(r.timeMs.score!).to.be.at.most(r.timeMs.prune);
    expect(r.layers.map((l) => l.params - l.nonzero)).to.deep.equal(r.layers.map((l) => Math.round(0.6 * l.params)));
    expect(validateReport(JSON.parse(JSON.stringify(report)))).to.deep.equal(report);
  });

  it('Taylor (weights, global): exact count over the pooled layers, calibration defaulting to the training rows', async () => {
    const ctx = await gpu();
    const config = base({ criterion: 'taylor', targetSparsity: 0.8, finetuneEpochs: 0 });
    const { report, network } = await runExperiment(ctx, ADAPTER, config, await setup(config));
    network.destroy();
    expect(report.status, report.error?.message).to.equal('complete');
    expect(report.rounds[0]!.calibration).to.deep.equal({ samples: 400, batchSize: 20 });
    expect(pruned(report.rounds[0]!)).to.equal(Math.round(0.8 * N));
  });

  for (const criterion of ['snip', 'synflow'] as const) {
    it(`${criterion} at init: round(s·N) removed before training, then trained`, async () => {
      const ctx = await gpu();
      const config = base({ criterion, when: 'init', finetuneEpochs: 0, targetSparsity: 0.9, ...(criterion === 'synflow' ? { synflow: { iterations: 5 } } : { calibration: { samples: 40 } }) });
      const before = ctx.pool.liveBytes;
      const { report, network } = await runExperiment(ctx, ADAPTER, config, await setup(config));
      network.destroy();
      expect(report.status, report.error?.message).to.equal('complete');
      const r = report.rounds[0]!;
      expect(pruned(r)).to.equal(Math.round(0.9 * N));
      expect(r.calibration).to.deep.equal(criterion === 'snip' ? { samples: 40, batchSize: 20 } : undefined);
      expect(r.timeMs.finetune).to.be.above(0);
      expect(ctx.pool.liveBytes).to.equal(before);
    });
  }

  for (const criterion of ['taylor', 'norm-product'] as const) {
    it(`units by ${criterion}: shrunk to the fraction per layer (local), the last layer kept`, async () => {
      const ctx = await gpu();
      const config = base({ granularity: 'unit', criterion, scope: 'local', targetSparsity: 0.5, finetuneEpochs: 0, ...(criterion === 'taylor' ? { calibration: { samples: 40 } } : {}) });
      const { report, network } = await runExperiment(ctx, ADAPTER, config, await setup(config));
      network.destroy();
      expect(report.status, report.error?.message).to.equal('complete');
      const r = report.rounds[0]!;
      expect(r.units).to.deep.equal({ fc1: { before: 32, after: 16 }, fc2: { before: 16, after: 8 }, fc3: { before: 10, after: 10 } });
      expect(r.layers.map((l) => l.shape)).to.deep.equal([[784, 16], [16, 8], [8, 10]]);
      expect(r.calibration).to.deep.equal(criterion === 'taylor' ? { samples: 40, batchSize: 20 } : undefined);
    });
  }

  it('Taylor during fine-tuning (gradual): rescored from the calibration subset at each update, exact counts, the size in each entry', async () => {
    const ctx = await gpu();
    const config = base({ criterion: 'taylor', schedule: 'gradual', targetSparsity: 0.7, rounds: 2, finetuneEpochs: 2, gradualEvery: 15, calibration: { samples: 40 } });
    const { report, network } = await runExperiment(ctx, ADAPTER, config, await setup(config));
    network.destroy();
    expect(report.status, report.error?.message).to.equal('complete');
    // Updates at steps 15 and 30; the epochs end at 20 and 40.
    const sched = { initial: 0, final: 0.7, start: 0, every: 15, updates: 2 };
    expect(report.rounds.map((e) => e.targetSparsity)).to.deep.equal([cubicSparsity(15, sched), 0.7]);
    report.rounds.forEach((e) => {
      expect(pruned(e)).to.equal(Math.round(e.targetSparsity * N));
      expect(e.calibration).to.deep.equal({ samples: 40, batchSize: 20 });
    });
  });

  it('random N:M 1:4: one kept in every group of 4, a different choice from magnitude', async () => {
    const ctx = await gpu();
    const cfg = (criterion: 'random' | 'magnitude'): ExperimentConfig => base({ granularity: 'nm', criterion, nm: { n: 1, m: 4 }, finetuneEpochs: 0, targetSparsity: 0.75 });
    const data = await setup(cfg('random'));
    const a = await runExperiment(ctx, ADAPTER, cfg('random'), data);
    const b = await runExperiment(ctx, ADAPTER, cfg('magnitude'), data);
    const [ma, mb] = [await a.network.readValues(), await b.network.readValues()];
    a.network.destroy();
    b.network.destroy();
    expect(a.report.status, a.report.error?.message).to.equal('complete');
    a.report.rounds[0]!.layers.forEach((l) => expect(l.nonzero, l.name).to.equal(l.params / 4));
    const same = ma.reduce((t, l, i) => t + l.mask.reduce((u, m, j) => u + (m && mb[i]!.mask[j] ? 1 : 0), 0), 0);
    // Chance agreement of 1-of-4 choices is a quarter of the N/4 kept.
    expect(same).to.be.below(N / 4 / 2);
  });

  for (const nm of [undefined, { n: 2, m: 4 }] as const) {
    it(`SparseGPT${nm ? ' 2:4' : ''}: each layer to the target, the kept weights updated (OBS), the calibration size recorded`, async () => {
      const ctx = await gpu();
      const config = base({ criterion: 'sparsegpt', finetuneEpochs: 0, calibration: { samples: 60 }, sparsegpt: { blockSize: 16 }, ...(nm ? { granularity: 'nm' as const, nm, targetSparsity: 0.5 } : { targetSparsity: 0.6 }) });
      let baseline: Promise<LayerValues[]> | undefined;
      const { report, network } = await runExperiment(ctx, ADAPTER, config, await setup(config), {
        onRound: (e, _r, net) => { if (e.round === 0) baseline = net.readValues(); },
      });
      const now = await network.readValues();
      network.destroy();
      expect(report.status, report.error?.message).to.equal('complete');
      expect(report.config.prune.sparsegpt).to.deep.equal({ blockSize: 16, damp: 0.01 });
      const r = report.rounds[0]!;
      const s = nm ? 0.5 : 0.6;
      // The masks hold exactly round(s·N_j) pruned per layer; the report counts zeros, and SparseGPT also zeroes
      // (without masking) the weights of inputs that are 0 over the whole calibration set (MNIST's border pixels).
      expect(now.map((l) => l.mask.reduce((t, m) => t + (m ? 0 : 1), 0))).to.deep.equal(r.layers.map((l) => Math.round(s * l.params)));
      r.layers.forEach((l) => expect(l.params - l.nonzero, l.name).to.be.at.least(Math.round(s * l.params)));
      expect(r.calibration).to.deep.equal({ samples: 60, batchSize: 20 });
      const before = await baseline!;
      let changed = 0;
      now.forEach((l, i) => l.w.forEach((x, j) => { if (l.mask[j] && x !== before[i]!.w[j]) changed++; }));
      expect(changed).to.be.above((N * (1 - s)) / 2);
    });
  }
});
