// <prune-reproductions> in the browser: every entry of the project's manifest against the
// stored reports it names (the plotted points and layer sparsities are the report's own,
// the paper's points the paper's), a report not there yet ("not run yet"), one that is not
// a report (named), the lottery and large-sparse/small-dense cards from fixture reports, and
// "run again" loading the config into a real <prune-lab> (reduced, then full; the engine in
// its Worker checks what it gets).
import { expect } from '@esm-bundle/chai';
import '../../../src/ui/reproductions/reproductions.js';
import '../../../src/ui/lab/index.js';
import type { PruneReproductions, ReproductionLoadDetail } from '../../../src/ui/reproductions/reproductions.js';
import { REPRODUCTIONS, type Reproduction } from '../../../src/ui/reproductions/manifest.js';
import type { PruneLab } from '../../../src/ui/lab/prune-lab.js';
import type { Report, RoundEntry } from '../../../src/lab/report.js';
import { $, $$, mount, settle, unmountAll } from '../helpers.js';
import { MAGNITUDE_REPORT, RANDOM_REPORT } from '../fixtures.js';

type Chart = HTMLElementTagNameMap['prune-sparsity-chart'];

const HAN_300 = '/docs/results/prune-lenet-300-100-global-iterative.json';
const HAN_5 = '/docs/results/prune-lenet-5-global-quick.json';

async function json(url: string): Promise<Report> {
  return (await (await fetch(url)).json()) as Report;
}

const all = (r: Report): RoundEntry[] => [r.baseline!, ...r.rounds];

async function cards(props: Partial<PruneReproductions> = {}, attrs: Record<string, string> = {}): Promise<PruneReproductions> {
  const el = await mount('prune-reproductions', props, attrs);
  await el.reportsSettled;
  await settle(el);
  return el;
}

function card(el: PruneReproductions, id: string): HTMLElement {
  return $(el, `section[part="card"][data-id="${id}"]`);
}

const text = (e: Element): string => e.textContent!.replace(/\s+/g, ' ').trim();

const blobs: string[] = [];
function blobUrl(v: unknown): string {
  const u = URL.createObjectURL(new Blob([JSON.stringify(v)], { type: 'application/json' }));
  blobs.push(u);
  return u;
}

afterEach(() => {
  unmountAll();
  for (const u of blobs.splice(0)) URL.revokeObjectURL(u);
});

describe('<prune-reproductions> with the project manifest', () => {
  it('charts each stored report beside the paper: the plotted points are the report\'s and the paper\'s, the layers are the nearest round\'s', async () => {
    const el = await cards();
    expect($$(el, 'section[part="card"]').map((c) => c.dataset.id)).to.deep.equal(REPRODUCTIONS.map((m) => m.id));
    // Where and how, from each report's own metadata: the two page runs pinned, the CLI runs by their face and data.
    const MEASURED: Record<string, string> = {
      [new URL(HAN_300, location.href).href]: 'measured on google swiftshader · browser (Chromium 156.0.8078.108) · 8 dense epochs, then 4 rounds × 2 fine-tune epochs · 55,000 training / 10,000 test images · took 54 min 30 s · 2026-11-27',
      [new URL(HAN_5, location.href).href]: 'measured on google swiftshader · browser (Chromium 156.0.8078.108) · 2 dense epochs, then 3 rounds × 1 fine-tune epoch · 4,000 training / 2,000 test images · took 34 min 42 s · 2026-11-27',
    };
    const cases: Array<[id: string, paper: Array<[number, number]>, layers: Record<string, number>]> = [
      ['han-lenet-300-100', [[0, 0.9836], [0.92, 0.9841]], { fc1: 0.92, fc2: 0.91, fc3: 0.74 }],
      ['han-lenet-5', [[0, 0.992], [0.92, 0.9923]], { conv1: 0.34, conv2: 0.88, fc1: 0.92, fc2: 0.81 }],
    ];
    for (const [id, paper, layers] of cases) {
      const runs = REPRODUCTIONS.find((m) => m.id === id)!.runs;
      const reports = await Promise.all(runs.map((r) => json(r.report!)));
      const c = card(el, id);
      const chart = c.querySelector('prune-sparsity-chart') as Chart;
      await settle(chart);
      expect(chart.series, id).to.have.length(runs.length + 1);
      // Ours: one curve per run, one point per entry, [sparsity, accuracy] as stored, the baseline ringed.
      reports.forEach((report, i) => {
        const s = chart.series[i]!;
        expect(s.label, id).to.equal(runs[i]!.label);
        expect(s.points, `${id} ${runs[i]!.label}`).to.deep.equal(all(report).map((e) => [e.sparsity, e.accuracy]));
        expect(s.baseline).to.deep.equal([0, report.baseline!.accuracy]);
        expect(s.style).to.equal('solid');
      });
      // The paper's: marks alone (another colour), accuracy = 1 − the paper's error.
      const theirs = chart.series[runs.length]!;
      expect(theirs.style).to.equal('points');
      expect(theirs.label).to.match(/^Han .*\(paper\)$/);
      expect(theirs.points).to.have.length(2);
      theirs.points.forEach((p, i) => {
        expect(p[0]).to.equal(paper[i]![0]);
        expect(p[1]).to.be.closeTo(paper[i]![1], 1e-12);
      });
      expect(chart.chart, `${id} drew`).to.not.equal(null);
      // Per-layer: each run's round nearest the paper's 92%, one column each, beside the paper's table.
      const near = reports.map((report) => report.rounds.reduce((b, e) => (Math.abs(e.sparsity - 0.92) <= Math.abs(b.sparsity - 0.92) ? e : b)));
      const rows = [...c.querySelectorAll<HTMLTableRowElement>('table[data-figure="layers"] tbody tr')];
      expect(rows.map((r) => r.dataset.layer)).to.deep.equal(near[0]!.layers.map((l) => l.name));
      expect(rows.map((r) => [...r.cells].slice(1).map((x) => Number((x as HTMLElement).dataset.value))))
        .to.deep.equal(near[0]!.layers.map((l, k) => [...near.map((n) => n.layers[k]!.sparsity), layers[l.name]]));
      // The text alternative of the accuracy chart: the paper's points, then every entry of every run.
      const acc = [...c.querySelectorAll<HTMLTableRowElement>('table[data-figure="accuracy"] tbody tr')];
      expect(acc.map((r) => r.dataset.series)).to.deep.equal([...paper.map(() => 'paper'), ...reports.flatMap((r) => all(r).map(() => 'ours'))]);
      expect(acc.slice(paper.length).map((r) => r.cells[2]!.textContent)).to.deep.equal(reports.flatMap((r) => all(r).map((e) => `${(e.accuracy * 100).toFixed(2)}%`)));
      const lines = [...c.querySelectorAll('[part="measured"][data-role="ours"]')];
      expect(lines, id).to.have.length(runs.length);
      lines.forEach((line, i) => {
        expect(line.getAttribute('data-state')).to.equal('ok');
        const pinned = MEASURED[runs[i]!.report!];
        if (pinned) expect(text(line)).to.contain(pinned);
        else expect(text(line)).to.match(/measured on google swiftshader \(SwiftShader driver [\d.]+\) · CLI \(Dawn on Node\) · a saved baseline, then \d+ rounds × \d+ fine-tune epochs · 55,000 training \/ 10,000 test images · took (\d+ h )?\d+ min/);
      });
      expect(c.querySelectorAll('button[data-action="run-again"]'), id).to.have.length(runs.length);
    }
    // The lottery card, from its stored run: every round carries the reinit control, and both sides their early stop.
    const pct = (x: number): string => `${(x * 100).toFixed(2)}%`;
    const LOTTERY_MEASURED: Record<string, string> = {
      'lottery-lenet-300-100': 'CLI (Dawn on Node) · 1 dense epoch, then 12 rounds × 1 fine-tune epoch · 10,000 training / 10,000 test images',
      'lottery-early-stop-lenet-300-100': 'CLI (Dawn on Node) · 5 dense epochs, then 12 rounds × 5 fine-tune epochs · 2,000 training / 10,000 test images',
    };
    expect(REPRODUCTIONS.filter((m) => m.kind === 'lottery').map((m) => m.id)).to.deep.equal(Object.keys(LOTTERY_MEASURED));
    for (const [lotId, measured] of Object.entries(LOTTERY_MEASURED)) {
      const lot = REPRODUCTIONS.find((m) => m.id === lotId)!;
      const ticket = await json(lot.runs[0]!.report!);
      expect(ticket.rounds.every((e) => e.control?.kind === 'reinit' && e.earlyStop && e.control.earlyStop), 'every round has its control and early stops').to.equal(true);
      const lc = card(el, lot.id);
      const lrows = [...lc.querySelectorAll<HTMLTableRowElement>('table[data-figure="lottery"] tbody tr')];
      expect(lrows.map((r) => Number(r.dataset.sparsity))).to.deep.equal(all(ticket).map((e) => e.sparsity));
      expect(lrows.map((r) => r.cells[1]!.textContent)).to.deep.equal(all(ticket).map((e) => pct(e.accuracy)));
      expect(lrows.map((r) => r.cells[2]!.textContent)).to.deep.equal(all(ticket).map((e) => (e.control ? pct(e.control.accuracy) : '–')));
      expect(lrows.map((r) => r.cells[3]!.textContent)).to.deep.equal(all(ticket).map((e) => `${e.earlyStop!.iteration.toLocaleString('en')} (${pct(e.earlyStop!.accuracyAtMin)})`));
      expect((lc.querySelector('prune-early-stop-chart') as HTMLElementTagNameMap['prune-early-stop-chart']).series.map((x) => x.points.length)).to.deep.equal([all(ticket).length, ticket.rounds.length]);
      expect(lc.querySelectorAll('table[data-figure="lottery-paper"] tbody tr')).to.have.length(lot.lottery!.length);
      expect(lc.querySelector('[part="measured"]')!.getAttribute('data-state')).to.equal('ok');
      expect(text(lc.querySelector('[part="measured"]')!)).to.contain(measured);
      expect(lc.querySelectorAll('button[data-action="run-again"]')).to.have.length(1);
      expect(text(lc.querySelector('ul[data-figure="claims"]')!)).to.contain('38% earlier');
    }
    // The large-sparse / small-dense card: nonzero weights from the reports' layers, the dense run at its final entry.
    const size = REPRODUCTIONS.find((m) => m.id === 'sparse-vs-dense-lenet-300-100')!;
    const [sparse, dense] = await Promise.all(size.runs.map((r) => json(r.report!)));
    const nonzero = (e: RoundEntry): number => e.layers.filter((l) => l.prunable).reduce((t, l) => t + l.nonzero, 0);
    const srows = [...card(el, size.id).querySelectorAll<HTMLTableRowElement>('table[data-figure="size"] tbody tr')];
    expect(srows.map((r) => [r.dataset.series, r.cells[1]!.textContent, r.cells[3]!.textContent])).to.deep.equal([
      ...all(sparse!).map((e) => ['sparse', nonzero(e).toLocaleString('en'), pct(e.accuracy)]),
      ['dense', nonzero(dense!.final!).toLocaleString('en'), pct(dense!.final!.accuracy)],
    ]);
    expect(nonzero(dense!.final!)).to.equal(26345);
    expect(card(el, size.id).querySelectorAll('[part="measured"][data-state="ok"]')).to.have.length(2);
  });

  it('draws every stored run of an entry: one curve each (the paper keeps its colour), one layer column each', async () => {
    const quick = '/docs/results/prune-lenet-300-100-global-quick.json';
    const manifest: Reproduction[] = [{ ...REPRODUCTIONS[0]!, runs: [REPRODUCTIONS[0]!.runs[0]!, { role: 'ours', label: 'ours: quick', report: quick }] }];
    const el = await cards({ manifest });
    const c = card(el, manifest[0]!.id);
    const chart = c.querySelector('prune-sparsity-chart') as Chart;
    await settle(chart);
    const [a, b] = [await json(HAN_300), await json(quick)];
    expect(chart.series.map((s) => [s.label, s.report, s.style])).to.deep.equal([
      ['ours: global magnitude, iterative', 0, 'solid'], ['ours: quick', 2, 'solid'], [chart.series[2]!.label, 1, 'points']]);
    expect(chart.series[1]!.points).to.deep.equal(all(b).map((e) => [e.sparsity, e.accuracy]));
    const near = (r: Report): RoundEntry => r.rounds.reduce((x, e) => (Math.abs(e.sparsity - 0.92) <= Math.abs(x.sparsity - 0.92) ? e : x));
    const rows = [...c.querySelectorAll<HTMLTableRowElement>('table[data-figure="layers"] tbody tr')];
    expect(rows.map((r) => [...r.cells].slice(1).map((x) => Number((x as HTMLElement).dataset.value))))
      .to.deep.equal(near(a).layers.map((l, i) => [l.sparsity, near(b).layers[i]!.sparsity, [0.92, 0.91, 0.74][i]]));
    expect(c.querySelectorAll('[part="measured"][data-state="ok"]')).to.have.length(2);
    expect(c.querySelectorAll('button[data-action="run-again"]')).to.have.length(2);
  });

  it('says "not run yet" for a report URL with nothing there, and names what is wrong in a file that is not a report', async () => {
    const bad = { ...MAGNITUDE_REPORT, rounds: [{ ...MAGNITUDE_REPORT.rounds[0]!, accuracy: 1.5 }, MAGNITUDE_REPORT.rounds[1]!] };
    const manifest: Reproduction[] = [
      { ...REPRODUCTIONS[0]!, id: 'missing', runs: [{ role: 'ours', label: 'ours', report: '/docs/results/no-such-report.json' }] },
      { ...REPRODUCTIONS[0]!, id: 'bad', runs: [{ role: 'ours', label: 'ours', report: blobUrl(bad) }] },
    ];
    const el = await cards({ manifest });
    const missing = card(el, 'missing').querySelector('[part="measured"]')!;
    expect(missing.getAttribute('data-state')).to.equal('not-run');
    expect(text(missing)).to.equal('ours: not run yet (no report at /docs/results/no-such-report.json yet).');
    // The paper's points alone are still drawn.
    expect((card(el, 'missing').querySelector('prune-sparsity-chart') as Chart).series.map((s) => s.style)).to.deep.equal(['points']);
    const failed = card(el, 'bad').querySelector('[part="measured"]')!;
    expect(failed.getAttribute('data-state')).to.equal('error');
    expect(text(failed)).to.match(/\.rounds\[0\]\.accuracy must be a number in \[0, 1\] \(got 1\.5\)$/);
    // A manifest that is not one is refused, naming the field.
    el.manifest = [{ ...REPRODUCTIONS[0]!, kind: 'chart' as Reproduction['kind'] }];
    await settle(el);
    expect(el.validationMessage).to.equal('manifest[0].kind must be one of sparsity, lottery, size (got "chart")');
  });
});

describe('<prune-reproductions> lottery and size cards', () => {
  it('plots tickets against their re-initialised controls with the early-stop iterations, from the report\'s entries', async () => {
    // A ticket run whose entries carry early stopping and the reinit control (prune.control 'reinit').
    const stop = (iteration: number, accuracyAtMin: number) => ({ every: 10, curve: [], iteration, valLoss: 0.3, valAccuracy: 0.9, accuracyAtMin, evaluatedOn: 'test' as const });
    const ticket = {
      ...MAGNITUDE_REPORT,
      baseline: { ...MAGNITUDE_REPORT.baseline!, earlyStop: stop(120, 0.92) },
      rounds: MAGNITUDE_REPORT.rounds.map((e, i) => ({ ...e, earlyStop: stop(90 - 10 * i, 0.93 - 0.01 * i), control: { kind: 'reinit' as const, seed: 5 + i, accuracy: 0.8 - 0.1 * i, macroF1: 0.7, loss: 0.5, earlyStop: stop(150 + 20 * i, 0.79 - 0.1 * i), timeMs: { finetune: 1, evaluate: 1 } } })),
    };
    ticket.final = ticket.rounds.at(-1)!;
    const manifest: Reproduction[] = [{ ...REPRODUCTIONS.find((m) => m.kind === 'lottery')!, runs: [{ role: 'ticket', label: 'ticket', report: blobUrl(ticket) }] }];
    const el = await cards({ manifest });
    const c = card(el, manifest[0]!.id);
    const chart = c.querySelector('prune-sparsity-chart') as Chart;
    await settle(chart);
    const entries = [MAGNITUDE_REPORT.baseline!, ...MAGNITUDE_REPORT.rounds];
    expect(chart.series.map((s) => [s.label, s.style])).to.deep.equal([['ticket', 'solid'], ['re-initialised', 'dashed']]);
    expect(chart.series[0]!.points).to.deep.equal(entries.map((e) => [e.sparsity, e.accuracy]));
    expect(chart.series[1]!.points.map((p) => p[0])).to.deep.equal(MAGNITUDE_REPORT.rounds.map((e) => e.sparsity));
    chart.series[1]!.points.forEach((p, i) => expect(p[1]).to.be.closeTo(0.8 - 0.1 * i, 1e-12));
    // Early stopping: the iterations of the ticket entries and of their controls.
    const stops = c.querySelector('prune-early-stop-chart') as HTMLElementTagNameMap['prune-early-stop-chart'];
    await settle(stops);
    expect(stops.series).to.deep.equal([{ label: 'ticket', points: [[0, 120], [0.5, 90], [0.75, 80]] }, { label: 're-initialised', points: [[0.5, 150], [0.75, 170]] }]);
    expect(stops.chart).to.not.equal(null);
    const alone = await mount('prune-early-stop-chart', { points: [{ sparsity: 0.5, ticket: 1.5, reinit: null }] });
    expect(alone.validationMessage).to.equal('points[0].ticket must be null or an iteration (an integer ≥ 0) (got 1.5)');
    const rows = [...c.querySelectorAll<HTMLTableRowElement>('table[data-figure="lottery"] tbody tr')].map((r) => [...r.cells].map((x) => x.textContent));
    expect(rows).to.deep.equal([
      ['100.0%', '92.67%', '–', '120 (92.00%)', 'not recorded'],
      ['50.0%', '92.67%', '80.00%', '90 (93.00%)', '150 (79.00%)'],
      ['25.0%', '88.67%', '70.00%', '80 (92.00%)', '170 (69.00%)'],
    ]);
    // The paper's numbers against ours at the nearest round (25% remaining for all of 21%, 13.5%, 3.6%), accuracy at early stop:
    // stops 80 (ticket), 120 (dense), 170 (re-initialised); accuracies there 92%, 92%, 69%.
    const paper = [...c.querySelectorAll<HTMLTableRowElement>('table[data-figure="lottery-paper"] tbody tr')];
    expect(paper.map((r) => r.dataset.measure)).to.deep.equal(['stop-vs-dense', 'accuracy-vs-dense', 'accuracy-vs-dense', 'stop-reinit-vs-ticket', 'accuracy-ticket-vs-reinit']);
    [80 / 120, 0, 0, 170 / 80, 0.92 - 0.69].forEach((v, i) => expect(Number(paper[i]!.dataset.ours), paper[i]!.dataset.measure).to.be.closeTo(v, 1e-9));
    expect(paper.map((r) => r.cells[2]!.textContent)).to.deep.equal(['≈ 0.62×', '> +0.30 pp', '≈ +0.00 pp', '≈ 2.51×', '≈ +0.50 pp']);
    expect(paper.map((r) => r.cells[1]!.textContent)).to.deep.equal(['21.0% (ours 25.0%)', '13.5% (ours 25.0%)', '3.6% (ours 25.0%)', '21.0% (ours 25.0%)', '21.0% (ours 25.0%)']);
    expect(text(c.querySelector('[part="measured"]')!)).to.contain('2 dense epochs, then 2 rounds × 1 fine-tune epoch');
  });

  it('puts large-sparse and small-dense runs on the large model\'s sparsity axis by their nonzero weights', async () => {
    const manifest: Reproduction[] = [{
      ...REPRODUCTIONS.find((m) => m.kind === 'size')!,
      runs: [{ role: 'sparse', label: 'large-sparse', report: blobUrl(MAGNITUDE_REPORT) }, { role: 'dense', label: 'small', report: blobUrl(RANDOM_REPORT) }],
    }];
    const el = await cards({ manifest });
    const c = card(el, manifest[0]!.id);
    const chart = c.querySelector('prune-sparsity-chart') as Chart;
    await settle(chart);
    // 152 prunable weights in the large model (16·8 + 8·3): kept 152, 76, 38; the "small" run's final keeps 38.
    expect(chart.series.map((s) => s.label)).to.deep.equal(['large-sparse', 'small-dense']);
    expect(chart.series[0]!.points).to.deep.equal([[0, 0.926667], [0.5, 0.926667], [0.75, 0.886667]]);
    expect(chart.series[1]!.points).to.deep.equal([[0.75, 0.746667]]);
    const rows = [...c.querySelectorAll<HTMLTableRowElement>('table[data-figure="size"] tbody tr')].map((r) => [r.dataset.series, r.cells[1]!.textContent]);
    expect(rows).to.deep.equal([['sparse', '152'], ['sparse', '76'], ['sparse', '38'], ['dense', '38']]);
  });
});

describe('<prune-reproductions> run again', () => {
  it('loads the report\'s config into the lab: reduced by default, the full config when ticked; cancelling the event keeps the lab as it was', async () => {
    const lab = await mount('prune-lab', { id: 'repro-lab', latencyFrames: 0, views: 'runs', dbName: 'none', referenceRuns: 'none' } as Partial<PruneLab>);
    await lab.controller.whenReady();
    const el = await cards({ manifest: [REPRODUCTIONS[0]!] }, { lab: 'repro-lab' });
    const seen: ReproductionLoadDetail[] = [];
    el.addEventListener('reproduction-load', (e) => seen.push(e.detail));
    const c = card(el, 'han-lenet-300-100');
    const button = c.querySelector<HTMLButtonElement>('button[data-action="run-again"]')!;

    button.click();
    await settle(el);
    await settle(lab);
    await lab.validated;
    expect(seen.map((d) => [d.id, d.role, d.full])).to.deep.equal([['han-lenet-300-100', 'ours', false]]);
    expect(seen[0]!.notCarried).to.deep.equal([]);
    expect(lab.lrSchedule).to.equal('cosine:0.00001');
    expect([lab.model, lab.datasetName, lab.method, lab.granularity, lab.criterion, lab.scope, lab.when, lab.schedule, lab.targetSparsity, lab.rounds])
      .to.deep.equal(['lenet-300-100', 'mnist', null, 'weight', 'magnitude', 'global', 'after', 'iterative', 0.95, 4]);
    expect([lab.epochs, lab.finetuneEpochs, lab.trainSamples, lab.validationSamples, lab.testSamples]).to.deep.equal([2, 1, 5000, 1000, 2000]);
    expect([lab.optimizer, lab.learningRate, lab.batchSize, lab.seed, lab.rewind]).to.deep.equal(['adam', 0.001, 128, 1, null]);
    // The engine (in the lab's Worker) accepts what was loaded.
    expect(lab.validationMessage).to.equal(null);
    const reduced = lab.config!;
    expect(reduced.train).to.deep.equal({ epochs: 2, batchSize: 128, optimizer: { type: 'adam', lr: 0.001 }, schedule: { type: 'cosine', minLr: 0.00001 } });
    expect(reduced.subsets).to.deep.equal({ train: 5000, validation: 1000, test: 2000 });
    expect([reduced.prune.schedule, reduced.prune.targetSparsity, reduced.prune.rounds, reduced.prune.finetuneEpochs, reduced.prune.criterion, reduced.prune.rewind])
      .to.deep.equal(['iterative', 0.95, 4, 1, 'magnitude', false]);
    expect(text(c.querySelector('[data-status]')!)).to.equal('Loaded the reduced config of "ours: global magnitude, iterative" into the lab: press Run.');

    const full = c.querySelector<HTMLInputElement>('input[data-action="full"]')!;
    full.checked = true;
    full.dispatchEvent(new Event('change'));
    await settle(el);
    button.click();
    await settle(lab);
    await lab.validated;
    expect(seen.at(-1)!.full).to.equal(true);
    expect([lab.epochs, lab.finetuneEpochs, lab.trainSamples, lab.validationSamples, lab.testSamples]).to.deep.equal([8, 2, null, null, null]);
    expect(lab.config!.train.epochs).to.equal(8);
    expect(lab.config!.subsets).to.equal(undefined);
    expect(lab.config!.prune.finetuneEpochs).to.equal(2);

    // A page that handles the event itself cancels it: the lab keeps its settings.
    lab.epochs = 3;
    el.addEventListener('reproduction-load', (e) => e.preventDefault(), { once: true });
    button.click();
    await settle(el);
    expect(lab.epochs).to.equal(3);
    expect(text(c.querySelector('[data-status]')!)).to.contain('Handed the full config');
  });
});
