// The base of every prune-* element: it validates its properties before each render
// and, when one is invalid, renders a visible message naming the field and what it
// accepts instead of half-drawn content.
import { LitElement, html, type PropertyValues } from 'lit';
import { PruneLabError } from '../errors.js';

export abstract class PruneElement extends LitElement {
  private problem: string | null = null;

  /** The message shown for an invalid property, or null when all are valid. */
  get validationMessage(): string | null {
    return this.problem;
  }

  /** Throws a PruneLabError (use check() from src/errors.ts) for the first invalid property. */
  protected abstract validate(): void;

  /** The content when every property is valid. */
  protected abstract renderValid(): unknown;

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    try {
      this.validate();
      this.problem = null;
    } catch (e) {
      if (!(e instanceof PruneLabError)) throw e;
      this.problem = e.message;
    }
  }

  protected override render(): unknown {
    if (this.problem !== null) return html`<p class="error" part="error" role="alert">${this.problem}</p>`;
    return this.renderValid();
  }
}

/** Checks that v is a finite number in [lo, hi]. */
export function inRange(v: unknown, lo: number, hi: number): v is number {
  return typeof v === 'number' && Number.isFinite(v) && v >= lo && v <= hi;
}
