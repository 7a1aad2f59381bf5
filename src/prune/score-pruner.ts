// The one pruner every weight criterion goes through: the criterion writes one f32
// score per weight (≥ 0, finite; larger = more important) into buffers this pruner
// owns, then the exact top-k of src/kernels/topk.ts selects over those scores with
// the same groups as magnitude pruning (global: one threshold over the layers;
// local: one per layer; a layer with its own ratio is its own group; excluded
// layers take no part), writes the masks, and zeroes the pruned weights and their
// optimizer state. Exactly round(s·N) weights of each group end up pruned, weights
// already pruned count towards it (they have the lowest key and stay pruned), and
// ties at the threshold go to the lowest index (layer order, then element order).
//
// Magnitude selects over the weights themselves (no score buffers, no copy).
// SynFlow prunes in `iterations` rounds to s_k = 1 − (1 − s)^(k/iterations) (the
// exponential schedule of Tanaka et al. 2020), rescoring on the masked net each round.
// The random control may be given per-layer kept counts (`prune(s, { kept })`):
// then each participating layer is its own group with exactly that many kept.
//
// Three selections do not take a threshold over groups, and each layer j then goes to
// its group's ratio s_j (s, or its own rule) with exactly round(s_j·N_j) pruned:
// - granularity 'nm' (any criterion but sparsegpt): C3's prepareNmMasks over the
//   scores (n kept in every m consecutive inputs of each output), s ignored;
// - criterion 'wanda': compared within each output row, as the paper does
//   (C2's selectPerRow), whatever the scope;
// - criterion 'sparsegpt' (any criterion with a prune(), WeightCriterion's hook for
//   those that choose masks and update the weights they keep): C2's sparseGptPrune,
//   block by block, with nm its N:M variant; it zeroes pruned weights itself.
// Their result reports the kept counts per layer (read back from the masks); the
// threshold fields are empty.
import type { Network } from '../nn/network.js';
import type { ImageDataset } from '../data/dataset.js';
import type { TopkResult } from '../kernels/topk.js';
import { check, PruneLabError } from '../errors.js';
import { MagnitudePruner, pruneGroups, type LayerRule } from './magnitude.js';
import { weightCriterion } from './criteria/index.js';
import type { ScoreInput, WeightCriterion, WeightCriterionName } from './criteria/criterion.js';
import type { MovementScores } from './criteria/movement.js';
import { selectPerRow } from './criteria/wanda.js';
import { prepareSynflow } from './criteria/synflow.js';
import { checkNmShape, nmLayerShape, prepareNmMasks } from './nm.js';
import { checkNmPattern } from '../layout/nm.js';
import { readBuffer } from '../gpu/readback.js';
import { maskBytes } from '../layout/mask.js';

export interface ScorePrunerOptions {
  criterion: WeightCriterionName;
  scope: 'global' | 'local';
  rules?: Record<string, LayerRule> | undefined;
  /** N:M groups (granularity 'nm'): n kept in every m consecutive inputs of each output. */
  nm?: { n: number; m: number } | undefined;
  sparsegpt?: { blockSize?: number; damp?: number } | undefined;
  /** Calibration data (taylor, snip, wanda, sparsegpt). */
  calibration?: ImageDataset | undefined;
  batchSize: number;
  seed: number;
  synflow?: { iterations?: number } | undefined;
  /** The accumulated movement scores (criterion 'movement'), fed by the training loop. */
  movement?: MovementScores | undefined;
  /** Scratch masks, one per participating layer: the selection writes these and leaves the model alone. */
  masks?: readonly GPUBuffer[] | undefined;
}

export interface ScorePruneOptions {
  /** Weights to keep per participating layer (overrides the groups: each layer is then its own). */
  kept?: readonly number[];
}

/** SynFlow's exponential schedule: the sparsity after each of `iterations` rounds towards s. */
export function synflowTargets(s: number, iterations: number): number[] {
  check(Number.isFinite(s) && s >= 0 && s < 1, 'targetSparsity', 'a number in [0, 1)', s);
  check(Number.isInteger(iterations) && iterations >= 1 && iterations <= 10000, 'synflow.iterations', 'an integer in [1, 10000]', iterations);
  return Array.from({ length: iterations }, (_, k) => (k === iterations - 1 ? s : 1 - (1 - s) ** ((k + 1) / iterations)));
}

export class ScorePruner {
  readonly net: Network;
  readonly criterion: WeightCriterion;
  /** Indices into net.layers that take part. */
  readonly layers: readonly number[];
  /** The score buffers (the weights themselves for magnitude). */
  readonly scores: readonly GPUBuffer[];
  private readonly select: MagnitudePruner;
  private perLayer: MagnitudePruner | undefined;
  private readonly owned: GPUBuffer[];
  private readonly o: ScorePrunerOptions;
  private released = false;
  /**
   * Milliseconds the last prune() spent scoring, to the GPU's completion: the
   * criterion's scores (SynFlow: all its rounds; the layer-by-layer criteria with a
   * prune() of their own, i.e. SparseGPT: the whole layer-by-layer pass); 0 for
   * magnitude, whose scores are the weights. submit() leaves it alone (no waiting there).
   */
  lastScoreMs = 0;

  private constructor(net: Network, criterion: WeightCriterion, select: MagnitudePruner, scores: readonly GPUBuffer[], owned: GPUBuffer[], o: ScorePrunerOptions) {
    this.net = net;
    this.criterion = criterion;
    this.select = select;
    this.layers = select.groups.layers;
    this.scores = scores;
    this.owned = owned;
    this.o = o;
  }

  static async create(net: Network, o: ScorePrunerOptions): Promise<ScorePruner> {
    const criterion = weightCriterion(o.criterion);
    check(o.scope === 'global' || o.scope === 'local', 'prune.scope', "'global' or 'local'", o.scope);
    check(Number.isInteger(o.batchSize) && o.batchSize >= 1, 'batchSize', 'an integer ≥ 1', o.batchSize);
    check(Number.isInteger(o.seed), 'seed', 'an integer', o.seed);
    if (o.criterion === 'sparsegpt' && o.masks) throw new PruneLabError('invalid-argument', "criterion 'sparsegpt' writes the network's own masks and weights: scratch masks are not supported", 'masks');
    if (criterion.needs.calibration) check(o.calibration !== undefined && o.calibration.n >= 1, 'calibration', `calibration data for criterion '${o.criterion}'`, o.calibration);
    if (o.criterion === 'movement') check(o.movement !== undefined, 'movement', "the accumulated scores (MovementScores) for criterion 'movement'", o.movement);
    if (o.criterion === 'synflow') synflowTargets(0, o.synflow?.iterations ?? 100);
    const layers = pruneGroups(net, o.scope, o.rules).layers;
    if (o.masks) check(o.masks.length === layers.length, 'masks', `one mask per participating layer (${layers.length})`, o.masks.length);
    if (o.nm !== undefined) {
      checkNmPattern(o.nm, 'prune.nm');
      for (const i of layers) checkNmShape(nmLayerShape(net.layers[i]!.op).cols, o.nm.m, `prune.layers.${net.layers[i]!.op.name}`);
    }
    if (o.movement) check(o.movement.layers.length === layers.length && o.movement.layers.every((li, j) => li === layers[j]), 'movement.layers', `the pruner's layers (${layers.join(',')})`, o.movement.layers.join(','));
    const owned = o.criterion === 'magnitude' ? [] : layers.map((i) => net.ctx.pool.storage(`${net.layers[i]!.op.name} ${o.criterion} scores`, net.layers[i]!.op.weightCount * 4));
    const scores = o.criterion === 'magnitude' ? layers.map((i) => net.layers[i]!.w) : owned;
    const select = await MagnitudePruner.create(net, o.scope, o.rules, o.masks, scores);
    return new ScorePruner(net, criterion, select, scores, owned, o);
  }

  /** The scoring input handed to the criterion. */
  get input(): ScoreInput {
    const o = this.o;
    return {
      ctx: this.net.ctx, net: this.net, layers: this.layers, batchSize: o.batchSize, seed: o.seed,
      ...(o.calibration ? { calibration: o.calibration } : {}),
      ...(o.synflow ? { synflow: o.synflow } : {}),
      ...(o.movement ? { movement: o.movement } : {}),
      ...(o.nm ? { nm: o.nm } : {}),
      ...(o.sparsegpt ? { sparsegpt: o.sparsegpt } : {}),
    };
  }

  /** k per group for sparsity s. */
  counts(s: number): number[] {
    return this.select.counts(s);
  }

  /** Scores (with the criterion) and prunes to sparsity s; reads back only the result words. */
  async prune(s: number, opts: ScorePruneOptions = {}): Promise<TopkResult> {
    return (await this.run(s, opts, true))!;
  }

  /**
   * As prune, with no readback at all (the masks are written when the queued work
   * runs): for mask updates inside a training loop (the gradual schedule's afterStep).
   * Criteria that read data back while scoring (SynFlow's one weight readback for its
   * scales, SparseGPT's Cholesky) still do so.
   */
  async submit(s: number, opts: ScorePruneOptions = {}): Promise<void> {
    await this.run(s, opts, false);
  }

  private async run(s: number, opts: ScorePruneOptions, read: boolean): Promise<TopkResult | undefined> {
    check(!this.released, 'pruner', 'not released');
    check(Number.isFinite(s) && s >= 0 && s < 1, 'targetSparsity', 'a number in [0, 1)', s);
    if (opts.kept) return this.pruneKept(opts.kept, read);
    if (this.o.nm || this.o.criterion === 'wanda' || this.o.criterion === 'sparsegpt') return this.pruneLayerwise(s, read);
    const t0 = performance.now();
    const scored = async (): Promise<void> => {
      if (!read) return;
      await this.net.ctx.device.queue.onSubmittedWorkDone();
      this.lastScoreMs = performance.now() - t0;
    };
    if (this.o.criterion === 'synflow') {
      const targets = synflowTargets(s, this.o.synflow?.iterations ?? 100);
      const scorer = await prepareSynflow(this.input, this.scores);
      try {
        for (let r = 0; r < targets.length - 1; r++) {
          scorer.run();
          await this.select.submitCounts(this.select.counts(targets[r]!), `synflow round ${r + 1}`);
        }
        scorer.run();
        await scored();
      } finally {
        scorer.release();
      }
    } else if (this.o.criterion !== 'magnitude') {
      await this.criterion.score(this.input, this.scores);
      await scored();
    } else if (read) {
      this.lastScoreMs = 0;
    }
    await this.select.submitCounts(this.select.counts(s), `to ${s}`);
    return read ? this.select.readResult() : undefined;
  }

  /** Each layer's ratio for target s (its own rule, else s). */
  layerSparsity(s: number): number[] {
    const g = this.select.groups;
    return g.layers.map((_, j) => g.fixed[g.groupOf[j]!] ?? s);
  }

  private masksOf(j: number): GPUBuffer {
    return this.o.masks?.[j] ?? this.net.layers[this.layers[j]!]!.mask;
  }

  private async pruneLayerwise(s: number, read: boolean): Promise<TopkResult | undefined> {
    const { net, o } = this;
    const sparsity = this.layerSparsity(s);
    const t0 = performance.now();
    const scored = async (): Promise<void> => {
      if (!read) return;
      await net.ctx.device.queue.onSubmittedWorkDone();
      this.lastScoreMs = performance.now() - t0;
    };
    if (this.criterion.prune) {
      // SparseGPT: scoring, selection and the OBS update are one layer-by-layer pass.
      await this.criterion.prune(this.input, sparsity);
      await scored();
    } else {
      if (o.criterion !== 'magnitude') await this.criterion.score(this.input, this.scores);
      if (o.criterion !== 'magnitude') await scored();
      else if (read) this.lastScoreMs = 0;
      if (o.nm) {
        const plan = await prepareNmMasks(net.ctx, this.layers.map((li, j) => ({ scores: this.scores[j]!, mask: this.masksOf(j), ...nmLayerShape(net.layers[li]!.op) })), o.nm.n, o.nm.m);
        try {
          const enc = net.ctx.device.createCommandEncoder({ label: `nm ${o.nm.n}:${o.nm.m} prune` });
          const pass = enc.beginComputePass({ label: 'nm prune' });
          plan.encode(pass);
          pass.end();
          net.ctx.device.queue.submit([enc.finish()]);
        } finally {
          plan.release();
        }
      } else {
        await selectPerRow(net, this.layers, this.scores, sparsity, o.masks);
      }
      if (!o.masks) await net.applyMasks();
    }
    if (!read) return undefined;
    const kept = await Promise.all(this.layers.map(async (li, j) => {
      const n = net.layers[li]!.op.weightCount;
      const m = new Uint8Array(await readBuffer(net.ctx.device, this.masksOf(j), maskBytes(n)), 0, n);
      let k = 0;
      for (const x of m) if (x) k++;
      return k;
    }));
    return { thresholds: [], k: [], ties: [], tiesPruned: [], kept };
  }

  private async pruneKept(kept: readonly number[], read: boolean): Promise<TopkResult | undefined> {
    check(kept.length === this.layers.length, 'kept', `one count per participating layer (${this.layers.length})`, kept.length);
    const k = this.layers.map((li, j) => {
      const n = this.net.layers[li]!.op.weightCount;
      check(Number.isInteger(kept[j]) && kept[j]! >= 0 && kept[j]! <= n, `kept[${j}]`, `an integer in [0, ${n}]`, kept[j]);
      return n - kept[j]!;
    });
    this.perLayer ??= await MagnitudePruner.create(this.net, 'local', this.o.rules, this.o.masks, this.scores);
    if (this.o.criterion !== 'magnitude') await this.criterion.score(this.input, this.scores);
    await this.perLayer.submitCounts(k);
    return read ? this.perLayer.readResult() : undefined;
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    this.select.release();
    this.perLayer?.release();
    for (const b of this.owned) this.net.ctx.pool.release(b);
  }
}
