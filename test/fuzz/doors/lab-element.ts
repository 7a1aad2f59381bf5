// Door: <prune-lab>'s attributes and URL-hash values (src/ui/lab/lab-config.ts,
// hash-state.ts), through the real element and Worker. Setup: a finished tiny run
// (its report shown) and one imported report in the store. Each case sets one
// attribute, or a link hash, to a malformed value, waits for the engine's check,
// and calls run() when the settings must be refused (by the check or against the
// data). Then the settings go back and the previous results must still be there.
// Documented acceptance: a value the control accepts (a choice among its options,
// a number the engine's ranges allow) is taken without a message; its property
// must then hold that value. model-url (#14): a URL that cannot be fetched, or
// whose file the engine cannot import, is refused naming model-url (and the model
// imported before stays); a real .onnx file is imported and taken. Issue #17's controls
// (control, layer-sparsity, layer-schedule, finetune-lr, validate-every, lr-schedule,
// weight-decay, momentum) are among CONTROLS, so they take the same cases; the text ones
// must hold a value of their form when accepted.
import type { PruneLab } from '../../../src/ui/lab/prune-lab.js';
import '../../../src/ui/lab/index.js';
import { CONTROLS, DEFAULTS, parseLayerSparsity, parseLrSchedule, parseNm } from '../../../src/ui/lab/lab-config.js';
import { decodeHash } from '../../../src/ui/lab/hash-state.js';
import type { Rng } from '../../../src/rng.js';
import type { Door, FuzzCase } from '../harness.js';
import { pick } from '../mutate.js';
import { MAGNITUDE_REPORT } from '../../ui/fixtures.js';
import { mount, settle, $$ } from '../../ui/helpers.js';

interface LabCase extends FuzzCase {
  /** Attribute → value, set one by one (attribute mode) or as a link hash. */
  pairs: Array<[string, string]>;
  viaHash: boolean;
}

/** The tiny run the door starts from (train 100 of MNIST, one one-shot round). */
const SETUP: Partial<PruneLab> = {
  trainSamples: 100, validationSamples: 50, testSamples: 50, batchSize: 50, epochs: 1, finetuneEpochs: 1, rounds: 1, schedule: 'oneshot',
  latencyFrames: 0, views: 'sparsity metrics runs',
};
const ATTRS = [...CONTROLS.map((c) => c.attr), 'latency-frames', 'views', 'model-url'];
/** model-url values: real .onnx files (the page test's MNIST MLP, an importer fixture), and files or URLs that are not. */
const GOOD_MODEL_URLS = ['/test/ui/lab/fixtures/mnist-mlp.onnx', '/test/onnx/fixtures/cnn-opset17.onnx'];
const MODEL_URLS = [...GOOD_MODEL_URLS, '/no/such/model.onnx', '/test/ui/lab/fixtures/mnist-mlp.json', '/data/mnist/t10k-labels-idx1-ubyte',
  'http://[', 'data:application/octet-stream;base64,CAcS//8BAgM=', 'data:,', '/test/onnx/fixtures/', 'blob:nothing'];
const JUNK = ['', ' ', 'abc', '-1', '0', '1', '2', '1e309', 'NaN', '1.5', '0x10', '1,5', '65537', '2147483648', '99999999', 'Infinity', '-0',
  '__proto__', 'constructor', 'toString', 'GLOBAL', ' global', 'lenet-5 ', 'custom', 'idx', 'null', '{}', '[', '0.999999', '1e-300', '56000', '6000', '10001', '300',
  // The axes of #13: patterns, criteria and granularities, valid and not, given to any control.
  '2:4', '4:8', '3:3', '0:4', '17:32', '2 : 4', '2:4:8', 'magnitude', 'wanda', 'sparsegpt', 'l1', 'norm-product', 'unit', 'nm', 'init', 'during', 'after',
  // Issue #17's settings: the reinit control, layer schedules, per-layer lists, lr schedules, valid and not.
  'reinit', 'fixed', 'constant', 'cosine', 'cosine:', 'cosine:1e-5', 'cosine:20', 'step:1:0.5', 'step:0:0.5', 'step:1:2', 'step:1001:0.5', 'step::',
  'fc1=0.9', 'fc1=0.9,fc2=0.5', 'fc3=exclude', 'fc1=exclude,fc2=exclude,fc3=exclude', 'fc1=1', 'fc1=-0.1', 'fc9=0.5', 'fc1=0.9,fc1=0.8', 'fc1=', '=0.5', 'fc1=0.5,,fc2=0.5',
  '__proto__=0.5', 'constructor=0.5', 'conv1=0.5', 'fc1=NaN', 'fc1=0x1'];
/** Per-layer lists LeNet-300-100 accepts. */
const LAYER_LISTS = ['fc1=0.9', 'fc1=0.92,fc2=0.91,fc3=0.74', 'fc3=exclude', 'fc2=0.5,fc3=exclude'];
/** The text controls' own forms (buildConfig's parsers): an accepted value must read as one. */
const TEXT_FORMS: Record<string, (v: string) => unknown> = { nm: parseNm, lrSchedule: parseLrSchedule, layerSparsity: parseLayerSparsity };

let el: PruneLab | undefined;
let shownId = '';
let storedIds: string[] = [];

function legal(rng: Rng, attr: string): string {
  const c = CONTROLS.find((x) => x.attr === attr);
  if (c?.options) return pick(rng, c.options);
  if (c?.suggest) return pick(rng, c.suggest);
  if (c?.key === 'layerSparsity') return pick(rng, LAYER_LISTS);
  if (attr === 'latency-frames') return pick(rng, ['0', '200', '250']);
  if (attr === 'views') return pick(rng, ['curves', 'sparsity runs', 'metrics,runs']);
  if (attr === 'model-url') return pick(rng, GOOD_MODEL_URLS);
  if (!c) return '1';
  const d = (DEFAULTS as unknown as Record<string, unknown>)[c.key];
  return String(typeof d === 'number' ? d : 1);
}

/**
 * A run would have to be refused against the data: MNIST has 60,000 training rows,
 * of which max(5,000, validation samples) are held out, and 10,000 test rows.
 */
function refusedByData(x: PruneLab): boolean {
  const held = Math.max(5000, x.validationSamples ?? 0);
  const train = x.trainSamples ?? 60000 - held;
  const steps = x.epochs * Math.floor(train / x.batchSize);
  return held > 59999 || train > 60000 - held || (x.testSamples ?? 0) > 10000 || x.batchSize > train || (x.rewind !== null && x.rewind > steps);
}

/** Before the validation split grew with validation-samples, more than 5,000 were refused: run those too (cheap either way). */
function maybeRefusedByData(x: PruneLab): boolean {
  return (x.validationSamples ?? 0) > 5000 && (x.trainSamples ?? 0) <= 1000;
}

/** Attributes whose values are checked against the data's sizes, and values that do not fit it. */
const DATA_ATTRS = ['train-samples', 'validation-samples', 'test-samples', 'batch-size', 'rewind'];
const DATA_VALUES = ['101', '150', '1000', '5001', '10001', '55001', '56000', '59999', '60000', '65536', '7', '1000000'];

/** Why an accepted attribute value is not what the property holds. */
function acceptedProblem(x: PruneLab, attr: string, value: string): string | void {
  const c = CONTROLS.find((s) => s.attr === attr);
  if (!c) return;
  const v = (x as unknown as Record<string, unknown>)[c.key];
  if (c.options && !(v === null && c.nullable) && !c.options.includes(v as string)) return `${attr}="${value}" accepted as ${JSON.stringify(v)}, not one of ${c.options.join(', ')}`;
  const form = TEXT_FORMS[c.key];
  if (form && !(v === null && c.nullable) && (typeof v !== 'string' || form(v) === null)) return `${attr}="${value}" accepted as ${JSON.stringify(v)}, not of ${attr}'s form`;
  if (c.step !== undefined && !(v === null && c.nullable) && !(typeof v === 'number' && Number.isFinite(v))) return `${attr}="${value}" accepted as ${String(v)}`;
}

function state(x: PruneLab): string | void {
  if (x.currentReport?.id !== shownId) return `the shown report is ${x.currentReport?.id ?? 'none'}, was ${shownId}`;
  const ids = x.storedRuns.map((r) => r.id).sort();
  if (JSON.stringify(ids) !== JSON.stringify(storedIds)) return `stored runs are ${ids.join(', ')}, were ${storedIds.join(', ')}`;
  const rows = $$(x, 'tr[data-run]').length;
  if (rows !== storedIds.length) return `${rows} rows in the stored-runs list, ${storedIds.length} runs stored`;
}

/** After a state failure: results shown again (a new tiny run if none), so that one defect fails one case, not all that follow. */
async function resync(x: PruneLab): Promise<void> {
  if (!x.currentReport) await x.run();
  shownId = x.currentReport!.id;
  storedIds = x.storedRuns.map((r) => r.id).sort();
}

async function checked(x: PruneLab): Promise<void> {
  await settle(x);
  await x.validated;
  await settle(x);
}

export const labElementDoor: Door<LabCase> = {
  name: 'lab-element',
  fastCases: 30,
  timeoutMs: 60000,
  async setup() {
    el = await mount('prune-lab', { ...SETUP, dbName: `prune-lab-fuzz-${Date.now()}` });
    await el.controller.whenReady();
    await checked(el);
    const report = await el.run();
    await el.importReports(JSON.stringify(MAGNITUDE_REPORT), 'fixture.json');
    await settle(el);
    shownId = report.id;
    storedIds = [report.id, MAGNITUDE_REPORT.id].sort();
    const bad = state(el);
    if (bad) throw new Error(`lab-element setup: ${bad}`);
  },
  async teardown() {
    el?.remove();
    el = undefined;
  },
  generate(rng) {
    const viaHash = rng.next() < 0.3;
    const n = viaHash ? 1 + rng.int(3) : 1;
    const pairs: Array<[string, string]> = [];
    for (let i = 0; i < n; i++) {
      const r = rng.next();
      if (r < 0.25) {
        pairs.push([pick(rng, DATA_ATTRS), pick(rng, DATA_VALUES)]);
        continue;
      }
      if (r < 0.35 && !viaHash) {
        pairs.push(['model-url', pick(rng, MODEL_URLS)]);
        continue;
      }
      const attr = r < 0.4 ? pick(rng, ['bogus', 'Method', '__proto__']) : pick(rng, ATTRS);
      const v = rng.next();
      pairs.push([attr, attr === 'model-url' && v < 0.6 ? pick(rng, MODEL_URLS) : v < 0.75 ? pick(rng, JUNK) : legal(rng, attr)]);
    }
    if (viaHash && rng.next() < 0.2) pairs.push([pick(rng, ATTRS), pick(rng, JUNK)]);
    // Attribute names are case-insensitive in HTML. The sizes checked against the
    // data conflict with each other (batch vs. train samples, train vs. validation
    // rows): a refusal may name any of them.
    const named = pairs.map(([a]) => a.toLowerCase());
    if (named.some((a) => DATA_ATTRS.includes(a))) named.push(...DATA_ATTRS);
    const fields = [...pairs.map(([a]) => a), ...named.flatMap((a) => {
      const c = CONTROLS.find((x) => x.attr === a);
      return c ? [c.attr, c.label, ...c.fields] : [a];
    })];
    const repro = viaHash ? `hash #${pairs.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&')}` : `setAttribute(${JSON.stringify(pairs[0]![0])}, ${JSON.stringify(pairs[0]![1])})`;
    return { repro, fields, pairs, viaHash };
  },
  async run(c) {
    const x = el!;
    const before = Object.fromEntries(CONTROLS.map((s) => [s.key, (x as unknown as Record<string, unknown>)[s.key]]));
    const lf = x.latencyFrames;
    const views = x.views;
    const savedHash = location.hash;
    try {
      if (c.viaHash) {
        x.urlHash = true;
        await settle(x);
        const q = new URLSearchParams();
        for (const [k, v] of c.pairs) q.append(k, v);
        history.replaceState(null, '', `#${q.toString()}`);
        window.dispatchEvent(new HashChangeEvent('hashchange'));
      } else {
        x.setAttribute(c.pairs[0]![0], c.pairs[0]![1]);
      }
      await checked(x);
      const msg = x.validationMessage;
      const mustRefuse = refusedByData(x);
      if (msg === null && !mustRefuse && !maybeRefusedByData(x)) {
        if (!c.viaHash) return acceptedProblem(x, c.pairs[0]![0], c.pairs[0]![1]);
        for (const [k, v] of decodeHash(location.hash)) {
          const p = acceptedProblem(x, k, v);
          if (p) return p;
        }
        return;
      }
      if (msg !== null && !c.fields.some((f) => msg.includes(f))) return `the message ${JSON.stringify(msg)} names none of ${c.fields.join(', ')}`;
      let thrown: unknown = null;
      const got = await x.run().catch((e: unknown) => (thrown = e));
      if (thrown === null) {
        // Later cases compare with the results now shown.
        shownId = (got as { id: string }).id;
        storedIds = [...storedIds, shownId].sort();
        return mustRefuse ? `run() ran settings that cannot run (report ${shownId})` : undefined;
      }
      // The harness judges the refusal; invariant() then checks the results survived it.
      throw thrown;
    } finally {
      x.urlHash = false;
      history.replaceState(null, '', savedHash || location.pathname + location.search);
      for (const [k] of c.pairs) if (ATTRS.includes(k)) x.removeAttribute(k);
      Object.assign(x, before, { latencyFrames: lf, views });
      await checked(x);
    }
  },
  async invariant() {
    const x = el!;
    if (x.validationMessage !== null) return `the settings did not come back: ${x.validationMessage}`;
    const problem = state(x);
    if (problem) await resync(x);
    return problem;
  },
};
