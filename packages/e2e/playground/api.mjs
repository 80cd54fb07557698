/**
 * The playground API: one adapter's app per policy preset, mounted at `/<preset>/...`, on a real
 * `node:http` (or `node:https`) server. Requests carrying `?corsica-trace=<id>` are recorded as
 * the server saw them (request headers, the status and headers it sent), and
 * `GET /__corsica/trace/<id>` returns them with `policy.explain()` for each: the page cannot see
 * its own preflight or a blocked response, but the server can.
 * @module
 */
import http from 'node:http';
import https from 'node:https';
import { createPolicy } from '@corsica/core';
import { factsFromNodeRequest } from '@corsica/core/adapter';
import { cors } from '@corsica/express';
import { ADAPTERS, ADAPTER_NAMES } from './adapters.mjs';
import { PRESETS } from './presets.mjs';
import { TRACE_PARAM } from './public/probe.mjs';
import { ROUTES, SESSION_COOKIE } from './routes.mjs';

/** Traces kept in memory; the oldest go first. */
const MAX_TRACES = 500;
/** Requests kept per trace (a person may send one example many times). */
const MAX_ENTRIES = 50;

/**
 * @typedef {import('@corsica/core').Policy} Policy
 * @typedef {import('@corsica/core').RequestFacts} RequestFacts
 * @typedef {{ seq: number, preset: string | undefined, method: string, href: string,
 *   requestHeaders: Array<[string, string]>, facts: RequestFacts, status?: number,
 *   responseHeaders?: Array<[string, string]> }} TraceEntry
 * @typedef {{ adapter?: string, pageOrigins: readonly string[], traceOrigins?: readonly string[],
 *   tls?: { key: string, cert: string }, host?: string, port?: number }} ApiOptions
 * @typedef {{ port: number, adapter: string, secure: boolean, policies: ReadonlyMap<string, Policy>,
 *   url: (hostname?: string) => string, trace: (id: string) => readonly TraceEntry[],
 *   close: () => Promise<void> }} RunningApi
 */

/**
 * Starts the API for one adapter, listening on `host` (default 127.0.0.1) and `port` (default 0:
 * any free port). `pageOrigins` are allowed by the `app` preset; `traceOrigins` (default:
 * `pageOrigins`) may read traces.
 *
 * @param {ApiOptions} options
 * @returns {Promise<RunningApi>}
 * @example
 * ```js
 * const api = await startApi({ adapter: 'koa', pageOrigins: ['http://localhost:4310'] });
 * console.log(api.url()); // http://localhost:40123
 * await api.close();
 * ```
 */
export async function startApi({ adapter = 'express', pageOrigins, traceOrigins = pageOrigins, tls, host = '127.0.0.1', port = 0 }) {
  const build = ADAPTERS[adapter];
  if (build === undefined) throw new Error(`corsica: unknown adapter "${adapter}"; pass --adapter with one of ${ADAPTER_NAMES.join(', ')}`);
  const secure = tls !== undefined;
  /** @type {Map<string, Policy>} */
  const policies = new Map();
  /** @type {Map<string, import('./adapters.mjs').BuiltApp>} */
  const apps = new Map();
  for (const preset of PRESETS) {
    const policy = createPolicy(preset.options(pageOrigins));
    policies.set(preset.id, policy);
    apps.set(preset.id, await build(policy, secure));
  }
  /** @type {Map<string, TraceEntry[]>} */
  const traces = new Map();
  /** How many times each preset's `POST /login` handler ran (it alone sets the session cookie). */
  const logins = Object.fromEntries(PRESETS.map((preset) => [preset.id, 0]));
  let seq = 0;
  // The page reads traces from another origin, so Corsica serves this endpoint too.
  const traceCors = cors({ origin: [...traceOrigins] });

  /** @type {import('./adapters.mjs').Listener} */
  const listener = (req, res) => {
    const url = new URL(req.url ?? '/', 'http://api.invalid');
    const [, first = '', ...rest] = url.pathname.split('/');
    if (first === '__corsica') {
      traceCors(req, res, () => (rest[0] === 'reached' && rest.length === 1 ? sendJson(res, 200, { login: logins }) : serveTrace(url, rest, res)));
      return;
    }
    const app = apps.get(first);
    if (app !== undefined && req.method === 'POST' && rest.join('/') === 'login') countLogin(first, res);
    const traceId = url.searchParams.get(TRACE_PARAM);
    if (traceId !== null) record(traceId, req, res, app === undefined ? undefined : first);
    if (app === undefined) {
      sendJson(res, first === '' ? 200 : 404, {
        playground: 'corsica',
        adapter,
        ...(first === '' ? {} : { error: `corsica playground: no preset "${first}"; paths start with ${PRESETS.map((p) => `/${p.id}`).join(', ')}` }),
        presets: PRESETS.map(({ id, title }) => ({ id, title })),
        routes: ROUTES,
      });
      return;
    }
    // the preset's app sees its own paths, as if mounted at the root
    req.url = `/${rest.join('/')}${url.search}`;
    app.handle(req, res);
  };

  /**
   * @param {string} id
   * @param {import('node:http').IncomingMessage} req
   * @param {import('node:http').ServerResponse} res
   * @param {string | undefined} preset
   */
  function record(id, req, res, preset) {
    let entries = traces.get(id);
    if (entries === undefined) {
      traces.set(id, (entries = []));
      if (traces.size > MAX_TRACES) traces.delete(/** @type {string} */ (traces.keys().next().value));
    }
    /** @type {TraceEntry} */
    const entry = {
      seq: ++seq,
      preset,
      method: req.method ?? '',
      href: `${secure ? 'https' : 'http'}://${req.headers.host ?? host}${req.url ?? '/'}`,
      requestHeaders: pairs(req.rawHeaders),
      facts: factsFromNodeRequest(req),
    };
    entries.push(entry);
    if (entries.length > MAX_ENTRIES) entries.shift();
    // Every response goes through writeHead (Node calls it for implicit headers too), and the
    // browser can see nothing before it: the entry is complete before the page can ask for it.
    const writeHead = res.writeHead;
    /** @type {any} */ (res).writeHead = function recordedWriteHead(/** @type {number} */ status, /** @type {any[]} */ ...rest) {
      entry.status = status;
      entry.responseHeaders = sentHeaders(res, typeof rest[0] === 'string' ? rest[1] : rest[0]);
      return /** @type {any} */ (writeHead).call(this, status, ...rest);
    };
  }

  /**
   * Counts a login when its response carries the session cookie: only the handler sets it, so a
   * request the guard (or anything before the handler) answered is not counted.
   * @param {string} preset
   * @param {import('node:http').ServerResponse} res
   */
  function countLogin(preset, res) {
    const writeHead = res.writeHead;
    /** @type {any} */ (res).writeHead = function countedWriteHead(/** @type {number} */ status, /** @type {any[]} */ ...rest) {
      const headers = sentHeaders(res, typeof rest[0] === 'string' ? rest[1] : rest[0]);
      if (headers.some(([name, value]) => name.toLowerCase() === 'set-cookie' && value.startsWith(`${SESSION_COOKIE}=`))) logins[preset] = (logins[preset] ?? 0) + 1;
      return /** @type {any} */ (writeHead).call(this, status, ...rest);
    };
  }

  /**
   * @param {URL} url
   * @param {string[]} rest
   * @param {import('node:http').ServerResponse} res
   */
  function serveTrace(url, rest, res) {
    if (rest[0] !== 'trace' || rest.length !== 2) return sendJson(res, 404, { error: 'corsica playground: the only endpoint here is GET /__corsica/trace/<id>' });
    const engine = url.searchParams.get('engine') === 'firefox' ? 'firefox' : 'chromium';
    const credentials = url.searchParams.get('credentials') === 'include';
    const entries = (traces.get(decodeURIComponent(rest[1] ?? '')) ?? []).map((entry) => {
      const policy = entry.preset === undefined ? undefined : policies.get(entry.preset);
      const { facts, ...shown } = entry;
      return {
        ...shown,
        kind: policy?.decide(facts).kind ?? 'none',
        explain: policy?.explain(facts, { engine, credentials, url: entry.href }) ?? null,
      };
    });
    sendJson(res, 200, { engine, credentials, entries });
  }

  const server = secure ? https.createServer(tls, listener) : http.createServer(listener);
  const boundPort = await listen(server, host, port, '--port-api');
  return {
    port: boundPort,
    adapter,
    secure,
    policies,
    url: (hostname = 'localhost') => `${secure ? 'https' : 'http'}://${hostname}:${boundPort}`,
    trace: (id) => traces.get(id) ?? [],
    close: async () => {
      await closeServer(server);
      await Promise.all([...apps.values()].map((app) => app.close()));
    },
  };
}

/**
 * The headers a response is about to send: those set with `setHeader`, overridden by those
 * passed to `writeHead` (an object, or a raw `[name, value, ...]` list).
 *
 * @param {import('node:http').ServerResponse} res
 * @param {unknown} given
 * @returns {Array<[string, string]>}
 */
function sentHeaders(res, given) {
  /** @type {Map<string, string[]>} */
  const merged = new Map();
  /** @param {string} name @param {unknown} value */
  const put = (name, value) => merged.set(name.toLowerCase(), (Array.isArray(value) ? value : [value]).map(String));
  for (const [name, value] of Object.entries(res.getHeaders())) if (value !== undefined) put(name, value);
  if (Array.isArray(given)) {
    const list = Array.isArray(given[0]) ? given : given.flatMap((item, i) => (i % 2 === 0 ? [[item, given[i + 1]]] : []));
    /** @type {Set<string>} */
    const replaced = new Set();
    for (const [name, value] of list) {
      const key = String(name).toLowerCase();
      if (!replaced.has(key)) merged.delete(key);
      replaced.add(key);
      merged.set(key, [...(merged.get(key) ?? []), String(value)]);
    }
  } else if (given !== null && typeof given === 'object') {
    for (const [name, value] of Object.entries(given)) if (value !== undefined) put(name, value);
  }
  return [...merged].flatMap(([name, values]) => values.map((value) => /** @type {[string, string]} */ ([name, value])));
}

/**
 * `rawHeaders` as name/value pairs, in the order and case they arrived.
 * @param {string[]} raw
 * @returns {Array<[string, string]>}
 */
function pairs(raw) {
  /** @type {Array<[string, string]>} */
  const out = [];
  for (let i = 0; i + 1 < raw.length; i += 2) out.push([/** @type {string} */ (raw[i]), /** @type {string} */ (raw[i + 1])]);
  return out;
}

/**
 * @param {import('node:http').ServerResponse} res
 * @param {number} status
 * @param {unknown} body
 */
function sendJson(res, status, body) {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(JSON.stringify(body, null, 2));
}

/**
 * Listens and resolves with the bound port; a taken port becomes an error that says what to do.
 *
 * @param {import('node:http').Server} server
 * @param {string} host
 * @param {number} port
 * @param {string} flag the command-line option that sets this port
 * @returns {Promise<number>}
 * @example
 * ```js
 * const port = await listen(http.createServer(handler), '127.0.0.1', 0, '--port-page');
 * ```
 */
export function listen(server, host, port, flag) {
  return new Promise((resolve, reject) => {
    /** @param {NodeJS.ErrnoException} error */
    const fail = (error) =>
      reject(error.code === 'EADDRINUSE' ? new Error(`corsica: port ${port} on ${host} is in use; pass ${flag} with another port, or ${flag} 0 for any free one`) : error);
    server.once('error', fail);
    server.listen(port, host, () => {
      server.off('error', fail);
      resolve(/** @type {import('node:net').AddressInfo} */ (server.address()).port);
    });
  });
}

/**
 * Stops accepting connections and ends the open ones (browsers keep them alive), then resolves.
 *
 * @param {import('node:http').Server} server
 * @returns {Promise<void>}
 * @example
 * ```js
 * await closeServer(server);
 * ```
 */
export function closeServer(server) {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeAllConnections();
  });
}
