/**
 * `@koa/cors`'s option shapes, translated once into Corsica options so that `@koa/cors` can be
 * swapped for `@corsica/koa`. Nothing here decides a request: the translation only feeds
 * `createPolicy`; functions of `ctx` are called per request, as `@koa/cors` called them.
 * @module
 */
import { isPolicy } from '@corsica/core/adapter';
import type { ConfigProblem, ConfigWarning, CorsOptions, OriginPredicate, Policy } from '@corsica/core';
import type { Context } from 'koa';
import { RequestScopedOrigin, compileTranslated, noOptions, peerDefaults, problem, rename, warning } from '@corsica/core/compat';

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

/** Options only `@koa/cors` has; any of them puts the middleware on the drop-in path. */
const PEER_ONLY = ['allowMethods', 'allowHeaders', 'exposeHeaders', 'keepHeadersOnError', 'secureContext', 'privateNetworkAccess'];

/** What `@koa/cors` allows when `allowMethods` is left out. */
const KOA_METHODS = 'GET,HEAD,PUT,POST,DELETE,PATCH';

/**
 * Reports whether `options` are in `@koa/cors`'s shape rather than Corsica's: one of its option
 * names, or a form only it gives a meaning to (`credentials` as a function, a string `maxAge`).
 * Only then is a function `origin` read as `(ctx) => string`.
 */
export function isKoaCorsShape(options: Record<string, unknown>): boolean {
  return PEER_ONLY.some((name) => name in options) || typeof options.credentials === 'function' || typeof options.maxAge === 'string';
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
  if (input === undefined || input === null) throw noOptions('cors()', '`@koa/cors`');
  if (isPolicy(input)) return { policy: input, isolate: false };
  const given = input as Record<string, unknown>;
  if (typeof given === 'object' && Object.keys(given).length === 0) throw noOptions('cors({})', '`@koa/cors`');
  if (!isKoaCorsShape(given)) return { policy: compileTranslated(given), isolate: false };

  const options: Record<string, unknown> = { ...given };
  const problems: ConfigProblem[] = [];
  const warnings: ConfigWarning[] = [];
  let scoped: RequestScopedOrigin<Context> | undefined;
  if (typeof options.origin === 'function') {
    const fn = options.origin as KoaCorsOriginFunction;
    scoped = new RequestScopedOrigin((_origin, ctx: Context) => fn(ctx));
    options.origin = scoped.predicate;
  }
  rename(options, 'allowMethods', 'methods', problems);
  rename(options, 'allowHeaders', 'allowedHeaders', problems);
  rename(options, 'exposeHeaders', 'exposedHeaders', problems);
  rename(options, 'privateNetworkAccess', 'privateNetwork', problems);
  if (typeof options.maxAge === 'string' && /^\d+$/.test(options.maxAge)) options.maxAge = Number(options.maxAge);
  const keep = options.keepHeadersOnError;
  delete options.keepHeadersOnError;
  if (keep === false) warnings.push(warning('dropin.option-ignored', 'keepHeadersOnError', '`keepHeadersOnError: false` is ignored: Corsica keeps its headers on error responses, so the browser shows the real status instead of a CORS error.', 'Remove `keepHeadersOnError`.'));
  else if (keep !== true && keep !== undefined) problems.push(problem('option.invalid-type', 'keepHeadersOnError', '`keepHeadersOnError` must be true or false.', 'Remove `keepHeadersOnError`.'));
  const isolate = options.secureContext;
  delete options.secureContext;
  if (isolate !== undefined && typeof isolate !== 'boolean') problems.push(problem('option.invalid-type', 'secureContext', '`secureContext` must be true or false.', 'Write `secureContext: true` or remove it.'));
  let credentialsFn: ((ctx: Context) => unknown) | undefined;
  if (typeof options.credentials === 'function') {
    credentialsFn = options.credentials as (ctx: Context) => unknown;
    options.credentials = false;
  }
  peerDefaults(options, '`@koa/cors`', KOA_METHODS, warnings);

  // both answers of a credentials function, compiled now, so that a bad pairing ("*" with
  // credentials) fails at start-up; the credentialed one first, since it checks more
  const credentialed = credentialsFn === undefined ? undefined : compileTranslated({ ...options, credentials: true, onWarning: false }, problems);
  const policy = compileTranslated(options, problems, warnings);
  const base: KoaSource = { policy, isolate: isolate === true };
  if (scoped === undefined && credentialsFn === undefined) return base;
  return {
    ...base,
    async perRequest(ctx, decide) {
      let chosen = policy;
      if (credentialsFn !== undefined) {
        try {
          if ((await credentialsFn(ctx)) === true) chosen = credentialed!;
        } catch (error) {
          // without credentials: the browser then sends no cookies to read
          policy.reportError(error, { phase: 'adapter' });
        }
      }
      const requestOrigin = ctx.get('Origin');
      if (scoped === undefined || requestOrigin === '') return decide(chosen);
      const answer = await scoped.answerOf(requestOrigin, ctx);
      return scoped.during(answer, () => decide(chosen));
    },
  };
}
