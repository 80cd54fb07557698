/**
 * `@corsica/fastify`: Corsica CORS plugin for Fastify 4 and 5.
 * @module
 */
import { CorsConfigError } from '@corsica/core';
import { decideOnce, factsFromNodeRequest, isPolicy, keepVaryAtWriteHead, mergeVary } from '@corsica/core/adapter';
import type { CorsOptions, Decision, Policy } from '@corsica/core';
import type { FastifyPluginCallback, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import fp from 'fastify-plugin';
import { DISABLED, cacheControlOf, pluginSource } from './compat.js';
import type { FastifyCorsDelegator, FastifyCorsDelegatorOptions, FastifyCorsPackageOptions, PluginSource, PolicySelector } from './compat.js';

/**
 * Plugin options: CORS options (Corsica's, or `@fastify/cors`'s), a policy compiled with
 * `createPolicy` as `{ policy }`, or `@fastify/cors`'s per-request delegator.
 *
 * @example
 * ```ts
 * await app.register(cors, { origin: ['https://app.example.com'], credentials: true });
 * // or, sharing one compiled policy:
 * await app.register(cors, { policy: createPolicy({ origin: ['https://app.example.com'] }) });
 * ```
 */
export type FastifyCorsOptions = FastifyCorsPackageOptions | { readonly policy: Policy } | FastifyCorsDelegatorOptions | FastifyCorsDelegator;

/**
 * A route's own CORS: options or a compiled policy replace the plugin's policy on that route;
 * `false` turns CORS off there (no headers, preflights passed to the route). When the plugin was
 * registered with `@fastify/cors`'s options, a route's options are merged over them, as
 * `@fastify/cors` did.
 *
 * @example
 * ```ts
 * app.get('/public', { config: { cors: { origin: '*' } } }, async () => 'anyone');
 * app.get('/health', { config: { cors: false } }, async () => 'ok');
 * ```
 */
export type RouteCorsConfig = CorsOptions | (Partial<FastifyCorsPackageOptions> & object) | Policy | false;

declare module 'fastify' {
  interface FastifyRequest {
    /** The CORS decision taken for this request; `null` when CORS is off on the route. */
    cors: Decision | null;
  }
  interface FastifyContextConfig {
    /** This route's own CORS policy, or `false` for none. */
    cors?: RouteCorsConfig;
  }
}

const corsica: FastifyPluginCallback<FastifyCorsOptions> = (fastify, options, done) => {
  let source: PluginSource;
  try {
    source = pluginSource(options, fastify);
  } catch (error) {
    // a throw here would escape avvio and leave `register` pending until its timeout
    done(error as Error);
    return;
  }
  const routePolicies = new WeakMap<object, Policy | false>();
  /** `route` names the route in configuration errors; a function, so requests never build it. */
  const resolve = (config: RouteCorsConfig, route: () => string): Policy | PolicySelector<FastifyRequest> | typeof DISABLED | false => {
    if (config === false || isPolicy(config)) return config;
    let compiled = routePolicies.get(config);
    if (compiled === undefined) routePolicies.set(config, (compiled = routePolicy(source, config, route())));
    return compiled;
  };

  // Registering the plugin twice must not throw here: the second one is detected per request.
  if (!fastify.hasRequestDecorator('cors')) fastify.decorateRequest('cors', null);

  // Route policies are compiled once, as routes are declared, so their errors surface at startup.
  // Routes declared before this plugin loaded are compiled on their first request instead.
  fastify.addHook('onRoute', (route) => {
    const config = route.config?.cors;
    if (config !== undefined) route.config = { ...route.config, cors: resolve(config, () => `${String(route.method)} ${route.url}`) as RouteCorsConfig };
  });

  // onRequest runs before routing to a handler, body parsing and auth hooks, and also for
  // requests no route matches, so a preflight to a GET-only path is answered here and never
  // becomes a 404; the headers set here stay on error and 404 responses.
  fastify.addHook('onRequest', function corsicaOnRequest(request, reply, next) {
    let chosen: ReturnType<typeof resolve>;
    try {
      // Fastify builds `routeOptions` afresh on every read: read it once; most routes have no
      // config.cors, and then nothing else is built for the request
      const route = request.routeOptions;
      const config = route.config.cors;
      chosen = config === undefined ? source.base : resolve(config, () => `${request.method} ${route.url ?? request.url}`);
    } catch (error) {
      return next(error as Error);
    }
    if (chosen === false || chosen === DISABLED) return next();
    if (isPolicy(chosen)) return decide(chosen, request, reply, next, false);
    chosen(request)
      .then((picked) => {
        if (picked !== DISABLED) return decide(picked, request, reply, next, true);
        // no CORS for this request, but the delegator picked by request (usually by Origin)
        keepForTheApp(reply, VARY_ORIGIN);
        next();
      })
      .catch(next);
  });

  done();
};

/** What a delegator's answers vary on: it picks by request, usually by Origin. */
const VARY_ORIGIN: readonly string[] = Object.freeze(['Origin']);
const WITH_ORIGIN = new WeakMap<readonly string[], readonly string[]>();

/** A decision's `Vary` names with `Origin` among them (a delegator's policy may answer `*`); the core's lists are frozen and few, so each is built once. */
function withOrigin(names: readonly string[]): readonly string[] {
  if (names.some((name) => name.toLowerCase() === 'origin')) return names;
  let list = WITH_ORIGIN.get(names);
  if (list === undefined) WITH_ORIGIN.set(names, (list = Object.freeze(['Origin', ...names])));
  return list;
}

function decide(policy: Policy, request: FastifyRequest, reply: FastifyReply, next: HookHandlerDoneFunction, delegated: boolean): void {
  const result = decideOnce(policy, request.raw, factsFromNodeRequest(request.raw));
  if (result instanceof Promise) result.then((decision) => answer(policy, request, reply, decision, next, delegated)).catch(next);
  else answer(policy, request, reply, result, next, delegated);
}

function answer(policy: Policy, request: FastifyRequest, reply: FastifyReply, decision: Decision | undefined, next: HookHandlerDoneFunction, delegated: boolean): void {
  // undefined: another Corsica plugin or middleware decided this request, and its headers stand
  if (decision === undefined) {
    if (delegated) keepForTheApp(reply, VARY_ORIGIN);
    return next();
  }
  request.cors = decision;
  // On the reply, as Fastify's own headers: Fastify hands them to writeHead(status, headers) in
  // one object, which Node writes as it is when the response holds no header of its own.
  const headers = decision.headers;
  for (const name in headers) reply.header(name, headers[name]!);
  // a delegator's policy may answer `*`, yet the delegator picked it by request
  const vary = delegated ? withOrigin(decision.vary) : decision.vary;
  if (decision.kind === 'preflight') {
    // Vary goes on, unguarded: no cache stores an answer to OPTIONS (RFC 9110, section 9.3.7)
    putVary(reply, vary);
    const cacheControl = decision.allowed ? cacheControlOf(policy) : undefined;
    if (cacheControl !== undefined) reply.header('Cache-Control', cacheControl);
    reply.code(decision.status).send();
    return;
  }
  keepForTheApp(reply, vary);
  if (decision.status !== undefined) {
    // the origin guard rejected it: answered here, before routing and auth
    reply.code(decision.status).type('text/plain; charset=utf-8').send(decision.body);
    return;
  }
  next();
}

/** Merges `names` into the reply's `Vary`. */
function putVary(reply: FastifyReply, names: readonly string[]): void {
  if (names.length === 0) return;
  const vary = mergeVary(reply.getHeader('vary') as string | undefined, names);
  if (vary !== undefined) reply.header('Vary', vary);
}

/**
 * For a reply the app goes on to build: puts `names` in its `Vary` and keeps them there whatever
 * the app does to `Vary` later (`reply.header`, `reply.headers`, `reply.removeHeader`,
 * `reply.raw.setHeader`, in a handler or an `onSend` hook), checked once by the Node response
 * when Fastify writes the head, over HTTP/1 and HTTP/2. A hijacked reply gets the CORS headers
 * on `reply.raw`, where the app then writes.
 */
function keepForTheApp(reply: FastifyReply, names: readonly string[]): void {
  reply.hijack = hijackKeepingCors;
  putVary(reply, names);
  keepVaryAtWriteHead(reply.raw, names);
}

/**
 * `reply.hijack()` for a reply that carries CORS headers: Fastify never sends a hijacked reply's
 * headers, so the ones the app would have sent (the decision's, as the app left them, and `Vary`)
 * move to `reply.raw` first.
 */
function hijackKeepingCors(this: FastifyReply): FastifyReply {
  const raw = this.raw;
  const decision = this.request.cors;
  if (decision !== null) {
    for (const name in decision.headers) {
      const value = this.getHeader(name);
      if (value !== undefined) raw.setHeader(name, value);
    }
  }
  const vary = this.getHeader('vary');
  if (vary !== undefined) raw.setHeader('Vary', vary);
  return (Object.getPrototypeOf(this) as FastifyReply).hijack.call(this);
}

function routePolicy(source: PluginSource, options: object, route: string): Policy | false {
  try {
    const compiled = source.route(options);
    return compiled === DISABLED ? false : compiled;
  } catch (error) {
    if (!(error instanceof CorsConfigError)) throw error;
    // name the route: the same option may be fine on one route and wrong on another
    throw new CorsConfigError(error.problems.map((p) => ({ ...p, path: `config.cors.${p.path}`, message: `corsica: ${route} config.cors: ${p.message.replace(/^corsica: /, '')}` })));
  }
}

/**
 * The Corsica plugin. Register it before auth plugins and routes (`await app.register(...)`),
 * with CORS options or `{ policy }`; override or disable CORS per route with `config.cors`.
 *
 * Preflights are answered in an `onRequest` hook, so routes, body parsing and auth never see
 * them. Other requests get their headers before the handler runs, so they survive thrown errors
 * and 404s. The decision is on `request.cors`.
 *
 * @example
 * ```ts
 * import Fastify from 'fastify';
 * import cors from '@corsica/fastify';
 *
 * const app = Fastify();
 * await app.register(cors, { origin: ['https://app.example.com'], credentials: true, methods: ['GET', 'PUT'] });
 * app.get('/profile', async (request) => ({ cors: request.cors?.reason }));
 * app.get('/public', { config: { cors: { origin: '*' } } }, async () => 'anyone');
 * app.get('/internal', { config: { cors: false } }, async () => 'no CORS here');
 * ```
 * @see https://fetch.spec.whatwg.org/#http-cors-protocol
 */
const plugin = fp(corsica, { fastify: '4.x || 5.x', name: '@corsica/fastify' });

export default plugin;
export { plugin as cors };
export { guardUpgrade, socketIoAllowRequest, wsVerifyClient } from '@corsica/core';
export type { FastifyCorsDelegator, FastifyCorsDelegatorOptions, FastifyCorsHook, FastifyCorsOriginFunction, FastifyCorsOriginValue, FastifyCorsPackageOptions } from './compat.js';
