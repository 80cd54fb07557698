/**
 * The app every Koa test runs: cors first, then a counting "auth" middleware, then the
 * conformance routes (`/ok`, `/error`, `/does-not-exist`, `/app-options`, `/vary`) and a few more.
 * Koa has no router of its own, so one middleware dispatches on method and path.
 */
import http from 'node:http';
import type { CorsOptions, Policy } from '@corsica/core';
import type { Middleware } from 'koa';
import Koa3 from 'koa';
import Koa2 from 'koa2';
import { cors } from '../src/index.js';
import type { Started } from './support.js';
import { listen } from './support.js';

export interface KoaVersion {
  readonly name: string;
  readonly create: () => Koa3;
}

/** Both majors; `describe.each(KOA)`. */
export const KOA: readonly KoaVersion[] = [
  { name: 'Koa 2', create: () => new Koa2() },
  { name: 'Koa 3', create: () => new Koa3() },
];

/** How often the app's own code ran: a preflight must leave both at 0. */
export interface Calls {
  auth: number;
  handler: number;
}

export interface StartedApp extends Started {
  readonly calls: Calls;
}

const routes: Record<string, Middleware> = {
  'GET /error': () => {
    throw new Error('boom');
  },
  'GET /async-error': async () => {
    await Promise.resolve();
    throw new Error('async boom');
  },
  // an error that carries its own headers, as ctx.throw and http-errors allow
  'GET /http-error': (ctx) => {
    ctx.throw(401, 'sign in first', { headers: { 'WWW-Authenticate': 'Bearer', Vary: 'Authorization' } });
  },
  'OPTIONS /app-options': (ctx) => {
    ctx.body = 'app-options';
  },
  'GET /vary': (ctx) => {
    // the framework's way to vary: appends to what the cors middleware set
    ctx.vary('Accept-Encoding');
    ctx.body = 'ok';
  },
  'GET /decision': (ctx) => {
    ctx.body = ctx.state.cors ?? null;
  },
};

/** Routes that answer every method (OPTIONS included, when it is not a preflight). */
const anyMethod: Record<string, Middleware> = {
  '/ok': (ctx) => {
    ctx.body = 'ok';
  },
  '/private': (ctx) => {
    ctx.body = 'secret';
  },
};

/**
 * Starts an app with `before` (cors middlewares, or options/a policy for one `cors()`) mounted
 * first. Routes beyond the conformance ones: `/async-error`, `/http-error` (401 with its own
 * headers), `/decision` (answers `ctx.state.cors`), `/private` (auth says 401 without an
 * Authorization header; preflights must never meet it).
 */
export async function startApp(version: KoaVersion, before: CorsOptions | Policy | readonly Middleware[]): Promise<StartedApp> {
  const app = version.create();
  // errors are part of the tests; Koa would print each one
  app.silent = true;
  const calls: Calls = { auth: 0, handler: 0 };
  const middlewares = Array.isArray(before) ? (before as readonly Middleware[]) : [cors(before as Policy)];
  for (const middleware of middlewares) app.use(middleware);
  app.use(async (ctx, next) => {
    calls.auth += 1;
    if (ctx.path === '/private' && ctx.get('Authorization') === '') {
      ctx.status = 401;
      ctx.body = 'who are you?';
      return;
    }
    await next();
  });
  app.use(async (ctx, next) => {
    const route = routes[`${ctx.method} ${ctx.path}`] ?? anyMethod[ctx.path];
    if (route === undefined) return next();
    calls.handler += 1;
    await route(ctx, next);
  });
  // Node refuses heads over 16 KB itself (431); the hostile-input tests need them to reach cors().
  const started = await listen(http.createServer({ maxHeaderSize: 1024 * 1024 }, app.callback()));
  return { ...started, calls };
}
