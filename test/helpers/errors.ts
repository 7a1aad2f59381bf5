// The one check that a call is refused before any GPU work: it throws (or rejects
// with) a PruneLabError whose `field` names the bad argument, as does its message.
import { expect } from '@esm-bundle/chai';
import { PruneLabError } from '../../src/errors.js';

export async function expectArgError(fn: () => unknown, field: string): Promise<void> {
  let err: unknown;
  try {
    await fn();
  } catch (e) {
    err = e;
  }
  expect(err, `expected a PruneLabError naming ${field}`).to.be.instanceOf(PruneLabError);
  expect((err as PruneLabError).code).to.equal('invalid-argument');
  expect((err as PruneLabError).field, (err as Error).message).to.equal(field);
  expect((err as Error).message).to.contain(field);
}

/** The PruneLabError that `fn` throws (or rejects with); fails when it throws anything else or nothing. */
export async function refusal(fn: () => unknown): Promise<PruneLabError> {
  try {
    await fn();
  } catch (e) {
    expect(e, String(e)).to.be.instanceOf(PruneLabError);
    return e as PruneLabError;
  }
  throw new Error('expected a PruneLabError');
}
