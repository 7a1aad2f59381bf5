// "Bring your own model and data" in <prune-lab>: ModelIo (a reactive controller the
// lab owns) holds the imported .onnx model, the CSV and its target column, and the
// export size table, each read or made by the engine in the Worker; <prune-model-io>
// shows them: file inputs and a drop target, the target-column select, the imported
// model's layer table, and a download button per export form with its sizes.
// A file the engine refuses leaves what was loaded before in place, and its message
// (naming the node, row or column) is the lab's to show.
import { LitElement, html, css, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { live } from 'lit/directives/live.js';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { CsvCheck, CsvFile, ExportForm, ExportSizes, LabFailure, ModelExport, ModelImport, OnnxSizeTable, TabularSource } from '../../worker/api.js';
import { emit, theme } from '../theme.js';
import { formatBytes } from '../size-view.js';
import { download } from './report-io.js';
import type { LabController } from './lab-controller.js';

export type ImportedModel = Extract<ModelImport, { ok: true }>;

/** The CSV the lab runs on: the file, the engine's reading of it (columns, target, classes, default model), and a test file. */
export type LoadedCsv = Omit<Extract<CsvCheck, { ok: true }>, 'ok' | 'name'> & { file: CsvFile; test: CsvFile | null };

export const EXPORT_FORM_NAMES: readonly ExportForm[] = ['dense', 'shrunk', 'sparse'];

/** Detail of `model-export`: the file the lab saved. */
export interface ModelExportDetail {
  form: ExportForm;
  fileName: string;
  bytes: Uint8Array;
  table: OnnxSizeTable;
}

/** What changed: the imported model, or the CSV (file or target). */
export type ModelIoChange = 'onnx' | 'csv';

function failed(e: unknown): LabFailure {
  return { code: 'internal', message: e instanceof Error ? e.message : String(e) };
}

/**
 * The lab's own model and data. Every load goes through the engine (importModel, readCsv)
 * and replaces what was there only when it succeeds; `error` says why the last one did not.
 */
export class ModelIo implements ReactiveController {
  onnx: ImportedModel | null = null;
  csv: LoadedCsv | null = null;
  /** The last run's export sizes (null before a run has ended, or while one goes). */
  sizes: Extract<ExportSizes, { ok: true }> | null = null;
  /** Why the last file could not be used (shown by the lab); cleared by the next load that works. */
  error: (LabFailure & { file: string }) | null = null;
  /** Why model-url could not be used (a setting: the lab refuses to run until it changes). */
  urlError: LabFailure | null = null;
  /** Bumped on every change, so that <prune-model-io> re-renders. */
  version = 0;
  private urlSeq = 0;
  private urlLoad: Promise<void> = Promise.resolve();
  private sizeSeq = 0;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly lab: LabController,
    private readonly onChange: (what: ModelIoChange) => void,
  ) {
    host.addController(this);
  }

  hostConnected(): void {}

  private changed(): void {
    this.version++;
    this.host.requestUpdate();
  }

  /** Resolves when the latest model-url has been fetched and imported (or refused). */
  get urlSettled(): Promise<void> {
    return this.urlLoad;
  }

  /** The Worker's import of the bytes (a failed Worker is a refusal too). */
  private async importBytes(bytes: ArrayBuffer, name: string): Promise<ModelImport> {
    await this.lab.whenReady();
    try {
      return await this.lab.importModel(bytes, name);
    } catch (e) {
      return { ok: false, ...failed(e) };
    }
  }

  /** Imports an .onnx file; resolves to whether it replaced the model. */
  async importFile(bytes: ArrayBuffer, name: string): Promise<boolean> {
    const r = await this.importBytes(bytes, name);
    if (!r.ok) {
      this.error = { code: r.code, message: r.message, ...(r.field ? { field: r.field } : {}), file: name };
      this.changed();
      return false;
    }
    this.onnx = r;
    this.error = null;
    this.changed();
    this.onChange('onnx');
    return true;
  }

  /**
   * model-url: fetched and imported; null or '' clears only the URL's own error (the model
   * it loaded stays). A URL that cannot be fetched or imported is refused naming model-url.
   */
  loadUrl(url: string | null, base: string): Promise<void> {
    const seq = ++this.urlSeq;
    this.urlLoad = (async () => {
      if (url === null || url.trim() === '') {
        this.urlError = null;
        this.changed();
        return;
      }
      const fail = (why: string, field = 'model-url'): void => {
        if (seq !== this.urlSeq) return;
        this.urlError = { code: 'invalid-data', field, message: `model-url ${JSON.stringify(url)}: ${why}` };
        this.changed();
      };
      let bytes: ArrayBuffer;
      let href: string;
      try {
        href = new URL(url, base).href;
        const res = await fetch(href);
        if (!res.ok) return fail(`could not be fetched (HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''})`);
        bytes = await res.arrayBuffer();
      } catch (e) {
        return fail(`could not be fetched (${e instanceof Error ? e.message : String(e)})`);
      }
      if (seq !== this.urlSeq) return;
      const u = new URL(href);
      const name = (u.protocol === 'http:' || u.protocol === 'https:' ? decodeURIComponent(u.pathname.split('/').pop() ?? '') : '') || 'model.onnx';
      const r = await this.importBytes(bytes, name);
      if (seq !== this.urlSeq) return;
      if (!r.ok) return fail(r.message);
      this.urlError = null;
      this.onnx = r;
      this.changed();
      this.onChange('onnx');
    })();
    return this.urlLoad;
  }

  /** A training CSV: read by the engine (its last column the target unless `target` names one). */
  async loadCsv(file: CsvFile, target?: string): Promise<boolean> {
    await this.lab.whenReady();
    let r;
    try {
      r = await this.lab.readCsv(file, target);
    } catch (e) {
      r = { ok: false as const, ...failed(e) };
    }
    if (!r.ok) {
      this.error = { code: r.code, message: r.message, ...(r.field ? { field: r.field } : {}), file: file.name };
      this.changed();
      return false;
    }
    // The previous test file goes with the previous training file.
    const test = this.csv && this.csv.file.name === file.name && this.csv.file.text === file.text ? this.csv.test : null;
    this.csv = { columns: r.columns, target: r.target, rows: r.rows, features: r.features, classes: r.classes, model: r.model, file, test };
    this.error = null;
    this.changed();
    this.onChange('csv');
    return true;
  }

  /** Another target column of the loaded CSV. */
  setTarget(target: string): Promise<boolean> {
    if (!this.csv) return Promise.resolve(false);
    return this.loadCsv(this.csv.file, target);
  }

  /** The test rows from another file with the same columns (checked by the engine when a run starts); null: a split of the training file. */
  setTestCsv(file: CsvFile | null): void {
    if (!this.csv) return;
    this.csv = { ...this.csv, test: file };
    this.error = null;
    this.changed();
    this.onChange('csv');
  }

  /** The CSV as a run takes it. */
  get tabular(): TabularSource | null {
    const c = this.csv;
    if (!c) return null;
    return { text: c.file.text, name: c.file.name, target: c.target, ...(c.test ? { test: c.test } : {}) };
  }

  /** A run was accepted: the last run's sizes no longer describe the model being trained. */
  clearSizes(): void {
    this.sizeSeq++;
    if (this.sizes) {
      this.sizes = null;
      this.changed();
    }
  }

  /** After a run: the final model's size table, from the Worker. */
  async refreshSizes(): Promise<void> {
    const seq = ++this.sizeSeq;
    let r: ExportSizes;
    try {
      r = await this.lab.exportSizes();
    } catch (e) {
      r = { ok: false, ...failed(e) };
    }
    if (seq !== this.sizeSeq) return;
    this.sizes = r.ok ? r : null;
    if (!r.ok) this.error = { code: r.code, message: `ONNX export: ${r.message}`, file: '' };
    this.changed();
  }

  /** The final model in one form, from the Worker. */
  exportForm(form: ExportForm): Promise<ModelExport> {
    return this.lab.exportModel(form);
  }
}

function pct(x: number, total: number): string {
  return total > 0 ? `${((100 * x) / total).toFixed(1)}%` : '–';
}

/**
 * The model-and-data panel of <prune-lab>: an .onnx model and a CSV (file inputs, or
 * dropped on the panel), the CSV's target column, the imported model's layers, and the
 * last run's final model as ONNX in each form with its size.
 *
 * @fires model-export - CustomEvent<ModelExportDetail>: a form was exported and saved (the detail holds the file's bytes).
 * @fires model-io-error - CustomEvent<LabFailure>: an export failed.
 * @csspart drop - the file inputs and drop target.
 * @csspart layers - the imported model's layer table.
 * @csspart exports - the export forms' sizes and download buttons.
 * @cssprop --prune-border - borders.
 * @cssprop --prune-accent - the drop target's outline while a file is dragged over it.
 * @cssprop --prune-muted - captions.
 */
@customElement('prune-model-io')
export class PruneModelIo extends LitElement {
  static override styles = [theme, css`
    :host { display: block; margin-top: 8px; }
    .drop { display: flex; flex-wrap: wrap; gap: 10px; align-items: flex-end; border: 1px dashed var(--_border); border-radius: 6px; padding: 8px; }
    .drop.over { border-color: var(--_accent); outline: 2px solid var(--_accent); }
    label { display: flex; flex-direction: column; font-size: 12px; color: var(--_muted); gap: 2px; }
    input, select, button { font: inherit; color: var(--_fg); background: var(--_bg); border: 1px solid var(--_border); border-radius: 4px; padding: 2px 6px; }
    button { cursor: pointer; }
    button[disabled] { opacity: 0.55; cursor: not-allowed; }
    small { color: var(--_muted); font-size: 12px; }
    table { border-collapse: collapse; font-size: 12px; font-variant-numeric: tabular-nums; margin-top: 8px; }
    caption { caption-side: top; text-align: left; color: var(--_muted); padding-bottom: 2px; }
    th, td { padding: 2px 8px; border-bottom: 1px solid var(--_border); text-align: right; white-space: nowrap; }
    th:first-child, td:first-child, td.text { text-align: left; }
    th { color: var(--_muted); font-weight: 500; }
  `];

  /** The lab's model and data (set by <prune-lab>). */
  @property({ attribute: false }) io: ModelIo | null = null;
  /** ModelIo's change counter: a new value re-renders the panel. */
  @property({ attribute: false }) version = 0;
  /** A run is going: nothing can be loaded or exported meanwhile. */
  @property({ type: Boolean }) disabled = false;
  private over = false;
  private exporting = false;

  private async onFile(e: Event, kind: 'onnx' | 'csv' | 'csv-test'): Promise<void> {
    const input = e.target as HTMLInputElement;
    const file = input.files?.[0];
    input.value = '';
    if (file) await this.take(file, kind);
  }

  /** A file from an input or a drop: .onnx → the model, anything else → the CSV (or the test CSV). */
  async take(file: File, kind?: 'onnx' | 'csv' | 'csv-test'): Promise<boolean> {
    const io = this.io;
    if (!io || this.disabled) return false;
    const k = kind ?? (/\.onnx$/i.test(file.name) ? 'onnx' : 'csv');
    if (k === 'onnx') return io.importFile(await file.arrayBuffer(), file.name);
    const f = { text: await file.text(), name: file.name };
    if (k === 'csv') return io.loadCsv(f);
    io.setTestCsv(f);
    return true;
  }

  private onDrag(e: DragEvent, over: boolean): void {
    e.preventDefault();
    if (this.over !== over) {
      this.over = over;
      this.requestUpdate();
    }
  }

  private async onDrop(e: DragEvent): Promise<void> {
    this.onDrag(e, false);
    for (const f of [...(e.dataTransfer?.files ?? [])]) await this.take(f);
  }

  private async download(form: ExportForm): Promise<void> {
    const io = this.io;
    if (!io || this.exporting) return;
    this.exporting = true;
    this.requestUpdate();
    try {
      const r = await io.exportForm(form);
      if (!r.ok) {
        emit<LabFailure>(this, 'model-io-error', { code: r.code, message: `ONNX export (${form}): ${r.message}`, ...(r.field ? { field: r.field } : {}) });
        return;
      }
      download(r.fileName, r.bytes, 'application/octet-stream');
      emit<ModelExportDetail>(this, 'model-export', { form: r.form, fileName: r.fileName, bytes: r.bytes, table: r.table });
    } finally {
      this.exporting = false;
      this.requestUpdate();
    }
  }

  private layerTable(m: ImportedModel): unknown {
    const n = (x: number): string => x.toLocaleString('en-US');
    const params = m.layers.reduce((t, l) => t + l.params, 0);
    return html`<table class="layers" part="layers" data-model=${m.id}>
      <caption>${m.name}: ONNX opset ${m.opset}${m.producer ? `, from ${m.producer}` : ''}; input ${m.input.name} (${m.input.layout === 'flat' ? '[N, F]' : '[N, C, H, W]'});
        ${n(params)} parameters; ${n(m.masked)} of ${n(m.prunableWeights)} weights masked (${pct(m.masked, m.prunableWeights)})${m.notes.length ? html`; ${m.notes.map((x) => `${x.node} (${x.op}) ${x.action}${x.into ? ` into ${x.into}` : ''}`).join(', ')}` : nothing}</caption>
      <thead><tr><th>layer</th><th>type</th><th>shape</th><th>parameters</th><th>prunable</th><th>ONNX node</th></tr></thead>
      <tbody>${m.layers.map((l) => html`<tr data-layer=${l.name}>
        <td>${l.name}</td><td class="text" data-type>${l.type}</td><td class="text" data-shape>${l.shape.join('×')}</td><td data-params>${n(l.params)}</td>
        <td class="text" data-prunable>${l.prunable ? 'yes' : 'no'}</td><td class="text">${l.node ?? ''}</td></tr>`)}</tbody>
    </table>`;
  }

  private exportTable(s: Extract<ExportSizes, { ok: true }>): unknown {
    const t = s.table;
    const n = (x: number): string => x.toLocaleString('en-US');
    return html`<table class="exports" part="exports" data-original=${t.originalDenseF32}>
      <caption>The last run's final model as ONNX (opset ${t.opset}) against the dense f32 original (${formatBytes(t.originalDenseF32)})${s.note ? `; ${s.note}` : ''}</caption>
      <thead><tr><th>form</th><th>bytes</th><th>gzip bytes</th><th>vs dense f32</th><th>gzip vs dense f32</th><th></th></tr></thead>
      <tbody>${t.forms.map((f) => html`<tr data-form=${f.form}>
        <td>${f.form}</td><td data-bytes=${f.bytes}>${n(f.bytes)}</td><td data-gzip=${f.gzipBytes}>${n(f.gzipBytes)}</td>
        <td>${f.ratio.toFixed(2)}×</td><td>${f.gzipRatio.toFixed(2)}×</td>
        <td><button data-export=${f.form} ?disabled=${this.disabled || this.exporting} @click=${() => void this.download(f.form)}>Download ${f.form} .onnx</button></td></tr>`)}</tbody>
    </table>`;
  }

  protected override render(): unknown {
    const io = this.io;
    if (!io) return nothing;
    const c = io.csv;
    return html`
      <div class="drop ${this.over ? 'over' : ''}" part="drop" @dragover=${(e: DragEvent) => this.onDrag(e, true)} @dragleave=${(e: DragEvent) => this.onDrag(e, false)}
        @drop=${(e: DragEvent) => void this.onDrop(e)}>
        <label>ONNX model<input type="file" accept=".onnx" data-io="onnx" ?disabled=${this.disabled} @change=${(e: Event) => void this.onFile(e, 'onnx')} /></label>
        <label>CSV data<input type="file" accept=".csv,text/csv" data-io="csv" ?disabled=${this.disabled} @change=${(e: Event) => void this.onFile(e, 'csv')} /></label>
        ${c ? html`<label>target column<select data-io="target" ?disabled=${this.disabled} @change=${(e: Event) => void io.setTarget((e.target as HTMLSelectElement).value)}>
            ${c.columns.map((col) => html`<option value=${col} .selected=${live(col === c.target)}>${col}</option>`)}</select></label>
          <label>test CSV (optional)<input type="file" accept=".csv,text/csv" data-io="csv-test" ?disabled=${this.disabled} @change=${(e: Event) => void this.onFile(e, 'csv-test')} /></label>
          <small data-csv>${c.file.name}: ${c.rows.toLocaleString('en-US')} rows, ${c.features.length} features, ${c.classes.length} classes of ${c.target}${c.test ? `; test rows from ${c.test.name}` : '; test rows: a stratified 20%'}</small>`
        : nothing}
        <small>or drop an .onnx model or a .csv file here</small>
      </div>
      ${io.onnx ? this.layerTable(io.onnx) : nothing}
      ${io.sizes ? this.exportTable(io.sizes) : nothing}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'prune-model-io': PruneModelIo;
  }
  interface HTMLElementEventMap {
    'model-export': CustomEvent<ModelExportDetail>;
    'model-io-error': CustomEvent<LabFailure>;
  }
}
