// WebGPU for the CLI: Dawn's `webgpu` package in Node, adapter listing and
// picking (`--adapter list|NAME`), and the Linux fallback to SwiftShader. Dawn
// reads VK_ICD_FILENAMES (and the loader path) only when the process starts, so
// when it finds no adapter the CLI re-runs itself once with Chromium's SwiftShader
// ICD set, says so on stderr, and passes the child's exit code on.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { PruneLabError } from '../errors.js';
import { isMissingPackage, missingPeerMessage } from './optional-deps.js';
import { acquireDevice, summarizeAdapter, type AcquiredDevice, type AdapterSummary } from '../gpu/device.js';

export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';
/** Set in the re-run child: it is the fallback, so it must not fall back again. */
const FALLBACK_MARK = 'PRUNE_LAB_SWIFTSHADER';
/** Set to 1 to fail (exit 3) rather than fall back to SwiftShader, e.g. on a machine meant to use its GPU. */
export const NO_FALLBACK = 'PRUNE_LAB_NO_FALLBACK';
/** Where a system Vulkan loader usually lives; Chromium ships its own beside the ICD. */
const LOADER_DIRS = ['/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/lib/x86_64-linux-gnu', '/lib/aarch64-linux-gnu', '/usr/lib64', '/usr/lib', '/lib64', '/lib'];

export const EXIT_NO_ADAPTER = 3;

export const NO_ADAPTER_HELP =
  'Install your GPU\'s Vulkan (Linux), Metal (macOS) or D3D12 (Windows) driver; on Linux without a GPU, install Chromium ' +
  `(Debian: apt-get install chromium), whose SwiftShader (${SWIFTSHADER_ICD}) the CLI then uses on its own.`;

export interface DawnAdapter {
  gpu: GPU;
  adapter: GPUAdapter;
  info: AdapterSummary;
}

/** A `GPU` object from Dawn; `name` picks an adapter by (part of) its name, as Dawn matches it. */
export async function dawnGpu(name?: string): Promise<GPU> {
  let mod: typeof import('webgpu');
  try {
    mod = await import('webgpu');
  } catch (e) {
    if (isMissingPackage(e, 'webgpu')) throw new PruneLabError('no-webgpu', missingPeerMessage('webgpu'));
    throw new PruneLabError('no-webgpu', `cannot load the npm package \`webgpu\` (Dawn for Node): ${e instanceof Error ? e.message : String(e)}`);
  }
  // The engine uses GPUBufferUsage, GPUMapMode, … as globals, as in a browser.
  Object.assign(globalThis, mod.globals);
  const gpu = mod.create(name === undefined ? [] : [`adapter=${name}`]);
  keepAlive.push(gpu);
  return gpu;
}

/**
 * Every `GPU` object made, held for the life of the process: Dawn's instance dies
 * with its JS object, and a device outliving it crashes (segfault in ProcessEvents)
 * or waits forever on callbacks.
 */
const keepAlive: GPU[] = [];

/** True in the child that runs on SwiftShader after the fallback. */
export function onSwiftShaderFallback(): boolean {
  return process.env[FALLBACK_MARK] === '1';
}

/**
 * In the fallback child: exit once the parent is gone. A parent killed with
 * SIGKILL cannot pass the signal on, and an orphaned run would go on training.
 */
export function exitWithParent(): void {
  if (!onSwiftShaderFallback()) return;
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) process.exit(128 + 9);
  }, 1000).unref();
}

function canFallBack(): boolean {
  return process.platform === 'linux' && !onSwiftShaderFallback() && process.env[NO_FALLBACK] !== '1' && existsSync(SWIFTSHADER_ICD);
}

/**
 * Dawn's adapters as { backend, name }. Dawn lists them only in the error it
 * throws when `adapter=NAME` matches none, so ask for a name nothing has.
 */
export async function listAdapters(): Promise<Array<{ backend: string; name: string }>> {
  const gpu = await dawnGpu('\u0001prune-lab: list adapters');
  try {
    await gpu.requestAdapter();
    return [];
  } catch (e) {
    return parseAdapterList(e instanceof Error ? e.message : String(e));
  }
}

export function parseAdapterList(message: string): Array<{ backend: string; name: string }> {
  return [...message.matchAll(/\*\s*backend:\s*'([^']*)',\s*name:\s*'([^']*)'/g)].map((m) => ({ backend: m[1]!, name: m[2]! }));
}

/** Dawn throws, listing the adapters, when `adapter=NAME` matches none: say it with the flag. */
function noMatch(name: string | undefined, e: unknown): never {
  const list = parseAdapterList(e instanceof Error ? e.message : String(e));
  if (name !== undefined && list.length > 0) {
    throw new PruneLabError('no-adapter', `--adapter ${JSON.stringify(name)} matches no adapter; adapters: ${list.map((a) => `${a.name} (${a.backend})`).join(', ')}`, 'adapter');
  }
  throw e;
}

/** An adapter, or null when Dawn finds none; a NAME matching none among existing adapters throws naming them. */
export async function openAdapter(name?: string): Promise<DawnAdapter | null> {
  const gpu = await dawnGpu(name);
  let adapter: GPUAdapter | null;
  try {
    adapter = await gpu.requestAdapter();
  } catch (e) {
    noMatch(name, e);
  }
  return adapter ? { gpu, adapter, info: summarizeAdapter(adapter, 'dawn-node') } : null;
}

/** A device on the picked adapter, for the engine. Null when there is no adapter. */
export async function openDevice(name?: string): Promise<AcquiredDevice | null> {
  const gpu = await dawnGpu(name);
  try {
    return await acquireDevice({ gpu, backend: 'dawn-node' });
  } catch (e) {
    if (e instanceof PruneLabError && e.code === 'no-adapter') return null;
    noMatch(name, e);
  }
}

/** The environment of the fallback child: SwiftShader's ICD, and Chromium's Vulkan loader when the system has none. */
export function fallbackEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { ...env, VK_ICD_FILENAMES: SWIFTSHADER_ICD, [FALLBACK_MARK]: '1' };
  const chromiumDir = dirname(SWIFTSHADER_ICD);
  const systemLoader = LOADER_DIRS.some((d) => existsSync(join(d, 'libvulkan.so.1')));
  if (!systemLoader && existsSync(join(chromiumDir, 'libvulkan.so.1'))) {
    out.LD_LIBRARY_PATH = env.LD_LIBRARY_PATH ? `${env.LD_LIBRARY_PATH}:${chromiumDir}` : chromiumDir;
  }
  return out;
}

/** Re-runs this very command with SwiftShader; resolves to the child's exit code. */
function rerunOnSwiftShader(): Promise<number> {
  process.stderr.write(`prune-lab: no GPU adapter found; falling back to SwiftShader, a CPU emulation of Vulkan (${SWIFTSHADER_ICD}). Expect slow runs.\n`);
  const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], { stdio: 'inherit', env: fallbackEnv() });
  // Ctrl-C reaches the child through the terminal's process group: stay alive to
  // report its code. A signal sent to this process alone is passed on.
  const ignore = (): void => {};
  const forward = (sig: NodeJS.Signals): void => {
    child.kill(sig);
  };
  process.on('SIGINT', ignore);
  process.on('SIGTERM', forward);
  process.on('SIGHUP', forward);
  return new Promise((resolve) => {
    const done = (code: number): void => {
      process.off('SIGINT', ignore);
      process.off('SIGTERM', forward);
      process.off('SIGHUP', forward);
      resolve(code);
    };
    child.on('error', (e) => {
      process.stderr.write(`prune-lab: cannot re-run on SwiftShader: ${e.message}\n`);
      done(EXIT_NO_ADAPTER);
    });
    child.on('exit', (code, signal) => done(code ?? 128 + (signal === 'SIGINT' ? 2 : signal === 'SIGTERM' ? 15 : 1)));
  });
}

export type Acquired<T> = { ok: T } | { exitCode: number };

/**
 * Runs `open` (which resolves to null when there is no adapter). With none, the
 * command re-runs on SwiftShader where it can; otherwise it prints the help and
 * gives exit code 3.
 */
export async function withAdapter<T>(open: () => Promise<T | null>): Promise<Acquired<T>> {
  let got: T | null;
  try {
    got = await open();
  } catch (e) {
    if (e instanceof PruneLabError && (e.code === 'no-adapter' || e.code === 'no-webgpu')) {
      process.stderr.write(`prune-lab: ${e.message}\n`);
      return { exitCode: EXIT_NO_ADAPTER };
    }
    throw e;
  }
  if (got !== null) return { ok: got };
  if (canFallBack()) return { exitCode: await rerunOnSwiftShader() };
  const where = onSwiftShaderFallback()
    ? `, not even SwiftShader (${SWIFTSHADER_ICD})`
    : process.env[NO_FALLBACK] === '1' ? ` (${NO_FALLBACK}=1, so no SwiftShader fallback)` : '';
  process.stderr.write(`prune-lab: no WebGPU adapter found by Dawn (the npm package webgpu)${where}. ${NO_ADAPTER_HELP}\n`);
  return { exitCode: EXIT_NO_ADAPTER };
}
