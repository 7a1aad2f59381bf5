// The browser test files that also run in Firefox (web-test-runner.firefox.config.mjs):
// every kernel against its oracle, the GPU layer, training, pruning and inference, the
// scripting API, and the lab element end to end through its Worker. Data only, so that
// test/node/firefox-subset.test.mjs can check it reaches every shader without a browser.
export const firefoxFiles = [
  'test/kernels/*.test.ts',
  'test/gpu/*.test.ts',
  'test/nn/train.test.ts',
  'test/nn/network.test.ts',
  'test/prune/*.test.ts',
  'test/prune/criteria/*.test.ts',
  'test/infer/paths.test.ts',
  'test/infer/sell.test.ts',
  'test/infer/bench-nm.test.ts',
  'test/engine.test.ts',
  'test/ui/lab/prune-lab.test.ts',
];
