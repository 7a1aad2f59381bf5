// What every subcommand of the CLI shares, below them all so that imports point
// one way (main.ts → subcommands → this): the Subcommand shape, the exit codes,
// the usage error and the one error wrapper.
import { PruneLabError } from '../errors.js';

export interface Subcommand {
  summary: string;
  /** Runs with the arguments after the subcommand's name; resolves to the exit code. */
  run(args: string[]): Promise<number>;
}

/** The CLI's exit codes (docs/cli.md lists them). */
export const EXIT = {
  ok: 0,
  /** The run failed, or a file's content is bad (not IDX, not a checkpoint, corrupt gzip). */
  failed: 1,
  /** Bad usage: a flag, its value, a path that cannot be read or written; nothing ran. */
  usage: 2,
  /** No WebGPU adapter (or none matching --adapter). */
  noAdapter: 3,
  /** The GPU device was lost mid-run; the report so far is written. */
  deviceLost: 4,
  interrupted: 130,
} as const;

/** A usage error: printed with the flag it concerns, exit code 2. */
export class UsageError extends Error {}

export function usageError(flag: string, accepts: string, got?: string): never {
  throw new UsageError(`--${flag} ${got === undefined ? 'is invalid' : `got ${JSON.stringify(got)}`}; it accepts ${accepts}`);
}

/** Writes `text` and resolves once it is flushed (so an exit right after loses nothing). */
export function writeOut(stream: NodeJS.WritableStream, text: string): Promise<void> {
  return new Promise((resolve, reject) => stream.write(text, (err) => (err ? reject(err) : resolve())));
}

/** Exit code of a PruneLabError by default: 2 for a bad argument or config (nothing ran), 4 for a lost device, 1 otherwise (data, the run). */
export function exitCodeOf(e: PruneLabError): number {
  if (e.code === 'device-lost') return EXIT.deviceLost;
  return e.code === 'invalid-config' || e.code === 'invalid-argument' ? EXIT.usage : EXIT.failed;
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
    return e instanceof UsageError ? EXIT.usage : (opts.exitOf ?? exitCodeOf)(e);
  }
}
