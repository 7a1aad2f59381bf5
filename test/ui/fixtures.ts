// Hand-written data for the ui tests and the components demo: two small reports of a
// 16-8-3 MLP on a 3-class task (magnitude vs random, iterative, 2 rounds to 75%),
// latency points, model sizes, predictions, and seeded weights for the mask view.
// The metrics were computed by hand from the confusion matrices (6 decimals);
// fixtures.test.ts re-derives them.
import type { Report, RoundEntry } from '../../src/lab/report.js';
import type { LatencyPoint, ModelSizes, Prediction } from '../../src/ui/types.js';
import { Rng } from '../../src/rng.js';

const FC1 = 16 * 8;
const FC2 = 8 * 3;

interface Metrics {
  accuracy: number;
  precision: number[];
  recall: number[];
  f1: number[];
  macro: [precision: number, recall: number, f1: number];
}

function entry(round: number, targetSparsity: number, nonzero: [fc1: number, fc2: number], confusion: number[], m: Metrics): RoundEntry {
  const kept = nonzero[0] + nonzero[1];
  const sparsity = 1 - kept / (FC1 + FC2);
  return {
    round,
    targetSparsity,
    sparsity,
    layers: [
      { name: 'fc1', kind: 'linear', shape: [16, 8], params: FC1, nonzero: nonzero[0], sparsity: 1 - nonzero[0] / FC1, prunable: true, biases: 8 },
      { name: 'fc2', kind: 'linear', shape: [8, 3], params: FC2, nonzero: nonzero[1], sparsity: 1 - nonzero[1] / FC2, prunable: true, biases: 3 },
    ],
    evaluatedOn: 'test',
    accuracy: m.accuracy,
    precision: m.macro[0],
    recall: m.macro[1],
    macroF1: m.macro[2],
    perClass: { precision: m.precision, recall: m.recall, f1: m.f1 },
    confusion,
    loss: round === 0 ? 0.21 : 0.21 + 0.05 * round,
    params: { total: FC1 + FC2 + 11, nonzero: kept + 11 },
    flops: { dense: FC1 + FC2, effective: kept },
    compressionRatio: (FC1 + FC2) / kept,
    timeMs: { prune: round === 0 ? 0 : 3, finetune: round === 0 ? 0 : 120, evaluate: 8 },
  };
}

export const BASELINE = entry(0, 0, [128, 24], [48, 1, 1, 2, 45, 3, 0, 4, 46], {
  accuracy: 0.926667, precision: [0.96, 0.9, 0.92], recall: [0.96, 0.9, 0.92], f1: [0.96, 0.9, 0.92], macro: [0.926667, 0.926667, 0.926667],
});

const MAGNITUDE_ROUNDS = [
  entry(1, 0.5, [60, 16], [47, 2, 1, 2, 46, 2, 1, 3, 46], {
    accuracy: 0.926667, precision: [0.94, 0.901961, 0.938776], recall: [0.94, 0.92, 0.92], f1: [0.94, 0.910891, 0.929293], macro: [0.926912, 0.926667, 0.926728],
  }),
  entry(2, 0.75, [28, 10], [46, 2, 2, 3, 43, 4, 1, 5, 44], {
    accuracy: 0.886667, precision: [0.92, 0.86, 0.88], recall: [0.92, 0.86, 0.88], f1: [0.92, 0.86, 0.88], macro: [0.886667, 0.886667, 0.886667],
  }),
];

const RANDOM_ROUNDS = [
  entry(1, 0.5, [60, 16], [45, 3, 2, 4, 42, 4, 2, 6, 42], {
    accuracy: 0.86, precision: [0.882353, 0.823529, 0.875], recall: [0.9, 0.84, 0.84], f1: [0.891089, 0.831683, 0.857143], macro: [0.860294, 0.86, 0.859972],
  }),
  entry(2, 0.75, [28, 10], [40, 6, 4, 7, 36, 7, 5, 9, 36], {
    accuracy: 0.746667, precision: [0.769231, 0.705882, 0.765957], recall: [0.8, 0.72, 0.72], f1: [0.784314, 0.712871, 0.742268], macro: [0.747024, 0.746667, 0.746484],
  }),
];

function report(id: string, criterion: 'magnitude' | 'random', rounds: RoundEntry[]): Report {
  return {
    version: 2,
    id,
    createdAt: '2026-11-27T10:00:00.000Z',
    status: 'complete',
    config: {
      model: { name: 'tiny-mlp', input: { C: 1, H: 4, W: 4 }, layers: [{ type: 'flatten' }, { type: 'linear', units: 8 }, { type: 'relu' }, { type: 'linear', units: 3 }] },
      dataset: { name: 'idx', label: 'tiny' },
      train: { epochs: 2, batchSize: 16, optimizer: { type: 'sgd', lr: 0.1, momentum: 0.9 } },
      prune: { granularity: 'weight', criterion, scope: 'global', when: 'after', schedule: 'iterative', targetSparsity: 0.75, rounds: 2, finetuneEpochs: 1, rewind: false },
      seed: 7,
      evaluateOn: 'test',
    },
    adapter: { vendor: 'google', architecture: 'swiftshader', description: 'SwiftShader', backend: 'browser' },
    model: { name: 'tiny-mlp', paramCount: FC1 + FC2 + 11, prunableLayers: ['fc1', 'fc2'], excludedLayers: [] },
    data: { train: 600, validation: 60, test: 150 },
    baseline: BASELINE,
    rounds,
    final: rounds[rounds.length - 1] ?? null,
    timeMs: 1234,
  };
}

export const MAGNITUDE_REPORT = report('fixture-magnitude', 'magnitude', MAGNITUDE_ROUNDS);
export const RANDOM_REPORT = report('fixture-random', 'random', RANDOM_ROUNDS);

/** The magnitude report as a version-1 lab wrote it (method, no axes): what stored records and old files hold. */
export const MAGNITUDE_REPORT_V1 = (() => {
  const prune: Record<string, unknown> = { ...MAGNITUDE_REPORT.config.prune };
  for (const k of ['granularity', 'criterion', 'when']) delete prune[k];
  return { ...MAGNITUDE_REPORT, version: 1, config: { ...MAGNITUDE_REPORT.config, prune: { ...prune, method: 'global' } } } as unknown as Report;
})();

/** Five paths; dense is flat in sparsity, sparse gets faster, masked costs a little more than dense. */
export const LATENCY: LatencyPoint[] = [0, 0.5, 0.75, 0.9].flatMap((s) => [
  { path: 'dense', sparsity: s, p50Ms: 1.2, p95Ms: 1.6 },
  { path: 'masked', sparsity: s, p50Ms: 1.4, p95Ms: 1.9 },
  { path: 'sparse', sparsity: s, p50Ms: 2.4 * (1 - s) + 0.3, p95Ms: 2.4 * (1 - s) + 0.6 },
  { path: 'structured', sparsity: s, p50Ms: 1.2 * (1 - s) + 0.2, p95Ms: 1.2 * (1 - s) + 0.4 },
  { path: 'int8', sparsity: s, p50Ms: 0.9 * (1 - s) + 0.25, p95Ms: 0.9 * (1 - s) + 0.5 },
]);

/** The tiny model at 75%: 163 f32 = 652 B dense; 38 values (f32 + u16 index) + 11 biases = 272 B; int8 values + 2 f32 scales = 166 B. */
export const SIZES: ModelSizes = { denseF32: 652, sparse: 272, sparseInt8: 166 };

export const PREDICTIONS: Prediction[] = [
  { label: 'dense', digit: 7, latencyMs: 1.23 },
  { label: '90% sparse', digit: 7, latencyMs: 0.61 },
];

/**
 * Seeded in×out weights (inputs × units) where unit n's tile is a soft blob, with the
 * magnitude mask that keeps the largest `1 - sparsity` of them.
 */
export function blobWeights(inputs: number, units: number, sparsity: number, seed: number): { weights: Float32Array; mask: Uint8Array } {
  const rng = new Rng(seed);
  const side = Math.sqrt(inputs);
  const weights = new Float32Array(inputs * units);
  for (let n = 0; n < units; n++) {
    const cx = rng.next() * side;
    const cy = rng.next() * side;
    const r = side * (0.15 + 0.2 * rng.next());
    const sign = rng.next() < 0.5 ? -1 : 1;
    for (let k = 0; k < inputs; k++) {
      const d2 = ((k % side) - cx) ** 2 + (Math.floor(k / side) - cy) ** 2;
      weights[k * units + n] = sign * Math.exp(-d2 / (2 * r * r)) * 0.3 + 0.03 * rng.normal();
    }
  }
  const cut = Float32Array.from(weights, Math.abs).sort()[Math.floor(sparsity * weights.length)] ?? Infinity;
  const mask = Uint8Array.from(weights, (w) => (Math.abs(w) >= cut ? 1 : 0));
  return { weights, mask };
}
