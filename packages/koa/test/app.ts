/**
 * The app every Koa test runs: cors first, then a counting "auth" middleware, then the routes of
 * `@corsica/test-utils`' adapter suite (`/ok`, `/error`, `/async-error`, `/does-not-exist`,
 * `/app-options`, `/vary`) and a few more.
 * Koa has no router of its own, so one middleware dispatches on method and path.
 */
import http from 'node:http';
import type { CorsOptions, Policy } from '@corsica/core';
import type { Context, Middleware } from 'koa';
import Koa3 from 'koa';
import Koa2 from 'koa2';
import { NODE_VARY_REPLACEMENTS, TEST_MAX_HEADER_SIZE, listen, suiteRoutes } from '@corsica/test-utils';
import type { Started, TestApp } from '@corsica/test-utils';
import { cors } from '../src/index.js';

export interface KoaVersion {
  readonly name: string;
  readonly create: () => Koa3;
}

/** Both majors; `describe.each(KOA)`. */
export const KOA: readonly KoaVersion[] = [
  { name: 'Koa 2', create: () => new Koa2() },
  { name: 'Koa 3', create: () => new Koa3() },
];

/** Koa's own ways to replace the whole `Vary` (`GET /vary/<way>`), beside `NODE_VARY_REPLACEMENTS` on `ctx.res`. */
const KOA_VARY_REPLACEMENTS: Readonly<Record<string, (ctx: Context) => void>> = {
  'ctx.set': (ctx) => ctx.set('Vary', 'Accept-Encoding'),
  'ctx.set-object': (ctx) => ctx.set({ Vary: 'Accept-Encoding' }),
  'ctx.remove-ctx.append': (ctx) => {
    ctx.remove('Vary');
    ctx.append('Vary', 'Accept-Encoding');
  },
};

/** Every way the Koa test app replaces `Vary`, for the adapter suite's `varyReplacements`. */
export const VARY_REPLACEMENTS = [...Object.keys(KOA_VARY_REPLACEMENTS), ...Object.keys(NODE_VARY_REPLACEMENTS)];

/**
 * Starts an app with `before` (cors middlewares, or options/a policy for one `cors()`) mounted
 * first, then the suite's routes and `/http-error` (a 401 that carries its own headers).
 */
export async function startApp(version: KoaVersion, before: CorsOptions | Policy | readonly Middleware[]): Promise<TestApp> {
  const app = version.create();
  // errors are part of the tests; Koa would print each one
  app.silent = true;
  const counts = { auth: 0, handler: 0 };
  const middlewares = Array.isArray(before) ? (before as readonly Middleware[]) : [cors(before as Policy)];
  for (const middleware of middlewares) app.use(middleware);
  app.use(async (_ctx, next) => {
    counts.auth += 1;
    await next();
  });
  const routes = suiteRoutes(counts);
  const byRoute: Record<string, Middleware> = {
    'GET /error': routes.error,
    'GET /async-error': routes.asyncError,
    // an error that carries its own headers, as ctx.throw and http-errors allow
    'GET /http-error': (ctx) => ctx.throw(401, 'sign in first', { headers: { 'WWW-Authenticate': 'Bearer', Vary: 'Authorization' } }),
    'OPTIONS /app-options': (ctx) => {
      ctx.body = routes.appOptions();
    },
    'GET /vary': (ctx) => {
      // the framework's way to vary: appends to what the cors middleware set
      ctx.vary('Accept-Encoding');
      ctx.body = routes.vary();
    },
    ...Object.fromEntries(
      Object.entries(KOA_VARY_REPLACEMENTS).map(([way, replace]): [string, Middleware] => [
        `GET /vary/${way}`,
        (ctx) => {
          replace(ctx);
          ctx.body = routes.vary();
        },
      ]),
    ),
    ...Object.fromEntries(
      Object.entries(NODE_VARY_REPLACEMENTS).map(([way, answer]): [string, Middleware] => [
        `GET /vary/${way}`,
        (ctx) => {
          // the handler answers on the Node response itself (Koa's status is 404 until a body is set)
          ctx.status = 200;
          ctx.respond = false;
          answer(ctx.res, routes.vary());
        },
      ]),
    ),
    'GET /decision': (ctx) => {
      ctx.body = routes.decision(ctx.state.cors);
    },
  };
  const ok: Middleware = (ctx) => {
    ctx.body = routes.ok();
  };
  app.use(async (ctx, next) => {
    // /ok answers every method (OPTIONS included, when it is not a preflight)
    const route = ctx.path === '/ok' ? ok : byRoute[`${ctx.method} ${ctx.path}`];
    await (route === undefined ? next() : route(ctx, next));
  });
  const started = await listen(http.createServer({ maxHeaderSize: TEST_MAX_HEADER_SIZE }, app.callback()));
  return { ...started, counts };
}

/** The per-route recipe of the README: one middleware picks the policy per path. */
export function startPerRoute(version: KoaVersion, publicPolicy: Policy, mainPolicy: Policy): Promise<Started> {
  const publicCors = cors(publicPolicy);
  const mainCors = cors(mainPolicy);
  const app = version.create();
  app.use((ctx, next) => (ctx.path.startsWith('/public/') ? publicCors : mainCors)(ctx, next));
  app.use((ctx) => {
    ctx.body = ctx.path === '/public/feed' ? 'feed' : 'ok';
  });
  return listen(http.createServer(app.callback()));
}
