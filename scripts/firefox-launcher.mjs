// A Web Test Runner launcher for the system Firefox with WebGPU, over puppeteer-core's
// WebDriver BiDi. It is @web/test-runner-chrome's puppeteer launcher (the one
// @web/test-runner-puppeteer wraps) handed puppeteer-core, so that no browser is
// downloaded: @web/test-runner-puppeteer depends on full puppeteer, whose postinstall
// downloads one, and the webdriver launcher needs geckodriver, which Debian does not ship.
import * as puppeteerCore from 'puppeteer-core';
import { ChromeLauncher } from '@web/test-runner-chrome';
import { firefoxLaunchOptions } from './firefox.mjs';

export function firefoxLauncher() {
  return new ChromeLauncher(
    firefoxLaunchOptions(),
    ({ browser }) => browser.defaultBrowserContext(),
    ({ context }) => context.newPage(),
    puppeteerCore,
  );
}
