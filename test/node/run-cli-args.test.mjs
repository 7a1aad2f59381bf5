// `prune-lab run` and `prune-lab info` flags as a user meets them: each bad flag
// gives exit code 2, a message on stderr naming the flag and what it accepts, and
// nothing on stdout (nothing was run). Most cases never reach the GPU; the few
// that need the data (subset sizes, batch vs. rows) say so.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, cliAsync } from './helpers/cli.mjs';

let dir;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'prune-lab-run-args-'));
  writeFileSync(join(dir, 'bad-spec.json'), JSON.stringify({ input: { C: 1, H: 28, W: 28 }, layers: [{ type: 'linear', units: 0 }] }));
  writeFileSync(join(dir, 'not-json.json'), '{ layers: ');
  writeFileSync(join(dir, 'garbage.plck'), 'this is not a checkpoint');
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `prune-lab run …` expecting a usage error. */
async function usage(args, pattern) {
  const r = await cliAsync(['run', ...args]);
  assert.equal(r.code, 2, `exit code of run ${args.join(' ')}; stderr: ${r.err}`);
  assert.equal(r.out, '', 'nothing on stdout');
  assert.match(r.err, pattern);
  return r;
}

// Each case is a process of its own: several at once keep the wall time down.
describe('prune-lab run: flag validation (exit 2, nothing run)', { concurrency: 4 }, () => {
  const cases = [
    [['--bogus'], /^prune-lab run: unknown flag --bogus; flags: .*--target-sparsity/m],
    [['--epochs'], /--epochs needs a value: an integer in \[0, 1000\]/],
    [['--epochs', '-1'], /--epochs got "-1"; it accepts an integer in \[0, 1000\]/],
    [['--epochs', '1001'], /--epochs got "1001"; it accepts an integer in \[0, 1000\]/],
    [['--epochs', '1.5'], /--epochs got "1.5"; it accepts an integer in \[0, 1000\]/],
    [['--finetune-epochs', 'x'], /--finetune-epochs got "x"; it accepts an integer in \[0, 1000\]/],
    [['--target-sparsity', '1'], /--target-sparsity got "1"; it accepts a number in \[0, 1\)/],
    [['--target-sparsity', '-0.1'], /--target-sparsity got "-0.1"; it accepts a number in \[0, 1\)/],
    [['--rounds', '0'], /--rounds got "0"; it accepts an integer in \[1, 100\]/],
    [['--rounds', '101'], /--rounds got "101"; it accepts an integer in \[1, 100\]/],
    [['--lr', '0'], /--lr got "0"; it accepts a number in \(0, 10\]/],
    [['--lr', 'fast'], /--lr got "fast"; it accepts a number in \(0, 10\]/],
    [['--batch', '0'], /--batch got "0"; it accepts an integer in \[1, 65536\]/],
    [['--seed', '2147483648'], /--seed got "2147483648"; it accepts an integer in \[0, 2147483647\]/],
    [['--train-samples', '0'], /--train-samples got "0"; it accepts an integer ≥ 1/],
    [['--test-samples', 'all'], /--test-samples got "all"; it accepts an integer ≥ 1/],
    [['--rewind', 'x'], /--rewind got "x"; it accepts an integer ≥ 0/],
    [['--method', 'magnitude'], /--method got "magnitude"; it accepts global \| local \| random \| structured/],
    [['--criterion', 'l3'], /--criterion got "l3"; it accepts magnitude \| random \| taylor \| snip \| synflow \| lamp \| wanda \| sparsegpt \| movement \| l1 \| l2 \| norm-product/],
    [['--granularity', 'row'], /--granularity got "row"; it accepts weight \| unit \| nm/],
    [['--scope', 'all'], /--scope got "all"; it accepts global \| local/],
    [['--when', 'before'], /--when got "before"; it accepts after \| init \| during/],
    [['--nm', '2/4'], /--nm got "2\/4"; it accepts N:M, integers with 1 ≤ N < M ≤ 16/],
    [['--nm', '2:'], /--nm got "2:"; it accepts N:M/],
    [['--nm', ''], /--nm got ""; it accepts N:M/],
    [['--calibration-samples', '0'], /--calibration-samples got "0"; it accepts an integer in \[1, 10000000\]/],
    [['--sparsegpt-block', '0'], /--sparsegpt-block got "0"; it accepts an integer in \[1, 65536\]/],
    [['--sparsegpt-damp', '0'], /--sparsegpt-damp got "0"; it accepts a number in \(0, 1\]/],
    [['--sparsegpt-damp', '1.5'], /--sparsegpt-damp got "1.5"; it accepts a number in \(0, 1\]/],
    [['--synflow-iterations', '10001'], /--synflow-iterations got "10001"; it accepts an integer in \[1, 10000\]/],
    [['--schedule', 'linear'], /--schedule got "linear"; it accepts oneshot \| iterative \| gradual/],
    [['--optimizer', 'rmsprop'], /--optimizer got "rmsprop"; it accepts sgd \| adam/],
    [['--dataset', 'cifar10'], /--dataset got "cifar10"; it accepts mnist/],
    [['--model', 'resnet-50'], /--model got "resnet-50" \(no such preset or file\); it accepts lenet-300-100 \| lenet-5 \| a model spec JSON file/],
    [['--adapter', ''], /--adapter got ""; it accepts "list" or \(part of\) an adapter name/],
    [['stray'], /unexpected argument.*'stray'/],
    // Cross-flag rules, said with the flag at fault.
    [['--criterion', 'l1'], /--criterion: prune.criterion must be one of magnitude, .* with granularity 'weight' \(got "l1"\)/],
    [['--method', 'global', '--criterion', 'lamp'], /--criterion: prune.criterion must be 'magnitude' with method 'global'/],
    [['--method', 'structured', '--granularity', 'weight'], /--granularity: prune.granularity must be 'unit' with method 'structured'/],
    [['--method', 'local', '--scope', 'global'], /--scope: prune.scope must be 'local' with method 'local'/],
    [['--granularity', 'unit', '--criterion', 'wanda'], /--criterion: prune.criterion must be one of l1, l2, taylor, norm-product with granularity 'unit'/],
    [['--nm', '4:4'], /--nm: prune.nm.n must be an integer in \[1, 3\] \(got 4\)/],
    [['--nm', '1:17'], /--nm: prune.nm.m must be an integer in \[2, 16\] \(got 17\)/],
    [['--nm', '2:4', '--target-sparsity', '0.9'], /--target-sparsity: prune.targetSparsity must be left out or 1 − n\/m = 0.5 with prune.nm 2:4/],
    [['--nm', '2:4', '--granularity', 'weight'], /--nm: prune.nm must be given only with granularity 'nm'/],
    [['--nm', '2:4', '--criterion', 'lamp'], /--criterion: prune.criterion must be one of magnitude, random, taylor, snip, wanda, sparsegpt with granularity 'nm'/],
    [['--nm', '2:4', '--schedule', 'iterative'], /--schedule: prune.schedule must be 'oneshot' with granularity 'nm'/],
    [['--nm', '2:4', '--scope', 'global'], /--scope: prune.scope must be 'local' or left out with granularity 'nm'/],
    [['--when', 'init', '--criterion', 'wanda'], /--criterion: prune.criterion must be one of magnitude, random, snip, synflow with when 'init'/],
    [['--when', 'init', '--finetune-epochs', '1'], /--finetune-epochs: prune.finetuneEpochs must be 0 with when 'init'/],
    [['--when', 'init', '--rewind'], /--rewind: prune.rewind must be false with when 'init'/],
    [['--when', 'during', '--schedule', 'iterative'], /--schedule: prune.schedule must be 'gradual' with when 'during'/],
    [['--criterion', 'movement'], /--when: prune.when must be 'during' with criterion 'movement'/],
    [['--calibration-samples', '100'], /--calibration-samples: prune.calibration must be given only with a criterion that scores from data \(taylor, snip, wanda, sparsegpt\)/],
    [['--sparsegpt-block', '64', '--criterion', 'wanda'], /--sparsegpt-block: prune.sparsegpt must be given only with criterion 'sparsegpt'/],
    [['--sparsegpt-damp', '0.1'], /--sparsegpt-damp: prune.sparsegpt must be given only with criterion 'sparsegpt'/],
    [['--synflow-iterations', '5', '--criterion', 'snip'], /--synflow-iterations: prune.synflow must be given only with criterion 'synflow'/],
    [['--schedule', 'oneshot', '--rounds', '3'], /--rounds: prune.rounds must be 1 with schedule 'oneshot' \(got 3\)/],
    [['--method', 'structured', '--rewind', '5'], /--rewind: prune.rewind must be false with method 'structured'/],
    // A bare --rewind means step 0 (the init): the same rule fires with got 0.
    [['--method', 'structured', '--rewind'], /--rewind: prune.rewind must be false with method 'structured'.*\(got 0\)/],
    [['--schedule', 'gradual', '--finetune-epochs', '0'], /--finetune-epochs: prune.finetuneEpochs must be at least 1 with schedule 'gradual'/],
    [['--train-images', 'a.idx'], /IDX data needs all four files; missing --train-labels, --test-images, --test-labels/],
    [['--dataset', 'mnist', '--train-images', 'a', '--train-labels', 'b', '--test-images', 'c', '--test-labels', 'd'], /--dataset and --train-images, --train-labels, --test-images, --test-labels exclude each other/],
    [['--rounds-csv', '-'], /--rounds-csv got "-"; it accepts a file path \(only --json writes to stdout\)/],
    [['--json', 'out.json', '--rounds-csv', './out.json'], /--json and --rounds-csv name the same file/],
  ];
  for (const [args, pattern] of cases) {
    it(`run ${args.join(' ') || '(empty value)'}`, () => usage(args, pattern));
  }

  it('rejects a model spec file that is not JSON, or not a valid model, naming --model and the field', async () => {
    await usage(['--model', join(dir, 'not-json.json')], /--model .*not-json\.json: not valid JSON/);
    await usage(['--model', join(dir, 'bad-spec.json')], /--model .*bad-spec\.json: model\.layers\[0\]\.units/);
  });

  it('checks subset sizes against the data before any GPU work (--train-samples, --test-samples)', async () => {
    await usage(['--train-samples', '55001'], /--train-samples: subsets\.train must be an integer in \[1, 55000\] \(got 55001\)/);
    await usage(['--test-samples', '10001'], /--test-samples: subsets\.test must be an integer in \[1, 10000\] \(got 10001\)/);
  });

  it('checks the calibration subset and the N:M groups against the data and the model before the adapter (--calibration-samples, --nm)', async () => {
    await usage(['--criterion', 'wanda', '--train-samples', '100', '--calibration-samples', '101'], /--calibration-samples: prune\.calibration\.samples must be at most the 100 training rows the subset is drawn from \(got 101\)/);
    // lenet-300-100's fc2 has 300 inputs per output: groups of 8 do not tile them.
    await usage(['--nm', '1:8', '--train-samples', '100'], /--nm: prune\.nm\.m: N:M groups of m = 8 need each layer's inputs per output to be a multiple of 8, and fc2 has 300/);
    await usage(['--nm', '2:4', '--model', 'lenet-5', '--train-samples', '100'], /--nm: .*conv1 has 25 \(C·k·k\).*prune\.layers\.conv1\.exclude/);
  });

  it('checks the batch against the training rows before any training (--batch)', async () => {
    const r = await cliAsync(['run', '--train-samples', '100', '--batch', '101', '--epochs', '0']);
    assert.equal(r.code, 2, r.err);
    assert.equal(r.out, '');
    assert.match(r.err, /--batch: train\.batchSize must be at most the 100 training samples \(got 101\)/);
  });
});

describe('prune-lab run: files (nothing run)', () => {
  it('names a missing --load file (exit 2), or one that is not a checkpoint (exit 1)', () => {
    let r = cli(['run', '--load', join(dir, 'missing.plck')]);
    assert.equal(r.code, 2);
    assert.match(r.err, /--load .*missing\.plck: cannot read \(no such file\); it accepts a file written by --save/);
    r = cli(['run', '--load', join(dir, 'garbage.plck')]);
    assert.equal(r.code, 1);
    assert.match(r.err, /--load .*garbage\.plck: checkpoint: not a prune-lab checkpoint \(magic "PLCK" missing\)/);
    assert.equal(r.out, '');
  });

  it('names the long form of a boolean flag given a value (--help=false)', () => {
    const r = cli(['run', '--help=false']);
    assert.equal(r.code, 2);
    assert.match(r.err, /--help takes no value/);
  });

  it('refuses an output folder that does not exist before the run, not after (exit 2)', () => {
    const r = cli(['run', '--json', join(dir, 'no-such-folder', 'r.json')]);
    assert.equal(r.code, 2);
    assert.match(r.err, /--json .*r\.json: cannot write there \(folder .*no-such-folder is missing or read-only\)/);
  });

  it('names a missing IDX file with its flag and path (exit 2)', () => {
    const f = (n) => join(dir, n);
    const r = cli(['run', '--train-images', f('ti'), '--train-labels', f('tl'), '--test-images', f('si'), '--test-labels', f('sl')]);
    assert.equal(r.code, 2);
    assert.match(r.err, /--train-images .*ti: cannot read \(no such file\)/);
  });
});

describe('prune-lab run and info: help and adapters', () => {
  it('documents every flag of run in --help (exit 0, on stdout)', () => {
    const r = cli(['run', '--help']);
    assert.equal(r.code, 0);
    for (const flag of ['--model', '--dataset', '--train-images', '--train-labels', '--test-images', '--test-labels', '--method', '--criterion',
      '--schedule', '--target-sparsity', '--rounds', '--epochs', '--finetune-epochs', '--rewind', '--optimizer', '--lr', '--batch', '--seed',
      '--train-samples', '--validation-samples', '--test-samples', '--json', '--rounds-csv', '--csv', '--target', '--test-csv', '--save', '--load', '--predictions', '--adapter', '--help']) {
      assert.match(r.out, new RegExp(`^\\s+(-h, )?${flag}\\b`, 'm'), `${flag} in run --help`);
    }
  });

  it('documents info in --help and rejects its unknown flags', () => {
    const h = cli(['info', '--help']);
    assert.equal(h.code, 0);
    assert.match(h.out, /--json/);
    assert.match(h.out, /--adapter list\|NAME/);
    const r = cli(['info', '--verbose']);
    assert.equal(r.code, 2);
    assert.match(r.err, /prune-lab info: unknown flag --verbose; flags: --json --adapter --help/);
  });

  it('lists the commands, tree included', () => {
    const r = cli(['--help']);
    assert.equal(r.code, 0);
    assert.match(r.out, /^\s+info\s+show the WebGPU adapter/m);
    assert.match(r.out, /^\s+run\s+train, prune and fine-tune/m);
    assert.match(r.out, /^\s+tree\s+grow/m);
  });

  it('exits 3 with a clear message when there is no adapter and no fallback', () => {
    // No Vulkan driver (an ICD file that does not exist) and the fallback turned off.
    const r = cli(['info'], { VK_ICD_FILENAMES: join(dir, 'none.json'), PRUNE_LAB_NO_FALLBACK: '1' });
    assert.equal(r.code, 3, r.err);
    assert.equal(r.out, '');
    assert.match(r.err, /prune-lab: no WebGPU adapter found by Dawn \(the npm package webgpu\) \(PRUNE_LAB_NO_FALLBACK=1, so no SwiftShader fallback\)\. Install your GPU's Vulkan/);
  });

  it('info --json describes the adapter; --adapter list names it; a NAME matching none exits 3 listing them', () => {
    const r = cli(['info', '--json']);
    assert.equal(r.code, 0, r.err);
    const info = JSON.parse(r.out);
    assert.equal(info.backend, 'dawn-node');
    for (const k of ['vendor', 'architecture', 'device', 'description']) assert.equal(typeof info.adapter[k], 'string', k);
    assert.ok(info.limits.maxStorageBufferBindingSize >= 128 << 20, 'limits read from the adapter');
    assert.ok(Array.isArray(info.features) && Array.isArray(info.wgslLanguageFeatures));
    if (info.swiftshaderFallback) assert.match(r.err, /falling back to SwiftShader/);

    const list = cli(['info', '--adapter', 'list']);
    assert.equal(list.code, 0, list.err);
    const lines = list.out.trim().split('\n');
    assert.ok(lines.length >= 1);
    for (const l of lines) assert.match(l, /^.+ {2}\(\w+\)$/);

    const none = cli(['info', '--adapter', 'no-such-adapter-xyz']);
    assert.equal(none.code, 3, none.err);
    assert.match(none.err, /--adapter "no-such-adapter-xyz" matches no adapter; adapters: .+ \(\w+\)/);
  });
});
