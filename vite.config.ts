import { defineConfig } from 'vite';
import { wgsl } from './scripts/wgsl-plugin.mjs';

export default defineConfig({
  plugins: [wgsl()],
  build: { target: 'es2022', outDir: 'dist' },
  worker: { format: 'es', plugins: () => [wgsl()] },
});
