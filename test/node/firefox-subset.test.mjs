// The Firefox test subset (scripts/firefox-subset.mjs) covers every shader: each
// shaders/*.wgsl is at most three imports away from a Firefox test file (test → kernel
// wrapper → shader, or test → criterion/network → wrapper → shader), so the tests that
// drive it run on wgpu/Naga as well as on Dawn/Tint. A closer bound than the whole
// import graph, where one engine import reaches everything. And the browser faces are there.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { firefoxFiles } from '../../scripts/firefox-subset.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** The subset's files: entries are exact paths or 'dir/*.test.ts'. */
function expand(patterns) {
  return patterns.flatMap((p) => {
    if (!p.includes('*')) return existsSync(join(root, p)) ? [p] : [];
    const dir = dirname(p);
    const suffix = p.slice(p.indexOf('*') + 1);
    return readdirSync(join(root, dir)).filter((f) => f.endsWith(suffix)).map((f) => join(dir, f));
  });
}

/** Repository paths a file imports (relative specifiers only; .js resolved to .ts). */
function imports(file) {
  const src = readFileSync(join(root, file), 'utf8');
  return [...src.matchAll(/(?:import|export)\s[^;]*?from\s+['"](\.[^'"]+)['"]|import\s+['"](\.[^'"]+)['"]/g)]
    .map((m) => relative(root, resolve(root, dirname(file), m[1] ?? m[2])).replace(/\.js$/, '.ts'));
}

/** Shaders within `hops` imports of `file`. */
function shadersNear(file, hops, out = new Set()) {
  for (const m of imports(file)) {
    if (m.endsWith('.wgsl')) out.add(m);
    else if (hops > 1 && m.endsWith('.ts') && existsSync(join(root, m))) shadersNear(m, hops - 1, out);
  }
  return out;
}

test('every shader is within three imports of a Firefox test file', () => {
  const files = expand(firefoxFiles);
  assert.ok(files.length >= 20, `the subset expands to ${files.length} files`);
  const reached = new Set(files.flatMap((t) => [...shadersNear(t, 3)]));
  const shaders = readdirSync(join(root, 'shaders')).filter((f) => f.endsWith('.wgsl')).map((f) => `shaders/${f}`);
  assert.ok(shaders.length > 30);
  assert.deepEqual(shaders.filter((s) => !reached.has(s)), []);
});

test('every subset entry matches files, and the browser faces are in it (scripting API, lab element)', () => {
  for (const p of firefoxFiles) assert.ok(expand([p]).length > 0, `${p} matches no file`);
  const files = expand(firefoxFiles);
  assert.ok(files.includes('test/engine.test.ts'));
  assert.ok(files.includes('test/ui/lab/prune-lab.test.ts'));
  assert.ok(files.filter((f) => f.startsWith('test/kernels/')).length === readdirSync(join(root, 'test/kernels')).filter((f) => f.endsWith('.test.ts')).length);
});
