/**
 * `@fastify/cors`'s option shapes, translated once into Corsica options so that the plugin can be
 * swapped for `@corsica/fastify`. Nothing here decides a request: the translation only feeds
 * `createPolicy`, and `@fastify/cors`-style origin functions become predicates.
 * @module
 */
import { CorsConfigError } from '@corsica/core';
import { isPolicy } from '@corsica/core/adapter';
import type { ConfigProblem, ConfigWarning, CorsOptions, OriginPredicate, Policy } from '@corsica/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { booleanOrigin, DISABLED, compileTranslated, delegatePolicies, fromOriginCallback, fromOriginFunction, noOptions, peerDefaults, problem, warning } from '@corsica/core/compat';
import type { PolicySelector } from '@corsica/core/compat';

export { DISABLED };
export type { PolicySelector };

/**
 * An origin value in `@fastify/cors`'s shape: `true` (reflect), `false` (off), an origin, a RegExp, or a list.
 *
 * @example
 * ```ts
 * const origin: FastifyCorsOriginValue = ['https://www.example.com', /^https:\/\/[a-z]+\.example\.com$/];
 * ```
 */
export type FastifyCorsOriginValue = boolean | string | RegExp | readonly FastifyCorsOriginValue[];

/**
 * `@fastify/cors`'s origin function, bound to the Fastify instance: `(origin, callback)`, or
 * `async (origin) => value`. Corsica's own predicate `(origin) => boolean` fits too. It is called
 * only for requests with a valid Origin, so `origin` is always a string.
 *
 * @example
 * ```ts
 * const origin: FastifyCorsOriginFunction = function (origin, cb) {
 *   cb(null, this.hasDecorator('tenants') && origin.endsWith('.example.com'));
 * };
 * ```
 */
export type FastifyCorsOriginFunction = (this: FastifyInstance, origin: string, callback: (error: Error | null, origin?: FastifyCorsOriginValue) => void) => unknown;

/**
 * `@fastify/cors`'s `hook` values; Corsica always answers in `onRequest`.
 *
 * @example
 * ```ts
 * const hook: FastifyCorsHook = 'onRequest';
 * ```
 */
export type FastifyCorsHook = 'onRequest' | 'preParsing' | 'preValidation' | 'preHandler' | 'preSerialization';

/**
 * A per-request options delegate: `(request, callback)`, or `async (request) => options` (one
 * type for both, so an inline function gets its parameters typed either way).
 *
 * @example
 * ```ts
 * const delegator: FastifyCorsDelegator = async (request) => ({ origin: request.url.startsWith('/public/') ? '*' : 'https://www.example.com' });
 * ```
 */
export type FastifyCorsDelegator = (request: FastifyRequest, callback: (error: Error | null, options?: FastifyCorsPackageOptions | CorsOptions | Policy) => void) => unknown;

/**
 * Options in `@fastify/cors`'s shape, accepted besides Corsica's own (which they include). See the
 * README's drop-in section for what each option becomes.
 *
 * @example
 * ```ts
 * await app.register(cors, { origin: (origin, cb) => cb(null, allowlist.includes(origin)), credentials: true, hook: 'onRequest' });
 * ```
 */
export interface FastifyCorsPackageOptions extends Omit<CorsOptions, 'origin' | 'credentials' | 'maxAge' | 'optionsSuccessStatus'> {
  /** `false` turns CORS off; `true` (reflect) is `'*'` without credentials and refused with them. */
  readonly origin: FastifyCorsOriginValue | FastifyCorsOriginFunction | readonly (string | RegExp | OriginPredicate)[];
  readonly credentials?: boolean;
  /** Seconds. */
  readonly maxAge?: number | string;
  /** Ignored with a warning unless `'onRequest'`: Corsica answers preflights before any other hook. */
  readonly hook?: FastifyCorsHook;
  /** `Cache-Control` of allowed preflight answers: seconds (`max-age=N`) or the whole value. */
  readonly cacheControl?: number | string;
  /** Ignored with a warning when `true`: Corsica answers every preflight. */
  readonly preflightContinue?: boolean;
  readonly optionsSuccessStatus?: 200 | 204;
  /** Ignored with a warning when `false`: Corsica answers every preflight. */
  readonly preflight?: boolean;
  /** Ignored with a warning when `false`: only a real preflight is answered as one. */
  readonly strictPreflight?: boolean;
  /** Accepted and ignored: Corsica registers no OPTIONS route to hide. (`logLevel`, a Fastify register option, is ignored too.) */
  readonly hideOptionsRoute?: boolean;
}

/**
 * `@fastify/cors`'s delegator form: `{ delegator, hook }`.
 *
 * @example
 * ```ts
 * await app.register(cors, { delegator: async () => ({ origin: 'https://www.example.com' }), hook: 'onRequest' });
 * ```
 */
export interface FastifyCorsDelegatorOptions {
  readonly delegator: FastifyCorsDelegator;
  readonly hook?: FastifyCorsHook;
}

/** Options only `@fastify/cors` has; any of them puts the plugin on the drop-in path. */
const PEER_ONLY = ['hook', 'delegator', 'cacheControl', 'preflightContinue', 'preflight', 'strictPreflight', 'hideOptionsRoute'];
const HOOKS = new Set<unknown>(['onRequest', 'preParsing', 'preValidation', 'preHandler', 'preSerialization']);
/** Fastify's own register options reach the plugin too; they are not CORS options. */
const REGISTER_OPTIONS = new Set(['prefix', 'logLevel', 'logSerializers']);

/**
 * Reports whether `options` are in `@fastify/cors`'s shape rather than Corsica's: an option only
 * `@fastify/cors` has, or a form only it gives a meaning to (`origin` `true`/`false`, booleans in an
 * origin list, an `(origin, callback)` function, a string `maxAge`).
 */
export function isFastifyCorsShape(options: Record<string, unknown>): boolean {
  const origin = options.origin;
  return (
    PEER_ONLY.some((name) => name in options) ||
    typeof origin === 'boolean' ||
    (Array.isArray(origin) && origin.some((entry) => typeof entry === 'boolean')) ||
    (typeof origin === 'function' && origin.length >= 2) ||
    typeof options.maxAge === 'string'
  );
}

/** What the plugin was registered with, compiled. */
export interface PluginSource {
  /** The policy of routes without `config.cors`. */
  readonly base: Policy | typeof DISABLED | PolicySelector<FastifyRequest>;
  /** Compiles a route's `config.cors` options (merged over the plugin's when those are `@fastify/cors`'s, as it did). */
  route(config: object): Policy | typeof DISABLED;
}

const cacheControls = new WeakMap<Policy, string>();

/** The `Cache-Control` value of a policy's allowed preflight answers, from `cacheControl`. */
export function cacheControlOf(policy: Policy): string | undefined {
  return cacheControls.get(policy);
}

/**
 * Compiles the plugin's options: `{ policy }`, Corsica options, `@fastify/cors` options (left-out
 * options keep its defaults, with one warning), a delegator (`{ delegator }` or a function as the
 * options), each distinct answer compiled once. Throws `CorsConfigError` for what Corsica refuses.
 */
export function pluginSource(input: unknown, fastify: FastifyInstance): PluginSource {
  const standalone = (config: object): Policy | typeof DISABLED => fromOptions(config, fastify);
  if (typeof input === 'function') return { base: delegatePolicies(input as FastifyCorsDelegator, standalone), route: standalone };
  const own: Record<string, unknown> = {};
  for (const key of Object.keys(input ?? {})) if (!REGISTER_OPTIONS.has(key)) own[key] = (input as Record<string, unknown>)[key];
  if ('policy' in own) {
    if (isPolicy(own.policy) && Object.keys(own).length === 1) return { base: own.policy, route: standalone };
    throw new TypeError('corsica: @corsica/fastify takes either CORS options or { policy } alone, where policy comes from createPolicy(). Pass app.register(cors, { origin: ... }) or app.register(cors, { policy: createPolicy({ origin: ... }) }).');
  }
  if (typeof own.delegator === 'function') {
    const { delegator, hook, ...ignored } = own;
    const problems: ConfigProblem[] = [];
    const warnings: ConfigWarning[] = [];
    checkHook(hook, problems, warnings);
    if (problems.length > 0) throw new CorsConfigError(problems);
    tell(ignored, warnings);
    return { base: delegatePolicies(delegator as FastifyCorsDelegator, standalone), route: standalone };
  }
  if (Object.keys(own).length === 0) throw noOptions('app.register(cors) without options', '@fastify/cors');
  if (!isFastifyCorsShape(own)) return { base: fromOptions(own, fastify), route: standalone };
  // @fastify/cors merges a route's config.cors over the plugin's options; so does the drop-in
  // (quietly: the plugin's own drop-in warnings were given once already)
  return { base: fromFastifyCors(own, fastify), route: (config) => (isPolicy(config) ? config : fromFastifyCors({ ...own, ...config }, fastify, false)) };
}

function fromOptions(input: object, fastify: FastifyInstance): Policy | typeof DISABLED {
  if (isPolicy(input)) return input;
  const options = input as Record<string, unknown>;
  if (isFastifyCorsShape(options)) return fromFastifyCors(options, fastify);
  return compileTranslated(withOriginFunction(options, fastify));
}

/** `@fastify/cors` binds origin functions to the instance, and lets them answer any origin value. */
function withOriginFunction(options: Record<string, unknown>, fastify: FastifyInstance): Record<string, unknown> {
  const origin = options.origin;
  if (typeof origin !== 'function') return options;
  const fn = origin as (this: FastifyInstance, ...args: unknown[]) => unknown;
  return { ...options, origin: fn.length >= 2 ? fromOriginCallback(fn as never, fastify) : fromOriginFunction(fn, (o) => fn.call(fastify, o)) };
}

function checkHook(hook: unknown, problems: ConfigProblem[], warnings: ConfigWarning[]): void {
  if (hook === undefined || hook === 'onRequest') return;
  if (!HOOKS.has(hook)) {
    problems.push(problem('option.invalid-type', 'hook', `\`hook\` is ${JSON.stringify(hook)}, not a Fastify hook.`, 'Remove `hook`: Corsica answers in onRequest.'));
    return;
  }
  warnings.push(warning('dropin.option-ignored', 'hook', `\`hook: "${String(hook)}"\` is ignored: Corsica answers preflights in onRequest, so body parsing, validation and auth hooks never see them, and sets the other headers there so they survive errors.`, 'Remove `hook`.'));
}

/** Warnings about options `{ delegator }` leaves unused, as `@fastify/cors` did. */
function tell(ignored: Record<string, unknown>, warnings: ConfigWarning[]): void {
  const names = Object.keys(ignored);
  if (names.length > 0) warnings.push(warning('dropin.option-ignored', names[0]!, `with \`delegator\`, ${names.map((n) => `\`${n}\``).join(', ')} ${names.length === 1 ? 'is' : 'are'} ignored: the delegator's answer is the whole configuration.`, 'Move them into the options the delegator answers.'));
  for (const w of warnings) console.warn(`${w.message} Fix: ${w.fix}`);
}

/** Translates options in `@fastify/cors`'s shape, and compiles them. */
function fromFastifyCors(input: Record<string, unknown>, fastify: FastifyInstance, tellDropIn = true): Policy | typeof DISABLED {
  const options: Record<string, unknown> = { ...input };
  const problems: ConfigProblem[] = [];
  const warnings: ConfigWarning[] = [];
  for (const name of REGISTER_OPTIONS) delete options[name];

  const origin = booleanOrigin(options.origin, options.credentials === true, problems, warnings);
  if (origin === DISABLED) return DISABLED;
  options.origin = origin;

  checkHook(options.hook, problems, warnings);
  delete options.hook;
  for (const [name, ignoredWhen, why, fix] of [
    ['preflightContinue', true, '`preflightContinue: true` is ignored: Corsica answers every preflight itself (204, or 403 when denied), before your routes and auth run.', 'Remove `preflightContinue`; an OPTIONS request that is not a preflight still reaches your routes.'],
    ['preflight', false, '`preflight: false` is ignored: Corsica answers every preflight itself, so none reaches your routes.', 'Remove `preflight`; give a route `config: { cors: false }` to let it answer its own OPTIONS requests.'],
    ['strictPreflight', false, '`strictPreflight: false` is ignored: only an OPTIONS with Origin and Access-Control-Request-Method is a preflight; any other OPTIONS reaches your routes.', 'Remove `strictPreflight`.'],
    ['hideOptionsRoute', undefined, '', ''],
  ] as const) {
    const value = options[name];
    delete options[name];
    if (value === undefined) continue;
    if (typeof value !== 'boolean') problems.push(problem('option.invalid-type', name, `\`${name}\` must be true or false.`, `Remove \`${name}\`.`));
    else if (value === ignoredWhen) warnings.push(warning('dropin.option-ignored', name, why, fix));
  }
  const cacheControl = options.cacheControl;
  delete options.cacheControl;
  if (typeof options.maxAge === 'string' && /^\d+$/.test(options.maxAge)) options.maxAge = Number(options.maxAge);
  // @fastify/cors's methods default (GET, HEAD, POST) is Corsica's; its headers default mirrors
  peerDefaults(options, '@fastify/cors', undefined, warnings);

  const policy = compileTranslated(withOriginFunction(options, fastify), problems, tellDropIn ? warnings : []);
  // like @fastify/cors: whole seconds become max-age, a string is the value, anything else is ignored
  if (Number.isInteger(cacheControl)) cacheControls.set(policy, `max-age=${String(cacheControl)}`);
  else if (typeof cacheControl === 'string') cacheControls.set(policy, cacheControl);
  return policy;
}
