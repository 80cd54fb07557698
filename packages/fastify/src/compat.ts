/**
 * `@fastify/cors`'s option shapes, so that the plugin can be swapped for `@corsica/fastify`. What
 * they mean is the `@fastify/cors` profile of `@corsica/core/compat`; what stays here is
 * Fastify's: its register options, `{ policy }`, the instance as `this`, and route merges.
 * @module
 */
import { isPolicy } from '@corsica/core/adapter';
import type { CorsOptions, OriginPredicate, Policy } from '@corsica/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { DISABLED, FASTIFY_CORS, fromPeer, keptOptions, translateOptions } from '@corsica/core/compat';
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

/** What the plugin was registered with, compiled. */
export interface PluginSource {
  /** The policy of routes without `config.cors`. */
  readonly base: Policy | typeof DISABLED | PolicySelector<FastifyRequest>;
  /** Compiles a route's `config.cors` options (merged over the plugin's when those are `@fastify/cors`'s, as it did). */
  route(config: object): Policy | typeof DISABLED;
}

/** The `Cache-Control` value of a policy's allowed preflight answers, from `cacheControl`. */
export function cacheControlOf(policy: Policy): string | undefined {
  return keptOptions(policy)?.cacheControl as string | undefined;
}

/**
 * Compiles the plugin's options: `{ policy }`, Corsica options, `@fastify/cors` options (left-out
 * options keep its defaults, with one warning), a delegator (`{ delegator }` or a function as the
 * options), each distinct answer compiled once. Throws `CorsConfigError` for what Corsica refuses.
 */
export function pluginSource(input: unknown, fastify: FastifyInstance): PluginSource {
  // @fastify/cors binds origin functions to the instance
  const context = { thisArg: fastify };
  const standalone = (config: object): Policy | typeof DISABLED => translateOptions(FASTIFY_CORS, config, context).base;
  let own = input;
  if (typeof input !== 'function') {
    // Fastify's own register options reach the plugin too; they are not CORS options
    const options: Record<string, unknown> = {};
    for (const key of Object.keys(input ?? {})) if (!FASTIFY_CORS.dropped!.includes(key)) options[key] = (input as Record<string, unknown>)[key];
    if ('policy' in options) {
      if (isPolicy(options.policy) && Object.keys(options).length === 1) return { base: options.policy, route: standalone };
      throw new TypeError('corsica: @corsica/fastify takes either CORS options or { policy } alone, where policy comes from createPolicy(). Pass app.register(cors, { origin: ... }) or app.register(cors, { policy: createPolicy({ origin: ... }) }).');
    }
    own = options;
  }
  const source = fromPeer<FastifyRequest>(FASTIFY_CORS, own, context);
  if (source.shape !== 'peer') return { base: source.base, route: standalone };
  // @fastify/cors merges a route's config.cors over the plugin's options; so does the drop-in
  // (quietly: the plugin's own drop-in warnings were given once already)
  const merged = { ...context, quiet: true, asPeer: true };
  return { base: source.base, route: (config) => translateOptions(FASTIFY_CORS, isPolicy(config) ? config : { ...(own as object), ...config }, merged).base };
}
