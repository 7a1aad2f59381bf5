// A Lit reactive controller that owns the tree Worker and its Comlink proxy: it
// starts the Worker when its host connects, terminates it (and abandons every
// pending call through an AbortSignal) when the host disconnects, and tracks how
// many calls are in flight and the last error, so the host can render them.
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
  private worker: Worker | null = null;
  private api: Comlink.Remote<TreeLabApi> | null = null;
  private aborter = new AbortController();

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly createWorker: TreeWorkerFactory = defaultWorker,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    this.aborter = new AbortController();
    this.worker = this.createWorker();
    this.api = Comlink.wrap<TreeLabApi>(this.worker);
  }

  hostDisconnected(): void {
    this.aborter.abort();
    this.api?.[Comlink.releaseProxy]();
    this.worker?.terminate();
    this.api = null;
    this.worker = null;
    this.pending = 0;
  }

  /** The signal of the current connection: aborted when the host disconnects. */
  get signal(): AbortSignal {
    return this.aborter.signal;
  }

  /**
   * Runs `fn` against the Worker. Resolves to its result, or to undefined when the
   * call failed (the message is in `error`) or the host disconnected meanwhile.
   */
  async run<T>(fn: (api: Comlink.Remote<TreeLabApi>) => Promise<T>): Promise<T | undefined> {
    const api = this.api;
    const signal = this.aborter.signal;
    if (!api || signal.aborted) return undefined;
    this.pending++;
    this.error = null;
    this.host.requestUpdate();
    const aborted = new Promise<undefined>((resolve) => signal.addEventListener('abort', () => resolve(undefined), { once: true }));
    try {
      return await Promise.race([fn(api), aborted]);
    } catch (e) {
      if (!signal.aborted) this.error = e instanceof Error ? e.message : String(e);
      return undefined;
    } finally {
      if (!signal.aborted) {
        this.pending--;
        this.host.requestUpdate();
      }
    }
  }
}
