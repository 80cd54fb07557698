import type { IncomingMessage, ServerResponse } from 'node:http';
import http from 'node:http';
import type { Decision } from '@corsica/core';
import { createPolicy } from '@corsica/core';
import type { Request, RequestHandler } from 'express';
import express from 'express';
import { describe, expectTypeOf, it } from 'vitest';
import type { CorsMiddleware, CorsRequest } from '../src/index.js';
import { cors } from '../src/index.js';

describe('cors()', () => {
  it('accepts options or a compiled policy and returns middleware Express accepts', () => {
    expectTypeOf(cors({ origin: 'https://app.example.com' })).toEqualTypeOf<CorsMiddleware>();
    expectTypeOf(cors(createPolicy({ origin: '*' }))).toEqualTypeOf<CorsMiddleware>();
    expectTypeOf(cors({ origin: '*' })).toExtend<RequestHandler>();
    express().use(cors({ origin: ['https://app.example.com'], credentials: true }));
    express().use('/public', cors(createPolicy({ origin: '*' })));
  });

  it('refuses "*" with credentials at compile time', () => {
    // @ts-expect-error origin "*" cannot be combined with credentials: true
    cors({ origin: '*', credentials: true });
    // @ts-expect-error allowedHeaders "*" is a literal name with credentials
    cors({ origin: 'https://app.example.com', credentials: true, allowedHeaders: '*' });
    // @ts-expect-error origin is required
    cors({ credentials: true });
  });

  it('fits a plain node:http handler', () => {
    const middleware = cors({ origin: 'https://app.example.com' });
    http.createServer((req, res) => middleware(req, res, () => res.end()));
    expectTypeOf<Parameters<CorsMiddleware>[0]>().toEqualTypeOf<CorsRequest>();
    expectTypeOf<Parameters<CorsMiddleware>[1]>().toEqualTypeOf<ServerResponse>();
    expectTypeOf<CorsRequest>().toExtend<IncomingMessage>();
  });
});

describe('req.cors', () => {
  it('is typed as the Decision on Express requests and on the node:http request type', () => {
    expectTypeOf<Request['cors']>().toEqualTypeOf<Decision | undefined>();
    expectTypeOf<CorsRequest['cors']>().toEqualTypeOf<Decision | undefined>();
    express().get('/', (req, res) => {
      expectTypeOf(req.cors).toEqualTypeOf<Decision | undefined>();
      res.json(req.cors?.allowed);
    });
  });
});
