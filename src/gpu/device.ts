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
  return { device, adapter, info: summarizeAdapter(adapter, opts.backend ?? 'browser'), lost: device.lost, wgslLanguageFeatures };
}

export function summarizeAdapter(adapter: GPUAdapter, backend: string): AdapterSummary {
  const i = adapter.info;
  return {
    vendor: i?.vendor ?? '',
    architecture: i?.architecture ?? '',
    device: i?.device ?? '',
    description: i?.description ?? '',
    backend,
    features: [...adapter.features].sort(),
    isFallbackAdapter: (i as GPUAdapterInfo & { isFallbackAdapter?: boolean })?.isFallbackAdapter ?? false,
  };
}
