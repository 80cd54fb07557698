/**
 * The Hono adapter's test app (routes in `fetch/test/support/adapter-suite.ts`), served by
 * `@hono/node-server` on 127.0.0.1:0.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import type { MiddlewareHandler } from 'hono';
import type { CorsOptions, Policy } from '@corsica/core';
import { cors } from '../src/index.js';
import type { TestApp } from '../../fetch/test/support/adapter-suite.js';
import { TEST_MAX_HEADER_SIZE } from '../../fetch/test/support/http.js';

export interface Served {
  readonly baseUrl: string;
  close(): Promise<void>;
}

/**
 * Serves a Hono app over real HTTP. `globals: false` keeps Node's own Request and Response:
 * with @hono/node-server 1.19's lighter replacements (the default), hono 4.13 answers every HEAD
 * with a bare 500, with or without any middleware.
 */
export function serveApp(app: Hono, { globals = true }: { globals?: boolean } = {}): Promise<Served> {
  if (!globals && globalThis.Response.name !== 'Response') {
    throw new Error('test setup: node-server already replaced the global Response in this process; start apps with globals: false before any other');
  }
  return new Promise((resolve) => {
    const options = { fetch: app.fetch, port: 0, hostname: '127.0.0.1', overrideGlobalObjects: globals, serverOptions: { maxHeaderSize: TEST_MAX_HEADER_SIZE } };
    const server = serve(options, (info: AddressInfo) => {
      resolve({
        baseUrl: `http://127.0.0.1:${info.port}`,
        close: () =>
          new Promise<void>((done, fail) => {
            (server as Server).closeAllConnections();
            server.close((error) => (error ? fail(error) : done()));
          }),
      });
    });
  });
}

/** The shared routes, behind `cors` and a counting auth middleware. */
export function buildApp(corsMiddleware: MiddlewareHandler, counts: { handler: number; auth: number }): Hono {
  const app = new Hono();
  app.use(corsMiddleware);
  app.use(async (_c, next) => {
    counts.auth++;
    await next();
  });
  app.on(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'], '/ok', (c) => {
    counts.handler++;
    return c.text('ok');
  });
  app.get('/error', () => {
    counts.handler++;
    throw new Error('boom');
  });
  app.get('/async-error', async () => {
    counts.handler++;
    await Promise.resolve();
    throw new Error('async boom');
  });
  app.options('/app-options', (c) => {
    counts.handler++;
    return c.text('app-options');
  });
  app.get('/vary', (c) => {
    counts.handler++;
    c.header('Vary', 'Accept-Encoding');
    return c.text('ok');
  });
  // Hono's default handler logs every error; the expected test errors need no log
  app.onError((_error, c) => c.text('Internal Server Error', 500));
  return app;
}

/** Starts the app; takes a compiled policy (the shared suite) or options (the conformance kit). */
export async function startApp(policy: Policy | CorsOptions, serving?: { globals?: boolean }): Promise<TestApp> {
  const counts = { handler: 0, auth: 0 };
  const served = await serveApp(buildApp(cors(policy), counts), serving);
  return { baseUrl: served.baseUrl, counts, close: served.close };
}
