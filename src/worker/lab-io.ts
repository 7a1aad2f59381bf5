// The lab Worker's "bring your own model and data": .onnx files imported and kept by
// id for a run to start from, CSV files read for the page (columns, classes, the
// default tabular model) and turned into a run's data, and the last run's final
// model exported as ONNX in each form with the size table. Engine code: no DOM.
// The ONNX modules (protobufjs and the ONNX definitions: most of their weight) load
// on first use, so that a Worker that never sees an .onnx file does not fetch them.
import { PruneLabError, check } from '../errors.js';
import { parseCsv } from '../data/csv.js';
import type { OnnxImport } from '../onnx/import.js';
import type { ExportForm, ExportModel, ExportStandardize } from '../onnx/export.js';
import type { TabularInfo } from '../data/tabular.js';
import type { OnnxSizeTable } from '../onnx/size.js';
import { planModel, type ModelPlan, type ModelSpec } from '../nn/spec.js';
import { tabularLabData, tabularModel } from '../lab/tabular.js';
import type { ExperimentConfig } from '../lab/config.js';
import type { LabData } from '../lab/run.js';
import type { CsvCheck, CsvFile, ModelExport, ModelImport, ModelLayerInfo, TabularSource } from './api.js';
import { failure } from './lab-models.js';

/** Imported models kept at once (the oldest goes first). */
export const MAX_IMPORTED = 4;

/** Every layer of a plan as the page's table shows it (`nodes`: the ONNX node of each prunable layer, by plan name). */
export function layerInfos(plan: ModelPlan, nodes: ReadonlyMap<string, string> = new Map()): ModelLayerInfo[] {
  return plan.ops.map((op): ModelLayerInfo => {
    if (op.kind === 'linear' || op.kind === 'conv2d') {
      const node = nodes.get(op.name);
      return { name: op.name, type: op.kind, shape: [...op.weightShape], params: op.weightCount + op.biasCount, prunable: true, ...(node !== undefined ? { node } : {}) };
    }
    // Pools (any kind with an output grid), then element-wise layers by their size.
    if ('OH' in op) return { name: op.name, type: op.kind, shape: [op.C, op.OH, op.OW], params: 0, prunable: false };
    return { name: op.name, type: op.kind, shape: [op.out], params: 0, prunable: false };
  });
}

/** The models importModel took, by id. */
export class ImportedModels {
  private models = new Map<string, OnnxImport>();
  private seq = 0;

  /** Imports the bytes (checked whole first: a refused file keeps nothing). */
  async add(bytes: unknown, name: unknown): Promise<ModelImport> {
    try {
      check(bytes instanceof ArrayBuffer || ArrayBuffer.isView(bytes), 'model', 'the bytes of an .onnx file (an ArrayBuffer)', typeof bytes);
      check(typeof name === 'string', 'name', 'a file name (a string)', name);
      const label = name.replace(/\.onnx$/i, '') || 'onnx';
      const { importOnnx } = await import('../onnx/import.js');
      let r: OnnxImport;
      try {
        r = importOnnx(bytes as ArrayBuffer, { name: label });
      } catch (e) {
        // The file's name leads the engine's message (which names the node or tensor).
        if (e instanceof PruneLabError) throw new PruneLabError(e.code, `${name}: ${e.message}`, e.field);
        throw e;
      }
      const plan = planModel(r.spec);
      const id = `onnx-${++this.seq}`;
      this.models.set(id, r);
      while (this.models.size > MAX_IMPORTED) this.models.delete(this.models.keys().next().value!);
      let masked = 0;
      for (const v of r.values) for (let i = 0; i < v.mask.length; i++) masked += v.mask[i] ? 0 : 1;
      return {
        ok: true, id, name: label, spec: structuredClone(plan.spec), layers: layerInfos(plan, new Map(r.layers.map((l) => [l.name, l.node]))),
        notes: r.notes.map((n) => ({ ...n })), input: { ...r.input }, opset: r.opset, producer: r.producer,
        masked, prunableWeights: plan.params.reduce((t, p) => t + p.weightCount, 0),
      };
    } catch (e) {
      return { ok: false, ...failure(e) };
    }
  }

  /** The imported model `id`, or a refusal naming `model`. */
  get(id: unknown): OnnxImport {
    const r = typeof id === 'string' ? this.models.get(id) : undefined;
    if (!r) throw new PruneLabError('invalid-argument', `model must be the id of an imported model (${[...this.models.keys()].join(', ') || 'none imported'}; got ${JSON.stringify(id)})`, 'model');
    return r;
  }
}

function checkCsvFile(f: unknown, field: string): CsvFile {
  check(typeof f === 'object' && f !== null, field, '{ text, name }', f);
  const c = f as Partial<CsvFile>;
  check(typeof c.text === 'string', `${field}.text`, 'the text of a CSV file', typeof c.text);
  check(typeof c.name === 'string' && c.name !== '', `${field}.name`, 'a file name', c.name);
  return { text: c.text, name: c.name };
}

/** A line's cells by a plain split (quotes stripped): a guess, which the parser then checks. */
function cells(line: string | undefined): string[] {
  return (line ?? '').split(',').map((c) => c.trim().replace(/^"(.*)"$/, '$1'));
}

/**
 * A CSV's columns and, parsed whole with `target` as the class column, its classes and
 * default model. Without a target: the last column whose first value is not a number
 * (a class label), else the last column. The header is read by a plain split of the first
 * line to pick that default and keep the columns' order; the parser checks the file (a quoted
 * comma in the header makes it refuse, naming the columns it read).
 */
export function readCsv(file: unknown, target?: unknown): CsvCheck {
  try {
    const f = checkCsvFile(file, 'csv');
    check(target === undefined || (typeof target === 'string' && target !== ''), 'target', 'the name of a column (a non-empty string)', target);
    const [head, first] = f.text.split(/\r?\n/, 2);
    const header = cells(head);
    const row = cells(first);
    const labelled = header.filter((_, j) => row[j] !== undefined && row[j] !== '' && !Number.isFinite(Number(row[j])));
    const t = (target as string | undefined) ?? labelled.at(-1) ?? header.at(-1) ?? '';
    const d = parseCsv(f.text, { target: t || ' ', name: f.name });
    const columns = header.length === d.numFeatures + 1 && header.includes(t) ? header : [...d.featureNames, t];
    return { ok: true, name: f.name, columns, target: t, rows: d.n, features: [...d.featureNames], classes: [...d.classNames], model: tabularModel(d.numFeatures, d.numClasses) };
  } catch (e) {
    return { ok: false, ...failure(e) };
  }
}

/** A run's data from CSV text: parsed, split and standardised as src/lab/tabular.ts says. */
export function tabularData(config: ExperimentConfig, source: TabularSource): LabData {
  const train = parseCsv(source.text, { target: source.target, name: source.name });
  const test = source.test ? parseCsv(source.test.text, { target: source.target, name: source.test.name }) : undefined;
  return tabularLabData(config, train, source.target, test);
}

/** Checks the tabular part of StartOptions; the config's dataset then says csv with its files' names. */
export function checkTabular(t: unknown): TabularSource {
  const f = checkCsvFile(t, 'tabular');
  const s = t as Partial<TabularSource>;
  check(typeof s.target === 'string' && s.target !== '', 'tabular.target', 'the name of the class column', s.target);
  const test = s.test === undefined ? undefined : checkCsvFile(s.test, 'tabular.test');
  return { ...f, target: s.target, ...(test ? { test } : {}) };
}

/**
 * The last run's final model, kept for export, and its size table (made once). A CSV
 * run's model is exported with its standardisation as a Sub/Div prelude (every form,
 * and so the table), so that the file takes the raw features.
 */
export class FinalModel {
  private table: Promise<OnnxSizeTable> | null = null;
  readonly note: string | undefined;

  constructor(
    readonly model: ExportModel,
    /** The run's model before pruning (the dense f32 original of the table). */
    readonly original: ModelSpec,
    /** A CSV run's features and standardisation (report.data.tabular). */
    readonly tabular?: TabularInfo,
  ) {
    this.note = tabular
      ? `the input is the raw features (${tabular.features.join(', ')}), standardised inside the model by the training rows' mean and scale (report.data.tabular)`
      : undefined;
  }

  private async options(): Promise<{ standardize?: ExportStandardize }> {
    if (!this.tabular) return {};
    const { standardizeOf } = await import('../onnx/export.js');
    return { standardize: standardizeOf(this.tabular.standardization) };
  }

  sizes(): Promise<OnnxSizeTable> {
    this.table ??= Promise.all([import('../onnx/size.js'), this.options()]).then(([m, o]) => m.onnxSizeTable(this.model, { original: this.original, ...o }));
    return this.table;
  }

  async export(form: unknown): Promise<ModelExport> {
    try {
      const { EXPORT_FORMS, exportOnnx } = await import('../onnx/export.js');
      check(typeof form === 'string' && (EXPORT_FORMS as readonly string[]).includes(form), 'form', EXPORT_FORMS.join(' | '), form);
      const [bytes, table] = await Promise.all([exportOnnx(this.model, { form: form as ExportForm, ...(await this.options()) }), this.sizes()]);
      const name = (this.model.spec.name ?? 'model').replace(/[^\w.-]+/g, '_');
      return { ok: true, form: form as ExportForm, fileName: `${name}-${form}.onnx`, bytes, table, ...(this.note ? { note: this.note } : {}) };
    } catch (e) {
      return { ok: false, ...failure(e) };
    }
  }
}
