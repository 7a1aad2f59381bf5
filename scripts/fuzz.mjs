#!/usr/bin/env node
// The fuzz suite's long mode: `npm run fuzz -- --cases N --seed S [--doors a,b] [--cli-cases M]`.
// Runs every browser door of test/fuzz with N cases each (web-test-runner with
// web-test-runner.fuzz.config.mjs) and the CLI door with M cases (default N), then
// prints per door: cases, accepted, refused with a PruneLabError, failures (seed,
// case index and a short repro each). Exits 1 on any failure.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { fuzzCli } from '../test/fuzz/cli-door.mjs';

const root = fileURLToPath(new URL('../', import.meta.url));
const { values } = parseArgs({
  options: { cases: { type: 'string' }, seed: { type: 'string' }, doors: { type: 'string' }, 'cli-cases': { type: 'string' }, parallel: { type: 'string' }, help: { type: 'boolean' } },
  strict: true,
});
if (values.help) {
  process.stdout.write('Usage: npm run fuzz -- --cases N --seed S [--doors idx,csv,…,cli] [--cli-cases M] [--parallel P]\n');
  process.exit(0);
}
const int = (v, flag, def) => {
  if (v === undefined) return def;
  if (!/^\d+$/.test(v)) {
    process.stderr.write(`fuzz: --${flag} must be an integer ≥ 0 (got ${JSON.stringify(v)})\n`);
    process.exit(2);
  }
  return Number(v);
};
const cases = int(values.cases, 'cases', 200);
const seed = int(values.seed, 'seed', 1);
const cliCases = int(values['cli-cases'], 'cli-cases', cases);
const parallel = int(values.parallel, 'parallel', 2);
const doors = values.doors?.split(',');
const browserDoors = doors?.filter((d) => d !== 'cli');

const summaries = [];
if (!doors || browserDoors.length) {
  const dir = mkdtempSync(join(tmpdir(), 'prune-lab-fuzz-'));
  const out = join(dir, 'summaries.jsonl');
  const env = { ...process.env, FUZZ_CASES: String(cases), FUZZ_SEED: String(seed), FUZZ_OUT: out, ...(browserDoors ? { FUZZ_DOORS: browserDoors.join(',') } : {}) };
  const code = await new Promise((resolve) => {
    const child = spawn(process.execPath, [join(root, 'node_modules/@web/test-runner/dist/bin.js'), '--config', 'web-test-runner.fuzz.config.mjs'], { cwd: root, env, stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('close', resolve);
  });
  if (existsSync(out)) for (const line of readFileSync(out, 'utf8').split('\n').filter(Boolean)) summaries.push(JSON.parse(line));
  rmSync(dir, { recursive: true, force: true });
  if (code !== 0 && summaries.every((s) => s.failures.length === 0)) {
    process.stderr.write(`fuzz: web-test-runner exited ${code} without a door failure to show (see its output above)\n`);
    summaries.push({ door: 'browser', seed, cases: 0, accepted: 0, refused: 0, failures: [{ door: 'browser', seed, index: -1, repro: 'web-test-runner', error: `exit ${code}` }] });
  }
}
if ((!doors || doors.includes('cli')) && cliCases > 0) summaries.push(await fuzzCli({ cases: cliCases, seed, parallel }));

const pad = (s, n) => String(s).padStart(n);
process.stdout.write(`\nfuzz, seed ${seed}\n${'door'.padEnd(14)}${pad('cases', 8)}${pad('accepted', 10)}${pad('refused', 9)}${pad('failed', 8)}\n`);
for (const s of summaries) process.stdout.write(`${s.door.padEnd(14)}${pad(s.cases, 8)}${pad(s.accepted, 10)}${pad(s.refused, 9)}${pad(s.failures.length, 8)}\n`);
const total = summaries.reduce((t, s) => ({ cases: t.cases + s.cases, failed: t.failed + s.failures.length }), { cases: 0, failed: 0 });
process.stdout.write(`${'total'.padEnd(14)}${pad(total.cases, 8)}${pad('', 10)}${pad('', 9)}${pad(total.failed, 8)}\n`);
for (const s of summaries) {
  for (const f of s.failures) {
    const repro = f.repro.length > 300 ? `${f.repro.slice(0, 300)}…` : f.repro;
    process.stdout.write(`\n[${f.door}] seed ${f.seed} case ${f.index}: ${f.error}\n    input: ${repro}\n`);
  }
}
process.exit(total.failed > 0 ? 1 : 0);
