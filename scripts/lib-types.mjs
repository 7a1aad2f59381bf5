// After `tsc -p tsconfig.lib.json` (npm run build:lib), two passes over dist/lib/types:
//   - every declaration file that names a WebGPU type (GPUDevice, GPUBuffer, …) gets a
//     reference to @webgpu/types (a dependency of the package), so a consumer's tsc
//     finds those globals whichever entry it imports, with no `types` setting of its
//     own. tsc (5.5 and later) keeps only references written in the source, and writing
//     one into every engine file that mentions a GPU type would be fifty edits that drift;
//   - the files no entry's declarations reach (tsc emits one per source file the
//     program holds, and the implementation imports many that no export names) are
//     removed, so the package ships only the declarations of its surface.
import { readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { LIB_ENTRIES, typesPath } from './lib-entries.mjs';

const REF = '/// <reference types="@webgpu/types" />\n';
const GPU_TYPE = /\bGPU[A-Z][A-Za-z]*\b|\bGPU\b/;
// `from './x.js'`, `import './x.js'`, `import('./x.js')` (tsc writes the last for inferred types).
const RELATIVE = /(?:\bfrom\s*|\bimport\s*\(?\s*)['"](\.{1,2}\/[^'"]+)['"]/g;

function declarationFiles(dir) {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.d.ts'))
    .map((e) => resolve(e.parentPath ?? e.path, e.name));
}

export function addWebgpuReferences(dir) {
  let n = 0;
  for (const path of declarationFiles(dir)) {
    const text = readFileSync(path, 'utf8');
    if (text.startsWith(REF) || !GPU_TYPE.test(text)) continue;
    writeFileSync(path, REF + text);
    n++;
  }
  return n;
}

/** The declaration files reachable from the entries' (absolute paths); throws naming an import that points at no file. */
export function reachableDeclarations(root, dir) {
  const seen = new Set();
  const todo = LIB_ENTRIES.map((e) => resolve(root, typesPath(e.src)));
  while (todo.length) {
    const f = todo.pop();
    if (seen.has(f)) continue;
    if (!existsSync(f)) throw new Error(`lib-types: ${f} is imported by a declaration but was not emitted into ${dir}`);
    seen.add(f);
    for (const m of readFileSync(f, 'utf8').matchAll(RELATIVE)) {
      const spec = m[1].replace(/\.js$/, '');
      todo.push(resolve(dirname(f), `${spec}.d.ts`));
    }
  }
  return seen;
}

export function removeUnreachable(root, dir) {
  const keep = reachableDeclarations(root, dir);
  let n = 0;
  for (const f of declarationFiles(dir)) {
    if (keep.has(f)) continue;
    rmSync(f);
    n++;
  }
  return { kept: keep.size, removed: n };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const root = process.cwd();
  const dir = join(root, 'dist/lib/types');
  const { kept, removed } = removeUnreachable(root, dir);
  const refs = addWebgpuReferences(dir);
  process.stdout.write(`lib-types: ${kept} declaration files reached from the entries (${removed} unreachable removed); a @webgpu/types reference in ${refs}\n`);
}
