// A reactive controller that loads JSON from a URL for an element's `src` attribute:
// one request at a time (a new URL or a disconnect aborts the old one through its
// AbortSignal), with pending / complete / error status for the host to render.
import type { ReactiveController, ReactiveControllerHost } from 'lit';

export type SourceStatus = 'idle' | 'pending' | 'complete' | 'error';

export class JsonSourceController implements ReactiveController {
  status: SourceStatus = 'idle';
  /** Why the last load failed. */
  error: string | null = null;
  private url: string | null = null;
  private aborter: AbortController | null = null;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly onLoad: (value: unknown) => void,
  ) {
    host.addController(this);
  }

  /** Starts loading url (relative to the page), or forgets the source when url is null or empty. */
  load(url: string | null): void {
    this.aborter?.abort();
    this.aborter = null;
    this.url = url || null;
    this.error = null;
    this.status = 'idle';
    if (this.url === null) return;
    const aborter = new AbortController();
    this.aborter = aborter;
    this.status = 'pending';
    const src = this.url;
    void (async () => {
      try {
        const res = await fetch(src, { signal: aborter.signal });
        if (!res.ok) throw new Error(`HTTP ${res.status}`);
        const value: unknown = await res.json();
        if (aborter.signal.aborted) return;
        this.status = 'complete';
        this.onLoad(value);
      } catch (e) {
        if (aborter.signal.aborted) return;
        this.status = 'error';
        this.error = e instanceof Error ? e.message : String(e);
      }
      this.host.requestUpdate();
    })();
  }

  hostConnected(): void {
    // Reconnected after a disconnect aborted the load: start it again.
    if (this.url !== null && this.status !== 'complete' && this.aborter === null) this.load(this.url);
  }

  hostDisconnected(): void {
    this.aborter?.abort();
    this.aborter = null;
  }
}
