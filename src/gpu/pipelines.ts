// Shader modules, bind-group layouts and compute pipelines, each created once and
// cached. Layouts are explicit so that one buffer can feed several pipelines. A
// shader or pipeline that fails validation is a PruneLabError naming its label.
import { PruneLabError } from '../errors.js';
import { gpuValidationError } from './device.js';

export type BindingKind = 'uniform' | 'read' | 'storage';

export interface PipelineSpec {
  /** Names the shader (and labels every object made for it). */
  label: string;
  code: string;
  bindings: readonly BindingKind[];
  constants?: Record<string, number | boolean>;
}

export class PipelineCache {
  readonly device: GPUDevice;
  private modules = new Map<string, GPUShaderModule>();
  private layouts = new Map<string, GPUBindGroupLayout>();
  private pipelineLayouts = new Map<string, GPUPipelineLayout>();
  private pipelines = new Map<string, Promise<GPUComputePipeline>>();
  /** Milliseconds spent creating pipelines (first-run shader compilation). */
  compileMs = 0;

  constructor(device: GPUDevice) {
    this.device = device;
  }

  layout(bindings: readonly BindingKind[]): GPUBindGroupLayout {
    const key = bindings.join(',');
    let l = this.layouts.get(key);
    if (!l) {
      l = this.device.createBindGroupLayout({
        label: `layout(${key})`,
        entries: bindings.map((kind, binding) => ({
          binding,
          visibility: GPUShaderStage.COMPUTE,
          buffer: { type: kind === 'uniform' ? 'uniform' : kind === 'read' ? 'read-only-storage' : 'storage' },
        })),
      });
      this.layouts.set(key, l);
    }
    return l;
  }

  private pipelineLayout(bindings: readonly BindingKind[]): GPUPipelineLayout {
    const key = bindings.join(',');
    let l = this.pipelineLayouts.get(key);
    if (!l) {
      l = this.device.createPipelineLayout({ label: `pipeline-layout(${key})`, bindGroupLayouts: [this.layout(bindings)] });
      this.pipelineLayouts.set(key, l);
    }
    return l;
  }

  private module(label: string, code: string): GPUShaderModule {
    let m = this.modules.get(label);
    if (!m) {
      m = this.device.createShaderModule({ label, code });
      this.modules.set(label, m);
    }
    return m;
  }

  /** The pipeline for `spec`, compiled asynchronously once per label + constants. */
  pipeline(spec: PipelineSpec): Promise<GPUComputePipeline> {
    const consts = spec.constants ?? {};
    const ckey = Object.keys(consts).sort().map((k) => `${k}=${Number(consts[k])}`).join(',');
    const key = `${spec.label}|${ckey}`;
    let p = this.pipelines.get(key);
    if (!p) {
      const t0 = performance.now();
      const constants: Record<string, number> = {};
      for (const [k, v] of Object.entries(consts)) constants[k] = Number(v);
      p = this.compile(spec, ckey, constants).then(
        (pl) => {
          this.compileMs += performance.now() - t0;
          return pl;
        },
        (e: unknown) => {
          // Not cached: a later call may try again (after a lost device, say).
          this.pipelines.delete(key);
          this.modules.delete(spec.label);
          throw e instanceof PruneLabError ? e : gpuValidationError(e instanceof Error ? e.message : String(e), spec.label);
        },
      );
      this.pipelines.set(key, p);
    }
    return p;
  }

  /** The module in an error scope (a WGSL error is named here, not left uncaptured), then the pipeline. */
  private async compile(spec: PipelineSpec, ckey: string, constants: Record<string, number>): Promise<GPUComputePipeline> {
    this.device.pushErrorScope('validation');
    const module = this.module(spec.label, spec.code);
    const layout = this.pipelineLayout(spec.bindings);
    const invalid = await this.device.popErrorScope();
    if (invalid) throw gpuValidationError(invalid.message, spec.label);
    return this.device.createComputePipelineAsync({ label: `${spec.label}${ckey ? `(${ckey})` : ''}`, layout, compute: { module, entryPoint: 'main', constants } });
  }

  bindGroup(label: string, bindings: readonly BindingKind[], buffers: readonly GPUBuffer[]): GPUBindGroup {
    return this.device.createBindGroup({
      label,
      layout: this.layout(bindings),
      entries: buffers.map((buffer, binding) => ({ binding, resource: { buffer } })),
    });
  }
}
