// Finds the system Chromium (no browser is ever downloaded) and the flags that
// give headless WebGPU on it. Shared by the test runner and the benchmark.
import { existsSync } from 'node:fs';

export function chromiumPath() {
  const candidates = [process.env.CHROME_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser',
    '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'].filter(Boolean);
  for (const p of candidates) if (existsSync(p)) return p;
  throw new Error(`No Chromium found. Set CHROME_PATH, or install one (Debian: apt-get install -y chromium). Tried: ${candidates.join(', ')}`);
}

export const chromiumArgs = [
  '--enable-unsafe-webgpu',
  '--enable-features=Vulkan',
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];
