// The prune-lab command line: a table of subcommands (`info`, `run`, `tree`, `bench`), each
// parsing its own flags. Exit codes: 0 ok, 1 the run failed (bad data, unreadable
// file), 2 bad usage (unknown flag, bad value), 3 no WebGPU adapter, 130 interrupted.
import { infoCommand } from './info.js';
import { runCommand } from './run.js';
import { treeCommand } from './tree.js';
import { benchCommand } from './bench.js';

export interface Subcommand {
  summary: string;
  /** Runs with the arguments after the subcommand's name; resolves to the exit code. */
  run(args: string[]): Promise<number>;
}

// `tree` first: it came first, and its tests read the list of commands in this order.
const COMMANDS: Record<string, Subcommand> = {
  tree: treeCommand,
  info: infoCommand,
  run: runCommand,
  bench: benchCommand,
};

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((k) => k.length));
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return ['Usage: prune-lab <command> [flags]', '', 'Commands:', ...lines, '', 'Run `prune-lab <command> --help` for its flags.', ''].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    process.stderr.write(usage());
    return 2;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage());
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`prune-lab: unknown command "${name}"; commands: ${Object.keys(COMMANDS).join(', ')}\n`);
    return 2;
  }
  return command.run(rest);
}
