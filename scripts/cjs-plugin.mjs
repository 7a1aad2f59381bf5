// The test runner serves node_modules as they are, and a browser cannot load a
// CommonJS module. This plugin serves the few CommonJS packages the engine imports
// (onnx-proto, with protobufjs) as one ES module bundled by esbuild, with the
// package's exports as named exports and as the default export (as Vite's interop
// gives them to the page and the CLI bundle).
import { build } from 'esbuild';

/** Package → the names its module.exports carries. */
const PACKAGES = { 'onnx-proto': ['onnx'] };

export function cjsPlugin() {
  const cache = new Map();
  async function bundle(pkg) {
    const names = PACKAGES[pkg];
    const contents = `import m from ${JSON.stringify(pkg)};\n${names.map((n) => `export const ${n} = m.${n};`).join('\n')}\nexport default m;\n`;
    const out = await build({ stdin: { contents, resolveDir: process.cwd(), loader: 'js' }, bundle: true, format: 'esm', platform: 'browser', write: false, logLevel: 'silent' });
    return out.outputFiles[0].text;
  }
  return {
    name: 'prune-lab-cjs',
    async serve(context) {
      const pkg = Object.keys(PACKAGES).find((p) => context.path.includes(`/node_modules/${p}/`));
      if (!pkg || !context.path.endsWith('.js')) return undefined;
      if (!cache.has(pkg)) cache.set(pkg, bundle(pkg));
      return { body: await cache.get(pkg), type: 'js' };
    },
  };
}
