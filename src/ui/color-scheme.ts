// Redraws an element when the page switches between light and dark: canvas drawings
// read the theme's colours once per draw, so CSS alone cannot repaint them.
import type { ReactiveController, ReactiveControllerHost } from 'lit';

export class ColorSchemeController implements ReactiveController {
  private query: MediaQueryList | null = null;
  private readonly onChange = (): void => this.host.requestUpdate();

  constructor(private readonly host: ReactiveControllerHost & EventTarget) {
    host.addController(this);
  }

  hostConnected(): void {
    this.query = typeof matchMedia === 'function' ? matchMedia('(prefers-color-scheme: dark)') : null;
    this.query?.addEventListener('change', this.onChange);
  }

  hostDisconnected(): void {
    this.query?.removeEventListener('change', this.onChange);
    this.query = null;
  }
}
