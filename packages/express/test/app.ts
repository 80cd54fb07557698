/**
 * The app every Express test runs: cors first, then a counting "auth" middleware, then the
 * conformance routes (`/ok`, `/error`, `/does-not-exist`, `/app-options`, `/vary`) and a few more.
 */
import http from 'node:http';
import type { CorsOptions, Policy } from '@corsica/core';
import type { Express, RequestHandler } from 'express';
import express5 from 'express';
import express4 from 'express4';
import { cors } from '../src/index.js';
import type { Started } from './support.js';
import { listen } from './support.js';

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

/** How often the app's own code ran: a preflight must leave both at 0. */
export interface Calls {
  auth: number;
  handler: number;
}

export interface StartedApp extends Started {
  readonly calls: Calls;
}

/**
 * Starts an app with `before` (cors middlewares, or options/a policy for one `cors()`) mounted
 * first. Routes beyond the conformance ones: `/async-error` (a rejected async handler on
 * Express 5, `next(err)` on Express 4), `/decision` (answers `req.cors`), `/private` (auth says 401
 * without an Authorization header; preflights must never meet it).
 */
export async function startApp(version: ExpressVersion, before: CorsOptions | Policy | readonly RequestHandler[]): Promise<StartedApp> {
  const app = version.create();
  const calls: Calls = { auth: 0, handler: 0 };
  const middlewares = Array.isArray(before) ? (before as readonly RequestHandler[]) : [cors(before as Policy)];
  for (const middleware of middlewares) app.use(middleware);
  app.use((req, res, next) => {
    calls.auth += 1;
    if (req.path === '/private' && req.headers.authorization === undefined) {
      res.status(401).send('who are you?');
      return;
    }
    next();
  });
  const handled: RequestHandler = (_req, _res, next) => {
    calls.handler += 1;
    next();
  };
  app.all('/ok', handled, (_req, res) => {
    res.send('ok');
  });
  app.all('/private', handled, (_req, res) => {
    res.send('secret');
  });
  app.get('/error', handled, () => {
    throw new Error('boom');
  });
  if (version.major === 5) {
    app.get('/async-error', handled, async () => {
      await Promise.resolve();
      throw new Error('async boom');
    });
  } else {
    app.get('/async-error', handled, (_req, _res, next) => {
      setImmediate(() => next(new Error('async boom')));
    });
  }
  app.options('/app-options', handled, (_req, res) => {
    res.send('app-options');
  });
  app.get('/vary', handled, (_req, res) => {
    // the framework's way to vary: appends to what the cors middleware set
    res.vary('Accept-Encoding');
    res.send('ok');
  });
  app.get('/decision', handled, (req, res) => {
    res.json(req.cors ?? null);
  });
  // Node refuses heads over 16 KB itself (431); the hostile-input tests need them to reach cors().
  const started = await listen(http.createServer({ maxHeaderSize: 1024 * 1024 }, app));
  return { ...started, calls };
}
