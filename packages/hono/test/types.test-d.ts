import { describe, expectTypeOf, it } from 'vitest';
import { Hono } from 'hono';
import type { MiddlewareHandler } from 'hono';
import { createPolicy } from '@corsica/core';
import type { Decision } from '@corsica/core';
import { cors } from '../src/index.js';
import type { CorsVariables } from '../src/index.js';

describe('cors types', () => {
  it('returns Hono middleware that declares the cors variable', () => {
    expectTypeOf(cors({ origin: 'https://app.example.com' })).toEqualTypeOf<MiddlewareHandler<{ Variables: CorsVariables }>>();
    expectTypeOf<CorsVariables['cors']>().toEqualTypeOf<Decision>();
  });

  it('types c.get("cors") as a Decision, with or without declared Variables', () => {
    const declared = new Hono<{ Variables: CorsVariables }>();
    declared.use(cors({ origin: 'https://app.example.com' }));
    declared.get('/', (c) => {
      expectTypeOf(c.get('cors')).toEqualTypeOf<Decision>();
      return c.text(c.get('cors').reason);
    });
    const plain = new Hono();
    plain.use(cors(createPolicy({ origin: '*' })));
    plain.get('/', (c) => {
      expectTypeOf(c.get('cors')).toEqualTypeOf<Decision>();
      return c.text('ok');
    });
  });

  it('rejects "*" with credentials at compile time', () => {
    // @ts-expect-error origin "*" cannot be combined with credentials: true
    cors({ origin: '*', credentials: true });
  });

  it('rejects a misspelt option at compile time', () => {
    // @ts-expect-error allowOrigins is not an option (origin is)
    cors({ allowOrigins: ['https://app.example.com'] });
  });
});

describe('hono/cors’s shapes', () => {
  it('accepts its option names and (origin, c) functions, typing c as the context', () => {
    cors({
      origin: (origin, c) => {
        expectTypeOf(c.req.header('x-tenant')).toEqualTypeOf<string | undefined>();
        return origin.endsWith('.example.com') ? origin : null;
      },
      allowMethods: (origin) => (origin === 'https://admin.example.com' ? ['GET', 'PUT'] : ['GET']),
      allowHeaders: ['Content-Type'],
      exposeHeaders: ['X-Total-Count'],
      maxAge: 600,
      credentials: true,
    });
    const tenants = new Set(['https://t.example.com']);
    cors({ origin: (origin) => tenants.has(origin) });
  });
});
