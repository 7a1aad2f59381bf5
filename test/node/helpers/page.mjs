// Opens bench/cli-page.html in the headless system Chromium with WebGPU, served by
// a Vite dev server (as scripts/bench.mjs does), and returns what the page leaves
// on window.__cli. `routes` serves extra files (e.g. a model the CLI saved) at
// URLs relative to the page.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createServer } from 'vite';
import { chromium } from 'playwright-core';
import { chromiumPath, chromiumArgs } from '../../../scripts/chromium.mjs';
import { root } from './cli.mjs';

/**
 * @param {Record<string, string>} query  the page's query (mode, n, config)
 * @param {{ routes?: Record<string, string>, onLog?: (line: string) => void }} [options]  routes: page-relative name → file path
 * @returns {Promise<any>} window.__cli.result
 */
export async function runPage(query, options = {}) {
  const server = await createServer({
    root,
    configFile: join(root, 'vite.config.ts'),
    server: { port: 0, host: '127.0.0.1', hmr: false, watch: { ignored: ['**/*'] } },
    optimizeDeps: { noDiscovery: true, include: [] },
    logLevel: 'error',
  });
  await server.listen();
  const base = `${server.resolvedUrls.local[0]}bench/`;
  const browser = await chromium.launch({ executablePath: chromiumPath(), headless: true, args: chromiumArgs });
  try {
    const page = await browser.newPage();
    page.on('console', (m) => {
      if (m.text().startsWith('[cli-page]')) options.onLog?.(m.text());
    });
    for (const [name, file] of Object.entries(options.routes ?? {})) {
      await page.route(`${base}${name}`, (route) => route.fulfill({ status: 200, contentType: 'application/octet-stream', body: readFileSync(file) }));
    }
    await page.goto(`${base}cli-page.html?${new URLSearchParams(query)}`);
    await page.waitForFunction(() => window.__cli?.done === true, null, { timeout: 0, polling: 500 });
    const out = await page.evaluate(() => window.__cli);
    if (out.error) throw new Error(`page failed: ${out.error}`);
    return { ...out.result, browser: browser.version() };
  } finally {
    await browser.close();
    await server.close();
  }
}
