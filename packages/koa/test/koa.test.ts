import { createPolicy } from '@corsica/core';
import type { CorsOptions } from '@corsica/core';
import { ALLOWED_ACTUAL_HEADERS, ALLOWED_PREFLIGHT_HEADERS, APP, describeAdapter, expectVary, mainOptions, preflight, send } from '@corsica/test-utils';
import type { TestApp } from '@corsica/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cors } from '../src/index.js';
import { KOA, VARY_REPLACEMENTS, startApp, startPerRoute } from './app.js';

for (const version of KOA) {
  describeAdapter(`@corsica/koa on ${version.name}`, {
    start: (...policies) => startApp(version, policies.map((policy) => cors(policy))),
    startPerRoute: (publicPolicy, mainPolicy) => startPerRoute(version, publicPolicy, mainPolicy),
    create: (options) => cors(options as CorsOptions),
    varyReplacements: VARY_REPLACEMENTS,
  });
}

describe.each(KOA)('$name', (version) => {
  const main = createPolicy(mainOptions);

  describe('with the main policy', () => {
    let app: TestApp;
    beforeAll(async () => {
      app = await startApp(version, main);
    });
    afterAll(() => app.close());

    it('keeps the headers a thrown HTTP error carries, and adds the CORS ones and Vary: Origin to them', async () => {
      const res = await send(app.baseUrl, { path: '/http-error', headers: [['Origin', APP]] });
      expect(res.status).toBe(401);
      expect(res.body).toBe('sign in first');
      expect(res.header('www-authenticate')).toBe('Bearer');
      expect(res.cors).toEqual(ALLOWED_ACTUAL_HEADERS);
      expect(res.vary).toEqual(['Authorization', 'Origin']);
    });
  });

  it("keeps the CORS headers when the app's own error middleware, mounted before cors, answers the error", async () => {
    const app = await startApp(version, [
      async (ctx, next) => {
        try {
          await next();
        } catch {
          ctx.status = 503;
          ctx.body = 'try again later';
        }
      },
      cors(main),
    ]);
    try {
      const res = await send(app.baseUrl, { path: '/error', headers: [['Origin', APP]] });
      expect(res.status).toBe(503);
      expect(res.body).toBe('try again later');
      expect(res.cors).toEqual(ALLOWED_ACTUAL_HEADERS);
    } finally {
      await app.close();
    }
  });

  it('keeps the Vary of a preflight when a middleware mounted before cors replaces Vary on the way out', async () => {
    const app = await startApp(version, [
      async (ctx, next) => {
        await next();
        ctx.set('Vary', 'Accept-Encoding');
      },
      cors(main),
    ]);
    try {
      const res = await send(app.baseUrl, { method: 'OPTIONS', path: '/ok', headers: preflight(APP, 'PUT') });
      expect(res.status).toBe(204);
      expect(res.cors).toEqual(ALLOWED_PREFLIGHT_HEADERS);
      expectVary(res, ['Accept-Encoding', 'Origin', 'Access-Control-Request-Method', 'Access-Control-Request-Headers']);
    } finally {
      await app.close();
    }
  });
});
