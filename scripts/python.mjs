// The benches' reference side: a python3 that can import the named module (Debian's
// python3-sklearn, python3-xgboost, …), or null with the reason a bench prints instead.
import { spawnSync } from 'node:child_process';

/** The first of `python3` on PATH and /usr/bin/python3 that imports `module`. */
export function findPython(module, debianPackage) {
  for (const candidate of ['python3', '/usr/bin/python3']) {
    if (spawnSync(candidate, ['-c', `import ${module}`], { encoding: 'utf8' }).status === 0) return { python: candidate, why: null };
  }
  return { python: null, why: `python3 with ${module} not found (Debian: apt-get install -y ${debianPackage})` };
}
