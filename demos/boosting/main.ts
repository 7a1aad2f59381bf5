// The boosting demo page: registers the tree elements and echoes <prune-boost-lab>'s events.
import '../../src/ui/trees/index.js';

const out = document.getElementById('events')!;
const lab = document.querySelector('prune-boost-lab')!;
lab.addEventListener('prune-boost-complete', (e) => {
  const r = e.detail.report;
  const after = r.truncation.after;
  out.textContent = `${r.algo} on ${r.dataset.name}: ${r.trainLoss.length} stages fit, truncated to ${after.stages} (${after.totalNodes} nodes); ` +
    `${r.pruning.post.splitsRemoved} splits pruned by ${r.pruning.post.method ?? 'nothing'}.`;
});
lab.addEventListener('prune-boost-settings', (e) => {
  out.textContent = `Refitting with gamma ${e.detail.gamma}, max depth ${e.detail.maxDepth}, learning rate ${e.detail.learningRate}…`;
});
