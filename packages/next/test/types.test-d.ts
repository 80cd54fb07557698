import { createPolicy } from '@corsica/core';
import type { NextRequest } from 'next/server.js';
import { describe, expectTypeOf, it } from 'vitest';
import { corsProxy, withCors } from '../src/index.js';

describe('corsProxy()', () => {
  it('is a proxy.ts function from options or a policy', () => {
    expectTypeOf(corsProxy({ origin: ['https://app.example.com'], credentials: true })).toEqualTypeOf<(request: Request) => Promise<Response>>();
    const proxy: (request: NextRequest) => Promise<Response> = corsProxy(createPolicy({ origin: '*' }));
    expectTypeOf(proxy).toBeFunction();
  });

  it('refuses "*" with credentials at compile time', () => {
    // @ts-expect-error origin "*" cannot be combined with credentials: true
    corsProxy({ origin: '*', credentials: true });
  });
});

describe('withCors()', () => {
  it('keeps a route handler’s signature, Next.js’s context included', () => {
    const GET = withCors((_request: NextRequest, context: { params: Promise<{ id: string }> }) => Response.json({ id: context.params }), { origin: '*' });
    expectTypeOf(GET).parameters.toEqualTypeOf<[NextRequest, { params: Promise<{ id: string }> }]>();
  });
});
