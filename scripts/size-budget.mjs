// The download budget of the library build (run by `npm run build:lib` after vite):
// what a page that embeds one element fetches, gzip-compressed, following the
// module graph from the entry file in dist/lib/. Lit and uPlot sit in shared
// chunks, so each figure counts them once. It prints a table and exits 1 when a
// figure is past its budget (the figure and the budget printed), failing the build.
//
//   node scripts/size-budget.mjs [--dir dist/lib] [--json] [--budget NAME=BYTES ...]
//
// Edges followed: static `import`/`export … from` (eager); `new URL('x.js',
// import.meta.url)` (a Worker script the element starts: eager for its budget);
// dynamic `import()` (lazy: fetched only when a feature is used; counted in the rows
// marked lazy).
//
// Code and stored data are budgeted apart: the stored reports a library build inlines
// as JSON data: URLs grow with every reproduction committed, the code with features.
// A 'code' row counts each file's gzip with those URLs cut out; a 'data' row counts
// what they add to it (each file's gzip with them, less its gzip without them), so
// that the two rows of one entry sum to its whole download.
import { readFileSync, existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';

/**
 * The budgets, gzip bytes (zlib level 9): about 10% over the figures measured when they
 * were set (docs/stability.md quotes them); raise one only with a reason in the commit.
 * <prune-lab>'s counts everything it can load: its Worker is one file (its ONNX code
 * inlined, see vite.lib.config.ts), and, in its 'data' row, the stored reports its
 * reproductions view names with new URL(…, import.meta.url), which a library build
 * inlines as data: URLs (minified, percent-encoded JSON: vite.lib.config.ts).
 */
export const BUDGETS = [
  { name: 'sparsity-chart', entry: 'sparsity-chart.js', lazy: false, part: 'code', max: 52_000, what: '<prune-sparsity-chart> alone (Lit, uPlot)' },
  { name: 'prune-lab', entry: 'prune-lab.js', lazy: true, part: 'code', max: 270_000, what: '<prune-lab>, its parts and its Worker, lazy chunks included: code' },
  { name: 'prune-lab-reports', entry: 'prune-lab.js', lazy: true, part: 'data', max: 60_000, what: 'the stored reports <prune-lab> draws (reference runs, reproductions), inlined JSON' },
];

/** An inlined report: a JSON data: URL, percent-encoded (encodeURIComponent's characters). */
const DATA_URL = /data:application\/json,[A-Za-z0-9\-_.!~*'()%]*/g;

const STATIC = /\b(?:from|import)\s*["']([^"']+)["']/g;
const DYNAMIC = /\bimport\(\s*[`"']([^`"'$]+)[`"']\s*\)/g;
const WORKER = /new URL\(\s*["']([^"']+\.js)["']\s*,\s*import\.meta\.url\s*\)/g;

/** Relative specifiers only: bare ones of imports are packages; a URL's may omit the './'. */
function edges(code, re, bareIsRelative = false) {
  return [...code.matchAll(re)].map((m) => m[1]).filter((s) => s.startsWith('./') || s.startsWith('../') || (bareIsRelative && !/^([a-z][a-z0-9+.-]*:|\/)/i.test(s)));
}

/** The files an entry loads: eager ones, and with `lazy` every dynamic import too. */
export function moduleGraph(dir, entry, lazy) {
  const seen = new Set();
  const todo = [resolve(dir, entry)];
  while (todo.length) {
    const f = todo.pop();
    if (seen.has(f)) continue;
    if (!existsSync(f)) throw new Error(`size-budget: ${relative(dir, f)} is imported but missing from ${dir}`);
    seen.add(f);
    const code = readFileSync(f, 'utf8');
    const next = [...edges(code, STATIC), ...edges(code, WORKER, true), ...(lazy ? edges(code, DYNAMIC) : [])];
    for (const n of next) todo.push(resolve(dirname(f), n));
  }
  return [...seen].sort();
}

/** A file's raw and gzip bytes: its code (inlined reports cut out), or what the reports add. */
export function fileSize(bytes, part = 'code') {
  const z = (b) => gzipSync(b, { level: 9 }).length;
  const code = Buffer.from(bytes.toString('latin1').replace(DATA_URL, ''), 'latin1');
  if (part === 'code') return { raw: code.length, gzip: z(code) };
  if (part === 'data') return { raw: bytes.length - code.length, gzip: code.length === bytes.length ? 0 : z(bytes) - z(code) };
  throw new Error(`size-budget: part is 'code' or 'data', not ${part}`);
}

export function measure(dir, budgets = BUDGETS) {
  return budgets.map((b) => {
    const files = moduleGraph(dir, b.entry, b.lazy);
    let raw = 0;
    let gzip = 0;
    for (const f of files) {
      const size = fileSize(readFileSync(f), b.part);
      raw += size.raw;
      gzip += size.gzip;
    }
    return { ...b, files: files.map((f) => relative(dir, f)), raw, gzip, ok: gzip <= b.max };
  });
}

const kb = (n) => `${(n / 1000).toFixed(1)} kB`;

export function formatTable(rows) {
  const lines = ['Download budget (dist/lib, gzip level 9, per page that embeds the element):'];
  for (const r of rows) {
    lines.push(`  ${r.ok ? 'ok  ' : 'OVER'} ${r.name.padEnd(17)} ${kb(r.gzip).padStart(9)} gzip of ${kb(r.max).padStart(9)} budget  (${kb(r.raw)} raw, ${r.files.length} files)  ${r.what}`);
  }
  return lines.join('\n');
}

function parseArgs(argv) {
  const out = { dir: 'dist/lib', json: false, overrides: new Map() };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--dir') out.dir = argv[++i];
    else if (a === '--json') out.json = true;
    else if (a === '--budget') {
      const [name, bytes] = String(argv[++i]).split('=');
      if (!BUDGETS.some((b) => b.name === name) || !/^\d+$/.test(bytes ?? '')) {
        throw new Error(`size-budget: --budget takes NAME=BYTES, NAME one of ${BUDGETS.map((b) => b.name).join(', ')}`);
      }
      out.overrides.set(name, Number(bytes));
    } else throw new Error(`size-budget: unknown flag ${a}; flags: --dir DIR, --json, --budget NAME=BYTES`);
  }
  return out;
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename ?? new URL(import.meta.url).pathname)) {
  const args = parseArgs(process.argv.slice(2));
  const budgets = BUDGETS.map((b) => (args.overrides.has(b.name) ? { ...b, max: args.overrides.get(b.name) } : b));
  const rows = measure(join(process.cwd(), args.dir), budgets);
  if (args.json) process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
  else process.stdout.write(formatTable(rows) + '\n');
  const over = rows.filter((r) => !r.ok);
  if (over.length) {
    process.stderr.write(over.map((r) => `size-budget: ${r.name} is ${r.gzip} bytes gzip, over its budget of ${r.max} bytes (${r.what})`).join('\n') + '\n');
    process.exitCode = 1;
  }
}
