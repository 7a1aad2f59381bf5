// The text forms of two config fields, shared by the CLI's flags (--lr-schedule,
// --layer-sparsity) and the lab's attributes (lr-schedule, layer-sparsity): each parser
// gives the engine's value, or null when the text is not of the form (the caller names
// its flag or attribute); names and ranges are validateConfig's to check.
import type { ExperimentConfig } from './config.js';

/** A decimal number as a flag or attribute writes it. */
export const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
export type LrSchedule = NonNullable<ExperimentConfig['train']['schedule']>;

/** "constant" | "cosine" | "cosine:MIN" | "step:EVERY:GAMMA" → the engine's schedule (ranges are the engine's to check), or null when not of that form. */
export function parseLrSchedule(v: string): LrSchedule | null {
  const t = v.trim();
  if (t === 'constant') return { type: 'constant' };
  if (t === 'cosine') return { type: 'cosine' };
  const cos = /^cosine\s*:\s*(\S+)$/.exec(t);
  if (cos && DECIMAL.test(cos[1]!)) return { type: 'cosine', minLr: Number(cos[1]) };
  const step = /^step\s*:\s*(\d{1,7})\s*:\s*(\S+)$/.exec(t);
  if (step && DECIMAL.test(step[2]!)) return { type: 'step', everyEpochs: Number(step[1]), gamma: Number(step[2]) };
  return null;
}

/** The text parseLrSchedule reads back as `s`. */
export function formatLrSchedule(s: LrSchedule): string {
  if (s.type === 'step') return `step:${s.everyEpochs}:${s.gamma}`;
  if (s.type === 'cosine') return s.minLr === undefined ? 'cosine' : `cosine:${s.minLr}`;
  return 'constant';
}

export type LayerOverrides = NonNullable<ExperimentConfig['prune']['layers']>;

/** "fc1=0.92,fc3=exclude" → prune.layers (names and ratios are the engine's to check), or null when not of that form or a layer is named twice. */
export function parseLayerSparsity(v: string): LayerOverrides | null {
  const out: LayerOverrides = {};
  for (const part of v.split(',')) {
    const g = /^\s*([^=\s,]+)\s*=\s*(\S+)\s*$/.exec(part);
    if (!g || Object.hasOwn(out, g[1]!) || g[1] === '__proto__') return null;
    if (g[2] === 'exclude') out[g[1]!] = { exclude: true };
    else if (DECIMAL.test(g[2]!)) out[g[1]!] = { sparsity: Number(g[2]) };
    else return null;
  }
  return out;
}

/** The text parseLayerSparsity reads back as `layers`, or null when it holds nothing the text can say (no layer, or an override neither a ratio nor an exclusion). */
export function formatLayerSparsity(layers: LayerOverrides): string | null {
  const parts: string[] = [];
  for (const [name, o] of Object.entries(layers)) {
    const keys = Object.keys(o).filter((k) => (o as Record<string, unknown>)[k] !== undefined);
    if (keys.length === 1 && o.exclude === true) parts.push(`${name}=exclude`);
    else if (keys.length === 1 && typeof o.sparsity === 'number') parts.push(`${name}=${o.sparsity}`);
    else return null;
  }
  return parts.length ? parts.join(',') : null;
}

