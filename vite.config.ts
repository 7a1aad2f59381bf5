import { defineConfig } from 'vite';
import { readdirSync, existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { wgsl } from './scripts/wgsl-plugin.mjs';
import { mnist } from './scripts/mnist-plugin.mjs';

// Every demos/<name>/index.html is a page of the build, beside index.html.
const demoPages = Object.fromEntries(
  (existsSync('demos') ? readdirSync('demos') : [])
    .filter((d) => existsSync(resolve('demos', d, 'index.html')))
    .map((d) => [`demos/${d}`, resolve('demos', d, 'index.html')]),
);

export default defineConfig({
  plugins: [wgsl(), mnist()],
  build: {
    target: 'es2022',
    outDir: 'dist',
    rollupOptions: { input: { main: resolve('index.html'), ...demoPages } },
  },
  worker: { format: 'es', plugins: () => [wgsl()] },
});
