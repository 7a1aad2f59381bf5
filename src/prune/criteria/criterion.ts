// What a pruning criterion is: a small module that turns a layer's weights (and, where
// it needs them, gradients or calibration activations) into one f32 score per weight,
// larger = more important. The threshold, the exact-k tie-break and the masks are the
// shared machinery of src/kernels/topk.ts (prepareTopk over the score buffers instead
// of the weights), not each criterion's own. Adding a criterion means one module here,
// its CPU oracle in src/ref/criteria/, its tests, and one line in the registry.
import type { GpuContext } from '../../gpu/context.js';
import type { ImageDataset } from '../../data/dataset.js';
import type { Network } from '../../nn/network.js';
import type { MovementScores } from './movement.js';

/** How single weights are scored. */
export const WEIGHT_CRITERIA = ['magnitude', 'random', 'taylor', 'snip', 'synflow', 'lamp', 'wanda', 'sparsegpt', 'movement'] as const;
export type WeightCriterionName = (typeof WEIGHT_CRITERIA)[number];

/** How whole units (neurons / filters) are scored. */
export const UNIT_CRITERIA = ['l1', 'l2', 'taylor', 'norm-product'] as const;
export type UnitCriterionName = (typeof UNIT_CRITERIA)[number];

/** What is removed: single weights, whole units (physically shrunk), or N:M groups along a row's input dimension. */
export const GRANULARITIES = ['weight', 'unit', 'nm'] as const;
export type Granularity = (typeof GRANULARITIES)[number];

/** When the masks are chosen: after training, at initialization (then the sparse net is trained), or during training. */
export const WHEN = ['after', 'init', 'during'] as const;
export type PruneWhen = (typeof WHEN)[number];

/** SparseGPT's columns per block and dampening (a fraction of mean(diag H)) when not given. */
export const SPARSEGPT_DEFAULTS = { blockSize: 128, damp: 0.01 } as const;

/** What a criterion needs from the run before it can score. */
export interface CriterionNeeds {
  /** Calibration batches (a seeded subset of the training split). */
  calibration: boolean;
  /** Gradients of the loss over the calibration batches (Taylor, SNIP). */
  gradients: boolean;
  /** Each prunable layer's inputs over the calibration batches (Wanda, SparseGPT; im2col columns for conv). */
  activations: boolean;
  /** The score changes the weights it keeps (SparseGPT's OBS update). */
  updatesWeights: boolean;
}

export interface ScoreInput {
  ctx: GpuContext;
  net: Network;
  /** Indices into net.layers that take part, in order. */
  layers: readonly number[];
  /** Calibration data, when the criterion needs it. */
  calibration?: ImageDataset;
  /** Calibration batch size. */
  batchSize: number;
  seed: number;
  /** SynFlow's rounds (default 100). */
  synflow?: { iterations?: number };
  /** Movement's scores, accumulated by the training loop. */
  movement?: MovementScores;
  /** Granularity 'nm': n kept in every m consecutive inputs of each output. */
  nm?: { n: number; m: number };
  /** SparseGPT's options (config prune.sparsegpt). */
  sparsegpt?: { blockSize?: number; damp?: number };
}

/** A weight criterion: writes scores into `out[j]` (f32, net.layers[layers[j]].op.weightCount values, ≥ 0 and finite). */
export interface WeightCriterion {
  readonly name: WeightCriterionName;
  readonly needs: CriterionNeeds;
  score(input: ScoreInput, out: readonly GPUBuffer[]): Promise<void>;
  /**
   * For criteria that choose their masks themselves and update the weights they keep
   * (SparseGPT): prunes layer input.layers[j] to sparsity[j] (or to input.nm's n:m),
   * writing the network's masks and weights and zeroing what is pruned. The score
   * pruner calls this instead of score + selection when it is present.
   */
  prune?(input: ScoreInput, sparsity: readonly number[]): Promise<void>;
}
