// Door: the CLI's flags, for every sub-command (run, tree, bench, info) and the
// sub-command lookup itself, by spawning the built CLI (bin/prune-lab.mjs) as a
// user does. Shared by test/node/fuzz-cli.test.mjs (fast subset) and
// scripts/fuzz.mjs (long mode).
//
// Each case takes a cheap valid command line and breaks one thing: a flag's value
// (junk, out of range, empty, negative, huge), a missing value, an unknown or
// repeated flag, a stray positional, a value for a boolean flag, a garbage file
// for a file flag, or an unknown sub-command (own keys only: "constructor",
// "toString" and "__proto__" are no commands).
// Oracle: exit 2 (bad usage or config) or 1 (bad data or file) with a message on
// stderr that starts with "prune-lab" and names the flag, nothing on stdout, and
// no stack trace; or exit 0 (documented acceptance: the value is one the flag
// accepts, e.g. "0" for --epochs), with no stack trace. Never another exit code,
// a signal, or a hang (per-case timeout).
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const bin = join(root, 'bin/prune-lab.mjs');

/** mulberry32, as src/rng.ts (which Node cannot import as TypeScript). */
export function rng(seed) {
  let s = (seed >>> 0) ^ 0x9e3779b9;
  const next = () => {
    let t = (s = (s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (n) => Math.floor(next() * n), pick: (xs) => xs[Math.floor(next() * xs.length)] };
}

/** As test/fuzz/harness.ts caseSeed: every case reproducible on its own. */
export function caseSeed(seed, index) {
  return (Math.imul(seed ^ 0x5bd1e995, 0x9e3779b1) + Math.imul(index + 1, 0x85ebca6b)) >>> 0;
}

export const FAST_SEED = 20261201;

// Per sub-command: a cheap valid base, and its flags by kind.
const COMMANDS = {
  run: {
    base: ['--train-samples', '50', '--test-samples', '20', '--epochs', '0', '--schedule', 'oneshot', '--rounds', '1', '--finetune-epochs', '0', '--batch', '10'],
    int: ['train-samples', 'test-samples', 'validation-samples', 'epochs', 'batch', 'seed', 'rounds', 'finetune-epochs', 'rewind', 'validate-every'],
    num: ['lr', 'target-sparsity', 'weight-decay', 'finetune-lr', 'momentum'],
    choice: ['model', 'dataset', 'optimizer', 'method', 'criterion', 'schedule', 'adapter', 'control', 'layer-schedule', 'lr-schedule', 'layer-sparsity'],
    path: ['train-images', 'train-labels', 'test-images', 'test-labels', 'load', 'model', 'csv', 'test-csv'],
    out: ['json', 'rounds-csv', 'save', 'predictions'],
    bool: ['help'],
  },
  tree: {
    base: ['--dataset', 'moons', '--samples', '60'],
    int: ['samples', 'max-depth', 'min-samples-split', 'min-samples-leaf', 'max-leaf-nodes', 'seed'],
    num: ['min-impurity-decrease', 'ccp-alpha', 'confidence', 'val-fraction', 'test-fraction'],
    choice: ['dataset', 'criterion', 'prune', 'target'],
    path: ['csv'],
    out: [],
    bool: ['ccp-path', 'json', 'help'],
  },
  bench: {
    base: ['--train-samples', '50', '--epochs', '0', '--frames', '200', '--sparsities', '0.5'],
    int: ['frames', 'train-samples', 'test-samples', 'epochs', 'seed'],
    num: ['sparsities'],
    choice: ['model', 'adapter'],
    path: ['train-images', 'train-labels', 'test-images', 'test-labels'],
    out: ['json'],
    bool: ['help'],
  },
  info: { base: ['--json'], int: [], num: [], choice: ['adapter'], path: [], out: [], bool: ['json', 'help'] },
};

const BAD_INT = ['', ' ', '-1', '-0', '1.5', 'x', '1e3', '2147483648', '99999999999999999999', 'NaN', 'Infinity', '0x10', '٣', '+5', '0', '1,000'];
const BAD_NUM = ['', 'x', '-1', '1', '10.5', '1e309', 'NaN', '-Infinity', '0,5', '0.5.1', '2', '-0.1', '.', '1e-400'];
const BAD_CHOICE = ['', 'x', 'constructor', '__proto__', 'toString', 'GLOBAL', ' global', 'lenet', 'l3', 'all', '-'];
const BAD_COMMANDS = ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf', 'RUN', 'runs', 'tre', '', '-x', '--version', 'isPrototypeOf'];

/** Garbage files the file flags are pointed at (made once per process). */
let files;
function fixtures() {
  if (files) return files;
  const dir = mkdtempSync(join(tmpdir(), 'prune-lab-fuzz-cli-'));
  const put = (name, data) => {
    writeFileSync(join(dir, name), data);
    return join(dir, name);
  };
  files = {
    dir,
    valid: put('valid.csv', `a,b,label\n${Array.from({ length: 60 }, (_, i) => `${i},${i % 7},${'xy'[i % 2]}`).join('\n')}\n`),
    paths: [
      put('garbage.bin', Buffer.from([0, 0, 8, 3, 255, 255, 255, 255, 1, 2])),
      put('empty.bin', Buffer.alloc(0)),
      put('gzip-garbage.gz', Buffer.from([0x1f, 0x8b, 8, 0, 1, 2, 3, 4, 5])),
      put('not-json.json', '{ layers: '),
      put('bad-spec.json', JSON.stringify({ input: { C: 1, H: 28, W: 28 }, layers: [{ type: 'linear', units: -3 }] })),
      put('null.json', 'null'),
      put('garbage.plck', 'PLCK this is not a checkpoint'),
      put('ragged.csv', 'a,b,label\n1,2,x\n3,y\n'),
      put('empty.csv', ''),
      put('one-class.csv', 'a,label\n1,x\n2,x\n3,x\n'),
      join(dir, 'missing-file'),
      dir,
    ],
  };
  return files;
}

/** One case: the command line and the names a refusal may give. */
export function generate(r, index) {
  const f = fixtures();
  if (r.next() < 0.08) {
    const name = r.pick(BAD_COMMANDS);
    return { index, args: [name, ...(r.next() < 0.5 ? ['--help'] : [])], fields: ['command', name].filter(Boolean), what: `command ${JSON.stringify(name)}` };
  }
  const cmd = r.pick(Object.keys(COMMANDS));
  const c = COMMANDS[cmd];
  const args = [...c.base];
  // bench runs for minutes once its flags pass, so only its early refusals are drawn
  // (--json at a folder passes, then fails after the whole benchmark: see the note).
  const kinds = ['int', 'num', 'choice', 'path', 'out', 'bool', 'missing', 'unknown', 'repeat', 'positional']
    .filter((k) => !c[k] || c[k].length)
    .filter((k) => cmd !== 'bench' || !['out', 'repeat'].includes(k));
  const kind = r.pick(kinds);
  const set = (flag, value) => {
    const at = args.indexOf(`--${flag}`);
    if (at >= 0 && value !== undefined && args[at + 1] !== undefined && !args[at + 1].startsWith('--')) args.splice(at, 2);
    args.push(`--${flag}`, ...(value === undefined ? [] : [value]));
  };
  let flag = '';
  let what;
  const extra = [];
  if (kind === 'int' || kind === 'num' || kind === 'choice') {
    flag = r.pick(c[kind]);
    let value = r.pick(kind === 'int' ? BAD_INT : kind === 'num' ? BAD_NUM : BAD_CHOICE);
    // bench: values its flags accept would start a benchmark of minutes.
    if (cmd === 'bench' && ['0', '+5', '2'].includes(value) && ['epochs', 'seed'].includes(flag)) value = '-1';
    if (cmd === 'bench' && flag === 'adapter') value = '';
    set(flag, value);
    what = `--${flag} ${JSON.stringify(value)}`;
  } else if (kind === 'path') {
    flag = r.pick(c.path);
    const value = r.pick(f.paths);
    set(flag, value);
    if ((flag.startsWith('train-') || flag.startsWith('test-')) && flag !== 'test-csv') {
      for (const other of ['train-images', 'train-labels', 'test-images', 'test-labels']) if (other !== flag && !args.includes(`--${other}`)) args.push(`--${other}`, value);
    }
    if (flag === 'csv' && cmd === 'tree') {
      args.splice(args.indexOf('--dataset'), 2);
      args.splice(args.indexOf('--samples'), 2);
    }
    // run's tabular data: --test-csv beside a valid training file, so that the test file is the one at fault.
    if (flag === 'test-csv') args.push('--csv', f.valid);
    if (flag === 'csv' || flag === 'test-csv') args.push('--target', 'label');
    // A file's errors may name the file instead of the flag.
    extra.push(value);
    what = `--${flag} ${value.replace(f.dir, '<tmp>')}`;
  } else if (kind === 'out') {
    flag = r.pick(c.out);
    const value = r.pick([f.dir, join(f.dir, 'no-such-dir', 'out.json'), '', '/']);
    set(flag, value);
    what = `--${flag} ${JSON.stringify(value.replace(f.dir, '<tmp>'))}`;
  } else if (kind === 'bool') {
    flag = r.pick(c.bool);
    args.push(`--${flag}=${r.pick(['1', 'yes', '', 'false'])}`);
    what = args[args.length - 1];
  } else if (kind === 'missing') {
    flag = r.pick([...c.int, ...c.num, ...c.choice]);
    args.push(`--${flag}`);
    what = `--${flag} without a value`;
  } else if (kind === 'unknown') {
    flag = r.pick(['bogus', 'Epochs', '__proto__', 'constructor', 'toString', 'x', 'epoch']);
    args.push(flag === 'x' ? '-x' : `--${flag}`, '1');
    what = `unknown flag ${args[args.length - 2]}`;
  } else if (kind === 'repeat') {
    flag = r.pick([...c.int, ...c.choice]);
    args.push(`--${flag}`, '1', `--${flag}`, r.pick(BAD_INT));
    what = `--${flag} twice`;
  } else {
    flag = 'unexpected argument';
    // "--" ends the flags (parseArgs): an accepted bench would run for minutes.
    const stray = r.pick(cmd === 'bench' ? ['stray', '-', '0', 'run'] : ['stray', '-', '--', '0', 'run']);
    args.push(stray);
    what = `stray argument ${JSON.stringify(stray)}`;
  }
  return { index, args: [cmd, ...args], fields: [`--${flag}`, flag === 'help' ? '-h' : '', 'unknown flag', 'unexpected argument', ...extra].filter(Boolean), what: `${cmd}: ${what}` };
}

function spawnCli(args, timeoutMs) {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [bin, ...args], { cwd: root, env: process.env });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (err += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, out, err, ms: performance.now() - t0 });
    });
  });
}

/** Dawn's and the adapter fallback's notes on stderr, which every GPU command prints. */
// Dawn's own stderr lines while it looks for adapters, not ours: no Vulkan loader, and (with
// mesa-vulkan-drivers installed for Firefox) lavapipe turned down for a missing Vulkan feature.
const NOISE = /^(Warning: Couldn't load Vulkan.*|Warning: Vulkan .* required\.?|\s+- While initializing adapter \(backend=.*\)|\s+at (operator\(\)|\w+) \(.*(BackendVk|PhysicalDeviceVk)\.cpp:\d+\)|prune-lab: no GPU adapter found; falling back to SwiftShader.*|.*XDG_RUNTIME_DIR.*)\n?/gm;

const STACK = /\n\s+at [^\n]+:\d+:\d+|\b(TypeError|RangeError|ReferenceError|SyntaxError)\b|is not a function|Cannot read propert/;

/** Runs one case: { outcome: 'accepted' | 'refused' | 'failure', error?, ms }. */
export async function runCase(c, timeoutMs = 120000) {
  const r = await spawnCli(c.args, timeoutMs);
  const errText = r.err.replace(NOISE, '').replace(/^\s*\n/, '');
  const base = { ms: r.ms };
  if (r.signal) return { ...base, outcome: 'failure', error: `killed by ${r.signal}${r.signal === 'SIGKILL' ? ` (no answer within ${timeoutMs} ms)` : ''}` };
  if (STACK.test(errText)) return { ...base, outcome: 'failure', error: `exit ${r.code} with a stack trace or JS error: ${errText.slice(0, 300)}` };
  if (r.code === 0) return { ...base, outcome: 'accepted' };
  // 3: no adapter, documented for --adapter naming none (the message must name the flag).
  if (r.code !== 1 && r.code !== 2 && !(r.code === 3 && c.args.includes('--adapter'))) return { ...base, outcome: 'failure', error: `exit ${r.code}: ${errText.slice(0, 300)}` };
  const first = errText.trim().split('\n')[0] ?? '';
  if (!first.startsWith('prune-lab')) return { ...base, outcome: 'failure', error: `exit ${r.code}, message does not start with "prune-lab": ${errText.slice(0, 300)}` };
  if (!c.fields.some((f) => errText.includes(f))) return { ...base, outcome: 'failure', error: `exit ${r.code}, message names none of ${c.fields.join(', ')}: ${first.slice(0, 300)}` };
  if (r.out.trim() !== '' && !c.args.includes('--help')) return { ...base, outcome: 'failure', error: `exit ${r.code} but stdout is not empty: ${r.out.slice(0, 200)}` };
  return { ...base, outcome: 'refused' };
}

/** Runs `cases` cases from `seed`, `parallel` processes at once; a summary as the browser doors give. */
export async function fuzzCli({ cases, seed = FAST_SEED, parallel = 4, timeoutMs = 120000 }) {
  const summary = { door: 'cli', seed, cases: 0, accepted: 0, refused: 0, failures: [], slowestRefusalMs: 0 };
  let next = 0;
  const worker = async () => {
    while (next < cases) {
      const index = next++;
      const c = generate(rng(caseSeed(seed, index)), index);
      const res = await runCase(c, timeoutMs);
      summary.cases++;
      if (res.outcome === 'failure') summary.failures.push({ door: 'cli', seed, index, repro: `prune-lab ${c.args.map((a) => (/^[\w.\/=:-]+$/.test(a) ? a : JSON.stringify(a))).join(' ')}  (${c.what})`.replaceAll(files.dir, '<tmp>'), error: res.error });
      else summary[res.outcome]++;
      if (res.outcome === 'refused') summary.slowestRefusalMs = Math.max(summary.slowestRefusalMs, Math.round(res.ms));
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  summary.failures.sort((a, b) => a.index - b.index);
  return summary;
}
