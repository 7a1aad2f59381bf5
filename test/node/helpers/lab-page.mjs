// Page helpers shared by the Playwright tests of the pages (ui-lab, a11y).
import assert from 'node:assert/strict';

/** Waits until <prune-lab> has a device and has checked its settings; fails naming the device error if it got none. */
export async function labReady(page) {
  await page.waitForFunction(() => {
    const el = document.querySelector('prune-lab');
    return el?.controller?.adapter != null || el?.controller?.deviceError != null;
  }, null, { timeout: 120000 });
  await page.evaluate(() => document.querySelector('prune-lab').validated);
  const err = await page.evaluate(() => document.querySelector('prune-lab').controller.deviceError);
  assert.equal(err, null, `no GPU device: ${err?.message}`);
}
