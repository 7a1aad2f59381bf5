// The tree engine behind TreeLabApi (tree.worker.ts exposes it through Comlink). It
// keeps the loaded dataset and the last grown tree, so the UI sends only small
// messages (a cut mask, a grid size) when it prunes live. The CSV, Iris and MNIST
// loaders are imported on first use, so the synthetic sets need none.
import { check, PruneLabError } from '../errors.js';
import type { TabularDataset } from '../data/csv.js';
import { synthetic, SYNTHETIC_KINDS, type SyntheticKind } from '../data/synthetic.js';
import { mnistPixels } from '../trees/datasets.js';
import { subsetRows } from '../trees/data.js';
import { fitForest, pruneEnsemble } from '../trees/forest.js';
import { bounds2d, decisionRegions, runLab, type Bounds, type LabConfig, type LabReport } from '../trees/lab.js';
import { splitRows } from '../trees/split.js';
import type { DecisionTree } from '../trees/tree.js';
import type { RegressionTable } from '../data/csv.js';
import { regressionSet } from '../trees/datasets.js';
import type {
  BoostDataSpec, BoostLabConfig, BoostLabReport, DatasetSpec, DatasetSummary, ForestConfig, ForestReport,
  RegressionDatasetSpec, RegressionLabConfig, RegressionLabReport, RegressionSummary, TreeLabApi,
} from './tree-api.js';
import { regressionGrid, regressionSummary, runRegressionLab } from './tree-regress-lab.js';
import { runBoostLab } from './tree-boost.js';

export class TreeLabWorker implements TreeLabApi {
  private data: TabularDataset | null = null;
  private bounds: Bounds | null = null;
  private tree: DecisionTree | null = null;
  /** The regression mode's set and last tree (apart from the classification ones). */
  private rdata: RegressionTable | null = null;
  private rtree: DecisionTree | null = null;

  async loadDataset(spec: DatasetSpec): Promise<DatasetSummary> {
    const data = await this.parse(spec);
    this.commit(data, null);
    return summarize(data);
  }

  async loadAndRun(spec: DatasetSpec, config: LabConfig): Promise<{ summary: DatasetSummary; report: LabReport }> {
    const data = await this.parse(spec);
    const report = runLab(data, config);
    this.commit(data, report.tree);
    return { summary: summarize(data), report };
  }

  /** Loaded data and tree change together, and only after whatever made them succeeded. */
  private commit(data: TabularDataset, tree: DecisionTree | null): void {
    this.data = data;
    this.tree = tree;
    this.bounds = data.numFeatures === 2 ? bounds2d(data) : null;
  }

  private async parse(spec: DatasetSpec): Promise<TabularDataset> {
    check(typeof spec === 'object' && spec !== null, 'spec', 'a dataset spec object', spec);
    let data: TabularDataset;
    if (spec.kind === 'iris') data = (await import('../data/iris.js')).loadIris();
    else if (spec.kind === 'csv') data = (await import('../data/csv.js')).parseCsv(spec.text, { target: spec.target, name: spec.name });
    else if (spec.kind === 'mnist') {
      const { loadIdxPairFromUrls, mnistUrls } = await import('../data/mnist.js');
      const ds = await loadIdxPairFromUrls(mnistUrls(self.location.href).test);
      data = mnistPixels(ds, spec.n);
    } else if ((SYNTHETIC_KINDS as readonly string[]).includes(spec.kind)) {
      const s = spec as { kind: SyntheticKind; n?: number; noise?: number; seed?: number };
      data = synthetic(s.kind, { n: s.n, noise: s.noise, seed: s.seed });
    } else {
      throw new PruneLabError('invalid-argument', `spec.kind must be one of iris, csv, mnist, ${SYNTHETIC_KINDS.join(', ')}`, 'spec.kind');
    }
    return data;
  }

  private loaded(): TabularDataset {
    if (!this.data) throw new PruneLabError('invalid-config', 'no dataset loaded: call loadDataset first', 'dataset');
    return this.data;
  }

  async runLab(config: LabConfig): Promise<LabReport> {
    const report = runLab(this.loaded(), config);
    this.tree = report.tree;
    return report;
  }

  async regions(cut: Uint8Array | null, res: number): Promise<Uint8Array> {
    if (!this.bounds) throw new PruneLabError('invalid-config', 'decision regions need a 2-D dataset', 'dataset');
    if (!this.tree) throw new PruneLabError('invalid-config', 'no tree yet: call runLab first', 'tree');
    return decisionRegions(this.tree, cut ?? undefined, this.bounds, res);
  }

  async runForest(config: ForestConfig): Promise<ForestReport> {
    const data = this.loaded();
    const split = splitRows(data.n, { valFraction: config.valFraction ?? 0.2, testFraction: config.testFraction ?? 0.2, seed: config.seed ?? 0 });
    check(split.val.length > 0, 'valFraction', 'a number in (0, 1): ensemble pruning needs validation rows', config.valFraction);
    const train = subsetRows(data, split.train);
    const t0 = performance.now();
    const forest = fitForest(train, { nTrees: config.nTrees, maxFeatures: config.maxFeatures, criterion: config.criterion, ...config.pre, seed: config.seed });
    const fitMs = performance.now() - t0;
    const report = pruneEnsemble(forest, subsetRows(data, split.val), split.test.length > 0 ? subsetRows(data, split.test) : undefined);
    return { ...report, sizes: { train: split.train.length, val: split.val.length, test: split.test.length }, fitMs };
  }

  async loadAndRunRegression(spec: RegressionDatasetSpec, config: RegressionLabConfig): Promise<{ summary: RegressionSummary; report: RegressionLabReport }> {
    check(typeof spec === 'object' && spec !== null, 'spec', 'a regression dataset spec object', spec);
    let data: RegressionTable;
    if (spec.kind === 'csv') data = (await import('../data/csv.js')).parseRegressionCsv(spec.text, { target: spec.target, name: spec.name });
    else if (spec.kind === 'sine' || spec.kind === 'step' || spec.kind === 'friedman1') data = regressionSet(spec.kind, { n: spec.n, noise: spec.noise, seed: spec.seed });
    else throw new PruneLabError('invalid-argument', `spec.kind must be one of sine, step, friedman1, csv for regression (got ${JSON.stringify((spec as { kind: unknown }).kind)})`, 'spec.kind');
    const report = runRegressionLab(data, config);
    this.rdata = data;
    this.rtree = report.tree;
    return { summary: regressionSummary(data), report };
  }

  async runRegressionLab(config: RegressionLabConfig): Promise<RegressionLabReport> {
    if (!this.rdata) throw new PruneLabError('invalid-config', 'no regression set loaded: call loadAndRunRegression first', 'dataset');
    const report = runRegressionLab(this.rdata, config);
    this.rtree = report.tree;
    return report;
  }

  async regressionGrid(cut: Uint8Array | null, res: number): Promise<Float64Array> {
    if (!this.rdata || !this.rtree) throw new PruneLabError('invalid-config', 'no regression tree yet: call loadAndRunRegression first', 'tree');
    return regressionGrid(this.rtree, this.rdata, cut ?? undefined, res);
  }

  async runBoost(data: BoostDataSpec, config: BoostLabConfig): Promise<BoostLabReport> {
    return runBoostLab(data, config);
  }
}

function summarize(data: TabularDataset): DatasetSummary {
  const bounds = data.numFeatures === 2 ? bounds2d(data) : null;
  return {
    name: data.name, n: data.n, numFeatures: data.numFeatures, numClasses: data.numClasses,
    featureNames: [...data.featureNames], classNames: [...data.classNames],
    points: bounds ? { x: data.x.slice(), y: data.y.slice(), bounds } : null,
  };
}
