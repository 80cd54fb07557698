import { createServer } from 'node:http';
import { createPolicy } from '@corsica/core';
import type { CorsOptions, ErrorContext } from '@corsica/core';
import { APP, describeAdapter, listen, mainOptions, send } from '@corsica/test-utils';
import { describe, expect, it } from 'vitest';
import { cors } from '../src/index.js';
import { EXPRESS, VARY_REPLACEMENTS, servePerRoute, startApp, startPerRoute } from './app.js';

for (const version of EXPRESS) {
  describeAdapter(`@corsica/express on ${version.name}`, {
    start: (...policies) => startApp(version, policies.map((policy) => cors(policy))),
    startPerRoute: (publicPolicy, mainPolicy) => startPerRoute(version, publicPolicy, mainPolicy),
    create: (options) => cors(options as CorsOptions),
    varyReplacements: VARY_REPLACEMENTS,
  });
}

describe.each(EXPRESS)('$name', (version) => {
  it('leaves a request head over 16 KB to Node, which refuses it with 431 before any middleware runs', async () => {
    const plain = await listen(createServer(version.create().use(cors(createPolicy(mainOptions)))));
    try {
      const headers = [['Origin', APP], ['Access-Control-Request-Method', 'PUT'], ['Access-Control-Request-Headers', 'x'.repeat(200 * 1024)]] as const;
      expect((await send(plain.baseUrl, { method: 'OPTIONS', headers })).status).toBe(431);
    } finally {
      await plain.close();
    }
  });

  it('reports, once, a path-specific policy mounted after the global one, whose answer then stands', async () => {
    const reports: ErrorContext[] = [];
    const onError = (_error: unknown, context: ErrorContext): void => {
      reports.push(context);
    };
    const server = await servePerRoute(version, (app) => {
      app.use(cors({ ...mainOptions, onError }));
      app.use('/public', cors({ origin: '*', onError }));
    });
    try {
      for (let i = 0; i < 2; i += 1) {
        const feed = await send(server.baseUrl, { path: '/public/feed', headers: [['Origin', 'https://anyone.example.net']] });
        expect(feed.status).toBe(200);
        expect(feed.all('access-control-allow-origin')).toEqual([]);
      }
    } finally {
      await server.close();
    }
    expect(reports).toEqual([{ phase: 'adapter' }]);
  });
});
