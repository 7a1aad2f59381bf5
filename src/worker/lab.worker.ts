// The Worker that owns the GPUDevice and runs the pruning lab off the main thread,
// exposing LabApi through Comlink. It loads MNIST (or any IDX set laid out like
// it) from the URL the page passes, runs one experiment at a time, snapshots the
// model after every round (for live inference, the mask view and the latency of
// each inference path), and reports device loss as an event. It also takes the user's
// own model (.onnx, imported and kept by id) and data (CSV), and exports the last
// run's final model as ONNX (src/worker/lab-io.ts).
import * as Comlink from 'comlink';
import { PruneLabError } from '../errors.js';
import { acquireDevice } from '../gpu/device.js';
import { createGpuContext, type GpuContext } from '../gpu/context.js';
import { loadMnist } from '../data/mnist.js';
import type { ImageDataset } from '../data/dataset.js';
import { resolveModel, validateConfig } from '../lab/config.js';
import { labData, runExperiment, type LabProgress } from '../lab/run.js';
import { checkRun } from '../lab/preflight.js';
import { reportToCsv, type Report, type RoundEntry } from '../lab/report.js';
import { parseReports } from '../lab/report-schema.js';
import type { LayerValues, Network } from '../nn/network.js';
import type { ModelPlan } from '../nn/spec.js';
import type { AdapterSummary } from '../gpu/device.js';
import type { ConfigCheck, CsvCheck, CsvFile, ExportForm, ExportSizes, ModelExport, ModelImport, ReportsCheck, LabApi, LabEvent, LabFailure, Prediction, RunOutcome, StartOptions, SweepEvent, SweepOptions, SweepOutcome } from './api.js';
import { checkSweep, runSweep } from './sweep.js';
import { failure, Gate, ModelSlot, PROGRESS_EVERY_MS, roundModel, measurePaths, firstLinear } from './lab-models.js';
import { FinalModel, ImportedModels, checkTabular, readCsv, tabularData } from './lab-io.js';

interface Device {
  ctx: GpuContext;
  adapter: AdapterSummary;
}

class LabWorker implements LabApi {
  private device: Promise<Device> | null = null;
  private lostInfo: LabFailure | null = null;
  private onLost: Array<(f: LabFailure) => void> = [];
  private data = new Map<string, Promise<{ train: ImageDataset; test: ImageDataset }>>();
  private running = false;
  private aborter: AbortController | null = null;
  private gate = new Gate();
  /** The dense baseline and the latest round's model of the current or last run. */
  private baseline = new ModelSlot();
  private pruned = new ModelSlot();
  /** Per-round snapshot work, chained; training waits for it at the next step. */
  private roundWork: Promise<void> = Promise.resolve();
  /** Inference calls, one at a time (a plan runs one frame at a time). */
  private inferQueue: Promise<unknown> = Promise.resolve();
  /** Models importModel took, by id. */
  private imported = new ImportedModels();
  /** The last run's final model, for export (null before any, or while a run goes). */
  private final: FinalModel | null = null;

  /** A getter, so that TypeScript does not narrow it across awaits (the lost promise sets it). */
  private get isLost(): boolean {
    return this.lostInfo !== null;
  }

  private acquire(): Promise<Device> {
    this.device ??= acquireDevice().then(({ device, info, lost }) => {
      void lost.then((l) => {
        const f: LabFailure = { code: 'device-lost', message: `The GPU device was lost (${l.reason || 'unknown'}): ${l.message || 'no details'}` };
        this.lostInfo = f;
        for (const cb of this.onLost.splice(0)) cb(f);
      });
      return { ctx: createGpuContext(device), adapter: info };
    });
    return this.device;
  }

  async init(): Promise<{ ok: true; adapter: AdapterSummary } | ({ ok: false } & LabFailure)> {
    try {
      const d = await this.acquire();
      return { ok: true, adapter: d.adapter };
    } catch (e) {
      this.device = null;
      return { ok: false, ...failure(e) };
    }
  }

  async validate(config: unknown): Promise<ConfigCheck> {
    try {
      return { ok: true, config: validateConfig(config) };
    } catch (e) {
      return { ok: false, ...failure(e) };
    }
  }

  private loadData(url: string): Promise<{ train: ImageDataset; test: ImageDataset }> {
    let p = this.data.get(url);
    if (!p) {
      p = loadMnist(url, { dir: './' });
      this.data.set(url, p);
      p.catch(() => this.data.delete(url));
    }
    return p;
  }

  async start(options: StartOptions, onEvent: (e: LabEvent) => void): Promise<RunOutcome> {
    if (this.running) return { kind: 'refused', error: { code: 'invalid-argument', message: 'a run is already in progress: abort it first', field: 'run' } };
    if (this.lostInfo) return { kind: 'refused', error: this.lostInfo };
    let config;
    let initial;
    let tabular;
    try {
      // An imported model is the run's model, and its weights the start; CSV data name the dataset.
      const imported = options.model === undefined ? undefined : this.imported.get(options.model);
      tabular = options.tabular === undefined ? undefined : checkTabular(options.tabular);
      config = validateConfig({
        ...options.config,
        ...(imported ? { model: imported.spec } : {}),
        ...(tabular ? { dataset: { name: 'csv', label: tabular.name, target: tabular.target, ...(tabular.test ? { test: tabular.test.name } : {}) } } : {}),
      });
      if (config.dataset.name === 'csv' && !tabular) throw new PruneLabError('invalid-argument', "dataset 'csv' needs the CSV itself: StartOptions.tabular { text, name, target }", 'dataset');
      if (imported) initial = { values: structuredClone(imported.values) };
      const f = options.latencyFrames;
      if (!(f === 0 || (Number.isInteger(f) && f >= 200 && f <= 100000))) {
        throw new PruneLabError('invalid-argument', `latencyFrames must be 0 (none) or an integer in [200, 100000] (got ${JSON.stringify(f)})`, 'latencyFrames');
      }
      if (!tabular) new URL(options.dataUrl);
    } catch (e) {
      return { kind: 'refused', error: failure(e, 'dataUrl') };
    }
    const { signal, lost, lostCb } = this.begin((f) => onEvent({ type: 'device-lost', reason: 'lost', message: f.message }));
    let lastReport: Report | null = null;
    try {
      onEvent({ type: 'phase', phase: 'loading' });
      let device: Device;
      let data;
      try {
        if (tabular) {
          device = await Promise.race([this.acquire(), lost]);
          data = tabularData(config, tabular);
        } else {
          let raw: { train: ImageDataset; test: ImageDataset };
          [device, raw] = await Promise.race([Promise.all([this.acquire(), this.loadData(options.dataUrl)]), lost]);
          // The split and every check on config + data sizes come before the UI lets go of the last run.
          data = labData(config, raw.train, raw.test);
        }
        config = checkRun(config, {
          train: { n: data.train.n, shape: data.train.shape, numClasses: data.train.numClasses },
          validation: { n: data.validation.n },
          test: { n: data.test.n },
        }, device.ctx.device.limits);
      } catch (e) {
        if (this.isLost) throw e;
        if (!(e instanceof PruneLabError)) this.device = null;
        return { kind: 'refused', error: failure(e) };
      }
      onEvent({ type: 'accepted', config });
      await this.releaseModels();
      this.final = null;
      const probe = data.test.images.slice(0, data.test.shape.C * data.test.shape.H * data.test.shape.W);
      const structured = config.prune.granularity === 'unit'; // the normalized axis: method 'structured' or granularity 'unit'
      let lastProgress = 0;
      let lastPhase = '';
      onEvent({ type: 'phase', phase: 'running' });
      const run = runExperiment(device.ctx, device.adapter, config, data, {
        signal,
        ...(initial ? { initial } : {}),
        betweenSteps: async () => {
          await this.roundWork;
          await this.gate.wait(() => onEvent({ type: 'phase', phase: 'paused' }), () => onEvent({ type: 'phase', phase: 'running' }));
        },
        onProgress: (p: LabProgress) => {
          const now = performance.now();
          const key = `${p.phase}/${p.round}/${p.epoch}`;
          if (key === lastPhase && now - lastProgress < PROGRESS_EVERY_MS) return;
          lastPhase = key;
          lastProgress = now;
          onEvent({ type: 'progress', progress: p });
        },
        onRound: (entry: RoundEntry, report: Report, network: Network) => {
          lastReport = structuredClone(report);
          onEvent({ type: 'round', entry, report: lastReport });
          // Read now: the copies are queued before the next round changes the weights.
          const values = network.readValues();
          const plan = network.plan;
          this.roundWork = this.roundWork.then(() => this.snapshot(device.ctx, plan, values, entry, structured, probe, options.latencyFrames, onEvent));
        },
      });
      const result = await Promise.race([run, lost]);
      await Promise.race([this.roundWork, lost]);
      try {
        const net = result.network;
        const values = await Promise.race([net.readValues(), lost]);
        this.final = new FinalModel({ spec: structuredClone(net.plan.spec), values }, resolveModel(config.model), data.tabular);
      } finally {
        result.network.destroy();
      }
      return { kind: 'report', report: result.report };
    } catch (e) {
      // Set by the device's lost promise meanwhile (TypeScript narrowed it to null above).
      const lostNow = this.lostInfo as LabFailure | null;
      if (lostNow) {
        const report: Report | null = lastReport === null ? null : { ...(lastReport as Report), status: 'error', error: { code: 'device-lost', message: lostNow.message } };
        return { kind: 'lost', report, error: lostNow };
      }
      return { kind: 'refused', error: failure(e) };
    } finally {
      this.end(lostCb);
    }
  }

  /** A job starts: running, a fresh abort signal and pause gate, and a promise that rejects when the device is lost (after `onLoss`). */
  private begin(onLoss: (f: LabFailure) => void): { signal: AbortSignal; lost: Promise<never>; lostCb: (f: LabFailure) => void } {
    this.running = true;
    this.aborter = new AbortController();
    this.gate = new Gate();
    let lostReject: (f: LabFailure) => void = () => {};
    const lost = new Promise<never>((_, reject) => (lostReject = reject));
    lost.catch(() => {});
    const lostCb = (f: LabFailure): void => {
      onLoss(f);
      lostReject(f);
    };
    this.onLost.push(lostCb);
    return { signal: this.aborter.signal, lost, lostCb };
  }

  private end(lostCb: (f: LabFailure) => void): void {
    this.onLost = this.onLost.filter((cb) => cb !== lostCb);
    this.running = false;
    this.aborter = null;
    this.gate.open();
  }

  /** After a round: keep a copy of the model for inference, send fc1, and time each inference path. */
  private async snapshot(ctx: GpuContext, plan: ModelPlan, values: Promise<LayerValues[]>, entry: RoundEntry, structured: boolean,
    probe: Float32Array, frames: number, onEvent: (e: LabEvent) => void): Promise<void> {
    if (this.lostInfo) return;
    try {
      const v = await values;
      const model = await roundModel(ctx, plan, v, entry, structured);
      await this.exclusive(() => {
        if (entry.round === 0) this.baseline.set(model);
        this.pruned.set(entry.round === 0 ? null : model);
      });
      const fc = firstLinear(plan, v);
      if (fc) onEvent({ type: 'layer', round: entry.round, layer: fc });
      if (frames > 0) {
        const points = await measurePaths(model.net, entry, structured, probe, frames);
        onEvent({ type: 'latency', round: entry.round, points });
      }
    } catch (e) {
      if (!this.lostInfo) console.warn(`prune-lab worker: round ${entry.round} snapshot failed: ${failure(e).message}`);
    }
  }

  async pause(): Promise<void> {
    if (this.running) this.gate.close();
  }

  async resume(): Promise<void> {
    this.gate.open();
  }

  async abort(): Promise<void> {
    this.aborter?.abort();
    this.gate.open();
  }

  async infer(pixels: Float32Array): Promise<Prediction[]> {
    if (!(pixels instanceof Float32Array) || pixels.length !== 784) {
      throw new PruneLabError('invalid-argument', `pixels must be a Float32Array of 784 (28×28) values (got ${pixels?.length})`, 'pixels');
    }
    return this.exclusive(async () => {
      if (this.lostInfo) return [];
      const out: Prediction[] = [];
      for (const slot of [this.baseline, this.pruned]) {
        const m = slot.model;
        if (!m || m.plan.rowSize !== pixels.length) continue;
        const t0 = performance.now();
        const digit = await m.plan.infer(pixels);
        out.push({ label: m.label, digit, latencyMs: performance.now() - t0 });
      }
      return out;
    });
  }

  async sweep(options: SweepOptions, onEvent: (e: SweepEvent) => void): Promise<SweepOutcome> {
    if (this.running) return { kind: 'refused', error: { code: 'invalid-argument', message: 'a run is already in progress: abort it first', field: 'run' } };
    if (this.lostInfo) return { kind: 'refused', error: this.lostInfo };
    let config;
    try {
      checkSweep(options);
      config = validateConfig({ ...options.config, prune: { schedule: 'oneshot', targetSparsity: 0, rounds: 1, finetuneEpochs: 0 } });
      new URL(options.dataUrl);
    } catch (e) {
      return { kind: 'refused', error: failure(e, 'dataUrl') };
    }
    const { signal, lost, lostCb } = this.begin(() => {});
    try {
      const [device, raw] = await Promise.race([Promise.all([this.acquire(), this.loadData(options.dataUrl)]), lost]);
      const data = labData(config, raw.train, raw.test);
      const r = await Promise.race([runSweep(device.ctx, device.adapter, options, data, { signal, onEvent, betweenSteps: () => this.gate.wait(() => {}, () => {}) }), lost]);
      return { kind: 'done', ...r };
    } catch (e) {
      const lostNow = this.lostInfo as LabFailure | null;
      if (lostNow) return { kind: 'lost', error: lostNow };
      return { kind: 'refused', error: failure(e) };
    } finally {
      this.end(lostCb);
    }
  }

  async csv(report: Report): Promise<string> {
    return reportToCsv(report);
  }

  async readReports(text: string, name: string): Promise<ReportsCheck> {
    try {
      return { ok: true, reports: parseReports(text, name) };
    } catch (e) {
      return { ok: false, ...failure(e) };
    }
  }

  async importModel(bytes: ArrayBuffer, name: string): Promise<ModelImport> {
    return this.imported.add(bytes, name);
  }

  async readCsv(file: CsvFile, target?: string): Promise<CsvCheck> {
    return readCsv(file, target);
  }

  async exportModel(form: ExportForm): Promise<ModelExport> {
    const f = this.final;
    if (!f) return { ok: false, code: 'invalid-argument', message: 'there is no model to export yet: run an experiment first', field: 'form' };
    const r = await f.export(form);
    return r.ok ? Comlink.transfer(r, [r.bytes.buffer]) : r;
  }

  async exportSizes(): Promise<ExportSizes> {
    const f = this.final;
    if (!f) return { ok: false, code: 'invalid-argument', message: 'there is no model to export yet: run an experiment first' };
    try {
      return { ok: true, table: await f.sizes(), ...(f.note ? { note: f.note } : {}) };
    } catch (e) {
      return { ok: false, ...failure(e) };
    }
  }

  async loseDevice(): Promise<void> {
    const d = await this.acquire();
    d.ctx.device.destroy();
  }

  /** Runs fn between inference calls (models are swapped only there). */
  private exclusive<T>(fn: () => T | Promise<T>): Promise<T> {
    const next = this.inferQueue.then(fn);
    this.inferQueue = next.catch(() => {});
    return next;
  }

  private releaseModels(): Promise<void> {
    return this.exclusive(() => {
      this.baseline.set(null);
      this.pruned.set(null);
    });
  }
}

Comlink.expose(new LabWorker());
