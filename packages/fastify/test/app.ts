/**
 * The Fastify adapter's test app (routes listed in `@corsica/test-utils`' adapter suite), for
 * Fastify 5 (`fastify`) and Fastify 4 (`fastify4`), served on 127.0.0.1:0.
 */
import http from 'node:http';
import Fastify5 from 'fastify';
import type { FastifyInstance, FastifyReply } from 'fastify';
import Fastify4 from 'fastify4';
import type { CorsOptions, Policy } from '@corsica/core';
import { isPolicy } from '@corsica/core/adapter';
import { NODE_VARY_REPLACEMENTS, TEST_MAX_HEADER_SIZE, suiteRoutes } from '@corsica/test-utils';
import type { Started, TestApp } from '@corsica/test-utils';
import cors from '../src/index.js';
import type { FastifyCorsOptions } from '../src/index.js';

/** Builds a bare Fastify app; Fastify 4's types are a separate module, so both are typed as 5's. */
export type Factory = () => FastifyInstance;

function withBigHeaders(factory: typeof Fastify5): Factory {
  return () => factory({ serverFactory: (handler) => http.createServer({ maxHeaderSize: TEST_MAX_HEADER_SIZE }, handler) }) as unknown as FastifyInstance;
}

/** Builds a Fastify app served over cleartext HTTP/2 (`http2: true`). */
function overHttp2(factory: typeof Fastify5): Factory {
  return () => factory({ http2: true }) as unknown as FastifyInstance;
}

export const VERSIONS: readonly { readonly label: string; readonly create: Factory; readonly createHttp2: Factory; readonly major: number }[] = [
  { label: 'Fastify 5', create: withBigHeaders(Fastify5), createHttp2: overHttp2(Fastify5), major: 5 },
  { label: 'Fastify 4', create: withBigHeaders(Fastify4 as unknown as typeof Fastify5), createHttp2: overHttp2(Fastify4 as unknown as typeof Fastify5), major: 4 },
];

/** Listens on 127.0.0.1:0 and answers the base URL. */
export async function listen(app: FastifyInstance): Promise<string> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('expected a TCP address');
  return `http://127.0.0.1:${address.port}`;
}

/** Fastify's own ways to replace the whole `Vary` in a handler (`GET /vary/<way>`). */
const FASTIFY_VARY_REPLACEMENTS: Readonly<Record<string, (reply: FastifyReply) => void>> = {
  'reply.header': (reply) => reply.header('Vary', 'Accept-Encoding'),
  'reply.headers': (reply) => reply.headers({ vary: 'Accept-Encoding' }),
  'reply.removeHeader-reply.header': (reply) => reply.removeHeader('Vary').header('Vary', 'Accept-Encoding'),
  'reply.raw.setHeader': (reply) => reply.raw.setHeader('Vary', 'Accept-Encoding'),
};

/**
 * Every way the Fastify test app replaces `Vary`, for the adapter suite's `varyReplacements`:
 * Fastify's in a handler, in a route's own `onSend` hook (which runs after the plugin's hooks),
 * and Node's on `reply.raw` after `reply.hijack()`.
 */
export const VARY_REPLACEMENTS = [...Object.keys(FASTIFY_VARY_REPLACEMENTS), 'onSend-reply.header', ...Object.keys(NODE_VARY_REPLACEMENTS).map((way) => `hijack-${way}`)];

/** The suite's routes, behind the plugin (registered once per options, in order) and a counting auth hook. */
export async function buildApp(create: Factory, registrations: readonly FastifyCorsOptions[], counts: { handler: number; auth: number }): Promise<FastifyInstance> {
  const app = create();
  for (const options of registrations) await app.register(cors, options);
  app.addHook('onRequest', async () => {
    counts.auth++;
  });
  const routes = suiteRoutes(counts);
  app.all('/ok', async () => routes.ok());
  app.get('/error', routes.error);
  app.get('/async-error', routes.asyncError);
  app.options('/app-options', async () => routes.appOptions());
  app.get('/vary', async (_request, reply) => {
    reply.header('Vary', 'Accept-Encoding');
    return routes.vary();
  });
  for (const [way, replace] of Object.entries(FASTIFY_VARY_REPLACEMENTS)) {
    app.get(`/vary/${way}`, async (_request, reply) => {
      replace(reply);
      return routes.vary();
    });
  }
  app.get(
    '/vary/onSend-reply.header',
    {
      onSend: (_request, reply, payload, done) => {
        reply.header('Vary', 'Accept-Encoding');
        done(null, payload);
      },
    },
    async () => routes.vary(),
  );
  for (const [way, answer] of Object.entries(NODE_VARY_REPLACEMENTS)) {
    app.get(`/vary/hijack-${way}`, (_request, reply) => {
      reply.hijack();
      answer(reply.raw, routes.vary());
    });
  }
  app.get('/decision', async (request) => routes.decision(request.cors));
  return app;
}

/** Starts the app behind one registration per policy; the shared suite gives compiled policies, the conformance kit options. */
export function startAppWith(create: Factory): (...policies: (Policy | CorsOptions)[]) => Promise<TestApp> {
  return async (...policies) => {
    const counts = { handler: 0, auth: 0 };
    const app = await buildApp(create, policies.map((policy) => (isPolicy(policy) ? { policy } : policy)), counts);
    const baseUrl = await listen(app);
    return { baseUrl, counts, close: () => app.close() };
  };
}

/** The per-route recipe of the README: the plugin's policy for every route, `config.cors` for one. */
export function startPerRouteWith(create: Factory): (publicPolicy: Policy, mainPolicy: Policy) => Promise<Started> {
  return async (publicPolicy, mainPolicy) => {
    const app = create();
    await app.register(cors, { policy: mainPolicy });
    app.get('/public/feed', { config: { cors: publicPolicy } }, async () => 'feed');
    app.get('/ok', async () => 'ok');
    return { baseUrl: await listen(app), close: () => app.close() };
  };
}
