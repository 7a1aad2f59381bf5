// <prune-layer-sparsity>: one bar per layer whose width is its sparsity, labelled with
// name, shape and counts; excluded layers marked; invalid entries named.
import { expect } from '@esm-bundle/chai';
import '../../src/ui/layer-sparsity.js';
import type { RoundEntry } from '../../src/lab/report.js';
import { $, $$, errorText, mount, settle, unmountAll } from './helpers.js';
import { MAGNITUDE_REPORT } from './fixtures.js';

describe('<prune-layer-sparsity>', () => {
  afterEach(unmountAll);

  it('draws a bar per layer with the sparsity as its width and the counts as its label', async () => {
    const el = await mount('prune-layer-sparsity', { entry: MAGNITUDE_REPORT.rounds[1]! });
    const rows = $$(el, '[data-layer]');
    expect(rows.map((r) => r.dataset.layer)).to.deep.equal(['fc1', 'fc2']);
    const fills = $$(el, '[part="fill"]');
    // fc1 keeps 28 of 128 → 78.125% zero; fc2 keeps 10 of 24 → 58.333%.
    expect(fills.map((f) => f.style.width)).to.deep.equal(['78.13%', '58.33%']);
    // The rendered bar really has that share of its track.
    const track = $(el, '[part="bar"]').getBoundingClientRect().width;
    expect(fills[0]!.getBoundingClientRect().width / (track - 2)).to.be.closeTo(0.78125, 0.01);
    expect(rows[0]!.textContent!.replace(/\s+/g, ' ')).to.contain('linear 16×8').and.contain('78.1% zero · 28/128 kept');
    expect($(el, '[part="head"]').textContent).to.contain('Round 2').and.contain('75.0%');
  });

  it('marks layers excluded from pruning and shows units kept for structured rounds', async () => {
    const e = structuredClone(MAGNITUDE_REPORT.rounds[0]!) as RoundEntry;
    e.layers[1]!.prunable = false;
    e.units = { fc1: { before: 8, after: 5 } };
    const el = await mount('prune-layer-sparsity', { entry: e });
    const rows = $$(el, '[data-layer]');
    expect(rows[1]!.getAttribute('part')).to.equal('layer excluded');
    expect(rows[1]!.textContent).to.contain('excluded');
    expect(rows[0]!.textContent).to.contain('units 5/8');
  });

  it('shows a placeholder without an entry and names invalid layer fields', async () => {
    const el = await mount('prune-layer-sparsity');
    expect(el.shadowRoot!.textContent).to.contain('No round yet');
    const e = structuredClone(MAGNITUDE_REPORT.rounds[0]!) as RoundEntry;
    e.layers[0]!.nonzero = 500;
    el.entry = e;
    await settle(el);
    expect(errorText(el)).to.equal('entry.layers[0].nonzero must be at most params (128) (got 500)');
  });
});
