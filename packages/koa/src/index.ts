/**
 * `@corsica/koa`: Corsica as Koa 2 and 3 middleware. The core decides; this file only reads the
 * request and writes the answer, and keeps the CORS headers on Koa's error responses.
 * @module
 */
import { applyCorsHeaders } from '@corsica/core';
import { decideOnce, factsFromNodeRequest, keepVaryAtWriteHead, mergeVary } from '@corsica/core/adapter';
import type { CorsOptions, CredentialsGuard, Decision, Policy } from '@corsica/core';
import type { Middleware, Next, ParameterizedContext } from 'koa';
import { koaSource } from './compat.js';
import type { KoaCorsPackageOptions } from './compat.js';

/**
 * What this middleware adds to `ctx.state`.
 *
 * @example
 * ```ts
 * const app = new Koa().use(cors(policy)); // Koa<DefaultState & CorsState>
 * app.use((ctx) => {
 *   if (ctx.state.cors?.allowed === false) ctx.set('X-Cors-Denied', ctx.state.cors.reason);
 * });
 * ```
 */
export interface CorsState {
  /** The CORS decision Corsica took for this request. */
  cors?: Decision;
}

declare module 'koa' {
  // Typed for every middleware, including ones declared apart from the app that mounts cors().
  interface DefaultState {
    /** The CORS decision Corsica took for this request (set by `@corsica/koa`). */
    cors?: Decision;
  }
}

/**
 * Koa's default error handler (`ctx.onerror`) removes every response header, then sets
 * `err.headers`. Carrying the CORS headers there lets the browser read the real 4xx/5xx instead
 * of reporting a CORS failure. Only `Vary` names the error itself carries are kept: the app's
 * other headers are gone from that response too.
 */
function keepOnError(error: unknown, decision: Decision): void {
  // Koa replaces a thrown non-object with a fresh Error, which nothing here can reach.
  if (typeof error !== 'object' || error === null) return;
  const carrier = error as { headers?: Record<string, unknown> };
  const headers: Record<string, unknown> = { ...carrier.headers, ...decision.headers };
  const varyName = Object.keys(headers).find((name) => name.toLowerCase() === 'vary') ?? 'Vary';
  const vary = mergeVary(headers[varyName] as string | readonly string[] | undefined, decision.vary);
  if (vary !== undefined) headers[varyName] = vary;
  try {
    carrier.headers = headers;
  } catch {
    // a frozen error: Koa answers it without CORS headers, as it would without Corsica
  }
}

/**
 * Creates Koa middleware from options (compiled once, here, so a bad configuration throws a
 * `CorsConfigError` at startup) or from a policy made with `createPolicy`.
 *
 * It also takes `@koa/cors`'s options (`allowMethods`, `allowHeaders`, `exposeHeaders`,
 * `keepHeadersOnError`, `secureContext`, `privateNetworkAccess`, functions of `ctx`), so
 * `@koa/cors` can be swapped for this package: see the README's drop-in section.
 *
 * Preflights are answered here (`next` is not called, so routes and auth never run). Other
 * requests get their CORS headers before `next()`, and keep them when a later middleware throws.
 * The decision is exposed as `ctx.state.cors`.
 *
 * @example
 * ```ts
 * import Koa from 'koa';
 * import { cors } from '@corsica/koa';
 *
 * const app = new Koa();
 * app.use(cors({ origin: ['https://app.example.com'], credentials: true, methods: ['GET', 'PUT'] }));
 * app.use((ctx) => {
 *   ctx.body = { corsAllowed: ctx.state.cors?.allowed };
 * });
 * ```
 * @see https://fetch.spec.whatwg.org/#http-cors-protocol
 */
export function cors(policy: Policy): Middleware<CorsState>;
// Corsica's options first, so `(origin) => boolean` is typed as Corsica's predicate; a
// `@koa/cors` origin function then needs its parameter typed: `(ctx: Context) => ...`.
export function cors<const T extends CorsOptions>(options: T & CredentialsGuard<T>): Middleware<CorsState>;
export function cors<const T extends KoaCorsPackageOptions>(options: T & CredentialsGuard<T>): Middleware<CorsState>;
export function cors(input: unknown): Middleware<CorsState> {
  const { policy, perRequest, isolate } = koaSource(input);

  // Not an `async` function: the common, synchronous decision costs no extra promise.
  return function corsica(ctx, next) {
    // Marked on the Node request, which every framework layered over it shares.
    const facts = factsFromNodeRequest(ctx.req);
    const result = perRequest === undefined ? decideOnce(policy, ctx.req, facts) : perRequest(ctx, (chosen) => decideOnce(chosen, ctx.req, facts));
    // promises flatten: what a delegated decision resolves to is the decision itself
    if (result instanceof Promise) return result.then((decision) => answer(ctx, next, decision as Decision | undefined, isolate));
    return answer(ctx, next, result, isolate);
  };
}

function answer(ctx: ParameterizedContext<CorsState>, next: Next, decision: Decision | undefined, isolate: boolean): Promise<unknown> | undefined {
  // undefined: another Corsica middleware decided this request, and its headers stand
  if (decision === undefined) return next();
  ctx.state.cors = decision;
  if (isolate) {
    // @koa/cors's secureContext: cross-origin isolation, asked for with the CORS options
    ctx.set('Cross-Origin-Opener-Policy', 'same-origin');
    ctx.set('Cross-Origin-Embedder-Policy', 'require-corp');
  }
  // Koa keeps no copy of the headers: ctx.response reads ctx.res, so both stay in step.
  applyCorsHeaders(ctx.res, decision);
  if (decision.status !== undefined && decision.body !== undefined) {
    // the origin guard rejected it: answered here, the rest of the chain never runs
    ctx.status = decision.status;
    ctx.type = 'text/plain; charset=utf-8';
    ctx.body = decision.body;
    return undefined;
  }
  // later middleware, or earlier middleware on the way out, may replace Vary (ctx.set('Vary', ...)):
  // keep what the answer varies on
  keepVaryAtWriteHead(ctx.res, decision.vary);
  if (decision.kind === 'preflight') {
    const status = decision.status;
    ctx.status = status;
    // A 200 gets an empty body rather than Koa's status text, like every other Corsica adapter.
    // A 204 has no body: setting one would make Koa look up a type and set headers it then strips.
    if (status !== 204) ctx.body = '';
    return undefined;
  }
  return next().then(undefined, (error: unknown) => {
    keepOnError(error, decision);
    throw error;
  });
}

export { createPolicy, guardUpgrade, socketIoAllowRequest, wsVerifyClient } from '@corsica/core';
export type { CorsOptions, Decision, Policy } from '@corsica/core';
export type { KoaCorsOriginFunction, KoaCorsPackageOptions } from './compat.js';
