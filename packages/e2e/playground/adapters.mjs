/**
 * One small app per framework, each with its Corsica adapter mounted the way its README says and
 * the routes of `routes.mjs`. Every builder returns a plain Node request listener, so the
 * playground can serve any of them on its own `node:http` or `node:https` server.
 * @module
 */
import http from 'node:http';
import { Readable } from 'node:stream';
import { getRequestListener } from '@hono/node-server';
import { cors as expressCors } from '@corsica/express';
import fastifyCors from '@corsica/fastify';
import { withCors } from '@corsica/fetch';
import { cors as honoCors } from '@corsica/hono';
import { cors as koaCors } from '@corsica/koa';
// the typedefs below name the few members the playground uses
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import Koa from 'koa';
import { EXPOSED_BODY, boom, exposedHeaders, newSession, readSession, saveItem, sessionCookie } from './routes.mjs';

/**
 * @typedef {import('@corsica/core').Policy} Policy
 * @typedef {(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => void} Listener
 * @typedef {{ handle: Listener, close: () => Promise<void> }} BuiltApp
 * @typedef {(policy: Policy, secure: boolean) => Promise<BuiltApp>} AppBuilder
 * @typedef {import('node:http').IncomingMessage & { params: Record<string, string>, body?: unknown }} ExpressRequest
 * @typedef {import('node:http').ServerResponse & { type(type: string): ExpressResponse, send(body: string): void,
 *   json(body: unknown): void, status(code: number): ExpressResponse, set(headers: Record<string, string>): ExpressResponse }} ExpressResponse
 * @typedef {{ method: string, path: string, req: import('node:http').IncomingMessage, type: string, body: unknown,
 *   status: number, get(name: string): string, set(name: string | Record<string, string>, value?: string): void }} KoaContext
 */

/** @type {AppBuilder} */
async function buildExpress(policy, secure) {
  const app = express();
  app.disable('x-powered-by');
  app.use(expressCors(policy));
  app.get('/hello', (/** @type {ExpressRequest} */ _req, /** @type {ExpressResponse} */ res) => {
    res.type('text').send('hello from express');
  });
  app.post('/login', (/** @type {ExpressRequest} */ _req, /** @type {ExpressResponse} */ res) => {
    const session = newSession('express');
    res.setHeader('Set-Cookie', sessionCookie(session, secure));
    res.json({ session });
  });
  app.get('/me', (/** @type {ExpressRequest} */ req, /** @type {ExpressResponse} */ res) => {
    res.json({ session: readSession(req.headers.cookie) });
  });
  app.put('/items/:id', express.json(), (/** @type {ExpressRequest} */ req, /** @type {ExpressResponse} */ res) => {
    const { status, json } = saveItem(/** @type {string} */ (req.params['id']), req.headers.authorization, req.body);
    res.status(status).json(json);
  });
  app.delete('/items/:id', (/** @type {ExpressRequest} */ req, /** @type {ExpressResponse} */ res) => {
    res.json({ deleted: req.params['id'] });
  });
  app.get('/boom', () => {
    throw boom();
  });
  app.get('/exposed', (/** @type {ExpressRequest} */ _req, /** @type {ExpressResponse} */ res) => {
    res.set(exposedHeaders()).type('text').send(EXPOSED_BODY);
  });
  return { handle: app, close: async () => {} };
}

/** @type {AppBuilder} */
async function buildFastify(policy, secure) {
  /** @type {Listener | undefined} */
  let handle;
  // Fastify owns its server; serverFactory hands us the listener and the server never listens.
  const app = Fastify({
    serverFactory: (handler) => {
      handle = handler;
      return http.createServer();
    },
  });
  await app.register(fastifyCors, { policy });
  app.get('/hello', async (_request, reply) => reply.type('text/plain; charset=utf-8').send('hello from fastify'));
  app.post('/login', async (_request, reply) => {
    const session = newSession('fastify');
    return reply.header('Set-Cookie', sessionCookie(session, secure)).send({ session });
  });
  app.get('/me', async (request) => ({ session: readSession(request.headers.cookie) }));
  app.put('/items/:id', async (request, reply) => {
    const { id } = /** @type {{ id: string }} */ (request.params);
    const { status, json } = saveItem(id, request.headers.authorization, request.body);
    return reply.code(status).send(json);
  });
  app.delete('/items/:id', async (request) => ({ deleted: /** @type {{ id: string }} */ (request.params).id }));
  app.get('/boom', async () => {
    throw boom();
  });
  app.get('/exposed', async (_request, reply) => reply.headers(exposedHeaders()).type('text/plain; charset=utf-8').send(EXPOSED_BODY));
  await app.ready();
  if (handle === undefined) throw new Error('corsica playground: Fastify did not call serverFactory');
  return { handle, close: () => app.close() };
}

/** @type {AppBuilder} */
async function buildHono(policy, secure) {
  const app = new Hono();
  app.use(honoCors(policy));
  app.get('/hello', (c) => c.text('hello from hono'));
  app.post('/login', (c) => {
    const session = newSession('hono');
    c.header('Set-Cookie', sessionCookie(session, secure));
    return c.json({ session });
  });
  app.get('/me', (c) => c.json({ session: readSession(c.req.header('cookie')) }));
  app.put('/items/:id', async (c) => {
    const body = await c.req.json().catch(() => null);
    const { status, json } = saveItem(c.req.param('id'), c.req.header('authorization'), body);
    return c.json(json, /** @type {200 | 401} */ (status));
  });
  app.delete('/items/:id', (c) => c.json({ deleted: c.req.param('id') }));
  app.get('/boom', () => {
    throw boom();
  });
  app.get('/exposed', (c) => c.text(EXPOSED_BODY, 200, exposedHeaders()));
  return { handle: getRequestListener(app.fetch), close: async () => {} };
}

/** @type {AppBuilder} */
async function buildKoa(policy, secure) {
  const app = new Koa();
  app.use(koaCors(policy));
  // Koa has no router of its own; a switch keeps this app free of extra dependencies.
  app.use(async (/** @type {KoaContext} */ ctx) => {
    const item = /^\/items\/([^/]+)$/.exec(ctx.path);
    if (ctx.method === 'GET' && ctx.path === '/hello') {
      ctx.type = 'text';
      ctx.body = 'hello from koa';
    } else if (ctx.method === 'POST' && ctx.path === '/login') {
      const session = newSession('koa');
      ctx.set('Set-Cookie', sessionCookie(session, secure));
      ctx.body = { session };
    } else if (ctx.method === 'GET' && ctx.path === '/me') {
      ctx.body = { session: readSession(ctx.get('cookie')) };
    } else if (ctx.method === 'PUT' && item) {
      const { status, json } = saveItem(/** @type {string} */ (item[1]), ctx.get('authorization'), await readJson(ctx.req));
      ctx.status = status;
      ctx.body = json;
    } else if (ctx.method === 'DELETE' && item) {
      ctx.body = { deleted: item[1] };
    } else if (ctx.method === 'GET' && ctx.path === '/boom') {
      throw boom();
    } else if (ctx.method === 'GET' && ctx.path === '/exposed') {
      ctx.set(exposedHeaders());
      ctx.type = 'text';
      ctx.body = EXPOSED_BODY;
    }
  });
  return { handle: app.callback(), close: async () => {} };
}

/** @type {AppBuilder} */
async function buildFetch(policy, secure) {
  /** @param {Request} request */
  const handler = async (request) => {
    const { pathname } = new URL(request.url);
    const item = /^\/items\/([^/]+)$/.exec(pathname);
    const route = `${request.method} ${pathname}`;
    if (route === 'GET /hello') return new Response('hello from fetch', { headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
    if (route === 'POST /login') {
      const session = newSession('fetch');
      return Response.json({ session }, { headers: { 'Set-Cookie': sessionCookie(session, secure) } });
    }
    if (route === 'GET /me') return Response.json({ session: readSession(request.headers.get('cookie')) });
    if (request.method === 'PUT' && item) {
      const body = await request.json().catch(() => null);
      const { status, json } = saveItem(/** @type {string} */ (item[1]), request.headers.get('authorization'), body);
      return Response.json(json, { status });
    }
    if (request.method === 'DELETE' && item) return Response.json({ deleted: item[1] });
    if (route === 'GET /boom') throw boom();
    if (route === 'GET /exposed') return new Response(EXPOSED_BODY, { headers: { ...exposedHeaders(), 'Content-Type': 'text/plain; charset=utf-8' } });
    return new Response('Not Found', { status: 404 });
  };
  return { handle: nodeBridge(withCors(handler, policy)), close: async () => {} };
}

/**
 * Serves a fetch handler on `node:http`, as Workers, Deno and Bun call it: one Web `Request` in
 * (header lines appended in order), one `Response` out. An uncaught error gets a bare 500, as a
 * runtime would answer; `withCors` is what turns it into a 500 the page can read.
 *
 * @param {(request: Request) => Promise<Response | undefined | void>} handler
 * @returns {Listener}
 */
function nodeBridge(handler) {
  return (req, res) => {
    const headers = new Headers();
    for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) headers.append(/** @type {string} */ (req.rawHeaders[i]), /** @type {string} */ (req.rawHeaders[i + 1]));
    const method = req.method ?? 'GET';
    const scheme = /** @type {{ encrypted?: boolean }} */ (req.socket).encrypted ? 'https' : 'http';
    const init = /** @type {RequestInit} */ ({
      method,
      headers,
      body: method === 'GET' || method === 'HEAD' ? null : /** @type {ReadableStream} */ (Readable.toWeb(req)),
      duplex: 'half',
    });
    Promise.resolve()
      .then(() => handler(new Request(`${scheme}://${req.headers.host ?? '127.0.0.1'}${req.url ?? '/'}`, init)))
      .then(
        async (response) => {
          if (!response) return void res.writeHead(501).end();
          /** @type {Record<string, string | string[]>} */
          const out = {};
          response.headers.forEach((value, name) => {
            out[name] = name === 'set-cookie' ? response.headers.getSetCookie() : value;
          });
          res.writeHead(response.status, out);
          res.end(method === 'HEAD' ? undefined : Buffer.from(await response.arrayBuffer()));
        },
        () => void res.writeHead(500).end(),
      );
  };
}

/**
 * The request body as JSON, or `null` when it is empty or not JSON.
 *
 * @param {import('node:http').IncomingMessage} req
 */
async function readJson(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(/** @type {Buffer} */ (chunk));
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return null;
  }
}

/**
 * The apps by adapter name: `express` (the default), `fastify`, `hono` (through
 * `@hono/node-server`), `koa`, and `fetch` (a plain `(Request) => Response` handler).
 *
 * @type {Readonly<Record<string, AppBuilder>>}
 * @example
 * ```js
 * const { handle, close } = await ADAPTERS.koa(createPolicy({ origin: 'http://localhost:4310' }), false);
 * http.createServer(handle).listen(0, '127.0.0.1');
 * ```
 */
export const ADAPTERS = Object.freeze({ express: buildExpress, fastify: buildFastify, hono: buildHono, koa: buildKoa, fetch: buildFetch });

/** Adapter names, the default first. */
export const ADAPTER_NAMES = Object.freeze(Object.keys(ADAPTERS));
