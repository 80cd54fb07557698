/**
 * `@corsica/next`: Corsica CORS for Next.js 16. `corsProxy` gives `proxy.ts` one CORS layer for
 * every matched route (route handlers, pages, Next's own 404s and error pages); `withCors`, from
 * `@corsica/fetch`, wraps single route handlers.
 * @module
 */
import { applyCorsHeaders, decideOnce, factsFromFetchRequest, answerResponse, toPolicy } from '@corsica/core/adapter';
import type { CorsOptions, CredentialsGuard, Policy } from '@corsica/core';
import { NextResponse } from 'next/server.js';

/**
 * Creates the function `proxy.ts` exports (or calls from its own proxy) from options, compiled
 * once here so a bad configuration fails the server's start, or from a policy made with
 * `createPolicy`.
 *
 * A preflight is answered at once (204, or 403 when denied), so no route, page or auth code sees
 * it. Any other request continues (`NextResponse.next()`) with the decision's headers on the
 * response, which Next.js adds to whatever the request ends in: a route handler's answer, a page,
 * the 500 of a handler that threw, or Next's own 404. An `OPTIONS` without
 * `Access-Control-Request-Method` continues to the app's own `OPTIONS` handler.
 *
 * Keep the routes it matches free of other CORS code (no `withCors`, no CORS headers in
 * `next.config` `headers()`): two layers send every header twice, and browsers refuse a doubled
 * `Access-Control-Allow-Origin`.
 *
 * @example
 * ```ts
 * // proxy.ts
 * import { corsProxy } from '@corsica/next';
 *
 * export const proxy = corsProxy({ origin: ['https://app.example.com'], credentials: true, methods: ['GET', 'POST'] });
 * export const config = { matcher: '/api/:path*' };
 * ```
 * @see https://fetch.spec.whatwg.org/#http-cors-protocol
 */
export function corsProxy<const T extends CorsOptions | Policy>(options: T & CredentialsGuard<T>): (request: Request) => Promise<Response> {
  const policy = toPolicy(options);
  // typed with the Web Request, which NextRequest extends: any Next.js version's request fits
  return async function corsicaProxy(request: Request): Promise<Response> {
    const pending = decideOnce(policy, request, factsFromFetchRequest(request, policy));
    const decision = pending instanceof Promise ? await pending : pending;
    // undefined: another Corsica layer decided this request, and its headers stand
    if (decision === undefined) return NextResponse.next();
    if (decision.status !== undefined) return answerResponse(decision);
    const response = NextResponse.next();
    applyCorsHeaders(response.headers, decision);
    return response;
  };
}

export { getCorsDecision, withCors } from '@corsica/fetch';
export type { HandlerResult, WithCorsInit } from '@corsica/fetch';
export { createPolicy } from '@corsica/core';
export type { CorsOptions, Decision, Policy } from '@corsica/core';
