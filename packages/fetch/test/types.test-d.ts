import { describe, expectTypeOf, it } from 'vitest';
import { createPolicy } from '@corsica/core';
import type { Decision } from '@corsica/core';
import { getCorsDecision, withCors } from '../src/index.js';

interface Env {
  readonly TENANT: string;
}
interface ExecutionContext {
  waitUntil(promise: Promise<unknown>): void;
}
class NextRequest extends Request {
  readonly nextUrl = new URL(this.url);
}

describe('withCors types', () => {
  it('keeps a Workers handler’s parameters, and answers a Promise of Response', () => {
    const fetchHandler = withCors((request: Request, env: Env, ctx: ExecutionContext) => new Response(`${request.url} ${env.TENANT} ${typeof ctx}`), {
      origin: 'https://app.example.com',
    });
    expectTypeOf(fetchHandler).parameters.toEqualTypeOf<[request: Request, env: Env, ctx: ExecutionContext]>();
    expectTypeOf(fetchHandler).returns.toEqualTypeOf<Promise<Response>>();
  });

  it('keeps a Next.js route handler’s own request type and context', () => {
    const GET = withCors(async (request: NextRequest, context: { params: Promise<{ id: string }> }) => Response.json({ path: request.nextUrl.pathname, context }), {
      origin: ['https://app.example.com'],
    });
    expectTypeOf(GET).parameters.toEqualTypeOf<[request: NextRequest, context: { params: Promise<{ id: string }> }]>();
  });

  it('lets a Bun handler that upgrades return nothing', () => {
    const handler = withCors((request: Request): Response | undefined => (request.headers.has('upgrade') ? undefined : new Response('ok')), { origin: '*' });
    expectTypeOf(handler).returns.toEqualTypeOf<Promise<Response | undefined>>();
  });

  it('accepts a compiled policy and an onError option', () => {
    const policy = createPolicy({ origin: 'https://app.example.com' });
    withCors(() => new Response('ok'), policy, { onError: (error, request) => new Response(`${String(error)} ${request.url}`, { status: 500 }) });
  });

  it('rejects "*" with credentials at compile time', () => {
    // @ts-expect-error origin "*" cannot be combined with credentials: true
    withCors(() => new Response('ok'), { origin: '*', credentials: true });
  });

  it('rejects a handler that does not take a Request', () => {
    // @ts-expect-error the first parameter must be a Request
    withCors((n: number) => new Response(String(n)), { origin: '*' });
  });

  it('types getCorsDecision', () => {
    expectTypeOf(getCorsDecision).returns.toEqualTypeOf<Decision | undefined>();
  });
});
