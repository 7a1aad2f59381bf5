// The latency table's target checks, on a made-up report whose ratios are known:
// meets/MISSES per target, and the real-GPU throughput check only on an adapter
// that is not a CPU emulation.
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
