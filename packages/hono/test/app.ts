/**
 * The Hono adapter's test app (routes listed in `@corsica/test-utils`' adapter suite), served by
 * `@hono/node-server` on 127.0.0.1:0.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import type { MiddlewareHandler } from 'hono';
import type { CorsOptions, Policy } from '@corsica/core';
import { TEST_MAX_HEADER_SIZE, suiteRoutes } from '@corsica/test-utils';
import type { Started, TestApp } from '@corsica/test-utils';
import { cors } from '../src/index.js';

/**
 * Serves a Hono app over real HTTP. `globals: false` keeps Node's own Request and Response:
 * with @hono/node-server 1.19's lighter replacements (the default), hono 4.13 answers every HEAD
 * with a bare 500, with or without any middleware.
 */
export function serveApp(app: Hono, { globals = true }: { globals?: boolean } = {}): Promise<Started> {
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

/** The suite's routes, behind the `cors` middlewares (in order) and a counting auth middleware. */
export function buildApp(corsMiddlewares: readonly MiddlewareHandler[], counts: { handler: number; auth: number }): Hono {
  const app = new Hono();
  for (const middleware of corsMiddlewares) app.use(middleware);
  app.use(async (_c, next) => {
    counts.auth++;
    await next();
  });
  const routes = suiteRoutes(counts);
  app.all('/ok', (c) => c.text(routes.ok()));
  app.get('/error', routes.error);
  app.get('/async-error', routes.asyncError);
  app.options('/app-options', (c) => c.text(routes.appOptions()));
  app.get('/vary', (c) => {
    c.header('Vary', 'Accept-Encoding');
    return c.text(routes.vary());
  });
  app.get('/decision', (c) => c.text(routes.decision(c.get('cors'))));
  // Hono's default handler logs every error; the expected test errors need no log
  app.onError((_error, c) => c.text('Internal Server Error', 500));
  return app;
}

/** Starts the app behind one `cors()` per policy, in order; the shared suite gives compiled policies, the conformance kit options. */
export async function startApp(policies: readonly (Policy | CorsOptions)[], serving?: { globals?: boolean }): Promise<TestApp> {
  const counts = { handler: 0, auth: 0 };
  const served = await serveApp(buildApp(policies.map((policy) => cors(policy)), counts), serving);
  return { baseUrl: served.baseUrl, counts, close: served.close };
}

/** The per-route recipe of the README: each policy scoped to its own paths. */
export function startPerRoute(publicPolicy: Policy, mainPolicy: Policy, serving?: { globals?: boolean }): Promise<Started> {
  const app = new Hono();
  app.use('/public/*', cors(publicPolicy));
  app.use('/ok', cors(mainPolicy));
  app.get('/public/feed', (c) => c.text('feed'));
  app.get('/ok', (c) => c.text('ok'));
  return serveApp(app, serving);
}
