// <prune-confusion-matrix> and <prune-metrics-table>: C×C cells holding the counts,
// hover read-out, attributes; the P/R/F1 table's rows, support and macro averages.
import { expect } from '@esm-bundle/chai';
import '../../src/ui/confusion-matrix.js';
import '../../src/ui/metrics-table.js';
import type { RoundEntry } from '../../src/lab/report.js';
import { $, $$, errorText, mount, settle, unmountAll } from './helpers.js';
import { MAGNITUDE_REPORT, RANDOM_REPORT } from './fixtures.js';

describe('<prune-confusion-matrix>', () => {
  afterEach(unmountAll);

  it('has C×C cells with the counts, row = true class, column = predicted', async () => {
    const e = RANDOM_REPORT.rounds[1]!;
    const el = await mount('prune-confusion-matrix', { confusion: e.confusion, classes: 3 });
    const cells = $$(el, 'td[part~="cell"]');
    expect(cells.length).to.equal(9);
    expect(cells.map((c) => Number(c.textContent))).to.deep.equal(e.confusion);
    expect(cells.map((c) => `${c.dataset.true},${c.dataset.pred}`).slice(0, 4)).to.deep.equal(['0,0', '0,1', '0,2', '1,0']);
    expect($$(el, 'td[part~="diagonal"]').map((c) => c.textContent)).to.deep.equal(['40', '36', '36']);
  });

  it('spells out the hovered cell', async () => {
    const el = await mount('prune-confusion-matrix', { confusion: RANDOM_REPORT.rounds[1]!.confusion, labels: ['cat', 'dog', 'eel'] });
    const cell = $(el, 'td[data-true="2"][data-pred="1"]');
    cell.dispatchEvent(new PointerEvent('pointerenter'));
    await settle(el);
    expect($(el, '[part="readout"]').textContent).to.equal('true eel → predicted dog: 9 of 50 (18.0% of true eel)');
    expect(cell.title).to.equal('true eel → predicted dog: 9 of 50 (18.0% of true eel)');
    expect($$(el, 'thead th').map((th) => th.textContent)).to.deep.equal(['true \\ pred', 'cat', 'dog', 'eel']);
  });

  it('maps JSON attributes to properties and infers the class count', async () => {
    const el = await mount('prune-confusion-matrix', {}, { confusion: '[5, 1, 2, 7]', labels: '["no", "yes"]' });
    expect(el.confusion).to.deep.equal([5, 1, 2, 7]);
    expect(el.labels).to.deep.equal(['no', 'yes']);
    expect($$(el, 'td').map((c) => c.textContent)).to.deep.equal(['5', '1', '2', '7']);
  });

  it('names invalid values', async () => {
    const el = await mount('prune-confusion-matrix', { confusion: [1, 2, 3, 4, 5] });
    expect(errorText(el)).to.equal('confusion must be a square number of counts (got 5)');
    el.classes = 3;
    el.confusion = [1, 2, 3, 4];
    await settle(el);
    expect(errorText(el)).to.equal('confusion must be classes × classes = 9 counts (got 4)');
    el.classes = 2;
    el.confusion = [1, 2, -3, 4];
    await settle(el);
    expect(errorText(el)).to.equal('confusion[2] must be an integer ≥ 0 (got -3)');
    el.confusion = [1, 2, 3, 4];
    el.labels = ['a'];
    await settle(el);
    expect(errorText(el)).to.contain('labels must be an array of 2 strings');
  });
});

describe('<prune-metrics-table>', () => {
  afterEach(unmountAll);

  it('lists precision, recall, F1 and support per class, then the macro averages and accuracy', async () => {
    const e = MAGNITUDE_REPORT.rounds[0]!;
    const el = await mount('prune-metrics-table', { entry: e });
    const rows = $$(el, 'tbody tr').map((tr) => [...tr.children].map((c) => c.textContent!.trim()));
    expect(rows).to.deep.equal([
      ['0', '0.940', '0.940', '0.940', '50'],
      ['1', '0.902', '0.920', '0.911', '50'],
      ['2', '0.939', '0.920', '0.929', '50'],
    ]);
    const foot = $$(el, 'tfoot tr').map((tr) => [...tr.children].map((c) => c.textContent!.trim()));
    expect(foot).to.deep.equal([['macro avg', '0.927', '0.927', '0.927', '150'], ['accuracy', '', '', '0.927', '']]);
  });

  it('maps digits and labels attributes', async () => {
    const el = await mount('prune-metrics-table', { entry: RANDOM_REPORT.rounds[1]! }, { digits: '2', labels: '["a", "b", "c"]' });
    expect(el.digits).to.equal(2);
    expect($$(el, 'tbody th').map((th) => th.textContent)).to.deep.equal(['a', 'b', 'c']);
    expect($(el, 'tbody td').textContent).to.equal('0.77');
  });

  it('names invalid values', async () => {
    const e = structuredClone(MAGNITUDE_REPORT.rounds[0]!) as RoundEntry;
    e.perClass.recall = [0.9, 0.9];
    const el = await mount('prune-metrics-table', { entry: e });
    expect(errorText(el)).to.equal('entry.perClass.recall must be an array of 3 numbers (one per class) (got array(2))');
    el.entry = MAGNITUDE_REPORT.rounds[0]!;
    el.digits = 9;
    await settle(el);
    expect(errorText(el)).to.equal('digits must be an integer in [0, 6] (got 9)');
  });
});
