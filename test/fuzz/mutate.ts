// Mutation helpers shared by the doors: picks, junk values of every JSON type,
// edits at a path of a JSON value, and byte-level damage.
import type { Rng } from '../../src/rng.js';

export function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[rng.int(items.length)]!;
}

/** Values of the wrong type or out of any sane range, for any field. */
export const JUNK: readonly unknown[] = [
  null, undefined, '', 'x', '1', '0.5', '__proto__', 'constructor', true, false, 0, -1, 1, 0.5, 1.5, -0.0001, 2 ** 31, 2 ** 53 + 2, 1e308, -1e308,
  [], [1], {}, { a: 1 }, 'NaN', 'Infinity', '\u0000', 'é'.repeat(3),
];

export function junk(rng: Rng): unknown {
  return pick(rng, JUNK);
}

/** A number near the edges a field may have: off by one, fractional, negative, huge. */
export function edgeNumber(rng: Rng, base: number): number {
  return pick(rng, [base + 1, base - 1, -base, base + 0.5, base * 1000, 0, -1, 2 ** 31, 2 ** 32 + 1, 1e-9, Number.MAX_SAFE_INTEGER, base * 2 ** 24]);
}

export type Path = Array<string | number>;

/** Every path to a value inside `v` (objects and arrays), depth-first. */
export function paths(v: unknown, prefix: Path = []): Path[] {
  if (typeof v !== 'object' || v === null) return [];
  const out: Path[] = [];
  for (const [k, x] of Object.entries(v)) {
    const p = [...prefix, Array.isArray(v) ? Number(k) : k];
    out.push(p, ...paths(x, p));
  }
  return out;
}

export function clone<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}

export function getAt(v: unknown, p: Path): unknown {
  let x = v as Record<string | number, unknown> | undefined;
  for (const k of p) x = x?.[k] as Record<string | number, unknown> | undefined;
  return x;
}

/** Sets (or, with `remove`, deletes) the value at `p` in place. */
export function setAt(v: unknown, p: Path, value: unknown, remove = false): void {
  let x = v as Record<string | number, unknown>;
  for (const k of p.slice(0, -1)) x = x[k] as Record<string | number, unknown>;
  const last = p[p.length - 1]!;
  if (remove) {
    if (Array.isArray(x) && typeof last === 'number') x.splice(last, 1);
    else delete x[last];
  } else {
    x[last] = value;
  }
}

/** "a.b[2].c" for a path (how the lab names fields). */
export function pathName(p: Path): string {
  return p.map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? k : `.${k}`)).join('');
}

/** The names an error about `p` may give: the full path and its last key. */
export function pathFields(p: Path): string[] {
  const keys = p.filter((k): k is string => typeof k === 'string');
  return [pathName(p), ...keys.slice(-2)];
}

export interface JsonMutation {
  value: unknown;
  /** What was done, e.g. "train.epochs = -1". */
  what: string;
  path: Path;
  kind: 'remove' | 'junk' | 'edge' | 'unknown' | 'replace-root';
}

/** One mutation of a JSON value: remove a field, junk it, push a number to an edge, add an unknown key. */
export function mutateJson(rng: Rng, valid: unknown): JsonMutation {
  const v = clone(valid);
  const all = paths(v);
  const r = rng.next();
  if (r < 0.03 || all.length === 0) {
    const value = junk(rng);
    return { value, what: `whole value = ${show(value)}`, path: [], kind: 'replace-root' };
  }
  const p = pick(rng, all);
  const old = getAt(v, p);
  if (r < 0.25) {
    setAt(v, p, undefined, true);
    return { value: v, what: `remove ${pathName(p)}`, path: p, kind: 'remove' };
  }
  if (r < 0.4) {
    const parent = p.slice(0, -1);
    const target = getAt(v, parent);
    if (typeof target === 'object' && target !== null && !Array.isArray(target)) {
      const key = pick(rng, ['bogus', 'extra', '__proto__', 'constructor', 'toString', 'Units', 'epoch']);
      const value = junk(rng) ?? 1;
      (target as Record<string, unknown>)[key] = value;
      const q = [...parent, key];
      return { value: v, what: `add ${pathName(q)} = ${show(value)}`, path: q, kind: 'unknown' };
    }
  }
  const value = typeof old === 'number' && rng.next() < 0.6 ? edgeNumber(rng, old) : junk(rng);
  setAt(v, p, value);
  return { value: v, what: `${pathName(p)} = ${show(value)} (was ${show(old)})`, path: p, kind: typeof old === 'number' ? 'edge' : 'junk' };
}

export function show(v: unknown): string {
  if (v === undefined) return 'undefined';
  const s = JSON.stringify(v);
  return s.length > 80 ? `${s.slice(0, 80)}…` : s;
}

/** Bytes of random garbage (length 0 … max). */
export function garbage(rng: Rng, max: number): Uint8Array {
  const out = new Uint8Array(rng.int(max + 1));
  for (let i = 0; i < out.length; i++) out[i] = rng.int(256);
  return out;
}

/** Flips, truncates, extends or splices `bytes` (a copy); says what it did. */
export function damageBytes(rng: Rng, bytes: Uint8Array, header: number): { bytes: Uint8Array; what: string } {
  const r = rng.next();
  if (r < 0.3) {
    const n = rng.int(bytes.length);
    return { bytes: bytes.slice(0, n), what: `truncated to ${n} of ${bytes.length} bytes` };
  }
  if (r < 0.45) {
    const extra = garbage(rng, 16);
    const out = new Uint8Array(bytes.length + extra.length + 1);
    out.set(bytes);
    out.set(extra, bytes.length);
    return { bytes: out, what: `${extra.length + 1} trailing bytes` };
  }
  const out = bytes.slice();
  const flips = 1 + rng.int(3);
  const at: string[] = [];
  for (let i = 0; i < flips; i++) {
    const k = rng.next() < 0.7 ? rng.int(Math.min(header, out.length)) : rng.int(out.length);
    out[k] = rng.int(256);
    at.push(`byte ${k} = ${out[k]}`);
  }
  return { bytes: out, what: at.join(', ') };
}
