// Collects the reports of criteria-iterative.sh (out/criteria-iter/*.json, or the folder given)
// into docs/results/criteria-iterative-lenet-300-100.json: the baseline's report, and per run
// its criterion axes, its stage (the fine-tune epochs it has had since the baseline), each
// round's sparsity, test accuracy, macro-F1 and per-layer sparsities, and its times.
// Usage: node docs/experiments/collect-iterative.mjs [dir] > docs/results/criteria-iterative-lenet-300-100.json
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2] ?? 'out/criteria-iter';
const read = (f) => JSON.parse(readFileSync(join(dir, f), 'utf8'));
const base = read('base.json');
// Fine-tune epochs before a run (staged runs continue the previous stage's model).
const before = { '0.9': 0, '0.95': 2, '0.98': 3 };
const runs = readdirSync(dir).filter((f) => /^iter-.*\.json$/.test(f)).sort().map((f) => {
  const r = read(f);
  const p = r.config.prune;
  const name = f.replace(/^iter-|\.json$/g, '');
  const stage = name.match(/-(0\.9|0\.95|0\.98)$/)?.[1];
  const staged = p.criterion !== 'movement' && p.granularity !== 'nm';
  const ftBefore = staged && stage ? before[stage] : 0;
  const ft = p.schedule === 'gradual' ? p.finetuneEpochs : p.rounds * p.finetuneEpochs;
  const last = r.rounds.at(-1);
  return {
    name,
    criterion: p.criterion, granularity: p.granularity, scope: p.scope, nm: p.nm ?? null, schedule: p.schedule,
    rounds: p.rounds, finetuneEpochsPerRound: p.finetuneEpochs,
    finetuneEpochsTotal: ftBefore + ft,
    status: r.status,
    targetSparsity: p.granularity === 'nm' ? 1 - p.nm.n / p.nm.m : p.targetSparsity,
    sparsity: last.sparsity, accuracy: last.accuracy, macroF1: last.macroF1,
    layers: Object.fromEntries(last.layers.map((l) => [l.name, l.sparsity])),
    perRound: r.rounds.map((e) => ({ round: e.round, sparsity: e.sparsity, accuracy: e.accuracy, scoreMs: e.timeMs?.score ?? null, pruneMs: e.timeMs?.prune ?? 0, finetuneMs: e.timeMs?.finetune ?? 0 })),
    calibration: last.calibration ?? null,
    wallMs: r.timeMs,
  };
});
process.stdout.write(`${JSON.stringify({
  what: 'LeNet-300-100, iterative pruning with fine-tuning, every criterion, from one baseline (8 epochs Adam 1e-3, batch 128, seed 1, 55,000 training images); test accuracy on the 10,000 test images after each stage (docs/experiments/criteria-iterative.sh)',
  adapter: base.adapter,
  baseline: { accuracy: base.rounds[0].accuracy, macroF1: base.rounds[0].macroF1, trainMs: base.rounds[0].timeMs.finetune, report: base },
  runs,
}, null, 1)}\n`);

// With --markdown, the README's table (to stderr): one row per criterion, test accuracy at each stage.
if (process.argv.includes('--markdown')) {
  const label = {
    magnitude: 'magnitude (global)', lamp: 'LAMP (global)', taylor: 'Taylor (global)', snip: 'SNIP (global)',
    synflow: 'SynFlow (global, 100 rounds)', random: "random (magnitude's per-layer counts)",
    wanda: 'Wanda (local, per output row)', sparsegpt: 'SparseGPT (local, block 128, damp 0.01)', movement: 'movement (global, gradual, 10 updates)',
  };
  const pct = (x) => `${(100 * x).toFixed(2)}%`;
  const at = (c, s) => runs.find((r) => r.criterion === c && r.granularity !== 'nm' && Math.abs(r.targetSparsity - s) < 1e-9);
  const nmRun = (c) => runs.find((r) => r.criterion === c && r.granularity === 'nm');
  const lines = ['| criterion | 90% (2 epochs) | 95% (3) | 98% (4) | 2:4 (2) | fc1 / fc2 / fc3 at 98% |', '|---|---|---|---|---|---|'];
  for (const c of Object.keys(label)) {
    const cell = (s) => { const r = at(c, s); return r && r.status === 'complete' ? pct(r.accuracy) : 'not run'; };
    const n = nmRun(c);
    const r98 = at(c, 0.98);
    const layers = r98 && r98.status === 'complete' ? Object.values(r98.layers).map((x) => (100 * x).toFixed(1)).join(' / ') + '%' : '—';
    lines.push(`| ${label[c]} | ${cell(0.9)} | ${cell(0.95)} | ${cell(0.98)} | ${n ? pct(n.accuracy) : '—'} | ${layers} |`);
  }
  process.stderr.write(`${lines.join('\n')}\n`);
}
