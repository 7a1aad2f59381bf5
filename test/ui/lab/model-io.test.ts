// <prune-lab>'s own model and data, through the real Worker and GPU: a PyTorch MLP
// (test/ui/lab/fixtures/gen_mnist_mlp.py) imported in the page, its layer table, its
// accuracy as loaded against the exporter's own predictions, pruned to 90% and
// fine-tuned, each ONNX export form downloaded and read back with the same masks and
// outputs; a bad .onnx shown and the model kept; model-url; and a CSV run.
import { expect } from '@esm-bundle/chai';
import '../../../src/ui/lab/index.js';
import type { PruneLab } from '../../../src/ui/lab/prune-lab.js';
import type { ModelExportDetail } from '../../../src/ui/lab/model-io.js';
import type { Report } from '../../../src/lab/report.js';
import { importOnnx } from '../../../src/onnx/import.js';
import { planModel } from '../../../src/nn/spec.js';
import { CpuForward } from '../../../src/infer/cpu.js';
import { networkRef } from '../../../src/ref/network.js';
import { loadIdxPairFromUrls, mnistUrls } from '../../../src/data/mnist.js';
import { Rng } from '../../../src/rng.js';
import { buildModel, tinyMlp, node } from '../../onnx/build.js';
import { $, $$, mount, settle, unmountAll } from '../helpers.js';

interface MlpMeta {
  testRows: number;
  predictions: number[];
  correct: number;
  minMargin: number;
}

const TEST_ROWS = 300;
let dbSeq = 0;

async function fixture(): Promise<{ bytes: Uint8Array; meta: MlpMeta }> {
  const [bytes, meta] = await Promise.all([
    fetch(new URL('./fixtures/mnist-mlp.onnx', import.meta.url)).then(async (r) => new Uint8Array(await r.arrayBuffer())),
    fetch(new URL('./fixtures/mnist-mlp.json', import.meta.url)).then((r) => r.json() as Promise<MlpMeta>),
  ]);
  return { bytes, meta };
}

async function lab(props: Partial<PruneLab> = {}, attrs: Record<string, string> = {}): Promise<PruneLab> {
  const el = await mount('prune-lab', {
    trainSamples: 300, validationSamples: 100, testSamples: TEST_ROWS, batchSize: 50, epochs: 0, finetuneEpochs: 1, rounds: 1, schedule: 'oneshot',
    targetSparsity: 0.9, latencyFrames: 0, views: 'metrics runs', dbName: `prune-lab-io-${Date.now()}-${dbSeq++}`, ...props,
  }, attrs);
  await el.controller.whenReady();
  await el.validated;
  await settle(el);
  return el;
}

const io = (el: PruneLab): HTMLElement => $(el, 'prune-model-io');

/** Gives a file to one of the panel's inputs, as a user choosing it would. */
async function choose(el: PruneLab, which: 'onnx' | 'csv' | 'csv-test', file: File): Promise<void> {
  const input = $<HTMLInputElement>(io(el), `input[data-io="${which}"]`);
  const dt = new DataTransfer();
  dt.items.add(file);
  input.files = dt.files;
  const version = el.io.version;
  input.dispatchEvent(new Event('change'));
  await until(() => el.io.version !== version, `${file.name} read`);
  await settle(el);
  await el.validated;
  await settle(el);
}

/** Drops files on the panel. */
async function drop(el: PruneLab, file: File): Promise<void> {
  const dt = new DataTransfer();
  dt.items.add(file);
  const version = el.io.version;
  $(io(el), '[part="drop"]').dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  await until(() => el.io.version !== version, `${file.name} dropped`);
  await settle(el);
  await el.validated;
  await settle(el);
}

async function until(ok: () => boolean, what: string, ms = 60000): Promise<void> {
  const t0 = performance.now();
  while (!ok()) {
    if (performance.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const errorText = (el: PruneLab): string => $(el, '[part="error"]').textContent!.replace(/\s+/g, ' ').trim();

/** Clicks a form's download button; resolves to the event's detail and the Blob the page saved. */
async function download(el: PruneLab, form: string): Promise<{ detail: ModelExportDetail; blob: Blob }> {
  const blobs: Blob[] = [];
  const create = URL.createObjectURL;
  URL.createObjectURL = (b: Blob | MediaSource): string => {
    if (b instanceof Blob) blobs.push(b);
    return create.call(URL, b);
  };
  try {
    const got = new Promise<ModelExportDetail>((resolve) => el.addEventListener('model-export', (e) => resolve(e.detail), { once: true }));
    $<HTMLButtonElement>(io(el), `button[data-export="${form}"]`).click();
    const detail = await got;
    expect(blobs.length).to.equal(1);
    return { detail, blob: blobs[0]! };
  } finally {
    URL.createObjectURL = create;
  }
}

async function gzipBytes(b: Blob): Promise<number> {
  return (await new Response(b.stream().pipeThrough(new CompressionStream('gzip'))).arrayBuffer()).byteLength;
}

/** Argmax of each row of logits, and how many rows have their top two within `eps`. */
function classes(logits: Float32Array, n: number, k: number, eps: number): { pred: number[]; close: number } {
  const pred: number[] = [];
  let close = 0;
  for (let i = 0; i < n; i++) {
    const row = Array.from(logits.subarray(i * k, i * k + k));
    const order = row.map((v, j) => [v, j] as const).sort((a, b) => b[0] - a[0]);
    pred.push(order[0]![1]);
    if (order[0]![0] - order[1]![0] < eps) close++;
  }
  return { pred, close };
}

describe('<prune-lab> with a PyTorch model (ONNX in, pruned ONNX out)', () => {
  afterEach(unmountAll);

  it('imports the MLP in the page, evaluates it as loaded, prunes it to 90% with fine-tuning, and exports every form', async () => {
    const { bytes, meta } = await fixture();
    const el = await lab();
    await choose(el, 'onnx', new File([bytes as Uint8Array<ArrayBuffer>], 'mnist-mlp.onnx'));
    expect(el.io.error).to.equal(null);
    expect(el.model).to.equal('onnx');
    expect(el.validationMessage).to.equal(null);

    // The layer table: the two Gemm layers as linear in×out, their parameter counts, prunable.
    const rows = $$(io(el), 'table.layers tbody tr');
    const table = rows.map((r) => [r.dataset.layer, r.querySelector('[data-type]')!.textContent, r.querySelector('[data-shape]')!.textContent,
      r.querySelector('[data-params]')!.textContent, r.querySelector('[data-prunable]')!.textContent]);
    expect(table.filter((r) => r[4] === 'yes')).to.deep.equal([['fc1', 'linear', '784×32', '25,120', 'yes'], ['fc2', 'linear', '32×10', '330', 'yes']]);
    expect(table.filter((r) => r[4] !== 'yes').every((r) => r[3] === '0')).to.equal(true);
    expect(el.config!.model).to.deep.include({ input: { C: 1, H: 28, W: 28 } });

    const report: Report = await el.run();
    // As loaded (train epochs 0), on the first 300 MNIST test images: the exporter's accuracy exactly
    // (its smallest top-2 logit margin is far above the 1e-4 our logits stay within).
    expect(meta.testRows).to.be.at.least(TEST_ROWS);
    expect(meta.minMargin).to.be.above(1e-3);
    const test = await loadIdxPairFromUrls(mnistUrls(new URL('/data/mnist/', location.origin)).test);
    let expected = 0;
    for (let i = 0; i < TEST_ROWS; i++) expected += meta.predictions[i] === test.labels[i] ? 1 : 0;
    expect(report.baseline!.accuracy).to.equal(expected / TEST_ROWS);
    expect(report.model.paramCount).to.equal(25120 + 330);
    // Pruned to 90% of the prunable weights (exact count), then one fine-tune epoch on 300 images.
    const fin = report.final!;
    expect(report.rounds).to.have.length(1);
    const prunable = 784 * 32 + 32 * 10;
    const pruned = Math.round(0.9 * prunable);
    expect(fin.layers.reduce((t, l) => t + l.nonzero, 0)).to.equal(prunable - pruned);
    expect(fin.sparsity).to.be.closeTo(pruned / prunable, 1e-12);

    // The size table of every form, then each form downloaded and read back.
    const sizeRows = $$(io(el), 'table.exports tbody tr');
    expect(sizeRows.map((r) => r.dataset.form)).to.deep.equal(['dense', 'shrunk', 'sparse']);
    expect(Number($(io(el), 'table.exports').dataset.original)).to.equal(4 * (25120 + 330));
    const x = test.images.subarray(0, TEST_ROWS * 784);
    const labels = new Uint32Array(TEST_ROWS);
    let denseLogits: Float32Array | null = null;
    let denseMasks: Uint8Array[] = [];
    for (const form of ['dense', 'sparse', 'shrunk'] as const) {
      const { detail, blob } = await download(el, form);
      const file = new Uint8Array(await blob.arrayBuffer());
      expect(detail.form).to.equal(form);
      expect(Array.from(file)).to.deep.equal(Array.from(detail.bytes));
      const row = sizeRows.find((r) => r.dataset.form === form)!;
      expect(Number(row.querySelector('[data-bytes]')!.getAttribute('data-bytes'))).to.equal(file.length);
      expect(Number(row.querySelector('[data-gzip]')!.getAttribute('data-gzip'))).to.equal(await gzipBytes(blob));
      const back = importOnnx(file);
      const plan = planModel(back.spec);
      const logits = networkRef(plan, back.values, x, labels, TEST_ROWS).logits;
      if (form === 'dense') {
        // Its masks are the report's: each layer's kept weights.
        denseMasks = back.values.map((v) => v.mask);
        back.values.forEach((v, i) => expect(v.mask.reduce((t, m) => t + m, 0)).to.equal(fin.layers[i]!.nonzero));
        denseLogits = logits;
        // The file's accuracy on the CPU is the final round's (an image whose top two logits are within
        // f32 rounding of each other may go either way).
        const { pred, close } = classes(logits, TEST_ROWS, 10, 1e-4);
        const correct = pred.reduce((t, p, i) => t + (p === test.labels[i] ? 1 : 0), 0);
        expect(Math.abs(correct - Math.round(fin.accuracy * TEST_ROWS))).to.be.at.most(close);
      } else if (form === 'sparse') {
        // The same masks, bit for bit, and the same outputs.
        back.values.forEach((v, i) => expect(Array.from(v.mask)).to.deep.equal(Array.from(denseMasks[i]!)));
        expect(maxAbs(logits, denseLogits!)).to.be.at.most(1e-5);
      } else {
        // Smaller (or equal) shapes; the logits of the dense form.
        expect(plan.paramCount).to.be.at.most(25120 + 330);
        expect(maxAbs(logits, denseLogits!)).to.be.at.most(1e-4);
      }
    }
  });

  it('shows a bad .onnx with the engine\'s message and keeps the model it had', async () => {
    const { bytes } = await fixture();
    const el = await lab();
    await choose(el, 'onnx', new File([bytes as Uint8Array<ArrayBuffer>], 'mnist-mlp.onnx'));
    const id = el.io.onnx!.id;
    // Garbage bytes.
    await drop(el, new File([new Uint8Array([8, 7, 0x12, 0xff, 0xff, 1, 2, 3])], 'garbage.onnx'));
    expect(errorText(el)).to.match(/^garbage\.onnx: onnx: /);
    expect(el.io.onnx!.id).to.equal(id);
    expect($(io(el), 'table.layers').dataset.model).to.equal(id);
    expect(el.validationMessage).to.equal(null);
    // An operator the lab has no layer for: the message names the node, its op and the supported list.
    const parts = tinyMlp();
    parts.nodes[1] = node('Sigmoid', ['h'], ['r'], 'squash');
    await choose(el, 'onnx', new File([buildModel(parts) as Uint8Array<ArrayBuffer>], 'sigmoid.onnx'));
    const msg = errorText(el);
    expect(msg).to.contain('sigmoid.onnx');
    expect(msg).to.contain('squash');
    expect(msg).to.contain('Sigmoid');
    expect(msg).to.contain('Gemm');
    expect(el.io.onnx!.id).to.equal(id);
    expect(el.model).to.equal('onnx');
    expect(el.config).to.not.equal(null);
    // The kept model runs; a run taken clears the file's message.
    const report = await el.run();
    expect(report.model.paramCount).to.equal(25120 + 330);
    expect($$(el, '[data-io-error]')).to.have.length(0);
  });

  it('imports model-url, and refuses a URL it cannot fetch or import naming model-url', async () => {
    const el = await lab({ model: 'onnx' });
    expect(el.validationMessage).to.contain('model');
    el.setAttribute('model-url', new URL('./fixtures/mnist-mlp.onnx', import.meta.url).pathname);
    await settle(el);
    await el.validated;
    await settle(el);
    expect(el.io.onnx?.name).to.equal('mnist-mlp');
    expect(el.model).to.equal('onnx');
    expect(el.validationMessage).to.equal(null);
    for (const bad of ['/no/such/model.onnx', new URL('./fixtures/mnist-mlp.json', import.meta.url).pathname]) {
      el.setAttribute('model-url', bad);
      await settle(el);
      await el.validated;
      await settle(el);
      expect(el.validationMessage).to.match(/^model-url /);
      const e = await el.run().catch((x: unknown) => x as { field?: string; message: string });
      expect((e as { field?: string }).field).to.equal('model-url');
      expect(el.io.onnx?.name).to.equal('mnist-mlp');
    }
    el.removeAttribute('model-url');
    await settle(el);
    await el.validated;
    expect(el.validationMessage).to.equal(null);
  });

  it('runs, prunes and exports an MLP on a CSV chosen in the page, its target picked from the header', async () => {
    // Three seeded blobs in four features, the class column first: the default target is the last column whose first value is not a number (species).
    const rng = new Rng(7);
    const lines = ['species,x1,x2,x3,x4'];
    const names = ['setosa', 'versicolor', 'virginica'];
    for (let i = 0; i < 150; i++) {
      const k = i % 3;
      const f = [0, 1, 2, 3].map((j) => (3 * (j === k ? 1 : 0) + 2 * k + rng.next() - 0.5).toFixed(4));
      lines.push([names[k], ...f].join(','));
    }
    const el = await lab({ epochs: 3, batchSize: 16, learningRate: 0.01, targetSparsity: 0.5 });
    await choose(el, 'csv', new File([`${lines.join('\n')}\n`], 'blobs.csv'));
    expect(el.io.error?.message ?? null).to.equal(null);
    expect(el.datasetName).to.equal('csv');
    expect(el.model).to.equal('tabular-mlp');
    const select = $<HTMLSelectElement>(io(el), 'select[data-io="target"]');
    expect([...select.options].map((o) => o.value)).to.deep.equal(['species', 'x1', 'x2', 'x3', 'x4']);
    expect(select.value).to.equal('species');
    // Another target makes species a feature, which is not numeric: refused with row and column, the target kept.
    select.value = 'x4';
    const version = el.io.version;
    select.dispatchEvent(new Event('change'));
    await until(() => el.io.version !== version, 'the target');
    await el.validated;
    await settle(el);
    expect(errorText(el)).to.contain('row 2, column "species"');
    expect(el.io.csv!.target).to.equal('species');
    expect($<HTMLSelectElement>(io(el), 'select[data-io="target"]').value).to.equal('species');
    expect(el.io.csv!.classes).to.deep.equal(names);
    Object.assign(el, { trainSamples: null, validationSamples: null, testSamples: null });
    await settle(el);
    await el.validated;
    expect(el.validationMessage).to.equal(null);
    const report = await el.run();
    expect(report.config.dataset).to.deep.equal({ name: 'csv', label: 'blobs.csv', target: 'species' });
    expect(report.data.tabular!.features).to.deep.equal(['x1', 'x2', 'x3', 'x4']);
    expect(report.data.test).to.equal(30);
    expect(report.final!.sparsity).to.be.closeTo(0.5, 1e-9);
    expect(report.final!.accuracy).to.be.at.least(0.8);
    const { blob } = await download(el, 'dense');
    const back = importOnnx(new Uint8Array(await blob.arrayBuffer()));
    expect(back.input.layout).to.equal('flat');
    expect(back.spec.input).to.deep.equal({ C: 1, H: 1, W: 4 });
    expect(planModel(back.spec).classes).to.equal(3);
    // The file takes raw features: its Sub/Div prelude is the run's standardisation (f32).
    const st = report.data.tabular!.standardization;
    expect(back.notes.slice(0, 2).map((n) => [n.op, n.action])).to.deep.equal([['Sub', 'stripped'], ['Div', 'stripped']]);
    expect(Array.from(back.standardize!.mean)).to.deep.equal(Array.from(Float32Array.from(st.mean)));
    expect(Array.from(back.standardize!.std)).to.deep.equal(Array.from(Float32Array.from(st.scale)));
    await settle(el);
    expect($(io(el), 'table.exports caption').textContent).to.contain('raw features');
    // On raw rows of the file, the exported model (prelude applied as ONNX Runtime would, in f32) predicts the class each blob was drawn from.
    const rows = lines.slice(1).map((l) => l.split(','));
    const x = Float32Array.from(rows.flatMap((r) => r.slice(1).map((v, j) => Math.fround(Math.fround(Number(v) - back.standardize!.mean[j]!) / back.standardize!.std[j]!))));
    const pred = new CpuForward(planModel(back.spec), back.values, false).predict(x, rows.length);
    expect(rows.filter((r, i) => names.indexOf(r[0]!) === pred[i]).length / rows.length).to.be.at.least(0.8);
    // A cell that is not a number: the parser's row and column, and the CSV loaded before stays.
    await drop(el, new File(['species,x1,x2,x3,x4\nsetosa,1,2,3,4\nvirginica,1,oops,3,4\n'], 'broken.csv'));
    expect(errorText(el)).to.contain('broken.csv');
    expect(errorText(el)).to.contain('row 3');
    expect(errorText(el)).to.contain('"x2"');
    expect(el.io.csv!.file.name).to.equal('blobs.csv');
  });
});

function maxAbs(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).to.equal(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}
