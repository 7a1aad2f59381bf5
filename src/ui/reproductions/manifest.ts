// The reproductions <prune-reproductions> charts: one entry per experiment of a paper,
// the paper's figures as data (only figures checked against the paper; a claim we could
// not read as a number stays a sentence), and one line per stored report of ours. A
// report not run yet is `report: null` and renders "not run yet"; adding a run is one
// line with its URL. How and where a run was measured is read from its report, never
// written here. Each report URL is a literal `new URL('…', import.meta.url)`, so that a build
// takes exactly these files (the app build emits them as assets; the library build inlines
// them as data: URLs, which fetchReport decodes without a request).

/** What a stored run stands for in its card. */
export type RunRole = 'ours' | 'ticket' | 'reinit' | 'sparse' | 'dense';

export interface ReproductionRun {
  role: RunRole;
  /** Its name in the card's legend and tables. */
  label: string;
  /** URL of its report JSON (docs/results/…); null: not run yet. */
  report: string | null;
}

/** A point the paper reports: the fraction of prunable weights removed, and its test error. */
export interface PaperPoint {
  sparsity: number;
  /** Test error in [0, 1] (1.64% → 0.0164). */
  error: number;
  /** Where in the paper, e.g. "Table 1, pruned". */
  source: string;
}

/**
 * A lottery-ticket figure the paper gives as a number, at a fraction of weights remaining:
 * 'stop-vs-dense', the ticket's early-stop iteration over the dense network's;
 * 'accuracy-vs-dense', the ticket's test accuracy minus the dense network's (at early stop);
 * 'stop-reinit-vs-ticket', the re-initialised network's early-stop iteration over the ticket's;
 * 'accuracy-ticket-vs-reinit', the ticket's test accuracy minus the re-initialised one's.
 */
export interface LotteryFigure {
  remaining: number;
  measure: 'stop-vs-dense' | 'accuracy-vs-dense' | 'stop-reinit-vs-ticket' | 'accuracy-ticket-vs-reinit';
  /** A ratio, or a difference of accuracies (0.003 = 0.3 percentage points). */
  paper: number;
  /** 'about' the value, or 'more than' it (a bound the paper states). */
  bound?: 'about' | 'more than';
  source: string;
}

export interface Reproduction {
  id: string;
  title: string;
  /** 'sparsity': accuracy against sparsity and per-layer sparsities; 'lottery': tickets against re-initialised; 'size': large-sparse against small-dense. */
  kind: 'sparsity' | 'lottery' | 'size';
  paper: { cite: string; url: string };
  /** The paper's points on accuracy against sparsity. */
  points?: PaperPoint[];
  /** The paper's per-layer sparsities (fraction removed), by our layer names; `layersSource` says where. */
  layers?: Record<string, number>;
  layersSource?: string;
  /** What the paper states that is not a point on our axes (quoted or close to it). */
  claims?: string[];
  /** Lottery cards: the paper's figures that are numbers, each set against ours at the nearest round. */
  lottery?: LotteryFigure[];
  /** How our run differs from the paper's. */
  note?: string;
  runs: ReproductionRun[];
}


const HAN = { cite: 'Han, Pool, Tran & Dally 2015, Learning both Weights and Connections for Efficient Neural Networks', url: 'https://arxiv.org/abs/1506.02626' };
const FRANKLE = { cite: 'Frankle & Carbin 2019, The Lottery Ticket Hypothesis: Finding Sparse, Trainable Neural Networks', url: 'https://arxiv.org/abs/1803.03635' };
const ZHU = { cite: 'Zhu & Gupta 2017, To prune, or not to prune: exploring the efficacy of pruning for model compression', url: 'https://arxiv.org/abs/1710.01878' };

// Frankle & Carbin, Section 2 and Figures 3–4 (Lenet, iterative pruning); the figures' curves are not read off as numbers here.
const FRANKLE_CLAIMS: string[] = [
  'Winning tickets learn faster as Pm (weights remaining) decreases from 100% to 21%, where early stopping occurs 38% earlier than for the original network.',
  'Test accuracy at early stopping rises with pruning, by more than 0.3 percentage points at Pm = 13.5%, and returns to the original network\'s level at Pm = 3.6%.',
  'Randomly re-initialised, the same sparse networks learn increasingly slower than the original network and lose test accuracy after little pruning.',
  'At Pm = 21% the winning ticket reaches minimum validation loss 2.51× faster than when re-initialised, and is half a percentage point more accurate.',
];
const FRANKLE_FIGURES: LotteryFigure[] = [
  { remaining: 0.21, measure: 'stop-vs-dense', paper: 0.62, bound: 'about', source: 'Section 2: early stopping 38% earlier than the original network' },
  { remaining: 0.135, measure: 'accuracy-vs-dense', paper: 0.003, bound: 'more than', source: 'Section 2: more than 0.3 percentage points above the original network' },
  { remaining: 0.036, measure: 'accuracy-vs-dense', paper: 0, bound: 'about', source: 'Section 2: back to the original network\'s level' },
  { remaining: 0.21, measure: 'stop-reinit-vs-ticket', paper: 2.51, bound: 'about', source: 'Section 2: minimum validation loss 2.51× faster than re-initialised' },
  { remaining: 0.21, measure: 'accuracy-ticket-vs-reinit', paper: 0.005, bound: 'about', source: 'Section 2: half a percentage point more accurate than re-initialised' },
];

export const REPRODUCTIONS: Reproduction[] = [
  {
    id: 'han-lenet-300-100',
    title: 'LeNet-300-100: magnitude pruning with retraining',
    kind: 'sparsity',
    paper: HAN,
    // Table 1: 267K → 22K weights (12×); Table 2: 8% of the weights kept in total.
    points: [
      { sparsity: 0, error: 0.0164, source: 'Table 1, reference' },
      { sparsity: 0.92, error: 0.0159, source: 'Table 1, pruned (8% of the weights kept, Table 2)' },
    ],
    // Table 2, "Weights%" kept: fc1 8%, fc2 9%, fc3 26%.
    layers: { fc1: 0.92, fc2: 0.91, fc3: 0.74 },
    layersSource: 'Table 2 (weights kept: fc1 8%, fc2 9%, fc3 26%)',
    note: 'Every recipe we tried is drawn (docs/experiments/han-lenet-300-100.sh says each one). The first ran in the page from scratch; h1–h5 start from one 8-epoch Adam baseline (98.10%) saved by the CLI. h1: one global magnitude threshold, Adam at a tenth of the rate. h2: Han\'s per-layer targets with Han\'s retraining (SGD, momentum 0.9, L2 5e-4). h3: the per-layer targets with Adam and a cosine rate each round. h4: h3 over 6 rounds of 3 epochs (1.73% error at 92.1%). h5: h4 with L2 weight decay 5e-5 (1.63% at 92.1%, the best). Han et al. chose each layer\'s threshold from its sensitivity and retrained far longer.',
    runs: [
      { role: 'ours', label: 'ours: global magnitude, iterative', report: new URL('../../../docs/results/prune-lenet-300-100-global-iterative.json', import.meta.url).href },
      { role: 'ours', label: 'h1: global, Adam 1e-4', report: new URL('../../../docs/results/han-h1.json', import.meta.url).href },
      { role: 'ours', label: 'h2: per-layer, SGD + L2', report: new URL('../../../docs/results/han-h2.json', import.meta.url).href },
      { role: 'ours', label: 'h3: per-layer, Adam + cosine', report: new URL('../../../docs/results/han-h3.json', import.meta.url).href },
      { role: 'ours', label: 'h4: per-layer, 6 rounds × 3 cosine epochs', report: new URL('../../../docs/results/han-h4.json', import.meta.url).href },
      { role: 'ours', label: 'h5: h4 + L2 5e-5', report: new URL('../../../docs/results/han-h5.json', import.meta.url).href },
    ],
  },
  {
    id: 'han-lenet-5',
    title: 'LeNet-5 (Caffe\'s): magnitude pruning with retraining',
    kind: 'sparsity',
    paper: HAN,
    // Table 1: 431K → 36K weights (12×); Table 3: 8% kept in total.
    points: [
      { sparsity: 0, error: 0.008, source: 'Table 1, reference' },
      { sparsity: 0.92, error: 0.0077, source: 'Table 1, pruned (8% of the weights kept, Table 3)' },
    ],
    // Table 3, "Weights%" kept: conv1 66%, conv2 12%, fc1 8%, fc2 19%.
    layers: { conv1: 0.34, conv2: 0.88, fc1: 0.92, fc2: 0.81 },
    layersSource: 'Table 3 (weights kept: conv1 66%, conv2 12%, fc1 8%, fc2 19%)',
    note: 'Ours is a reduced run (4,000 training and 2,000 test images, 2 epochs): far from the paper\'s accuracy; the per-layer pattern is what compares.',
    runs: [
      { role: 'ours', label: 'ours: global magnitude, iterative (reduced)', report: new URL('../../../docs/results/prune-lenet-5-global-quick.json', import.meta.url).href },
    ],
  },
  {
    id: 'lottery-lenet-300-100',
    title: 'LeNet-300-100: winning tickets against re-initialised networks',
    kind: 'lottery',
    paper: FRANKLE,
    claims: FRANKLE_CLAIMS,
    lottery: FRANKLE_FIGURES,
    note: 'Ours is a reduced budget: every training (the dense one, each ticket and each control) is 1 epoch of a seeded 10,000 of the 55,000 training images, 166 iterations at batch 60, against the paper\'s 50,000 iterations; the validation loss every 50 iterations on all 5,000 validation images; tested on all 10,000. Pruning as the paper\'s: 20% of fc1 and fc2 and 10% of fc3 a round, 12 rounds, rewound to init.',
    runs: [
      // docs/experiments/lottery-ticket.sh; its entries carry the reinit control.
      { role: 'ticket', label: 'winning ticket (rewind to init)', report: new URL('../../../docs/results/lottery-lenet-300-100.json', import.meta.url).href },
    ],
  },
  {
    id: 'lottery-early-stop-lenet-300-100',
    title: 'LeNet-300-100: early stopping of winning tickets against re-initialised networks (2,000 images)',
    kind: 'lottery',
    paper: FRANKLE,
    claims: FRANKLE_CLAIMS,
    lottery: FRANKLE_FIGURES,
    note: 'The early-stopping run: every training (the dense one, each ticket and each control) is 5 epochs of a seeded 2,000 of the 55,000 training images (165 iterations at batch 60), so that the validation loss (all 5,000 validation images, every 10 iterations) turns inside the budget; the 10,000-image run\'s losses were still falling at its end. Pruning as the paper\'s: 20% of fc1 and fc2 and 10% of fc3 a round, rewound to init.',
    runs: [
      // docs/experiments/lottery-ticket.sh with TRAIN_SAMPLES=2000 EPOCHS=5 EVERY=10 NAME=lottery-early-stop.
      { role: 'ticket', label: 'winning ticket (rewind to init)', report: new URL('../../../docs/results/lottery-early-stop.json', import.meta.url).href },
    ],
  },
  {
    id: 'sparse-vs-dense-lenet-300-100',
    title: 'Large-sparse against small-dense at the same number of weights',
    kind: 'size',
    paper: ZHU,
    claims: [
      'Across deep CNNs, stacked LSTMs and seq2seq LSTMs, large-sparse models consistently outperform small-dense models of identical memory footprint, with up to 10× fewer non-zero parameters at minimal loss of accuracy (the paper has no LeNet/MNIST figure: our MNIST runs test the claim, not its numbers).',
    ],
    note: 'docs/experiments/sparse-vs-dense.sh: the large-sparse run prunes the 8-epoch Adam baseline to 90% with Zhu & Gupta\'s cubic schedule over 2 epochs (10 epochs in all); the small-dense MLP trains from scratch for the same 10 epochs, with the same optimiser, batch and seed.',
    runs: [
      { role: 'sparse', label: 'large-sparse (LeNet-300-100, gradual)', report: new URL('../../../docs/results/sparse-large-sparse.json', import.meta.url).href },
      { role: 'dense', label: 'small-dense (MLP 784-33-11-10)', report: new URL('../../../docs/results/sparse-small-dense.json', import.meta.url).href },
    ],
  },
];

/** The stored runs an empty lab shows, marked as reference, until the visitor's own run has results. */
export const REFERENCE_RUNS: string[] = [REPRODUCTIONS[0]!.runs[0]!.report!];
