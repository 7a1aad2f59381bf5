// The tour's glue, a module file (the page's policy allows no inline script): it loads the
// stored figures from data/ into the elements, wires the small controls beside them, and
// turns each "Run it live" button into the preset <prune-lab> of its <template>. Every
// number it writes into the text is computed here from those stored reports.
import { entrySizes } from '../../lib/prune-lab.js';

// Loaded with the library build: the note saying the page needs it can go.
document.querySelector('[data-fill="needs-build"]')?.remove();

const el = (name) => document.querySelector(`[data-el="${name}"]`);
const fill = (name) => document.querySelector(`[data-fill="${name}"]`);
const control = (name) => document.querySelector(`[data-control="${name}"]`);
const pct = (v, digits = 1) => `${(v * 100).toFixed(digits)}%`;

async function data(name) {
  const res = await fetch(new URL(`data/${name}`, import.meta.url));
  if (!res.ok) throw new Error(`data/${name}: HTTP ${res.status}`);
  return res.json();
}

/** Marks a section whose stored figure could not be loaded, naming the file. */
function failed(section, e) {
  const p = document.createElement('p');
  p.className = 'load-error';
  p.setAttribute('role', 'alert');
  p.textContent = `Could not load this section's stored figure: ${e.message}`;
  document.querySelector(`[data-section="${section}"]`)?.append(p);
}

function describeRun(r) {
  const t = r.config.train;
  return `${r.model?.name ?? r.config.model}, ${r.data.train.toLocaleString('en')} training images, ${t.epochs} epochs, `
    + `${r.rounds.length} rounds to ${pct(r.config.prune.targetSparsity, 0)} with ${r.config.prune.finetuneEpochs} fine-tuning epoch(s) each; `
    + `test accuracy on ${r.data.test.toLocaleString('en')} images; ${r.adapter?.architecture ?? r.adapter?.vendor ?? 'GPU'} (${r.createdAt.slice(0, 10)})`;
}

function applyOption(select, values, label, initial) {
  select.replaceChildren(...values.map((v, i) => {
    const o = document.createElement('option');
    o.value = String(i);
    o.textContent = label(v);
    o.selected = i === initial;
    return o;
  }));
}

// 1: the memorising tree (numbers from its own run, listened for at once) and the stored magnitude-vs-random chart.
el('what-tree').addEventListener('prune-run-complete', (e) => {
    const full = e.detail.report.rows.find((r) => r.kind === 'unpruned');
    const ccp = e.detail.report.rows.find((r) => r.kind === 'ccp');
    if (!full || !ccp || full.testAccuracy === null || ccp.testAccuracy === null) return;
    fill('what-gap').textContent = `This run: the full tree has ${full.leaves} leaves, ${pct(full.trainAccuracy)} on its training rows and `
      + `${pct(full.testAccuracy)} on test rows; cut back by cost-complexity to ${ccp.leaves} leaves it scores ${pct(ccp.trainAccuracy)} and ${pct(ccp.testAccuracy)}.`;
});

function section1(reports) {
  fill('what-source').textContent = `Stored runs: ${describeRun(reports[0])}.`;
}

// 4: stored latency per inference path; the log toggle.
function section4(lat) {
  const chart = el('latency-chart');
  chart.points = lat.points;
  const toggle = control('latency-log');
  toggle.addEventListener('change', () => { chart.scale = toggle.checked ? 'log' : 'linear'; });
  const shrunk = lat.points.find((p) => p.path === 'structured');
  fill('latency-source').textContent = `Stored measurement: LeNet-300-100, ${lat.frames} frames per path after warm-up, on ${lat.adapter} `
    + '(docs/results/latency-swiftshader.json)'
    + (shrunk ? `; "structured" is the network with hidden units removed (${pct(shrunk.sparsity)} of its weights) and the rest shrunk to a smaller dense net.` : '.');
}

/** A round entry for <prune-layer-sparsity> from a sweep's per-layer sparsities over the baseline's layers. */
function sweepEntry(base, run) {
  const layers = base.layers.map((l) => {
    const s = run.layers[l.name] ?? 0;
    return { ...l, sparsity: s, nonzero: Math.round(l.params * (1 - s)) };
  });
  const params = layers.reduce((t, l) => t + l.params, 0);
  const nonzero = layers.reduce((t, l) => t + l.nonzero, 0);
  return {
    round: 1, targetSparsity: run.targetSparsity, sparsity: run.sparsity, layers, evaluatedOn: 'test', accuracy: run.accuracy,
    precision: 0, recall: 0, macroF1: run.macroF1, perClass: { precision: [], recall: [], f1: [] }, confusion: [], loss: null,
    params: { total: params + layers.reduce((t, l) => t + l.biases, 0), nonzero }, flops: { dense: 0, effective: 0 }, compressionRatio: 1,
    timeMs: { prune: 0, finetune: 0, evaluate: 0 },
  };
}

// 5: global vs local per-layer bars at a chosen target.
function section5(gl) {
  const targets = gl.global.map((r) => r.targetSparsity).filter((t) => gl.local.some((r) => r.targetSparsity === t));
  const select = control('gl-target');
  applyOption(select, targets, (t) => pct(t, 0), targets.indexOf(0.9) >= 0 ? targets.indexOf(0.9) : targets.length - 1);
  const show = () => {
    const t = targets[Number(select.value)];
    for (const scope of ['global', 'local']) {
      const run = gl[scope].find((r) => r.targetSparsity === t);
      el(`gl-${scope}`).entry = sweepEntry(gl.baseline, run);
      fill(`gl-${scope}-acc`).textContent = `test accuracy ${pct(run.accuracy, 2)} (dense ${pct(gl.baseline.accuracy, 2)})`;
    }
  };
  select.addEventListener('change', show);
  show();
  fill('gl-source').textContent = `Stored sweep: ${gl.what} (docs/results/criteria-oneshot-lenet-300-100.json).`;
}

// 6: one-shot vs staged iterative vs gradual curves.
function section6(s) {
  const curve = (runs) => runs.map((r) => [r.sparsity, r.accuracy]);
  const baseline = [s.baseline.sparsity, s.baseline.accuracy];
  el('schedule-chart').curves = [
    { label: 'magnitude, one-shot, no retraining', points: [baseline, ...curve(s.oneshot)], color: 0, baseline },
    { label: 'magnitude, staged with fine-tuning', points: [baseline, ...curve(s.iterative)], color: 1 },
    { label: 'movement, gradual', points: [baseline, ...curve(s.gradual)], color: 2, style: 'dashed' },
  ];
  const budget = s.iterativeRuns.filter((r) => r.criterion === 'magnitude').map((r) => `${pct(r.targetSparsity, 0)}: ${r.finetuneEpochsTotal} epochs`).join(', ');
  fill('schedule-source').textContent = `Stored sweeps: ${s.what[0]}; and ${s.what[1]}. Fine-tuning budgets (total epochs) ${budget}; `
    + 'gradual runs get the same totals with 10 mask updates.';
}

// 7: sizes of a stored run's rounds.
function section7(report) {
  const entries = [report.baseline, ...report.rounds];
  const range = control('size-round');
  range.max = String(entries.length - 1);
  const view = el('size-view');
  const show = () => {
    const e = entries[Number(range.value)];
    const s = entrySizes(e);
    view.sizes = s;
    fill('size-round').textContent = `round ${e.round}: ${pct(e.sparsity)} sparse, test accuracy ${pct(e.accuracy, 2)}; sparse + int8 is ${(s.denseF32 / s.sparseInt8).toFixed(1)}× smaller than dense`;
  };
  range.addEventListener('input', show);
  range.value = range.max;
  show();
  fill('size-source').textContent = `Stored run: ${describeRun(report)}.`;
}

/** The one-digit question: is it a k? From a 10×10 confusion matrix (rows true, columns predicted). */
export function oneVsRest(confusion, k) {
  const c = Math.round(Math.sqrt(confusion.length));
  const total = confusion.reduce((t, v) => t + v, 0);
  const row = confusion.slice(k * c, k * c + c).reduce((t, v) => t + v, 0);
  const col = Array.from({ length: c }, (_, t) => confusion[t * c + k]).reduce((t, v) => t + v, 0);
  const tp = confusion[k * c + k];
  return {
    total, positives: row, accuracy: (total - (row - tp) - (col - tp)) / total, recall: tp / row, precision: col === 0 ? 0 : tp / col,
    alwaysNo: (total - row) / total, missed: row - tp,
  };
}

// 9: the pruned random run's last round, where accuracy hides a class.
function section9(report) {
  const e = report.rounds.at(-1);
  const table = el('metrics-table');
  const matrix = el('metrics-confusion');
  table.entry = e;
  matrix.confusion = e.confusion;
  const recall = e.perClass.recall;
  const worst = recall.indexOf(Math.min(...recall));
  const select = control('metrics-class');
  applyOption(select, recall.map((_, k) => k), (k) => `digit ${k}`, worst);
  const show = () => {
    const k = Number(select.value);
    const d = oneVsRest(e.confusion, k);
    fill('metrics-claim').textContent = `A stored case: LeNet-300-100 with ${pct(e.sparsity, 0)} of its weights removed at random keeps ${pct(e.accuracy)} `
      + `accuracy over ten digits (the dense net: ${pct(report.baseline.accuracy)}). Ask it only "is this a ${k}?" and it is right ${pct(d.accuracy)} of the time, `
      + `which sounds excellent until you see that answering "no" to every image scores ${pct(d.alwaysNo)}: it misses ${d.missed} of the ${d.positives} ${k}s `
      + `(recall ${pct(d.recall)}, precision ${pct(d.precision)}).`;
  };
  select.addEventListener('change', show);
  show();
  fill('metrics-source').textContent = `Stored run: random pruning, ${describeRun(report)}.`;
}

// The live buttons: each puts its template's preset lab in place of itself.
for (const button of document.querySelectorAll('button[data-live]')) {
  button.addEventListener('click', () => {
    const template = document.getElementById(button.dataset.live);
    const lab = template.content.firstElementChild.cloneNode(true);
    lab.dataset.el = button.dataset.live;
    button.replaceWith(lab);
  });
}

const sections = [
  ['magnitude-vs-random.json', [[1, (r) => section1(r)], [7, (r) => section7(r[0])], [9, (r) => section9(r[1])]]],
  ['latency.json', [[4, section4]]],
  ['global-vs-local.json', [[5, section5]]],
  ['schedules.json', [[6, section6]]],
];
for (const [file, uses] of sections) {
  data(file).then(
    (v) => uses.forEach(([n, use]) => { try { use(v); } catch (e) { failed(n, e); } }),
    (e) => uses.forEach(([n]) => failed(n, e)),
  );
}
