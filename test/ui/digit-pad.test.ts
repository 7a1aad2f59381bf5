// <prune-digit-pad>: synthesized pointer strokes and keys give MNIST-like 784-pixel
// digit-input events (throttled while drawing), clear fires digit-clear, predictions
// render, and invalid properties show a message.
import { expect } from '@esm-bundle/chai';
import '../../src/ui/digit-pad.js';
import type { DigitInputDetail, PruneDigitPad } from '../../src/ui/digit-pad.js';
import { centreOfMass } from '../../src/ui/mnist-preprocess.js';
import { $, $$, errorText, mount, settle, unmountAll } from './helpers.js';
import { PREDICTIONS } from './fixtures.js';

const listeners: Array<[string, (e: Event) => void]> = [];

function record<T>(el: EventTarget, type: string): Array<CustomEvent<T>> {
  const got: Array<CustomEvent<T>> = [];
  // Listen on the document: the events must bubble and cross the shadow root.
  const h = (e: Event): void => {
    if (e.target === el) got.push(e as CustomEvent<T>);
  };
  document.addEventListener(type, h);
  listeners.push([type, h]);
  return got;
}

/** A stroke in pad units (280 across), as the pointer would draw it. */
function stroke(pad: PruneDigitPad, points: Array<[number, number]>): void {
  const canvas = $<HTMLCanvasElement>(pad, 'canvas.pad');
  const r = canvas.getBoundingClientRect();
  const at = (type: string, [x, y]: [number, number]): void => {
    canvas.dispatchEvent(new PointerEvent(type, { pointerId: 7, button: 0, bubbles: true, composed: true, clientX: r.left + (x / 280) * r.width, clientY: r.top + (y / 280) * r.height }));
  };
  at('pointerdown', points[0]!);
  for (const p of points.slice(1)) at('pointermove', p);
  at('pointerup', points[points.length - 1]!);
}

const line = (from: [number, number], to: [number, number], n: number): Array<[number, number]> =>
  Array.from({ length: n + 1 }, (_, i) => [from[0] + ((to[0] - from[0]) * i) / n, from[1] + ((to[1] - from[1]) * i) / n]);

describe('<prune-digit-pad>', () => {
  afterEach(() => {
    unmountAll();
    for (const [type, h] of listeners.splice(0)) document.removeEventListener(type, h);
  });

  it('emits 784 centred pixels in [0, 1] when a stroke ends', async () => {
    const pad = await mount('prune-digit-pad', { throttleMs: 10000 });
    const events = record<DigitInputDetail>(pad, 'digit-input');
    // An off-centre diagonal stroke in the top-left quarter of a shrunken pad.
    pad.size = 140;
    await settle(pad);
    stroke(pad, line([30, 40], [110, 120], 16));
    expect(events.length, 'only the stroke end: the throttle window is 10 s').to.equal(1);
    const e = events[0]!;
    expect(e.bubbles && e.composed).to.equal(true);
    const px = e.detail.pixels;
    expect(px).to.be.instanceOf(Float32Array);
    expect(px.length).to.equal(784);
    for (const v of px) expect(v).to.be.within(0, 1);
    expect(Math.max(...px)).to.be.greaterThan(0.9);
    const [cx, cy] = centreOfMass(px, 28, 28)!;
    expect(cx).to.be.closeTo(14, 1);
    expect(cy).to.be.closeTo(14, 1);
    expect(pad.pixels).to.equal(px);
  });

  it('emits while drawing when the throttle allows (throttle-ms="0": every move)', async () => {
    const pad = await mount('prune-digit-pad', {}, { 'throttle-ms': '0' });
    expect(pad.throttleMs).to.equal(0);
    const events = record<DigitInputDetail>(pad, 'digit-input');
    stroke(pad, line([140, 40], [140, 240], 5));
    expect(events.length, '5 moves + the stroke end').to.equal(6);
    // A vertical bar is scaled to 20 rows tall.
    const rows = new Set<number>();
    events[5]!.detail.pixels.forEach((v, i) => v > 0 && rows.add(Math.floor(i / 28)));
    expect(rows.size).to.equal(20);
  });

  it('draws from the keyboard: Space lowers the pen, arrows draw, Space lifts and emits; Delete clears', async () => {
    const pad = await mount('prune-digit-pad', { throttleMs: 10000 });
    const inputs = record<DigitInputDetail>(pad, 'digit-input');
    const clears = record<null>(pad, 'digit-clear');
    const canvas = $<HTMLCanvasElement>(pad, 'canvas.pad');
    canvas.focus();
    const key = (k: string): void => void canvas.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true, composed: true }));
    key(' ');
    for (let i = 0; i < 8; i++) key('ArrowDown');
    key(' ');
    expect(inputs.length).to.equal(1);
    const px = inputs[0]!.detail.pixels;
    expect(px.reduce((s, v) => s + v, 0)).to.be.greaterThan(10);
    key('Delete');
    expect(clears.length).to.equal(1);
    expect(clears[0]!.detail).to.equal(null);
    expect(pad.pixels).to.equal(null);
    const ink = canvas.getContext('2d')!.getImageData(0, 0, 280, 280).data;
    expect(ink.some((v, i) => i % 4 === 3 && v > 0), 'no ink after clear').to.equal(false);
  });

  it('clears from the button', async () => {
    const pad = await mount('prune-digit-pad');
    const clears = record<null>(pad, 'digit-clear');
    stroke(pad, line([100, 100], [180, 180], 4));
    $<HTMLButtonElement>(pad, 'button[part="clear"]').click();
    expect(clears.length).to.equal(1);
  });

  it('shows the predictions given as a property', async () => {
    const pad = await mount('prune-digit-pad', { predictions: PREDICTIONS });
    const rows = $$(pad, '[part="prediction"]').map((li) => [...li.children].map((c) => c.textContent));
    expect(rows).to.deep.equal([['dense', '7', '1.23 ms'], ['90% sparse', '7', '0.61 ms']]);
  });

  it('shows a message for invalid values', async () => {
    const pad = await mount('prune-digit-pad', { predictions: [{ label: 'dense', digit: 12, latencyMs: 1 }] });
    expect(errorText(pad)).to.equal('predictions[0].digit must be an integer in [0, 9] (got 12)');
    pad.predictions = [];
    pad.setAttribute('brush', '100');
    await settle(pad);
    expect(errorText(pad)).to.contain('brush must be a number in [4, 60]');
    pad.setAttribute('brush', '20');
    pad.setAttribute('throttle-ms', '-1');
    await settle(pad);
    expect(errorText(pad)).to.contain('throttle-ms must be an integer in [0, 10000]');
  });
});
