/**
 * The app every Express test runs: cors first, then a counting "auth" middleware, then the routes
 * of `@corsica/test-utils`' adapter suite (`/ok`, `/error`, `/async-error`, `/does-not-exist`,
 * `/app-options`, `/vary`) and `/decision`.
 */
import http from 'node:http';
import type { CorsOptions, Policy } from '@corsica/core';
import type { Express, RequestHandler, Response } from 'express';
import express5 from 'express';
import express4 from 'express4';
import { NODE_VARY_REPLACEMENTS, TEST_MAX_HEADER_SIZE, listen, suiteRoutes } from '@corsica/test-utils';
import type { Started, TestApp } from '@corsica/test-utils';
import { cors } from '../src/index.js';

export interface ExpressVersion {
  readonly name: string;
  readonly major: 4 | 5;
  readonly create: () => Express;
}

/** Both majors; `describe.each(EXPRESS)`. */
export const EXPRESS: readonly ExpressVersion[] = [
  { name: 'Express 4', major: 4, create: () => express4() },
  { name: 'Express 5', major: 5, create: () => express5() },
];

/** Express's own ways to replace the whole `Vary` (`GET /vary/<way>`), beside `NODE_VARY_REPLACEMENTS`. */
const EXPRESS_VARY_REPLACEMENTS: Readonly<Record<string, (res: Response) => void>> = {
  'res.set': (res) => res.set('Vary', 'Accept-Encoding'),
  'res.header': (res) => res.header('vary', 'Accept-Encoding'),
  'res.set-object': (res) => res.set({ Vary: 'Accept-Encoding' }),
};

/** Every way the Express test app replaces `Vary`, for the adapter suite's `varyReplacements`. */
export const VARY_REPLACEMENTS = [...Object.keys(EXPRESS_VARY_REPLACEMENTS), ...Object.keys(NODE_VARY_REPLACEMENTS)];

/**
 * Starts an app with `before` (cors middlewares, or options/a policy for one `cors()`) mounted
 * first, then the suite's routes. `/async-error` is a rejected async handler on Express 5 and
 * `next(err)` on Express 4, each major's own way to fail later. `setup` runs first of all (an
 * `app.options(...)` line, say).
 */
export async function startApp(version: ExpressVersion, before: CorsOptions | Policy | readonly RequestHandler[], setup?: (app: Express) => void): Promise<TestApp> {
  const app = version.create();
  setup?.(app);
  const counts = { auth: 0, handler: 0 };
  const middlewares = Array.isArray(before) ? (before as readonly RequestHandler[]) : [cors(before as Policy)];
  for (const middleware of middlewares) app.use(middleware);
  app.use((_req, _res, next) => {
    counts.auth += 1;
    next();
  });
  const routes = suiteRoutes(counts);
  app.all('/ok', (_req, res) => {
    res.send(routes.ok());
  });
  app.get('/error', routes.error);
  if (version.major === 5) app.get('/async-error', routes.asyncError);
  else app.get('/async-error', (_req, _res, next) => void routes.asyncError().catch(next));
  app.options('/app-options', (_req, res) => {
    res.send(routes.appOptions());
  });
  app.get('/vary', (_req, res) => {
    // the framework's way to vary: appends to what the cors middleware set
    res.vary('Accept-Encoding');
    res.send(routes.vary());
  });
  for (const [way, replace] of Object.entries(EXPRESS_VARY_REPLACEMENTS)) {
    app.get(`/vary/${way}`, (_req, res) => {
      replace(res);
      res.send(routes.vary());
    });
  }
  for (const [way, answer] of Object.entries(NODE_VARY_REPLACEMENTS)) {
    app.get(`/vary/${way}`, (_req, res) => answer(res, routes.vary()));
  }
  app.get('/decision', (req, res) => {
    res.send(routes.decision(req.cors));
  });
  const started = await listen(http.createServer({ maxHeaderSize: TEST_MAX_HEADER_SIZE }, app));
  return { ...started, counts };
}

/** Serves `GET /public/feed` and `GET /ok` behind the middlewares `mount` adds first. */
export function servePerRoute(version: ExpressVersion, mount: (app: Express) => void): Promise<Started> {
  const app = version.create();
  mount(app);
  app.get('/public/feed', (_req, res) => {
    res.send('feed');
  });
  app.get('/ok', (_req, res) => {
    res.send('ok');
  });
  return listen(http.createServer(app));
}

/** The per-route recipe of the README: the path-specific middleware mounted before the global one. */
export function startPerRoute(version: ExpressVersion, publicPolicy: Policy, mainPolicy: Policy): Promise<Started> {
  return servePerRoute(version, (app) => {
    app.use('/public', cors(publicPolicy));
    app.use(cors(mainPolicy));
  });
}
