// `prune-lab tree`: grow a CART tree on a CSV file or a named dataset, optionally
// post-prune it (CCP at an alpha, REP on a validation split, PEP), and print a
// summary or, with --json, one JSON object. Without a split flag the tree is fit on
// every row, so results compare directly with scikit-learn fitting the same file.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PruneLabError } from '../errors.js';
import { parseCsv, type TabularDataset } from '../data/csv.js';
import { datasetFromIdxBytes } from '../data/dataset.js';
import { loadIris } from '../data/iris.js';
import { synthetic, type SyntheticKind } from '../data/synthetic.js';
import type { ClassificationMetrics } from '../metrics/classification.js';
import { fitTree } from '../trees/cart.js';
import { ccpPath, cutForAlpha, type CcpPath } from '../trees/ccp.js';
import { subsetRows } from '../trees/data.js';
import { mnistPixels, MNIST_TREE_ROWS, NAMED_DATASETS } from '../trees/datasets.js';

/** The most rows synthetic() makes (src/data/synthetic.ts). */
const SYNTHETIC_MAX = 1_000_000;
import { evaluateTree } from '../trees/evaluate.js';
import { DEFAULT_CONFIDENCE, pessimisticPrune } from '../trees/pep.js';
import { reducedErrorPrune } from '../trees/rep.js';
import { splitRows } from '../trees/split.js';
import { applyCut, treeSize, type Cut, type DecisionTree, type TreeData, type TreeSize } from '../trees/tree.js';
import type { TreeParams } from '../trees/params.js';
import { FlagReader, parseFlags } from './args.js';
import { EXIT, UsageError, usageError, withCliErrors, type Subcommand } from './command.js';
import { checkInputFile, mnistDataDir } from './node-data.js';

const HELP = `Usage: prune-lab tree (--csv FILE --target COL | --dataset NAME) [flags]

Data
  --csv FILE                 CSV with a header row; every column but the target is a numeric feature
  --target COL               name of the class column (with --csv)
  --dataset NAME             ${NAMED_DATASETS.join(' | ')}
  --samples N                rows of a synthetic set, 4 to ${SYNTHETIC_MAX.toLocaleString('en-US')} (default 200), or of MNIST, 1 to 10,000
                             (default ${MNIST_TREE_ROWS}, first rows of t10k)
Growth (pre-pruning), as scikit-learn's DecisionTreeClassifier
  --criterion gini|entropy   split criterion (default gini)
  --max-depth N              integer ≥ 1
  --min-samples-split N      integer ≥ 2
  --min-samples-leaf N       integer ≥ 1
  --min-impurity-decrease X  number ≥ 0 (weighted: N_t/N · impurity decrease)
  --max-leaf-nodes N         integer ≥ 2 (grows best-first)
Post-pruning
  --ccp-alpha X              cost-complexity pruning at alpha X ≥ 0
  --ccp-path                 print the pruning path (alphas, total leaf impurities); of the
                             tree fit on all rows unless --test-fraction holds some out
  --prune rep|pep            reduced-error (needs --val-fraction) or pessimistic pruning
  --confidence CF            PEP confidence factor in (0, 0.5] (default ${DEFAULT_CONFIDENCE})
Splits (seeded; without them the tree is fit on all rows)
  --val-fraction F           validation share in (0, 1)
  --test-fraction F          test share in (0, 1)
  --seed N                   integer ≥ 0 (default 0): split shuffle and synthetic data
Output
  --json                     one JSON object on stdout
  -h, --help                 this help
`;

const OPTIONS = {
  csv: { type: 'string' },
  target: { type: 'string' },
  dataset: { type: 'string' },
  samples: { type: 'string' },
  criterion: { type: 'string' },
  'max-depth': { type: 'string' },
  'min-samples-split': { type: 'string' },
  'min-samples-leaf': { type: 'string' },
  'min-impurity-decrease': { type: 'string' },
  'max-leaf-nodes': { type: 'string' },
  'ccp-alpha': { type: 'string' },
  'ccp-path': { type: 'boolean' },
  prune: { type: 'string' },
  confidence: { type: 'string' },
  'val-fraction': { type: 'string' },
  'test-fraction': { type: 'string' },
  seed: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** What each flag accepts, for error messages. */
const ACCEPTS: Record<string, string> = {
  csv: 'a readable CSV file path',
  target: 'the name of a header column',
  dataset: NAMED_DATASETS.join(' | '),
  samples: `an integer in [1, 10000] for mnist, in [4, ${SYNTHETIC_MAX}] for synthetic sets`,
  criterion: 'gini | entropy',
  'max-depth': 'an integer ≥ 1',
  'min-samples-split': 'an integer ≥ 2',
  'min-samples-leaf': 'an integer ≥ 1',
  'min-impurity-decrease': 'a number ≥ 0',
  'max-leaf-nodes': 'an integer ≥ 2',
  'ccp-alpha': 'a number ≥ 0',
  prune: 'rep | pep',
  confidence: 'a number in (0, 0.5]',
  'val-fraction': 'a number in (0, 1)',
  'test-fraction': 'a number in (0, 1)',
  seed: 'an integer in [0, 2^32)',
};

/** Engine fields (csv.ts, synthetic.ts, datasets.ts) → the flag that sets them. */
const FIELD_FLAGS: Record<string, string> = { samples: 'samples', n: 'samples', target: 'target', seed: 'seed' };

const flags = new FlagReader(ACCEPTS);
const intFlag = flags.int.bind(flags);
const numFlag = flags.num.bind(flags);
const oneOf = flags.oneOf.bind(flags);

interface TreeArgs {
  csv?: string;
  target?: string;
  dataset?: (typeof NAMED_DATASETS)[number];
  samples?: number;
  params: TreeParams;
  ccpAlpha?: number;
  ccpPath: boolean;
  prune?: 'rep' | 'pep';
  confidence: number;
  valFraction?: number;
  testFraction?: number;
  seed: number;
  json: boolean;
}

/** Parses and cross-checks the flags; throws UsageError naming the flag. */
export function parseTreeArgs(args: string[]): TreeArgs | 'help' {
  const values = parseFlags(args, OPTIONS, ACCEPTS);
  if (values.help) return 'help';
  const criterion = oneOf(values.criterion, 'criterion', ['gini', 'entropy'] as const);
  const params: TreeParams = {
    criterion,
    maxDepth: intFlag(values['max-depth'], 'max-depth', 1),
    minSamplesSplit: intFlag(values['min-samples-split'], 'min-samples-split', 2),
    minSamplesLeaf: intFlag(values['min-samples-leaf'], 'min-samples-leaf', 1),
    minImpurityDecrease: numFlag(values['min-impurity-decrease'], 'min-impurity-decrease', (x) => x >= 0),
    maxLeafNodes: intFlag(values['max-leaf-nodes'], 'max-leaf-nodes', 2),
  };
  for (const k of Object.keys(params) as Array<keyof TreeParams>) if (params[k] === undefined) delete params[k];
  const fraction = (flag: string): number | undefined => numFlag(values[flag as 'val-fraction'], flag, (x) => x > 0 && x < 1);
  const out: TreeArgs = {
    csv: values.csv,
    target: values.target,
    dataset: oneOf(values.dataset, 'dataset', NAMED_DATASETS),
    samples: intFlag(values.samples, 'samples', 1, SYNTHETIC_MAX + 1),
    params,
    ccpAlpha: numFlag(values['ccp-alpha'], 'ccp-alpha', (x) => x >= 0),
    ccpPath: values['ccp-path'] ?? false,
    prune: oneOf(values.prune, 'prune', ['rep', 'pep'] as const),
    confidence: numFlag(values.confidence, 'confidence', (x) => x > 0 && x <= 0.5) ?? DEFAULT_CONFIDENCE,
    valFraction: fraction('val-fraction'),
    testFraction: fraction('test-fraction'),
    seed: intFlag(values.seed, 'seed', 0, 2 ** 32) ?? 0,
    json: values.json ?? false,
  };
  if (out.csv !== undefined && out.dataset !== undefined) throw new UsageError('--csv and --dataset exclude each other; give one');
  if (out.csv === undefined && out.dataset === undefined) throw new UsageError('no data: give --csv FILE --target COL, or --dataset NAME');
  if (out.csv !== undefined && out.target === undefined) throw new UsageError('--csv needs --target COL (the name of the class column)');
  if (out.target !== undefined && out.csv === undefined) throw new UsageError('--target goes with --csv FILE');
  if (out.samples !== undefined && (out.dataset === undefined || out.dataset === 'iris')) {
    throw new UsageError('--samples applies to --dataset mnist and the synthetic sets only');
  }
  if (out.samples !== undefined && out.dataset !== 'mnist' && out.samples < 4) usageError('samples', `an integer in [4, ${SYNTHETIC_MAX}] for synthetic sets`, values.samples);
  if (out.ccpAlpha !== undefined && out.prune !== undefined) throw new UsageError('--ccp-alpha and --prune are two post-pruning methods; give one');
  if (out.prune === 'rep' && out.valFraction === undefined) throw new UsageError('--prune rep needs --val-fraction F (the validation rows it prunes on)');
  if (values.confidence !== undefined && out.prune !== 'pep') throw new UsageError('--confidence goes with --prune pep');
  if ((out.valFraction ?? 0) + (out.testFraction ?? 0) >= 1) {
    throw new UsageError('--val-fraction plus --test-fraction must be below 1, leaving training rows');
  }
  return out;
}

async function loadData(a: TreeArgs): Promise<TabularDataset> {
  if (a.csv !== undefined) {
    await checkInputFile(a.csv, 'csv', ACCEPTS.csv);
    let text: string;
    try {
      text = await readFile(a.csv, 'utf8');
    } catch (e) {
      throw new PruneLabError('invalid-data', `${a.csv}: cannot read (${e instanceof Error ? e.message : String(e)})`, 'csv');
    }
    return parseCsv(text, { target: a.target!, name: a.csv });
  }
  if (a.dataset === 'iris') return loadIris();
  if (a.dataset === 'mnist') {
    const dir = mnistDataDir();
    const files = { images: 't10k-images-idx3-ubyte', labels: 't10k-labels-idx1-ubyte' };
    const [images, labels] = await Promise.all([readFile(join(dir, files.images)), readFile(join(dir, files.labels))]);
    const ds = await datasetFromIdxBytes(new Uint8Array(images), new Uint8Array(labels), files);
    return mnistPixels(ds, a.samples ?? MNIST_TREE_ROWS);
  }
  return synthetic(a.dataset as SyntheticKind, { n: a.samples ?? 200, seed: a.seed });
}

interface TreeReport {
  dataset: { name: string; rows: number; features: number; classes: number; classNames: readonly string[] };
  params: Record<string, unknown>;
  split: { train: number; val: number; test: number; seed: number };
  tree: TreeSize;
  unprunedTree: TreeSize;
  pruning: { method: 'ccp' | 'rep' | 'pep' | null; ccpAlpha?: number; confidence?: number; subtreesCut: number };
  trainAccuracy: number;
  valAccuracy?: number;
  testAccuracy?: number;
  metrics: { train: ClassificationMetrics; val?: ClassificationMetrics; test?: ClassificationMetrics };
  ccpPath?: { alphas: number[]; impurities: number[] };
  fitMs: number;
  pruneMs: number;
}

export async function runTree(a: TreeArgs): Promise<TreeReport> {
  const data = await loadData(a);
  const split = a.valFraction !== undefined || a.testFraction !== undefined
    ? splitRows(data.n, { valFraction: a.valFraction, testFraction: a.testFraction, seed: a.seed })
    : null;
  const all: TreeData = data;
  const train = split ? subsetRows(all, split.train) : all;
  const val = split && split.val.length > 0 ? subsetRows(all, split.val) : undefined;
  const test = split && split.test.length > 0 ? subsetRows(all, split.test) : undefined;

  const t0 = performance.now();
  const grown = fitTree(train, a.params);
  const fitMs = performance.now() - t0;

  const t1 = performance.now();
  let path: CcpPath | undefined;
  if (a.ccpPath || a.ccpAlpha !== undefined) path = ccpPath(grown);
  let cut: Cut | undefined;
  if (a.ccpAlpha !== undefined) cut = cutForAlpha(grown, a.ccpAlpha, path);
  else if (a.prune === 'rep') cut = reducedErrorPrune(grown, val!).cut;
  else if (a.prune === 'pep') cut = pessimisticPrune(grown, a.confidence).cut;
  const tree: DecisionTree = cut ? applyCut(grown, cut) : grown;
  const pruneMs = cut ? performance.now() - t1 : 0;

  const metrics: TreeReport['metrics'] = { train: evaluateTree(tree, train) };
  if (val) metrics.val = evaluateTree(tree, val);
  if (test) metrics.test = evaluateTree(tree, test);
  const method = a.ccpAlpha !== undefined ? 'ccp' : a.prune ?? null;
  const report: TreeReport = {
    dataset: { name: data.name, rows: data.n, features: data.numFeatures, classes: data.numClasses, classNames: data.classNames },
    params: { criterion: 'gini', maxDepth: null, minSamplesSplit: 2, minSamplesLeaf: 1, minImpurityDecrease: 0, maxLeafNodes: null, ...a.params },
    split: { train: train.n, val: val?.n ?? 0, test: test?.n ?? 0, seed: a.seed },
    tree: treeSize(tree),
    unprunedTree: treeSize(grown),
    pruning: {
      method,
      ...(method === 'ccp' ? { ccpAlpha: a.ccpAlpha } : {}),
      ...(method === 'pep' ? { confidence: a.confidence } : {}),
      subtreesCut: cut ? cut.reduce((s, v) => s + v, 0) : 0,
    },
    trainAccuracy: metrics.train.accuracy,
    metrics,
    fitMs,
    pruneMs,
  };
  if (metrics.val) report.valAccuracy = metrics.val.accuracy;
  if (metrics.test) report.testAccuracy = metrics.test.accuracy;
  if (a.ccpPath && path) {
    // Without a test split the path describes all the data given, even when
    // validation rows were held out for pruning.
    const full = split && a.testFraction === undefined ? ccpPath(fitTree(all, a.params)) : path;
    report.ccpPath = { alphas: full.alphas, impurities: full.impurities };
  }
  return report;
}

function pct(v: number): string {
  return `${(100 * v).toFixed(2)}%`;
}

function summary(r: TreeReport): string {
  const t = r.tree;
  const lines = [
    `dataset   ${r.dataset.name}: ${r.dataset.rows} rows, ${r.dataset.features} features, ${r.dataset.classes} classes`,
    `split     train ${r.split.train}, val ${r.split.val}, test ${r.split.test} (seed ${r.split.seed})`,
    `tree      ${t.nodes} nodes, ${t.leaves} leaves, depth ${t.depth}` +
      (r.pruning.method ? `  (grown: ${r.unprunedTree.nodes} nodes, ${r.unprunedTree.leaves} leaves; ${r.pruning.method.toUpperCase()} cut ${r.pruning.subtreesCut} subtrees)` : ''),
    `accuracy  train ${pct(r.trainAccuracy)}` + (r.valAccuracy !== undefined ? `, val ${pct(r.valAccuracy)}` : '') + (r.testAccuracy !== undefined ? `, test ${pct(r.testAccuracy)}` : ''),
    `macro-F1  ${(r.metrics.test ?? r.metrics.val ?? r.metrics.train).macroF1.toFixed(4)} (${r.metrics.test ? 'test' : r.metrics.val ? 'val' : 'train'})`,
    `time      fit ${r.fitMs.toFixed(1)} ms, prune ${r.pruneMs.toFixed(1)} ms`,
  ];
  if (r.ccpPath) {
    lines.push('ccp path  alpha                   total leaf impurity');
    r.ccpPath.alphas.forEach((al, i) => lines.push(`          ${String(al).padEnd(24)}${r.ccpPath!.impurities[i]}`));
  }
  return lines.join('\n') + '\n';
}

export const treeCommand: Subcommand = {
  summary: 'grow, pre-prune and post-prune a decision tree on a CSV file or a named dataset',
  run: (args: string[]): Promise<number> =>
    withCliErrors('tree', async () => {
      const parsed = parseTreeArgs(args);
      if (parsed === 'help') {
        process.stdout.write(HELP);
        return 0;
      }
      let report: TreeReport;
      try {
        report = await runTree(parsed);
      } catch (e) {
        // An engine refusal of a value a flag gave, said with the flag.
        const flag = e instanceof PruneLabError && e.code !== 'invalid-data' && e.field !== undefined && Object.hasOwn(FIELD_FLAGS, e.field) ? FIELD_FLAGS[e.field] : undefined;
        if (flag !== undefined) throw new UsageError(`--${flag}: ${(e as PruneLabError).message}`);
        throw e;
      }
      process.stdout.write(parsed.json ? `${JSON.stringify(report)}\n` : summary(report));
      return 0;
    }, { exitOf: (e) => (e.code === 'invalid-data' ? EXIT.failed : EXIT.usage) }),
};
