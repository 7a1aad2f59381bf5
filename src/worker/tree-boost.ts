// The boosting lab's engine side (TreeLabApi.runBoost): a small seeded set, a
// seeded train/validation split, a gbdt or xgb fit with the validation rows (early
// stopping reads them), the validation curve's best stage and the truncation to it,
// the pruning counts, and the first stage trees in the tree diagram's shape.
import { check, checkFields } from '../errors.js';
import { synthetic } from '../data/synthetic.js';
import { subsetBoostRows, type BoostData } from '../trees/boost/data.js';
import { fitGbdt, type GbdtModel } from '../trees/boost/gbdt.js';
import { pruningCounts, truncateToBest, type BoostModel } from '../trees/boost/report.js';
import { fitXgb, type XgbModel } from '../trees/boost/xgb.js';
import type { XgbTree } from '../trees/boost/xgb-tree.js';
import { regressionSet } from '../trees/datasets.js';
import { splitRows } from '../trees/split.js';
import type { DecisionTree } from '../trees/tree.js';
import { BOOST_ALGOS, BOOST_DATASETS, type BoostDataSpec, type BoostLabConfig, type BoostLabReport, type ShownBoostTree } from './tree-api.js';

const CONFIG_KEYS = ['algo', 'nEstimators', 'learningRate', 'maxDepth', 'gamma', 'earlyStopping', 'valFraction', 'seed', 'shownTrees'];

function boostData(spec: BoostDataSpec): BoostData & { name: string; featureNames: readonly string[]; numClasses?: number } {
  check(typeof spec === 'object' && spec !== null, 'data', 'a boost dataset spec object', spec);
  checkFields(spec as unknown, 'data', ['kind', 'n', 'noise', 'seed'], 'invalid-argument');
  check((BOOST_DATASETS as readonly string[]).includes(spec.kind), 'data.kind', `one of ${BOOST_DATASETS.join(', ')}`, spec.kind);
  const opts = { n: spec.n, noise: spec.noise, seed: spec.seed };
  if (spec.kind === 'friedman1' || spec.kind === 'sine' || spec.kind === 'step') return regressionSet(spec.kind, opts);
  return synthetic(spec.kind, opts);
}

export function runBoostLab(spec: BoostDataSpec, config: BoostLabConfig): BoostLabReport {
  // Validate everything first: the engine's own checks name the fields of its params.
  check(typeof config === 'object' && config !== null, 'config', 'a boost config object', config);
  checkFields(config as unknown, 'config', CONFIG_KEYS, 'invalid-argument');
  check((BOOST_ALGOS as readonly string[]).includes(config.algo), 'algo', `one of ${BOOST_ALGOS.join(', ')}`, config.algo);
  check(config.algo === 'xgb' || config.gamma === undefined || config.gamma === 0, 'gamma', 'given for xgb only (gbdt has no gamma)', config.gamma);
  const shown = config.shownTrees ?? 4;
  check(Number.isInteger(shown) && shown >= 0 && shown <= 12, 'shownTrees', 'an integer in [0, 12]', shown);
  const valFraction = config.valFraction ?? 0.25;
  check(typeof valFraction === 'number' && valFraction > 0 && valFraction < 1, 'valFraction', 'a number in (0, 1)', valFraction);
  const seed = config.seed ?? 0;
  const data = boostData(spec);
  const split = splitRows(data.n, { valFraction, testFraction: 0, seed });
  const train = subsetBoostRows(data, split.train);
  const val = subsetBoostRows(data, split.val);
  const nEstimators = config.nEstimators ?? 50;
  const maxDepth = config.maxDepth ?? 3;
  const es = config.earlyStopping ?? null;
  const t0 = performance.now();
  const model: BoostModel = config.algo === 'gbdt'
    ? fitGbdt(train, { nEstimators, maxDepth, learningRate: config.learningRate ?? 0.1, nIterNoChange: es, seed }, { val })
    : fitXgb(train, { nEstimators, maxDepth, eta: config.learningRate ?? 0.3, gamma: config.gamma ?? 0, earlyStoppingRounds: es, seed }, { val });
  const fitMs = performance.now() - t0;
  const t = truncateToBest(model, val);
  const classes = 'numClasses' in data && typeof data.numClasses === 'number' ? data.numClasses : 0;
  const task = classes > 0 ? 'classification' : 'regression';
  const stoppedEarly = model.kind === 'gbdt' ? model.stoppedEarly : model.params.earlyStoppingRounds !== null && model.trees.length < model.params.nEstimators;
  const lossName = model.kind === 'gbdt'
    ? (task === 'regression' ? 'squared error (scikit-learn train_score_)' : 'deviance (scikit-learn train_score_)')
    : (task === 'regression' ? 'rmse (xgboost eval metric)' : 'logloss (xgboost eval metric)');
  return {
    algo: config.algo,
    task,
    dataset: { name: data.name, n: data.n, numFeatures: data.numFeatures, numClasses: classes, featureNames: [...data.featureNames] },
    sizes: { train: train.n, val: val.n },
    lossName,
    trainLoss: [...model.trainLoss],
    valLoss: t.valLoss,
    bestStages: t.bestStages,
    picked: t.picked,
    stoppedEarly,
    truncation: { before: t.before, after: t.after },
    pruning: pruningCounts(model),
    trees: model.kind === 'xgb' ? shownXgb(model, shown) : shownGbdt(model, shown),
    params: model.kind === 'xgb'
      ? { nEstimators: model.params.nEstimators, learningRate: model.params.eta, maxDepth: model.params.maxDepth, gamma: model.params.gamma, earlyStopping: model.params.earlyStoppingRounds, seed }
      : { nEstimators: model.params.nEstimators, learningRate: model.params.learningRate, maxDepth: model.params.tree.maxDepth ?? 0, gamma: null, earlyStopping: model.params.nIterNoChange, seed },
    fitMs,
  };
}

function shownGbdt(model: GbdtModel, count: number): ShownBoostTree[] {
  return model.trees.slice(0, count).map((stage, s) => {
    const { tree, leafValue } = stage[0]!;
    // The line-search values are what the stage adds (before the learning rate).
    return { stage: s, tree: { ...tree, value: Float64Array.from(leafValue) }, cut: null, op: '≤' };
  });
}

function shownXgb(model: XgbModel, count: number): ShownBoostTree[] {
  return model.trees.slice(0, count).map((round, s) => {
    const t = round[0]!;
    const cut = t.cut.some((c) => c === 1) ? t.cut.slice() : null;
    return { stage: s, tree: xgbAsDecisionTree(t), cut, op: '<' };
  });
}

/** An xgb tree in DecisionTree's layout for drawing: value = eta × weight, impurity = the split's loss_chg, weights = the hessian sums. */
function xgbAsDecisionTree(t: XgbTree): DecisionTree {
  return {
    task: 'regression', numFeatures: t.numFeatures, numClasses: 1, criterion: 'squared_error', nodeCount: t.nodeCount,
    left: t.left.slice(), right: t.right.slice(), parent: t.parent.slice(), feature: t.feature.slice(),
    threshold: Float64Array.from(t.threshold), impurity: Float64Array.from(t.gain), nSamples: t.nSamples.slice(),
    weightedNSamples: Float64Array.from(t.sumHess), value: Float64Array.from(t.value), depth: t.depth.slice(),
  };
}
