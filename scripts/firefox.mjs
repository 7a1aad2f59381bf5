// Finds the system Firefox (no browser is ever downloaded) and the preferences that
// give it WebGPU (wgpu/Naga; lavapipe when there is no GPU), and launches it through
// puppeteer-core over WebDriver BiDi. Shared by the Firefox test runner config and
// the benchmark (scripts/page-runner.mjs).
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

/** The oldest Firefox seen to give navigator.gpu on Linux here: 140 ESR refuses ("not yet available in Release"). */
export const FIREFOX_MIN_MAJOR = 153;

export function firefoxPath() {
  const candidates = [process.env.FIREFOX_PATH, '/usr/bin/firefox-esr', '/usr/bin/firefox'].filter(Boolean);
  for (const p of candidates) if (existsSync(p)) return p;
  throw new Error(`No Firefox found. Set FIREFOX_PATH, or install one (Debian: apt-get install -y firefox-esr mesa-vulkan-drivers). Tried: ${candidates.join(', ')}`);
}

/** The major version of the Firefox at `path` (from `--version`), or NaN if it does not say. */
export function firefoxMajor(path = firefoxPath()) {
  const out = execFileSync(path, ['--version'], { encoding: 'utf8', timeout: 60000 });
  return Number(/(\d+)\.\d+/.exec(out)?.[1] ?? NaN);
}

export const firefoxPrefs = {
  'dom.webgpu.enabled': true,
  // lavapipe (and some real drivers) are on wgpu's blocklist.
  'gfx.webgpu.ignore-blocklist': true,
  // The lab's engine runs in a Worker.
  'dom.webgpu.workers.enabled': true,
  // Timing at 1 ms granularity hides sub-ms kernels; the figures are what a page sees, but finer is better for tests/bench.
  'privacy.reduceTimerPrecision': false,
};

/** puppeteer-core launch options for the system Firefox with WebGPU on. */
export function firefoxLaunchOptions() {
  return {
    browser: 'firefox',
    executablePath: firefoxPath(),
    headless: true,
    extraPrefsFirefox: firefoxPrefs,
    // Long GPU work on a software adapter: BiDi calls may wait minutes.
    protocolTimeout: 600000,
  };
}
