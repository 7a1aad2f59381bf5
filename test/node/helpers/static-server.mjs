// A plain static file server (no Vite), as a docs site would be, sending one
// Content-Security-Policy header with every file when given one: for the pages over
// the library build.
import { createServer } from 'node:http';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.json': 'application/json', '.css': 'text/css', '.map': 'application/json', '.wasm': 'application/wasm' };

/**
 * Serves dir on 127.0.0.1 (a free port); resolves to { origin, close }. `csp`: the
 * Content-Security-Policy header of every file, or null for none. `rootFor(path)`: the
 * folder a request path is served from (default: dir for every path).
 */
export async function serveStatic(dir, csp = null, rootFor = () => dir) {
  const http = createServer((req, res) => {
    let path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname));
    if (path.endsWith('/')) path += 'index.html';
    const top = rootFor(path);
    const file = join(top, path);
    if (!file.startsWith(top) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', ...(csp ? { 'Content-Security-Policy': csp } : {}) });
    res.end(readFileSync(file));
  });
  await new Promise((r) => http.listen(0, '127.0.0.1', r));
  return { origin: `http://127.0.0.1:${http.address().port}`, close: () => http.close() };
}
