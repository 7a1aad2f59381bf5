// WGSL files are imported as their source text (see scripts/wgsl-plugin.mjs).
declare module '*.wgsl' {
  const source: string;
  export default source;
}
