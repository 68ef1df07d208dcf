// Small static file server for the demos, the browser tests and the benchmarks.
// Serves the repository root (dist/, web/, demos/, data/, tests/browser/pages/) with the MIME
// types and the cross-origin isolation headers the wasm module needs (COOP/COEP make
// SharedArrayBuffer available for the threaded build).
//
//   node scripts/serve.mjs [port]        port also from $PORT; default 8080, 0 = any free port
//   import { startServer } from './scripts/serve.mjs'   (tests: startServer({ port: 0 }))
import { createServer } from 'node:http';
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));

const mimeTypes = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.cjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/plain; charset=utf-8',
  '.ts': 'text/plain; charset=utf-8',
};
const binaryType = 'application/octet-stream'; // data/*.u8, *.bin weight files, ...

const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

function send(response, status, body, headers = {}) {
  response.writeHead(status, {
    ...isolationHeaders,
    'Content-Type': 'text/plain; charset=utf-8',
    'Cache-Control': 'no-cache',
    ...headers,
  });
  response.end(body);
}

function escapeHtml(text) {
  return text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
}

async function isFile(path) {
  return (await stat(path).catch(() => null))?.isFile() ?? false;
}

// `/` without demos/index.html: list the demo folders so there is always somewhere to go.
async function demoListing(root) {
  const entries = await readdir(join(root, 'demos'), { withFileTypes: true }).catch(() => []);
  const demos = [];
  for (const entry of entries) {
    if (entry.isDirectory() && (await isFile(join(root, 'demos', entry.name, 'index.html')))) {
      demos.push(entry.name);
    }
  }
  const items = demos.map((name) => `<li><a href="/demos/${encodeURIComponent(name)}/">${escapeHtml(name)}</a></li>`);
  return `<!doctype html><meta charset="utf-8"><title>simdnn</title><h1>simdnn demos</h1>` +
    (items.length ? `<ul>${items.join('')}</ul>` : '<p>No demos yet (demos/&lt;name&gt;/index.html).</p>');
}

async function handle(request, response, root) {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    return send(response, 405, 'method not allowed\n', { Allow: 'GET, HEAD' });
  }
  let pathname;
  try {
    pathname = decodeURIComponent(new URL(request.url, 'http://localhost').pathname);
  } catch {
    return send(response, 400, 'bad request\n');
  }
  if (pathname === '/') {
    if (await isFile(join(root, 'demos', 'index.html'))) {
      return send(response, 302, '', { Location: '/demos/' });
    }
    return send(response, 200, await demoListing(root), { 'Content-Type': mimeTypes['.html'] });
  }

  const filePath = resolve(root, '.' + pathname);
  if (filePath !== root && !filePath.startsWith(root + sep)) return send(response, 403, 'forbidden\n');
  const info = await stat(filePath).catch(() => null);
  if (!info) return send(response, 404, `not found: ${pathname}\n`);

  let servedPath = filePath;
  let size = info.size;
  if (info.isDirectory()) {
    // Relative links inside an index.html only work when the URL ends with a slash.
    if (!pathname.endsWith('/')) return send(response, 301, '', { Location: pathname + '/' });
    servedPath = join(filePath, 'index.html');
    const indexInfo = await stat(servedPath).catch(() => null);
    if (!indexInfo?.isFile()) return send(response, 404, `no index.html in ${pathname}\n`);
    size = indexInfo.size;
  } else if (!info.isFile()) {
    return send(response, 404, `not found: ${pathname}\n`);
  }

  response.writeHead(200, {
    ...isolationHeaders,
    'Content-Type': mimeTypes[extname(servedPath).toLowerCase()] ?? binaryType,
    'Content-Length': size,
    'Cache-Control': 'no-cache',
  });
  if (request.method === 'HEAD') return response.end();
  createReadStream(servedPath)
    .on('error', () => response.destroy())
    .pipe(response);
}

/**
 * Starts the server on the loopback interface.
 * @param {{port?: number, root?: string, host?: string}} [options] port 0 picks a free port
 * @returns {Promise<{url: string, port: number, close: () => Promise<void>}>}
 */
export async function startServer({ port = 8080, root = repoRoot, host = '127.0.0.1' } = {}) {
  const absoluteRoot = resolve(root);
  const server = createServer((request, response) => {
    handle(request, response, absoluteRoot).catch((error) => {
      if (!response.headersSent) send(response, 500, `server error: ${error.message}\n`);
      else response.destroy();
    });
  });
  await new Promise((resolveListen, rejectListen) => {
    server.once('error', rejectListen);
    server.listen(port, host, resolveListen);
  });
  const actualPort = server.address().port;
  return {
    url: `http://${host}:${actualPort}/`,
    port: actualPort,
    close: () => new Promise((resolveClose) => {
      server.close(() => resolveClose());
      server.closeAllConnections(); // keep-alive sockets from the browser would hold it open
    }),
  };
}

function portFromCommandLine() {
  const text = process.argv[2] ?? process.env.PORT ?? '8080';
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`serve: '${text}' is not a port number`);
    process.exit(2);
  }
  return port;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const { url, close } = await startServer({ port: portFromCommandLine(), host: process.env.HOST });
  console.log(`serve: ${repoRoot} at ${url}  (Ctrl+C stops)`);
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.once(signal, () => close().then(() => process.exit(0)));
  }
}
