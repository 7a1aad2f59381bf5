// `prune-lab boost`: gradient boosting (scikit-learn's GBDT) or XGBoost-style
// boosting on the data `prune-lab tree` reads (its data flags and loader), with
// what pruning did made visible: splits removed by gamma / ccp-alpha, leaves stopped
// by pre-pruning, losses per stage, the stage early stopping or the validation curve
// picks, and truncation to it. A summary, or with --json one JSON object.
import { PruneLabError } from '../errors.js';
import { earlyStoppingSplit, fitGbdt, type GbdtModel, type GbdtParams } from '../trees/boost/gbdt.js';
import { GBDT_LOSSES } from '../trees/boost/gbdt-loss.js';
import { isClassData, subsetBoostRows, type BoostData } from '../trees/boost/data.js';
import { pruningCounts, scoreModel, truncateToBest, nodesIn, type BoostModel, type BoostScore, type BoostTruncationReport, type PruningCounts } from '../trees/boost/report.js';
import { fitXgb, XGB_OBJECTIVES, type XgbModel, type XgbParams } from '../trees/boost/xgb.js';
import { FlagReader, parseFlags } from './args.js';
import { EXIT, UsageError, withCliErrors, type Subcommand } from './command.js';
import { DATA_ACCEPTS, DATA_FIELD_FLAGS, DATA_HELP, DATA_OPTIONS, loadTreeData, parseDataArgs, splitTreeData, type DataArgs } from './tree-data.js';

const HELP = `Usage: prune-lab boost (--csv FILE --target COL | --dataset NAME) [--algo gbdt|xgb] [flags]

${DATA_HELP}
Boosting
  --algo gbdt|xgb            scikit-learn's gradient boosting (default) or XGBoost-style (exact) boosting
  --loss L                   gbdt: ${GBDT_LOSSES.join(' | ')}; xgb: ${XGB_OBJECTIVES.join(' | ')}
                             (default: squared_error / reg:squarederror for real targets, log_loss /
                             binary:logistic or multi:softprob for classes)
  --n-estimators N           stages, integer in [1, 10000] (default 100)
  --learning-rate X          shrinkage (gbdt default 0.1; xgb's eta, default 0.3, in (0, 1])
  --max-depth N              gbdt: integer ≥ 1 (default 3); xgb: integer in [1, 64] (default 6; 0 = unlimited with lossguide)
  --subsample F              row share per stage in (0, 1] (default 1; our seeded draw, not the reference's)
  --early-stopping N         stop after N stages without improvement on validation rows: the --val-fraction rows,
                             else --validation-fraction of the training rows (seeded; stratified for classes)
  --validation-fraction F    in (0, 1) (default 0.1), with --early-stopping and no --val-fraction
gbdt only (scikit-learn's names)
  --criterion C              friedman_mse | squared_error (default friedman_mse)
  --min-samples-split N      integer ≥ 2
  --min-samples-leaf N       integer ≥ 1
  --min-impurity-decrease X  number ≥ 0
  --max-leaf-nodes N         integer ≥ 2
  --ccp-alpha X              cost-complexity pruning of every stage tree, number ≥ 0
  --huber-alpha X            huber's quantile in (0, 1) (default 0.9)
  --tol X                    early stopping's minimum improvement, number ≥ 0 (default 1e-4)
xgb only (xgboost's names)
  --gamma X                  min_split_loss: the prune pass removes splits gaining less, number ≥ 0 (default 0)
  --lambda X                 L2 on leaf weights, number ≥ 0 (default 1)
  --alpha X                  L1 on leaf weights, number ≥ 0 (default 0)
  --min-child-weight X       number ≥ 0 (default 1)
  --max-delta-step X         number ≥ 0 (default 0: none)
  --base-score X             initial prediction (default 0.5)
  --grow-policy P            depthwise | lossguide (default depthwise)
  --max-leaves N             leaves per tree with lossguide, integer ≥ 0 (0 = unlimited)
Output
  --json                     one JSON object on stdout
  -h, --help                 this help
`;

const OPTIONS = {
  ...DATA_OPTIONS,
  algo: { type: 'string' },
  loss: { type: 'string' },
  'n-estimators': { type: 'string' },
  'learning-rate': { type: 'string' },
  'max-depth': { type: 'string' },
  subsample: { type: 'string' },
  'early-stopping': { type: 'string' },
  'validation-fraction': { type: 'string' },
  criterion: { type: 'string' },
  'min-samples-split': { type: 'string' },
  'min-samples-leaf': { type: 'string' },
  'min-impurity-decrease': { type: 'string' },
  'max-leaf-nodes': { type: 'string' },
  'ccp-alpha': { type: 'string' },
  'huber-alpha': { type: 'string' },
  tol: { type: 'string' },
  gamma: { type: 'string' },
  lambda: { type: 'string' },
  alpha: { type: 'string' },
  'min-child-weight': { type: 'string' },
  'max-delta-step': { type: 'string' },
  'base-score': { type: 'string' },
  'grow-policy': { type: 'string' },
  'max-leaves': { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const ACCEPTS: Record<string, string> = {
  ...DATA_ACCEPTS,
  algo: 'gbdt | xgb',
  loss: `${GBDT_LOSSES.join(' | ')} (gbdt) or ${XGB_OBJECTIVES.join(' | ')} (xgb)`,
  'n-estimators': 'an integer in [1, 10000]',
  'learning-rate': 'a number > 0 (xgb: in (0, 1])',
  'max-depth': 'an integer ≥ 1 (xgb: in [0, 64], 0 with lossguide only)',
  subsample: 'a number in (0, 1]',
  'early-stopping': 'an integer in [1, 10000]',
  'validation-fraction': 'a number in (0, 1)',
  criterion: 'friedman_mse | squared_error',
  'min-samples-split': 'an integer ≥ 2',
  'min-samples-leaf': 'an integer ≥ 1',
  'min-impurity-decrease': 'a number ≥ 0',
  'max-leaf-nodes': 'an integer ≥ 2',
  'ccp-alpha': 'a number ≥ 0',
  'huber-alpha': 'a number in (0, 1)',
  tol: 'a number ≥ 0',
  gamma: 'a number ≥ 0',
  lambda: 'a number ≥ 0',
  alpha: 'a number ≥ 0',
  'min-child-weight': 'a number ≥ 0',
  'max-delta-step': 'a number ≥ 0',
  'base-score': 'a number (a probability in (0, 1) for binary:logistic)',
  'grow-policy': 'depthwise | lossguide',
  'max-leaves': 'an integer ≥ 0',
};

const GBDT_ONLY = ['criterion', 'min-samples-split', 'min-samples-leaf', 'min-impurity-decrease', 'max-leaf-nodes', 'ccp-alpha', 'huber-alpha', 'tol'];
const XGB_ONLY = ['gamma', 'lambda', 'alpha', 'min-child-weight', 'max-delta-step', 'base-score', 'grow-policy', 'max-leaves'];

/** Engine fields → the flag that sets them (for refusals the engine makes of a flag's value). */
const FIELD_FLAGS: Record<string, string> = {
  ...DATA_FIELD_FLAGS,
  loss: 'loss', objective: 'loss', nEstimators: 'n-estimators', learningRate: 'learning-rate', eta: 'learning-rate',
  maxDepth: 'max-depth', subsample: 'subsample', nIterNoChange: 'early-stopping', earlyStoppingRounds: 'early-stopping',
  validationFraction: 'validation-fraction', criterion: 'criterion', minSamplesSplit: 'min-samples-split',
  minSamplesLeaf: 'min-samples-leaf', minImpurityDecrease: 'min-impurity-decrease', maxLeafNodes: 'max-leaf-nodes',
  ccpAlpha: 'ccp-alpha', tol: 'tol', gamma: 'gamma', lambda: 'lambda', minChildWeight: 'min-child-weight',
  maxDeltaStep: 'max-delta-step', baseScore: 'base-score', growPolicy: 'grow-policy', maxLeaves: 'max-leaves',
};

const flags = new FlagReader(ACCEPTS);

interface BoostArgs {
  data: DataArgs;
  algo: 'gbdt' | 'xgb';
  gbdt: GbdtParams;
  xgb: XgbParams;
  earlyStopping?: number;
  validationFraction: number;
  json: boolean;
}

function dropUndefined<T extends object>(o: T): T {
  for (const k of Object.keys(o) as Array<keyof T>) if (o[k] === undefined) delete o[k];
  return o;
}

/** Parses and cross-checks the flags; throws UsageError naming the flag. */
export function parseBoostArgs(args: string[]): BoostArgs | 'help' {
  const values = parseFlags(args, OPTIONS, ACCEPTS);
  if (values.help) return 'help';
  const data = parseDataArgs(values);
  const algo = flags.oneOf(values.algo, 'algo', ['gbdt', 'xgb'] as const) ?? 'gbdt';
  for (const f of algo === 'gbdt' ? XGB_ONLY : GBDT_ONLY) {
    if (values[f as keyof typeof values] !== undefined) throw new UsageError(`--${f} is a flag of --algo ${algo === 'gbdt' ? 'xgb' : 'gbdt'}; with --algo ${algo} leave it out`);
  }
  const num = (f: keyof typeof values, ok: (x: number) => boolean): number | undefined => flags.num(values[f] as string | undefined, f, ok);
  const int = (f: keyof typeof values, lo: number, hi?: number): number | undefined => flags.int(values[f] as string | undefined, f, lo, hi);
  const nEstimators = int('n-estimators', 1, 10001);
  const learningRate = num('learning-rate', (x) => x > 0);
  const maxDepth = int('max-depth', 0);
  const subsample = num('subsample', (x) => x > 0 && x <= 1);
  const earlyStopping = int('early-stopping', 1, 10001);
  const validationFraction = num('validation-fraction', (x) => x > 0 && x < 1);
  if (validationFraction !== undefined && earlyStopping === undefined) throw new UsageError('--validation-fraction goes with --early-stopping N');
  if (validationFraction !== undefined && data.valFraction !== undefined) throw new UsageError('--validation-fraction and --val-fraction both give validation rows; give one');
  const seed = data.seed;
  let loss: string | undefined;
  if (values.loss !== undefined) loss = flags.oneOf(values.loss, 'loss', algo === 'gbdt' ? GBDT_LOSSES : XGB_OBJECTIVES);
  const gbdt: GbdtParams = algo === 'xgb' ? {} : dropUndefined({
    loss: loss as GbdtParams['loss'], nEstimators, learningRate, subsample, seed,
    maxDepth: maxDepth === 0 ? flags.int(values['max-depth'], 'max-depth', 1) : maxDepth,
    criterion: flags.oneOf(values.criterion, 'criterion', ['friedman_mse', 'squared_error'] as const),
    minSamplesSplit: int('min-samples-split', 2),
    minSamplesLeaf: int('min-samples-leaf', 1),
    minImpurityDecrease: num('min-impurity-decrease', (x) => x >= 0),
    maxLeafNodes: int('max-leaf-nodes', 2),
    ccpAlpha: num('ccp-alpha', (x) => x >= 0),
    alpha: num('huber-alpha', (x) => x > 0 && x < 1),
    tol: num('tol', (x) => x >= 0),
    nIterNoChange: earlyStopping,
  });
  if (gbdt.alpha !== undefined && gbdt.loss !== 'huber') throw new UsageError('--huber-alpha goes with --loss huber');
  const xgb: XgbParams = algo === 'gbdt' ? {} : dropUndefined({
    objective: loss as XgbParams['objective'], nEstimators, eta: learningRate, maxDepth, subsample, seed,
    gamma: num('gamma', (x) => x >= 0),
    lambda: num('lambda', (x) => x >= 0),
    alpha: num('alpha', (x) => x >= 0),
    minChildWeight: num('min-child-weight', (x) => x >= 0),
    maxDeltaStep: num('max-delta-step', (x) => x >= 0),
    baseScore: num('base-score', () => true),
    growPolicy: flags.oneOf(values['grow-policy'], 'grow-policy', ['depthwise', 'lossguide'] as const),
    maxLeaves: int('max-leaves', 0),
    earlyStoppingRounds: earlyStopping,
  });
  return { data, algo, gbdt, xgb, earlyStopping, validationFraction: validationFraction ?? 0.1, json: values.json ?? false };
}

interface BoostReport {
  algo: 'gbdt' | 'xgb';
  task: 'classification' | 'regression';
  dataset: { name: string; rows: number; features: number; classes?: number };
  params: Record<string, unknown>;
  split: { train: number; val: number; test: number; seed: number; earlyStopping: { train: number; val: number } | null };
  model: { stages: number; treesPerStage: number; trees: number; totalNodes: number; leaves: number };
  pruning: PruningCounts;
  stages: {
    /** The model's loss per stage: gbdt scikit-learn's (binary: deviance), xgb rmse / logloss / mlogloss. */
    trainLoss: number[];
    valLoss: number[] | null;
    stoppedEarly: boolean;
    /** Stage count at the validation loss's minimum, when there are validation rows. */
    bestStages: number | null;
  };
  truncation: Omit<BoostTruncationReport, 'valLoss'> | null;
  metrics: { train: BoostScore; val?: BoostScore; test?: BoostScore };
  fitMs: number;
}

export async function runBoost(a: BoostArgs): Promise<BoostReport> {
  const loaded = await loadTreeData(a.data);
  const all: BoostData = loaded.data;
  const parts = splitTreeData(a.data, all);
  let train: BoostData = parts.train;
  let val: BoostData | undefined = parts.val;
  const test: BoostData | undefined = parts.test;
  let esSplit: BoostReport['split']['earlyStopping'] = null;
  if (a.earlyStopping !== undefined && val === undefined) {
    const s = earlyStoppingSplit(train, a.validationFraction, a.data.seed);
    esSplit = { train: s.train.length, val: s.val.length };
    val = subsetBoostRows(train, s.val);
    train = subsetBoostRows(train, s.train);
  }
  const opts = val ? { val } : {};
  const t0 = performance.now();
  const model: BoostModel = a.algo === 'gbdt' ? fitGbdt(train, a.gbdt, opts) : fitXgb(train, a.xgb, opts);
  const fitMs = performance.now() - t0;
  const stages = model.trees.length;
  const pruning = pruningCounts(model);
  const metrics: BoostReport['metrics'] = { train: scoreModel(model, train) };
  if (val) metrics.val = scoreModel(model, val);
  if (test) metrics.test = scoreModel(model, test);
  let truncation: BoostReport['truncation'] = null;
  let bestStages: number | null = null;
  if (val) {
    // The curve itself is stages.valLoss already.
    const t: Partial<BoostTruncationReport> = truncateToBest(model, val, test);
    delete t.valLoss;
    truncation = t as BoostReport['truncation'];
    bestStages = t.bestStages!;
  }
  const stoppedEarly = model.kind === 'gbdt' ? model.stoppedEarly : model.params.earlyStoppingRounds !== null && stages < model.params.nEstimators;
  return {
    algo: a.algo,
    task: isClassData(all) ? 'classification' : 'regression',
    dataset: { name: loaded.data.name, rows: all.n, features: all.numFeatures, ...(isClassData(all) ? { classes: all.numClasses } : {}) },
    params: paramsOf(model),
    split: { train: train.n, val: val?.n ?? 0, test: test?.n ?? 0, seed: a.data.seed, earlyStopping: esSplit },
    model: { stages, treesPerStage: model.numGroups, trees: stages * model.numGroups, totalNodes: nodesIn(model, stages), leaves: pruning.kept.leaves },
    pruning,
    stages: { trainLoss: model.trainLoss, valLoss: model.valLoss, stoppedEarly, bestStages },
    truncation,
    metrics,
    fitMs,
  };
}

function paramsOf(model: BoostModel): Record<string, unknown> {
  if (model.kind === 'xgb') {
    const { ...p } = (model as XgbModel).params;
    return p;
  }
  const { tree, ...p } = (model as GbdtModel).params;
  return { ...p, ...tree };
}

function fmt(v: number): string {
  return Math.abs(v) >= 1e4 || (v !== 0 && Math.abs(v) < 1e-3) ? v.toExponential(3) : v.toFixed(4);
}

function scoreLine(s: BoostScore): string {
  const parts = [`loss ${fmt(s.loss)}`];
  if (s.accuracy !== undefined) parts.push(`accuracy ${(100 * s.accuracy).toFixed(2)}%`);
  if (s.r2 !== undefined) parts.push(`R² ${fmt(s.r2)}`, `MSE ${fmt(s.mse!)}`);
  return parts.join(', ');
}

function summary(r: BoostReport): string {
  const p = r.pruning;
  const pre = Object.entries(p.pre).filter(([, v]) => v > 0).map(([k, v]) => `${k} ${v}`).join(', ');
  const lines = [
    `dataset   ${r.dataset.name}: ${r.dataset.rows} rows, ${r.dataset.features} features, ${r.task}${r.dataset.classes ? ` (${r.dataset.classes} classes)` : ''}`,
    `split     train ${r.split.train}, val ${r.split.val}, test ${r.split.test} (seed ${r.split.seed})${r.split.earlyStopping ? '; validation rows held out of the training rows for early stopping' : ''}`,
    `model     ${r.algo}: ${r.model.stages} stages × ${r.model.treesPerStage} trees, ${r.model.totalNodes} nodes, ${r.model.leaves} leaves${r.stages.stoppedEarly ? ' (early stopping)' : ''}`,
    `pruning   grown ${p.grown.leaves} leaves → kept ${p.kept.leaves}` +
      (p.post.method ? `; ${p.post.method} removed ${p.post.splitsRemoved} splits in ${p.post.treesCut} trees` : '; no post-pruning') +
      (pre ? `; grown leaves stopped by ${pre}` : ''),
    `train     ${scoreLine(r.metrics.train)}`,
  ];
  if (r.metrics.val) lines.push(`val       ${scoreLine(r.metrics.val)}`);
  if (r.metrics.test) lines.push(`test      ${scoreLine(r.metrics.test)}`);
  if (r.truncation) {
    const t = r.truncation;
    lines.push(
      `truncate  best validation stage ${t.bestStages} of ${t.before.stages} (${t.picked}): ${t.before.totalNodes} → ${t.after.totalNodes} nodes, ` +
        `val loss ${fmt(t.before.val.loss)} → ${fmt(t.after.val.loss)}, predict ${t.before.predictMs.toFixed(2)} → ${t.after.predictMs.toFixed(2)} ms`,
    );
  }
  lines.push(`time      fit ${r.fitMs.toFixed(1)} ms`);
  return lines.join('\n') + '\n';
}

export const boostCommand: Subcommand = {
  summary: 'gradient boosting (scikit-learn GBDT) or XGBoost-style boosting, with its pruning made visible',
  run: (args: string[]): Promise<number> =>
    withCliErrors('boost', async () => {
      const parsed = parseBoostArgs(args);
      if (parsed === 'help') {
        process.stdout.write(HELP);
        return 0;
      }
      let report: BoostReport;
      try {
        report = await runBoost(parsed);
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
