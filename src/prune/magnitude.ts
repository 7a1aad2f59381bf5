// Unstructured magnitude pruning of a Network on the GPU: one exact top-k selection
// over the chosen layers (global: one threshold; local: one per layer; layers with
// their own ratio form their own groups), masks written in place, then the pruned
// weights and their optimizer state zeroed. Only the kept counts are read back.
// The selection runs over |w| by default, or over any score buffers (one f32 per
// weight, ≥ 0) that a criterion wrote: src/prune/score-pruner.ts builds on this.
import type { Network, ParamLayer } from '../nn/network.js';
import { prepareTopk, type TopkPlan, type TopkResult } from '../kernels/topk.js';
import { pruneCount } from '../layout/mask.js';
import { check } from '../errors.js';

export interface LayerRule {
  exclude?: boolean;
  sparsity?: number;
}

export interface PruneGroups {
  /** Indices into net.layers that take part. */
  layers: number[];
  /** Group index per participating layer. */
  groupOf: number[];
  /** Per group: its own fixed ratio, or null for the run's target. */
  fixed: Array<number | null>;
}

/** Groups the prunable layers by scope and per-layer rules. */
export function pruneGroups(net: Network, scope: 'global' | 'local', rules: Record<string, LayerRule> = {}): PruneGroups {
  const layers: number[] = [];
  const groupOf: number[] = [];
  const fixed: Array<number | null> = [];
  let shared = -1;
  net.layers.forEach((l, i) => {
    const r = rules[l.op.name];
    if (r?.exclude) return;
    layers.push(i);
    if (r?.sparsity !== undefined) {
      groupOf.push(fixed.length);
      fixed.push(r.sparsity);
    } else if (scope === 'local') {
      groupOf.push(fixed.length);
      fixed.push(null);
    } else {
      if (shared < 0) {
        shared = fixed.length;
        fixed.push(null);
      }
      groupOf.push(shared);
    }
  });
  check(layers.length > 0, 'layers', 'at least one prunable layer not excluded', 0);
  return { layers, groupOf, fixed };
}

export class MagnitudePruner {
  readonly net: Network;
  readonly groups: PruneGroups;
  private readonly plan: TopkPlan;
  /** False when the selection writes scratch masks (the model is left alone). */
  private readonly ownMasks: boolean;

  private constructor(net: Network, groups: PruneGroups, plan: TopkPlan, ownMasks: boolean) {
    this.net = net;
    this.groups = groups;
    this.plan = plan;
    this.ownMasks = ownMasks;
  }

  /**
   * Prepares the selection over `net`'s layers, writing into `masks` (default: the
   * network's own masks; the random baseline passes scratch masks to learn the
   * per-layer counts without changing the model).
   */
  static async create(net: Network, scope: 'global' | 'local', rules?: Record<string, LayerRule>, masks?: readonly GPUBuffer[], scores?: readonly GPUBuffer[]): Promise<MagnitudePruner> {
    const groups = pruneGroups(net, scope, rules);
    const sel: ParamLayer[] = groups.layers.map((i) => net.layers[i]!);
    const plan = await prepareTopk(net.ctx, sel.map((l, j) => ({ weights: scores?.[j] ?? l.w, mask: masks?.[j] ?? l.mask, n: l.op.weightCount })), groups.groupOf);
    return new MagnitudePruner(net, groups, plan, !masks);
  }

  /** True when the selection rewrites the network's own masks (and so zeroes weights and optimizer state). */
  get writesModel(): boolean {
    return this.ownMasks;
  }

  /** k per group for the run's target sparsity s (groups with a fixed ratio keep theirs). */
  counts(s: number): number[] {
    return this.plan.groupSizes.map((n, g) => pruneCount(this.groups.fixed[g] ?? s, n));
  }

  /**
   * Encodes the selection and the mask writes, then (for the model's own masks) the
   * zeroing of pruned weights and optimizer state. Call `net.prepareMaskApply()` first.
   */
  encode(pass: GPUComputePassEncoder, s: number): void {
    this.encodeCounts(pass, this.counts(s));
  }

  /** As encode, with the number of weights to prune in each group given (k[g] ≤ the group's size). */
  encodeCounts(pass: GPUComputePassEncoder, k: readonly number[]): void {
    this.plan.setK(k);
    this.plan.encode(pass);
    if (this.ownMasks) this.net.encodeMaskApply(pass);
  }

  /** Prunes to sparsity s (over the shared group) and reads back the few result words. */
  async prune(s: number): Promise<TopkResult> {
    return this.pruneCounts(this.counts(s), `to ${s}`);
  }

  /** Prunes k[g] weights of each group (those already pruned count) and reads back the result words. */
  async pruneCounts(k: readonly number[], what = `k=${k.join(',')}`): Promise<TopkResult> {
    await this.submitCounts(k, what);
    return this.plan.readResult();
  }

  /** As pruneCounts without the readback (for rounds whose result nobody reads). */
  async submitCounts(k: readonly number[], what = `k=${k.join(',')}`): Promise<void> {
    if (this.ownMasks) await this.net.prepareMaskApply();
    const d = this.net.ctx.device;
    const enc = d.createCommandEncoder({ label: `prune ${what}` });
    const pass = enc.beginComputePass({ label: `prune ${what}` });
    this.encodeCounts(pass, k);
    pass.end();
    d.queue.submit([enc.finish()]);
  }

  /** Reads the result words of the last submitted selection. */
  readResult(): Promise<TopkResult> {
    return this.plan.readResult();
  }

  release(): void {
    this.plan.release();
  }
}
