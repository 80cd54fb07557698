/**
 * `@corsica/hono`: Corsica CORS middleware for Hono, on every runtime Hono runs on.
 * @module
 */
import { createPolicy, factsFromFetchRequest, isPolicy, preflightResponse, recordDecision, recordedDecision, withCorsHeaders } from '@corsica/core';
import type { CorsOptions, CredentialsGuard, Decision, Policy } from '@corsica/core';
import type { MiddlewareHandler } from 'hono';

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
export function cors<const T extends CorsOptions | Policy>(options: T & CredentialsGuard<T>): MiddlewareHandler<{ Variables: CorsVariables }> {
  const policy: Policy = isPolicy(options) ? options : createPolicy(options as CorsOptions);
  return async function corsica(c, next) {
    const request = c.req.raw;
    if (recordedDecision(request) !== undefined) return passThrough(next);
    const facts = factsFromFetchRequest(request);
    const decision = policy.isAsync ? await policy.decideAsync(facts) : policy.decide(facts);
    // an async decision leaves room for another middleware to have recorded one meanwhile
    if (recordDecision(request, decision) !== undefined) return passThrough(next);
    c.set('cors', decision);
    if (decision.kind === 'preflight') return preflightResponse(decision);
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

let warnedStacked = false;

function passThrough(next: () => Promise<void>): Promise<void> {
  if (!warnedStacked) {
    warnedStacked = true;
    console.warn("corsica: a cors() middleware saw a request another Corsica middleware already handled, so it left the response alone. Apply cors() once per path: scope each policy to its own paths (app.use('/public/*', cors(a)), app.use('/api/*', cors(b))) instead of adding one on top of a global one.");
  }
  return next();
}
