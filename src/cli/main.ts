// The prune-lab command line: a table of subcommands (`tree`, `info`, `run`,
// `bench`, `boost`), each parsing its own flags. The exit codes are EXIT in command.ts
// (docs/cli.md lists them): 0 ok, 1 the run or a file's content failed, 2 bad
// usage (nothing ran), 3 no WebGPU adapter, 4 the GPU device was lost, 130
// interrupted.
import { EXIT, type Subcommand } from './command.js';
import { exitWithParent } from './adapter.js';
import { infoCommand } from './info.js';
import { runCommand } from './run.js';
import { treeCommand } from './tree.js';
import { benchCommand } from './bench.js';
import { boostCommand } from './boost.js';

// A Map, not an object: a name is looked up among the commands only, never among
// an object's inherited keys (`constructor`, `toString`, `__proto__`).
// `tree` first: it came first, and its tests read the list of commands in this order.
const COMMANDS: ReadonlyMap<string, Subcommand> = new Map([
  ['tree', treeCommand],
  ['info', infoCommand],
  ['run', runCommand],
  ['bench', benchCommand],
  ['boost', boostCommand],
]);

function usage(): string {
  const names = [...COMMANDS.keys()];
  const width = Math.max(...names.map((k) => k.length));
  const lines = [...COMMANDS].map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return ['Usage: prune-lab <command> [flags]', '', 'Commands:', ...lines, '', 'Run `prune-lab <command> --help` for its flags.', ''].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  exitWithParent();
  const [name, ...rest] = argv;
  if (name === undefined) {
    process.stderr.write(usage());
    return EXIT.usage;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage());
    return EXIT.ok;
  }
  const command = COMMANDS.get(name);
  if (!command) {
    process.stderr.write(`prune-lab: unknown command ${JSON.stringify(name)}; commands: ${[...COMMANDS.keys()].join(', ')}\n`);
    return EXIT.usage;
  }
  return command.run(rest);
}
