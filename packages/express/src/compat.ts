/**
 * The `cors` package's option shapes, translated once into Corsica options so that
 * `require('cors')` can be swapped for `@corsica/express`. Nothing here decides a request: the
 * translation only feeds `createPolicy`, and `cors`-style origin callbacks become predicates.
 * @module
 */
import { isPolicy } from '@corsica/core/adapter';
import type { ConfigProblem, ConfigWarning, CorsOptions, OriginPredicate, Policy } from '@corsica/core';
import { booleanOrigin, DISABLED, compileTranslated, delegatePolicies, fromOriginCallback, noOptions, peerDefaults, problem, warning } from '@corsica/core/compat';
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

/** What `cors` does with `methods` left out. */
const CORS_METHODS = 'GET,HEAD,PUT,PATCH,POST,DELETE';

/**
 * Reports whether `options` are in the `cors` package's shape rather than Corsica's: an option
 * only `cors` has (`preflightContinue`), or a form only `cors` gives a meaning to (`origin`
 * `true`/`false`, booleans in an origin list, an `(origin, callback)` function, a string
 * `maxAge`). Options that fit both keep Corsica's meaning and its closed defaults.
 */
export function isCorsPackageShape(options: Record<string, unknown>): boolean {
  const origin = options.origin;
  return (
    'preflightContinue' in options ||
    typeof origin === 'boolean' ||
    (Array.isArray(origin) && origin.some((entry) => typeof entry === 'boolean')) ||
    (typeof origin === 'function' && origin.length >= 2) ||
    typeof options.maxAge === 'string'
  );
}

/**
 * What `cors()` was given, as a policy source: a policy as is; Corsica options compiled; `cors`
 * options translated (left-out options keep `cors`'s defaults, with one warning) and compiled; a
 * delegate run per request, each distinct answer compiled once. Throws `CorsConfigError` for
 * what Corsica refuses, `cors()` without options included.
 */
export function policySource<Req>(input: unknown): PolicySource<Req> {
  if (input === undefined || input === null) throw noOptions('cors()', 'the `cors` package');
  if (typeof input === 'function') return delegatePolicies(input as CorsOptionsDelegate<Req>, fromOptions);
  return fromOptions(input);
}

function fromOptions(input: unknown): Policy | typeof DISABLED {
  if (isPolicy(input)) return input;
  if (typeof input !== 'object' || input === null) return compileTranslated(input as Record<string, unknown>);
  const options = input as Record<string, unknown>;
  if (Object.keys(options).length === 0) throw noOptions('cors({})', 'the `cors` package');
  return isCorsPackageShape(options) ? fromCorsPackage(options) : compileTranslated(options);
}

/** Translates options in the `cors` package's shape, and compiles them. */
function fromCorsPackage(input: Record<string, unknown>): Policy | typeof DISABLED {
  const options: Record<string, unknown> = { ...input };
  const problems: ConfigProblem[] = [];
  const warnings: ConfigWarning[] = [];
  let origin = booleanOrigin(options.origin, options.credentials === true, problems, warnings);
  if (origin === DISABLED) return DISABLED;
  if (typeof origin === 'function' && origin.length >= 2) {
    origin = fromOriginCallback(origin as never);
  }
  options.origin = origin;

  const continues = options.preflightContinue;
  delete options.preflightContinue;
  if (continues === true) {
    warnings.push(warning('dropin.option-ignored', 'preflightContinue', '`preflightContinue: true` is ignored: Corsica answers every preflight itself (204, or 403 when denied), before your routes and auth run.', 'Remove `preflightContinue`; an OPTIONS request that is not a preflight still reaches your routes.'));
  } else if (continues !== false && continues !== undefined) {
    problems.push(problem('option.invalid-type', 'preflightContinue', '`preflightContinue` must be true or false.', 'Remove `preflightContinue`: Corsica answers preflights itself.'));
  }
  if (typeof options.maxAge === 'string' && /^\d+$/.test(options.maxAge)) options.maxAge = Number(options.maxAge);
  peerDefaults(options, 'the `cors` package', CORS_METHODS, warnings);
  return compileTranslated(options, problems, warnings);
}
