// A Lit reactive controller that owns the tree Worker and its Comlink proxy: it
// starts the Worker when its host connects, terminates it (and abandons every
// pending call through an AbortSignal) when the host disconnects, and tracks how
// many calls are in flight and the last error, so the host can render them. A
// Worker that fails (an error event: an uncaught exception, a script that did not
// load; or a message that cannot be read) is stopped, its pending calls end at once,
// and `crashed` says why until restart() starts a fresh one.
import * as Comlink from 'comlink';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { TreeLabApi } from '../../worker/tree-api.js';

export type TreeWorkerFactory = () => Worker;

const defaultWorker: TreeWorkerFactory = () =>
  new Worker(new URL('../../worker/tree.worker.ts', import.meta.url), { type: 'module', name: 'prune-lab-trees' });

export class TreeLabController implements ReactiveController {
  /** Calls in flight. */
  pending = 0;
  /** Message of the last failed call, cleared by the next call. */
  error: string | null = null;
  /** Why the Worker stopped, once it failed; null while it works. Cleared by restart(). */
  crashed: string | null = null;
  private worker: Worker | null = null;
  private api: Comlink.Remote<TreeLabApi> | null = null;
  private aborter = new AbortController();
  /** Rejects each call in flight when the Worker fails. */
  private inFlight = new Set<(e: Error) => void>();

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly createWorker: TreeWorkerFactory = defaultWorker,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    this.spawn();
  }

  hostDisconnected(): void {
    this.aborter.abort();
    this.kill();
    this.pending = 0;
  }

  /** The signal of the current connection: aborted when the host disconnects. */
  get signal(): AbortSignal {
    return this.aborter.signal;
  }

  private spawn(): void {
    this.aborter = new AbortController();
    this.crashed = null;
    let worker: Worker;
    try {
      worker = this.createWorker();
    } catch (e) {
      this.onFailure(`the tree Worker could not start: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    this.worker = worker;
    this.api = Comlink.wrap<TreeLabApi>(worker);
    worker.addEventListener('error', (e: ErrorEvent) => {
      e.preventDefault();
      if (this.worker === worker) this.onFailure(`the tree Worker failed: ${e.message || 'an error with no message (did its script load?)'}`);
    });
    worker.addEventListener('messageerror', () => {
      if (this.worker === worker) this.onFailure('the tree Worker sent a message that could not be read');
    });
  }

  private kill(): void {
    this.api?.[Comlink.releaseProxy]();
    this.worker?.terminate();
    this.api = null;
    this.worker = null;
  }

  private onFailure(why: string): void {
    this.kill();
    this.crashed = why;
    for (const reject of this.inFlight) reject(new Error(why));
    this.inFlight.clear();
    this.host.requestUpdate();
  }

  /** A fresh Worker after a failure (it has no dataset yet: load one). */
  restart(): void {
    this.aborter.abort();
    this.kill();
    this.pending = 0;
    this.error = null;
    this.spawn();
    this.host.requestUpdate();
  }

  /**
   * Runs `fn` against the Worker. Resolves to its result, or to undefined when the
   * call failed (the message is in `error`), the Worker failed meanwhile (`crashed`),
   * or the host disconnected.
   */
  async run<T>(fn: (api: Comlink.Remote<TreeLabApi>) => Promise<T>): Promise<T | undefined> {
    const api = this.api;
    const signal = this.aborter.signal;
    if (!api || signal.aborted) return undefined;
    this.pending++;
    this.error = null;
    this.host.requestUpdate();
    const aborted = new Promise<undefined>((resolve) => signal.addEventListener('abort', () => resolve(undefined), { once: true }));
    let reject: (e: Error) => void = () => {};
    const failed = new Promise<never>((_, r) => (reject = r));
    this.inFlight.add(reject);
    try {
      return await Promise.race([fn(api), aborted, failed]);
    } catch (e) {
      if (!signal.aborted) this.error = e instanceof Error ? e.message : String(e);
      return undefined;
    } finally {
      this.inFlight.delete(reject);
      if (!signal.aborted) {
        this.pending--;
        this.host.requestUpdate();
      }
    }
  }
}
