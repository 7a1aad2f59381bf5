// `--model FILE.onnx` for `prune-lab run`: the file imported (src/onnx/import.ts) into
// a model spec and its weights, which the run starts from as it would from --load
// (with --epochs 0 the baseline is the model as exported). A file that cannot be read
// is a usage error (exit 2); one that is not an ONNX model prune-lab imports is a
// PruneLabError('invalid-data') naming the flag, the file and the node (exit 1).
import { basename } from 'node:path';
import { PruneLabError } from '../errors.js';
import { importOnnx, type OnnxImport } from '../onnx/import.js';
import type { Checkpoint } from '../nn/checkpoint.js';
import { checkInputFile, readBytes } from './node-data.js';

export function isOnnxPath(path: string | undefined): path is string {
  return path !== undefined && /\.onnx$/i.test(path);
}

/** Imports are read once per path (the flags are parsed, then the run starts from the same file). */
const imported = new Map<string, Promise<OnnxImport>>();

export function readOnnxModel(path: string, accepts: string): Promise<OnnxImport> {
  let p = imported.get(path);
  if (!p) {
    p = (async () => {
      await checkInputFile(path, 'model', accepts);
      const bytes = await readBytes(path, 'model');
      try {
        return importOnnx(bytes, { name: basename(path).replace(/\.onnx$/i, '') });
      } catch (e) {
        if (e instanceof PruneLabError) throw new PruneLabError(e.code, `--model ${path}: ${e.message}`, e.field);
        throw e;
      }
    })();
    imported.set(path, p);
  }
  return p;
}

/** One line on what the import changed: `ONNX opset 17 (pytorch 1.13); folded BatchNormalization /bn1 into /c1/Conv; …`. */
export function importSummary(r: OnnxImport): string {
  const said = r.notes.map((n) => `${n.action} ${n.op} ${n.node}${n.into ? ` into ${n.into}` : ''}`);
  return [`ONNX opset ${r.opset}${r.producer ? ` (${r.producer})` : ''}, ${r.layers.length} prunable layers`, ...said].join('; ');
}

/** The imported model as the run's starting point, in the shape a --load checkpoint has; says on stderr what the import changed. */
export async function onnxCheckpoint(path: string, accepts: string): Promise<Checkpoint> {
  const r = await readOnnxModel(path, accepts);
  process.stderr.write(`prune-lab run: --model ${path}: ${importSummary(r)}\n`);
  return { spec: r.spec, values: r.values, optimizer: null, meta: { onnx: basename(path), opset: r.opset, producer: r.producer, notes: r.notes } };
}
