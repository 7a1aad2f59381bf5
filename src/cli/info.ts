// `prune-lab info [--json] [--adapter list|NAME]`: the adapter Dawn gives this
// process (vendor, architecture, description), its limits and features, the WGSL
// language features and the backend; or, with `--adapter list`, every adapter.
import { createRequire } from 'node:module';
import { parseFlags } from './args.js';
import { withCliErrors, writeOut, type Subcommand } from './command.js';
import { listAdapters, onSwiftShaderFallback, openAdapter, withAdapter, type DawnAdapter } from './adapter.js';

export const ADAPTER_FLAG_HELP = `  --adapter list|NAME        list the adapters Dawn finds, or use the first whose name contains NAME`;

const HELP = `Usage: prune-lab info [--json] [--adapter list|NAME]

Prints the WebGPU adapter the CLI runs on (Dawn, the npm package \`webgpu\`): vendor,
architecture, description, limits, features, WGSL language features and backend.
On Linux with no GPU it falls back to SwiftShader and says so on stderr.

  --json                     one JSON object on stdout
${ADAPTER_FLAG_HELP}
  -h, --help                 this help
`;

const OPTIONS = {
  json: { type: 'boolean' },
  adapter: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const ACCEPTS = { adapter: '"list" or (part of) an adapter name' };

export interface InfoReport {
  adapter: { vendor: string; architecture: string; device: string; description: string; isFallbackAdapter: boolean };
  /** Where WebGPU comes from: Dawn in Node. */
  backend: 'dawn-node';
  dawn: { package: 'webgpu'; version: string };
  /** True when this runs on SwiftShader because no GPU adapter was found. */
  swiftshaderFallback: boolean;
  features: string[];
  wgslLanguageFeatures: string[];
  limits: Record<string, number>;
}

function webgpuVersion(): string {
  try {
    const pkg = createRequire(import.meta.url)('webgpu/package.json') as { version?: string };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

export function describeAdapter(a: DawnAdapter): InfoReport {
  const limits: Record<string, number> = {};
  // WebIDL attributes live on the prototype: for…in sees them, Object.keys does not.
  for (const k in a.adapter.limits) {
    const v = (a.adapter.limits as unknown as Record<string, unknown>)[k];
    if (typeof v === 'number') limits[k] = v;
  }
  const i = a.info;
  return {
    adapter: { vendor: i.vendor, architecture: i.architecture, device: i.device, description: i.description, isFallbackAdapter: i.isFallbackAdapter },
    backend: 'dawn-node',
    dawn: { package: 'webgpu', version: webgpuVersion() },
    swiftshaderFallback: onSwiftShaderFallback(),
    features: i.features,
    wgslLanguageFeatures: [...(a.gpu.wgslLanguageFeatures ?? [])].sort(),
    limits,
  };
}

function text(r: InfoReport): string {
  const a = r.adapter;
  const width = Math.max(...Object.keys(r.limits).map((k) => k.length));
  return [
    `adapter      ${a.description || '(no description)'}`,
    `vendor       ${a.vendor || '—'}`,
    `architecture ${a.architecture || '—'}`,
    `device       ${a.device || '—'}`,
    `fallback     ${a.isFallbackAdapter ? 'yes (a software adapter)' : 'no'}${r.swiftshaderFallback ? '; chosen by the CLI because no GPU adapter was found' : ''}`,
    `backend      ${r.backend} (npm webgpu ${r.dawn.version})`,
    `features     ${r.features.join(', ') || '—'}`,
    `wgsl         ${r.wgslLanguageFeatures.join(', ') || '—'}`,
    'limits',
    ...Object.entries(r.limits).map(([k, v]) => `  ${k.padEnd(width)}  ${v}`),
    '',
  ].join('\n');
}

/** `--adapter list`: one adapter a line (or a JSON array); shared by info and run. */
export async function printAdapterList(json: boolean): Promise<number> {
  const got = await withAdapter(async () => {
    const list = await listAdapters();
    return list.length > 0 ? list : null;
  });
  if ('exitCode' in got) return got.exitCode;
  await writeOut(process.stdout, json ? `${JSON.stringify(got.ok)}\n` : got.ok.map((a) => `${a.name}  (${a.backend})\n`).join(''));
  return 0;
}

export const infoCommand: Subcommand = {
  summary: 'show the WebGPU adapter (Dawn in Node): vendor, architecture, limits, features',
  run: (args: string[]): Promise<number> =>
    withCliErrors('info', async () => {
      const values = parseFlags(args, OPTIONS, ACCEPTS);
      if (values.help) {
        await writeOut(process.stdout, HELP);
        return 0;
      }
      if (values.adapter === 'list') return printAdapterList(values.json ?? false);
      const got = await withAdapter(() => openAdapter(values.adapter));
      if ('exitCode' in got) return got.exitCode;
      const r = describeAdapter(got.ok);
      await writeOut(process.stdout, values.json ? `${JSON.stringify(r)}\n` : text(r));
      return 0;
    }),
};
