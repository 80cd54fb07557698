/**
 * `@corsica/hono`: Corsica CORS middleware for Hono, on every runtime Hono runs on.
 * @module
 */
import { decideOnce, factsFromFetchRequest, answerResponse, withCorsHeaders } from '@corsica/core/adapter';
import type { CredentialsGuard, Decision, Policy } from '@corsica/core';
import type { MiddlewareHandler } from 'hono';
import { honoSource } from './compat.js';
import type { HonoCorsPackageOptions } from './compat.js';

/**
 * The context variable the middleware sets: `c.get('cors')` is the request's decision.
 *
 * @example
 * ```ts
 * const app = new Hono<{ Variables: CorsVariables }>();
 * app.use(cors({ origin: 'https://app.example.com' }));
 * app.get('/', (c) => c.text(c.get('cors').allowed ? 'hello, app' : 'hello'));
 * ```
 */
export type CorsVariables = {
  cors: Decision;
};

declare module 'hono' {
  interface ContextVariableMap extends CorsVariables {}
}

/**
 * Creates Hono middleware from CORS options or a compiled policy (compiled once, here, so a bad
 * configuration fails at startup).
 *
 * It also takes `hono/cors`'s options (`allowMethods`, `allowHeaders`, `exposeHeaders`, origin
 * functions of `(origin, c)`), so `hono/cors` can be swapped for this package: see the README's
 * drop-in section for what each option becomes.
 *
 * Preflights are answered by the middleware without calling `next()`, so routes and auth
 * middleware after it never see them. Other requests run the app first; the decision's headers
 * are then merged into whatever response came out, including the ones Hono builds for a thrown
 * `HTTPException`, an error handled by `app.onError`, and `notFound`.
 *
 * @example
 * ```ts
 * import { Hono } from 'hono';
 * import { cors } from '@corsica/hono';
 *
 * const app = new Hono();
 * app.use(cors({ origin: ['https://app.example.com'], credentials: true, methods: ['GET', 'PUT'] }));
 * app.put('/profile', (c) => c.json({ saved: true, cors: c.get('cors').reason }));
 * ```
 * @see https://fetch.spec.whatwg.org/#http-cors-protocol
 */
export function cors<const T extends HonoCorsPackageOptions | Policy>(options: T & CredentialsGuard<T>): MiddlewareHandler<{ Variables: CorsVariables }>;
export function cors(input: unknown): MiddlewareHandler<{ Variables: CorsVariables }> {
  const { policy, perRequest } = honoSource(input);
  return async function corsica(c, next) {
    // a per-request policy is chosen after the facts are read: then every fact is read
    const facts = factsFromFetchRequest(c.req.raw, perRequest === undefined ? policy : undefined);
    const result = perRequest === undefined ? decideOnce(policy, c.req.raw, facts) : await perRequest(c, (chosen) => decideOnce(chosen, c.req.raw, facts));
    const decision = result instanceof Promise ? await result : result;
    // undefined: another Corsica middleware decided this request, and its headers stand
    if (decision === undefined) return next();
    c.set('cors', decision);
    if (decision.status !== undefined) return answerResponse(decision);
    // Hono turns a thrown error (HTTPException, app.onError) or a missing route into `c.res`
    // before `next()` resolves, so merging afterwards covers error and 404 responses too.
    await next();
    const merged = withCorsHeaders(c.res, decision);
    if (merged !== c.res) {
      // a copy (the handler returned immutable headers, e.g. a fetch() result): replace the
      // response outright, since assigning over it would copy the old headers back in
      c.res = undefined;
      c.res = merged;
    }
  };
}

export type { HonoCorsAllowMethodsFunction, HonoCorsOriginFunction, HonoCorsPackageOptions } from './compat.js';
