/**
 * `@corsica/h3`: Corsica CORS middleware for h3 v2, the server of Nitro and Nuxt, on every runtime
 * h3 runs on (Node, Bun, Deno, Workers). The core decides; this file reads the request, answers
 * preflights, and puts the decision's headers on whatever h3 answers, errors and 404s included.
 * @module
 */
import { applyCorsHeaders, decideOnce, factsFromFetchRequest, answerResponse, toPolicy, withCorsHeaders } from '@corsica/core/adapter';
import type { CorsOptions, CredentialsGuard, Decision, Policy } from '@corsica/core';
import type { H3Event, Middleware } from 'h3';

declare module 'h3' {
  interface H3EventContext {
    /** The CORS decision Corsica took for this request (set by `@corsica/h3`). */
    cors?: Decision;
  }
}

/** What an h3 handler answers when no route matched (h3 turns it into its 404). */
const NOT_FOUND = Symbol.for('h3.notFound');

/**
 * Creates h3 middleware from CORS options (compiled once, here, so a bad configuration throws a
 * `CorsConfigError` at start-up) or from a policy made with `createPolicy`.
 *
 * Preflights are answered by the middleware itself, so route handlers, route middleware and auth
 * after it never run for them; mount it with `app.use()` (a route's own `middleware` option only
 * runs for the methods that route declares, and browsers send preflights as OPTIONS). Every
 * other request runs the app, then gets the decision's headers: on a returned value or
 * `Response`, on a thrown `HTTPError` or any thrown value, and on h3's 404. The decision is on
 * `event.context.cors`.
 *
 * A Response that `config.onError` returns is built after every middleware has finished: add
 * the headers there with `applyCorsHeaders(response.headers, event.context.cors)` from
 * `@corsica/core`, or return a value instead of a Response.
 *
 * @example
 * ```ts
 * import { H3, serve } from 'h3';
 * import { cors } from '@corsica/h3';
 *
 * const app = new H3();
 * app.use(cors({ origin: ['https://app.example.com'], credentials: true, methods: ['GET', 'PUT'] }));
 * app.put('/profile', (event) => ({ saved: true, cors: event.context.cors?.reason }));
 * serve(app, { port: 3000 });
 * ```
 * @see https://fetch.spec.whatwg.org/#http-cors-protocol
 */
export function cors<const T extends CorsOptions | Policy>(options: T & CredentialsGuard<T>): Middleware;
export function cors(input: CorsOptions | Policy): Middleware {
  const policy = toPolicy(input);
  return function corsica(event, next) {
    // recorded on the Request, which a nested app (app.mount, a sub-H3) shares with its parent
    const result = decideOnce(policy, event.req, factsFromFetchRequest(event.req, policy));
    if (result instanceof Promise) return result.then((decision) => answer(event, next, decision));
    return answer(event, next, result);
  };
}

async function answer(event: H3Event, next: () => unknown, decision: Decision | undefined): Promise<unknown> {
  // undefined: another Corsica middleware decided this request, and its headers stand
  if (decision === undefined) return next();
  event.context.cors = decision;
  if (decision.status !== undefined) return answerResponse(decision);
  let result: unknown;
  try {
    result = await next();
  } catch (error) {
    // h3 builds its JSON error answer with errHeaders, and a value config.onError returns
    // instead with event.res.headers
    const errHeaders = errorHeaders(event);
    applyCorsHeaders(errHeaders, decision);
    if (errHeaders !== event.res.headers) applyCorsHeaders(event.res.headers, decision);
    throw error;
  }
  if (result instanceof Response) return withCorsHeaders(result, decision);
  // h3 merges event.res.headers into the Response it builds from a returned value, and
  // errHeaders into its 404; only the one it will read is written
  applyCorsHeaders(result === NOT_FOUND ? errorHeaders(event) : event.res.headers, decision);
  return result;
}

/**
 * The headers h3 puts on its error answers: `event.res.errHeaders`. The h3 2.0.1 release
 * candidates that Nitro 3.0.0 ships have none; there, Nitro's error handler answers errors and
 * 404s with a Response into which h3 merges `event.res.headers`.
 */
function errorHeaders(event: H3Event): Headers {
  return (event.res as { errHeaders?: Headers }).errHeaders ?? event.res.headers;
}

export { applyCorsHeaders, createPolicy } from '@corsica/core';
export type { CorsOptions, Decision, Policy } from '@corsica/core';
