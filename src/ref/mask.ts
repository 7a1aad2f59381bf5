// The mask layout, for the oracles and their tests (it lives in src/layout, which the kernels share).
export { maskBytes, packMask, pruneCount, unpackMask } from '../layout/mask.js';
