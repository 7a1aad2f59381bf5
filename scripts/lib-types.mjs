// After `tsc -p tsconfig.lib.json` (npm run build:lib): every emitted declaration file
// that names a WebGPU type (GPUDevice, GPUBuffer, …) gets a reference to
// @webgpu/types (a dependency of the package), so a consumer's tsc finds those globals
// whichever entry it imports, with no `types` setting of its own. tsc (5.5 and later)
// keeps only references written in the source, and writing one into every engine file
// that mentions a GPU type would be fifty edits that drift.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const REF = '/// <reference types="@webgpu/types" />\n';
const GPU_TYPE = /\bGPU[A-Z][A-Za-z]*\b|\bGPU\b/;

export function addWebgpuReferences(dir) {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!e.isFile() || !e.name.endsWith('.d.ts')) continue;
    const path = join(e.parentPath ?? e.path, e.name);
    const text = readFileSync(path, 'utf8');
    if (text.startsWith(REF) || !GPU_TYPE.test(text)) continue;
    writeFileSync(path, REF + text);
    n++;
  }
  return n;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const dir = process.argv[2] ?? 'dist/lib/types';
  const n = addWebgpuReferences(dir);
  process.stdout.write(`lib-types: a @webgpu/types reference in ${n} declaration files of ${dir}\n`);
}
