/**
 * The Fastify adapter's test app (routes in `fetch/test/support/adapter-suite.ts`), for
 * Fastify 5 (`fastify`) and Fastify 4 (`fastify4`), served on 127.0.0.1:0.
 */
import http from 'node:http';
import Fastify5 from 'fastify';
import type { FastifyInstance } from 'fastify';
import Fastify4 from 'fastify4';
import type { CorsOptions, Policy } from '@corsica/core';
import { isPolicy } from '@corsica/core';
import cors from '../src/index.js';
import type { FastifyCorsOptions } from '../src/index.js';
import type { TestApp } from '../../fetch/test/support/adapter-suite.js';
import { TEST_MAX_HEADER_SIZE } from '../../fetch/test/support/http.js';

/** Builds a bare Fastify app; Fastify 4's types are a separate module, so both are typed as 5's. */
export type Factory = () => FastifyInstance;

function withBigHeaders(factory: typeof Fastify5): Factory {
  return () => factory({ serverFactory: (handler) => http.createServer({ maxHeaderSize: TEST_MAX_HEADER_SIZE }, handler) }) as unknown as FastifyInstance;
}

export const VERSIONS: readonly { readonly label: string; readonly create: Factory; readonly major: number }[] = [
  { label: 'Fastify 5', create: withBigHeaders(Fastify5), major: 5 },
  { label: 'Fastify 4', create: withBigHeaders(Fastify4 as unknown as typeof Fastify5), major: 4 },
];

/** Listens on 127.0.0.1:0 and answers the base URL. */
export async function listen(app: FastifyInstance): Promise<string> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('expected a TCP address');
  return `http://127.0.0.1:${address.port}`;
}

/** The shared routes, behind the plugin and a counting auth hook. */
export async function buildApp(create: Factory, options: FastifyCorsOptions, counts: { handler: number; auth: number }): Promise<FastifyInstance> {
  const app = create();
  await app.register(cors, options);
  app.addHook('onRequest', async () => {
    counts.auth++;
  });
  app.route({
    method: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    url: '/ok',
    handler: async () => {
      counts.handler++;
      return 'ok';
    },
  });
  app.get('/error', () => {
    counts.handler++;
    throw new Error('boom');
  });
  app.get('/async-error', async () => {
    counts.handler++;
    await Promise.resolve();
    throw new Error('async boom');
  });
  app.options('/app-options', async () => {
    counts.handler++;
    return 'app-options';
  });
  app.get('/vary', async (_request, reply) => {
    counts.handler++;
    reply.header('Vary', 'Accept-Encoding');
    return 'ok';
  });
  return app;
}

/** Starts the app; takes a compiled policy (the shared suite) or options (the conformance kit). */
export function startAppWith(create: Factory): (policy: Policy | CorsOptions) => Promise<TestApp> {
  return async (policy) => {
    const counts = { handler: 0, auth: 0 };
    const app = await buildApp(create, isPolicy(policy) ? { policy } : policy, counts);
    const baseUrl = await listen(app);
    return { baseUrl, counts, close: () => app.close() };
  };
}
