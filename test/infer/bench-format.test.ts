// The latency table's target checks, on a made-up report whose ratios are known:
// meets/MISSES per target, the real-GPU throughput check only on an adapter
// that is not a CPU emulation, and the N:M comparison's rows and ratios.
import { expect } from '@esm-bundle/chai';
import { formatLatency, isSoftwareAdapter } from '../../src/infer/bench-format.js';
import type { LatencyEntry, LatencyReport } from '../../src/infer/bench.js';
import type { AdapterSummary } from '../../src/gpu/device.js';

function entry(path: LatencyEntry['path'], sparsity: number, p50Ms: number, throughput: number): LatencyEntry {
  return { model: 'lenet-300-100', path, sparsity, p50Ms, p95Ms: p50Ms * 1.2, throughput, bytes: 1000, firstFrameMs: 1, accuracy: 0.9, flops: 1 };
}

const report: LatencyReport = {
  frames: 200,
  batch: 256,
  entries: [
    entry('dense', 0, 2, 20_000), entry('js-dense', 0, 0.5, 1_000),
    entry('sparse', 0.9, 1.6, 30_000), entry('sparse', 0.95, 0.9, 40_000),
  ],
  models: [{
    model: 'lenet-300-100', trainSamples: 100, epochs: 1, testImages: 256, sparsities: [0, 0.9, 0.95], crossover: 0.9, chooser: [], layerCrossover: [],
    sizes: [{ sparsity: 0.95, weights: 100, nnz: 5, denseF32: 1000, sparse: 60, sparseInt8: 99 }],
    structured: { keptFraction: 0.5, units: [150, 50, 10], flops: 50, denseFlops: 100, params: 50, denseParams: 100 },
    tfjs: { p50Ms: 10, p95Ms: 12, agreeWithDense: 1 },
  }],
};

const adapter = (vendor: string, architecture: string, description = ''): AdapterSummary =>
  ({ vendor, architecture, description, device: '', isFallbackAdapter: false, backend: 'dawn-node', features: [], limits: {} }) as unknown as AdapterSummary;

describe('latency table', () => {
  it('checks each target with the ratio it measured', () => {
    const text = formatLatency(report, adapter('nvidia', 'hopper'));
    expect(text).to.contain('meets  ours dense p50 / TF.js p50: 0.200 (target ≤ 0.333)');
    expect(text).to.contain('meets  sparse@95% p50 / dense p50: 0.450 (target ≤ 0.5)');
    expect(text).to.contain('MISSES  sparse@90% p50 / dense p50: 0.800 (target ≤ 0.7)');
    expect(text).to.contain('meets  size sparse+int8@95% / dense f32: 0.0990 (target ≤ 0.1)');
    expect(text).to.contain('meets  ours dense throughput / JS floor at batch 256: 20.00× (target ≥ 10× on a real GPU)');
    expect(text).to.match(/^sparse +\| +90% \| +1\.60 \|.*◀ crossover$/m);
  });

  it('does not check the real-GPU target on a software adapter', () => {
    expect(isSoftwareAdapter(adapter('google', 'swiftshader'))).to.equal(true);
    expect(isSoftwareAdapter(adapter('mesa', '', 'llvmpipe (LLVM 15)'))).to.equal(true);
    expect(isSoftwareAdapter(adapter('nvidia', 'hopper', 'NVIDIA H100'))).to.equal(false);
    const text = formatLatency({ ...report, entries: report.entries.map((e) => (e.path === 'dense' ? { ...e, throughput: 5_000 } : e)) }, adapter('google', 'swiftshader'));
    expect(text).to.contain('ours dense 5.00× the JS dense throughput (the ≥ 10× target is for a real GPU; this adapter is a CPU emulation)');
    expect(text).not.to.contain('JS floor at batch 256: 5.00×');
    const real = formatLatency({ ...report, entries: report.entries.map((e) => (e.path === 'dense' ? { ...e, throughput: 5_000 } : e)) }, adapter('nvidia', 'hopper'));
    expect(real).to.contain('MISSES  ours dense throughput / JS floor at batch 256: 5.00× (target ≥ 10× on a real GPU)');
  });
});

describe('latency table: the N:M comparison', () => {
  it('puts the N:M rows in their own table (not the main one) with nm against dense and against sparse on the same masks', () => {
    const nm = (path: LatencyEntry['path'], p50Ms: number, gpuMs: number, bytes: number): LatencyEntry => ({ ...entry(path, 0.5, p50Ms, 1), gpuMs, bytes, modelGpuBytes: bytes + 16, masks: '2:4' });
    const r: LatencyReport = {
      ...report,
      entries: [...report.entries.map((e) => (e.path === 'dense' ? { ...e, gpuMs: 0.5 } : e)), nm('masked', 3, 0.6, 2000), nm('nm', 1, 0.25, 600), nm('sparse', 4, 1, 800)],
      models: [{ ...report.models[0]!, nm: { pattern: '2:4', sparsity: 0.5, unpruned: ['conv1'] } }],
    };
    const text = formatLatency(r, adapter('google', 'swiftshader'));
    expect(text).to.contain('N:M 2:4 (magnitude, GPU selection; 50% of prunable weights pruned; left unpruned, inputs not a multiple of m: conv1), same adapter, same run:');
    expect(text).to.match(/^nm +\| 2:4 +\| +50% \| +1\.00 \| +1\.20 \|  0\.250 \| +0\.6 KiB \| +0\.6 KiB \| 0\.900/m);
    expect(text).to.match(/^dense +\| dense \| +0% \| +2\.00 \|/m);
    expect(text).to.contain('  nm / dense: p50 0.500, GPU 0.500, model bytes 0.600');
    expect(text).to.contain('  nm / sparse (sliced-ELL, same masks): p50 0.250, GPU 0.250, model bytes 0.750');
    // The main table keeps its rows: the 2:4 masked row is not among them (one 'masked' line only, in the N:M table).
    expect(text.match(/^masked /gm)).to.have.length(1);
  });
});

describe('latency table: ONNX Runtime Web rows', () => {
  it('gives each provider on each exported model its p50 against ours (dense against dense, shrunk against structured), or its error', () => {
    const r: LatencyReport = {
      ...report,
      entries: [...report.entries, entry('structured', 0.5, 1, 1)],
      models: [{
        ...report.models[0]!,
        ort: [
          { ep: 'wasm', model: 'dense', bytes: 2048, createMs: 5, firstFrameMs: 3, p50Ms: 0.5, p95Ms: 0.7, accuracy: 0.9, agreeWithOursDense: 1 },
          { ep: 'webgpu', model: 'shrunk', bytes: 1024, createMs: 5, firstFrameMs: 3, p50Ms: 4, p95Ms: 5, accuracy: 0.8, agreeWithOursDense: 0.75 },
          { ep: 'webgpu', model: 'dense', bytes: 2048, error: 'no adapter' },
        ],
      }],
    };
    const text = formatLatency(r, adapter('google', 'swiftshader'));
    expect(text).to.contain('ONNX Runtime Web wasm (dense ONNX, 2.0 KiB): p50 0.50 ms, p95 0.70 ms, first 3.0 ms; ours dense p50 / ORT p50 = 4.000; acc 0.900, same classes as ours dense on 100%');
    expect(text).to.contain('ONNX Runtime Web webgpu (shrunk ONNX, 1.0 KiB): p50 4.00 ms, p95 5.00 ms, first 3.0 ms; ours structured p50 / ORT p50 = 0.250; acc 0.800, same classes as ours dense on 75%');
    expect(text).to.contain('ONNX Runtime Web webgpu (dense ONNX, 2.0 KiB): failed: no adapter');
    expect(formatLatency(report, adapter('google', 'swiftshader'))).not.to.contain('ONNX Runtime Web');
  });
});
