// Runs a page of this repo in the headless system Chromium (WebGPU on) under a Vite
// dev server without file watching, relays its "[page]" console lines to stderr, and
// resolves with what the page leaves in window.__result ({ done, error?, result? }).
// `routes` serves local files at paths under the server root (e.g. a model the CLI
// saved, for the page to load): { 'bench/cli-model.plck': '/tmp/…/model.plck' }.
import { readFileSync } from 'node:fs';
import { createServer } from 'vite';
import { chromium } from 'playwright-core';
import { chromiumPath, chromiumArgs } from './chromium.mjs';

export async function runPage(path, { prefix = '[page]', optimizeDeps = [], routes = {} } = {}) {
  const server = await createServer({
    server: { port: 0, host: '127.0.0.1', hmr: false, watch: { ignored: ['**/*'] } },
    logLevel: 'error',
    ...(optimizeDeps.length ? { optimizeDeps: { include: optimizeDeps } } : {}),
  });
  await server.listen();
  const browser = await chromium.launch({ executablePath: chromiumPath(), headless: true, args: chromiumArgs });
  try {
    const page = await browser.newPage();
    page.on('console', (m) => {
      if (m.text().startsWith(prefix)) console.error(m.text());
    });
    page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
    for (const [at, file] of Object.entries(routes)) {
      await page.route(`${server.resolvedUrls.local[0]}${at}`, (route) => route.fulfill({ status: 200, contentType: 'application/octet-stream', body: readFileSync(file) }));
    }
    await page.goto(`${server.resolvedUrls.local[0]}${path}`);
    await page.waitForFunction(() => window.__result?.done === true, null, { timeout: 0, polling: 1000 });
    const out = await page.evaluate(() => window.__result);
    return { ...out, browser: `Chromium ${browser.version()}` };
  } finally {
    await browser.close();
    await server.close();
  }
}
