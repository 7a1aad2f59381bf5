// The shared look of the prune-* elements: the --prune-* custom properties (with
// light and dark fallbacks), the series palette, the uPlot rules a shadow root needs
// (uPlot.min.css, themed), colour parsing for canvas drawing, and event firing.
import { css } from 'lit';

export const theme = css`
  :host {
    --_bg: var(--prune-bg, #ffffff);
    --_fg: var(--prune-fg, #1d2330);
    --_muted: var(--prune-muted, #667085);
    --_border: var(--prune-border, #d6dae1);
    --_surface: var(--prune-surface, #f5f6f8);
    --_accent: var(--prune-accent, #2563eb);
    /* Text on an accent background (buttons): 4.5:1 or more against --_accent in both schemes. */
    --_on-accent: var(--prune-on-accent, #ffffff);
    --_error: var(--prune-error, #b42318);
    --_pruned: var(--prune-pruned, #c4c9d2);
    --_positive: var(--prune-positive, #c2410c);
    --_negative: var(--prune-negative, #1d4ed8);
    font-family: var(--prune-font, system-ui, -apple-system, 'Segoe UI', sans-serif);
    font-size: var(--prune-font-size, 14px);
    color: var(--_fg);
    color-scheme: light;
  }
  @media (prefers-color-scheme: dark) {
    :host {
      color-scheme: dark;
      --_bg: var(--prune-bg, #15181e);
      --_fg: var(--prune-fg, #e4e7ec);
      --_muted: var(--prune-muted, #98a2b3);
      --_border: var(--prune-border, #344054);
      --_surface: var(--prune-surface, #1d2129);
      --_accent: var(--prune-accent, #6b9bff);
      --_on-accent: var(--prune-on-accent, #10131a);
      --_error: var(--prune-error, #f97066);
      --_pruned: var(--prune-pruned, #3a404b);
      --_positive: var(--prune-positive, #fb923c);
      --_negative: var(--prune-negative, #60a5fa);
    }
  }
  :host([hidden]) { display: none; }
  /* One visible focus ring for every control, whatever the element's own styles. */
  :focus-visible { outline: 2px solid var(--_accent); outline-offset: 2px; }
  /* Read by screen readers, not shown (the charts' data tables). */
  .visually-hidden { position: absolute; width: 1px; height: 1px; margin: -1px; padding: 0; border: 0; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
  .error {
    color: var(--_error);
    border: 1px solid currentColor;
    border-radius: 6px;
    padding: 8px 10px;
    margin: 0;
    background: var(--_bg);
  }
`;

/** uPlot's own stylesheet cannot reach a shadow root: the rules its layout needs. */
export const uplotStyles = css`
  .uplot, .uplot *, .uplot *::before, .uplot *::after { box-sizing: border-box; }
  .uplot { font-family: inherit; line-height: 1.4; width: min-content; color: var(--_fg); }
  .uplot canvas { display: block; position: relative; width: 100%; height: 100%; }
  .u-wrap { position: relative; user-select: none; }
  .u-over, .u-under { position: absolute; }
  .u-under { overflow: hidden; }
  .u-axis { position: absolute; }
  .u-legend { font-size: 12px; margin: 4px auto 0; text-align: center; }
  .u-inline { display: block; }
  .u-inline * { display: inline-block; }
  .u-inline tr { margin-right: 14px; }
  .u-legend th { font-weight: 500; }
  .u-legend th > * { vertical-align: middle; display: inline-block; }
  .u-legend .u-marker { width: 12px; height: 3px; margin-right: 4px; background-clip: padding-box !important; }
  .u-inline.u-live th::after { content: ':'; vertical-align: middle; }
  .u-inline:not(.u-live) .u-value { display: none; }
  .u-series > * { padding: 2px; }
  .u-series th { cursor: pointer; }
  .u-legend .u-off > * { opacity: 0.35; }
  .u-cursor-x, .u-cursor-y { position: absolute; left: 0; top: 0; pointer-events: none; will-change: transform; }
  .u-hz .u-cursor-x, .u-vt .u-cursor-y { height: 100%; border-right: 1px dashed var(--_muted); }
  .u-hz .u-cursor-y, .u-vt .u-cursor-x { width: 100%; border-bottom: 1px dashed var(--_muted); }
  .u-cursor-pt { position: absolute; top: 0; left: 0; border-radius: 50%; border: 0 solid; pointer-events: none; will-change: transform; background-clip: padding-box !important; }
  .u-select { position: absolute; pointer-events: none; background: rgb(128 128 128 / 0.15); }
  .u-axis.u-off, .u-select.u-off, .u-cursor-x.u-off, .u-cursor-y.u-off, .u-cursor-pt.u-off { display: none; }
`;

/** Tableau 10: distinct on light and dark backgrounds. */
export const SERIES_COLORS = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#76b7b2', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];

/** The colour of series i: --prune-series-<i> on the element if set, else the palette. */
export function seriesColor(el: Element, i: number): string {
  const custom = getComputedStyle(el).getPropertyValue(`--prune-series-${i}`).trim();
  return custom || SERIES_COLORS[i % SERIES_COLORS.length]!;
}

/** The value of one of the theme's private properties (--_fg, …) as computed on el. */
export function themeColor(el: Element, name: string, fallback: string): string {
  return getComputedStyle(el).getPropertyValue(name).trim() || fallback;
}

let probe: CanvasRenderingContext2D | null = null;

/** Any CSS colour as [r, g, b, a] bytes (the canvas parses it, so every CSS syntax works). */
export function rgba(color: string): [number, number, number, number] {
  probe ??= document.createElement('canvas').getContext('2d', { willReadFrequently: true });
  if (!probe) return [0, 0, 0, 255];
  probe.clearRect(0, 0, 1, 1);
  probe.fillStyle = '#000';
  probe.fillStyle = color;
  probe.fillRect(0, 0, 1, 1);
  const d = probe.getImageData(0, 0, 1, 1).data;
  return [d[0]!, d[1]!, d[2]!, d[3]!];
}

/** A CustomEvent that crosses shadow roots, as every prune-* event does. */
export function emit<T>(el: EventTarget, type: string, detail: T): boolean {
  return el.dispatchEvent(new CustomEvent<T>(type, { detail, bubbles: true, composed: true }));
}

/** 0.1234 → "12.3%". */
export function percent(v: number, digits = 1): string {
  return `${(v * 100).toFixed(digits)}%`;
}
