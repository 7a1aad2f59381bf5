// Extracts the tour's stored figures from the committed results (docs/results/), so
// that every number the tour shows comes from a real run: `node demos/tour/make-data.mjs`.
// Nothing is computed here beyond picking entries; the page derives the rest.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const read = (p) => JSON.parse(readFileSync(root + p, 'utf8'));
const write = (name, v) => writeFileSync(`${root}demos/tour/data/${name}`, `${JSON.stringify(v)}\n`);

// 1, 7, 9: magnitude and random pruning of LeNet-300-100 (10k training images, 10k test), whole reports.
write('magnitude-vs-random.json', [read('docs/results/prune-lenet-300-100-global-quick.json'), read('docs/results/prune-lenet-300-100-random-quick.json')]);

// 5, 6: the criteria sweeps (one 8-epoch baseline on 55k images, test accuracy on 10k).
const oneshot = read('docs/results/criteria-oneshot-lenet-300-100.json');
const iterative = read('docs/results/criteria-iterative-lenet-300-100.json');
const base = oneshot.baseline.baseline;
const pick = (runs, criterion, scope, granularity = 'weight') => runs
  .filter((r) => r.criterion === criterion && r.scope === scope && r.granularity === granularity && r.status === 'complete')
  .sort((a, b) => a.targetSparsity - b.targetSparsity)
  .map((r) => ({ targetSparsity: r.targetSparsity, sparsity: r.sparsity, accuracy: r.accuracy, macroF1: r.macroF1, layers: r.layers }));
write('global-vs-local.json', {
  what: oneshot.what,
  baseline: { accuracy: base.accuracy, layers: base.layers },
  global: pick(oneshot.runs, 'magnitude', 'global'),
  local: pick(oneshot.runs, 'magnitude (local)', 'local'),
});
write('schedules.json', {
  what: [oneshot.what, iterative.what],
  baseline: { sparsity: base.sparsity, accuracy: base.accuracy },
  oneshot: pick(oneshot.runs, 'magnitude', 'global'),
  iterative: pick(iterative.runs, 'magnitude', 'global').map((r) => ({ ...r, schedule: iterative.runs.find((x) => x.criterion === 'magnitude' && x.targetSparsity === r.targetSparsity)?.schedule })),
  gradual: pick(iterative.runs, 'movement', 'global').map((r) => ({ ...r, criterion: 'movement' })),
  iterativeRuns: iterative.runs.filter((x) => ['magnitude', 'movement'].includes(x.criterion) && x.scope === 'global')
    .map((x) => ({ criterion: x.criterion, schedule: x.schedule, targetSparsity: x.targetSparsity, rounds: x.rounds, finetuneEpochsTotal: x.finetuneEpochsTotal })),
});

// 4: frame latency on SwiftShader, LeNet-300-100: dense, masked, sparse, structured (shrunk) and int8.
const lat = read('docs/results/latency-swiftshader.json');
const keep = ['dense', 'masked', 'sparse', 'structured', 'int8'];
write('latency.json', {
  adapter: `${lat.adapter.vendor} ${lat.adapter.architecture}`,
  frames: lat.latency.frames,
  points: lat.latency.entries.filter((e) => e.model === 'lenet-300-100' && keep.includes(e.path))
    .map((e) => ({ path: e.path, sparsity: e.sparsity, p50Ms: e.p50Ms, p95Ms: e.p95Ms })),
});
