// The fuzz harness: runs one door's seeded cases against the one oracle every
// input of the lab must meet. A case ends either in a PruneLabError whose `field`
// is a non-empty string or whose message names the mutated field, or in an
// acceptance the door documents (and checks: the accepted value must be sane).
// Never another error class, a GPU validation error, a hang, a leak of tracked
// GPU bytes or a change of the state the door says must survive.
import { PruneLabError } from '../../src/errors.js';
import { Rng } from '../../src/rng.js';
import type { GpuContext } from '../../src/gpu/context.js';

/** One generated input. `repro` is a short, human-readable description of it. */
export interface FuzzCase {
  repro: string;
  /** Names the refusal may give (the mutated field, flag or attribute). */
  fields: string[];
}

export interface Door<C extends FuzzCase = FuzzCase> {
  name: string;
  /** Cases in the fast subset (npm test). */
  fastCases: number;
  /** The GPU context whose live bytes and error scopes are watched, when the door uses one. */
  gpu?: () => Promise<GpuContext>;
  setup?: () => Promise<void>;
  teardown?: () => Promise<void>;
  generate: (rng: Rng, index: number) => C;
  /**
   * Runs the case. Returns nothing when the input was accepted and the door's
   * documented acceptance holds, or a string saying why the acceptance is wrong.
   * Throws whatever the code under test throws.
   */
  run: (c: C) => Promise<string | void>;
  /** After every case: a string when the state that must survive changed. */
  invariant?: () => Promise<string | void>;
  /** Per-case time limit (default 20 s). */
  timeoutMs?: number;
}

export interface Failure {
  door: string;
  seed: number;
  index: number;
  repro: string;
  error: string;
}

export interface DoorSummary {
  door: string;
  seed: number;
  cases: number;
  accepted: number;
  refused: number;
  failures: Failure[];
}

/** Fuzz settings: window.__FUZZ (long mode, set by scripts/fuzz.mjs) or the fast defaults. */
export interface FuzzSettings {
  cases?: number;
  seed?: number;
  /** Send each door's summary to the fuzz runner (long mode only). */
  report?: boolean;
  /** Only these doors (long mode's --doors). */
  doors?: string[];
}

export const FAST_SEED = 20261201;

export function settings(): FuzzSettings {
  return (globalThis as { __FUZZ?: FuzzSettings }).__FUZZ ?? {};
}

/** The seed of case `index`: every case is reproducible on its own. */
export function caseSeed(seed: number, index: number): number {
  return (Math.imul(seed ^ 0x5bd1e995, 0x9e3779b1) + Math.imul(index + 1, 0x85ebca6b)) >>> 0;
}

class Timeout extends Error {}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const t = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Timeout(`no answer within ${ms} ms (a hang)`)), ms)));
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

function describeError(e: unknown): string {
  if (e instanceof Error) return `${e.name}${e instanceof PruneLabError ? `(${e.code}, field ${JSON.stringify(e.field)})` : ''}: ${e.message}`;
  return `non-Error thrown: ${String(e)}`;
}

/** The refusal oracle: null when `e` is a refusal the lab may give for `c`, else why not. */
export function refusalProblem(e: unknown, c: FuzzCase): string | null {
  if (!(e instanceof PruneLabError)) return `not a PruneLabError: ${describeError(e)}`;
  const fieldOk = typeof e.field === 'string' && e.field.length > 0;
  const named = c.fields.some((f) => f !== '' && e.message.includes(f));
  if (!fieldOk && !named) return `PruneLabError names no field (field ${JSON.stringify(e.field)}, message ${JSON.stringify(e.message)})`;
  if (e.message.trim().length === 0) return 'PruneLabError with an empty message';
  return null;
}

/** Runs `cases` cases of a door from `seed`; never throws for a case (failures are counted). */
export async function fuzzDoor<C extends FuzzCase>(door: Door<C>, opts: FuzzSettings = settings()): Promise<DoorSummary> {
  const seed = opts.seed ?? FAST_SEED;
  const cases = opts.cases ?? door.fastCases;
  const summary: DoorSummary = { door: door.name, seed, cases: 0, accepted: 0, refused: 0, failures: [] };
  const ctx = door.gpu ? await door.gpu() : undefined;
  const uncaptured: string[] = [];
  const onUncaptured = (ev: Event): void => void uncaptured.push((ev as GPUUncapturedErrorEvent).error.message);
  ctx?.device.addEventListener('uncapturederror', onUncaptured);
  await door.setup?.();
  try {
    for (let index = 0; index < cases; index++) {
      const c = door.generate(new Rng(caseSeed(seed, index)), index);
      const problems: string[] = [];
      summary.cases++;
      const liveBefore = ctx?.pool.liveBytes;
      ctx?.device.pushErrorScope('validation');
      ctx?.device.pushErrorScope('out-of-memory');
      let outcome: { ok: true; problem: string | void } | { ok: false; error: unknown };
      try {
        outcome = { ok: true, problem: await withTimeout(door.run(c), door.timeoutMs ?? 20000) };
      } catch (error) {
        outcome = { ok: false, error };
      }
      if (ctx) {
        for (const scope of ['out-of-memory', 'validation']) {
          const err = await ctx.device.popErrorScope();
          if (err) problems.push(`GPU ${scope} error: ${err.message}`);
        }
        await ctx.device.queue.onSubmittedWorkDone();
      }
      let refused = false;
      if (outcome.ok) {
        if (outcome.problem) problems.push(outcome.problem.startsWith('refused') ? outcome.problem : `accepted, but ${outcome.problem}`);
      } else if (outcome.error instanceof Timeout) {
        problems.push(outcome.error.message);
      } else {
        const problem = refusalProblem(outcome.error, c);
        if (problem) problems.push(problem);
        refused = true;
      }
      problems.push(...uncaptured.splice(0).map((m) => `uncaptured GPU error: ${m}`));
      if (ctx && ctx.pool.liveBytes !== liveBefore) problems.push(`tracked live GPU bytes went from ${liveBefore} to ${ctx.pool.liveBytes}`);
      const changed = await door.invariant?.();
      if (changed) problems.push(`state changed: ${changed}`);
      if (problems.length) summary.failures.push({ door: door.name, seed, index, repro: c.repro, error: problems.join('; ') });
      else if (refused) summary.refused++;
      else summary.accepted++;
    }
  } finally {
    await door.teardown?.();
    ctx?.device.removeEventListener('uncapturederror', onUncaptured);
  }
  return summary;
}

/** A failure as one line: door, seed, case and a short repro. */
export function failureLine(f: Failure): string {
  const repro = f.repro.length > 300 ? `${f.repro.slice(0, 300)}…` : f.repro;
  return `[${f.door}] seed ${f.seed} case ${f.index}: ${f.error}\n    input: ${repro}`;
}
