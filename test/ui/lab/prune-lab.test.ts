// <prune-lab> in the browser through its real Worker: attributes and properties,
// the engine's validation messages, the scripting contract (run(), prune-round,
// run-complete, run-error), pause / stop, live inference checked against the
// report's own accuracy, device loss, and import of reports.
import { expect } from '@esm-bundle/chai';
import '../../../src/ui/lab/index.js';
import { runProgress, type PruneLab, type RunErrorDetail } from '../../../src/ui/lab/prune-lab.js';
import type { Report, RoundEntry } from '../../../src/lab/report.js';
import { loadIdxPairFromUrls, mnistUrls } from '../../../src/data/mnist.js';
import { PruneLabError } from '../../../src/errors.js';
import { $, $$, mount, settle, unmountAll } from '../helpers.js';
import { MAGNITUDE_REPORT, MAGNITUDE_REPORT_V1, RANDOM_REPORT } from '../fixtures.js';

let dbSeq = 0;
const db = (): string => `prune-lab-test-${Date.now()}-${dbSeq++}`;

/** A lab set up for a tiny run; each test gets its own database. */
async function lab(props: Partial<PruneLab> = {}, attrs: Record<string, string> = {}): Promise<PruneLab> {
  const el = await mount('prune-lab', {
    trainSamples: 300, validationSamples: 100, testSamples: 100, batchSize: 50, epochs: 1, finetuneEpochs: 1, rounds: 2,
    latencyFrames: 0, views: 'sparsity layers metrics runs', dbName: db(), ...props,
  }, attrs);
  await el.controller.whenReady();
  await el.validated;
  await settle(el);
  return el;
}

const listeners: Array<[string, EventListener]> = [];

/** Every `type` event's detail from now on (until the test ends). */
function collect<T>(type: keyof HTMLElementEventMap): T[] {
  const seen: T[] = [];
  const on = (e: Event): void => void seen.push((e as CustomEvent<T>).detail);
  document.addEventListener(type, on);
  listeners.push([type, on]);
  return seen;
}

function cleanup(): void {
  for (const [t, on] of listeners.splice(0)) document.removeEventListener(t, on);
  unmountAll();
}

/** Starts a 3-round run and waits for its baseline; run() is returned with its rejection observed. */
async function startRun(): Promise<{ el: PruneLab; run: Promise<Report>; rounds: RoundEntry[]; errors: RunErrorDetail[]; outcome: () => Promise<unknown> }> {
  const el = await lab({ rounds: 3 });
  const errors = collect<RunErrorDetail>('run-error');
  const rounds = collect<RoundEntry>('prune-round');
  const run = el.run();
  let thrown: unknown = null;
  const settled = run.catch((e: unknown) => (thrown = e));
  await until(() => rounds.length >= 1, 'the baseline');
  return { el, run, rounds, errors, outcome: async () => (await settled, thrown) };
}

async function until(ok: () => boolean, what: string, ms = 120000): Promise<void> {
  const t0 = performance.now();
  while (!ok()) {
    if (performance.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const errorText = (el: PruneLab): string => $(el, '[part="error"]').textContent!.replace(/\s+/g, ' ').trim();

describe('<prune-lab> attributes and properties', () => {
  afterEach(cleanup);

  it('maps every control attribute to its property, and reflects properties back', async () => {
    const el = await mount('prune-lab', { dbName: db() }, {
      model: 'lenet-5', dataset: 'mnist', method: 'random', schedule: 'gradual', 'target-sparsity': '0.8', rounds: '4', epochs: '3',
      'finetune-epochs': '2', optimizer: 'sgd', 'learning-rate': '0.05', 'batch-size': '32', seed: '9', rewind: '0', 'train-samples': '', 'test-samples': '250',
    });
    await el.validated;
    expect([el.model, el.datasetName, el.method, el.schedule, el.targetSparsity, el.epochs, el.finetuneEpochs, el.optimizer, el.learningRate, el.seed, el.rewind])
      .to.deep.equal(['lenet-5', 'mnist', 'random', 'gradual', 0.8, 3, 2, 'sgd', 0.05, 9, 0]);
    expect([el.rounds, el.batchSize]).to.deep.equal([4, 32]);
    expect(el.trainSamples).to.equal(null);
    expect(el.testSamples).to.equal(250);
    // The axes of #13, each an attribute too.
    for (const [a, v] of [['granularity', 'nm'], ['criterion', 'wanda'], ['scope', 'local'], ['when', 'init'], ['nm', '4:8'], ['calibration-samples', '128']]) el.setAttribute(a!, v!);
    await settle(el);
    expect([el.granularity, el.criterion, el.scope, el.when, el.nm, el.calibrationSamples]).to.deep.equal(['nm', 'wanda', 'local', 'init', '4:8', 128]);
    el.setAttribute('calibration-samples', '');
    el.removeAttribute('criterion');
    el.removeAttribute('granularity');
    await settle(el);
    expect([el.calibrationSamples, el.criterion, el.granularity]).to.deep.equal([null, null, 'weight']);
    el.criterion = 'taylor';
    el.when = 'after';
    el.method = 'structured';
    el.targetSparsity = 0.5;
    el.validationSamples = null;
    el.rewind = null;
    await settle(el);
    expect(el.getAttribute('method')).to.equal('structured');
    expect([el.getAttribute('criterion'), el.getAttribute('when')]).to.deep.equal(['taylor', 'after']);
    expect(el.getAttribute('target-sparsity')).to.equal('0.5');
    expect(el.getAttribute('validation-samples')).to.equal('');
    expect(el.getAttribute('rewind')).to.equal('');
    // The rendered controls follow the properties.
    expect($<HTMLSelectElement>(el, 'select[name="method"]').value).to.equal('structured');
    expect($<HTMLInputElement>(el, 'input[name="target-sparsity"]').value).to.equal('0.5');
    // And a control edited by the user sets the property.
    const seed = $<HTMLInputElement>(el, 'input[name="seed"]');
    seed.value = '42';
    seed.dispatchEvent(new Event('change'));
    await settle(el);
    expect(el.seed).to.equal(42);
    expect(el.getAttribute('seed')).to.equal('42');
  });

  it('builds the engine config from the controls (defaults filled in by the engine)', async () => {
    const el = await lab({ method: 'local', schedule: 'oneshot', rounds: 5, rewind: 0, optimizer: 'sgd', learningRate: 0.1 });
    const c = el.config!;
    expect(c.prune).to.deep.equal({ method: 'local', granularity: 'weight', criterion: 'magnitude', scope: 'local', when: 'after', schedule: 'oneshot', targetSparsity: 0.9, rounds: 1, finetuneEpochs: 1, rewind: 0 });
    expect(c.train).to.deep.equal({ epochs: 1, batchSize: 50, optimizer: { type: 'sgd', lr: 0.1, momentum: 0.9 } });
    expect(c.subsets).to.deep.equal({ train: 300, validation: 100, test: 100 });
    expect(c.evaluateOn).to.equal('test');
    // One-shot sets the rounds control aside (it shows 1, disabled).
    const rounds = $<HTMLInputElement>(el, 'input[name="rounds"]');
    expect([rounds.value, rounds.disabled]).to.deep.equal(['1', true]);
  });

  it('shows the axes the legacy method stands for, and choosing an axis replaces the method by them', async () => {
    const el = await lab({ method: 'random', scope: 'global' });
    expect(el.config!.prune).to.include({ method: 'random', granularity: 'weight', criterion: 'random', scope: 'global', when: 'after' });
    expect(['method', 'granularity', 'criterion', 'scope', 'when'].map((n) => $<HTMLSelectElement>(el, `select[name="${n}"]`).value))
      .to.deep.equal(['random', 'weight', 'random', 'global', 'after']);
    const scope = $<HTMLSelectElement>(el, 'select[name="scope"]');
    scope.value = 'local';
    scope.dispatchEvent(new Event('change'));
    await settle(el);
    await el.validated;
    await settle(el);
    expect([el.method, el.granularity, el.criterion, el.scope]).to.deep.equal([null, 'weight', 'random', 'local']);
    expect(el.hasAttribute('method')).to.equal(false);
    expect($$(el, 'select[name="method"]')).to.have.length(0);
    expect(el.config!.prune).to.include({ granularity: 'weight', criterion: 'random', scope: 'local' });
    // Units: the criterion list is the unit criteria, and a weight criterion falls back to the default.
    const g = $<HTMLSelectElement>(el, 'select[name="granularity"]');
    g.value = 'unit';
    g.dispatchEvent(new Event('change'));
    await settle(el);
    await el.validated;
    await settle(el);
    expect([el.granularity, el.criterion]).to.deep.equal(['unit', null]);
    expect([...$<HTMLSelectElement>(el, 'select[name="criterion"]').options].map((o) => o.value)).to.deep.equal(['l1', 'l2', 'taylor', 'norm-product']);
    expect($<HTMLSelectElement>(el, 'select[name="criterion"]').value).to.equal('l2');
    // N:M: one-shot, the pattern's own sparsity (the target control set aside).
    g.value = 'nm';
    g.dispatchEvent(new Event('change'));
    await settle(el);
    await el.validated;
    await settle(el);
    expect([el.granularity, el.schedule, el.validationMessage]).to.deep.equal(['nm', 'oneshot', null]);
    expect(el.config!.prune).to.include({ granularity: 'nm', criterion: 'magnitude', targetSparsity: 0.5 });
    const target = $<HTMLInputElement>(el, 'input[name="target-sparsity"]');
    expect([target.value, target.disabled, $<HTMLInputElement>(el, 'input[name="nm"]').disabled]).to.deep.equal(['0.5', true, false]);
  });

  const invalid: Array<[string, string, string]> = [
    ['granularity', 'blocks', 'granularity: prune.granularity must be one of weight, unit, nm (got "blocks")'],
    ['criterion', 'obd', 'criterion: prune.criterion must be one of magnitude, random, taylor, snip, synflow, lamp, wanda, sparsegpt, movement (got "obd")'],
    ['scope', 'row', 'scope: prune.scope must be one of global, local (got "row")'],
    ['when', 'later', 'when: prune.when must be one of after, init, during (got "later")'],
    ['nm', '2-4', 'N:M pattern: nm must be an N:M pattern such as 2:4 (N kept in every M) (got "2-4")'],
    ['calibration-samples', '0', 'calibration samples: '],
    ['target-sparsity', '1.5', 'target sparsity: prune.targetSparsity must be a number in [0, 1) (got 1.5)'],
    ['method', 'magnitude', 'method (legacy): prune.method must be one of global, local, random, structured (got "magnitude")'],
    ['rounds', '0', 'rounds: prune.rounds must be an integer in [1, 100] (got 0)'],
    ['epochs', 'two', 'epochs: epochs must be a number (got NaN)'],
    ['learning-rate', '-1', 'learning rate: train.optimizer.lr must be a number in (0, 10] (got -1)'],
    ['train-samples', '0', 'train samples: subsets.train must be an integer in [1, 10000000] (got 0)'],
    ['validation-samples', '0', 'validation samples: subsets.validation must be an integer in [1, 10000000] (got 0)'],
    ['model', 'resnet', 'model: model must be one of lenet-300-100, lenet-5 or a model spec object (got "resnet")'],
    ['rewind', '5', "lottery-ticket rewind: prune.rewind must be false with method 'structured' (the shrunk model has other shapes) (got 5)"],
  ];
  for (const [attr, value, message] of invalid) {
    it(`shows the engine's message for ${attr}="${value}", marks the control and refuses to run`, async () => {
      const el = await lab(attr === 'rewind' ? { method: 'structured' } : attr === 'calibration-samples' ? { criterion: 'taylor' } : attr === 'nm' ? { granularity: 'nm', schedule: 'oneshot' } : {});
      el.setAttribute(attr, value);
      await settle(el);
      await el.validated;
      await settle(el);
      if (message.endsWith(': ')) expect(el.validationMessage).to.match(new RegExp(`^${message}prune\\.calibration`));
      else expect(el.validationMessage).to.equal(message);
      expect(errorText(el)).to.equal(el.validationMessage);
      const control = $(el, `[data-control="${attr}"]`);
      expect(control.querySelector('[aria-invalid]')!.getAttribute('aria-invalid')).to.equal('true');
      expect($<HTMLButtonElement>(el, 'button[data-action="run"]').disabled).to.equal(true);
      expect(el.config).to.equal(null);
      const errors = collect<RunErrorDetail>('run-error');
      let thrown: unknown = null;
      await el.run().catch((e: unknown) => (thrown = e));
      expect(thrown).to.be.instanceOf(PruneLabError);
      expect(errors).to.have.length(1);
      expect(errors[0]!.code).to.equal(attr === 'epochs' ? 'invalid-config' : 'invalid-config');
      expect(errors[0]!.message).to.equal(el.validationMessage);
      // The refusal names the field at fault, in the event and in the rejection.
      expect(errors[0]!.field, message).to.be.a('string').with.length.above(0);
      expect((thrown as PruneLabError).field).to.equal(errors[0]!.field);
      // Removing the attribute brings the default back, and clears the message.
      el.removeAttribute(attr);
      if (attr === 'rewind') el.method = null;
      await settle(el);
      await el.validated;
      await settle(el);
      expect(el.validationMessage).to.equal(null);
      expect($$(el, '[part="error"]')).to.have.length(0);
      expect(el.config).to.not.equal(null);
    });
  }

  it('checks its own options: latency-frames and views', async () => {
    const el = await lab();
    el.setAttribute('latency-frames', '50');
    await settle(el);
    expect(el.validationMessage).to.equal('latency-frames must be 0 (no latency measured) or an integer in [200, 100000] (got 50)');
    const refused = await el.run().then(() => null, (e: unknown) => e);
    expect(refused).to.be.instanceOf(PruneLabError);
    expect((refused as PruneLabError).field).to.equal('latency-frames');
    el.latencyFrames = 0;
    el.views = 'curves charts';
    await settle(el);
    expect(errorText(el)).to.equal('views must be a list of curves, sparsity, latency, layers, mask, confusion, metrics, size, pad, runs, reproductions (got "charts")');
    el.views = 'curves pad';
    await settle(el);
    expect(el.validationMessage).to.equal(null);
    expect($$(el, 'section[part="view"]').map((s) => s.dataset.view)).to.deep.equal(['curves', 'pad']);
  });

  it('reads its settings from the URL hash and writes them back (url-hash)', async () => {
    const before = location.hash;
    history.replaceState(null, '', '#method=random&rounds=2&train-samples=1000&validation-samples=300&latency-frames=0&bogus=1');
    try {
      const el = await mount('prune-lab', { dbName: db() }, { 'url-hash': '' });
      await el.validated;
      expect([el.method, el.rounds, el.trainSamples, el.validationSamples, el.latencyFrames]).to.deep.equal(['random', 2, 1000, 300, 0]);
      // An old link's method makes the config it made before the axes (the engine maps it onto them).
      expect(el.config!.prune).to.deep.equal({ method: 'random', granularity: 'weight', criterion: 'random', scope: 'global', when: 'after', schedule: 'iterative', targetSparsity: 0.9, rounds: 2, finetuneEpochs: 1, rewind: false });
      expect(el.config!.subsets).to.deep.equal({ train: 1000, validation: 300, test: 2000 });
      expect($(el, '[part="notice"]').textContent).to.contain('Ignored unknown settings in the link: bogus');
      el.method = 'local';
      el.testSamples = null;
      await settle(el);
      const q = new URLSearchParams(location.hash.slice(1));
      expect(q.get('method')).to.equal('local');
      expect(q.get('rounds')).to.equal('2');
      expect(q.get('test-samples')).to.equal('');
      expect(q.get('validation-samples')).to.equal('300');
      expect(q.has('model')).to.equal(false, 'defaults stay out of the link');
      // Its own writes are the state already: reapplying them changes nothing.
      window.dispatchEvent(new HashChangeEvent('hashchange'));
      await settle(el);
      expect([el.method, el.rounds, el.testSamples]).to.deep.equal(['local', 2, null]);
      // A new link is the whole state: what it leaves out goes back to the defaults.
      history.replaceState(null, '', '#schedule=gradual');
      window.dispatchEvent(new HashChangeEvent('hashchange'));
      await settle(el);
      expect([el.schedule, el.method, el.rounds, el.trainSamples, el.testSamples, el.latencyFrames]).to.deep.equal(['gradual', null, 3, 5000, 2000, 200]);
      // The axes travel in the link too.
      history.replaceState(null, '', '#granularity=nm&nm=4%3A8&criterion=wanda&schedule=oneshot&calibration-samples=64');
      window.dispatchEvent(new HashChangeEvent('hashchange'));
      await settle(el);
      await el.validated;
      expect([el.granularity, el.nm, el.criterion, el.calibrationSamples]).to.deep.equal(['nm', '4:8', 'wanda', 64]);
      expect(el.config!.prune).to.include({ granularity: 'nm', criterion: 'wanda', targetSparsity: 0.5 });
      expect(el.config!.prune.nm).to.deep.equal({ n: 4, m: 8 });
      el.when = 'init';
      el.criterion = 'snip';
      el.granularity = 'weight';
      await settle(el);
      const q2 = new URLSearchParams(location.hash.slice(1));
      expect([q2.get('when'), q2.get('criterion'), q2.get('granularity'), q2.get('nm'), q2.get('calibration-samples')]).to.deep.equal(['init', 'snip', null, '4:8', '64']);
    } finally {
      history.replaceState(null, '', before || location.pathname + location.search);
    }
  });
});

describe('<prune-lab> runs', () => {
  afterEach(cleanup);

  it('run() resolves with the report; prune-round and run-complete carry the documented details', async () => {
    const el = await lab({ latencyFrames: 200, views: 'sparsity latency mask pad runs' });
    const rounds = collect<RoundEntry>('prune-round');
    const complete = collect<Report>('run-complete');
    const report = await el.run();
    expect(report.status).to.equal('complete');
    expect(report.rounds).to.have.length(2);
    expect(rounds.map((r) => r.round)).to.deep.equal([0, 1, 2]);
    expect(rounds[0]).to.deep.equal(report.baseline);
    expect(rounds.slice(1)).to.deep.equal(report.rounds);
    expect(complete).to.have.length(1);
    expect(complete[0]).to.deep.equal(report);
    expect(el.controller.status).to.equal('complete');
    // Stored, complete, and on the chart (baseline + 2 rounds).
    await until(() => el.storedRuns.some((r) => r.state === 'complete'), 'the stored run');
    expect(el.storedRuns.map((r) => [r.id, r.state])).to.deep.equal([[report.id, 'complete']]);
    expect(el.storedRuns[0]!.report).to.deep.equal(report);
    const chart = $(el, 'prune-sparsity-chart') as HTMLElementTagNameMap['prune-sparsity-chart'];
    expect(chart.series.map((s) => s.points.length)).to.deep.equal([3]);
    // Latency: the four unstructured paths at each of the 3 sparsities.
    await until(() => (($(el, 'prune-latency-chart') as HTMLElementTagNameMap['prune-latency-chart']).points.length === 12), 'latency points');
    const lat = ($(el, 'prune-latency-chart') as HTMLElementTagNameMap['prune-latency-chart']).series;
    expect(lat.map((s) => [s.path, s.points.map((p) => p.sparsity)])).to.deep.equal(['dense', 'masked', 'sparse', 'int8']
      .map((p) => [p, [0, report.rounds[0]!.sparsity, report.rounds[1]!.sparsity]]));
    for (const s of lat) for (const p of s.points) expect(p.p95Ms).to.be.at.least(p.p50Ms).and.above(0);
    // Each point also carries the first frame, compile time, batch-256 throughput, GPU bytes and the wait.
    for (const s of lat) {
      for (const p of s.points) {
        expect(p.firstFrameMs, `${s.path} first frame`).to.be.above(0);
        expect(p.compileMs, `${s.path} compile`).to.be.at.least(0);
        expect(p.throughput, `${s.path} img/s`).to.be.above(0);
        expect(p.planGpuBytes, `${s.path} plan bytes`).to.be.above(0);
        expect(p.wait).to.be.oneOf(['map', 'nudge']);
      }
    }
    // Model bytes on the GPU: dense holds every f32 weight and bias (266,610 · 4), masked the mask bytes (266,200) too,
    // each of the 6 or 9 buffers padded by under 16 bytes; the sparse format at the last round is smaller.
    const at = (path: string, i: number) => lat.find((x) => x.path === path)!.points[i]!;
    expect(at('dense', 0).modelGpuBytes).to.be.within(266_610 * 4, 266_610 * 4 + 6 * 16);
    expect(at('masked', 2).modelGpuBytes).to.be.within(266_610 * 4 + 266_200, 266_610 * 4 + 266_200 + 9 * 16);
    expect(at('sparse', 2).modelGpuBytes).to.be.below(at('dense', 0).modelGpuBytes!);
    // The table under the chart shows the last round's four paths.
    const table = $(el, 'table.paths') as HTMLTableElement;
    expect(Number(table.dataset.sparsity)).to.equal(report.rounds[1]!.sparsity);
    expect([...table.querySelectorAll('tbody tr')].map((r) => (r as HTMLElement).dataset.path)).to.deep.equal(['dense', 'masked', 'sparse', 'int8']);
    // fc1's weights at the last round: 784 × 300, its mask as sparse as the report says.
    const mask = $(el, 'prune-mask-view') as HTMLElementTagNameMap['prune-mask-view'];
    expect(mask.layout!.units).to.equal(300);
    const zeros = mask.mask!.reduce((t, m) => t + (m === 0 ? 1 : 0), 0);
    expect(zeros / mask.mask!.length).to.equal(report.final!.layers[0]!.sparsity);
  });

  it('runs structured pruning: the shrunk model answers, fc1 loses whole units, latency of the dense baseline and the shrunk model', async () => {
    const el = await lab({ method: 'structured', schedule: 'oneshot', targetSparsity: 0.5, latencyFrames: 200, views: 'latency mask' });
    const report = await el.run();
    const units = report.final!.units!;
    expect(units.fc1!.before).to.equal(300);
    expect(units.fc1!.after).to.be.below(300);
    const mask = $(el, 'prune-mask-view') as HTMLElementTagNameMap['prune-mask-view'];
    expect(mask.layout!.units).to.equal(units.fc1!.after);
    await until(() => (($(el, 'prune-latency-chart') as HTMLElementTagNameMap['prune-latency-chart']).points.length === 2), 'latency points');
    const lat = ($(el, 'prune-latency-chart') as HTMLElementTagNameMap['prune-latency-chart']).series;
    expect(lat.map((s) => [s.path, s.points.map((p) => p.sparsity)])).to.deep.equal([['dense', [0]], ['structured', [report.final!.sparsity]]]);
    const p = (await el.controller.infer(new Float32Array(784)))!;
    expect(p.map((x) => x.label)).to.deep.equal(['dense', `structured ${Math.round(report.final!.sparsity * 100)}% (round 1)`]);
  });

  it('classifies frames with the dense baseline and the pruned model, agreeing with the report\'s accuracies', async () => {
    const el = await lab({ testSamples: 60 });
    const report = await el.run();
    const test = await loadIdxPairFromUrls(mnistUrls(location.origin).test);
    let dense = 0;
    let pruned = 0;
    for (let i = 0; i < 60; i++) {
      const p = (await el.controller.infer(test.images.slice(i * 784, (i + 1) * 784)))!;
      expect(p.map((x) => x.label)).to.deep.equal(['dense', `${Math.round(report.final!.sparsity * 100)}% sparse (round 2)`]);
      for (const x of p) expect(x.latencyMs).to.be.above(0);
      if (p[0]!.digit === test.labels[i]) dense++;
      if (p[1]!.digit === test.labels[i]) pruned++;
    }
    // The same 60 images the report evaluated: at most one near-tie may flip between kernels.
    expect(Math.abs(dense - Math.round(report.baseline!.accuracy * 60))).to.be.at.most(1);
    expect(Math.abs(pruned - Math.round(report.final!.accuracy * 60))).to.be.at.most(1);
  });

  it('pauses at a step boundary, resumes, and stops: run() rejects with aborted and the finished rounds are stored', async () => {
    const { el, rounds, errors, outcome } = await startRun();
    el.pause();
    await until(() => el.controller.status === 'paused', 'paused');
    const held = rounds.length;
    await new Promise((r) => setTimeout(r, 1500));
    expect(rounds.length).to.equal(held, 'no round finishes while paused');
    expect($(el, '[part="progress"]').textContent).to.contain('paused');
    el.resume();
    await until(() => el.controller.status === 'pending', 'resumed');
    el.stop();
    expect(((await outcome()) as PruneLabError).code).to.equal('aborted');
    expect(errors.map((e) => e.code)).to.deep.equal(['aborted']);
    await until(() => el.storedRuns.length === 1 && el.storedRuns[0]!.state === 'aborted', 'the aborted record');
    const stored = el.storedRuns[0]!.report;
    expect(stored.status).to.equal('aborted');
    expect(stored.baseline).to.deep.equal(rounds[0]);
    expect(stored.rounds.length).to.equal(rounds.length - 1);
  });

  it('says so when the GPU device is lost, keeps the finished rounds, and restarts on a new device', async () => {
    const { el, rounds, errors, outcome } = await startRun();
    await el.controller.loseDevice();
    expect(((await outcome()) as PruneLabError).code).to.equal('device-lost');
    expect(errors.map((e) => e.code)).to.deep.equal(['device-lost']);
    expect(el.controller.status).to.equal('lost');
    await settle(el);
    expect(errorText(el)).to.match(/^The GPU device was lost \(destroyed\): .* Finished rounds are kept\. Restart on a new device$/);
    await until(() => el.storedRuns.length === 1, 'the kept rounds');
    const rec = el.storedRuns[0]!;
    expect(rec.state).to.equal('interrupted');
    expect(rec.report.error!.code).to.equal('device-lost');
    expect(rec.report.baseline).to.deep.equal(rounds[0]);
    expect(rec.report.rounds).to.deep.equal(rounds.slice(1, 1 + rec.report.rounds.length));
    // A fresh Worker gets a new device and accepts runs again.
    await el.controller.restart();
    expect(el.controller.adapter).to.not.equal(null);
    expect(el.controller.status).to.equal('idle');
    expect($<HTMLButtonElement>(el, 'button[data-action="run"]').disabled).to.equal(false);
  });
});

describe('<prune-lab> refused runs', () => {
  afterEach(cleanup);

  it('says so when its Worker script fails to load, instead of waiting on it forever', async () => {
    const el = await mount('prune-lab', { dbName: 'none', workerFactory: () => new Worker(new URL('/no-such-lab-worker.js', location.href), { type: 'module' }) });
    await el.controller.whenReady();
    await settle(el);
    expect(el.controller.adapter).to.equal(null);
    expect(el.controller.deviceError!.message).to.equal('the lab Worker failed: an error with no message (did its script load?)');
    expect(errorText(el)).to.equal(el.controller.deviceError!.message);
    let thrown: unknown = null;
    await el.run().catch((e: unknown) => (thrown = e));
    expect((thrown as PruneLabError).code).to.equal('internal');
  });

  it('a run the Worker refuses against the data (train samples > data, batch > rows) leaves the previous results on screen and in the store', async () => {
    const el = await lab({ schedule: 'oneshot', latencyFrames: 200, views: 'curves sparsity latency layers runs' });
    const report = await el.run();
    const latencyChart = (): HTMLElementTagNameMap['prune-latency-chart'] => $(el, 'prune-latency-chart') as HTMLElementTagNameMap['prune-latency-chart'];
    // Dense, masked, sparse and int8 at the baseline and at round 1.
    await until(() => latencyChart().points.length === 8, 'latency points');
    await until(() => el.storedRuns.length === 1 && el.storedRuns[0]!.state === 'complete', 'the stored run');
    await settle(el);
    const curves = (): unknown => structuredClone(($(el, 'prune-training-chart') as HTMLElementTagNameMap['prune-training-chart']).points);
    const before = { report: structuredClone(el.currentReport), curves: curves(), latency: structuredClone(latencyChart().points), runs: structuredClone(el.storedRuns) };
    expect(before.report).to.deep.equal(report);
    // The curves are progress events, throttled: a run that finishes quickly (Firefox with its completion nudges) may have sent none, so only their staying as they were is checked.
    const errors = collect<RunErrorDetail>('run-error');

    const refused = async (set: () => void, attr: string, field: RegExp): Promise<void> => {
      set();
      await settle(el);
      await el.validated;
      expect(el.config, `${attr}: the config alone is valid`).to.not.equal(null);
      let thrown: unknown = null;
      await el.run().catch((e: unknown) => (thrown = e));
      await settle(el);
      expect(thrown, attr).to.be.instanceOf(PruneLabError);
      expect(errors.at(-1)!.message, attr).to.match(field);
      // The message is shown against its control, and the run button waits for a change.
      expect(errorText(el), attr).to.contain(errors.at(-1)!.message);
      const control = $(el, `[data-control="${attr}"]`);
      expect(control.querySelector('[aria-invalid]')!.getAttribute('aria-invalid'), attr).to.equal('true');
      expect(el.controller.status).to.equal('error');
      // Nothing of the previous run changed: report, curves, latency, stored runs.
      expect(el.currentReport, attr).to.deep.equal(before.report);
      expect(curves(), attr).to.deep.equal(before.curves);
      expect(latencyChart().points, attr).to.deep.equal(before.latency);
      expect(($(el, 'prune-sparsity-chart') as HTMLElementTagNameMap['prune-sparsity-chart']).series.map((s) => s.points.length), attr).to.deep.equal([2]);
      expect(el.storedRuns, attr).to.deep.equal(before.runs);
    };
    // MNIST's training split has 55,000 images.
    await refused(() => (el.trainSamples = 60000), 'train-samples', /60000/);
    await refused(() => { el.trainSamples = 300; el.batchSize = 400; }, 'batch-size', /400/);
    expect(errors).to.have.length(2);
    // A valid run afterwards replaces the results.
    el.batchSize = 50;
    el.latencyFrames = 0;
    await settle(el);
    await el.validated;
    const next = await el.run();
    expect(el.currentReport!.id).to.equal(next.id);
    expect(next.id).to.not.equal(report.id);
  });
});

describe('<prune-lab> stored runs', () => {
  afterEach(cleanup);

  it('shows each stored run\'s progress in its schedule\'s unit: rounds, or fine-tune epochs for gradual runs', async () => {
    const el = await lab();
    const entries = MAGNITUDE_REPORT.rounds;
    const gradual = { ...MAGNITUDE_REPORT, id: 'run-gradual', config: { ...MAGNITUDE_REPORT.config, prune: { ...MAGNITUDE_REPORT.config.prune, schedule: 'gradual' as const, when: 'during' as const, rounds: 3, finetuneEpochs: 2 } } };
    const partial = { ...MAGNITUDE_REPORT, id: 'run-partial', status: 'aborted' as const, rounds: entries.slice(0, 1), final: entries[0]! };
    const oneshot = { ...MAGNITUDE_REPORT, id: 'run-oneshot', rounds: entries.slice(0, 1), final: entries[0]!, config: { ...MAGNITUDE_REPORT.config, prune: { ...MAGNITUDE_REPORT.config.prune, schedule: 'oneshot' as const, rounds: 1 } } };
    await el.importReports(JSON.stringify([gradual, partial, oneshot, MAGNITUDE_REPORT]), 'four.json');
    await settle(el);
    const shown = (id: string): string => $(el, `tr[data-run="${id}"] td[data-progress]`).textContent!.trim();
    // A finished gradual run: 2 entries, one per fine-tune epoch, of 2 (its 3 mask updates happen inside them).
    expect(shown('run-gradual')).to.equal('2/2 epochs (3 mask updates)');
    expect(shown(MAGNITUDE_REPORT.id)).to.equal('2/2 rounds');
    expect(shown('run-partial')).to.equal('1/2 rounds');
    expect(shown('run-oneshot')).to.equal('1/1 round');
    expect(runProgress(gradual)).to.deep.include({ done: 2, total: 2, unit: 'epoch' });
  });

  it('names stored runs by their axes; a version-1 file is read through the migration', async () => {
    const el = await lab();
    const nm = {
      ...RANDOM_REPORT, id: 'run-nm', rounds: RANDOM_REPORT.rounds.slice(0, 1), final: RANDOM_REPORT.rounds[0]!,
      config: { ...RANDOM_REPORT.config, prune: { ...RANDOM_REPORT.config.prune, granularity: 'nm' as const, criterion: 'wanda' as const, nm: { n: 2, m: 4 }, scope: 'local' as const, schedule: 'oneshot' as const, rounds: 1, targetSparsity: 0.5 } },
    };
    await el.importReports(JSON.stringify([{ ...MAGNITUDE_REPORT_V1, id: 'run-v1' }, nm]), 'old.json');
    await settle(el);
    const axes = (id: string): string => $(el, `tr[data-run="${id}"] [data-axes]`).textContent!.trim();
    expect(axes('run-v1')).to.equal('magnitude · weight · global · after');
    expect(axes('run-nm')).to.equal('wanda · 2:4 · local · after');
    expect(el.storedRuns.find((r) => r.id === 'run-v1')!.report.version).to.equal(2);
  });

  it('imports reports (listed, on the chart), refuses a bad file naming the field, and deletes', async () => {
    const el = await lab();
    const other = { ...MAGNITUDE_REPORT, id: 'run-other', config: { ...MAGNITUDE_REPORT.config, seed: 8 } };
    const got = await el.importReports(JSON.stringify([MAGNITUDE_REPORT, other]), 'two.json');
    expect(got.map((r) => r.id)).to.deep.equal([MAGNITUDE_REPORT.id, 'run-other']);
    await settle(el);
    expect(el.storedRuns.map((r) => r.report)).to.deep.equal([MAGNITUDE_REPORT, other].sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id)));
    expect($$(el, 'tr[data-run]')).to.have.length(2);
    const chart = $(el, 'prune-sparsity-chart') as HTMLElementTagNameMap['prune-sparsity-chart'];
    expect(chart.reports).to.have.length(2);
    const bad = { ...MAGNITUDE_REPORT, rounds: [{ ...MAGNITUDE_REPORT.rounds[0]!, accuracy: 1.5 }] };
    let thrown: unknown = null;
    await el.importReports(JSON.stringify(bad), 'bad.json').catch((e: unknown) => (thrown = e));
    expect((thrown as Error).message).to.equal('bad.json.rounds[0].accuracy must be a number in [0, 1] (got 1.5)');
    await el.importReports('{ nope', 'broken.json').catch((e: unknown) => (thrown = e));
    expect((thrown as Error).message).to.match(/^broken\.json must be JSON: a report or an array of reports/);
    // Unticking a run takes it off the chart; delete removes it.
    const box = $(el, `tr[data-run="run-other"] input[type="checkbox"]`) as HTMLInputElement;
    box.checked = false;
    box.dispatchEvent(new Event('change'));
    await until(() => chart.reports.length === 1, 'one report on the chart');
    await el.deleteRun(MAGNITUDE_REPORT.id);
    await settle(el);
    expect(el.storedRuns.map((r) => r.id)).to.deep.equal(['run-other']);
  });
});
