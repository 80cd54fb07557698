/**
 * `@corsica/elysia`: Corsica as an Elysia plugin, on Bun. The core decides; this file reads the
 * request before routing, answers preflights there, and keeps the CORS headers on every answer
 * Elysia sends: values, Responses, files, `status()`, thrown errors and its 404.
 * @module
 */
import { decideOnce, factsFromFetchRequest, mergeVary, answerResponse, recordedDecision, withCorsHeaders } from '@corsica/core/adapter';
import type { CorsOptions, CredentialsGuard, Decision, Policy } from '@corsica/core';
import { Elysia } from 'elysia';
import { elysiaSource } from './compat.js';
import type { ElysiaCorsPackageOptions } from './compat.js';

/** Where a {@link cors} plugin applies. */
export interface CorsScope {
  /**
   * Only requests whose path is this prefix or below it (`'/public'`: `/public`, `/public/feed`).
   * Mount a scoped plugin before a global one: the request keeps the first decision.
   */
  readonly prefix?: string;
}

/** Requests a scoped plugin decided: a global plugin after it leaves them alone, silently. */
const decidedByScope = new WeakSet<Request>();
/** How many scoped plugins exist: with none, no request is looked up in {@link decidedByScope}. */
let scopedPlugins = 0;
const EXPECTED = { expected: true } as const;
const UNEXPECTED = {} as const;

/** Elysia's `set.headers`: a plain record it copies onto the response it builds. */
type SetHeaders = Record<string, string | number>;

function setCorsHeaders(headers: SetHeaders, decision: Decision): void {
  for (const name in decision.headers) headers[name.toLowerCase()] = decision.headers[name]!;
  mergeVaryInto(headers, decision);
}

function mergeVaryInto(headers: SetHeaders, decision: Decision): void {
  const vary = mergeVary(headers['vary'] as string | undefined, decision.vary);
  if (vary !== undefined) headers['vary'] = vary;
}

/** Answers a preflight, or writes the CORS headers of any other request into `set.headers`. */
function answer(request: Request, headers: SetHeaders, decision: Decision | undefined, scoped = false): Response | undefined {
  // undefined: another Corsica plugin decided this request, and its headers stand
  if (decision === undefined) return undefined;
  if (scoped) decidedByScope.add(request);
  if (decision.status !== undefined) return answerResponse(decision);
  setCorsHeaders(headers, decision);
  return undefined;
}

function inScope(request: Request, prefix: string | undefined): boolean {
  if (prefix === undefined) return true;
  const url = request.url;
  // the path starts after "scheme://host"; Bun's request.url is always absolute
  const start = url.indexOf('/', url.indexOf('//') + 2);
  const end = url.indexOf('?', start);
  const path = start === -1 ? '/' : url.slice(start, end === -1 ? undefined : end);
  return path === prefix || path.startsWith(prefix.endsWith('/') ? prefix : `${prefix}/`);
}

/**
 * Creates the Elysia plugin from options (compiled once, here, so a bad configuration throws a
 * `CorsConfigError` at start-up) or from a policy made with `createPolicy`.
 *
 * It also takes `@elysiajs/cors`'s options (`exposeHeaders`, `preflight`, `aot`, boolean
 * `origin`, comma-separated strings, origin functions of the `Request`), so `@elysiajs/cors` can
 * be swapped for this package; its defaults that let any website in are refused, with the fix.
 *
 * Preflights are answered in the request phase, before routing, so no route, guard or
 * `beforeHandle` runs for them. Every other request gets its CORS headers in `set.headers`
 * before routing, so they reach whatever Elysia answers: values, files, `status()`, thrown
 * errors, `onError` answers and the 404; returned Responses get them too, with `Vary` merged.
 * Handlers read the decision as `cors` in their context.
 *
 * @example
 * ```ts
 * import { Elysia } from 'elysia';
 * import { cors } from '@corsica/elysia';
 *
 * new Elysia()
 *   .use(cors({ origin: ['https://app.example.com'], credentials: true, methods: ['GET', 'PUT'] }))
 *   .put('/profile', ({ cors }) => ({ saved: true, cors: cors?.reason }))
 *   .listen(3000);
 * ```
 * @see https://fetch.spec.whatwg.org/#http-cors-protocol
 */
export function cors(policy: Policy, scope?: CorsScope): CorsPlugin;
// Corsica's options first, so `(origin) => boolean` is typed as Corsica's predicate; an
// `@elysiajs/cors` origin function then needs its parameter typed: `(request: Request) => ...`.
export function cors<const T extends CorsOptions>(options: T & CredentialsGuard<T>, scope?: CorsScope): CorsPlugin;
export function cors<const T extends ElysiaCorsPackageOptions>(options: T & CredentialsGuard<T>, scope?: CorsScope): CorsPlugin;
export function cors(input: unknown, scope?: CorsScope): CorsPlugin {
  return plugin(input, scope);
}

/**
 * The plugin `cors()` returns: an Elysia instance whose handlers get `cors`, the request's
 * decision (`undefined` when the plugin left the request alone).
 */
export type CorsPlugin = ReturnType<typeof plugin>;

function plugin(input: unknown, scope: CorsScope | undefined) {
  const { policy, perRequest } = elysiaSource(input);
  const prefix = scope?.prefix;
  if (prefix !== undefined && (typeof prefix !== 'string' || !prefix.startsWith('/'))) {
    throw new TypeError(`corsica: cors(options, { prefix }) needs a path starting with "/", like "/public"; got ${JSON.stringify(prefix)}.`);
  }
  if (prefix !== undefined) scopedPlugins++;
  const decide = (request: Request) => {
    // a per-request policy is chosen after the facts are read: then every fact is read
    const facts = factsFromFetchRequest(request, perRequest === undefined ? policy : undefined);
    // a global plugin after a scoped one: the scoped one's decision is the intended one
    const options = prefix === undefined && scopedPlugins > 0 && decidedByScope.has(request) ? EXPECTED : UNEXPECTED;
    return perRequest === undefined ? decideOnce(policy, request, facts, options) : perRequest(request, (chosen) => decideOnce(chosen, request, facts, options));
  };
  return (
    // named, with the policy as seed: Elysia applies one instance once, two policies both
    new Elysia({ name: '@corsica/elysia', seed: [policy, prefix] })
      // not `async`: the common, synchronous decision keeps Elysia on its synchronous path
      .onRequest(function corsica({ request, set }) {
        if (!inScope(request, prefix)) return;
        const result = decide(request);
        // promises flatten: what a delegated decision resolves to is the decision itself
        if (result instanceof Promise) return result.then((decision) => answer(request, set.headers as SetHeaders, decision as Decision | undefined, prefix !== undefined));
        return answer(request, set.headers as SetHeaders, result, prefix !== undefined);
      })
      .onAfterHandle({ as: 'global' }, function corsicaVary({ request, set, response }) {
        const decision = recordedDecision(request);
        if (decision === undefined || decision.status !== undefined || !inScope(request, prefix)) return;
        // Elysia keeps a returned Response's own Vary over set.headers' one: merge into it
        if (response instanceof Response) return withCorsHeaders(response, decision);
        // a handler that assigned set.headers.vary replaced the Origin set before routing
        mergeVaryInto(set.headers as SetHeaders, decision);
      })
      .derive({ as: 'global' }, function corsicaDecision({ request }) {
        return { cors: recordedDecision(request) };
      })
  );
}

export { createPolicy } from '@corsica/core';
export type { CorsOptions, Decision, Policy } from '@corsica/core';
export type { ElysiaCorsOrigin, ElysiaCorsOriginFunction, ElysiaCorsPackageOptions } from './compat.js';
