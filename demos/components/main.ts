// The components demo: every standalone prune-* element with fixture data, and the
// few controls that set their attributes. No logic beyond wiring.
import '../../src/ui/index.js';
import { BASELINE, LATENCY, MAGNITUDE_REPORT, PREDICTIONS, RANDOM_REPORT, SIZES, blobWeights } from '../../test/ui/fixtures.js';

const $ = <K extends keyof HTMLElementTagNameMap>(id: string, _tag: K): HTMLElementTagNameMap[K] => document.getElementById(id) as HTMLElementTagNameMap[K];

const sparsity = $('sparsity', 'prune-sparsity-chart');
sparsity.reports = [MAGNITUDE_REPORT, RANDOM_REPORT];
sparsity.labels = ['magnitude (global)', 'random'];
$('show-f1', 'input').addEventListener('change', (e) => sparsity.toggleAttribute('show-f1', (e.target as HTMLInputElement).checked));

const latency = $('latency', 'prune-latency-chart');
latency.points = LATENCY;
$('log', 'input').addEventListener('change', (e) => latency.setAttribute('scale', (e.target as HTMLInputElement).checked ? 'log' : 'linear'));

const showRound = (k: number): void => {
  const entry = k === 0 ? BASELINE : MAGNITUDE_REPORT.rounds[k - 1]!;
  $('layers', 'prune-layer-sparsity').entry = entry;
  $('confusion', 'prune-confusion-matrix').confusion = entry.confusion;
  $('metrics', 'prune-metrics-table').entry = entry;
};
const round = $('round', 'select');
round.addEventListener('change', () => showRound(Number(round.value)));
showRound(Number(round.value));

$('size', 'prune-size-view').sizes = SIZES;

const mask = $('mask', 'prune-mask-view');
Object.assign(mask, blobWeights(784, 100, 0.8, 42));
$('mask-mode', 'input').addEventListener('change', (e) => mask.setAttribute('mode', (e.target as HTMLInputElement).checked ? 'mask' : 'weights'));

const pad = $('pad', 'prune-digit-pad');
pad.predictions = PREDICTIONS;
const events = $('events', 'p');
pad.addEventListener('digit-input', (e) => {
  const px = e.detail.pixels;
  events.textContent = `digit-input: ${px.length} pixels, ink ${px.reduce((s, v) => s + v, 0).toFixed(1)} (fixture predictions shown; no model here)`;
});
pad.addEventListener('digit-clear', () => (events.textContent = 'digit-clear'));
