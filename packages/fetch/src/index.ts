/**
 * `@corsica/fetch`: Corsica CORS for Web-standard fetch handlers, `(request, ...rest) => Response`
 * (Cloudflare Workers, Deno.serve, Bun.serve, Next.js route handlers).
 * @module
 */
import { decideOnce, factsFromFetchRequest, answerResponse, recordedDecision, toPolicy, withCorsHeaders } from '@corsica/core/adapter';
import type { CorsOptions, CredentialsGuard, Decision, Policy } from '@corsica/core';

/**
 * What a fetch handler may answer: a Response, or nothing after a WebSocket upgrade (Bun).
 *
 * @example
 * ```ts
 * const handler = (request: Request, server: Server): HandlerResult => (server.upgrade(request) ? undefined : new Response('ok'));
 * ```
 */
export type HandlerResult = Response | undefined | void;

/**
 * Options of the wrapper itself (the CORS policy is the second argument).
 *
 * @example
 * ```ts
 * const init: WithCorsInit = {
 *   onError: (error, request) => {
 *     logger.error({ error, url: request.url });
 *     return Response.json({ error: 'internal' }, { status: 500 });
 *   },
 * };
 * export default { fetch: withCors(handler, policy, init) };
 * ```
 */
export interface WithCorsInit {
  /**
   * Called when the handler throws or rejects. Return a Response to send it (it gets the CORS
   * headers), or nothing to send `500 Internal Server Error`. Default: `console.error`, then 500.
   */
  readonly onError?: (error: unknown, request: Request) => Response | undefined | void | Promise<Response | undefined | void>;
}

/**
 * Wraps a fetch handler with a CORS policy. Preflights are answered without calling the handler;
 * every other response gets the decision's headers, including the 500 sent when the handler
 * throws (a runtime's own 500 would have none, and the browser would report a CORS error instead
 * of the real failure). The wrapper keeps the handler's signature: extra arguments (`env`, `ctx`,
 * `server`, Next.js `{ params }`) are passed through.
 *
 * @example
 * ```ts
 * import { withCors } from '@corsica/fetch';
 *
 * export default {
 *   fetch: withCors((request: Request, env: Env) => new Response('ok'), {
 *     origin: ['https://app.example.com'],
 *     methods: ['GET', 'PUT'],
 *   }),
 * };
 * ```
 * @see https://fetch.spec.whatwg.org/#http-cors-protocol
 */
export function withCors<R extends Request, A extends unknown[], Out extends HandlerResult, const T extends CorsOptions | Policy>(
  handler: (request: R, ...rest: A) => Out | Promise<Out>,
  options: T & CredentialsGuard<T>,
  init: WithCorsInit = {},
): (request: R, ...rest: A) => Promise<Out | Response> {
  // compiled here, not per request, so a bad configuration fails at startup
  const policy = toPolicy(options);
  const onError = init.onError;

  const answerError = async (error: unknown, request: R): Promise<Response> => {
    if (onError === undefined) {
      console.error('corsica: the handler wrapped by withCors threw; answered 500 with CORS headers. Pass { onError } as the third argument of withCors to log it or answer differently.', error);
    } else {
      try {
        const custom = await onError(error, request);
        if (custom !== undefined) return custom;
      } catch (hookError) {
        console.error('corsica: the onError option of withCors threw; answered 500 instead. Make onError return a Response or nothing.', hookError);
      }
    }
    return new Response('Internal Server Error', { status: 500, headers: { 'content-type': 'text/plain; charset=utf-8' } });
  };

  return async function corsHandler(request: R, ...rest: A): Promise<Out | Response> {
    const result = decideOnce(policy, request, factsFromFetchRequest(request, policy));
    const decision = result instanceof Promise ? await result : result;
    // undefined: another Corsica wrapper decided this request, and its headers stand
    if (decision === undefined) return handler(request, ...rest);
    if (decision.status !== undefined) return answerResponse(decision);
    let response: Out | Response;
    try {
      response = await handler(request, ...rest);
    } catch (error) {
      response = await answerError(error, request);
    }
    // nothing after a Bun WebSocket upgrade; the core leaves 101s and Cloudflare sockets alone
    return isResponse(response) ? withCorsHeaders(response, decision) : response;
  };
}

/**
 * The decision `withCors` took for this request, or `undefined` when no Corsica wrapper saw it.
 * Use it inside the handler (to log, or to skip work for denied origins).
 *
 * @example
 * ```ts
 * const handler = withCors((request: Request) => {
 *   const decision = getCorsDecision(request);
 *   return new Response(decision?.allowed ? 'welcome' : 'hello');
 * }, { origin: 'https://app.example.com' });
 * ```
 */
export function getCorsDecision(request: Request): Decision | undefined {
  return recordedDecision(request);
}

// duck-typed: Next.js and test runners may hand over a Response from another realm
function isResponse(value: unknown): value is Response {
  return typeof value === 'object' && value !== null && typeof (value as Response).status === 'number' && typeof (value as Response).headers === 'object';
}
