import type { Decision } from '@corsica/core';
import { createPolicy } from '@corsica/core';
import { H3 } from 'h3';
import type { Middleware } from 'h3';
import { describe, expectTypeOf, it } from 'vitest';
import { cors } from '../src/index.js';

describe('cors()', () => {
  it('accepts options or a compiled policy and returns h3 middleware', () => {
    expectTypeOf(cors({ origin: 'https://app.example.com' })).toEqualTypeOf<Middleware>();
    expectTypeOf(cors(createPolicy({ origin: '*' }))).toEqualTypeOf<Middleware>();
    new H3().use(cors({ origin: ['https://app.example.com'], credentials: true }));
    new H3().use('/public/**', cors({ origin: '*' }));
  });

  it('refuses "*" with credentials at compile time', () => {
    // @ts-expect-error origin "*" cannot be combined with credentials: true
    cors({ origin: '*', credentials: true });
    // @ts-expect-error origin is required
    cors({ methods: ['GET'] });
  });
});

describe('event.context.cors', () => {
  it('is typed as the Decision', () => {
    new H3().get('/', (event) => {
      expectTypeOf(event.context.cors).toEqualTypeOf<Decision | undefined>();
      return 'ok';
    });
  });
});
