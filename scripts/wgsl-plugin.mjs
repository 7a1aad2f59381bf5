// One rollup-style plugin that turns `import src from './x.wgsl'` into a string
// export. Vite uses it directly and the test runner through fromRollup, so the
// page, the library build, the CLI bundle and the tests load shaders one way.
export function wgsl() {
  return {
    name: 'prune-lab-wgsl',
    transform(code, id) {
      if (!id.split('?')[0].endsWith('.wgsl')) return null;
      return { code: `export default ${JSON.stringify(code)};`, map: { mappings: '' } };
    },
  };
}
