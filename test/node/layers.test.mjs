// DESIGN.md's layering, checked on the source: the UI (src/ui) talks to the engine only
// through the worker API contract (src/worker/api.ts, src/worker/tree-api.ts), whose own
// runtime imports are data-only leaves, so that no engine module (the validator, the model
// planner, the optimizers, kernels) ends up in a page bundle through an element. Type-only
// imports are free. Relative specifiers are resolved against the importing file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

function files(dir) {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? files(join(dir, d.name)) : d.name.endsWith('.ts') ? [join(dir, d.name)] : []);
}

/** The runtime imports of a TS file (import/export … from '…', side-effect imports; not `import type`). */
function runtimeImports(file) {
  const src = readFileSync(join(root, file), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const out = [];
  for (const m of src.matchAll(/^\s*(import|export)\s+([^;]*?)\s*from\s+['"]([^'"]+)['"]/gms)) {
    if (/^type\b/.test(m[2])) continue;
    out.push(m[3]);
  }
  for (const m of src.matchAll(/^\s*import\s+['"]([^'"]+)['"]/gm)) out.push(m[1]);
  // Relative specifiers as repository paths; packages and node: builtins as `pkg:<specifier>`.
  return out.map((s) => (s.startsWith('.') ? relative(root, resolve(root, dirname(file), s)).replace(/\.js$/, '.ts') : `pkg:${s}`));
}

// Leaves the UI may load at runtime besides itself: the contracts, the error class, and pure formatting.
const UI_MAY = [/^src\/ui\//, /^src\/worker\/(api|tree-api)\.ts$/, /^src\/errors\.ts$/, /^src\/metrics\/size\.ts$/, /^src\/wgsl\.d\.ts$/, /^pkg:/];
// What the contracts may load at runtime: the axes' vocabulary, the report format's migration and the
// config text forms' parsers (data only).
const CONTRACT_MAY = [/^src\/lab\/(axes|report-migrate|report|config-text)\.ts$/, /^src\/prune\/criteria\/criterion\.ts$/, /^src\/errors\.ts$/, /^pkg:/];

function offenders(list, allowed) {
  return list.flatMap((f) => runtimeImports(f).filter((t) => !allowed.some((re) => re.test(t))).map((t) => `${f} → ${t}`));
}

test('src/ui loads the engine only through the worker API contracts', () => {
  assert.deepEqual(offenders(files('src/ui'), UI_MAY), []);
});

test('the contracts and the leaves they load import only data-only leaves', () => {
  const leaves = ['src/worker/api.ts', 'src/worker/tree-api.ts', 'src/lab/axes.ts', 'src/lab/report-migrate.ts', 'src/lab/report.ts', 'src/lab/config-text.ts', 'src/prune/criteria/criterion.ts', 'src/metrics/size.ts'];
  assert.deepEqual(offenders(leaves, CONTRACT_MAY), []);
});

test('the import scanner sees multi-line and side-effect imports and skips type-only ones', () => {
  // A self-check on this file's own imports, so that a regex that matched nothing could not pass the tests above.
  const mine = runtimeImports(relative(root, fileURLToPath(import.meta.url)));
  assert.deepEqual(mine, ['pkg:node:test', 'pkg:node:assert/strict', 'pkg:node:fs', 'pkg:node:path', 'pkg:node:url']);
  assert.ok(runtimeImports('src/ui/lab/lab-config.ts').includes('src/worker/api.ts'));
});
