// <prune-size-view>: three bars scaled to the largest size, bytes and ratios as
// labels; attributes map to properties; invalid sizes named.
import { expect } from '@esm-bundle/chai';
import '../../src/ui/size-view.js';
import { formatBytes } from '../../src/ui/size-view.js';
import { $$, errorText, mount, settle, unmountAll } from './helpers.js';
import { SIZES } from './fixtures.js';

describe('<prune-size-view>', () => {
  afterEach(unmountAll);

  it('formats bytes in binary units', () => {
    expect([formatBytes(652), formatBytes(1536), formatBytes(1064960), formatBytes(300 * 1024 * 1024)]).to.deep.equal(['652 B', '1.5 KiB', '1.0 MiB', '300 MiB']);
  });

  it('draws three bars, widths relative to dense, with bytes and the ratio to dense', async () => {
    const el = await mount('prune-size-view', { sizes: SIZES });
    const rows = $$(el, '[part="row"]');
    expect(rows.map((r) => r.dataset.kind)).to.deep.equal(['denseF32', 'sparse', 'sparseInt8']);
    expect($$(el, '[part="fill"]').map((f) => f.style.width)).to.deep.equal(['100%', '41.72%', '25.46%']);
    const figures = $$(el, '.figure').map((f) => f.textContent!.trim());
    expect(figures).to.deep.equal(['652 B', '272 B · 2.4× smaller', '166 B · 3.9× smaller']);
  });

  it('maps attributes to properties', async () => {
    const el = await mount('prune-size-view', {}, { 'dense-f32': '1000', sparse: '500', 'sparse-int8': '250' });
    expect(el.sizes).to.deep.equal({ denseF32: 1000, sparse: 500, sparseInt8: 250 });
    expect($$(el, '[part="fill"]').map((f) => f.style.width)).to.deep.equal(['100%', '50%', '25%']);
  });

  it('shows a placeholder until all three are set, and a message for a bad size', async () => {
    const el = await mount('prune-size-view', {}, { 'dense-f32': '1000' });
    expect(el.shadowRoot!.textContent).to.contain('No model size yet');
    el.setAttribute('sparse', '-3');
    await settle(el);
    expect(errorText(el)).to.equal('sparse must be a byte count (an integer ≥ 0) (got -3)');
  });
});
