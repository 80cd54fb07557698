import { describe, expectTypeOf, it } from 'vitest';
import Fastify from 'fastify';
import type { FastifyPluginCallback } from 'fastify';
import { createPolicy } from '@corsica/core';
import type { Decision } from '@corsica/core';
import cors, { cors as named } from '../src/index.js';
import type { FastifyCorsOptions, RouteCorsConfig } from '../src/index.js';

describe('@corsica/fastify types', () => {
  it('is a Fastify plugin taking CORS options or { policy }', () => {
    expectTypeOf(cors).toEqualTypeOf<FastifyPluginCallback<FastifyCorsOptions>>();
    expectTypeOf(named).toEqualTypeOf(cors);
    const app = Fastify();
    void app.register(cors, { origin: ['https://app.example.com'], credentials: true });
    void app.register(cors, { policy: createPolicy({ origin: '*' }) });
  });

  it('rejects a misspelt option and a non-policy { policy }', () => {
    const app = Fastify();
    // @ts-expect-error allowOrigins is not an option (origin is)
    void app.register(cors, { allowOrigins: ['https://app.example.com'] });
    // @ts-expect-error policy must come from createPolicy()
    void app.register(cors, { policy: { origin: '*' } });
  });

  it('types request.cors as the decision, or null where CORS is off', () => {
    const app = Fastify();
    app.get('/', async (request) => {
      expectTypeOf(request.cors).toEqualTypeOf<Decision | null>();
      return request.cors?.reason;
    });
  });

  it('accepts options, a policy or false as a route’s config.cors, and nothing else', () => {
    const app = Fastify();
    app.get('/a', { config: { cors: { origin: '*' } } }, async () => 'a');
    app.get('/b', { config: { cors: createPolicy({ origin: 'https://partner.example.org' }) } }, async () => 'b');
    app.get('/c', { config: { cors: false } }, async () => 'c');
    // @ts-expect-error `true` is not a route policy: omit config.cors to use the plugin's
    app.get('/d', { config: { cors: true } }, async () => 'd');
    expectTypeOf<RouteCorsConfig>().toExtend<NonNullable<import('fastify').FastifyContextConfig['cors']>>();
  });
});

describe('@fastify/cors’s shapes', () => {
  it('accepts its options, its origin functions (this is the instance) and its delegators', () => {
    const app = Fastify();
    const allowlist = ['https://app.example.com'];
    void app.register(cors, {
      origin(origin, cb) {
        expectTypeOf(this).toEqualTypeOf<import('fastify').FastifyInstance>();
        cb(null, allowlist.includes(origin));
      },
      hook: 'preHandler',
      cacheControl: 600,
      preflight: true,
      strictPreflight: true,
      hideOptionsRoute: true,
      preflightContinue: false,
      optionsSuccessStatus: 204,
    });
    void app.register(cors, { origin: async (origin: string) => (allowlist.includes(origin) ? origin : false) });
    void app.register(cors, { origin: (origin) => allowlist.includes(origin) });
    void app.register(cors, { delegator: async (request) => ({ origin: request.headers.origin === allowlist[0] }) });
    void app.register(cors, () => (_request: unknown, callback: (error: Error | null, options: { origin: boolean }) => void) => callback(null, { origin: false }));
    app.get('/x', { config: { cors: { credentials: false } } }, async () => 'x');
  });

  it('refuses a hook Fastify does not have at compile time', () => {
    const app = Fastify();
    // @ts-expect-error onSend is not one of @fastify/cors's hooks
    void app.register(cors, { origin: 'https://app.example.com', hook: 'onSend' });
  });
});
