// A Lit reactive controller that owns the lab Worker and its Comlink proxy: it
// starts the Worker when the host connects, aborts the run and terminates the
// Worker when the host disconnects, maps the run to a status the host renders
// (idle / pending / paused / complete / error / lost; a Worker that fails counts as
// lost, and nothing waits on it), and can start a fresh
// Worker (a new GPU device) after the device was lost.
import * as Comlink from 'comlink';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { AdapterSummary, ConfigCheck, CsvCheck, CsvFile, ExportForm, ExportSizes, ModelExport, ModelImport, ReportsCheck, LabApi, LabEvent, LabFailure, Prediction, Report, RunOutcome, StartOptions, SweepEvent, SweepOptions, SweepOutcome } from '../../worker/api.js';
import { PruneLabError, type ErrorCode } from '../../errors.js';

export type LabWorkerFactory = () => Worker;

/** The Worker beside this module, resolved against it (so a built library finds its own). */
export const defaultLabWorker: LabWorkerFactory = () =>
  new Worker(new URL('../../worker/lab.worker.ts', import.meta.url), { type: 'module', name: 'prune-lab' });

type Refused = { kind: 'refused'; error: LabFailure };

export type RunStatus = 'idle' | 'pending' | 'paused' | 'complete' | 'error' | 'lost';

export class LabController implements ReactiveController {
  status: RunStatus = 'idle';
  /** Why the last run failed (status 'error' or 'lost'). */
  error: LabFailure | null = null;
  /** The adapter, once the Worker has a device; null before, or when there is none. */
  adapter: AdapterSummary | null = null;
  /** Why the Worker has no device (no WebGPU, no adapter), when it has none. */
  deviceError: LabFailure | null = null;
  private worker: Worker | null = null;
  private api: Comlink.Remote<LabApi> | null = null;
  private aborter = new AbortController();
  private ready: Promise<void> = Promise.resolve();
  private inferring: Promise<Prediction[]> | null = null;
  /** Resolves when the current Worker fails (never, while it works). */
  private crashed: Promise<LabFailure> = new Promise(() => {});
  private nextPixels: Float32Array | null = null;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly factory: () => LabWorkerFactory,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    this.spawn();
  }

  hostDisconnected(): void {
    this.aborter.abort();
    void this.api?.abort().catch(() => {});
    this.kill();
    if (this.status === 'pending' || this.status === 'paused') this.status = 'idle';
  }

  /** Aborted when the host disconnects (or the Worker is replaced). */
  get signal(): AbortSignal {
    return this.aborter.signal;
  }

  get running(): boolean {
    return this.status === 'pending' || this.status === 'paused';
  }

  private spawn(): void {
    this.aborter = new AbortController();
    const worker = this.factory()();
    this.worker = worker;
    this.api = Comlink.wrap<LabApi>(worker);
    const api = this.api;
    // A Worker whose script fails (does not load, or throws uncaught) answers nothing again: end every wait on it.
    let crash: (f: LabFailure) => void = () => {};
    this.crashed = new Promise<LabFailure>((resolve) => (crash = resolve));
    worker.addEventListener('error', (e: ErrorEvent) => {
      e.preventDefault();
      if (this.worker === worker) crash({ code: 'internal', message: `the lab Worker failed: ${e.message || 'an error with no message (did its script load?)'}` });
    });
    this.ready = Promise.race([api.init(), this.crashed.then((f) => ({ ok: false as const, ...f }))]).then((r) => {
      if (this.api !== api) return;
      if (r.ok) {
        this.adapter = r.adapter;
        this.deviceError = null;
      } else {
        this.adapter = null;
        this.deviceError = { code: r.code, message: r.message };
      }
      this.host.requestUpdate();
    }, (e: unknown) => {
      this.deviceError = { code: 'internal', message: `the lab Worker failed to start: ${e instanceof Error ? e.message : String(e)}` };
      this.host.requestUpdate();
    });
  }

  private kill(): void {
    this.api?.[Comlink.releaseProxy]();
    this.worker?.terminate();
    this.api = null;
    this.worker = null;
    this.inferring = null;
  }

  /** A fresh Worker and GPU device (after a loss); the finished runs stay with the host. */
  restart(): Promise<void> {
    this.aborter.abort();
    this.kill();
    this.status = 'idle';
    this.error = null;
    this.adapter = null;
    this.deviceError = null;
    this.spawn();
    this.host.requestUpdate();
    return this.ready;
  }

  /** p, or a rejection once the Worker has failed (a failed Worker never answers). */
  private unlessCrashed<T>(p: Promise<T>): Promise<T> {
    return Promise.race([p, this.crashed.then((f): never => {
      throw new Error(f.message);
    })]);
  }

  /** Resolves once the Worker has tried to get a device. */
  whenReady(): Promise<void> {
    return this.ready;
  }

  /** The engine's check of a config; null when the Worker went away meanwhile. */
  async validate(config: unknown): Promise<ConfigCheck | null> {
    const api = this.api;
    if (!api) return null;
    try {
      return await this.unlessCrashed<ConfigCheck>(api.validate(config));
    } catch {
      return null;
    }
  }

  /**
   * One job in the Worker (a run or a sweep): status pending until it settles, its events
   * relayed to the main thread, and the host disconnecting (refused, 'aborted') or the
   * Worker failing (lost) end the wait. Null when the Worker is not there.
   */
  private async job<E, O>(invoke: (api: Comlink.Remote<LabApi>, relay: (e: E) => void) => Promise<O>, onEvent: (e: E) => void,
    lost: (error: LabFailure) => O, status: (out: O | Refused) => { status: RunStatus; error: LabFailure | null }): Promise<O | Refused> {
    const api = this.api;
    const signal = this.aborter.signal;
    if (!api || signal.aborted) return { kind: 'refused', error: { code: 'aborted', message: 'the lab is not connected' } };
    this.status = 'pending';
    this.error = null;
    this.host.requestUpdate();
    const gone = new Promise<Refused>((resolve) =>
      signal.addEventListener('abort', () => resolve({ kind: 'refused', error: { code: 'aborted', message: 'the lab was disconnected or restarted during the run' } }), { once: true }));
    const relay = Comlink.proxy((e: E) => {
      if (signal.aborted) return;
      onEvent(e);
      this.host.requestUpdate();
    });
    const crashed = this.crashed.then(lost);
    let out: O | Refused;
    try {
      out = await Promise.race([invoke(api, relay), gone, crashed]);
    } catch (e) {
      out = { kind: 'refused', error: { code: 'internal', message: e instanceof Error ? e.message : String(e) } };
    }
    if (!signal.aborted) {
      ({ status: this.status, error: this.error } = status(out));
      this.host.requestUpdate();
    }
    return out;
  }

  /**
   * Runs one experiment; events go to onEvent on the main thread. Resolves with how
   * it ended (the host disconnecting meanwhile ends it as 'refused' with code 'aborted').
   */
  start(options: StartOptions, onEvent: (e: LabEvent) => void): Promise<RunOutcome> {
    return this.job<LabEvent, RunOutcome>((api, relay) => api.start(options, relay), (e) => {
      if (e.type === 'phase' && (e.phase === 'paused' || e.phase === 'running')) this.status = e.phase === 'paused' ? 'paused' : 'pending';
      if (e.type === 'device-lost') this.status = 'lost';
      onEvent(e);
    }, (error) => ({ kind: 'lost', report: null, error }), (out) => {
      // A device lost while idle shows only when the next run is refused for it.
      if (out.kind === 'lost' || (out.kind === 'refused' && out.error.code === 'device-lost')) return { status: 'lost', error: out.error };
      if (out.kind === 'refused') return { status: 'error', error: out.error };
      if (out.report.status === 'complete') return { status: 'complete', error: null };
      return {
        status: 'error',
        error: out.report.error ?? { code: out.report.status === 'aborted' ? 'aborted' : 'internal', message: out.report.status === 'aborted' ? 'the run was stopped' : 'the run failed' },
      };
    });
  }

  /**
   * Compares the criteria on one trained model (LabApi.sweep); events go to onEvent on the
   * main thread. Status as for a run: pending, then complete, error or lost.
   */
  sweep(options: SweepOptions, onEvent: (e: SweepEvent) => void): Promise<SweepOutcome> {
    return this.job<SweepEvent, SweepOutcome>((api, relay) => api.sweep(options, relay), onEvent, (error) => ({ kind: 'lost', error }), (out) => {
      if (out.kind === 'done') return { status: 'complete', error: null };
      return { status: out.kind === 'lost' || out.error.code === 'device-lost' ? 'lost' : 'error', error: out.error };
    });
  }

  pause(): void {
    void this.api?.pause();
  }

  resume(): void {
    void this.api?.resume();
  }

  abort(): void {
    void this.api?.abort();
  }

  /** The engine's CSV of a report (one row per round). */
  async csv(report: Report): Promise<string> {
    if (!this.api) throw new Error('the lab is not connected');
    return this.unlessCrashed(this.api.csv(report));
  }

  /** An imported file's reports, checked and migrated by the engine in the Worker; throws PruneLabError naming the first bad field. */
  async readReports(text: string, name: string): Promise<Report[]> {
    if (!this.api) throw new Error('the lab is not connected');
    const r = await this.unlessCrashed<ReportsCheck>(this.api.readReports(text, name));
    if (!r.ok) throw new PruneLabError(r.code as ErrorCode, r.message, r.field);
    return r.reports;
  }

  /** Imports an .onnx file in the Worker (kept there by the returned id); a refusal comes back as { ok: false }. */
  async importModel(bytes: ArrayBuffer, name: string): Promise<ModelImport> {
    if (!this.api) return { ok: false, code: 'internal', message: 'the lab is not connected' };
    return this.unlessCrashed<ModelImport>(this.api.importModel(Comlink.transfer(bytes, [bytes]), name));
  }

  /** A CSV's columns, classes and default model, read by the engine's parser. */
  async readCsv(file: CsvFile, target?: string): Promise<CsvCheck> {
    if (!this.api) return { ok: false, code: 'internal', message: 'the lab is not connected' };
    return this.unlessCrashed<CsvCheck>(this.api.readCsv(file, target));
  }

  /** The last run's final model as ONNX in one form, with every form's size. */
  async exportModel(form: ExportForm): Promise<ModelExport> {
    if (!this.api) return { ok: false, code: 'internal', message: 'the lab is not connected' };
    return this.unlessCrashed<ModelExport>(this.api.exportModel(form));
  }

  /** Every export form's size for the last run's final model. */
  async exportSizes(): Promise<ExportSizes> {
    if (!this.api) return { ok: false, code: 'internal', message: 'the lab is not connected' };
    return this.unlessCrashed<ExportSizes>(this.api.exportSizes());
  }

  /** Destroys the Worker's device, as a lost GPU would. */
  async loseDevice(): Promise<void> {
    await this.api?.loseDevice();
  }

  /**
   * Classifies a drawn digit with the dense and pruned models. While one call is in
   * flight, later pixels replace each other and only the newest runs next.
   */
  async infer(pixels: Float32Array): Promise<Prediction[] | null> {
    const api = this.api;
    if (!api) return null;
    if (this.inferring) {
      this.nextPixels = pixels;
      return null;
    }
    let current: Float32Array | null = pixels;
    let result: Prediction[] | null = null;
    while (current) {
      this.nextPixels = null;
      this.inferring = this.unlessCrashed(api.infer(current));
      try {
        result = await this.inferring;
      } catch {
        result = null;
      } finally {
        this.inferring = null;
      }
      if (this.api !== api) return null;
      current = this.nextPixels;
    }
    return result;
  }
}
