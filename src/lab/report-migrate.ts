// Reports from older versions of the lab, upgraded step by step to REPORT_VERSION:
// the migration chain, with the few checks it needs. Data transforms only, with no
// runtime imports beyond the axes' vocabulary, so that the faces that read stored
// reports (the run store, the charts) can upgrade them without the full schema
// (./report-schema.ts, which validates every field through validateConfig).
import { PruneLabError } from '../errors.js';
import { METHOD_AXES, type PruneMethod } from './axes.js';
import { REPORT_VERSION } from './report.js';

export type Obj = Record<string, unknown>;

export function describe(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (Array.isArray(v)) return `array(${v.length})`;
  if (typeof v === 'object' && v !== null) return 'object';
  return String(v);
}

export function fail(field: string, message: string): never {
  throw new PruneLabError('invalid-data', `${field} ${message}`, field);
}

export function need(ok: boolean, field: string, expected: string, got?: unknown): asserts ok {
  if (!ok) fail(field, `must be ${expected}${got === undefined ? '' : ` (got ${describe(got)})`}`);
}

export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
/** Upgrades a report of version v (the key) to version v + 1. */
export type ReportMigration = (report: Record<string, unknown>) => Record<string, unknown>;

/**
 * Version 1 → 2 (issue #13): the config's prune section gains its axes, from the
 * legacy method (METHOD_AXES): granularity, criterion (structured: its criterion or
 * l2), scope and when ('during' for schedule 'gradual', else 'after'). A version-1
 * runner ranked locally whenever method was 'local' or scope was 'local' (method
 * 'global' with scope 'local' ran local), so such a pair becomes method 'local', scope
 * 'local': what ran. Anything the step cannot read is left for validateReport to name.
 */
export function migrateV1(r: Record<string, unknown>): Record<string, unknown> {
  const c = r.config;
  const p = isObj(c) ? c.prune : undefined;
  if (!isObj(c) || !isObj(p) || typeof p.method !== 'string' || !Object.hasOwn(METHOD_AXES, p.method)) return { ...r, version: 2 };
  const method = p.method as PruneMethod;
  const axes = METHOD_AXES[method];
  const local = method === 'local' || (method === 'global' && p.scope === 'local');
  const prune: Record<string, unknown> = {
    ...p,
    ...(method === 'global' || method === 'local' ? { method: local ? 'local' : 'global', scope: local ? 'local' : 'global' } : {}),
    granularity: axes.granularity,
    criterion: method === 'structured' ? p.criterion ?? 'l2' : axes.criterion,
    when: p.schedule === 'gradual' ? 'during' : 'after',
  };
  prune.scope ??= 'global';
  return { ...r, version: 2, config: { ...c, prune } };
}

/** The migration chain: REPORT_MIGRATIONS[v] upgrades version v to v + 1. */
export const REPORT_MIGRATIONS: Readonly<Record<number, ReportMigration>> = { 1: migrateV1 };

/** Upgrades `raw` step by step to REPORT_VERSION; refuses versions it cannot read. */
export function migrateReport(raw: Obj, field = 'report', migrations: Readonly<Record<number, ReportMigration>> = REPORT_MIGRATIONS): Obj {
  const oldest = Math.min(REPORT_VERSION, ...Object.keys(migrations).map(Number));
  const readable = oldest === REPORT_VERSION ? `${REPORT_VERSION}` : `an integer in [${oldest}, ${REPORT_VERSION}]`;
  need(Number.isInteger(raw.version) && (raw.version as number) >= oldest && (raw.version as number) <= REPORT_VERSION,
    `${field}.version`, `${readable} (the report versions this lab reads)`, raw.version);
  let r = raw;
  for (let v = raw.version as number; v < REPORT_VERSION; v++) {
    r = migrations[v]!({ ...r });
    need(r.version === v + 1, `${field}.version`, `${v + 1} after migrating from version ${v}`, r.version);
  }
  return r;
}
