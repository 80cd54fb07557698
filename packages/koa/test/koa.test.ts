import http from 'node:http';
import { CorsConfigError, createPolicy } from '@corsica/core';
import type { MockInstance } from 'vitest';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { cors } from '../src/index.js';
import type { StartedApp } from './app.js';
import { KOA, startApp } from './app.js';
import { APP, EVIL, MAIN_OPTIONS, PREVIEW, TENANT, listen, manyNames, send, sendRaw } from './support.js';

const main = createPolicy(MAIN_OPTIONS);

const ALLOWED_ACTUAL = {
  'access-control-allow-origin': APP,
  'access-control-allow-credentials': 'true',
  'access-control-expose-headers': 'X-Total',
};

describe.each(KOA)('$name', (version) => {
  describe('with the main policy', () => {
    let app: StartedApp;
    beforeAll(async () => {
      app = await startApp(version, MAIN_OPTIONS);
    });
    afterAll(() => app.close());
    afterEach(() => {
      app.calls.auth = 0;
      app.calls.handler = 0;
    });

    it('answers an allowed preflight itself with 204 and exactly the decided headers, before auth and the route run', async () => {
      const headers = [['Origin', APP], ['Access-Control-Request-Method', 'PUT'], ['Access-Control-Request-Headers', 'authorization,content-type']] as const;
      const res = await send(app.baseUrl, { method: 'OPTIONS', path: '/private', headers });
      expect(res.status).toBe(204);
      expect(res.body).toBe('');
      expect(res.cors).toEqual({
        'access-control-allow-origin': APP,
        'access-control-allow-credentials': 'true',
        'access-control-allow-methods': 'GET, POST, PUT, PATCH, DELETE',
        'access-control-allow-headers': 'Content-Type, Authorization',
        'access-control-max-age': '600',
      });
      expect(res.vary).toEqual(['Origin', 'Access-Control-Request-Method', 'Access-Control-Request-Headers']);
      expect(app.calls).toEqual({ auth: 0, handler: 0 });
    });

    it('answers an allowed preflight with 200 and an empty body when preflightStatus is 200', async () => {
      const app200 = await startApp(version, { ...MAIN_OPTIONS, preflightStatus: 200 });
      try {
        const res = await send(app200.baseUrl, { method: 'OPTIONS', headers: [['Origin', APP], ['Access-Control-Request-Method', 'PUT']] });
        expect(res.status).toBe(200);
        expect(res.body).toBe('');
        expect(res.one('access-control-allow-origin')).toBe(APP);
        expect(app200.calls.handler).toBe(0);
      } finally {
        await app200.close();
      }
    });

    it.each([
      { desc: 'an unlisted origin', origin: EVIL, method: 'PUT', requested: undefined },
      { desc: 'an unlisted method', origin: APP, method: 'PURGE', requested: undefined },
      { desc: 'lower-case patch (methods compare byte for byte)', origin: APP, method: 'patch', requested: undefined },
      { desc: 'an unlisted request header', origin: APP, method: 'PUT', requested: 'x-secret' },
    ])('denies a preflight with $desc: 403, no Access-Control-* headers, app untouched', async ({ origin, method, requested }) => {
      const headers: [string, string][] = [['Origin', origin], ['Access-Control-Request-Method', method]];
      if (requested !== undefined) headers.push(['Access-Control-Request-Headers', requested]);
      const res = await send(app.baseUrl, { method: 'OPTIONS', path: '/ok', headers });
      expect(res.status).toBe(403);
      expect(res.cors).toEqual({});
      expect(res.vary).toContain('Origin');
      expect(app.calls).toEqual({ auth: 0, handler: 0 });
    });

    it("lets an OPTIONS request without Access-Control-Request-Method reach the app's own OPTIONS route", async () => {
      const res = await send(app.baseUrl, { method: 'OPTIONS', path: '/app-options', headers: [['Origin', APP]] });
      expect(res.status).toBe(200);
      expect(res.body).toBe('app-options');
      expect(res.one('access-control-allow-origin')).toBe(APP);
      expect(app.calls.handler).toBe(1);
    });

    it.each([APP, PREVIEW])('allows an actual request from %s with ACAO, credentials, exposed headers and Vary: Origin', async (origin) => {
      const res = await send(app.baseUrl, { method: 'POST', headers: [['Origin', origin]] });
      expect(res.status).toBe(200);
      expect(res.body).toBe('ok');
      expect(res.cors).toEqual({ ...ALLOWED_ACTUAL, 'access-control-allow-origin': origin });
      expect(res.vary).toEqual(['Origin']);
    });

    it('still serves a denied actual request (the browser, not the server, blocks it) with no ACAO and Vary: Origin', async () => {
      const res = await send(app.baseUrl, { headers: [['Origin', EVIL]] });
      expect(res.status).toBe(200);
      expect(res.body).toBe('ok');
      expect(res.cors).toEqual({});
      expect(res.vary).toEqual(['Origin']);
      expect(app.calls.handler).toBe(1);
    });

    it('adds Vary: Origin to a request without Origin, so a shared cache keeps origins apart', async () => {
      const res = await send(app.baseUrl);
      expect(res.status).toBe(200);
      expect(res.cors).toEqual({});
      expect(res.vary).toEqual(['Origin']);
    });

    it("appends to the app's own Vary instead of replacing it", async () => {
      const res = await send(app.baseUrl, { path: '/vary', headers: [['Origin', APP]] });
      expect(res.one('vary')).toBeDefined();
      expect(res.vary).toEqual(['Origin', 'Accept-Encoding']);
      expect(res.one('access-control-allow-origin')).toBe(APP);
    });

    it('exposes the decision to the app as ctx.state.cors', async () => {
      const res = await send(app.baseUrl, { path: '/decision', headers: [['Origin', APP]] });
      expect(JSON.parse(res.body)).toEqual(JSON.parse(JSON.stringify(main.decide({ method: 'GET', origin: APP }))));
    });

    it.each([
      { desc: 'a middleware that throws', path: '/error', status: 500 },
      { desc: 'an async middleware that rejects', path: '/async-error', status: 500 },
      { desc: 'a path no middleware answers', path: '/does-not-exist', status: 404 },
    ])("keeps the CORS headers on Koa's answer to $desc, so the browser sees the real status", async ({ path, status }) => {
      const res = await send(app.baseUrl, { path, headers: [['Origin', APP]] });
      expect(res.status).toBe(status);
      expect(res.cors).toEqual(ALLOWED_ACTUAL);
      expect(res.vary).toEqual(['Origin']);
    });

    it('keeps the headers a thrown HTTP error carries, and adds the CORS ones and Vary: Origin to them', async () => {
      const res = await send(app.baseUrl, { path: '/http-error', headers: [['Origin', APP]] });
      expect(res.status).toBe(401);
      expect(res.body).toBe('sign in first');
      expect(res.one('www-authenticate')).toBe('Bearer');
      expect(res.cors).toEqual(ALLOWED_ACTUAL);
      expect(res.vary).toEqual(['Authorization', 'Origin']);
    });

    it('adds no allow header to the error answer for a denied origin, only Vary: Origin', async () => {
      const res = await send(app.baseUrl, { path: '/error', headers: [['Origin', EVIL]] });
      expect(res.status).toBe(500);
      expect(res.cors).toEqual({});
      expect(res.vary).toEqual(['Origin']);
    });

    it.each([
      { desc: 'a 200 KB request-header list', requested: 'x'.repeat(200 * 1024) },
      { desc: 'a 10 000-name request-header list', requested: manyNames(10_000) },
    ])('denies a preflight with $desc without a 5xx, where Node lets such heads through', async ({ requested }) => {
      const headers = [['Origin', APP], ['Access-Control-Request-Method', 'PUT'], ['Access-Control-Request-Headers', requested]] as const;
      const res = await send(app.baseUrl, { method: 'OPTIONS', headers });
      expect(res.status).toBe(403);
      expect(res.cors).toEqual({});
      expect(app.calls.handler).toBe(0);
    });

    it.each([
      { desc: 'an actual request', method: 'GET', extra: [], status: 200 },
      { desc: 'a preflight', method: 'OPTIONS', extra: [['Access-Control-Request-Method', 'PUT']], status: 403 },
    ] as const)('denies $desc whose Origin comes on two lines, even when both name an allowed origin', async ({ method, extra, status }) => {
      const res = await send(app.baseUrl, { method, headers: [['Origin', APP], ['Origin', APP], ...extra] });
      expect(res.status).toBe(status);
      expect(res.cors).toEqual({});
    });

    it.each([
      { desc: 'a bare CR inside Origin', line: `Origin: ${APP}\rSet-Cookie: injected=1` },
      { desc: 'a folded Origin line', line: `Origin: ${APP}\r\n Set-Cookie: injected=1` },
      { desc: 'an encoded CR/LF in Origin', line: `Origin: ${APP}%0d%0aSet-Cookie:%20injected=1` },
      { desc: 'non-ASCII bytes in Origin', line: `Origin: https://app.example.com\xff\xfeinjected` },
      { desc: 'non-ASCII bytes in the request-header list', line: `Origin: ${APP}\r\nAccess-Control-Request-Method: PUT\r\nAccess-Control-Request-Headers: content-type,x-\xffinjected` },
      { desc: 'a tab inside the request-header list', line: `Origin: ${APP}\r\nAccess-Control-Request-Method: PUT\r\nAccess-Control-Request-Headers: content-type\tinjected` },
    ])('answers a request with $desc below 500, and no request byte reaches a response header', async ({ line }) => {
      const res = await sendRaw(app.baseUrl, `OPTIONS /ok HTTP/1.1\r\nHost: x\r\n${line}\r\nConnection: close\r\n\r\n`);
      expect(res.status).toBeGreaterThanOrEqual(200);
      expect(res.status).toBeLessThan(500);
      expect(res.head).not.toMatch(/injected/i);
      expect(res.head).not.toMatch(/^access-control-allow-origin:/im);
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
      expect(res.cors).toEqual(ALLOWED_ACTUAL);
    } finally {
      await app.close();
    }
  });

  describe('with an async origin resolver', () => {
    let app: StartedApp;
    const onError = vi.fn();
    beforeAll(async () => {
      app = await startApp(version, {
        origin: async (origin: string) => {
          await new Promise((resolve) => setTimeout(resolve, 5));
          if (origin === 'https://throws.example.org') throw new Error('tenant database is down');
          if (origin === 'https://hangs.example.org') return new Promise<boolean>(() => {});
          return origin === TENANT;
        },
        resolverTimeout: 100,
        originCache: false,
        onError,
      });
    });
    afterAll(() => app.close());

    it.each([
      { desc: 'allows an origin the resolver accepts', origin: TENANT, allowed: true },
      { desc: 'denies an origin the resolver refuses', origin: 'https://other.example.org', allowed: false },
      { desc: 'denies, and reports, an origin whose lookup throws', origin: 'https://throws.example.org', allowed: false },
      { desc: 'denies an origin whose lookup never answers once resolverTimeout passes', origin: 'https://hangs.example.org', allowed: false },
    ])('$desc, for preflights and actual requests alike', async ({ origin, allowed }) => {
      const preflight = await send(app.baseUrl, { method: 'OPTIONS', headers: [['Origin', origin], ['Access-Control-Request-Method', 'POST']] });
      expect(preflight.status).toBe(allowed ? 204 : 403);
      expect(preflight.one('access-control-allow-origin')).toBe(allowed ? origin : undefined);
      const actual = await send(app.baseUrl, { headers: [['Origin', origin]] });
      expect(actual.status).toBe(200);
      expect(actual.body).toBe('ok');
      expect(actual.one('access-control-allow-origin')).toBe(allowed ? origin : undefined);
      expect(actual.vary).toEqual(['Origin']);
    });

    it('keeps the resolved headers on an error answer', async () => {
      const res = await send(app.baseUrl, { path: '/error', headers: [['Origin', TENANT]] });
      expect(res.status).toBe(500);
      expect(res.one('access-control-allow-origin')).toBe(TENANT);
    });

    it("reports a resolver failure through the options' onError", () => {
      expect(onError).toHaveBeenCalledWith(expect.objectContaining({ message: 'tenant database is down' }), expect.objectContaining({ phase: 'origin-resolver' }));
    });
  });

  it('falls back to the synchronous decision, reported, if decideAsync ever rejects, so the request is still answered', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const rejecting = async (): Promise<never> => {
      throw new Error('decideAsync broke');
    };
    // the real policy with only decideAsync failing: the guard is what is under test
    const app = await startApp(version, Object.freeze({ ...main, isAsync: true, decideAsync: rejecting }));
    try {
      const allowed = await send(app.baseUrl, { method: 'OPTIONS', headers: [['Origin', APP], ['Access-Control-Request-Method', 'PUT']] });
      expect(allowed.status).toBe(204);
      expect(allowed.one('access-control-allow-origin')).toBe(APP);
      const denied = await send(app.baseUrl, { headers: [['Origin', EVIL]] });
      expect(denied.status).toBe(200);
      expect(denied.cors).toEqual({});
      expect(error).toHaveBeenCalledWith(expect.stringMatching(/^corsica: /), expect.objectContaining({ message: 'decideAsync broke' }));
    } finally {
      await app.close();
      error.mockRestore();
    }
  });

  describe('stacked', () => {
    let warn: MockInstance<typeof console.warn>;
    beforeEach(() => {
      warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    });
    afterEach(() => warn.mockRestore());

    it('writes each CORS header once when two cors() middlewares handle one request, and reports it once', async () => {
      const onError = vi.fn();
      const app = await startApp(version, [cors({ ...MAIN_OPTIONS, onError }), cors({ ...MAIN_OPTIONS, onError })]);
      try {
        for (let i = 0; i < 3; i += 1) {
          const res = await send(app.baseUrl, { headers: [['Origin', APP]] });
          expect(res.all('access-control-allow-origin')).toEqual([APP]);
          expect(res.all('access-control-allow-credentials')).toEqual(['true']);
          expect(res.vary).toEqual(['Origin']);
        }
        const preflight = await send(app.baseUrl, { method: 'OPTIONS', headers: [['Origin', APP], ['Access-Control-Request-Method', 'PUT']] });
        expect(preflight.status).toBe(204);
        expect(preflight.all('access-control-allow-origin')).toEqual([APP]);
        const failed = await send(app.baseUrl, { path: '/error', headers: [['Origin', APP]] });
        expect(failed.status).toBe(500);
        expect(failed.all('access-control-allow-origin')).toEqual([APP]);
      } finally {
        await app.close();
      }
      expect(onError).toHaveBeenCalledTimes(1);
      expect(onError.mock.calls[0]?.[0]).toBeInstanceOf(Error);
      expect(String(onError.mock.calls[0]?.[0].message)).toMatch(/^corsica: .*Mount each cors\(\) once/);
    });

    it('warns on the console once when the second middleware was given a compiled policy', async () => {
      const app = await startApp(version, [cors(main), cors(main)]);
      try {
        await send(app.baseUrl, { headers: [['Origin', APP]] });
        await send(app.baseUrl, { headers: [['Origin', APP]] });
      } finally {
        await app.close();
      }
      expect(warn).toHaveBeenCalledTimes(1);
      expect(String(warn.mock.calls[0]?.[0])).toMatch(/^corsica: /);
    });

    it('serves a path-specific policy without stacking when one middleware picks the policy per path (the per-route recipe)', async () => {
      const publicCors = cors({ origin: '*' });
      const mainCors = cors(main);
      const app = version.create();
      app.use((ctx, next) => (ctx.path.startsWith('/public/') ? publicCors : mainCors)(ctx, next));
      app.use((ctx) => {
        ctx.body = 'ok';
      });
      const server = await listen(http.createServer(app.callback()));
      try {
        const feed = await send(server.baseUrl, { path: '/public/feed', headers: [['Origin', 'https://anyone.example.net']] });
        expect(feed.all('access-control-allow-origin')).toEqual(['*']);
        expect(feed.all('access-control-allow-credentials')).toEqual([]);
        const ok = await send(server.baseUrl, { path: '/ok', headers: [['Origin', APP]] });
        expect(ok.all('access-control-allow-origin')).toEqual([APP]);
      } finally {
        await server.close();
      }
      expect(warn).not.toHaveBeenCalled();
    });
  });
});

describe('configuration', () => {
  it.each([
    { desc: 'a missing origin', options: {} },
    { desc: 'a trailing slash', options: { origin: 'https://app.example.com/' } },
    { desc: 'null as an origin', options: { origin: 'null' } },
    { desc: 'a wildcard over a public suffix', options: { origin: 'https://*.com' } },
    { desc: 'maxAge above a day', options: { origin: APP, maxAge: 90_000 } },
  ])('throws CorsConfigError at creation for $desc, not at the first request', ({ options }) => {
    expect(() => cors(options as never)).toThrow(CorsConfigError);
  });

  it('throws CorsConfigError for "*" with credentials, which the types also refuse', () => {
    // @ts-expect-error origin "*" cannot be combined with credentials: true
    expect(() => cors({ origin: '*', credentials: true })).toThrow(CorsConfigError);
  });
});
