/**
 * The nginx export on a real nginx: every request answered as the core decides, preflights kept
 * from the app, headers kept on error pages, the app's own CORS headers hidden.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { factsFromLines, send, STANDARD_POLICIES } from '@corsica/conformance';
import type { CorsOptions } from '@corsica/core';
import type { HeaderLine } from '@corsica/conformance';
import { createPolicy } from '@corsica/core';
import { exportNginx } from '../src/index.js';
import { NGINX, startNginx } from './helpers/nginx.js';
import type { RunningNginx } from './helpers/nginx.js';
import { conformanceRoutes, listen } from './helpers/upstream.js';
import type { Listening } from './helpers/upstream.js';
import { corsHeaders, POLICIES, runDifferential, varyNames } from './helpers/differential.js';

if (NGINX === undefined) {
  console.warn('corsica: nginx tests skipped: no nginx binary on PATH (install it with `apt-get install -y nginx`).');
}

describe.skipIf(NGINX === undefined)('nginx running the exported policy', () => {
  let upstream: Listening;
  /** Requests that reached the app, as "METHOD path". */
  const reached: string[] = [];

  beforeAll(async () => {
    upstream = await listen((req: IncomingMessage, res: ServerResponse) => {
      reached.push(`${req.method} ${req.url}`);
      if (req.url === '/app-cors') {
        // an app that does its own (wrong) CORS: nginx must hide it
        res.setHeader('Access-Control-Allow-Origin', '*');
        res.setHeader('Access-Control-Allow-Credentials', 'true');
        res.end('app-cors');
        return;
      }
      conformanceRoutes(req, res);
    });
  });
  afterAll(async () => {
    await upstream.close();
  });

  // in-label patterns (`https://pr-*.preview.example.com`) are exported to nginx only, so far
  const NGINX_POLICIES: Record<string, CorsOptions> = { ...POLICIES, 'in-label': { origin: ['https://pr-*.preview.example.com', 'https://app-*-staging.example.com:*'], credentials: true, methods: ['PUT'] } };
  describe.each(Object.entries(NGINX_POLICIES))('with the %s policy', (_name, options) => {
    let nginx: RunningNginx;
    beforeAll(async () => {
      nginx = await startNginx(exportNginx(options), upstream.port);
    });
    afterAll(async () => {
      await nginx.close();
    });

    it('answers every request as the core decides', async () => {
      const { mismatches, total } = await runDifferential(nginx.baseUrl, options);
      expect(mismatches).toEqual([]);
      expect(total).toBeGreaterThan(400);
    });

    it('keeps the CORS headers on error pages from the app', async () => {
      const policy = createPolicy({ ...options, onWarning: false } as never);
      for (const path of ['/error', '/does-not-exist']) {
        const lines: HeaderLine[] = [['Origin', 'https://app.example.com']];
        const res = await send(nginx.baseUrl, { method: 'GET', path, headers: lines }, 5000);
        expect(res.status).toBe(path === '/error' ? 500 : 404);
        const want = policy.decide(factsFromLines('GET', lines)).headers['Access-Control-Allow-Origin'];
        expect(res.headers['access-control-allow-origin']).toBe(want);
      }
    });
  });

  describe('with the credentialed policy', () => {
    let nginx: RunningNginx;
    beforeAll(async () => {
      nginx = await startNginx(exportNginx(STANDARD_POLICIES.credentialed!), upstream.port);
    });
    afterAll(async () => {
      await nginx.close();
    });

    it.each([
      { desc: 'allowed', lines: [['Origin', 'https://app.example.com'], ['Access-Control-Request-Method', 'DELETE']] as HeaderLine[], status: 204 },
      { desc: 'denied', lines: [['Origin', 'https://evil.example'], ['Access-Control-Request-Method', 'DELETE']] as HeaderLine[], status: 403 },
    ])('answers an $desc preflight itself: the app never sees it', async ({ lines, status }) => {
      reached.length = 0;
      const res = await send(nginx.baseUrl, { method: 'OPTIONS', path: '/app-options', headers: lines }, 5000);
      expect(res.status).toBe(status);
      expect(reached).toEqual([]);
    });

    it("passes an OPTIONS without Access-Control-Request-Method to the app's own route", async () => {
      reached.length = 0;
      const res = await send(nginx.baseUrl, { method: 'OPTIONS', path: '/app-options', headers: [['Origin', 'https://app.example.com']] }, 5000);
      expect(res.status).toBe(200);
      expect(res.body).toBe('app-options');
      expect(reached).toEqual(['OPTIONS /app-options']);
    });

    it("hides the app's own CORS headers, so browsers never see two values", async () => {
      const res = await send(nginx.baseUrl, { method: 'GET', path: '/app-cors', headers: [['Origin', 'https://evil.example']] }, 5000);
      expect(res.body).toBe('app-cors');
      expect(corsHeaders(res)).toEqual({});
    });

    it("appends Vary: Origin to the app's own Vary", async () => {
      const res = await send(nginx.baseUrl, { method: 'GET', path: '/vary', headers: [['Origin', 'https://app.example.com']] }, 5000);
      expect([...varyNames(res)].sort()).toEqual(['accept-encoding', 'origin']);
    });
  });
});
