// The library build's entries, in one place: vite.lib.config.ts builds them into
// dist/lib/<file>.js, package.json's exports name them (each with its `types`),
// and scripts/package-check.mjs and the consumer test check that the two agree.
// `subpath` is the package export (`prune-lab/<subpath>`); `tag` the element an entry
// is for (it also defines the parts that element shows; null for the API and the
// entries that gather a family). Every element has an entry of its own.

/** @type {ReadonlyArray<{ file: string; src: string; subpath: string; tag: string | null }>} */
export const LIB_ENTRIES = [
  { file: 'index', src: 'src/index.ts', subpath: '.', tag: null },
  // <prune-lab> and every element it shows (the Worker is emitted beside it).
  { file: 'prune-lab', src: 'src/ui/lab/index.ts', subpath: './lab', tag: 'prune-lab' },
  { file: 'prune-elements', src: 'src/ui/index.ts', subpath: './elements', tag: null },
  // One element each.
  { file: 'sparsity-chart', src: 'src/ui/sparsity-chart.ts', subpath: './sparsity-chart', tag: 'prune-sparsity-chart' },
  { file: 'latency-chart', src: 'src/ui/latency-chart.ts', subpath: './latency-chart', tag: 'prune-latency-chart' },
  { file: 'training-chart', src: 'src/ui/training-chart.ts', subpath: './training-chart', tag: 'prune-training-chart' },
  { file: 'layer-sparsity', src: 'src/ui/layer-sparsity.ts', subpath: './layer-sparsity', tag: 'prune-layer-sparsity' },
  { file: 'mask-view', src: 'src/ui/mask-view.ts', subpath: './mask-view', tag: 'prune-mask-view' },
  { file: 'confusion-matrix', src: 'src/ui/confusion-matrix.ts', subpath: './confusion-matrix', tag: 'prune-confusion-matrix' },
  { file: 'metrics-table', src: 'src/ui/metrics-table.ts', subpath: './metrics-table', tag: 'prune-metrics-table' },
  { file: 'size-view', src: 'src/ui/size-view.ts', subpath: './size-view', tag: 'prune-size-view' },
  { file: 'digit-pad', src: 'src/ui/digit-pad.ts', subpath: './digit-pad', tag: 'prune-digit-pad' },
  { file: 'criteria-sweep', src: 'src/ui/lab/criteria-sweep.ts', subpath: './criteria-sweep', tag: 'prune-criteria-sweep' },
  { file: 'model-io', src: 'src/ui/lab/model-io.ts', subpath: './model-io', tag: 'prune-model-io' },
  // The tree elements: the labs bring the tree Worker (tree.worker.ts) as a file beside them.
  { file: 'prune-trees', src: 'src/ui/trees/index.ts', subpath: './trees', tag: null },
  { file: 'prune-tree-lab', src: 'src/ui/trees/tree-lab.ts', subpath: './tree-lab', tag: 'prune-tree-lab' },
  { file: 'prune-boost-lab', src: 'src/ui/trees/boost-lab.ts', subpath: './boost-lab', tag: 'prune-boost-lab' },
  { file: 'tree-diagram', src: 'src/ui/trees/tree-diagram.ts', subpath: './tree-diagram', tag: 'prune-tree-diagram' },
  { file: 'alpha-chart', src: 'src/ui/trees/alpha-chart.ts', subpath: './alpha-chart', tag: 'prune-alpha-chart' },
  { file: 'decision-regions', src: 'src/ui/trees/decision-regions.ts', subpath: './decision-regions', tag: 'prune-decision-regions' },
  { file: 'pruning-table', src: 'src/ui/trees/pruning-table.ts', subpath: './pruning-table', tag: 'prune-pruning-table' },
  { file: 'regression-view', src: 'src/ui/trees/regression-view.ts', subpath: './regression-view', tag: 'prune-regression-view' },
  { file: 'stage-chart', src: 'src/ui/trees/stage-chart.ts', subpath: './stage-chart', tag: 'prune-stage-chart' },
];

/** Where tsconfig.lib.json puts an entry's declarations: dist/lib/types/ mirrors src/. */
export function typesPath(src) {
  return `./dist/lib/types/${src.replace(/^src\//, '').replace(/\.ts$/, '.d.ts')}`;
}

/** The package.json `exports` these entries call for (types first, as TypeScript asks). */
export function packageExports() {
  const out = {};
  for (const e of LIB_ENTRIES) out[e.subpath] = { types: typesPath(e.src), default: `./dist/lib/${e.file}.js` };
  out['./custom-elements.json'] = './dist/custom-elements.json';
  out['./package.json'] = './package.json';
  return out;
}
