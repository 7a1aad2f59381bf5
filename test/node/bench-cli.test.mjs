// `prune-lab bench` end to end in Node on Dawn (SwiftShader here): flags refused by
// name before anything runs, and one small real run whose JSON is checked on what
// it must hold — every path at every sparsity, exact kept-weight counts from the
// GPU top-k, every GPU path giving masked's classes (int8 within a stated
// agreement), sizes by their formulas, the structured rows' widths, and the table.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, cliAsync, mnistDir } from './helpers/cli.mjs';

const N = 266_200; // LeNet-300-100's prunable weights
const SPARSITIES = [0, 0.95];
const TEST = 256;
const F32_PATHS = ['dense', 'masked', 'sparse', 'auto', 'fused'];
const INT8_MIN_AGREE = 0.97;

function usage(args, pattern) {
  const r = cli(['bench', ...args]);
  assert.equal(r.code, 2, `${args.join(' ')}: ${r.err}`);
  assert.equal(r.out, '');
  assert.match(r.err, pattern);
}

describe('prune-lab bench: flags', () => {
  it('refuses bad flags, naming the flag and what it accepts', () => {
    usage(['--model', 'vgg'], /--model got "vgg"; it accepts lenet-300-100 \| lenet-5/);
    usage(['--sparsities', '0.5,1'], /--sparsities got "0.5,1"; it accepts a comma list of fractions in \(0, 1\)/);
    usage(['--sparsities', '0.5,,0.9'], /--sparsities got "0.5,,0.9"/);
    usage(['--sparsities', '0.9,0.9'], /--sparsities got "0.9,0.9"; it accepts .*\(each once\)/);
    usage(['--frames', '50'], /--frames got "50"; it accepts an integer ≥ 200/);
    usage(['--test-samples', '100'], /--test-samples got "100"; it accepts an integer in \[256, 10000\]/);
    usage(['--epochs', '-1'], /--epochs got "-1"/);
    usage(['--fast'], /unknown flag --fast; flags: --model --sparsities --frames/);
    usage(['--train-images', 'a.idx'], /IDX data needs all four files; missing --train-labels, --test-images, --test-labels/);
  });

  it('names an unreadable IDX file and an unwritable --json folder (exit 2, before any GPU work)', () => {
    const r = cli(['bench', '--train-images', '/nonexistent/t.idx', '--train-labels', '/nonexistent/l.idx', '--test-images', '/nonexistent/x.idx', '--test-labels', '/nonexistent/y.idx']);
    assert.equal(r.code, 2);
    assert.match(r.err, /--train-images \/nonexistent\/t\.idx: cannot read \(no such file\)/);
    const w = cli(['bench', '--json', '/nonexistent/dir/out.json']);
    assert.equal(w.code, 2);
    assert.match(w.err, /--json \/nonexistent\/dir\/out\.json: cannot write there \(folder \/nonexistent\/dir is missing or read-only\)/);
  });

  it('checks the subset sizes against the rows of small IDX files, naming the flag and the range (exit 2)', () => {
    // The first 1,000 rows of t10k as an IDX pair: 900 to draw from (100 held out), 1,000 to test on.
    const small = mkdtempSync(join(tmpdir(), 'prune-lab-bench-small-'));
    try {
      const images = Buffer.from(readFileSync(join(mnistDir, 't10k-images-idx3-ubyte')).subarray(0, 16 + 1000 * 784));
      const labels = Buffer.from(readFileSync(join(mnistDir, 't10k-labels-idx1-ubyte')).subarray(0, 8 + 1000));
      images.writeUInt32BE(1000, 4);
      labels.writeUInt32BE(1000, 4);
      writeFileSync(join(small, 'i'), images);
      writeFileSync(join(small, 'l'), labels);
      const idx = ['--train-images', join(small, 'i'), '--train-labels', join(small, 'l'), '--test-images', join(small, 'i'), '--test-labels', join(small, 'l')];
      usage(idx, /^prune-lab bench: --train-samples must be an integer in \[1, 900\] \(got 3000\)$/m);
      usage([...idx, '--train-samples', '500', '--test-samples', '2000'], /^prune-lab bench: --test-samples must be an integer in \[1, 1000\] \(got 2000\)$/m);
      usage([...idx, '--json', join(small, 'l')], /--json names the --train-labels file .*, which the bench reads; write elsewhere/);
    } finally {
      rmSync(small, { recursive: true, force: true });
    }
  });

  it('documents every flag in --help (exit 0, on stdout), and is listed among the commands', () => {
    const h = cli(['bench', '--help']);
    assert.equal(h.code, 0);
    for (const flag of ['--model', '--sparsities', '--frames', '--train-samples', '--test-samples', '--epochs', '--seed', '--train-images', '--train-labels', '--test-images', '--test-labels', '--json', '--adapter']) assert.match(h.out, new RegExp(flag));
    assert.match(cli(['--help']).out, /^\s+bench\s+inference latency/m);
  });
});

describe('prune-lab bench: a small run on SwiftShader', () => {
  let json;
  let table;
  let dir;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'prune-lab-bench-'));
    const file = join(dir, 'bench.json');
    const r = await cliAsync(['bench', '--sparsities', '0.95', '--train-samples', '300', '--test-samples', String(TEST), '--seed', '2', '--json', file]);
    assert.equal(r.code, 0, r.err);
    json = JSON.parse(readFileSync(file, 'utf8'));
    table = r.out;
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('measures every path at every sparsity, with the fields the issue names', () => {
    const L = json.latency;
    assert.equal(json.adapter.backend, 'dawn-node');
    assert.equal(L.frames, 200);
    assert.equal(L.batch, 256);
    const paths = (sp) => L.entries.filter((e) => e.sparsity === sp).map((e) => e.path).sort();
    assert.deepEqual(paths(0), ['auto', 'dense', 'fused', 'int8', 'js-dense', 'js-sparse', 'masked', 'sparse'].sort());
    assert.deepEqual(paths(0.95), ['auto', 'fused', 'int8', 'js-sparse', 'masked', 'sparse'].sort());
    assert.deepEqual(L.entries.filter((e) => e.path.startsWith('structured')).map((e) => e.path), ['structured', 'structured-r4']);
    for (const e of L.entries) {
      for (const k of ['p50Ms', 'p95Ms', 'throughput', 'bytes', 'accuracy', 'flops']) assert.ok(Number.isFinite(e[k]) && e[k] >= 0, `${e.path}@${e.sparsity} ${k}`);
      assert.ok(e.p95Ms >= e.p50Ms, `${e.path}@${e.sparsity} p95 ≥ p50`);
      assert.equal(e.model, 'lenet-300-100');
      // Node has no browser completion polling: plans keep the plain map.
      if (!e.path.startsWith('js')) assert.equal(e.completion, 'map');
    }
  });

  it('prunes exactly round(s·N) weights, and every f32 path gives masked classes (int8 ≥ 97%)', () => {
    const m = json.latency.models[0];
    assert.deepEqual(m.sizes.map((s) => [s.sparsity, s.weights, s.nnz]), SPARSITIES.map((s) => [s, N, N - Math.round(s * N)]));
    for (const e of json.latency.entries) {
      if (e.agreeWithMasked === undefined) continue;
      if (e.path === 'int8') assert.ok(e.agreeWithMasked >= INT8_MIN_AGREE, `int8@${e.sparsity} ${e.agreeWithMasked}`);
      else assert.equal(e.agreeWithMasked, 1, `${e.path}@${e.sparsity}`);
    }
    assert.ok(F32_PATHS.every((p) => json.latency.entries.some((e) => e.path === p && e.agreeWithMasked === 1)));
  });

  it('reports sizes by their formulas, and the structured widths (50% of hidden units; rounded to 4)', () => {
    const m = json.latency.models[0];
    const s95 = m.sizes.find((s) => s.sparsity === 0.95);
    const nnz = N - Math.round(0.95 * N);
    const rows = 300 + 100 + 10;
    const biases = 300 + 100 + 10;
    assert.equal(s95.denseF32, 4 * (N + biases));
    // values (4 B) + u16 columns (2 B) per kept weight, rows + 1 u32 offsets per layer, f32 biases.
    assert.equal(s95.sparse, 6 * nnz + 4 * (rows + 3) + 4 * biases);
    assert.ok(s95.sparseInt8 <= s95.denseF32 / 10);
    assert.deepEqual(m.structured.units, [150, 50, 10]);
    assert.deepEqual(json.latency.entries.find((e) => e.path === 'structured-r4').units, [152, 52, 10]);
    assert.equal(m.structured.flops, 2 * (784 * 150 + 150 * 50 + 50 * 10));
  });

  it('prints the table with the targets checked', () => {
    assert.match(table, /^adapter: .*Dawn/m);
    assert.match(table, /^sparse +\| +95% \|/m);
    assert.match(table, /(meets|MISSES) +sparse@95% p50 \/ dense p50: [\d.]+ \(target ≤ 0\.5\)/);
    assert.match(table, /(meets|MISSES) +size sparse\+int8@95% \/ dense f32: 0\.04\d+ \(target ≤ 0\.1\)/);
    assert.match(table, /vs the JS floor at batch 256: ours dense [\d.]+× the JS dense throughput/);
  });
});
