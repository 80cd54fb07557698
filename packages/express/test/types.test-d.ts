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

describe('the cors package’s shapes', () => {
  it('accepts cors’s options and its per-request delegate', () => {
    const allowlist = ['https://app.example.com'];
    expectTypeOf(cors({ origin: (origin, callback) => (!origin || allowlist.includes(origin) ? callback(null, true) : callback(new Error('Not allowed by CORS'))), credentials: true })).toEqualTypeOf<CorsMiddleware>();
    cors({ origin: true });
    cors({ origin: false });
    cors({ origin: ['https://app.example.com', /^https:\/\/[a-z]+\.example\.com$/], methods: 'GET,PUT', preflightContinue: false, optionsSuccessStatus: 204, maxAge: '600' });
    cors((req, callback) => callback(null, { origin: req.headers.origin === 'https://app.example.com' }));
    cors((_req, callback) => callback(null, createPolicy({ origin: '*' })));
  });

  it('still types Corsica’s own predicates, alone or in a list', () => {
    const tenants = new Set(['https://t.example.com']);
    cors({ origin: (origin) => tenants.has(origin) });
    cors({ origin: async (origin) => tenants.has(origin), credentials: true });
    cors({ origin: ['https://app.example.com', (origin) => origin.endsWith('.tenant.example.com')] });
  });

  it('refuses origin: true with credentials at compile time, as it does at start-up', () => {
    // @ts-expect-error origin true with credentials reflects every origin
    cors({ origin: true, credentials: true });
    // @ts-expect-error origin "*" cannot be combined with credentials: true
    cors({ origin: '*', credentials: true, preflightContinue: false });
  });
});
