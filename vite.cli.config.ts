// Builds the Node CLI (src/cli/main.ts) into one ES module, dist-cli/prune-lab.mjs,
// that bin/prune-lab.mjs runs. Everything is bundled except Node's built-ins and
// the `webgpu` package (a native Dawn addon); shaders load through the same wgsl()
// plugin as the page, for when the CLI carries GPU code.
import { defineConfig } from 'vite';
import { builtinModules } from 'node:module';
import { wgsl } from './scripts/wgsl-plugin.mjs';

const external = ['webgpu', /^webgpu\//, /^node:/, ...builtinModules];

export default defineConfig({
  plugins: [wgsl()],
  ssr: { noExternal: true, external: ['webgpu'], target: 'node' },
  build: {
    ssr: 'src/cli/main.ts',
    target: 'node20',
    outDir: 'dist-cli',
    emptyOutDir: true,
    minify: false,
    sourcemap: false,
    rolldownOptions: {
      external,
      output: { format: 'es', entryFileNames: 'prune-lab.mjs' },
    },
  },
});
