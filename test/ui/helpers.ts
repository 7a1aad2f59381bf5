// Mounting elements in the test page: create, set properties, attach, await render;
// and removal of everything mounted after each test.
import type { LitElement } from 'lit';

const mounted: HTMLElement[] = [];

export async function mount<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Partial<HTMLElementTagNameMap[K]> = {},
  attrs: Record<string, string> = {},
): Promise<HTMLElementTagNameMap[K]> {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  Object.assign(el, props);
  document.body.append(el);
  mounted.push(el);
  await settle(el as unknown as LitElement);
  return el;
}

/** Waits for a Lit element's pending update (and any it triggers). */
export async function settle(el: LitElement): Promise<void> {
  while (!(await el.updateComplete));
}

export function unmountAll(): void {
  for (const el of mounted.splice(0)) el.remove();
}

export function $<E extends Element = HTMLElement>(el: Element, selector: string): E {
  const found = el.shadowRoot?.querySelector<E>(selector);
  if (!found) throw new Error(`no ${selector} in <${el.localName}>'s shadow root`);
  return found;
}

export function $$<E extends Element = HTMLElement>(el: Element, selector: string): E[] {
  return [...(el.shadowRoot?.querySelectorAll<E>(selector) ?? [])];
}

/** The visible validation message, or null. */
export function errorText(el: Element): string | null {
  return el.shadowRoot?.querySelector('[part="error"]')?.textContent ?? null;
}
