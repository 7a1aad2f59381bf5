// The fuzz suite in the browser: every door's seeded malformed inputs against the
// one oracle (test/fuzz/harness.ts). npm test runs the fast subset (each door's
// fastCases from a fixed seed); `npm run fuzz -- --cases N --seed S` runs N per
// door and collects the summaries (window.__FUZZ, set by scripts/fuzz.mjs).
import { expect } from '@esm-bundle/chai';
import { DOORS } from './doors/index.js';
import { failureLine, fuzzDoor, settings, type DoorSummary } from './harness.js';

async function send(summary: DoorSummary): Promise<void> {
  if (!settings().report) return;
  await fetch('/__fuzz/summary', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(summary) });
}

describe('fuzz: every bad input gets a PruneLabError naming its field, or a documented acceptance', () => {
  const only = settings().doors;
  for (const door of DOORS.filter((d) => !only || only.includes(d.name))) {
    it(`door ${door.name}`, async function () {
      this.timeout(0);
      const s = await fuzzDoor(door);
      await send(s);
      console.log(`fuzz ${s.door}: ${s.cases} cases, ${s.accepted} accepted, ${s.refused} refused, ${s.failures.length} failed (seed ${s.seed})`);
      expect(s.cases).to.equal(settings().cases ?? door.fastCases);
      expect(s.failures.map(failureLine), `${s.failures.length} of ${s.cases} cases failed`).to.deep.equal([]);
    });
  }
});
