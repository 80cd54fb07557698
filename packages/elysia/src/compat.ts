/**
 * `@elysiajs/cors`'s option shapes, translated once into Corsica options so that `@elysiajs/cors`
 * can be swapped for `@corsica/elysia`. Nothing here decides a request: the translation only
 * feeds `createPolicy`; origin functions of the `Request` are called per request, as
 * `@elysiajs/cors` called them. Its open defaults that would let any website in (every origin
 * reflected with credentials, every request header name exposed) are refused, with the fix.
 * @module
 */
import { isPolicy } from '@corsica/core/adapter';
import type { ConfigProblem, ConfigWarning, CorsOptions, OriginPredicate, Policy } from '@corsica/core';
import { RequestScopedOrigin, compileTranslated, noOptions, peerDefaults, problem, warning } from '@corsica/core/compat';

/**
 * `@elysiajs/cors`'s origin function: called with the request, allows it when it answers `true`.
 *
 * @example
 * ```ts
 * const origin: ElysiaCorsOriginFunction = (request) => request.headers.get('X-Tenant') === 'a';
 * ```
 */
export type ElysiaCorsOriginFunction = (request: Request) => boolean | void;

/** One `origin` entry in `@elysiajs/cors`'s shape. */
export type ElysiaCorsOrigin = string | RegExp | ElysiaCorsOriginFunction;

/**
 * Options in `@elysiajs/cors`'s shape, accepted besides Corsica's own. See the README's drop-in
 * section for what each option becomes.
 *
 * @example
 * ```ts
 * app.use(cors({ origin: ['https://app.example.com'], methods: 'GET, POST', allowedHeaders: 'Content-Type', exposeHeaders: ['X-Request-Id'], preflight: true }));
 * ```
 */
export interface ElysiaCorsPackageOptions extends Omit<CorsOptions, 'origin' | 'methods' | 'allowedHeaders'> {
  /**
   * Origins (exact, with their scheme), anchored RegExps, or functions of the `Request`.
   * `true` reflected every origin in `@elysiajs/cors`: refused with credentials, `'*'` without.
   */
  readonly origin: boolean | ElysiaCorsOrigin | readonly ElysiaCorsOrigin[];
  /** A list, or a comma-separated string; `true` (every method) keeps `@elysiajs/cors`'s common methods. */
  readonly methods?: boolean | '' | null | string | readonly string[];
  /** A list, or a comma-separated string; `true` mirrors the requested headers, each still checked. */
  readonly allowedHeaders?: true | string | readonly string[];
  /** `exposedHeaders`: a list, or a comma-separated string. `true` (every request header name) is refused. */
  readonly exposeHeaders?: true | string | readonly string[];
  /** Corsica always answers preflights, before routes and auth: `false` is ignored, with a warning. */
  readonly preflight?: boolean;
  /** Elysia's ahead-of-time compilation switch; it changes nothing about CORS and is dropped. */
  readonly aot?: boolean;
}

/** Options only `@elysiajs/cors` has; any of them puts the plugin on the drop-in path. */
const PEER_ONLY = ['exposeHeaders', 'preflight', 'aot'];

/** What `@elysiajs/cors` allows when `methods` is left out or `true`: it reflected any requested method. */
const ELYSIA_METHODS = 'GET,HEAD,PUT,POST,DELETE,PATCH';

/**
 * Reports whether `options` are in `@elysiajs/cors`'s shape rather than Corsica's: one of its
 * option names, a boolean `origin`, or `true` for `methods` or `allowedHeaders`. Only then is an `origin` function called with
 * the `Request`; otherwise it is Corsica's `(origin) => boolean`.
 */
export function isElysiaCorsShape(options: Record<string, unknown>): boolean {
  return (
    PEER_ONLY.some((name) => name in options) ||
    typeof options.origin === 'boolean' ||
    typeof options.methods === 'boolean' ||
    options.allowedHeaders === true
  );
}

/** How the plugin picks and runs the policy of one request. */
export interface ElysiaSource {
  /** The policy when nothing is decided per request. */
  readonly policy: Policy;
  /** Per-request work (origin functions of the `Request`), or `undefined` when there is none. */
  readonly perRequest?: <R>(request: Request, decide: (policy: Policy) => R) => Promise<R>;
}

function splitList(value: unknown): unknown {
  return typeof value === 'string' && value !== '*' ? value.split(',').map((name) => name.trim()).filter((name) => name !== '') : value;
}

/**
 * Compiles what `cors()` was given: a policy as is; Corsica options; `@elysiajs/cors` options
 * (names moved to Corsica's, left-out options keep `@elysiajs/cors`'s defaults where they are
 * safe, with one warning). Throws `CorsConfigError` for what Corsica refuses, `cors()` without
 * options included.
 */
export function elysiaSource(input: unknown): ElysiaSource {
  if (input === undefined || input === null) throw noOptions('cors()', '`@elysiajs/cors`');
  if (isPolicy(input)) return { policy: input };
  const given = input as Record<string, unknown>;
  if (typeof given === 'object' && Object.keys(given).length === 0) throw noOptions('cors({})', '`@elysiajs/cors`');
  if (!isElysiaCorsShape(given)) return { policy: compileTranslated(given) };

  const options: Record<string, unknown> = { ...given };
  const problems: ConfigProblem[] = [];
  const warnings: ConfigWarning[] = [];
  delete options.aot;

  // @elysiajs/cors sends credentials unless told not to; kept, since a migrated app relies on
  // its cookies, except with "*", where browsers never honoured them
  if (options.credentials === undefined && options.origin !== '*') options.credentials = true;

  if (options.origin === true) {
    if (options.credentials === true) {
      problems.push(problem('origin.wildcard-with-credentials', 'origin', '`origin: true` reflects every origin, and with `credentials: true` (`@elysiajs/cors`\'s default) any website could read your users\' data with their cookies.', 'List the origins allowed to send credentials: `origin: ["https://app.example.com"]` (or `policyFromEnv()` from @corsica/core for development).'));
      delete options.origin;
    } else {
      warnings.push(warning('dropin.reflect-origin', 'origin', '`origin: true` reflects every origin; without credentials that is what `origin: "*"` does, so Corsica answers `*`.', 'Write `origin: "*"` to say so, or list your origins.'));
      options.origin = '*';
    }
  } else if (options.origin === false) {
    problems.push(problem('option.invalid-type', 'origin', '`origin: false` allows no origin, so the plugin would do nothing but add `Vary`.', 'List the origins that may call you, or remove `cors()` to turn CORS off.'));
    delete options.origin;
  }

  let scoped: RequestScopedOrigin<Request> | undefined;
  const entries = Array.isArray(options.origin) ? (options.origin as unknown[]) : [options.origin];
  const functions = entries.filter((entry): entry is ElysiaCorsOriginFunction => typeof entry === 'function');
  if (functions.length > 0) {
    scoped = new RequestScopedOrigin((_origin: string, request: Request) => functions.some((fn) => fn(request) === true));
    const rest = entries.filter((entry) => typeof entry !== 'function') as (string | RegExp | OriginPredicate)[];
    options.origin = rest.length === 0 ? scoped.predicate : [...rest, scoped.predicate];
  }

  if (options.methods === true) delete options.methods;
  else if (options.methods === false || options.methods === '' || options.methods === null) options.methods = [];
  else options.methods = splitList(options.methods);

  if (options.allowedHeaders === true) delete options.allowedHeaders;
  else options.allowedHeaders = splitList(options.allowedHeaders);
  if (options.allowedHeaders === undefined) delete options.allowedHeaders;

  if ('exposeHeaders' in options) {
    const expose = options.exposeHeaders;
    delete options.exposeHeaders;
    if (expose === true) {
      problems.push(problem('option.invalid-type', 'exposeHeaders', '`exposeHeaders: true` exposes the name of every header the request carried, whatever the response holds, to any page the origin check lets in.', 'List the response headers scripts may read: `exposeHeaders: ["X-Request-Id"]`, or leave it out to expose none.'));
    } else if ('exposedHeaders' in options) {
      problems.push(problem('option.conflict', 'exposeHeaders', '`exposeHeaders` and `exposedHeaders` are the same option, given twice.', "Keep one of them (Corsica's name is `exposedHeaders`)."));
    } else if (expose !== undefined) {
      options.exposedHeaders = splitList(expose);
    }
  }

  const preflight = options.preflight;
  delete options.preflight;
  if (preflight === false) warnings.push(warning('dropin.option-ignored', 'preflight', '`preflight: false` is ignored: Corsica answers preflights itself, before your routes and auth, so an OPTIONS route of yours only sees OPTIONS requests that are not preflights.', 'Remove `preflight`.'));
  else if (preflight !== true && preflight !== undefined) problems.push(problem('option.invalid-type', 'preflight', '`preflight` must be true or false.', 'Remove `preflight`.'));

  peerDefaults(options, '`@elysiajs/cors`', ELYSIA_METHODS, warnings);
  const policy = compileTranslated(options, problems, warnings);
  if (scoped === undefined) return { policy };
  const requestScoped = scoped;
  return {
    policy,
    async perRequest(request, decide) {
      const requestOrigin = request.headers.get('origin');
      if (requestOrigin === null) return decide(policy);
      const answer = await requestScoped.answerOf(requestOrigin, request);
      return requestScoped.during(answer, () => decide(policy));
    },
  };
}
