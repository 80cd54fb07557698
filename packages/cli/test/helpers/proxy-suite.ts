/**
 * The suite every proxy export runs on its real server: the conformance kit for the standard
 * policies, the differential run against the core for every policy, and the behaviours a user of
 * a proxy notices (preflights kept from the app, the app's OPTIONS kept, the app's own CORS
 * headers hidden, headers on error pages, Vary appended).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeConformance } from '@corsica/conformance/vitest';
import { factsFromLines, send, STANDARD_POLICIES } from '@corsica/conformance';
import type { HeaderLine } from '@corsica/conformance';
import { createPolicy } from '@corsica/core';
import type { CorsOptions } from '@corsica/core';
import { corsHeaders, POLICIES, runDifferential, varyNames } from './differential.js';
import { available, serverVersion, startServer } from './proxies.js';
import type { RunningServer, ServerName, Snippet } from './proxies.js';
import { conformanceRoutes, listen } from './upstream.js';
import type { Listening } from './upstream.js';

/** Options of {@link describeProxyExport}. */
export interface ProxySuiteOptions {
  /** Conformance scenario ids this server cannot pass (with the reason where it is called). */
  readonly skip?: readonly string[];
  /**
   * The server reads only the first line of a request header sent on several lines (nginx before
   * 1.23: `$http_*` holds the first), so a name on a second Access-Control-Request-Headers line is
   * not checked. Browsers send one line; the check that a second line is read is skipped.
   */
  readonly firstLineOnly?: boolean;
  /** Policies compared request by request with the core, besides the common ones. */
  readonly policies?: Readonly<Record<string, CorsOptions>>;
}

/** Registers the whole suite for `name`, or one skipped test saying why (never in CI). */
export function describeProxyExport(name: ServerName, exportPolicy: (options: CorsOptions) => Snippet, options: ProxySuiteOptions = {}): void {
  if (!available(name)) {
    describe(`${name} export`, () => {
      it.skip(`needs ${name} installed`, () => undefined);
    });
    return;
  }
  const version = serverVersion(name);

  let conformanceUpstream: Listening | undefined;
  afterAll(async () => {
    await conformanceUpstream?.close();
  });
  describeConformance(
    `${name} ${version} with corsica export ${name}`,
    async (policy) => {
      conformanceUpstream ??= await listen(conformanceRoutes);
      return startServer(name, exportPolicy(policy), conformanceUpstream.port);
    },
    { skip: options.skip ?? [] },
  );

  describe(`${name} ${version} running the exported policy`, () => {
    let upstream: Listening;
    /** Requests that reached the app, as "METHOD path". */
    const reached: string[] = [];

    beforeAll(async () => {
      upstream = await listen((req: IncomingMessage, res: ServerResponse) => {
        reached.push(`${req.method} ${req.url}`);
        if (req.url === '/app-cors') {
          // an app that does its own (wrong) CORS: the proxy must hide it
          res.setHeader('Access-Control-Allow-Origin', '*');
          res.setHeader('Access-Control-Allow-Credentials', 'true');
          res.setHeader('Access-Control-Allow-Methods', 'PURGE');
          res.end('app-cors');
          return;
        }
        conformanceRoutes(req, res);
      });
    });
    afterAll(async () => {
      await upstream.close();
    });

    describe.each(Object.entries({ ...POLICIES, ...options.policies }))('with the %s policy', (_policyName, policyOptions) => {
      let server: RunningServer;
      beforeAll(async () => {
        server = await startServer(name, exportPolicy(policyOptions), upstream.port);
      });
      afterAll(async () => {
        await server.close();
      });

      it('answers every request as the core decides', async () => {
        const { mismatches, total } = await runDifferential(server.baseUrl, policyOptions);
        expect(mismatches).toEqual([]);
        expect(total).toBeGreaterThan(400);
      });

      it('keeps the CORS headers on error pages from the app', async () => {
        const policy = createPolicy({ ...policyOptions, onWarning: false } as never);
        for (const path of ['/error', '/does-not-exist']) {
          const lines: HeaderLine[] = [['Origin', 'https://app.example.com']];
          const res = await send(server.baseUrl, { method: 'GET', path, headers: lines }, 5000);
          expect(res.status).toBe(path === '/error' ? 500 : 404);
          const want = policy.decide(factsFromLines('GET', lines)).headers['Access-Control-Allow-Origin'];
          expect(res.headers['access-control-allow-origin']).toBe(want);
        }
      });
    });

    it("keeps the CORS headers on the proxy's own error page when the app is down", async () => {
      const down = await listen(conformanceRoutes);
      const port = down.port;
      await down.close();
      const server = await startServer(name, exportPolicy(STANDARD_POLICIES.credentialed!), port);
      try {
        const res = await send(server.baseUrl, { method: 'GET', path: '/ok', headers: [['Origin', 'https://app.example.com']] }, 5000);
        expect(res.status).toBeGreaterThanOrEqual(502);
        expect(corsHeaders(res)).toEqual({
          'access-control-allow-origin': 'https://app.example.com',
          'access-control-allow-credentials': 'true',
          'access-control-expose-headers': 'X-Request-Id',
        });
        expect([...varyNames(res)]).toContain('origin');
        const refused = await send(server.baseUrl, { method: 'GET', path: '/ok', headers: [['Origin', 'https://evil.example']] }, 5000);
        expect(corsHeaders(refused)).toEqual({});
      } finally {
        await server.close();
      }
    });

    it('answers preflights before the authentication arranged as its comments say; the 401 keeps the CORS headers', async () => {
      const server = await startServer(name, exportPolicy(STANDARD_POLICIES.credentialed!), upstream.port, { auth: true });
      try {
        reached.length = 0;
        const preflight = await send(server.baseUrl, { method: 'OPTIONS', path: '/ok', headers: [['Origin', 'https://app.example.com'], ['Access-Control-Request-Method', 'PUT'], ['Access-Control-Request-Headers', 'authorization']] }, 5000);
        expect(preflight.status).toBe(204);
        expect(preflight.headers['access-control-allow-origin']).toBe('https://app.example.com');
        const get = await send(server.baseUrl, { method: 'GET', path: '/ok', headers: [['Origin', 'https://app.example.com']] }, 5000);
        expect(get.status).toBe(401);
        expect(get.headers['access-control-allow-origin']).toBe('https://app.example.com');
        const options = await send(server.baseUrl, { method: 'OPTIONS', path: '/app-options', headers: [['Origin', 'https://app.example.com']] }, 5000);
        expect(options.status).toBe(401);
        expect(reached).toEqual([]);
      } finally {
        await server.close();
      }
    });

    describe('with the credentialed policy', () => {
      let server: RunningServer;
      beforeAll(async () => {
        server = await startServer(name, exportPolicy(STANDARD_POLICIES.credentialed!), upstream.port);
      });
      afterAll(async () => {
        await server.close();
      });

      it.each([
        { desc: 'allowed', lines: [['Origin', 'https://app.example.com'], ['Access-Control-Request-Method', 'DELETE']] as HeaderLine[], status: 204 },
        { desc: 'denied', lines: [['Origin', 'https://evil.example'], ['Access-Control-Request-Method', 'DELETE']] as HeaderLine[], status: 403 },
      ])('answers an $desc preflight itself: the app never sees it', async ({ lines, status }) => {
        reached.length = 0;
        const res = await send(server.baseUrl, { method: 'OPTIONS', path: '/app-options', headers: lines }, 5000);
        expect(res.status).toBe(status);
        expect(reached).toEqual([]);
      });

      it.each([
        { lines: ['content-type', 'x-not-allowed'], status: 403, second: true },
        { lines: ['x-not-allowed', 'content-type'], status: 403, second: false },
        { lines: ['content-type', 'authorization'], status: 204, second: true },
      ])('checks every Access-Control-Request-Headers line of a preflight ($lines: $status)', async ({ lines, status, second }) => {
        if (second && options.firstLineOnly) return;
        const headers: HeaderLine[] = [['Origin', 'https://app.example.com'], ['Access-Control-Request-Method', 'PUT'], ...lines.map((l): HeaderLine => ['Access-Control-Request-Headers', l])];
        const res = await send(server.baseUrl, { method: 'OPTIONS', path: '/ok', headers }, 5000);
        expect(res.status).toBe(status);
      });

      it("passes an OPTIONS without Access-Control-Request-Method to the app's own route", async () => {
        reached.length = 0;
        const res = await send(server.baseUrl, { method: 'OPTIONS', path: '/app-options', headers: [['Origin', 'https://app.example.com']] }, 5000);
        expect(res.status).toBe(200);
        expect(res.body).toBe('app-options');
        expect(reached).toEqual(['OPTIONS /app-options']);
      });

      it("hides the app's own CORS headers, so browsers never see two values", async () => {
        const refused = await send(server.baseUrl, { method: 'GET', path: '/app-cors', headers: [['Origin', 'https://evil.example']] }, 5000);
        expect(refused.body).toBe('app-cors');
        expect(corsHeaders(refused)).toEqual({});
        const allowed = await send(server.baseUrl, { method: 'GET', path: '/app-cors', headers: [['Origin', 'https://app.example.com']] }, 5000);
        expect(corsHeaders(allowed)).toEqual({
          'access-control-allow-origin': 'https://app.example.com',
          'access-control-allow-credentials': 'true',
          'access-control-expose-headers': 'X-Request-Id',
        });
      });

      it("appends Vary: Origin to the app's own Vary", async () => {
        const res = await send(server.baseUrl, { method: 'GET', path: '/vary', headers: [['Origin', 'https://app.example.com']] }, 5000);
        expect([...varyNames(res)].sort()).toEqual(['accept-encoding', 'origin']);
      });
    });
  });
}
