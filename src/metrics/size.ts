// Model size three ways, in bytes, from a model's values:
//   dense f32     4 bytes per weight and per bias;
//   sparse        per kept weight a f32 value and a column index (u16 when a row
//                 has ≤ 65,536 columns, else u32), per layer (rows + 1) u32 row
//                 offsets, and the f32 biases (CSR over output rows);
//   sparse + int8 the same with 1-byte values plus one f32 scale per output row.
// A kept weight is one whose mask is 1 and whose value is not exactly 0.
import { check } from '../errors.js';
import type { LayerValues } from '../nn/network.js';
import type { ModelPlan } from '../nn/spec.js';

export interface LayerSize {
  name: string;
  weights: number;
  nnz: number;
  rows: number;
  cols: number;
  biases: number;
  denseF32: number;
  sparse: number;
  sparseInt8: number;
}

export interface ModelSize {
  weights: number;
  nnz: number;
  /** Fraction of the prunable weights that are zero. */
  sparsity: number;
  denseF32: number;
  sparse: number;
  sparseInt8: number;
  layers: LayerSize[];
}

/** Sizes of one layer given as counts (rows = outputs, cols = inputs per output). */
export function layerSize(name: string, rows: number, cols: number, nnz: number, biases: number): LayerSize {
  const weights = rows * cols;
  check(Number.isInteger(nnz) && nnz >= 0 && nnz <= weights, 'nnz', `an integer from 0 to ${weights}`, nnz);
  const index = cols <= 65536 ? 2 : 4;
  const offsets = (rows + 1) * 4;
  return {
    name, weights, nnz, rows, cols, biases,
    denseF32: 4 * (weights + biases),
    sparse: nnz * (4 + index) + offsets + 4 * biases,
    sparseInt8: nnz * (1 + index) + offsets + 4 * rows + 4 * biases,
  };
}

export function modelSize(plan: ModelPlan, values: LayerValues[]): ModelSize {
  check(values.length === plan.params.length, 'values', `${plan.params.length} layers`, values.length);
  const layers = plan.params.map((op, i) => {
    const v = values[i]!;
    check(v.w.length === op.weightCount && v.mask.length === op.weightCount, `values[${i}]`, `${op.weightCount} weights and mask bytes`);
    let nnz = 0;
    for (let j = 0; j < v.w.length; j++) if (v.mask[j] && v.w[j] !== 0) nnz++;
    const rows = op.conv ? op.conv.F : op.out;
    return layerSize(op.name, rows, op.weightCount / rows, nnz, op.biasCount);
  });
  const sum = (k: 'weights' | 'nnz' | 'denseF32' | 'sparse' | 'sparseInt8'): number => layers.reduce((t, l) => t + l[k], 0);
  const weights = sum('weights');
  return { weights, nnz: sum('nnz'), sparsity: 1 - sum('nnz') / weights, denseF32: sum('denseF32'), sparse: sum('sparse'), sparseInt8: sum('sparseInt8'), layers };
}
