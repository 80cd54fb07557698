/**
 * `@koa/cors`'s option shapes, so that `@koa/cors` can be swapped for `@corsica/koa`. What they
 * mean is the `@koa/cors` profile of `@corsica/core/compat`; what stays here is Koa's: handing
 * each request's `ctx` to the functions of `ctx`, as `@koa/cors` called them.
 * @module
 */
import type { CorsOptions, OriginPredicate, Policy } from '@corsica/core';
import type { Context } from 'koa';
import { KOA_CORS, fromPeer, keptOptions } from '@corsica/core/compat';

/**
 * `@koa/cors`'s origin function: answers the origin to allow (compared, never echoed), `'*'`, or nothing.
 *
 * @example
 * ```ts
 * const origin: KoaCorsOriginFunction = (ctx) => (allowlist.includes(ctx.get('Origin')) ? ctx.get('Origin') : '');
 * ```
 */
export type KoaCorsOriginFunction = (ctx: Context) => string | null | undefined | false | Promise<string | null | undefined | false>;

/**
 * Options in `@koa/cors`'s shape, accepted besides Corsica's own. See the README's drop-in section
 * for what each option becomes.
 *
 * @example
 * ```ts
 * app.use(cors({ origin: (ctx) => (allowlist.includes(ctx.get('Origin')) ? ctx.get('Origin') : ''), allowMethods: 'GET,POST', credentials: true }));
 * ```
 */
export interface KoaCorsPackageOptions extends Omit<CorsOptions, 'origin' | 'credentials' | 'maxAge'> {
  /**
   * An origin, `'*'`, or a function of `ctx`, called per request, on the drop-in path only: with
   * Corsica's options alone, a one-parameter function is Corsica's `(origin) => boolean`.
   */
  readonly origin: string | RegExp | readonly (string | RegExp | OriginPredicate)[] | KoaCorsOriginFunction;
  /** `true`, or a function of `ctx` choosing per request. */
  readonly credentials?: boolean | ((ctx: Context) => boolean | Promise<boolean>);
  /** Seconds, as a number or a numeric string. */
  readonly maxAge?: number | string;
  /** `methods`. */
  readonly allowMethods?: string | readonly string[];
  /** `allowedHeaders`; left out, the requested headers are mirrored, as `@koa/cors` did. */
  readonly allowHeaders?: string | readonly string[];
  /** `exposedHeaders`. */
  readonly exposeHeaders?: string | readonly string[];
  /** Corsica always keeps its headers on errors: `false` is ignored, with a warning. */
  readonly keepHeadersOnError?: boolean;
  /** Sends `Cross-Origin-Opener-Policy: same-origin` and `Cross-Origin-Embedder-Policy: require-corp`. */
  readonly secureContext?: boolean;
  /** `privateNetwork` (legacy Private Network Access). */
  readonly privateNetworkAccess?: boolean;
}

/** How the middleware picks and runs the policy of one request. */
export interface KoaSource {
  /** The policy when nothing is decided per request. */
  readonly policy: Policy;
  /** Per-request work (functions of `ctx`), or `undefined` when there is none. */
  readonly perRequest?: <R>(ctx: Context, decide: (policy: Policy) => R) => Promise<R>;
  /** `secureContext`: the cross-origin isolation headers to send. */
  readonly isolate: boolean;
}

/**
 * Compiles what `cors()` was given: a policy as is; Corsica options; `@koa/cors` options (names
 * moved to Corsica's, left-out options keep `@koa/cors`'s defaults, with one warning). Throws
 * `CorsConfigError` for what Corsica refuses, `cors()` without options included.
 */
export function koaSource(input: unknown): KoaSource {
  const { base, perRequest } = fromPeer<never, Context>(KOA_CORS, input);
  // the @koa/cors profile neither delegates nor turns CORS off
  const policy = base as Policy;
  const isolate = keptOptions(policy)?.secureContext === true;
  if (perRequest === undefined) return { policy, isolate };
  return { policy, isolate, perRequest: (ctx, decide) => perRequest({ origin: ctx.get('Origin') || undefined, method: ctx.method, context: ctx }, decide) };
}
