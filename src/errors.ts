// The one error class of prune-lab: a stable `code` plus a message that names the
// bad field and what it accepts. Every layer throws it before doing any work.

export type ErrorCode =
  | 'invalid-argument'
  | 'no-webgpu'
  | 'no-adapter'
  | 'device-lost'
  | 'gpu-validation'
  | 'invalid-data'
  | 'invalid-config'
  | 'aborted';

export class PruneLabError extends Error {
  readonly code: ErrorCode;
  /** The argument, field or flag at fault, when there is one. */
  readonly field: string | undefined;

  constructor(code: ErrorCode, message: string, field?: string) {
    super(message);
    this.name = 'PruneLabError';
    this.code = code;
    this.field = field;
  }
}

/** Throws `invalid-argument` naming `field` unless `ok`. */
export function check(ok: boolean, field: string, expected: string, got?: unknown): asserts ok {
  if (!ok) {
    const shown = got === undefined ? '' : ` (got ${describe(got)})`;
    throw new PruneLabError('invalid-argument', `${field} must be ${expected}${shown}`, field);
  }
}

function describe(v: unknown): string {
  if (typeof v === 'number' || typeof v === 'boolean' || v === null || v === undefined) return String(v);
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (ArrayBuffer.isView(v)) return `${v.constructor.name}(${(v as unknown as ArrayLike<number>).length})`;
  if (Array.isArray(v)) return `array(${v.length})`;
  return typeof v;
}

/** A positive integer (≥ 1) below 2^31. */
export function checkDim(v: unknown, field: string): asserts v is number {
  check(typeof v === 'number' && Number.isInteger(v) && v >= 1 && v < 2 ** 31, field, 'an integer ≥ 1', v);
}

/**
 * Throws `code` naming `field` unless `v` is a plain object (not an array or null) whose
 * own keys are all in `allowed`; the message lists the fields it accepts. A bad key is
 * named `prefix` + key (`field.` by default; '' for a top-level object).
 */
export function checkFields(v: unknown, field: string, allowed: readonly string[], code: ErrorCode = 'invalid-config', prefix = `${field}.`): asserts v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    throw new PruneLabError(code, `${field} must be an object with fields ${allowed.join(', ')} (got ${describe(v)})`, field);
  }
  for (const k of Object.keys(v)) {
    if (!allowed.includes(k)) throw new PruneLabError(code, `${prefix}${k} is not a field of ${field} (fields: ${allowed.join(', ')})`, `${prefix}${k}`);
  }
}
