// cssomStyle(): element styles set through the CSSOM only, so that they work under a
// Content-Security-Policy without style-src 'unsafe-inline'. Lit's styleMap writes
// its first render as a style attribute (setAttribute), which such a policy blocks;
// this sets every property with style.setProperty, the first time too.
import { noChange } from 'lit';
import { Directive, directive, PartType, type AttributePart, type PartInfo } from 'lit/directive.js';

/** CSS property names (kebab-case, as in a stylesheet, or --custom) to values; null or undefined removes one. */
export type CssomStyleInfo = Readonly<Record<string, string | number | null | undefined>>;

class CssomStyleDirective extends Directive {
  private applied = new Set<string>();

  constructor(info: PartInfo) {
    super(info);
    if (info.type !== PartType.ATTRIBUTE || info.name !== 'style' || (info.strings?.length ?? 0) > 2) {
      throw new Error('cssomStyle() must be the only part of a style attribute');
    }
  }

  render(_styles: CssomStyleInfo): typeof noChange {
    return noChange;
  }

  override update(part: AttributePart, [styles]: [CssomStyleInfo]): typeof noChange {
    const style = (part.element as HTMLElement).style;
    for (const name of this.applied) {
      if (styles[name] == null) {
        style.removeProperty(name);
        this.applied.delete(name);
      }
    }
    for (const [name, value] of Object.entries(styles)) {
      if (value == null) continue;
      style.setProperty(name, String(value));
      this.applied.add(name);
    }
    return noChange;
  }
}

/** Binds element styles through the CSSOM: `style=${cssomStyle({ left: '4px' })}`. */
export const cssomStyle = directive(CssomStyleDirective);
