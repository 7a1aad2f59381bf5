// Flag parsing shared by the subcommands: util.parseArgs in strict mode, with its
// errors rewritten to name the flag and what it accepts, a flag given twice
// refused, and typed readers for integers, numbers and choices that take plain
// decimal text only. Every problem is a UsageError (exit code 2), raised before
// anything runs.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError, usageError } from './command.js';

export type FlagOptions = NonNullable<ParseArgsConfig['options']>;

/** What the readers take: Number() alone would also read ' 5', '0x10', '' (as 0) and 'Infinity'. */
const INT = /^\d+$/;
import { DECIMAL } from '../lab/config-text.js';

export { DECIMAL };

/**
 * Typed readers over one subcommand's table of what each flag accepts, so that
 * every message about a flag says the same thing as its --help line.
 */
export class FlagReader {
  constructor(readonly accepts: Readonly<Record<string, string>>) {}

  private says(flag: string): string {
    return Object.hasOwn(this.accepts, flag) ? this.accepts[flag]! : 'a valid value';
  }

  /** An integer in [lo, hi), in decimal digits only (no sign, space, exponent or hex); undefined when the flag is absent. */
  int(v: string | undefined, flag: string, lo: number, hi = 2 ** 31): number | undefined {
    if (v === undefined) return undefined;
    const n = INT.test(v) ? Number(v) : NaN;
    if (!(Number.isSafeInteger(n) && n >= lo && n < hi)) usageError(flag, this.says(flag), v);
    return n;
  }

  /** A finite decimal number (exponent allowed: 1e-3) passing `ok`; undefined when the flag is absent. */
  num(v: string | undefined, flag: string, ok: (x: number) => boolean): number | undefined {
    if (v === undefined) return undefined;
    const n = DECIMAL.test(v) ? Number(v) : NaN;
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
 * A flag given twice is refused (parseArgs would keep the last one silently);
 * so is an empty value of a flag that takes one.
 */
export function parseFlags<O extends FlagOptions>(args: string[], options: O, accepts: Readonly<Record<string, string>>): ReturnType<typeof parseArgs<{ options: O; strict: true; allowPositionals: false; tokens: true }>>['values'] {
  let parsed;
  try {
    parsed = parseArgs({ args, options, strict: true, allowPositionals: false, tokens: true });
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    const code = (e as { code?: string }).code;
    // "Option '-h, --help' …": name the long form.
    const flag = /'(?:-[^-' ], )?(-{1,2}[^' ]+)/.exec(msg)?.[1];
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      throw new UsageError(`unknown flag ${flag ?? msg}; flags: ${Object.keys(options).map((k) => `--${k}`).join(' ')}`);
    }
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && flag) {
      const name = flag.replace(/^-+/, '');
      const says = Object.hasOwn(accepts, name) ? accepts[name] : Object.hasOwn(options, name) && options[name]!.type === 'string' ? 'a value' : undefined;
      if (!says) throw new UsageError(`${flag} takes no value`);
      // parseArgs will not take "-3" or "-Infinity" as a value; report it as the value it was meant to be
      // (unless it is one of the short flags, e.g. -h, which really is a flag).
      const next = args[args.indexOf(flag) + 1];
      const shorts = Object.values(options).map((o) => o.short).filter((x) => x !== undefined);
      if (next !== undefined && /^-[^-]/.test(next) && !shorts.includes(next.slice(1))) usageError(name, says, next);
      throw new UsageError(`${flag} needs a value: ${says}`);
    }
    if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') throw new UsageError(`unexpected argument: ${msg}; every input is given by a flag (see --help)`);
    throw new UsageError(msg);
  }
  const seen = new Set<string>();
  for (const t of parsed.tokens) {
    if (t.kind !== 'option') continue;
    if (seen.has(t.name) && t.name !== 'help') {
      throw new UsageError(`--${t.name} is given more than once; give it once${Object.hasOwn(accepts, t.name) ? ` (it accepts ${accepts[t.name]})` : ''}`);
    }
    seen.add(t.name);
    if (t.value === '') usageError(t.name, Object.hasOwn(accepts, t.name) ? accepts[t.name]! : 'a value', '');
  }
  return parsed.values;
}
