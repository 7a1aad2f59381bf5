// The page's entry for now: shows the WebGPU adapter found, or why there is none.
// (The lab's elements replace this in the UI issue.)
import { acquireDevice } from '../gpu/device.js';
import { PruneLabError } from '../errors.js';

const box = document.getElementById('adapter')!;

function show(rows: Array<[string, string]>): void {
  const dl = document.createElement('dl');
  for (const [k, v] of rows) {
    const dt = document.createElement('dt');
    dt.textContent = k;
    const dd = document.createElement('dd');
    dd.textContent = v || '—';
    dl.append(dt, dd);
  }
  box.replaceChildren(dl);
}

try {
  const { device, info, lost } = await acquireDevice();
  show([
    ['Vendor', info.vendor],
    ['Architecture', info.architecture],
    ['Description', info.description],
    ['Features', info.features.join(', ')],
    ['Max storage binding', `${(device.limits.maxStorageBufferBindingSize / 2 ** 20).toFixed(0)} MiB`],
  ]);
  box.dataset.state = 'ready';
  void lost.then((l) => {
    box.classList.add('error');
    box.textContent = `The GPU device was lost (${l.reason}): ${l.message}. Reload the page to start again.`;
  });
} catch (e) {
  box.classList.add('error');
  box.dataset.state = 'error';
  box.textContent = e instanceof PruneLabError ? e.message : `WebGPU failed to start: ${String(e)}`;
}
