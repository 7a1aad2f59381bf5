// Browser tests run in the system Chromium with WebGPU (SwiftShader when there is no GPU).
import { playwrightLauncher } from '@web/test-runner-playwright';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { fromRollup } from '@web/dev-server-rollup';
import { wgsl } from './scripts/wgsl-plugin.mjs';
import { cjsPlugin } from './scripts/cjs-plugin.mjs';
import { mnistKoaMiddleware } from './scripts/mnist-plugin.mjs';
import { chromiumPath, chromiumArgs } from './scripts/chromium.mjs';

const wgslPlugin = fromRollup(wgsl);

export default {
  files: ['test/**/*.test.ts', '!test/node/**'],
  nodeResolve: true,
  concurrency: 1,
  browserStartTimeout: 120000,
  testsStartTimeout: 120000,
  testsFinishTimeout: 600000,
  testFramework: { config: { timeout: 240000 } },
  // Tests fetch /data/mnist/<file> like the page does.
  middleware: [mnistKoaMiddleware()],
  mimeTypes: { '**/*.wgsl': 'js' },
  plugins: [cjsPlugin(), wgslPlugin(), esbuildPlugin({ ts: true, target: 'es2022', tsconfig: './tsconfig.json' })],
  browsers: [
    playwrightLauncher({
      product: 'chromium',
      launchOptions: { executablePath: chromiumPath(), headless: true, args: chromiumArgs },
    }),
  ],
};
