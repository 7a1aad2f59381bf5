// `--export-onnx OUT --export-form dense|shrunk|sparse` for `prune-lab run`: the
// final model written as ONNX (src/onnx/export.ts), with the size table of all three
// forms (raw and gzip bytes against the dense f32 original, src/onnx/size.ts) printed
// after the rounds. Flags are checked with the others, before anything runs. A --csv
// run's model is exported with its standardisation as a Sub/Div prelude, so the file
// takes the CSV's raw feature values.
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Network } from '../nn/network.js';
import type { ModelSpec } from '../nn/spec.js';
import type { Standardization } from '../data/tabular.js';
import { EXPORT_FORMS, encodeOnnx, standardizeOf, type ExportForm } from '../onnx/export.js';
import { formatOnnxSizeTable, onnxSizeTable, type OnnxSizeTable } from '../onnx/size.js';
import { UsageError, usageError } from './command.js';

export const EXPORT_OPTIONS = {
  'export-onnx': { type: 'string' },
  'export-form': { type: 'string' },
} as const;

export const EXPORT_ACCEPTS: Record<string, string> = {
  'export-onnx': 'a file path (the final model as ONNX)',
  'export-form': EXPORT_FORMS.join(' | '),
};

export const EXPORT_HELP = `  --export-onnx FILE         write the final model as ONNX (opset 13, input [N, C, H, W], or
                             [N, F] for an MLP over 1×1×F; output the logits) and print the
                             size table of all three forms (raw and gzip bytes)
  --export-form F            ${EXPORT_FORMS.join(' | ')} (default dense): pruned weights as zeros;
                             the smaller shapes (dead units removed too); COO sparse
                             initializers for the pruned layers`;

export interface OnnxExportArgs {
  path: string;
  form: ExportForm;
}

/**
 * The export flags, checked: the form a known one, given only with --export-onnx, and
 * the path neither stdout nor any other output or input of the run.
 */
export function exportArgs(
  values: { 'export-onnx'?: string | undefined; 'export-form'?: string | undefined },
  outputs: ReadonlyArray<{ flag: string; path: string }>,
  inputs: ReadonlyArray<{ flag: string; path: string }>,
): OnnxExportArgs | undefined {
  const path = values['export-onnx'];
  const formFlag = values['export-form'];
  if (formFlag !== undefined && !(EXPORT_FORMS as readonly string[]).includes(formFlag)) usageError('export-form', EXPORT_ACCEPTS['export-form']!, formFlag);
  if (path === undefined) {
    if (formFlag !== undefined) throw new UsageError('--export-form needs --export-onnx FILE (the file to write)');
    return undefined;
  }
  if (path === '-') usageError('export-onnx', `${EXPORT_ACCEPTS['export-onnx']} (only --json writes to stdout)`, '-');
  const full = resolve(path);
  const o = outputs.find((x) => x.path === full);
  if (o) throw new UsageError(`--export-onnx and --${o.flag} name the same file ${full}`);
  const i = inputs.find((x) => resolve(x.path) === full);
  if (i) throw new UsageError(`--export-onnx names the --${i.flag} file ${full}, which the run reads; write elsewhere`);
  return { path, form: (formFlag as ExportForm | undefined) ?? 'dense' };
}

export interface OnnxExportResult {
  bytes: Uint8Array;
  table: OnnxSizeTable;
}

/**
 * The chosen form's bytes and the table of every form; `original` is the run's model before
 * pruning; `standardization` (a --csv run's) becomes the model's prelude, in every form measured.
 */
export async function exportFinalModel(net: Network, a: OnnxExportArgs, original: ModelSpec, standardization?: Standardization): Promise<OnnxExportResult> {
  const model = { spec: net.plan.spec, values: await net.readValues() };
  const prelude = standardization ? { standardize: standardizeOf(standardization) } : {};
  const table = await onnxSizeTable(model, { original, ...prelude });
  return { bytes: encodeOnnx(model, { form: a.form, ...prelude }), table };
}

/** Writes the file; resolves to the text the CLI prints (what was written, then the table). */
export async function writeExport(a: OnnxExportArgs, r: OnnxExportResult): Promise<string> {
  await writeFile(a.path, r.bytes);
  return `wrote ${a.path} (${a.form} ONNX, ${r.bytes.length.toLocaleString('en-US')} bytes)\n${formatOnnxSizeTable(r.table)}`;
}

/** The report as --json writes it: with `onnx` (the file, its form and the size table) when a model was exported. */
export function reportWithExport<R extends object>(report: R, a: OnnxExportArgs | undefined, r: OnnxExportResult | undefined): R | (R & { onnx: { file: string; form: ExportForm } & OnnxSizeTable }) {
  return a && r ? { ...report, onnx: { file: a.path, form: a.form, ...r.table } } : report;
}
