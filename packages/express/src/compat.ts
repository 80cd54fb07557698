/**
 * The `cors` package's option shapes, so that `require('cors')` can be swapped for
 * `@corsica/express`. What they mean is the `cors` profile of `@corsica/core/compat`; a
 * delegate's answer is picked per request by the middleware.
 * @module
 */
import type { CorsOptions, OriginPredicate, Policy } from '@corsica/core';
import { CORS_PACKAGE, DISABLED, fromPeer } from '@corsica/core/compat';
import type { PolicySelector } from '@corsica/core/compat';

/**
 * An origin value in the `cors` package's shape.
 *
 * @example
 * ```ts
 * const origin: CorsPackageStaticOrigin = ['https://www.example.com', /^https:\/\/[a-z]+\.example\.com$/];
 * ```
 */
export type CorsPackageStaticOrigin = boolean | string | RegExp | readonly (boolean | string | RegExp)[];

/**
 * The `cors` package's origin callback: `callback(error)` or `callback(null, allowed)`. Corsica
 * calls it only for requests that carry a valid Origin (requests without one are not CORS and
 * pass), so `origin` is always a string here.
 *
 * @example
 * ```ts
 * const origin: CorsPackageOriginCallback = (origin, callback) => callback(null, origin.endsWith('.example.com'));
 * ```
 */
export type CorsPackageOriginCallback = (origin: string, callback: (error: Error | null, origin?: CorsPackageStaticOrigin) => void) => void;

/**
 * Options in the shape of the `cors` package, accepted by `cors()` besides Corsica's own. The
 * options both share (`methods`, `allowedHeaders`...) and Corsica's hooks (`onError`...) keep
 * Corsica's meaning.
 *
 * @example
 * ```ts
 * const options: CorsPackageOptions = {
 *   origin: (origin, callback) => (!origin || allowlist.includes(origin) ? callback(null, true) : callback(new Error('Not allowed by CORS'))),
 *   credentials: true,
 * };
 * ```
 */
export interface CorsPackageOptions extends Omit<CorsOptions, 'origin' | 'credentials' | 'maxAge' | 'optionsSuccessStatus'> {
  /**
   * `false` turns the middleware off; `true` (reflect) is `'*'` without credentials and refused
   * with them. A one-parameter function is Corsica's predicate `(origin) => boolean`.
   */
  readonly origin: CorsPackageStaticOrigin | CorsPackageOriginCallback | readonly (string | RegExp | OriginPredicate)[];
  readonly credentials?: boolean;
  /** Seconds, as a number or a numeric string. */
  readonly maxAge?: number | string;
  /** Corsica always answers preflights itself: `true` is ignored, with a warning. */
  readonly preflightContinue?: boolean;
  readonly optionsSuccessStatus?: 200 | 204;
}

/**
 * The `cors` package's per-request options delegate. It may answer options of either shape or a
 * compiled policy; each distinct answer is compiled once.
 *
 * @example
 * ```ts
 * const open = { origin: '*' } as const;
 * const off = { origin: false } as const;
 * app.use(cors((req, callback) => callback(null, req.url?.startsWith('/public/') ? open : off)));
 * ```
 */
export type CorsOptionsDelegate<Req> = (req: Req, callback: (error: Error | null, options?: CorsPackageOptions | CorsOptions | Policy) => void) => void;

/** Where a middleware's policy comes from. */
export type PolicySource<Req> = Policy | typeof DISABLED | PolicySelector<Req>;

export { DISABLED };

/**
 * What `cors()` was given, as a policy source: a policy as is; Corsica options compiled; `cors`
 * options translated (left-out options keep `cors`'s defaults, with one warning) and compiled; a
 * delegate run per request, each distinct answer compiled once. Throws `CorsConfigError` for
 * what Corsica refuses, `cors()` without options included.
 */
export function policySource<Req>(input: unknown): PolicySource<Req> {
  return fromPeer<Req>(CORS_PACKAGE, input).base;
}
