// Runs a page of this repo in the headless system Chromium (WebGPU on) under a Vite
// dev server without file watching, relays its "[page]" console lines to stderr, and
// resolves with what the page leaves in window.__result ({ done, error?, result? }).
// `routes` serves local files at paths under the server root (e.g. a model the CLI
// saved, for the page to load): { 'bench/cli-model.plck': '/tmp/…/model.plck' }.
// `browser: 'firefox'` runs it in the system Firefox (wgpu) instead, through
// puppeteer-core over WebDriver BiDi (scripts/firefox.mjs); routes are Chromium's only.
import { readFileSync } from 'node:fs';
import { createServer } from 'vite';
import { chromium } from 'playwright-core';
import puppeteer from 'puppeteer-core';
import { chromiumPath, chromiumArgs } from './chromium.mjs';
import { firefoxLaunchOptions } from './firefox.mjs';

export const PAGE_BROWSERS = ['chromium', 'firefox'];

export async function runPage(path, { prefix = '[page]', optimizeDeps = [], routes = {}, browser: which = 'chromium' } = {}) {
  if (!PAGE_BROWSERS.includes(which)) throw new Error(`runPage: browser must be one of ${PAGE_BROWSERS.join(', ')} (got ${JSON.stringify(which)})`);
  if (which === 'firefox' && Object.keys(routes).length) throw new Error('runPage: routes are served in Chromium only');
  const server = await createServer({
    server: { port: 0, host: '127.0.0.1', hmr: false, watch: { ignored: ['**/*'] } },
    logLevel: 'error',
    ...(optimizeDeps.length ? { optimizeDeps: { include: optimizeDeps } } : {}),
  });
  await server.listen();
  if (which === 'firefox') {
    try {
      return await runInFirefox(`${server.resolvedUrls.local[0]}${path}`, prefix);
    } finally {
      await server.close();
    }
  }
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

async function runInFirefox(url, prefix) {
  const browser = await puppeteer.launch(firefoxLaunchOptions());
  try {
    const page = await browser.newPage();
    page.on('console', (m) => {
      if (m.text().startsWith(prefix)) console.error(m.text());
    });
    page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
    await page.goto(url);
    // Polled: one long evaluate would outlive the protocol's timeouts.
    await page.waitForFunction(() => window.__result?.done === true, { timeout: 0, polling: 1000 });
    const out = await page.evaluate(() => window.__result);
    const version = (await browser.version()).replace(/^firefox\//i, '');
    return { ...out, browser: `Firefox ${version}` };
  } finally {
    await browser.close();
  }
}
