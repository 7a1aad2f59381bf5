// Reports in and out of the lab as files: JSON in the engine's report format (one
// report, or an array of them) and CSV through reportToCsv's layout. Reading a file
// back is the engine's (src/lab/report-schema.ts's parseReports, through the
// Worker's readReports), which checks it against the full report schema.
import type { Report } from '../../worker/api.js';

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

/** Saves text (or bytes: an exported model) as a file through a temporary link (the browser's download). */
export function download(name: string, data: string | Uint8Array, type: string): void {
  const url = URL.createObjectURL(new Blob([data as string | Uint8Array<ArrayBuffer>], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
