// The trees demo page: registers the tree-lab elements and echoes their events.
import '../../src/ui/trees/index.js';

const out = document.getElementById('events')!;
const lab = document.querySelector('prune-tree-lab')!;
lab.addEventListener('prune-run-complete', (e) => {
  const best = e.detail.report.rows.reduce((a, b) => ((b.testAccuracy ?? 0) > (a.testAccuracy ?? 0) ? b : a));
  out.textContent = `Grown and pruned ${e.detail.dataset}: best test accuracy ${((best.testAccuracy ?? 0) * 100).toFixed(1)}% (${best.label}).`;
});
lab.addEventListener('prune-alpha-change', (e) => {
  out.textContent = `α = ${e.detail.alpha.toPrecision(3)}: ${e.detail.leaves} leaves.`;
});
