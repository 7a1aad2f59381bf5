// Shared look of the tree-lab elements: the --prune-* custom properties (with
// light and dark fallbacks) and the class palette used by diagrams, regions and charts.
import { css } from 'lit';

export const theme = css`
  :host {
    --_bg: var(--prune-bg, #ffffff);
    --_fg: var(--prune-fg, #1d2330);
    --_muted: var(--prune-muted, #667085);
    --_border: var(--prune-border, #d6dae1);
    --_surface: var(--prune-surface, #f5f6f8);
    --_accent: var(--prune-accent, #2563eb);
    --_pruned: var(--prune-pruned, #b8bec8);
    font-family: var(--prune-font, system-ui, -apple-system, 'Segoe UI', sans-serif);
    font-size: var(--prune-font-size, 14px);
    color: var(--_fg);
  }
  @media (prefers-color-scheme: dark) {
    :host {
      --_bg: var(--prune-bg, #15181e);
      --_fg: var(--prune-fg, #e4e7ec);
      --_muted: var(--prune-muted, #98a2b3);
      --_border: var(--prune-border, #344054);
      --_surface: var(--prune-surface, #1d2129);
      --_accent: var(--prune-accent, #6b9bff);
      --_pruned: var(--prune-pruned, #4a505c);
    }
  }
`;

/** Tableau 10: distinct on light and dark backgrounds. */
export const CLASS_COLORS = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#76b7b2', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];

/** The colour of class k: --prune-class-<k> on the element if set, else the palette. */
export function classColor(el: Element, k: number): string {
  const custom = getComputedStyle(el).getPropertyValue(`--prune-class-${k}`).trim();
  return custom || CLASS_COLORS[k % CLASS_COLORS.length]!;
}

/** A CustomEvent that crosses shadow roots, as every prune-* event does. */
export function emit<T>(el: EventTarget, type: string, detail: T): boolean {
  return el.dispatchEvent(new CustomEvent<T>(type, { detail, bubbles: true, composed: true }));
}
