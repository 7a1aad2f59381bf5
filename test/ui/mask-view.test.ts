// <prune-mask-view>: one tile per unit laid out on the canvas, each pixel the unit's
// weight from column n of the in×out matrix, in the theme's colours (set to pure
// colours here so every pixel has an exact expected value); hover, attributes, errors.
import { expect } from '@esm-bundle/chai';
import '../../src/ui/mask-view.js';
import { tileOrigin, type PruneMaskView } from '../../src/ui/mask-view.js';
import { $, errorText, mount, settle, unmountAll } from './helpers.js';

const inputs = 16; // 4×4 tiles
const units = 5;
// Unit n's weight from input k: +1 on its own input k = n, -1 on k = 15 - n, 0.5 on k = 5, else 0.
function weightsKN(): Float32Array {
  const w = new Float32Array(inputs * units);
  for (let n = 0; n < units; n++) {
    w[5 * units + n] = 0.5;
    w[n * units + n] = 1;
    w[(15 - n) * units + n] = -1;
  }
  return w;
}

const COLORS = { '--prune-bg': 'rgb(0, 0, 0)', '--prune-positive': 'rgb(255, 0, 0)', '--prune-negative': 'rgb(0, 0, 255)', '--prune-pruned': 'rgb(0, 255, 0)', '--prune-border': 'rgb(9, 9, 9)', '--prune-fg': 'rgb(255, 255, 255)' };

async function view(props: Partial<PruneMaskView>, attrs: Record<string, string> = {}): Promise<PruneMaskView> {
  const style = Object.entries(COLORS).map(([k, v]) => `${k}: ${v}`).join('; ');
  return mount('prune-mask-view', props, { style, ...attrs });
}

function pixel(el: PruneMaskView, n: number, k: number): number[] {
  const canvas = $<HTMLCanvasElement>(el, 'canvas');
  const layout = el.layout!;
  const [ox, oy] = tileOrigin(layout, n);
  const d = canvas.getContext('2d')!.getImageData(ox + (k % layout.tileWidth), oy + Math.floor(k / layout.tileWidth), 1, 1).data;
  return [d[0]!, d[1]!, d[2]!];
}

describe('<prune-mask-view>', () => {
  afterEach(unmountAll);

  it('lays out one tile per unit with 1-pixel gaps', async () => {
    const el = await view({ weights: weightsKN(), units }, { inputs: String(inputs) });
    expect(el.inputs).to.equal(16);
    expect(el.layout).to.deep.equal({ units: 5, tileWidth: 4, tileHeight: 4, columns: 3, rows: 2, width: 14, height: 9 });
    const canvas = $<HTMLCanvasElement>(el, 'canvas');
    expect([canvas.width, canvas.height]).to.deep.equal([14, 9]);
    expect(canvas.getAttribute('aria-label')).to.equal('5 tiles of 4×4 weights');
    expect(canvas.style.width).to.equal(`${14 * 2}px`);
    // The gap column between tiles 0 and 1, and the unused sixth slot, are the border colour.
    expect([...canvas.getContext('2d')!.getImageData(4, 0, 1, 1).data.slice(0, 3)]).to.deep.equal([9, 9, 9]);
    expect([...canvas.getContext('2d')!.getImageData(12, 7, 1, 1).data.slice(0, 3)]).to.deep.equal([9, 9, 9]);
  });

  it('draws column n of the in×out weights as tile n, in diverging colours', async () => {
    const el = await view({ weights: weightsKN(), units, inputs });
    for (let n = 0; n < units; n++) {
      expect(pixel(el, n, n), `unit ${n}, its +1 input`).to.deep.equal([255, 0, 0]);
      expect(pixel(el, n, 15 - n), `unit ${n}, its -1 input`).to.deep.equal([0, 0, 255]);
      expect(pixel(el, n, 5), `unit ${n}, 0.5 → halfway to positive`).to.deep.equal(n === 5 ? [255, 0, 0] : [128, 0, 0]);
      expect(pixel(el, n, 8), `unit ${n}, a zero weight`).to.deep.equal([0, 0, 0]);
    }
  });

  it('greys out pruned weights, and in mask mode shows kept vs pruned', async () => {
    const mask = new Uint8Array(inputs * units).fill(1);
    mask[0 * units + 0] = 0; // unit 0 loses its +1 input
    const el = await view({ weights: weightsKN(), mask, units, inputs });
    expect(pixel(el, 0, 0)).to.deep.equal([0, 255, 0]);
    expect(pixel(el, 1, 1)).to.deep.equal([255, 0, 0]);
    el.setAttribute('mode', 'mask');
    await settle(el);
    expect(el.mode).to.equal('mask');
    expect(pixel(el, 0, 0)).to.deep.equal([0, 255, 0]);
    expect(pixel(el, 0, 8), 'a kept zero weight is kept').to.deep.equal([255, 255, 255]);
    // Without a mask, mask mode treats exact zeros as pruned.
    el.mask = null;
    await settle(el);
    expect(pixel(el, 0, 8)).to.deep.equal([0, 255, 0]);
    expect(pixel(el, 0, 0)).to.deep.equal([255, 255, 255]);
  });

  it('infers units, honours columns and tile-width, and reports the hovered unit', async () => {
    const el = await view({ weights: weightsKN() }, { inputs: '16', columns: '5', 'tile-width': '8', zoom: '4' });
    expect(el.layout).to.deep.equal({ units: 5, tileWidth: 8, tileHeight: 2, columns: 5, rows: 1, width: 44, height: 2 });
    const canvas = $<HTMLCanvasElement>(el, 'canvas');
    const r = canvas.getBoundingClientRect();
    // Weight pixel (x = 2·9 + 5, y = 1) is unit 2's input 1·8 + 5 = 13, its -1 weight.
    canvas.dispatchEvent(new PointerEvent('pointermove', { clientX: r.left + (23.5 / 44) * r.width, clientY: r.top + (1.5 / 2) * r.height }));
    await settle(el);
    expect($(el, '[part="caption"]').textContent).to.equal('unit 2: 3/16 kept · input 13 (1, 5): w = -1.00');
  });

  it('names invalid values', async () => {
    const el = await view({ weights: weightsKN(), units: 4 }, { inputs: '16' });
    expect(errorText(el)).to.equal('weights must be inputs × units = 64 values (got 80)');
    el.units = 5;
    el.inputs = 15;
    await settle(el);
    expect(errorText(el)).to.equal('inputs must be a perfect square (784 = 28×28) unless tile-width is set (got 15)');
    el.inputs = 16;
    el.mask = new Uint8Array(80).fill(2);
    await settle(el);
    expect(errorText(el)).to.equal('mask[0] must be 0 or 1 (got 2)');
    el.mask = null;
    el.setAttribute('mode', 'both');
    await settle(el);
    expect(errorText(el)).to.equal('mode must be one of weights, mask (got "both")');
    el.setAttribute('mode', 'weights');
    await settle(el);
    expect(errorText(el)).to.equal(null);
  });
});
