import { describe, expect, it } from 'vitest';
import { Elysia } from 'elysia';
import { APP, describeAdapter, send } from '@corsica/test-utils';
import { cors } from '../src/index.js';
import { serveOnNode, startOnNode, startPerRouteOnNode } from './serve.js';

// in this process on Node (app.handle behind node:http), where the suite's policies, with their
// functions and hooks, can reach the app; bun.test.ts runs the kit on the real bun binary
describeAdapter('@corsica/elysia on Node (app.handle)', { start: (...policies) => startOnNode(policies), startPerRoute: startPerRouteOnNode, create: (options) => cors(options) });

describe('@corsica/elysia: the prefix of a scoped plugin', () => {
  it.each([{ prefix: 'public' }, { prefix: '' }])('refuses prefix $prefix, which is not a path, when the plugin is created', ({ prefix }) => {
    expect(() => cors({ origin: '*' }, { prefix })).toThrow(/^corsica: cors\(options, \{ prefix \}\) needs a path starting with "\/"/);
  });

  it('leaves paths outside its prefix alone, including one that only starts with the same letters', async () => {
    const app = await serveOnNode(new Elysia().use(cors({ origin: '*' }, { prefix: '/public' })).get('/public/feed', () => 'feed').get('/publicity', () => 'ads') as unknown as Elysia);
    try {
      const inside = await send(app.baseUrl, { path: '/public/feed', headers: [['Origin', APP]] });
      expect(inside.cors).toEqual({ 'access-control-allow-origin': '*' });
      const outside = await send(app.baseUrl, { path: '/publicity', headers: [['Origin', APP]] });
      expect(outside.status).toBe(200);
      expect(outside.cors).toEqual({});
    } finally {
      await app.close();
    }
  });
});
