// The browser tests' Firefox subset (scripts/firefox-subset.mjs) with the same server,
// plugins and timeouts as web-test-runner.config.mjs, in the system Firefox with WebGPU
// (wgpu with the Naga shader compiler; lavapipe when there is no GPU), launched by
// scripts/firefox-launcher.mjs. test/node/firefox-subset.test.mjs checks that these
// files test every shaders/*.wgsl.
import base from './web-test-runner.config.mjs';
import { firefoxLauncher } from './scripts/firefox-launcher.mjs';
import { firefoxFiles } from './scripts/firefox-subset.mjs';

export default {
  ...base,
  files: firefoxFiles,
  browsers: [firefoxLauncher()],
};
