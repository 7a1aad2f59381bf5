// A plugin of the library build (vite.lib.config.ts): demos/tour/ is a static page over
// dist/lib/ like demos/embed/. The app build copies its HTML and CSS but leaves its
// vite-ignore'd module (tour.js, which imports from ../../lib/) and the stored figures
// it fetches, so they are copied here beside the page: <outDir>/../demos/tour/.
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';

/** @returns {import('vite').Plugin} */
export function tourFiles() {
  let outDir = resolve('dist/lib');
  return {
    name: 'prune-lab-tour-files',
    apply: 'build',
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir);
    },
    closeBundle() {
      const src = resolve('demos/tour');
      const out = resolve(outDir, '..', 'demos', 'tour');
      mkdirSync(resolve(out, 'data'), { recursive: true });
      copyFileSync(resolve(src, 'tour.js'), resolve(out, 'tour.js'));
      for (const f of readdirSync(resolve(src, 'data')).filter((n) => n.endsWith('.json'))) copyFileSync(resolve(src, 'data', f), resolve(out, 'data', f));
    },
  };
}
