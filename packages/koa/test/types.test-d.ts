import type { Decision } from '@corsica/core';
import { createPolicy } from '@corsica/core';
import type { Middleware } from 'koa';
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
