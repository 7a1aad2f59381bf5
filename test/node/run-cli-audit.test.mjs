// Every sub-command's flags, class by class, as a user (or a fuzzer) can get them
// wrong: command names that are inherited object keys, numbers Number() would
// take ('1e3' for an integer, '0x10', ' 5', 'NaN', 'Infinity', …), repeated
// flags, empty values, enum values that are object keys, paths that are missing
// or folders, and outputs that cannot be written. Each ends in exit 2, one line
// on stderr naming the flag and what it accepts, nothing on stdout, no stack
// trace, and no GPU adapter asked for (Dawn is never loaded).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliAsync, mnistDir } from './helpers/cli.mjs';

let dir;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'prune-lab-audit-'));
  mkdirSync(join(dir, 'folder'));
  writeFileSync(join(dir, 'iris.csv'), 'a,b,label\n1,2,x\n3,4,y\n');
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** A usage error comes before any data is trained on: a case still running after this long has started a run. */
const CASE_MS = Number(process.env.PRUNE_LAB_AUDIT_CASE_MS ?? 120_000);

/** Runs the CLI expecting a usage error whose stderr matches `pattern`. */
async function usage(args, pattern) {
  const r = await cliAsync(args, {}, CASE_MS);
  const what = `prune-lab ${args.map((a) => JSON.stringify(a)).join(' ')}; stderr: ${r.err}`;
  assert.equal(r.code, 2, `exit code of ${what}`);
  assert.equal(r.out, '', `nothing on stdout: ${what}`);
  assert.match(r.err, pattern, what);
  assert.doesNotMatch(r.err, /TypeError|RangeError|\n\s+at .*\.m?js:/, `no stack trace: ${what}`);
  assert.doesNotMatch(r.err, /Vulkan|SwiftShader|adapter found/, `no adapter asked for: ${what}`);
  assert.equal(r.err.trim().split('\n').length, 1, `one line: ${what}`);
}

const at = (name) => join(dir, name);
const idx = (f) => ['--train-images', f.ti, '--train-labels', f.tl, '--test-images', f.si, '--test-labels', f.sl];
const mnist = {
  ti: join(mnistDir, 't10k-images-idx3-ubyte'), tl: join(mnistDir, 't10k-labels-idx1-ubyte'),
  si: join(mnistDir, 't10k-images-idx3-ubyte'), sl: join(mnistDir, 't10k-labels-idx1-ubyte'),
};

describe('the dispatcher looks commands up among its own names only', { concurrency: 4 }, () => {
  for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf']) {
    it(`prune-lab ${name}`, () => usage([name], new RegExp(`^prune-lab: unknown command "${name}"; commands: tree, info, run, bench, boost$`, 'm')));
  }
});

describe('numbers: decimal digits only for integers, finite decimals for numbers', { concurrency: 4 }, () => {
  const ints = [['run', 'epochs', /an integer in \[0, 1000\]/], ['bench', 'frames', /an integer ≥ 200/], ['tree', 'max-depth', /an integer ≥ 1/]];
  const badInts = ['1e3', '0x10', ' 5', '5 ', '+5', 'NaN', 'Infinity', '1.5', '99999999999999999999', '0b11', '٣'];
  for (const [cmd, flag, accepts] of ints) {
    const extra = cmd === 'tree' ? ['--dataset', 'iris'] : [];
    for (const v of badInts) {
      it(`${cmd} --${flag} ${JSON.stringify(v)}`, () => usage([cmd, ...extra, `--${flag}`, v], new RegExp(`--${flag} got ${JSON.stringify(JSON.stringify(v)).slice(1, -1).replace(/[+.]/g, '\\$&')}; it accepts ${accepts.source}`)));
    }
  }
  const nums = [['run', 'lr', /a number in \(0, 10\]/], ['tree', 'ccp-alpha', /a number ≥ 0/], ['tree', 'min-impurity-decrease', /a number ≥ 0/]];
  for (const [cmd, flag, accepts] of nums) {
    const extra = cmd === 'tree' ? ['--dataset', 'iris'] : [];
    for (const v of ['0x10', ' 0.5', '0.5 ', 'NaN', 'Infinity', '-Infinity', '1e400', '1,5', '.', 'e3']) {
      it(`${cmd} --${flag} ${JSON.stringify(v)}`, () => usage([cmd, ...extra, `--${flag}`, v], new RegExp(`--${flag} got .*; it accepts ${accepts.source}`)));
    }
  }
  it('bench --sparsities with hex or spaced parts', async () => {
    await usage(['bench', '--sparsities', '0x0,0.5'], /--sparsities got "0x0,0.5"; it accepts a comma list of fractions in \(0, 1\)/);
    await usage(['bench', '--sparsities', '0.5,Infinity'], /--sparsities got "0.5,Infinity"/);
  });
  it('negative values, as separate and as inline values', async () => {
    await usage(['run', '--batch', '-5'], /--batch got "-5"; it accepts an integer in \[1, 65536\]/);
    await usage(['run', '--batch=-5'], /--batch got "-5"; it accepts an integer in \[1, 65536\]/);
    await usage(['tree', '--dataset', 'iris', '--ccp-alpha=-1e-3'], /--ccp-alpha got "-1e-3"; it accepts a number ≥ 0/);
  });
});

describe('repeated flags and empty values', { concurrency: 4 }, () => {
  const cases = [
    [['run', '--epochs', '1', '--epochs', '2'], /--epochs is given more than once; give it once \(it accepts an integer in \[0, 1000\]\)/],
    [['run', '--rewind', '--rewind', '3'], /--rewind is given more than once/],
    [['run', '--json', 'a.json', '--json=b.json'], /--json is given more than once/],
    [['bench', '--model', 'lenet-5', '--model', 'lenet-5'], /--model is given more than once; give it once \(it accepts lenet-300-100 \| lenet-5\)/],
    [['tree', '--dataset', 'iris', '--json', '--json'], /--json is given more than once; give it once$/m],
    [['info', '--json', '--json'], /--json is given more than once/],
    [['tree', '--csv', '', '--target', 'label'], /--csv got ""; it accepts a readable CSV file path/],
    [['tree', '--csv', at('iris.csv'), '--target='], /--target got ""; it accepts the name of a header column/],
    [['info', '--adapter', ''], /--adapter got ""; it accepts "list" or \(part of\) an adapter name/],
    [['bench', '--json', ''], /--json got ""; it accepts a file path, or - for stdout/],
  ];
  for (const [args, pattern] of cases) it(args.map((a) => JSON.stringify(a)).join(' '), () => usage(args, pattern));
});

describe('enum values that are object keys', { concurrency: 4 }, () => {
  const cases = [
    [['run', '--model', 'constructor'], /--model got "constructor" \(no such preset or file\); it accepts lenet-300-100 \| lenet-5 \| a model spec JSON file/],
    [['run', '--model', '__proto__'], /--model got "__proto__" \(no such preset or file\)/],
    [['run', '--method', 'toString'], /--method got "toString"; it accepts global \| local \| random \| structured/],
    [['run', '--optimizer', 'constructor'], /--optimizer got "constructor"; it accepts sgd \| adam/],
    [['bench', '--model', 'hasOwnProperty'], /--model got "hasOwnProperty"; it accepts lenet-300-100 \| lenet-5/],
    [['tree', '--dataset', '__proto__'], /--dataset got "__proto__"; it accepts iris \| mnist/],
    [['tree', '--dataset', 'iris', '--criterion', 'valueOf'], /--criterion got "valueOf"; it accepts gini \| entropy/],
    [['run', '--constructor', '1'], /unknown flag --constructor; flags: --model/],
    [['bench', '--__proto__'], /unknown flag --__proto__; flags: --model/],
  ];
  for (const [args, pattern] of cases) it(args.join(' '), () => usage(args, pattern));
});

describe('paths: inputs missing or folders, outputs unwritable (exit 2 before anything runs)', { concurrency: 4 }, () => {
  const cases = () => [
    [['run', '--load', at('missing.plck')], /--load .*missing\.plck: cannot read \(no such file\); it accepts a file written by --save/],
    [['run', '--load', at('folder')], /--load .*folder: cannot read \(it is a folder\); it accepts a file written by --save/],
    [['run', '--model', at('folder')], /--model got ".*folder" \(a folder\); it accepts/],
    [['run', ...idx({ ...mnist, ti: at('none.idx') })], /--train-images .*none\.idx: cannot read \(no such file\); it accepts an IDX file path \(raw or \.gz\)/],
    [['run', ...idx({ ...mnist, sl: at('folder') })], /--test-labels .*folder: cannot read \(it is a folder\); it accepts an IDX file path/],
    [['bench', ...idx({ ...mnist, tl: at('folder') })], /--train-labels .*folder: cannot read \(it is a folder\)/],
    [['tree', '--csv', at('folder'), '--target', 'label'], /--csv .*folder: cannot read \(it is a folder\); it accepts a readable CSV file path/],
    [['tree', '--csv', at('none.csv'), '--target', 'label'], /--csv .*none\.csv: cannot read \(no such file\)/],
    [['run', '--json', at('no-dir/r.json')], /--json .*r\.json: cannot write there \(folder .*no-dir is missing or read-only\); it accepts a file path in a writable folder/],
    [['run', '--rounds-csv', at('folder')], /--rounds-csv .*folder: cannot write there \(it is a folder\)/],
    [['run', '--save', at('no-dir/m.plck')], /--save .*m\.plck: cannot write there/],
    [['bench', '--json', at('folder')], /--json .*folder: cannot write there \(it is a folder\)/],
    [['run', ...idx(mnist), '--rounds-csv', mnist.tl], /--rounds-csv names the --train-labels file .*t10k-labels-idx1-ubyte, which the run reads; write elsewhere/],
  ];
  it('each case', async () => {
    for (const [args, pattern] of cases()) await usage(args, pattern);
  });
});

describe('checks against the data come before the adapter (the runner\'s preflight, checkRun)', { concurrency: 3 }, () => {
  const cases = [
    [['run', '--train-samples', '100', '--batch', '101'], /^prune-lab run: --batch: train\.batchSize must be at most the 100 training samples \(got 101\)$/m],
    [['run', '--train-samples', '100', '--batch', '50', '--epochs', '1', '--rewind', '3'], /^prune-lab run: --rewind: prune\.rewind must be at most the 2 baseline training steps \(got 3\)$/m],
    [['run', '--train-samples', '100', '--batch', '50', '--schedule', 'gradual', '--rounds', '5', '--finetune-epochs', '1'], /^prune-lab run: --rounds: prune\.gradualStart \+ prune\.rounds × prune\.gradualEvery must be at most the 2 fine-tune steps/m],
  ];
  for (const [args, pattern] of cases) it(args.join(' '), () => usage(args, pattern));
});

describe('tree: values the engine refuses are said with their flag', { concurrency: 3 }, () => {
  const cases = () => [
    [['tree', '--dataset', 'moons', '--samples', '2000000'], /--samples got "2000000"; it accepts an integer in \[1, 10000\] for mnist, in \[4, 1000000\] for synthetic sets/],
    [['tree', '--dataset', 'mnist', '--samples', '10001'], /^prune-lab tree: --samples: samples must be an integer in \[1, 10000\] \(images available\) \(got 10001\)$/m],
    [['tree', '--csv', at('iris.csv'), '--target', 'constructor'], /^prune-lab tree: --target: .*iris\.csv: target column "constructor" is not in the header; columns: a, b, label$/m],
    [['tree', '--csv', at('iris.csv'), '--target', '__proto__'], /--target: .*target column "__proto__" is not in the header/],
  ];
  it('each case', async () => {
    for (const [args, pattern] of cases()) await usage(args, pattern);
  });
});

describe('--adapter list still checks the other flags first', { concurrency: 2 }, () => {
  it('run and bench', async () => {
    await usage(['run', '--adapter', 'list', '--epochs', 'x'], /--epochs got "x"; it accepts an integer in \[0, 1000\]/);
    await usage(['bench', '--adapter', 'list', '--frames', '1'], /--frames got "1"; it accepts an integer ≥ 200/);
  });
});
