// The ONNX size table: each export form's file size, raw and gzip-compressed,
// against the dense f32 original (4 bytes per weight and bias of the model as it
// was before pruning; by default the model's own spec). One function for the
// report, the page and the CLI. Gzip through CompressionStream, which browsers,
// Workers and Node ≥ 18 all have. Engine code: no DOM.
import { check } from '../errors.js';
import type { Network } from '../nn/network.js';
import { planModel, type ModelSpec } from '../nn/spec.js';
import { EXPORT_FORMS, OPSET_RANGE, exportOnnx, type ExportForm, type ExportModel, type ExportOptions } from './export.js';

export interface OnnxFormSize {
  form: ExportForm;
  /** The .onnx file's bytes. */
  bytes: number;
  /** The same file gzip-compressed (CompressionStream 'gzip', its default level). */
  gzipBytes: number;
  /** originalDenseF32 / bytes (> 1: smaller than the original's dense f32 weights). */
  ratio: number;
  /** originalDenseF32 / gzipBytes. */
  gzipRatio: number;
}

export interface OnnxSizeTable {
  /** 4 × (weights + biases) of the original model. */
  originalDenseF32: number;
  /** Where that original came from: the model's own spec, or the one given as `original`. */
  originalParams: number;
  opset: number;
  forms: OnnxFormSize[];
}

/** Bytes of `data` after gzip (CompressionStream). */
export async function gzipSize(data: Uint8Array): Promise<number> {
  const stream = new Blob([data as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new CompressionStream('gzip'));
  return (await new Response(stream).arrayBuffer()).byteLength;
}

/**
 * Exports every form (or `forms`) and measures it. `original` is the model before
 * pruning (a structured-pruned network has a smaller spec than the run started with).
 */
export async function onnxSizeTable(
  model: Network | ExportModel,
  options: Omit<ExportOptions, 'form'> & { original?: ModelSpec; forms?: readonly ExportForm[] } = {},
): Promise<OnnxSizeTable> {
  const { original, forms = EXPORT_FORMS, ...rest } = options;
  check(Array.isArray(forms) && forms.length > 0 && forms.every((f) => (EXPORT_FORMS as readonly string[]).includes(f)), 'options.forms', `a non-empty array of ${EXPORT_FORMS.join(', ')}`, forms);
  const plan = planModel(original ?? ('plan' in model ? model.plan.spec : model.spec));
  const originalDenseF32 = 4 * plan.paramCount;
  // A Network is read back once, not once per form.
  const m: ExportModel = 'plan' in model ? { spec: model.plan.spec, values: await model.readValues() } : model;
  const out: OnnxFormSize[] = [];
  for (const form of forms) {
    const bytes = await exportOnnx(m, { ...rest, form });
    const gzipBytes = await gzipSize(bytes);
    out.push({ form, bytes: bytes.length, gzipBytes, ratio: originalDenseF32 / bytes.length, gzipRatio: originalDenseF32 / gzipBytes });
  }
  return { originalDenseF32, originalParams: plan.paramCount, opset: rest.opset ?? OPSET_RANGE.default, forms: out };
}

/** The table as text, for the CLI. */
export function formatOnnxSizeTable(t: OnnxSizeTable): string {
  const head = ['ONNX form', 'bytes', 'gzip bytes', 'vs dense f32', 'gzip vs dense f32'];
  const n = (x: number): string => x.toLocaleString('en-US');
  const rows = [
    ['dense f32 original', n(t.originalDenseF32), '', '1.00×', ''],
    ...t.forms.map((f) => [f.form, n(f.bytes), n(f.gzipBytes), `${f.ratio.toFixed(2)}×`, `${f.gzipRatio.toFixed(2)}×`]),
  ];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const fmt = (r: string[]): string => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [fmt(head), ...rows.map(fmt), ''].join('\n');
}
