/**
 * The playground page's server: a few static files and `/config.json`, on an origin of its own,
 * so every request the page sends to the API is cross-origin.
 * @module
 */
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import { closeServer, listen } from './api.mjs';
import { PRESETS } from './presets.mjs';
import { ROUTES } from './routes.mjs';

const PUBLIC = new URL('./public/', import.meta.url);

/**
 * The files the page is made of, with their types; nothing else is served.
 * @type {Readonly<Record<string, readonly [string, string]>>}
 */
const FILES = Object.freeze({
  '/': ['index.html', 'text/html; charset=utf-8'],
  '/app.mjs': ['app.mjs', 'text/javascript; charset=utf-8'],
  '/probe.mjs': ['probe.mjs', 'text/javascript; charset=utf-8'],
  '/verdict.mjs': ['verdict.mjs', 'text/javascript; charset=utf-8'],
  '/examples.mjs': ['examples.mjs', 'text/javascript; charset=utf-8'],
  '/style.css': ['style.css', 'text/css; charset=utf-8'],
  '/favicon.svg': ['favicon.svg', 'image/svg+xml'],
});

/**
 * @typedef {{ host?: string, port?: number, tls?: { key: string, cert: string },
 *   config: () => unknown }} PageOptions
 * @typedef {{ port: number, url: (hostname?: string) => string, close: () => Promise<void> }} RunningPage
 */

/**
 * Serves the playground page. `config` is called for each `/config.json` request, so the page
 * server can start before the API whose address it reports.
 *
 * @param {PageOptions} options
 * @returns {Promise<RunningPage>}
 * @example
 * ```js
 * const page = await startPage({ config: () => ({ apiPort: api.port }) });
 * console.log(page.url()); // http://localhost:40121
 * ```
 */
export async function startPage({ host = '127.0.0.1', port = 0, tls, config }) {
  /** @type {import('node:http').RequestListener} */
  const listener = (req, res) => {
    const path = new URL(req.url ?? '/', 'http://page.invalid').pathname;
    const headers = { 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' };
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { ...headers, Allow: 'GET, HEAD' }).end();
      return;
    }
    if (path === '/config.json') {
      res.writeHead(200, { ...headers, 'Content-Type': 'application/json; charset=utf-8' }).end(JSON.stringify(config()));
      return;
    }
    const file = FILES[path];
    if (file === undefined) {
      res.writeHead(404, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' }).end('Not found');
      return;
    }
    readFile(new URL(file[0], PUBLIC)).then(
      (content) => res.writeHead(200, { ...headers, 'Content-Type': file[1] }).end(req.method === 'HEAD' ? undefined : content),
      () => res.writeHead(500, headers).end(),
    );
  };
  const server = tls === undefined ? http.createServer(listener) : https.createServer(tls, listener);
  const boundPort = await listen(server, host, port, '--port-page');
  return {
    port: boundPort,
    url: (hostname = 'localhost') => `${tls === undefined ? 'http' : 'https'}://${hostname}:${boundPort}`,
    close: () => closeServer(server),
  };
}

/**
 * What `/config.json` tells the page: the adapter, where the API listens, which page origins
 * the `app` preset lists, and each preset's options (shown on the page as `createPolicy(...)`).
 *
 * @param {{ adapter: string, apiPort: number, pageOrigins: readonly string[] }} facts
 * @example
 * ```js
 * const page = await startPage({ config: () => playgroundConfig({ adapter: 'koa', apiPort: api.port, pageOrigins }) });
 * ```
 */
export function playgroundConfig({ adapter, apiPort, pageOrigins }) {
  return {
    adapter,
    apiPort,
    pageOrigins: [...pageOrigins],
    presets: PRESETS.map(({ id, title, summary, options }) => ({ id, title, summary, options: options(pageOrigins) })),
    routes: ROUTES,
  };
}
