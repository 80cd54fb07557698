/**
 * The Elysia adapter's test app (routes listed in `@corsica/test-utils`' adapter suite). The same
 * app runs in two places: in the test process on Node, through `app.handle` behind node:http
 * (so the shared suite can hand it policies with functions and hooks), and in a real `bun`
 * child process (`test/bun-server.ts`), where Elysia runs in production.
 */
import { Elysia } from 'elysia';
import type { CorsOptions, Decision, Policy } from '@corsica/core';
import { suiteRoutes } from '@corsica/test-utils/routes';
import { cors } from '../src/index.js';

/** The suite's routes, behind one `cors()` per policy (in order) and a counting auth hook. */
export function buildApp(policies: readonly (Policy | CorsOptions)[], counts: { handler: number; auth: number }) {
  const routes = suiteRoutes(counts);
  const app = new Elysia();
  for (const policy of policies) app.use(cors(policy as Policy));
  return app
    .onBeforeHandle(() => {
      counts.auth++;
    })
    .onError(({ code }) => {
      // Elysia's own answers, without its log line for the errors the suite throws on purpose
      if (code === 'NOT_FOUND') return new Response('NOT_FOUND', { status: 404 });
      return new Response('Internal Server Error', { status: 500 });
    })
    .all('/ok', () => routes.ok())
    .get('/error', () => routes.error())
    .get('/async-error', () => routes.asyncError())
    .options('/app-options', () => routes.appOptions())
    .get('/vary', ({ set }) => {
      set.headers['vary'] = 'Accept-Encoding';
      return routes.vary();
    })
    .get('/decision', (context) => routes.decision((context as { cors?: Decision }).cors));
}

/** The per-route recipe of the README: the public prefix's plugin first, then the app's. */
export function buildPerRoute(publicPolicy: Policy | CorsOptions, mainPolicy: Policy | CorsOptions) {
  return new Elysia()
    .use(cors(publicPolicy as Policy, { prefix: '/public' }))
    .use(cors(mainPolicy as Policy))
    .get('/public/feed', () => 'feed')
    .get('/ok', () => 'ok');
}
