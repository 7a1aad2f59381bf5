// The page's one line about the GPU it runs on. Browsers may hide the adapter's
// vendor and architecture (Firefox gives empty strings), so the line then says what
// is known instead: the browser, its WebGPU implementation, whether the adapter is
// the fallback (software) one, and its features. Never an empty line.
import type { AdapterSummary } from '../worker/api.js';

const ENGINE_NAMES: Record<string, string> = { dawn: 'Dawn', wgpu: 'wgpu', webkit: 'WebKit' };

export function adapterLine(a: Partial<AdapterSummary> & Pick<AdapterSummary, 'vendor' | 'architecture' | 'description'>): string {
  const named = [a.vendor, a.architecture].filter(Boolean).join(' ') + (a.description ? ` (${a.description})` : '');
  const engine = a.engine ? ENGINE_NAMES[a.engine] : undefined;
  const who = a.browser ? `${a.browser}${engine ? ` (${engine})` : ''}` : engine ? `WebGPU by ${engine}` : '';
  const parts = [
    named || 'adapter not named by the browser',
    who,
    a.isFallbackAdapter ? 'fallback (software) adapter' : '',
    !named && a.features ? `features: ${a.features.length ? a.features.join(', ') : 'none'}` : '',
  ];
  return `GPU: ${parts.filter(Boolean).join(' · ')}`;
}
