// The stored runs: whole records in IndexedDB, listed oldest first, and the reload
// check that marks a running record interrupted only when no live run holds its lock.
import { expect } from '@esm-bundle/chai';
import { deleteDB } from 'idb';
import { RunStore, holdRunLock, type RunRecord } from '../../../src/ui/lab/run-store.js';
import { MAGNITUDE_REPORT, MAGNITUDE_REPORT_V1, RANDOM_REPORT } from '../fixtures.js';
import type { Report } from '../../../src/lab/report.js';

const name = `prune-lab-store-test-${Date.now()}`;

function record(report: Report, state: RunRecord['state']): RunRecord {
  return { id: report.id, state, shown: true, savedAt: '', report };
}

describe('RunStore', () => {
  let store: RunStore;
  before(async () => {
    store = await RunStore.open(name);
  });
  after(async () => {
    store.close();
    await deleteDB(name);
  });

  it('lists a record an older lab stored (report version 1) through the migration, and leaves out one it cannot read', async () => {
    await store.put(record({ ...MAGNITUDE_REPORT_V1, id: 'run-v1' } as Report, 'complete'));
    await store.put(record({ ...MAGNITUDE_REPORT_V1, id: 'run-v0', version: 0 } as unknown as Report, 'complete'));
    const [r, ...rest] = await store.list();
    expect(rest).to.deep.equal([]);
    expect([r!.id, r!.report.version]).to.deep.equal(['run-v1', 2]);
    expect(r!.report.config.prune).to.include({ granularity: 'weight', criterion: 'magnitude', scope: 'global', when: 'after' });
    await store.delete('run-v1');
    await store.delete('run-v0');
  });

  it('writes, lists (oldest run first), toggles and deletes whole records', async () => {
    const a = { ...MAGNITUDE_REPORT, id: 'run-a', createdAt: '2026-01-02T00:00:00.000Z' };
    const b = { ...RANDOM_REPORT, id: 'run-b', createdAt: '2026-01-01T00:00:00.000Z' };
    await store.put(record(a, 'complete'));
    await store.put(record(b, 'complete'));
    expect((await store.list()).map((r) => r.id)).to.deep.equal(['run-b', 'run-a']);
    expect((await store.get('run-a'))!.report).to.deep.equal(a);
    await store.setShown('run-a', false);
    expect((await store.get('run-a'))!.shown).to.equal(false);
    await store.put({ ...record(a, 'complete'), report: { ...a, rounds: a.rounds.slice(0, 1) } });
    expect((await store.get('run-a'))!.report.rounds).to.have.length(1);
    await store.delete('run-a');
    await store.delete('run-b');
    expect(await store.list()).to.deep.equal([]);
  });

  it('marks running records interrupted, keeping their rounds, unless a live run holds the lock', async () => {
    const cut = { ...MAGNITUDE_REPORT, id: 'run-cut', status: 'running' as const };
    const live = { ...RANDOM_REPORT, id: 'run-live', status: 'running' as const };
    await store.put(record(cut, 'running'));
    await store.put(record(live, 'running'));
    let release = (): void => {};
    holdRunLock('run-live', new Promise<void>((r) => (release = r)));
    await new Promise((r) => setTimeout(r, 50));
    expect(await store.markInterrupted()).to.deep.equal(['run-cut']);
    const rec = (await store.get('run-cut'))!;
    expect(rec.state).to.equal('interrupted');
    expect(rec.report.status).to.equal('aborted');
    expect(rec.report.error).to.deep.equal({ code: 'interrupted', message: 'interrupted by a page reload after the baseline and 2 rounds' });
    expect(rec.report.rounds).to.deep.equal(cut.rounds);
    expect(rec.report.baseline).to.deep.equal(cut.baseline);
    expect((await store.get('run-live'))!.state).to.equal('running');
    release();
    await new Promise((r) => setTimeout(r, 50));
    expect(await store.markInterrupted()).to.deep.equal(['run-live']);
  });
});
