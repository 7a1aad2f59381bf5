// <prune-digit-pad>: the user draws a digit (pointer, or keyboard: arrows move a pen,
// Space lifts and lowers it); the pad emits it as an MNIST-like 28×28 input on every
// stroke end and, throttled, while drawing, and shows the models' predictions.
import { css, html } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { cssomStyle } from './cssom-style.js';
import { check } from '../errors.js';
import { inRange, PruneElement } from './prune-element.js';
import { emit, theme, themeColor } from './theme.js';
import { MNIST_SIZE, toMnist } from './mnist-preprocess.js';
import type { Prediction } from '../worker/api.js';

/** Drawing resolution: 10 pad pixels per MNIST pixel. */
const PAD = 280;
const KEY_STEP = 10;

export interface DigitInputDetail {
  /** 28×28 = 784 intensities in [0, 1], row-major, centred and scaled like MNIST. */
  pixels: Float32Array;
}

/**
 * A drawing pad for one digit.
 *
 * @fires digit-input - CustomEvent<DigitInputDetail>: on every stroke end, and at most every `throttle-ms` while drawing.
 * @fires digit-clear - CustomEvent<null>: the pad was cleared (button, Delete, Backspace or Escape).
 * @csspart pad - the drawing canvas.
 * @csspart clear - the clear button.
 * @csspart preview - the 28×28 canvas showing what the models see.
 * @csspart predictions - the list of predictions.
 * @csspart prediction - one prediction.
 * @csspart error - the message shown for an invalid property.
 * @cssprop --prune-fg - the ink colour.
 * @cssprop --prune-surface - the pad's background.
 * @cssprop --prune-accent - the focus ring and keyboard pen.
 * @cssprop --prune-border - the pad's border.
 */
@customElement('prune-digit-pad')
export class PruneDigitPad extends PruneElement {
  static override styles = [
    theme,
    css`
      :host { display: inline-block; }
      .wrap { display: flex; gap: 14px; align-items: flex-start; flex-wrap: wrap; }
      .stage { position: relative; }
      canvas.pad { display: block; background: var(--_surface); border: 1px solid var(--_border); border-radius: 8px; touch-action: none; cursor: crosshair; }
      canvas.pad:focus-visible { outline: 3px solid var(--_accent); outline-offset: 2px; }
      .pen { position: absolute; width: 10px; height: 10px; margin: -6px 0 0 -6px; border: 2px solid var(--_accent); border-radius: 50%; pointer-events: none; }
      .pen.down { background: var(--_accent); }
      .side { display: flex; flex-direction: column; gap: 8px; min-width: 10em; }
      canvas.preview { width: 84px; height: 84px; image-rendering: pixelated; background: #000; border: 1px solid var(--_border); }
      button { font: inherit; padding: 4px 12px; border-radius: 6px; border: 1px solid var(--_border); background: var(--_surface); color: var(--_fg); cursor: pointer; }
      button:focus-visible { outline: 2px solid var(--_accent); }
      ol { list-style: none; margin: 0; padding: 0; }
      li { display: grid; grid-template-columns: 1fr auto auto; gap: 8px; align-items: baseline; padding: 2px 0; }
      .digit { font-size: 1.6em; font-weight: 700; }
      .ms { color: var(--_muted); font-variant-numeric: tabular-nums; }
      .hint { color: var(--_muted); font-size: 0.85em; max-width: 16em; }
    `,
  ];

  /** Models' answers for the current drawing, shown beside the pad. */
  @property({ attribute: false }) predictions: Prediction[] = [];
  /** Minimum milliseconds between digit-input events while a stroke is drawn (0: every move). */
  @property({ type: Number, attribute: 'throttle-ms' }) throttleMs = 100;
  /** Pen width, in pad units (the pad is 280 units across: 10 per MNIST pixel). */
  @property({ type: Number }) brush = 22;
  /** On-screen size of the pad in CSS pixels. */
  @property({ type: Number }) size = 280;

  @query('canvas.pad') private pad!: HTMLCanvasElement | null;
  @query('canvas.preview') private previewCanvas!: HTMLCanvasElement | null;
  @state() private pen: { x: number; y: number; down: boolean } | null = null;
  private stroke: { id: number; x: number; y: number } | null = null;
  private lastEmit = 0;
  private last: Float32Array | null = null;

  /** The last emitted 784 pixels (null when blank or cleared). */
  get pixels(): Float32Array | null {
    return this.last;
  }

  protected validate(): void {
    check(Number.isInteger(this.throttleMs) && this.throttleMs >= 0 && this.throttleMs <= 10000, 'throttle-ms', 'an integer in [0, 10000]', this.throttleMs);
    check(inRange(this.brush, 4, 60), 'brush', 'a number in [4, 60] (pad units; 280 across)', this.brush);
    check(Number.isInteger(this.size) && this.size >= 112 && this.size <= 1024, 'size', 'an integer in [112, 1024] (CSS pixels)', this.size);
    check(Array.isArray(this.predictions), 'predictions', 'an array of { label, digit, latencyMs }', this.predictions);
    this.predictions.forEach((p, i) => {
      const f = `predictions[${i}]`;
      check(typeof p === 'object' && p !== null, f, 'an object { label, digit, latencyMs }', p);
      check(typeof p.label === 'string', `${f}.label`, 'a string', p.label);
      check(Number.isInteger(p.digit) && p.digit >= 0 && p.digit <= 9, `${f}.digit`, 'an integer in [0, 9]', p.digit);
      check(inRange(p.latencyMs, 0, Infinity), `${f}.latencyMs`, 'a number ≥ 0', p.latencyMs);
    });
  }

  /** Wipes the pad and fires digit-clear. */
  clear(): void {
    const ctx = this.pad?.getContext('2d');
    ctx?.clearRect(0, 0, PAD, PAD);
    this.previewCanvas?.getContext('2d')?.clearRect(0, 0, MNIST_SIZE, MNIST_SIZE);
    this.stroke = null;
    this.last = null;
    if (this.pen) this.pen = { ...this.pen, down: false };
    emit<null>(this, 'digit-clear', null);
  }

  private context(): CanvasRenderingContext2D | null {
    const ctx = this.pad?.getContext('2d', { willReadFrequently: true }) ?? null;
    if (ctx) {
      ctx.strokeStyle = ctx.fillStyle = themeColor(this, '--_fg', '#1d2330');
      ctx.lineWidth = this.brush;
      ctx.lineCap = 'round';
      ctx.lineJoin = 'round';
    }
    return ctx;
  }

  private dot(x: number, y: number): void {
    const ctx = this.context();
    if (!ctx) return;
    ctx.beginPath();
    ctx.arc(x, y, this.brush / 2, 0, 2 * Math.PI);
    ctx.fill();
  }

  private line(x0: number, y0: number, x1: number, y1: number): void {
    const ctx = this.context();
    if (!ctx) return;
    ctx.beginPath();
    ctx.moveTo(x0, y0);
    ctx.lineTo(x1, y1);
    ctx.stroke();
  }

  /** Reads the ink (the canvas alpha), preprocesses it and fires digit-input. */
  private emitInput(): void {
    const ctx = this.context();
    if (!ctx) return;
    const rgba = ctx.getImageData(0, 0, PAD, PAD).data;
    const ink = new Float32Array(PAD * PAD);
    for (let i = 0; i < ink.length; i++) ink[i] = rgba[i * 4 + 3]! / 255;
    const pixels = toMnist(ink, PAD, PAD);
    this.last = pixels;
    this.lastEmit = performance.now();
    this.drawPreview(pixels);
    emit<DigitInputDetail>(this, 'digit-input', { pixels });
  }

  private drawPreview(pixels: Float32Array): void {
    const ctx = this.previewCanvas?.getContext('2d');
    if (!ctx) return;
    const img = ctx.createImageData(MNIST_SIZE, MNIST_SIZE);
    pixels.forEach((v, i) => img.data.set([255, 255, 255, Math.round(v * 255)], i * 4));
    ctx.putImageData(img, 0, 0);
  }

  private toPad(ev: PointerEvent): [number, number] {
    const r = this.pad!.getBoundingClientRect();
    return [((ev.clientX - r.left) / r.width) * PAD, ((ev.clientY - r.top) / r.height) * PAD];
  }

  private onPointerDown(ev: PointerEvent): void {
    if (this.stroke || ev.button > 0) return;
    ev.preventDefault();
    const [x, y] = this.toPad(ev);
    try {
      this.pad!.setPointerCapture(ev.pointerId);
    } catch {
      // Synthetic events have no active pointer to capture; drawing still works.
    }
    this.stroke = { id: ev.pointerId, x, y };
    this.lastEmit = performance.now();
    this.dot(x, y);
  }

  private onPointerMove(ev: PointerEvent): void {
    const s = this.stroke;
    if (!s || s.id !== ev.pointerId) return;
    const [x, y] = this.toPad(ev);
    this.line(s.x, s.y, x, y);
    this.stroke = { id: s.id, x, y };
    if (performance.now() - this.lastEmit >= this.throttleMs) this.emitInput();
  }

  private onPointerUp(ev: PointerEvent): void {
    if (!this.stroke || this.stroke.id !== ev.pointerId) return;
    this.stroke = null;
    this.emitInput();
  }

  private onKeyDown(ev: KeyboardEvent): void {
    const pen = this.pen ?? { x: PAD / 2, y: PAD / 2, down: false };
    const step = ev.shiftKey ? 3 * KEY_STEP : KEY_STEP;
    const moves: Record<string, [number, number]> = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] };
    const move = moves[ev.key];
    if (move) {
      const x = Math.min(PAD, Math.max(0, pen.x + move[0]));
      const y = Math.min(PAD, Math.max(0, pen.y + move[1]));
      if (pen.down) this.line(pen.x, pen.y, x, y);
      this.pen = { x, y, down: pen.down };
      if (pen.down && performance.now() - this.lastEmit >= this.throttleMs) this.emitInput();
    } else if (ev.key === ' ' || ev.key === 'Enter') {
      this.pen = { ...pen, down: !pen.down };
      if (!pen.down) {
        this.lastEmit = performance.now();
        this.dot(pen.x, pen.y);
      } else {
        this.emitInput();
      }
    } else if (ev.key === 'Delete' || ev.key === 'Backspace' || ev.key === 'Escape') {
      this.clear();
    } else {
      return;
    }
    ev.preventDefault();
  }

  protected renderValid(): unknown {
    const k = this.size / PAD;
    const pen = this.pen;
    return html`<div class="wrap">
      <div class="stage">
        <canvas
          class="pad"
          part="pad"
          width=${PAD}
          height=${PAD}
          style=${cssomStyle({ width: `${this.size}px`, height: `${this.size}px` })}
          tabindex="0"
          role="application"
          aria-label="Digit drawing pad. Arrow keys move the pen, Space or Enter lowers and lifts it, Delete clears."
          @pointerdown=${this.onPointerDown}
          @pointermove=${this.onPointerMove}
          @pointerup=${this.onPointerUp}
          @pointercancel=${this.onPointerUp}
          @keydown=${this.onKeyDown}
          @blur=${() => (this.pen = null)}
        ></canvas>
        ${pen ? html`<div class="pen ${pen.down ? 'down' : ''}" style=${cssomStyle({ left: `${pen.x * k}px`, top: `${pen.y * k}px` })}></div>` : ''}
      </div>
      <div class="side">
        <button part="clear" @click=${() => this.clear()}>Clear</button>
        <canvas class="preview" part="preview" width=${MNIST_SIZE} height=${MNIST_SIZE} aria-label="what the models see (28×28)" role="img"></canvas>
        <ol part="predictions" aria-live="polite">
          ${this.predictions.map((p) => html`<li part="prediction"><span>${p.label}</span><span class="digit">${p.digit}</span><span class="ms">${p.latencyMs.toFixed(2)} ms</span></li>`)}
        </ol>
        ${this.predictions.length === 0 ? html`<div class="hint">Draw a digit; models answer on every stroke.</div>` : ''}
      </div>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'prune-digit-pad': PruneDigitPad;
  }
  interface HTMLElementEventMap {
    'digit-input': CustomEvent<DigitInputDetail>;
    'digit-clear': CustomEvent<null>;
  }
}
