// Benchmark: fit a regression tree to full depth on 10 000 rows × 100 features
// (make_friedman1's function of the first 5, 95 noise features, N(0, 1) noise;
// seeded, written once to a temporary CSV), ours through the built CLI (`tree --csv
// … --task regression --criterion C --json`, its fitMs: presort + growth, CSV parsing
// excluded) vs scikit-learn's DecisionTreeRegressor on the same f32 values, timed
// around fit() alone. Each side fits `--repeats` times (default 3), alternating so
// both see the same machine load; medians are reported. Each of our repeats is a new
// Node process, so JIT warm-up is included. scikit-learn runs only when python3 with
// sklearn is found (Debian: apt-get install -y python3-sklearn), with OMP_NUM_THREADS=1.
//
// Usage: npm run build:cli && node scripts/bench-regress.mjs [--repeats N] [--samples N] [--features N]
//        [--criterion squared_error|friedman_mse|absolute_error] [--json]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { findPython } from './python.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({
  options: {
    repeats: { type: 'string', default: '3' }, samples: { type: 'string', default: '10000' }, features: { type: 'string', default: '100' },
    criterion: { type: 'string', default: 'squared_error' }, json: { type: 'boolean', default: false },
  },
  strict: true,
});
const repeats = Number(values.repeats);
const n = Number(values.samples);
const d = Number(values.features);
const criterion = values.criterion;
if (!(Number.isInteger(repeats) && repeats >= 1 && repeats <= 50)) throw new Error(`--repeats must be an integer in [1, 50], got ${values.repeats}`);
if (!(Number.isInteger(n) && n >= 10 && n <= 100000)) throw new Error(`--samples must be an integer in [10, 100000], got ${values.samples}`);
if (!(Number.isInteger(d) && d >= 5 && d <= 1000)) throw new Error(`--features must be an integer in [5, 1000], got ${values.features}`);
if (!['squared_error', 'friedman_mse', 'absolute_error'].includes(criterion)) throw new Error(`--criterion: squared_error | friedman_mse | absolute_error, got ${criterion}`);
const cli = join(root, 'dist-cli/prune-lab.mjs');
if (!existsSync(cli)) {
  process.stderr.write('bench-regress: dist-cli/prune-lab.mjs is missing; run `npm run build:cli` first.\n');
  process.exit(1);
}
const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];

// mulberry32 + Box–Muller: the same file for the same sizes on every run.
let s = 0x2545f491;
const next = () => {
  let t = (s = (s + 0x6d2b79f5) >>> 0);
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const dir = mkdtempSync(join(tmpdir(), 'bench-regress-'));
const file = join(dir, 'friedman1.csv');
const lines = [[...Array.from({ length: d }, (_, j) => `x${j}`), 'y'].join(',')];
for (let i = 0; i < n; i++) {
  const x = Array.from({ length: d }, () => Math.fround(next()));
  const noise = Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
  const y = 10 * Math.sin(Math.PI * x[0] * x[1]) + 20 * (x[2] - 0.5) ** 2 + 10 * x[3] + 5 * x[4] + noise;
  lines.push([...x.map(String), String(y)].join(','));
}
writeFileSync(file, lines.join('\n') + '\n');

const py = `
import sys, time, json
import numpy as np
from sklearn import __version__ as v
from sklearn.tree import DecisionTreeRegressor
a = np.loadtxt(sys.argv[1], delimiter=',', skiprows=1)
X, y = a[:, :-1].astype(np.float32), a[:, -1]
t = time.perf_counter(); r = DecisionTreeRegressor(criterion=sys.argv[2], random_state=0).fit(X, y); ms = (time.perf_counter() - t) * 1000
t = r.tree_
print(json.dumps({"version": v, "ms": ms, "tree": {"nodes": int(t.node_count), "leaves": int(t.n_leaves), "depth": int(t.max_depth)}}))
`;
const found = findPython('sklearn', 'python3-sklearn');
let python = found.python;
let skWhy = found.why;
const ours = [];
const theirs = [];
let ourTree = null;
let sk = null;
const load0 = loadavg()[0];
try {
  for (let r = 0; r < repeats; r++) {
    const p = spawnSync(process.execPath, [join(root, 'bin/prune-lab.mjs'), 'tree', '--csv', file, '--target', 'y', '--task', 'regression', '--criterion', criterion, '--json'], { encoding: 'utf8', cwd: root, maxBuffer: 1 << 26 });
    if (p.status !== 0) throw new Error(`prune-lab tree failed (exit ${p.status}): ${p.stderr}`);
    const out = JSON.parse(p.stdout);
    ours.push(out.fitMs);
    ourTree = out.tree;
    if (!python) continue;
    const q = spawnSync(python, ['-c', py, file, criterion], { encoding: 'utf8', maxBuffer: 1 << 26, env: { ...process.env, OMP_NUM_THREADS: '1' } });
    if (q.status !== 0) {
      skWhy = `scikit-learn run failed: ${q.stderr.trim().split('\n').pop()}`;
      python = null;
      sk = null;
      continue;
    }
    sk = { python, ...JSON.parse(q.stdout) };
    theirs.push(sk.ms);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const result = {
  data: { rows: n, features: d, criterion, kind: 'make_friedman1 function of x0..x4, the rest noise, N(0,1) noise' },
  machine: { cpus: cpus().length, model: cpus()[0]?.model, loadavg1Before: load0, loadavg1After: loadavg()[0] },
  ours: { fitMsMedian: median(ours), fitMs: ours, tree: ourTree },
  sklearn: sk ? { version: sk.version, fitMsMedian: median(theirs), fitMs: theirs, tree: sk.tree } : { skipped: skWhy },
  ratio: sk ? median(ours) / median(theirs) : null,
};
if (values.json) process.stdout.write(`${JSON.stringify(result)}\n`);
else {
  process.stdout.write(`regression tree, ${n} rows × ${d} features, ${criterion}, full depth; ${repeats} repeats (load ${load0.toFixed(2)} → ${loadavg()[0].toFixed(2)} on ${cpus().length} CPUs)\n`);
  process.stdout.write(`  prune-lab    median ${median(ours).toFixed(0)} ms  [${ours.map((v) => v.toFixed(0)).join(', ')}]  tree ${JSON.stringify(ourTree)}\n`);
  if (sk) process.stdout.write(`  sklearn ${sk.version} median ${median(theirs).toFixed(0)} ms  [${theirs.map((v) => v.toFixed(0)).join(', ')}]  tree ${JSON.stringify(sk.tree)}\n  ratio ours/sklearn ${result.ratio.toFixed(2)}\n`);
  else process.stdout.write(`  scikit-learn: ${skWhy}\n`);
}
