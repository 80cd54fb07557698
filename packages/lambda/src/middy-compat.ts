/**
 * `@middy/http-cors`'s option shapes, translated once into Corsica options so that
 * `@middy/http-cors` can be swapped for `@corsica/lambda/middy`. Nothing here decides a request:
 * the translation only feeds `createPolicy`.
 * @module
 */
import { isPolicy } from '@corsica/core/adapter';
import type { ConfigProblem, ConfigWarning, Policy } from '@corsica/core';
import { compileTranslated, fromOriginFunction, noOptions, problem, rename, warning } from '@corsica/core/compat';

/**
 * Options in `@middy/http-cors`'s shape, accepted besides Corsica's own. See the README's drop-in
 * section for what each becomes.
 *
 * @example
 * ```ts
 * const options: MiddyCorsOptions = { origins: ['https://app.example.com', 'https://*.preview.example.com'], credentials: true, headers: 'Content-Type,Authorization', methods: 'GET,PUT' };
 * ```
 */
export interface MiddyCorsOptions {
  /** One origin, or `'*'` (refused with `credentials`: `@middy/http-cors` then reflected any origin). */
  readonly origin?: string;
  /** Listed origins; `https://*.example.com` matches subdomains, label by label. */
  readonly origins?: readonly string[];
  /** Called with the request's origin; its answer (that origin, `'*'`, or nothing) is compared, never echoed. */
  readonly getOrigin?: (incomingOrigin: string, options: MiddyCorsOptions) => string | null | undefined;
  /** `true` or `'true'`. */
  readonly credentials?: boolean | string;
  /** `allowedHeaders`, comma-separated. */
  readonly headers?: string;
  /** `methods`, comma-separated. */
  readonly methods?: string;
  /** `exposedHeaders`, comma-separated. */
  readonly exposeHeaders?: string;
  /** Seconds, as a number or a numeric string. */
  readonly maxAge?: number | string;
  /** `Cache-Control` of preflight answers. */
  readonly cacheControl?: string;
  /** Names appended to `Vary` on every answer. */
  readonly vary?: string;
  /** Ignored with a warning: Corsica always answers preflights before the handler. */
  readonly disableBeforePreflightResponse?: boolean;
  /** Ignored with a warning: request headers sent on a response mean nothing to a browser. */
  readonly requestHeaders?: string | readonly string[];
  /** Ignored with a warning, as `requestHeaders`. */
  readonly requestMethods?: string | readonly string[];
}

/** What the middleware runs: the policy, and the extras `@middy/http-cors` options asked for. */
export interface MiddySource {
  readonly policy: Policy;
  /** `cacheControl`: sent on preflight answers. */
  readonly preflightCacheControl?: string;
  /** `vary`: appended to every answer's `Vary`. */
  readonly vary: readonly string[];
}

/** Options only `@middy/http-cors` has; any of them puts the middleware on the drop-in path. */
const PEER_ONLY = ['origins', 'getOrigin', 'headers', 'exposeHeaders', 'cacheControl', 'vary', 'disableBeforePreflightResponse', 'requestHeaders', 'requestMethods'];

/**
 * Reports whether `options` are in `@middy/http-cors`'s shape: one of its option names, or a form
 * only it gives a meaning to (`credentials` or `maxAge` as a string).
 */
export function isMiddyCorsShape(options: Record<string, unknown>): boolean {
  return PEER_ONLY.some((name) => name in options) || typeof options.credentials === 'string' || typeof options.maxAge === 'string';
}

const REFLECT_FIX = 'List the origins allowed to send credentials: `origins: ["https://app.example.com"]` (or `origin: ["https://app.example.com"]` with Corsica\'s options).';

/**
 * Compiles what `cors()` was given: a policy as is; Corsica options; `@middy/http-cors` options
 * (names moved to Corsica's). Throws `CorsConfigError` for what Corsica refuses, with the fix.
 */
export function middySource(input: unknown): MiddySource {
  if (input === undefined || input === null) throw noOptions('cors()', '`@middy/http-cors`');
  if (isPolicy(input)) return { policy: input, vary: [] };
  const given = input as Record<string, unknown>;
  if (typeof given !== 'object' || Object.keys(given).length === 0) throw noOptions('cors({})', '`@middy/http-cors`');
  if (!isMiddyCorsShape(given)) return { policy: compileTranslated(given), vary: [] };

  const options: Record<string, unknown> = { ...given };
  const problems: ConfigProblem[] = [];
  const warnings: ConfigWarning[] = [];

  const credentials = options.credentials;
  if (credentials === 'true' || credentials === true) options.credentials = true;
  else if (credentials === 'false' || credentials === false || credentials === undefined) delete options.credentials;
  else problems.push(problem('option.invalid-type', 'credentials', '`credentials` must be true, false, "true" or "false".', 'Write `credentials: true` or remove it.'));
  const withCredentials = options.credentials === true;

  // origin and origins are one allowlist in @middy/http-cors; getOrigin, when given, replaces both
  const getOrigin = options.getOrigin;
  const list = [options.origin, ...((options.origins as unknown[] | undefined) ?? [])].filter((entry) => entry !== undefined && entry !== null && entry !== '');
  delete options.origins;
  delete options.getOrigin;
  if (typeof getOrigin === 'function') {
    const original = given as MiddyCorsOptions;
    options.origin = fromOriginFunction(getOrigin, (origin) => (getOrigin as NonNullable<MiddyCorsOptions['getOrigin']>)(origin, original));
  } else if (getOrigin !== undefined) {
    problems.push(problem('option.invalid-type', 'getOrigin', '`getOrigin` must be a function of the request\'s origin.', 'Pass `getOrigin: (origin) => (allowed.has(origin) ? origin : null)` or use `origins`.'));
  } else if (list.includes('*') && withCredentials) {
    problems.push(problem('origin.wildcard-with-credentials', 'origin', '`"*"` with `credentials: true`: `@middy/http-cors` then reflected every origin, so any website could read your users\' data with their cookies.', REFLECT_FIX));
    delete options.origin;
  } else if (list.length > 0) {
    options.origin = list.length === 1 ? list[0] : list.includes('*') ? '*' : list;
    if (list.length > 1 && list.includes('*')) warnings.push(warning('dropin.reflect-origin', 'origins', '`"*"` among listed origins lets every origin in, so the list says nothing; Corsica answers `*`.', 'Remove the other origins, or remove `"*"` to allow only the listed ones.'));
  } else {
    delete options.origin;
  }

  rename(options, 'headers', 'allowedHeaders', problems);
  rename(options, 'exposeHeaders', 'exposedHeaders', problems);
  if (typeof options.maxAge === 'string') {
    if (/^\d+$/.test(options.maxAge)) options.maxAge = Number(options.maxAge);
    else problems.push(problem('option.invalid-type', 'maxAge', `\`maxAge: "${options.maxAge}"\` is not a number of seconds.`, 'Write `maxAge: 600`.'));
  }

  const cacheControl = options.cacheControl;
  delete options.cacheControl;
  if (cacheControl !== undefined && typeof cacheControl !== 'string') problems.push(problem('option.invalid-type', 'cacheControl', '`cacheControl` must be a Cache-Control value.', 'Write `cacheControl: "max-age=600"` or remove it.'));
  const vary = options.vary;
  delete options.vary;
  if (vary !== undefined && typeof vary !== 'string') problems.push(problem('option.invalid-type', 'vary', '`vary` must be a comma-separated list of header names.', 'Write `vary: "Accept-Encoding"` or remove it.'));

  const before = options.disableBeforePreflightResponse;
  delete options.disableBeforePreflightResponse;
  if (before === true) warnings.push(warning('dropin.option-ignored', 'disableBeforePreflightResponse', '`disableBeforePreflightResponse: true` is ignored: Corsica answers preflights before the handler, so they never reach your code or its auth.', 'Remove `disableBeforePreflightResponse`; give the app\'s own OPTIONS routes requests without Access-Control-Request-Method.'));
  for (const name of ['requestHeaders', 'requestMethods'] as const) {
    if (options[name] === undefined) continue;
    delete options[name];
    warnings.push(warning('dropin.option-ignored', name, `\`${name}\` is ignored: it put a request header on responses, which browsers do not read.`, `Remove \`${name}\`; list what preflights may ask for in \`${name === 'requestHeaders' ? 'headers' : 'methods'}\`.`));
  }

  const policy = compileTranslated(options, problems, warnings);
  const source: { policy: Policy; vary: string[]; preflightCacheControl?: string } = {
    policy,
    vary: typeof vary === 'string' ? vary.split(',').map((name) => name.trim()).filter((name) => name !== '') : [],
  };
  if (typeof cacheControl === 'string') source.preflightCacheControl = cacheControl;
  return source;
}
