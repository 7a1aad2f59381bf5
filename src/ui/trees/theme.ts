// The tree elements' additions to the shared look (../theme.ts): the class palette,
// overridable per class with --prune-class-<k>.
import { SERIES_COLORS } from '../theme.js';

export { emit, rgba, theme, uplotStyles } from '../theme.js';

/** Tableau 10, as the shared series palette. */
export const CLASS_COLORS = SERIES_COLORS;

/** The colour of class k: --prune-class-<k> on the element if set, else the palette. */
export function classColor(el: Element, k: number): string {
  const custom = getComputedStyle(el).getPropertyValue(`--prune-class-${k}`).trim();
  return custom || CLASS_COLORS[k % CLASS_COLORS.length]!;
}
