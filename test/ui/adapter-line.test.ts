// The page's GPU line: the adapter's own strings when it gives them, and what is
// known (browser, engine, fallback, features) when they are empty; never empty.
import { expect } from '@esm-bundle/chai';
import { adapterLine } from '../../src/ui/adapter-line.js';

const firefoxLavapipe = {
  vendor: '', architecture: '', device: '', description: '', backend: 'browser', engine: 'wgpu' as const, browser: 'Firefox 153.0',
  isFallbackAdapter: true, features: ['shader-f16', 'timestamp-query'],
};

describe('adapterLine', () => {
  it("gives the adapter's strings, the browser and engine when the adapter names itself", () => {
    expect(adapterLine({ ...firefoxLavapipe, vendor: 'google', architecture: 'swiftshader', description: 'SwiftShader Device (Subzero)', engine: 'dawn', browser: 'Chromium 140', isFallbackAdapter: false }))
      .to.equal('GPU: google swiftshader (SwiftShader Device (Subzero)) · Chromium 140 (Dawn)');
  });

  it('says what it knows when the strings are empty (Firefox): browser, engine, fallback and features', () => {
    expect(adapterLine(firefoxLavapipe)).to.equal('GPU: adapter not named by the browser · Firefox 153.0 (wgpu) · fallback (software) adapter · features: shader-f16, timestamp-query');
  });

  it('is never empty, even for a summary from an older worker without engine or features', () => {
    expect(adapterLine({ vendor: '', architecture: '', description: '' })).to.equal('GPU: adapter not named by the browser');
    expect(adapterLine({ vendor: '', architecture: '', description: '', engine: 'unknown', features: [] })).to.equal('GPU: adapter not named by the browser · features: none');
  });
});
