// The fuzz suite's CLI door (test/fuzz/cli-door.mjs), fast subset: 40 seeded
// command lines with one thing broken each, four processes at once. Every one must
// end in exit 2 (or 1 for a bad file) with a message naming the flag, or in a
// documented acceptance; never a stack trace, another exit code or a hang.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fuzzCli, FAST_SEED } from '../fuzz/cli-door.mjs';

describe('fuzz: CLI flags of every sub-command', () => {
  it('40 cases end in a usage error naming the flag, or a documented acceptance', async () => {
    const s = await fuzzCli({ cases: 40, seed: FAST_SEED, parallel: 4 });
    console.log(`fuzz cli: ${s.cases} cases, ${s.accepted} accepted, ${s.refused} refused, ${s.failures.length} failed; slowest refusal ${s.slowestRefusalMs} ms`);
    assert.equal(s.cases, 40);
    assert.deepEqual(s.failures.map((f) => `[cli] seed ${f.seed} case ${f.index}: ${f.error}\n    input: ${f.repro}`), []);
  });
});
