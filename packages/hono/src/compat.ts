/**
 * `hono/cors`'s option shapes, translated once into Corsica options so that `hono/cors` can be
 * swapped for `@corsica/hono`. Nothing here decides a request: the translation only feeds
 * `createPolicy`; functions that need `c` are called per request, as `hono/cors` called them.
 * @module
 */
import { isPolicy } from '@corsica/core/adapter';
import type { ConfigProblem, ConfigWarning, CorsOptions, OriginPredicate, Policy } from '@corsica/core';
import type { Context } from 'hono';
import { RequestScopedOrigin, compileTranslated, fromOriginFunction, noOptions, peerDefaults, problem, rename } from '@corsica/core/compat';

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

/** What `hono/cors` allows when `allowMethods` is left out. */
const HONO_METHODS = 'GET,HEAD,PUT,POST,DELETE,PATCH,QUERY';

/** The most distinct `allowMethods` answers kept compiled. */
export const MAX_METHOD_POLICIES = 100;

/**
 * Reports whether `options` are in `hono/cors`'s shape rather than Corsica's: one of its option
 * names (`allowMethods`, `allowHeaders`, `exposeHeaders`), or an origin function that declares `c`.
 */
export function isHonoCorsShape(options: Record<string, unknown>): boolean {
  return 'allowMethods' in options || 'allowHeaders' in options || 'exposeHeaders' in options || (typeof options.origin === 'function' && options.origin.length >= 2);
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
  if (input === undefined || input === null) throw noOptions('cors()', '`hono/cors`');
  if (isPolicy(input)) return { policy: input };
  const given = input as Record<string, unknown>;
  if (typeof given === 'object' && Object.keys(given).length === 0) throw noOptions('cors({})', '`hono/cors`');
  const options: Record<string, unknown> = { ...given };
  const problems: ConfigProblem[] = [];
  const warnings: ConfigWarning[] = [];
  const peer = isHonoCorsShape(options);

  let scoped: RequestScopedOrigin<Context> | undefined;
  const origin = options.origin;
  if (typeof origin === 'function') {
    const fn = origin as HonoCorsOriginFunction;
    if (fn.length >= 2) {
      scoped = new RequestScopedOrigin(fn);
      options.origin = scoped.predicate;
    } else {
      options.origin = fromOriginFunction(fn, (o) => (fn as (origin: string) => unknown)(o));
    }
  }
  let methodsFn: HonoCorsAllowMethodsFunction | undefined;
  if (typeof options.allowMethods === 'function') {
    methodsFn = options.allowMethods as HonoCorsAllowMethodsFunction;
    delete options.allowMethods;
    if ('methods' in options) problems.push(problem('option.conflict', 'allowMethods', '`allowMethods` and `methods` are the same option, given twice.', 'Keep one of them.'));
  }
  rename(options, 'allowMethods', 'methods', problems);
  // hono/cors mirrors the requested headers when allowHeaders is empty, as when it is left out
  if (Array.isArray(options.allowHeaders) && options.allowHeaders.length === 0) delete options.allowHeaders;
  rename(options, 'allowHeaders', 'allowedHeaders', problems);
  rename(options, 'exposeHeaders', 'exposedHeaders', problems);
  if (peer) peerDefaults(options, '`hono/cors`', methodsFn === undefined ? HONO_METHODS : undefined, warnings);
  if (methodsFn !== undefined && options.methods === undefined) options.methods = HONO_METHODS;

  const policy = compileTranslated(options, problems, warnings);
  if (scoped === undefined && methodsFn === undefined) return { policy };

  const quiet = { ...options, onWarning: false };
  const byMethods = new Map<string, Policy>();
  // what a failing allowMethods function leaves: only the methods browsers never preflight
  const closed = methodsFn === undefined ? policy : compileTranslated({ ...quiet, methods: [] });
  const policyFor = async (c: Context): Promise<Policy> => {
    if (methodsFn === undefined || c.req.method !== 'OPTIONS') return policy;
    let methods: readonly string[];
    try {
      methods = await methodsFn(c.req.header('origin') ?? '', c);
    } catch (error) {
      policy.reportError(error, { phase: 'adapter' });
      return closed;
    }
    const key = Array.isArray(methods) ? methods.join(',') : String(methods);
    let chosen = byMethods.get(key);
    if (chosen === undefined) {
      try {
        chosen = compileTranslated({ ...quiet, methods });
      } catch (error) {
        policy.reportError(error, { phase: 'adapter' });
        return closed;
      }
      if (byMethods.size >= MAX_METHOD_POLICIES) byMethods.delete(byMethods.keys().next().value as string);
      byMethods.set(key, chosen);
    }
    return chosen;
  };
  return {
    policy,
    async perRequest(c, decide) {
      const chosen = await policyFor(c);
      const requestOrigin = c.req.header('origin');
      if (scoped === undefined || requestOrigin === undefined) return decide(chosen);
      const answer = await scoped.answerOf(requestOrigin, c);
      return scoped.during(answer, () => decide(chosen));
    },
  };
}
