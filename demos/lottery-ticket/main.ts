// The lottery ticket: rewinding survivors to their initial values: the page's presets, run one after the other on its lab.
import { comparePresets, type Preset } from '../shared/compare.js';

const PRESETS: Preset[] = [
  { label: 'rewind to init (lottery ticket)', attrs: { rewind: '0' } },
  { label: 'fine-tune (no rewind)', attrs: { rewind: '' } },
];

comparePresets(document.querySelector('prune-lab')!, PRESETS, 'Run with rewinding, then without');
