// Reports in and out of the lab as files: JSON in the engine's report format (one
// report, or an array of them), CSV through reportToCsv's layout, and a check of
// an imported file that names the first field it cannot use.
import type { Report, RoundEntry } from '../../worker/api.js';
import { check, PruneLabError } from '../../errors.js';
import { checkEntryMetrics, checkLayers, checkPerClass } from '../check-report.js';

const STATUSES = ['complete', 'aborted', 'error', 'running'];

function checkEntry(e: unknown, field: string): void {
  checkEntryMetrics(e, field);
  const r = e as RoundEntry;
  check(Number.isInteger(r.round) && r.round >= 0, `${field}.round`, 'an integer ≥ 0', r.round);
  checkLayers(r, field);
  checkPerClass(r, field);
  check(Array.isArray(r.confusion) && r.confusion.every((v) => Number.isInteger(v) && v >= 0), `${field}.confusion`, 'an array of counts', r.confusion);
}

/** Checks that `r` is a report the lab can list, chart and export again. */
export function checkReport(r: unknown, field = 'report'): asserts r is Report {
  check(typeof r === 'object' && r !== null && !Array.isArray(r), field, 'a report object', r);
  const x = r as Partial<Report>;
  check(x.version === 1, `${field}.version`, '1 (the report format this lab reads)', x.version);
  check(typeof x.id === 'string' && x.id.length > 0, `${field}.id`, 'a non-empty string', x.id);
  check(typeof x.createdAt === 'string' && !Number.isNaN(Date.parse(x.createdAt)), `${field}.createdAt`, 'an ISO date string', x.createdAt);
  check(STATUSES.includes(x.status as string), `${field}.status`, `one of ${STATUSES.join(', ')}`, x.status);
  check(typeof x.config === 'object' && x.config !== null, `${field}.config`, 'an experiment config object', x.config);
  check(typeof x.config.prune?.method === 'string', `${field}.config.prune.method`, 'a string', x.config.prune?.method);
  check(typeof x.model === 'object' && x.model !== null && typeof x.model.name === 'string', `${field}.model`, 'an object { name, … }', x.model);
  check(x.baseline === null || typeof x.baseline === 'object', `${field}.baseline`, 'a round entry or null', x.baseline);
  if (x.baseline) checkEntry(x.baseline, `${field}.baseline`);
  check(Array.isArray(x.rounds), `${field}.rounds`, 'an array of round entries', x.rounds);
  x.rounds.forEach((e, i) => checkEntry(e, `${field}.rounds[${i}]`));
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
  list.forEach((r, i) => checkReport(r, Array.isArray(v) ? `${name}[${i}]` : name));
  return list as Report[];
}

/** The JSON file of a report (what import reads back). */
export function reportJson(r: Report): string {
  return JSON.stringify(r, null, 2);
}

/** A file name for a report: "prune-lab-<model>-<method>-<schedule>-<id>.<ext>". */
export function reportFileName(r: Report, ext: 'json' | 'csv'): string {
  const model = typeof r.config.model === 'string' ? r.config.model : (r.model.name || 'custom');
  return `prune-lab-${model}-${r.config.prune.method}-${r.config.prune.schedule}-${r.id}.${ext}`.replace(/[^\w.-]+/g, '_');
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
