/**
 * `hono/cors`'s option shapes, so that `hono/cors` can be swapped for `@corsica/hono`. What they
 * mean is the `hono/cors` profile of `@corsica/core/compat`; what stays here is Hono's: handing
 * each request's `c` to the functions that need it, as `hono/cors` called them.
 * @module
 */
import type { CorsOptions, OriginPredicate, Policy } from '@corsica/core';
import type { Context } from 'hono';
import { HONO_CORS, fromPeer } from '@corsica/core/compat';

/**
 * `hono/cors`'s origin function: answers the origin to allow (compared with the request's, never
 * echoed), `'*'`, or nothing. Declaring `c` makes Corsica call it per request with the context,
 * as `hono/cors` did; a one-parameter function (Corsica's `(origin) => boolean` too) is called
 * once per origin instead, cached when `async`.
 *
 * @example
 * ```ts
 * const origin: HonoCorsOriginFunction = (origin, c) => (c.req.header('X-Tenant') === 'a' ? origin : null);
 * ```
 */
export type HonoCorsOriginFunction = (origin: string, c: Context) => unknown;

/**
 * `hono/cors`'s `allowMethods` function, called for each OPTIONS request.
 *
 * @example
 * ```ts
 * const allowMethods: HonoCorsAllowMethodsFunction = (origin) => (origin === 'https://admin.example.com' ? ['GET', 'PUT', 'DELETE'] : ['GET']);
 * ```
 */
export type HonoCorsAllowMethodsFunction = (origin: string, c: Context) => readonly string[] | Promise<readonly string[]>;

/**
 * Options in `hono/cors`'s shape, accepted besides Corsica's own (which they include). See the
 * README's drop-in section for what each option becomes.
 *
 * @example
 * ```ts
 * app.use(cors({ origin: (origin, c) => (c.env.ALLOWED.includes(origin) ? origin : null), allowHeaders: ['Content-Type'], credentials: true }));
 * ```
 */
export interface HonoCorsPackageOptions extends Omit<CorsOptions, 'origin' | 'credentials'> {
  readonly origin: string | RegExp | readonly (string | RegExp | OriginPredicate)[] | HonoCorsOriginFunction;
  readonly credentials?: boolean;
  /** `methods`, or a function of the origin and `c` (called for OPTIONS requests). */
  readonly allowMethods?: readonly string[] | HonoCorsAllowMethodsFunction;
  /** `allowedHeaders`; an empty list mirrors the requested headers, as `hono/cors` did. */
  readonly allowHeaders?: readonly string[];
  /** `exposedHeaders`. */
  readonly exposeHeaders?: readonly string[];
}

/** How the middleware picks and runs the policy of one request. */
export interface HonoSource {
  /** The policy when nothing is decided per request. */
  readonly policy: Policy;
  /** Per-request work (`c`-aware functions), or `undefined` when there is none. */
  readonly perRequest?: <R>(c: Context, decide: (policy: Policy) => R) => Promise<R>;
}

/**
 * Compiles what `cors()` was given: a policy as is; Corsica options; `hono/cors` options (names
 * moved to Corsica's, left-out options keep `hono/cors`'s defaults, with one warning). Throws
 * `CorsConfigError` for what Corsica refuses, `cors()` without options included.
 */
export function honoSource(input: unknown): HonoSource {
  const { base, perRequest } = fromPeer<never, Context>(HONO_CORS, input);
  // the hono/cors profile neither delegates nor turns CORS off
  const policy = base as Policy;
  if (perRequest === undefined) return { policy };
  return { policy, perRequest: (c, decide) => perRequest({ origin: c.req.header('origin'), method: c.req.method, context: c }, decide) };
}
