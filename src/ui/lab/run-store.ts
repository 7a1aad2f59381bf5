// Finished and running experiments in IndexedDB (through idb), one record per run,
// each written whole in one transaction after every finished round, so a record
// never holds half a round. A run in progress holds a Web Lock named after it: a
// record still marked running whose lock nobody holds was cut off by a reload (or
// a crash) and is marked interrupted, its finished rounds kept.
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { Report } from '../../worker/api.js';
import { currentReport } from '../prune-axes.js';

export type RunState = 'running' | 'complete' | 'aborted' | 'error' | 'interrupted';

export interface RunRecord {
  id: string;
  state: RunState;
  /** Drawn on the sparsity chart beside the current run. */
  shown: boolean;
  savedAt: string;
  /** The engine's report of the finished rounds (status 'running' until the run ends). */
  report: Report;
}

interface RunDb extends DBSchema {
  runs: { key: string; value: RunRecord };
}

export const DB_NAME = 'prune-lab';
const LOCK_PREFIX = 'prune-lab-run:';

export class RunStore {
  private constructor(private readonly db: IDBPDatabase<RunDb>) {}

  static async open(name = DB_NAME): Promise<RunStore> {
    const db = await openDB<RunDb>(name, 1, {
      upgrade(d) {
        d.createObjectStore('runs', { keyPath: 'id' });
      },
    });
    return new RunStore(db);
  }

  /**
   * Every record, oldest run first, its report in the current version (a record written
   * by an older lab goes through the engine's migration chain; one it cannot read is left out).
   */
  async list(): Promise<RunRecord[]> {
    const all = (await this.db.getAll('runs')).flatMap((r) => {
      try {
        return [{ ...r, report: currentReport(r.report, `runs.${r.id}.report`) }];
      } catch {
        return [];
      }
    });
    return all.sort((a, b) => a.report.createdAt.localeCompare(b.report.createdAt) || a.id.localeCompare(b.id));
  }

  get(id: string): Promise<RunRecord | undefined> {
    return this.db.get('runs', id);
  }

  /** Writes a record whole (replacing one with the same id). */
  async put(record: RunRecord): Promise<void> {
    await this.db.put('runs', { ...record, savedAt: new Date().toISOString() });
  }

  async delete(id: string): Promise<void> {
    await this.db.delete('runs', id);
  }

  async setShown(id: string, shown: boolean): Promise<void> {
    const tx = this.db.transaction('runs', 'readwrite');
    const r = await tx.store.get(id);
    if (r) await tx.store.put({ ...r, shown });
    await tx.done;
  }

  /** Marks every 'running' record whose run holds no lock as interrupted; returns their ids. */
  async markInterrupted(): Promise<string[]> {
    const held = new Set((await heldLocks()).filter((n) => n.startsWith(LOCK_PREFIX)).map((n) => n.slice(LOCK_PREFIX.length)));
    const tx = this.db.transaction('runs', 'readwrite');
    const changed: string[] = [];
    for (const r of await tx.store.getAll()) {
      if (r.state !== 'running' || held.has(r.id)) continue;
      const done = r.report.rounds.length;
      const report: Report = {
        ...r.report,
        status: 'aborted',
        error: { code: 'interrupted', message: `interrupted by a page reload after ${r.report.baseline ? `the baseline and ${done} round${done === 1 ? '' : 's'}` : 'no finished round'}` },
      };
      await tx.store.put({ ...r, state: 'interrupted', report, savedAt: new Date().toISOString() });
      changed.push(r.id);
    }
    await tx.done;
    return changed;
  }

  close(): void {
    this.db.close();
  }
}

async function heldLocks(): Promise<string[]> {
  if (typeof navigator === 'undefined' || !navigator.locks) return [];
  const q = await navigator.locks.query();
  return [...(q.held ?? []), ...(q.pending ?? [])].map((l) => l.name ?? '').filter(Boolean);
}

/**
 * Holds the lock of run `id` until `until` settles (so another tab's reload check
 * leaves the record alone). Without Web Locks it does nothing.
 */
export function holdRunLock(id: string, until: Promise<unknown>): void {
  if (typeof navigator === 'undefined' || !navigator.locks) return;
  void navigator.locks.request(LOCK_PREFIX + id, () => until.catch(() => {}));
}
