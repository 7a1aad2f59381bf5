// Structured vs unstructured: what sparsity buys in latency: the page's presets, run one after the other on its lab.
import { comparePresets, type Preset } from '../shared/compare.js';

const PRESETS: Preset[] = [
  { label: 'unstructured (global magnitude)', attrs: { method: 'global' } },
  { label: 'structured (neurons, L2)', attrs: { method: 'structured' } },
];

comparePresets(document.querySelector('prune-lab')!, PRESETS, 'Run unstructured, then structured');
