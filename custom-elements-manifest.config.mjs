// The custom-elements.json manifest of the embeddable elements, generated from the
// source (JSDoc @fires / @csspart / @cssprop, Lit properties and their attributes)
// by `npm run manifest`, into dist/ beside the library build. package.json's
// customElements field points at it; the analyzer is told not to rewrite that.
export default {
  globs: ['src/ui/**/*.ts'],
  exclude: ['src/ui/**/*.test.ts'],
  outdir: 'dist',
  litelement: true,
  packagejson: false,
};
