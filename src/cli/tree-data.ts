// The data half of the tree commands (`prune-lab tree`, `prune-lab boost`): the data
// and split flags, their cross-checks, loading a CSV file or a named dataset as
// classification or regression rows, and the seeded train / validation / test split.
// Without a split flag every row is training data.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PruneLabError } from '../errors.js';
import { parseCsvTask, type CsvTaskDataset } from '../data/csv.js';
import { datasetFromIdxBytes } from '../data/dataset.js';
import { loadIris } from '../data/iris.js';
import { synthetic, type SyntheticKind } from '../data/synthetic.js';
import { subsetRows } from '../trees/data.js';
import { mnistPixels, MNIST_TREE_ROWS, NAMED_DATASETS, REGRESSION_DATASETS, regressionSet, type RegressionKind } from '../trees/datasets.js';
import { splitRows } from '../trees/split.js';
import type { RegressionData, TreeData, TreeTask } from '../trees/tree.js';
import { FlagReader } from './args.js';
import { UsageError, usageError } from './command.js';
import { checkInputFile, mnistDataDir } from './node-data.js';

/** The most rows synthetic() makes (src/data/synthetic.ts). */
const SYNTHETIC_MAX = 1_000_000;

export const DATASETS = [...NAMED_DATASETS, ...REGRESSION_DATASETS] as const;

export const DATA_HELP = `Data
  --csv FILE                 CSV with a header row; every column but the target is a numeric feature
  --target COL               name of the target column (with --csv): class labels, or numbers for regression
  --dataset NAME             classification: ${NAMED_DATASETS.join(' | ')}
                             regression: ${REGRESSION_DATASETS.join(' | ')} (noisy sine, make_friedman1 with 10 features, step)
  --samples N                rows of a synthetic set, 4 to ${SYNTHETIC_MAX.toLocaleString('en-US')} (default 200), or of MNIST, 1 to 10,000
                             (default ${MNIST_TREE_ROWS}, first rows of t10k)
  --task T                   classification | regression; default: regression for a regression dataset, else
                             inferred from the CSV target (numbers with a fractional part = regression;
                             integers and text = class labels, as scikit-learn's type_of_target)
Splits (seeded; without them the model is fit on all rows)
  --val-fraction F           validation share in (0, 1)
  --test-fraction F          test share in (0, 1)
  --seed N                   integer ≥ 0 (default 0): split shuffle and synthetic data`;

export const DATA_OPTIONS = {
  csv: { type: 'string' },
  target: { type: 'string' },
  dataset: { type: 'string' },
  samples: { type: 'string' },
  task: { type: 'string' },
  'val-fraction': { type: 'string' },
  'test-fraction': { type: 'string' },
  seed: { type: 'string' },
} as const;

export const DATA_ACCEPTS: Record<string, string> = {
  csv: 'a readable CSV file path',
  target: 'the name of a header column',
  dataset: DATASETS.join(' | '),
  task: 'classification | regression',
  samples: `an integer in [1, 10000] for mnist, in [4, ${SYNTHETIC_MAX}] for synthetic sets`,
  'val-fraction': 'a number in (0, 1)',
  'test-fraction': 'a number in (0, 1)',
  seed: 'an integer in [0, 2^32)',
};

/** Engine fields (csv.ts, synthetic.ts, datasets.ts) → the flag that sets them. */
export const DATA_FIELD_FLAGS: Record<string, string> = { samples: 'samples', n: 'samples', target: 'target', seed: 'seed' };

const flags = new FlagReader(DATA_ACCEPTS);

export interface DataArgs {
  csv?: string;
  target?: string;
  dataset?: (typeof DATASETS)[number];
  samples?: number;
  /** Undefined: inferred from the CSV target. */
  task?: TreeTask;
  valFraction?: number;
  testFraction?: number;
  seed: number;
}

type DataValues = { [K in keyof typeof DATA_OPTIONS]?: string };

export function isRegressionDataset(name: string | undefined): boolean {
  return name !== undefined && (REGRESSION_DATASETS as readonly string[]).includes(name);
}

/** The data flags' values, cross-checked; throws UsageError naming the flag. */
export function parseDataArgs(values: DataValues): DataArgs {
  const dataset = flags.oneOf(values.dataset, 'dataset', DATASETS);
  const regression = isRegressionDataset(dataset);
  let task = flags.oneOf(values.task, 'task', ['classification', 'regression'] as const);
  if (task === 'classification' && regression) throw new UsageError(`--task classification does not fit --dataset ${dataset} (a regression set)`);
  if (task === 'regression' && dataset !== undefined && !regression) throw new UsageError(`--task regression does not fit --dataset ${dataset} (a classification set)`);
  task ??= regression ? 'regression' : dataset !== undefined ? 'classification' : undefined;
  const fraction = (flag: 'val-fraction' | 'test-fraction'): number | undefined => flags.num(values[flag], flag, (x) => x > 0 && x < 1);
  const out: DataArgs = {
    csv: values.csv,
    target: values.target,
    dataset,
    samples: flags.int(values.samples, 'samples', 1, SYNTHETIC_MAX + 1),
    task,
    valFraction: fraction('val-fraction'),
    testFraction: fraction('test-fraction'),
    seed: flags.int(values.seed, 'seed', 0, 2 ** 32) ?? 0,
  };
  if (out.csv !== undefined && out.dataset !== undefined) throw new UsageError('--csv and --dataset exclude each other; give one');
  if (out.csv === undefined && out.dataset === undefined) throw new UsageError('no data: give --csv FILE --target COL, or --dataset NAME');
  if (out.csv !== undefined && out.target === undefined) throw new UsageError('--csv needs --target COL (the name of the target column)');
  if (out.target !== undefined && out.csv === undefined) throw new UsageError('--target goes with --csv FILE');
  if (out.samples !== undefined && (out.dataset === undefined || out.dataset === 'iris')) {
    throw new UsageError('--samples applies to --dataset mnist and the synthetic sets only');
  }
  if (out.samples !== undefined && out.dataset !== 'mnist' && out.samples < 4) usageError('samples', `an integer in [4, ${SYNTHETIC_MAX}] for synthetic sets`, values.samples);
  if ((out.valFraction ?? 0) + (out.testFraction ?? 0) >= 1) {
    throw new UsageError('--val-fraction plus --test-fraction must be below 1, leaving training rows');
  }
  return out;
}

/** Reads the CSV file (task given or inferred) or makes the named dataset. */
export async function loadTreeData(a: DataArgs): Promise<CsvTaskDataset> {
  if (a.csv !== undefined) {
    await checkInputFile(a.csv, 'csv', DATA_ACCEPTS.csv!);
    let text: string;
    try {
      text = await readFile(a.csv, 'utf8');
    } catch (e) {
      throw new PruneLabError('invalid-data', `${a.csv}: cannot read (${e instanceof Error ? e.message : String(e)})`, 'csv');
    }
    return parseCsvTask(text, { target: a.target!, name: a.csv, ...(a.task !== undefined ? { task: a.task } : {}) });
  }
  if (a.dataset === 'iris') return { task: 'classification', data: loadIris() };
  if (a.dataset === 'mnist') {
    const dir = mnistDataDir();
    const files = { images: 't10k-images-idx3-ubyte', labels: 't10k-labels-idx1-ubyte' };
    const [images, labels] = await Promise.all([readFile(join(dir, files.images)), readFile(join(dir, files.labels))]);
    const ds = await datasetFromIdxBytes(new Uint8Array(images), new Uint8Array(labels), files);
    return { task: 'classification', data: mnistPixels(ds, a.samples ?? MNIST_TREE_ROWS) };
  }
  if (isRegressionDataset(a.dataset)) {
    return { task: 'regression', data: regressionSet(a.dataset as RegressionKind, { n: a.samples ?? 200, seed: a.seed }) };
  }
  return { task: 'classification', data: synthetic(a.dataset as SyntheticKind, { n: a.samples ?? 200, seed: a.seed }) };
}

export interface DataParts<D> {
  all: D;
  train: D;
  val?: D;
  test?: D;
  split: ReturnType<typeof splitRows> | null;
}

/** The seeded split of --val-fraction / --test-fraction; without them every row trains. */
export function splitTreeData<D extends TreeData | RegressionData>(a: DataArgs, all: D): DataParts<D> {
  const split = a.valFraction !== undefined || a.testFraction !== undefined
    ? splitRows(all.n, { valFraction: a.valFraction, testFraction: a.testFraction, seed: a.seed })
    : null;
  const sub = (rows: Int32Array): D => subsetRows(all as TreeData & RegressionData, rows) as D;
  return {
    all,
    split,
    train: split ? sub(split.train) : all,
    ...(split && split.val.length > 0 ? { val: sub(split.val) } : {}),
    ...(split && split.test.length > 0 ? { test: sub(split.test) } : {}),
  };
}
