// The library build: the embeddable elements as ES modules in dist/lib/, each entry
// importable with one <script type="module"> and no import map (lit, uPlot, Comlink
// and idb are bundled in shared chunks). The lab Worker is emitted as a file of its
// own beside them (never inlined as a blob: strict CSPs forbid that), and it and the
// MNIST folder are found relative to the module (dist/data/mnist/ from the app build),
// or from the element's worker-url / data-url attributes.
import { defineConfig, type Plugin } from 'vite';
import { copyFileSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { wgsl } from './scripts/wgsl-plugin.mjs';
import { tourFiles } from './demos/tour/vite-tour-files.mjs';
import { LIB_ENTRIES } from './scripts/lib-entries.mjs';

// Every entry (the API, the gathering modules and one per element), shared with
// package.json's exports through scripts/lib-entries.mjs.
const entries = Object.fromEntries(LIB_ENTRIES.map((e) => [e.file, e.src]));

/**
 * demos/embed/ is a static page that consumes this build from dist/lib/; the app
 * build copies its HTML (leaving its vite-ignore scripts alone) but not the stored
 * reports its chart loads, so they travel with the library.
 */
function embedDemoData(): Plugin {
  return {
    name: 'prune-lab-embed-demo-data',
    apply: 'build',
    closeBundle() {
      const out = resolve('dist/demos/embed');
      mkdirSync(out, { recursive: true });
      copyFileSync(resolve('demos/embed/sample-reports.json'), resolve(out, 'sample-reports.json'));
    },
  };
}

/**
 * Library mode inlines every asset as base64; the stored reports the reproductions view
 * names (new URL('…json', import.meta.url)) are JSON, which base64 hides from gzip. This
 * rewrites each inlined JSON data: URL as minified JSON, percent-encoded (fetchReport decodes
 * both forms): about 45% fewer gzip bytes for the same report. The JSON is parsed, so a
 * report that is not JSON fails the build.
 */
function plainJsonDataUrls(): Plugin {
  const B64 = /data:application\/json;base64,([A-Za-z0-9+/=]+)/g;
  return {
    name: 'prune-lab-plain-json-data-urls',
    apply: 'build',
    renderChunk(code) {
      if (!code.includes('data:application/json;base64,')) return null;
      const out = code.replace(B64, (_m, b64: string) => `data:application/json,${encodeURIComponent(JSON.stringify(JSON.parse(Buffer.from(b64, 'base64').toString('utf8'))))}`);
      return { code: out, map: null };
    },
  };
}

export default defineConfig({
  plugins: [wgsl(), embedDemoData(), tourFiles(), plainJsonDataUrls()],
  // Relative URLs: the Worker is found beside the module wherever dist/lib/ is served from.
  base: './',
  publicDir: false,
  build: {
    target: 'es2022',
    outDir: 'dist/lib',
    emptyOutDir: true,
    // Hidden maps: kept in dist/lib/ for debugging the repo's pages, not referenced from
    // the modules (the npm package leaves them out, see package.json's files).
    sourcemap: 'hidden',
    lib: {
      entry: Object.fromEntries(Object.entries(entries).map(([k, v]) => [k, resolve(v)])),
      formats: ['es'],
      fileName: (_format, name) => `${name}.js`,
    },
    rolldownOptions: {
      output: { chunkFileNames: 'chunks/[name]-[hash].js', assetFileNames: 'assets/[name]-[hash][extname]' },
    },
  },
  // Each Worker is one file, its lazy imports (ONNX import/export, the tree sets) inlined:
  // a page's bundler that re-bundles the Worker from node_modules (Vite's build does)
  // does not follow a Worker's own dynamic imports, and would ship it without them.
  worker: { format: 'es', plugins: () => [wgsl()], rolldownOptions: { output: { codeSplitting: false } } },
});
