import type { Decision } from '@corsica/core';
import { createPolicy } from '@corsica/core';
import { Elysia } from 'elysia';
import { describe, expectTypeOf, it } from 'vitest';
import { cors } from '../src/index.js';

describe('cors()', () => {
  it('accepts Corsica options, @elysiajs/cors options or a compiled policy', () => {
    new Elysia().use(cors({ origin: ['https://app.example.com'], credentials: true }));
    new Elysia().use(cors(createPolicy({ origin: '*' })));
    new Elysia().use(cors({ origin: ['https://app.example.com'], methods: 'GET, POST', exposeHeaders: 'X-Request-Id', preflight: true }));
    new Elysia().use(cors({ origin: (request: Request) => request.headers.get('x-tenant') === 'a', aot: false }));
    new Elysia().use(cors({ origin: '*' }, { prefix: '/public' }));
  });

  it('refuses "*" with credentials at compile time', () => {
    // @ts-expect-error origin "*" cannot be combined with credentials: true
    cors({ origin: '*', credentials: true });
    // @ts-expect-error origin is required
    cors({ methods: ['GET'] });
  });
});

describe('the handlers’ context', () => {
  it('has cors, the request’s decision', () => {
    new Elysia().use(cors({ origin: 'https://app.example.com' })).get('/', ({ cors: decision }) => {
      expectTypeOf(decision).toEqualTypeOf<Decision | undefined>();
      return 'ok';
    });
  });
});
