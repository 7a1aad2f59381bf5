// `prune-lab tree`: grow a CART tree on a CSV file or a named dataset, optionally
// post-prune it (CCP at an alpha, REP on a validation split, PEP), and print a
// summary or, with --json, one JSON object. Without a split flag the tree is fit on
// every row, so results compare directly with scikit-learn fitting the same file.
// Classification or regression: the named dataset's, else --task, else inferred
// from the CSV target (fractional numbers = regression).
import { PruneLabError } from '../errors.js';
import type { RegressionTable } from '../data/csv.js';
import type { ClassificationMetrics } from '../metrics/classification.js';
import type { RegressionMetrics } from '../metrics/regression.js';
import { fitTree } from '../trees/cart.js';
import { ccpPath, cutForAlpha, type CcpPath } from '../trees/ccp.js';
import { evaluateTree } from '../trees/evaluate.js';
import { CRITERIA, REGRESSION_CRITERIA, type RegressorParams, type TreeParams } from '../trees/params.js';
import { DEFAULT_CONFIDENCE, pessimisticPrune } from '../trees/pep.js';
import { evaluateRegressor, fitRegressor } from '../trees/regress.js';
import { reducedErrorPrune } from '../trees/rep.js';
import { applyCut, treeSize, type Cut, type DecisionTree, type RegressionData, type TreeData, type TreeSize } from '../trees/tree.js';
import { FlagReader, parseFlags } from './args.js';
import { EXIT, UsageError, withCliErrors, type Subcommand } from './command.js';
import {
  DATA_ACCEPTS, DATA_FIELD_FLAGS, DATA_HELP, DATA_OPTIONS, loadTreeData, parseDataArgs, splitTreeData,
  type DataArgs, type DataParts,
} from './tree-data.js';

const ALL_CRITERIA = [...CRITERIA, ...REGRESSION_CRITERIA] as const;

const HELP = `Usage: prune-lab tree (--csv FILE --target COL | --dataset NAME) [flags]

${DATA_HELP}
Growth (pre-pruning), as scikit-learn's DecisionTreeClassifier / DecisionTreeRegressor
  --criterion C              classification: gini | entropy (default gini);
                             regression: squared_error | friedman_mse | absolute_error (default squared_error)
  --max-depth N              integer ≥ 1
  --min-samples-split N      integer ≥ 2
  --min-samples-leaf N       integer ≥ 1
  --min-impurity-decrease X  number ≥ 0 (weighted: N_t/N · impurity decrease)
  --max-leaf-nodes N         integer ≥ 2 (grows best-first)
Post-pruning
  --ccp-alpha X              cost-complexity pruning at alpha X ≥ 0
  --ccp-path                 print the pruning path (alphas, total leaf impurities); of the
                             tree fit on all rows unless --test-fraction holds some out
  --prune rep|pep            reduced-error (needs --val-fraction; validation errors, or squared error for
                             regression) or pessimistic pruning (C4.5; classification only)
  --confidence CF            PEP confidence factor in (0, 0.5] (default ${DEFAULT_CONFIDENCE})
Output
  --json                     one JSON object on stdout
  -h, --help                 this help
`;

const OPTIONS = {
  ...DATA_OPTIONS,
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
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** What each flag accepts, for error messages. */
const ACCEPTS: Record<string, string> = {
  ...DATA_ACCEPTS,
  criterion: ALL_CRITERIA.join(' | '),
  'max-depth': 'an integer ≥ 1',
  'min-samples-split': 'an integer ≥ 2',
  'min-samples-leaf': 'an integer ≥ 1',
  'min-impurity-decrease': 'a number ≥ 0',
  'max-leaf-nodes': 'an integer ≥ 2',
  'ccp-alpha': 'a number ≥ 0',
  prune: 'rep | pep',
  confidence: 'a number in (0, 0.5]',
};

const flags = new FlagReader(ACCEPTS);
const intFlag = flags.int.bind(flags);
const numFlag = flags.num.bind(flags);
const oneOf = flags.oneOf.bind(flags);

interface TreeArgs extends DataArgs {
  params: TreeParams | RegressorParams;
  ccpAlpha?: number;
  ccpPath: boolean;
  prune?: 'rep' | 'pep';
  confidence: number;
  json: boolean;
}

/** Parses and cross-checks the flags; throws UsageError naming the flag. */
export function parseTreeArgs(args: string[]): TreeArgs | 'help' {
  const values = parseFlags(args, OPTIONS, ACCEPTS);
  if (values.help) return 'help';
  const criterion = oneOf(values.criterion, 'criterion', ALL_CRITERIA);
  const params: TreeParams | RegressorParams = {
    criterion,
    maxDepth: intFlag(values['max-depth'], 'max-depth', 1),
    minSamplesSplit: intFlag(values['min-samples-split'], 'min-samples-split', 2),
    minSamplesLeaf: intFlag(values['min-samples-leaf'], 'min-samples-leaf', 1),
    minImpurityDecrease: numFlag(values['min-impurity-decrease'], 'min-impurity-decrease', (x) => x >= 0),
    maxLeafNodes: intFlag(values['max-leaf-nodes'], 'max-leaf-nodes', 2),
  };
  for (const k of Object.keys(params) as Array<keyof TreeParams>) if (params[k] === undefined) delete params[k];
  const data = parseDataArgs(values);
  // A named set knows its task; a CSV's comes from --task or its target (the criterion does not decide how the target reads).
  const task = data.task;
  const regressionCriterion = criterion !== undefined && (REGRESSION_CRITERIA as readonly string[]).includes(criterion);
  if (criterion !== undefined && task !== undefined && regressionCriterion !== (task === 'regression')) {
    throw new UsageError(`--criterion ${criterion} is for ${regressionCriterion ? 'regression' : 'classification'}; with ${task} use ${(task === 'regression' ? REGRESSION_CRITERIA : CRITERIA).join(' | ')}`);
  }
  const out: TreeArgs = {
    ...data,
    params,
    ccpAlpha: numFlag(values['ccp-alpha'], 'ccp-alpha', (x) => x >= 0),
    ccpPath: values['ccp-path'] ?? false,
    prune: oneOf(values.prune, 'prune', ['rep', 'pep'] as const),
    confidence: numFlag(values.confidence, 'confidence', (x) => x > 0 && x <= 0.5) ?? DEFAULT_CONFIDENCE,
    json: values.json ?? false,
  };
  if (out.prune === 'pep' && out.task === 'regression') throw new UsageError('--prune pep: C4.5 pessimistic pruning is for classification only; for regression use --ccp-alpha or --prune rep');
  if (out.ccpAlpha !== undefined && out.prune !== undefined) throw new UsageError('--ccp-alpha and --prune are two post-pruning methods; give one');
  if (out.prune === 'rep' && out.valFraction === undefined) throw new UsageError('--prune rep needs --val-fraction F (the validation rows it prunes on)');
  if (values.confidence !== undefined && out.prune !== 'pep') throw new UsageError('--confidence goes with --prune pep');
  return out;
}

interface TreeReport {
  task: 'classification';
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

/** The regression report: the classification one's shape, with MSE/MAE/R² in place of accuracies. */
interface RegressionReport extends Omit<TreeReport, 'task' | 'dataset' | 'trainAccuracy' | 'valAccuracy' | 'testAccuracy' | 'metrics' | 'pruning'> {
  task: 'regression';
  dataset: { name: string; rows: number; features: number; target: string };
  pruning: { method: 'ccp' | 'rep' | null; ccpAlpha?: number; subtreesCut: number };
  trainMse: number;
  trainR2: number;
  valMse?: number;
  valR2?: number;
  testMse?: number;
  testR2?: number;
  metrics: { train: RegressionMetrics; val?: RegressionMetrics; test?: RegressionMetrics };
}

/** The report's growth parameters where the flags left them out (scikit-learn's defaults). */
const DEFAULT_GROWTH = { maxDepth: null, minSamplesSplit: 2, minSamplesLeaf: 1, minImpurityDecrease: 0, maxLeafNodes: null };

/** One score per split present. */
function splitScores<D, M>(p: DataParts<D>, score: (d: D) => M): { train: M; val?: M; test?: M } {
  return { train: score(p.train), ...(p.val ? { val: score(p.val) } : {}), ...(p.test ? { test: score(p.test) } : {}) };
}

/** Post-pruning and the path, shared by both tasks: `fit` grows on the rows given. */
function postPrune<D extends TreeData | RegressionData>(a: TreeArgs, p: DataParts<D>, fit: (d: D) => DecisionTree) {
  const t0 = performance.now();
  const grown = fit(p.train);
  const fitMs = performance.now() - t0;
  const t1 = performance.now();
  let path: CcpPath | undefined;
  if (a.ccpPath || a.ccpAlpha !== undefined) path = ccpPath(grown);
  let cut: Cut | undefined;
  if (a.ccpAlpha !== undefined) cut = cutForAlpha(grown, a.ccpAlpha, path);
  else if (a.prune === 'rep') cut = reducedErrorPrune(grown, p.val!).cut;
  else if (a.prune === 'pep') cut = pessimisticPrune(grown, a.confidence).cut;
  const tree: DecisionTree = cut ? applyCut(grown, cut) : grown;
  const pruneMs = cut ? performance.now() - t1 : 0;
  const method: TreeReport['pruning']['method'] = a.ccpAlpha !== undefined ? 'ccp' : a.prune ?? null;
  let ccp: { alphas: number[]; impurities: number[] } | undefined;
  if (a.ccpPath && path) {
    // Without a test split the path describes all the data given, even when
    // validation rows were held out for pruning.
    const full = p.split && a.testFraction === undefined ? ccpPath(fit(p.all)) : path;
    ccp = { alphas: full.alphas, impurities: full.impurities };
  }
  return {
    tree, ccp,
    common: {
      split: { train: p.train.n, val: p.val?.n ?? 0, test: p.test?.n ?? 0, seed: a.seed },
      tree: treeSize(tree),
      unprunedTree: treeSize(grown),
      fitMs,
      pruneMs,
    },
    pruning: {
      method,
      ...(method === 'ccp' ? { ccpAlpha: a.ccpAlpha } : {}),
      ...(method === 'pep' ? { confidence: a.confidence } : {}),
      subtreesCut: cut ? cut.reduce((s, v) => s + v, 0) : 0,
    },
  };
}

export async function runTree(a: TreeArgs): Promise<TreeReport | RegressionReport> {
  const loaded = await loadTreeData(a);
  if (loaded.task === 'regression') return runRegression(a, loaded.data);
  if (a.params.criterion !== undefined && (REGRESSION_CRITERIA as readonly string[]).includes(a.params.criterion)) {
    throw new UsageError(`--criterion ${a.params.criterion} is for regression, and the target of ${loaded.data.name} reads as class labels; give --task regression to read it as numbers`);
  }
  const data = loaded.data;
  const p = splitTreeData<TreeData>(a, data);
  const params = a.params as TreeParams;
  const r = postPrune(a, p, (d) => fitTree(d, params));
  const metrics = splitScores(p, (d) => evaluateTree(r.tree, d));
  const report: TreeReport = {
    task: 'classification',
    dataset: { name: data.name, rows: data.n, features: data.numFeatures, classes: data.numClasses, classNames: data.classNames },
    params: { criterion: 'gini', ...DEFAULT_GROWTH, ...params },
    ...r.common,
    pruning: r.pruning,
    trainAccuracy: metrics.train.accuracy,
    metrics,
  };
  if (metrics.val) report.valAccuracy = metrics.val.accuracy;
  if (metrics.test) report.testAccuracy = metrics.test.accuracy;
  if (r.ccp) report.ccpPath = r.ccp;
  return report;
}

async function runRegression(a: TreeArgs, data: RegressionTable): Promise<RegressionReport> {
  const params = a.params as RegressorParams;
  if (params.criterion !== undefined && !(REGRESSION_CRITERIA as readonly string[]).includes(params.criterion)) {
    throw new UsageError(`--criterion ${params.criterion} is for classification, and the target of ${data.name} reads as numbers (regression); use ${REGRESSION_CRITERIA.join(' | ')}, or --task classification`);
  }
  if (a.prune === 'pep') throw new UsageError('--prune pep: C4.5 pessimistic pruning is for classification only; for regression use --ccp-alpha or --prune rep');
  const p = splitTreeData<RegressionData>(a, data);
  const r = postPrune(a, p, (d) => fitRegressor(d, params));
  const metrics = splitScores(p, (d) => evaluateRegressor(r.tree, d));
  const report: RegressionReport = {
    task: 'regression',
    dataset: { name: data.name, rows: data.n, features: data.numFeatures, target: data.targetName },
    params: { criterion: 'squared_error', ...DEFAULT_GROWTH, ...params },
    ...r.common,
    pruning: r.pruning as RegressionReport['pruning'],
    trainMse: metrics.train.mse,
    trainR2: metrics.train.r2,
    metrics,
  };
  if (metrics.val) Object.assign(report, { valMse: metrics.val.mse, valR2: metrics.val.r2 });
  if (metrics.test) Object.assign(report, { testMse: metrics.test.mse, testR2: metrics.test.r2 });
  if (r.ccp) report.ccpPath = r.ccp;
  return report;
}

function pct(v: number): string {
  return `${(100 * v).toFixed(2)}%`;
}

function summary(r: TreeReport | RegressionReport): string {
  const t = r.tree;
  const scores = r.task === 'classification'
    ? [
        `accuracy  train ${pct(r.trainAccuracy)}` + (r.valAccuracy !== undefined ? `, val ${pct(r.valAccuracy)}` : '') + (r.testAccuracy !== undefined ? `, test ${pct(r.testAccuracy)}` : ''),
        `macro-F1  ${(r.metrics.test ?? r.metrics.val ?? r.metrics.train).macroF1.toFixed(4)} (${r.metrics.test ? 'test' : r.metrics.val ? 'val' : 'train'})`,
      ]
    : (['train', 'val', 'test'] as const).filter((k) => r.metrics[k]).map((k) => {
        const m = r.metrics[k]!;
        return `${k.padEnd(10)}MSE ${m.mse.toPrecision(6)}, MAE ${m.mae.toPrecision(6)}, R² ${m.r2.toFixed(4)}`;
      });
  const lines = [
    r.task === 'classification'
      ? `dataset   ${r.dataset.name}: ${r.dataset.rows} rows, ${r.dataset.features} features, ${r.dataset.classes} classes`
      : `dataset   ${r.dataset.name}: ${r.dataset.rows} rows, ${r.dataset.features} features, regression target ${r.dataset.target}`,
    `split     train ${r.split.train}, val ${r.split.val}, test ${r.split.test} (seed ${r.split.seed})`,
    `tree      ${t.nodes} nodes, ${t.leaves} leaves, depth ${t.depth}` +
      (r.pruning.method ? `  (grown: ${r.unprunedTree.nodes} nodes, ${r.unprunedTree.leaves} leaves; ${r.pruning.method.toUpperCase()} cut ${r.pruning.subtreesCut} subtrees)` : ''),
    ...scores,
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
      let report: TreeReport | RegressionReport;
      try {
        report = await runTree(parsed);
      } catch (e) {
        // An engine refusal of a value a flag gave, said with the flag.
        const flag = e instanceof PruneLabError && e.code !== 'invalid-data' && e.field !== undefined && Object.hasOwn(DATA_FIELD_FLAGS, e.field) ? DATA_FIELD_FLAGS[e.field] : undefined;
        if (flag !== undefined) throw new UsageError(`--${flag}: ${(e as PruneLabError).message}`);
        throw e;
      }
      process.stdout.write(parsed.json ? `${JSON.stringify(report)}\n` : summary(report));
      return 0;
    }, { exitOf: (e) => (e.code === 'invalid-data' ? EXIT.failed : EXIT.usage) }),
};
