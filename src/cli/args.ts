// Flag parsing shared by the subcommands: util.parseArgs in strict mode, with its
// errors rewritten to name the flag and what it accepts, and typed readers for
// integers, numbers and choices. Every problem is a UsageError (exit code 2),
// raised before anything runs.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { PruneLabError } from '../errors.js';

/** A usage error: printed with the flag it concerns, exit code 2. */
export class UsageError extends Error {}

export type FlagOptions = NonNullable<ParseArgsConfig['options']>;

export function usageError(flag: string, accepts: string, got?: string): never {
  throw new UsageError(`--${flag} ${got === undefined ? 'is invalid' : `got ${JSON.stringify(got)}`}; it accepts ${accepts}`);
}

/**
 * Typed readers over one subcommand's table of what each flag accepts, so that
 * every message about a flag says the same thing as its --help line.
 */
export class FlagReader {
  constructor(readonly accepts: Readonly<Record<string, string>>) {}

  private says(flag: string): string {
    return this.accepts[flag] ?? 'a valid value';
  }

  /** An integer in [lo, hi); undefined when the flag is absent. */
  int(v: string | undefined, flag: string, lo: number, hi = 2 ** 31): number | undefined {
    if (v === undefined) return undefined;
    const n = /^\d+$/.test(v.trim()) ? Number(v) : NaN;
    if (!(Number.isSafeInteger(n) && n >= lo && n < hi)) usageError(flag, this.says(flag), v);
    return n;
  }

  /** A finite number passing `ok`; undefined when the flag is absent. */
  num(v: string | undefined, flag: string, ok: (x: number) => boolean): number | undefined {
    if (v === undefined) return undefined;
    const n = v.trim() === '' ? NaN : Number(v);
    if (!(Number.isFinite(n) && ok(n))) usageError(flag, this.says(flag), v);
    return n;
  }

  oneOf<T extends string>(v: string | undefined, flag: string, allowed: readonly T[]): T | undefined {
    if (v === undefined) return undefined;
    if (!(allowed as readonly string[]).includes(v)) usageError(flag, allowed.join(' | '), v);
    return v as T;
  }
}

/**
 * util.parseArgs, strict, no positionals; its errors become UsageErrors that name
 * the flag (unknown flag → the list of flags; missing value → what it accepts).
 */
export function parseFlags<O extends FlagOptions>(args: string[], options: O, accepts: Readonly<Record<string, string>>): ReturnType<typeof parseArgs<{ options: O; strict: true; allowPositionals: false }>>['values'] {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false }).values;
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    const code = (e as { code?: string }).code;
    const flag = /'(-{1,2}[^' ]+)/.exec(msg)?.[1];
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      throw new UsageError(`unknown flag ${flag ?? msg}; flags: ${Object.keys(options).map((k) => `--${k}`).join(' ')}`);
    }
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && flag) {
      const name = flag.replace(/^-+/, '');
      const says = accepts[name] ?? (options[name]?.type === 'string' ? 'a value' : undefined);
      if (!says) throw new UsageError(`${flag} takes no value`);
      // parseArgs will not take "-3" as a value; report it as the value it was meant to be.
      const next = args[args.indexOf(flag) + 1];
      if (next !== undefined && /^-\.?\d/.test(next)) usageError(name, says, next);
      throw new UsageError(`${flag} needs a value: ${says}`);
    }
    if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') throw new UsageError(`unexpected argument: ${msg}; every input is given by a flag (see --help)`);
    throw new UsageError(msg);
  }
}

/** Writes `text` and resolves once it is flushed (so an exit right after loses nothing). */
export function writeOut(stream: NodeJS.WritableStream, text: string): Promise<void> {
  return new Promise((resolve, reject) => stream.write(text, (err) => (err ? reject(err) : resolve())));
}

/** Exit code of a PruneLabError by default: 2 for a bad argument or config (nothing ran), 1 otherwise (data, files, the run). */
export function exitCodeOf(e: PruneLabError): number {
  return e.code === 'invalid-config' || e.code === 'invalid-argument' ? 2 : 1;
}

/**
 * The error handling every subcommand shares: a UsageError prints its message
 * after `prune-lab <command>:` and exits 2; a PruneLabError likewise, with
 * `exitOf` (default exitCodeOf); `onError` runs first (e.g. to end a progress
 * line). Anything else is a bug and propagates.
 */
export async function withCliErrors(
  command: string, body: () => Promise<number>, opts: { exitOf?: (e: PruneLabError) => number; onError?: () => void } = {},
): Promise<number> {
  try {
    return await body();
  } catch (e) {
    if (!(e instanceof UsageError || e instanceof PruneLabError)) throw e;
    opts.onError?.();
    process.stderr.write(`prune-lab ${command}: ${e.message}\n`);
    return e instanceof UsageError ? 2 : (opts.exitOf ?? exitCodeOf)(e);
  }
}
