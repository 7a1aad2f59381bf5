// Acquires a WebGPU adapter and device for the faces (page, worker, CLI, tests).
// The engine itself never calls this: it is handed a GPUDevice.
import { PruneLabError } from '../errors.js';

export interface AdapterSummary {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** Where this WebGPU comes from: 'browser' or 'dawn-node'. */
  backend: string;
  features: string[];
  isFallbackAdapter: boolean;
  /** The WebGPU implementation: from the face (Dawn in Node) or the browser's user agent; 'unknown' when neither says. */
  engine: WebGpuEngine;
  /** The browser (name and version) from the user agent, or 'Node <version>' / '' where there is none. */
  browser: string;
}

/** Chromium's Dawn, Firefox's wgpu (Naga), Safari's WebKit, or not known. */
export type WebGpuEngine = 'dawn' | 'wgpu' | 'webkit' | 'unknown';

/** The engine and browser a user agent string names (Firefox before Chrome: no Chromium UA says Firefox/). */
export function engineFromUserAgent(ua: string): { engine: WebGpuEngine; browser: string } {
  const firefox = /Firefox\/(\d+(?:\.\d+)?)/.exec(ua);
  if (firefox) return { engine: 'wgpu', browser: `Firefox ${firefox[1]}` };
  const edge = /Edg\/(\d+)/.exec(ua);
  if (edge) return { engine: 'dawn', browser: `Edge ${edge[1]}` };
  const chrome = /(?:Chromium|Chrome)\/(\d+)/.exec(ua);
  if (chrome) return { engine: 'dawn', browser: `${/Chromium\//.test(ua) ? 'Chromium' : 'Chrome'} ${chrome[1]}` };
  const safari = /Version\/(\d+(?:\.\d+)?).*Safari\//.exec(ua);
  if (safari) return { engine: 'webkit', browser: `Safari ${safari[1]}` };
  return { engine: 'unknown', browser: '' };
}

const engineOf = new WeakMap<GPUDevice, WebGpuEngine>();

/** The engine of a device acquireDevice made ('unknown' for any other device). */
export function deviceEngine(device: GPUDevice): WebGpuEngine {
  return engineOf.get(device) ?? 'unknown';
}

export interface AcquiredDevice {
  device: GPUDevice;
  adapter: GPUAdapter;
  info: AdapterSummary;
  /** Resolves when the device is lost, with its reason. Never swallowed: faces must react. */
  lost: Promise<GPUDeviceLostInfo>;
  /** The WGSL language features of the `GPU` object the device came from (Dawn's in Node). */
  wgslLanguageFeatures: ReadonlySet<string>;
}

export interface AcquireOptions {
  /** The `GPU` object; defaults to `navigator.gpu`. The CLI passes Dawn's. */
  gpu?: GPU;
  powerPreference?: GPUPowerPreference;
  backend?: string;
}

const WANTED_FEATURES: GPUFeatureName[] = ['timestamp-query'];

export const WEBGPU_HELP =
  'WebGPU is needed. It is on by default in Chrome and Edge 113+ (Windows, macOS, ChromeOS, Android) and in Safari 26; ' +
  'on Linux start Chrome/Chromium with --enable-unsafe-webgpu (and --enable-features=Vulkan), in Firefox 141+ on Windows, or Firefox Nightly with dom.webgpu.enabled.';

/** WGSL language features per device acquired here: createGpuContext reads them, so no face can forget to pass them. */
const wgslOf = new WeakMap<GPUDevice, ReadonlySet<string>>();

/** The WGSL language features of the GPU object `device` was acquired from, if acquireDevice made it. */
export function acquiredWgslFeatures(device: GPUDevice): ReadonlySet<string> | undefined {
  return wgslOf.get(device);
}

const uncaptured = new WeakMap<GPUDevice, PruneLabError>();

/** A GPU validation message as a PruneLabError('gpu-validation'); `label` (the culprit's) goes first and is the field. */
export function gpuValidationError(message: string, label?: string): PruneLabError {
  const named = /\[[A-Za-z]+ "([^"]*)"\]/.exec(message)?.[1];
  const field = label ?? named;
  return new PruneLabError('gpu-validation', `${label ? `${label}: ` : ''}GPU validation error: ${message}`, field || undefined);
}

/**
 * The first validation error of `device` that no error scope caught since the last
 * call (only for devices made by acquireDevice), as a PruneLabError naming the
 * object's label; undefined when there was none. Faces call it after GPU work.
 */
export function takeUncapturedError(device: GPUDevice): PruneLabError | undefined {
  const e = uncaptured.get(device);
  uncaptured.delete(device);
  return e;
}

/** Throws the validation error that no scope caught (takeUncapturedError), if there was one: training and runs stop on it rather than go on with wrong numbers. */
export function throwIfUncaptured(device: GPUDevice): void {
  const e = takeUncapturedError(device);
  if (e) throw e;
}

export async function acquireDevice(opts: AcquireOptions = {}): Promise<AcquiredDevice> {
  const gpu = opts.gpu ?? (typeof navigator !== 'undefined' ? navigator.gpu : undefined);
  if (!gpu) throw new PruneLabError('no-webgpu', `This environment has no WebGPU (navigator.gpu is missing). ${WEBGPU_HELP}`);
  const adapter = await gpu.requestAdapter(opts.powerPreference ? { powerPreference: opts.powerPreference } : undefined);
  if (!adapter) {
    throw new PruneLabError('no-adapter', `WebGPU is present but no adapter was found (requestAdapter returned null). ${WEBGPU_HELP}`);
  }
  const requiredFeatures = WANTED_FEATURES.filter((f) => adapter.features.has(f));
  const l = adapter.limits;
  const device = await adapter.requestDevice({
    label: 'prune-lab device',
    requiredFeatures,
    requiredLimits: {
      maxStorageBufferBindingSize: l.maxStorageBufferBindingSize,
      maxBufferSize: l.maxBufferSize,
      maxStorageBuffersPerShaderStage: Math.min(l.maxStorageBuffersPerShaderStage, 10),
      maxComputeWorkgroupStorageSize: l.maxComputeWorkgroupStorageSize,
      maxComputeInvocationsPerWorkgroup: l.maxComputeInvocationsPerWorkgroup,
      maxComputeWorkgroupSizeX: l.maxComputeWorkgroupSizeX,
      maxComputeWorkgroupSizeY: l.maxComputeWorkgroupSizeY,
    },
  });
  // Validation errors outside any error scope: kept (the first, until taken) for the face to report as a
  // PruneLabError, instead of only a console warning while results go silently wrong.
  device.addEventListener('uncapturederror', (ev) => {
    const err = (ev as GPUUncapturedErrorEvent).error;
    if (!uncaptured.has(device)) uncaptured.set(device, gpuValidationError(err.message));
  });
  // A copy: Dawn's WGSLLanguageFeatures is set-like, and absent on older GPU objects.
  const wgslLanguageFeatures: ReadonlySet<string> = new Set(gpu.wgslLanguageFeatures ?? []);
  wgslOf.set(device, wgslLanguageFeatures);
  const info = summarizeAdapter(adapter, opts.backend ?? 'browser');
  engineOf.set(device, info.engine);
  return { device, adapter, info, lost: lostOrDestroyed(device), wgslLanguageFeatures };
}

/**
 * `device.lost`, resolved at once when the device's destroy() is called: Firefox
 * rejects pending maps at the destroy() call but resolves `lost` only at its next
 * device poll (40–120 ms later, measured), so a face would see the failed map
 * first and take a loss for another error; Dawn resolves `lost` first.
 */
function lostOrDestroyed(device: GPUDevice): Promise<GPUDeviceLostInfo> {
  let destroyed: (info: GPUDeviceLostInfo) => void = () => undefined;
  const onDestroy = new Promise<GPUDeviceLostInfo>((resolve) => (destroyed = resolve));
  const destroy = device.destroy.bind(device);
  device.destroy = (): undefined => {
    destroyed({ reason: 'destroyed', message: 'the device was destroyed on request' } as GPUDeviceLostInfo);
    return destroy();
  };
  return Promise.race([device.lost, onDestroy]);
}

export function summarizeAdapter(adapter: GPUAdapter, backend: string): AdapterSummary {
  const i = adapter.info;
  const nodeVersion = (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node;
  const who = backend === 'dawn-node'
    ? { engine: 'dawn' as const, browser: nodeVersion ? `Node ${nodeVersion}` : '' }
    : engineFromUserAgent(typeof navigator !== 'undefined' ? navigator.userAgent ?? '' : '');
  return {
    vendor: i?.vendor ?? '',
    architecture: i?.architecture ?? '',
    device: i?.device ?? '',
    description: i?.description ?? '',
    backend,
    features: [...adapter.features].sort(),
    isFallbackAdapter: isFallback(adapter),
    ...who,
  };
}

/** The adapter's fallback flag: GPUAdapterInfo.isFallbackAdapter, or the older GPUAdapter.isFallbackAdapter. */
function isFallback(adapter: GPUAdapter): boolean {
  const onInfo = (adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean } | undefined)?.isFallbackAdapter;
  return onInfo ?? (adapter as GPUAdapter & { isFallbackAdapter?: boolean }).isFallbackAdapter ?? false;
}
