/**
 * One server factory per adapter, each the way an application would write it: the Corsica
 * middleware first, then the routes of `scenarios.ts` (`/ok`, `/boom`, the framework's 404).
 * A factory builds the app and its `http.Server` without listening, so a configuration error
 * surfaces before any port is open.
 */
import http from 'node:http';
import { isPolicy } from '@corsica/core/adapter';
import type { CorsOptions, Policy } from '@corsica/core';
import { cors as expressCors } from '@corsica/express';
import fastifyCors from '@corsica/fastify';
import { withCors } from '@corsica/fetch';
import { cors as honoCors } from '@corsica/hono';
import { cors as koaCors } from '@corsica/koa';
import { withCors as withLambdaCors } from '@corsica/lambda';
import type { LambdaHttpEvent } from '@corsica/lambda';
import { lambdaListener } from '@corsica/test-utils/lambda-bridge';
import type { LambdaService } from '@corsica/test-utils/lambda-bridge';
import { fetchListener } from '@corsica/test-utils/node-bridge';
import { getRequestListener } from '@hono/node-server';
import express from 'express';
import type { NextFunction, Request as ExpressRequest, Response as ExpressResponse } from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import Koa from 'koa';
import type { AdapterName } from '../support/scenarios.js';
import { BOOM_PATH, MAX_HEADER_SIZE, OK_METHODS, OK_PATH } from '../support/scenarios.js';

/** CORS options or a compiled policy, as every adapter accepts them. */
export type CorsInput = CorsOptions | Policy;

/** A built app: its server, not yet listening. */
export interface BuiltServer {
  /** Listens on 127.0.0.1 with an OS-chosen port and answers the port. */
  listen(): Promise<number>;
  close(): Promise<void>;
  /** How many connections are open. */
  connections(): Promise<number>;
}

/** The error the `/boom` route throws; error handlers stay quiet about this one only. */
const BOOM = 'deliberate failure of the /boom route';

const created = new Set<http.Server>();

/** Every server goes through here, so that a failed start can be shown to have left none listening. */
function createServer(listener: http.RequestListener): http.Server {
  const server = http.createServer({ maxHeaderSize: MAX_HEADER_SIZE }, listener);
  created.add(server);
  server.on('close', () => created.delete(server));
  return server;
}

/** Whether any server this process created is listening. */
export function anyListening(): boolean {
  for (const server of created) if (server.listening) return true;
  return false;
}

function listenOn(server: http.Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve(typeof address === 'object' && address !== null ? address.port : 0);
    });
  });
}

function closeServer(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}

function countConnections(server: http.Server): Promise<number> {
  return new Promise((resolve) => server.getConnections((error, count) => resolve(error ? 0 : count)));
}

function plain(server: http.Server): BuiltServer {
  return { listen: () => listenOn(server), close: () => closeServer(server), connections: () => countConnections(server) };
}

function logUnexpected(error: unknown): void {
  if (!(error instanceof Error && error.message === BOOM)) console.error('app error:', error);
}

function buildExpress(input: CorsInput): BuiltServer {
  const app = express();
  app.disable('x-powered-by');
  // the overloads want either a policy or options; both are accepted at run time
  app.use(expressCors(input as Policy));
  const ok = (_req: ExpressRequest, res: ExpressResponse): void => {
    res.type('text/plain').send('ok');
  };
  app.get(OK_PATH, ok);
  app.post(OK_PATH, ok);
  app.put(OK_PATH, ok);
  app.patch(OK_PATH, ok);
  app.delete(OK_PATH, ok);
  app.get(BOOM_PATH, () => {
    throw new Error(BOOM);
  });
  app.use((error: unknown, _req: ExpressRequest, res: ExpressResponse, _next: NextFunction) => {
    logUnexpected(error);
    res.status(500).type('text/plain').send('error');
  });
  return plain(createServer(app));
}

async function buildFastify(input: CorsInput): Promise<BuiltServer> {
  const app = Fastify({ logger: false, serverFactory: (handler) => createServer(handler) });
  try {
    await app.register(fastifyCors, isPolicy(input) ? { policy: input } : (input as CorsOptions));
  } catch (error) {
    await app.close().catch(() => undefined);
    throw error;
  }
  // HEAD comes with GET (Fastify's exposeHeadRoutes)
  app.route({ method: OK_METHODS.filter((m) => m !== 'HEAD'), url: OK_PATH, handler: async (_request, reply) => reply.type('text/plain').send('ok') });
  app.get(BOOM_PATH, async () => {
    throw new Error(BOOM);
  });
  app.setErrorHandler((error, _request, reply) => {
    logUnexpected(error);
    // Fastify's own 4xx (bad JSON, unsupported media type) keep their status
    const status = typeof (error as { statusCode?: unknown }).statusCode === 'number' ? (error as { statusCode: number }).statusCode : 500;
    void reply.code(status).type('text/plain').send('error');
  });
  await app.ready();
  return {
    listen: async () => {
      await app.listen({ port: 0, host: '127.0.0.1' });
      const address = app.server.address();
      return typeof address === 'object' && address !== null ? address.port : 0;
    },
    close: async () => {
      app.server.closeAllConnections();
      await app.close();
    },
    connections: () => countConnections(app.server),
  };
}

function buildHono(input: CorsInput): BuiltServer {
  const app = new Hono();
  app.use(honoCors(input as Policy));
  app.on([...OK_METHODS], OK_PATH, (c) => c.text('ok'));
  app.get(BOOM_PATH, () => {
    throw new Error(BOOM);
  });
  app.onError((error, c) => {
    logUnexpected(error);
    return c.text('error', 500);
  });
  // Node's own Request/Response: with @hono/node-server's lighter replacements (its default),
  // hono 4.13 answers every HEAD with a bare 500, with or without any middleware.
  return plain(createServer(getRequestListener(app.fetch, { overrideGlobalObjects: false }) as http.RequestListener));
}

function buildKoa(input: CorsInput): BuiltServer {
  const app = new Koa();
  // the /boom errors are expected; anything else is logged below
  app.silent = true;
  app.on('error', logUnexpected);
  app.use(koaCors(input as Policy));
  app.use((ctx) => {
    if (ctx.path === OK_PATH && OK_METHODS.includes(ctx.method)) {
      ctx.type = 'text/plain';
      ctx.body = 'ok';
      return;
    }
    if (ctx.path === BOOM_PATH && ctx.method === 'GET') throw new Error(BOOM);
    // nothing set: Koa answers 404
  });
  return plain(createServer(app.callback()));
}

function buildFetch(input: CorsInput): BuiltServer {
  const handler = withCors(
    (request: Request): Response => {
      const { pathname } = new URL(request.url);
      if (pathname === OK_PATH && OK_METHODS.includes(request.method)) return new Response('ok', { headers: { 'content-type': 'text/plain' } });
      if (pathname === BOOM_PATH && request.method === 'GET') throw new Error(BOOM);
      return new Response('Not Found', { status: 404 });
    },
    input as Policy,
    // the handler's only throw is /boom; withCors then sends its 500 with CORS headers
    { onError: (error) => logUnexpected(error) },
  );
  // the fuzz sends hostile or missing Host values and bodies without announcing them: the
  // Request URL is always 127.0.0.1, a body only when announced, and uncaught errors are logged
  return plain(createServer(fetchListener(handler, { host: 'loopback', bodyOnlyWhenAnnounced: true, onUncaught: (error) => console.error('fetch bridge: uncaught', error) })));
}

const LAMBDA_SERVICE: Readonly<Record<'lambda-rest' | 'lambda-http' | 'lambda-alb', LambdaService>> = { 'lambda-rest': 'rest', 'lambda-http': 'http-api', 'lambda-alb': 'alb-multi' };

function buildLambda(shape: 'lambda-rest' | 'lambda-http' | 'lambda-alb', input: CorsInput): BuiltServer {
  const handler = withLambdaCors(
    async (event: LambdaHttpEvent) => {
      const method = 'httpMethod' in event ? event.httpMethod : event.requestContext.http.method;
      const path = 'httpMethod' in event ? event.path : event.rawPath;
      if (path === OK_PATH && OK_METHODS.includes(method)) return { statusCode: 200, headers: { 'content-type': 'text/plain' }, body: 'ok' };
      if (path === BOOM_PATH && method === 'GET') throw new Error(BOOM);
      return { statusCode: 404, body: 'Not Found' };
    },
    input as Policy,
    // the handler's only throw is /boom; withCors then sends its 500 with CORS headers
    { onError: (error) => logUnexpected(error) },
  );
  return plain(createServer(lambdaListener(LAMBDA_SERVICE[shape], handler, { onFailure: (error) => console.error('lambda bridge: the service would refuse this answer', error) })));
}

/**
 * Builds `adapter`'s app with this CORS configuration; rejects when the configuration is refused,
 * before any server listens.
 *
 * @example
 * ```ts
 * const server = await build('koa', { origin: ['https://app.example.com'], credentials: true });
 * const port = await server.listen();
 * ```
 */
export async function build(adapter: AdapterName, input: CorsInput): Promise<BuiltServer> {
  switch (adapter) {
    case 'express':
      return buildExpress(input);
    case 'fastify':
      return buildFastify(input);
    case 'hono':
      return buildHono(input);
    case 'koa':
      return buildKoa(input);
    case 'fetch':
      return buildFetch(input);
    case 'lambda-rest':
    case 'lambda-http':
    case 'lambda-alb':
      return buildLambda(adapter, input);
  }
}
