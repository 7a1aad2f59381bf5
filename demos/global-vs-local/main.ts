// Global vs local magnitude pruning: the page's presets, run one after the other on its lab.
import { comparePresets, type Preset } from '../shared/compare.js';

const PRESETS: Preset[] = [
  { label: 'global magnitude', attrs: { method: 'global' } },
  { label: 'local magnitude (per layer)', attrs: { method: 'local' } },
];

comparePresets(document.querySelector('prune-lab')!, PRESETS, 'Run global, then local');
