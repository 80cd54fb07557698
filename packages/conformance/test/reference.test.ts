import type { CorsOptions } from '@corsica/core';
import { GUARDED_POLICIES } from '../src/index.js';
import { describeConformance } from '../src/vitest.js';
import { referenceLayer, startServer } from './servers.js';

// The core behind a plain node:http server passes every scenario of every standard policy...
describeConformance('the reference server (node:http + @corsica/core)', (policy) => startServer(referenceLayer(policy)));

// ...and of the shapes the standard policies leave out.
const more: Record<string, CorsOptions> = {
  'regexp-and-predicate': {
    origin: ['https://app.example.com', /^https:\/\/[a-z]+\.partner\.example$/, (origin: string) => origin === 'https://tool.example.org'],
    credentials: true,
    methods: ['GET', 'POST', 'PATCH'],
    allowedHeaders: ['Content-Type'],
  },
  'private-network': {
    origin: ['http://localhost:*', 'https://app.example.com'],
    privateNetwork: true,
    methods: ['GET', 'PUT'],
    onWarning: false,
  },
  'debug-and-max-age-0': {
    origin: ['https://app.example.com', 'https://admin.example.com'],
    debug: true,
    maxAge: 0,
    allowedHeaders: ['*', 'Authorization'],
    exposedHeaders: '*',
  },
  'report-only': {
    origin: ['https://app.example.com'],
    reportOnly: { fallback: { origin: '*', methods: '*', allowedHeaders: '*', onWarning: false } },
    onDecision: () => undefined,
  },
};
describeConformance('the reference server with more policy shapes', (policy) => startServer(referenceLayer(policy)), { policies: more });
describeConformance('the reference server with the origin guard', (policy) => startServer(referenceLayer(policy)), { policies: GUARDED_POLICIES });
