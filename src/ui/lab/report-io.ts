// Reports in and out of the lab as files: JSON in the engine's report format (one
// report, or an array of them), CSV through reportToCsv's layout, and a check of
// an imported file against the full report schema (src/lab/report-schema.ts) that
// names the first field it cannot use.
import type { Report } from '../../worker/api.js';
import { check, PruneLabError } from '../../errors.js';
// The one schema of the report format, pure CPU code shared with every face.
import { validateReport } from '../../lab/report-schema.js';

/** Checks that `r` is a report the lab can list, chart and export again (the full schema: validateReport). */
export function checkReport(r: unknown, field = 'report'): asserts r is Report {
  validateReport(r, field);
}

/** Parses an imported file: one report or an array of reports. Throws PruneLabError naming the first bad field. */
export function parseReports(text: string, name = 'file'): Report[] {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new PruneLabError('invalid-data', `${name} must be JSON: a report or an array of reports (${e instanceof Error ? e.message : String(e)})`, name);
  }
  const list = Array.isArray(v) ? v : [v];
  check(list.length > 0, name, 'a report or a non-empty array of reports', v);
  // Every report is checked (and migrated) before any is returned: a file is taken whole or not at all.
  return list.map((r, i) => validateReport(r, Array.isArray(v) ? `${name}[${i}]` : name));
}

/** The JSON file of a report (what import reads back). */
export function reportJson(r: Report): string {
  return JSON.stringify(r, null, 2);
}

/** A file name for a report: "prune-lab-<model>-<criterion>-<granularity>-<schedule>-<id>.<ext>" (N:M: the pattern as granularity, "2of4"). */
export function reportFileName(r: Report, ext: 'json' | 'csv'): string {
  const model = typeof r.config.model === 'string' ? r.config.model : (r.model.name || 'custom');
  const p = r.config.prune;
  const granularity = p.granularity === 'nm' && p.nm ? `${p.nm.n}of${p.nm.m}` : p.granularity;
  return `prune-lab-${model}-${p.criterion}-${granularity}-${p.schedule}-${r.id}.${ext}`.replace(/[^\w.-]+/g, '_');
}

/** Saves text as a file through a temporary link (the browser's download). */
export function download(name: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
