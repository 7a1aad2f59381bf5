// The text alternative of the charts (#18): a table of what a chart plots, for screen
// readers (shown visually hidden beside the canvas), built from a uPlot chart's own
// data and its series' value formatters, so that it reads as the live legend does.
import { html, type TemplateResult } from 'lit';
import type uPlot from 'uplot';

/** At most this many rows: a long series (training steps) is sampled evenly, its last point kept. */
export const MAX_TABLE_ROWS = 60;

export interface DataTable {
  caption: string;
  header: string[];
  rows: string[][];
}

/** The indices of n points to list: all of them, or an even sample that keeps the first and the last. */
export function sampledIndices(n: number, max = MAX_TABLE_ROWS): number[] {
  if (n <= max) return Array.from({ length: n }, (_, i) => i);
  const step = (n - 1) / (max - 1);
  return Array.from({ length: max }, (_, k) => Math.round(k * step));
}

/** A uPlot chart's plotted values: the x column, then one column per series, formatted as its legend shows them. */
export function uplotTable(u: uPlot, title: string): DataTable {
  const xs = u.data[0] ?? [];
  const series = u.series.map((s, i) => ({ s, i })).filter(({ s, i }) => i === 0 || s.show !== false);
  const label = (s: uPlot.Series, i: number): string => (typeof s.label === 'string' && s.label !== '' ? s.label : i === 0 ? 'x' : `series ${i}`);
  const text = (s: uPlot.Series, i: number, k: number): string => {
    const v = (u.data[i]?.[k] ?? null) as number | null;
    if (v === null || v === undefined) return '–';
    const f = s.value;
    if (typeof f === 'function') return String(f(u, v, i, k));
    return String(v);
  };
  const picked = sampledIndices(xs.length);
  const note = picked.length < xs.length ? ` (${picked.length} of ${xs.length} points)` : '';
  return {
    caption: `${title}: the plotted values${note}`,
    header: series.map(({ s, i }) => label(s, i)),
    rows: picked.map((k) => series.map(({ s, i }) => text(s, i, k))),
  };
}

/**
 * The table as markup, in a box with class `cls` (default `visually-hidden` from theme.ts: read by screen
 * readers, not shown). The box hides it, not the table: a table is never narrower than its content.
 */
export function dataTable(t: DataTable, cls = 'visually-hidden'): TemplateResult {
  return html`<div class=${cls}><table part="data-table">
    <caption>${t.caption}</caption>
    <thead><tr>${t.header.map((h) => html`<th scope="col">${h}</th>`)}</tr></thead>
    <tbody>${t.rows.map((r) => html`<tr>${r.map((c, j) => (j === 0 ? html`<th scope="row">${c}</th>` : html`<td>${c}</td>`))}</tr>`)}</tbody>
  </table></div>`;
}
