import { describe, expectTypeOf, it } from 'vitest';
import { createPolicy } from '@corsica/core';
import type { Decision, DecisionReason, Policy } from '@corsica/core';

describe('types', () => {
  it('makes * with credentials a compile-time error', () => {
    // @ts-expect-error origin "*" cannot be combined with credentials: true
    createPolicy({ origin: '*', credentials: true });
    // @ts-expect-error a list holding "*" cannot be combined with credentials: true
    createPolicy({ origin: ['*'], credentials: true });
    // @ts-expect-error methods "*" is a literal name with credentials
    createPolicy({ origin: 'https://a.example', credentials: true, methods: '*' });
    // @ts-expect-error allowedHeaders "*" is a literal name with credentials
    createPolicy({ origin: 'https://a.example', credentials: true, allowedHeaders: ['*'] });
    // @ts-expect-error exposedHeaders "*" is a literal name with credentials
    createPolicy({ origin: 'https://a.example', credentials: true, exposedHeaders: '*' });
  });

  it('accepts the safe combinations', () => {
    expectTypeOf(createPolicy({ origin: '*' })).toEqualTypeOf<Policy>();
    expectTypeOf(createPolicy({ origin: '*', credentials: false, allowedHeaders: '*' })).toEqualTypeOf<Policy>();
    expectTypeOf(createPolicy({ origin: ['https://a.example'], credentials: true, methods: ['PUT'] })).toEqualTypeOf<Policy>();
    const origins: string[] = ['https://a.example'];
    expectTypeOf(createPolicy({ origin: origins, credentials: true })).toEqualTypeOf<Policy>();
  });

  it('rejects an unknown option name and a missing origin', () => {
    // @ts-expect-error origin is required
    createPolicy({ credentials: true });
    // @ts-expect-error allowHeaders is hono's name; Corsica's is allowedHeaders
    createPolicy({ origin: '*', allowHeaders: ['X'] });
    // @ts-expect-error preflightStatus is 200 or 204
    createPolicy({ origin: '*', preflightStatus: 302 });
  });

  it('types decisions as data', () => {
    const d = createPolicy({ origin: '*' }).decide({ method: 'GET', origin: 'https://a.example' });
    expectTypeOf(d).toEqualTypeOf<Decision>();
    expectTypeOf(d.reason).toEqualTypeOf<DecisionReason>();
    expectTypeOf(d.kind).toEqualTypeOf<'not-cors' | 'actual' | 'preflight'>();
  });
});
