// How the views name a run's pruning: its axes (criterion · granularity · scope ·
// when, and the N:M pattern), read from the normalized config a report stores
// (version 2). An older report is read only through the engine's migration chain
// (src/lab/report-schema.ts), never parsed here.
import { migrateReport, REPORT_VERSION, type ExperimentConfig, type Report } from '../worker/api.js';

/** "magnitude · weight · global · after"; N:M: "wanda · 2:4 · local · after". */
export function axesLabel(p: ExperimentConfig['prune']): string {
  const granularity = p.granularity === 'nm' && p.nm ? `${p.nm.n}:${p.nm.m}` : p.granularity;
  return [p.criterion, granularity, p.scope, p.when].filter((x) => x !== undefined).join(' · ');
}

/** The report in the current version (older ones through the migration chain, which throws a PruneLabError naming the field it cannot read). */
export function currentReport(r: Report, field = 'report'): Report {
  if (typeof r !== 'object' || r === null || r.version === REPORT_VERSION) return r;
  return migrateReport(r as unknown as Record<string, unknown>, field) as unknown as Report;
}
