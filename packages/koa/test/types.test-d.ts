import type { Decision } from '@corsica/core';
import { createPolicy } from '@corsica/core';
import type { Context, Middleware } from 'koa';
import Koa from 'koa';
import { describe, expectTypeOf, it } from 'vitest';
import type { CorsState } from '../src/index.js';
import { cors } from '../src/index.js';

describe('cors()', () => {
  it('accepts options or a compiled policy and returns Koa middleware', () => {
    expectTypeOf(cors({ origin: 'https://app.example.com' })).toEqualTypeOf<Middleware<CorsState>>();
    expectTypeOf(cors(createPolicy({ origin: '*' }))).toEqualTypeOf<Middleware<CorsState>>();
    expectTypeOf(cors({ origin: '*' })).toExtend<Middleware>();
    new Koa().use(cors({ origin: ['https://app.example.com'], credentials: true }));
  });

  it('refuses "*" with credentials at compile time', () => {
    // @ts-expect-error origin "*" cannot be combined with credentials: true
    cors({ origin: '*', credentials: true });
    // @ts-expect-error exposedHeaders "*" is a literal name with credentials
    cors({ origin: 'https://app.example.com', credentials: true, exposedHeaders: ['*'] });
    // @ts-expect-error origin is required
    cors({ methods: ['GET'] });
  });
});

describe('ctx.state.cors', () => {
  it('is typed as the Decision in middleware mounted after cors()', () => {
    new Koa().use(cors({ origin: '*' })).use((ctx) => {
      expectTypeOf(ctx.state.cors).toEqualTypeOf<Decision | undefined>();
    });
  });

  it('is typed as the Decision in middleware declared apart from the app', () => {
    const handler: Middleware = (ctx) => {
      expectTypeOf(ctx.state.cors).toEqualTypeOf<Decision | undefined>();
    };
    expectTypeOf(handler).toExtend<Middleware>();
  });
});

describe('@koa/cors’s shapes', () => {
  it('accepts its option names, and functions of ctx once ctx is typed', () => {
    cors({
      origin: (ctx: Context) => ctx.get('Origin'),
      credentials: (ctx: Context) => ctx.path !== '/public',
      allowMethods: 'GET,POST',
      allowHeaders: ['Content-Type'],
      exposeHeaders: 'X-Total-Count',
      maxAge: '600',
      keepHeadersOnError: true,
      secureContext: false,
      privateNetworkAccess: false,
    });
    const tenants = new Set(['https://t.example.com']);
    // without a @koa/cors option name, a one-parameter function is Corsica's (origin) => boolean
    cors({ origin: (origin) => tenants.has(origin) });
  });
});
