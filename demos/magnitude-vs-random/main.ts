// Magnitude vs random pruning: the page's presets, run one after the other on its lab.
import { comparePresets, type Preset } from '../shared/compare.js';

const PRESETS: Preset[] = [
  { label: 'magnitude (global)', attrs: { method: 'global' } },
  { label: 'random (same per-layer counts)', attrs: { method: 'random' } },
];

comparePresets(document.querySelector('prune-lab')!, PRESETS, 'Run magnitude, then random');
