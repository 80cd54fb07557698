/**
 * The behaviour every Corsica adapter must show over real HTTP, written once and run by the
 * fetch, hono and fastify (4 and 5) test files against their own test app.
 *
 * The test app each adapter builds (`startApp(policy)`) serves, behind the adapter:
 * - an auth step placed after CORS that counts its calls in `counts.auth` and lets everything in;
 * - `/ok`: GET, HEAD, POST, PUT, PATCH, DELETE answer 200 `ok`;
 * - `/error`: GET throws synchronously; `/async-error`: GET rejects after an `await`;
 * - `/does-not-exist`: nothing, so the framework answers 404;
 * - `/app-options`: the app's own OPTIONS route, 200 `app-options`;
 * - `/vary`: GET sets `Vary: Accept-Encoding` itself and answers `ok`.
 * Every route handler counts its calls in `counts.handler`. The server listens on 127.0.0.1:0
 * and accepts request headers up to {@link TEST_MAX_HEADER_SIZE} bytes.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createPolicy } from '@corsica/core';
import type { ErrorContext, Policy, RequestFacts } from '@corsica/core';
import { send } from './http.js';
import type { HeaderLine, RawResponse } from './http.js';

/** A running test app. */
export interface TestApp {
  readonly baseUrl: string;
  readonly counts: { handler: number; auth: number };
  close(): Promise<void>;
}

/** Starts the adapter's test app (see the module comment) with this policy. */
export type StartApp = (policy: Policy) => Promise<TestApp>;

export const APP = 'https://app.example.com';
export const PREVIEW = 'https://pr-7.preview.example.com';
export const EVIL = 'https://app.example.com.evil.test';

/** The main policy of the suite: a credentialed allowlist with every header kind in play. */
export const mainOptions = {
  origin: [APP, 'https://*.preview.example.com'],
  credentials: true,
  methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
  allowedHeaders: ['Content-Type', 'Authorization', 'X-Requested-With'],
  exposedHeaders: ['X-Request-Id'],
  maxAge: 600,
} as const;

export const ALLOWED_PREFLIGHT_HEADERS = {
  'access-control-allow-origin': APP,
  'access-control-allow-credentials': 'true',
  'access-control-allow-methods': 'GET, POST, PUT, PATCH, DELETE',
  'access-control-allow-headers': 'Content-Type, Authorization, X-Requested-With',
  'access-control-max-age': '600',
};

export const ALLOWED_ACTUAL_HEADERS = {
  'access-control-allow-origin': APP,
  'access-control-allow-credentials': 'true',
  'access-control-expose-headers': 'X-Request-Id',
};

/** Builds a preflight's header lines. */
export function preflight(origin: string, method: string, requestHeaders?: string): HeaderLine[] {
  const lines: HeaderLine[] = [
    ['Origin', origin],
    ['Access-Control-Request-Method', method],
  ];
  if (requestHeaders !== undefined) lines.push(['Access-Control-Request-Headers', requestHeaders]);
  return lines;
}

/** Each Vary name once, in any order. */
export function expectVary(res: RawResponse, names: readonly string[]): void {
  expect([...res.vary].map((n) => n.toLowerCase()).sort()).toEqual(names.map((n) => n.toLowerCase()).sort());
}

/** Per-adapter adjustments, each with the reason it is needed. */
export interface SuiteOptions {
  /** Methods the differential test sends. Default GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS. */
  readonly methods?: readonly string[];
}

export function describeAdapter(name: string, startApp: StartApp, suite: SuiteOptions = {}): void {
  const methods = suite.methods ?? ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];
  describe(`${name}: the shared adapter behaviour`, () => {
    describe('with a credentialed allowlist', () => {
      let app: TestApp;
      const policy = createPolicy(mainOptions);
      beforeAll(async () => {
        app = await startApp(policy);
      });
      afterAll(() => app.close());
      beforeEach(() => {
        app.counts.handler = 0;
        app.counts.auth = 0;
      });

      it('answers an allowed preflight itself with 204, exactly the policy headers and no body', async () => {
        const res = await send(app.baseUrl, { method: 'OPTIONS', path: '/ok', headers: preflight(APP, 'PUT', 'content-type,x-requested-with') });
        expect(res.status).toBe(204);
        expect(res.cors).toEqual(ALLOWED_PREFLIGHT_HEADERS);
        expectVary(res, ['Origin', 'Access-Control-Request-Method', 'Access-Control-Request-Headers']);
        expect(res.body).toBe('');
        expect(app.counts).toEqual({ handler: 0, auth: 0 });
      });

      it.each([
        { desc: 'an origin not on the list', origin: EVIL, method: 'PUT', headers: undefined },
        { desc: 'the null origin', origin: 'null', method: 'PUT', headers: undefined },
        { desc: 'a method not on the list', origin: APP, method: 'PURGE', headers: undefined },
        { desc: 'a lower-case method (compared byte for byte)', origin: APP, method: 'patch', headers: undefined },
        { desc: 'a header not on the list', origin: APP, method: 'PUT', headers: 'content-type,x-secret' },
      ])('denies a preflight with $desc: 403, no CORS headers, the app never runs', async ({ origin, method, headers }) => {
        const res = await send(app.baseUrl, { method: 'OPTIONS', path: '/ok', headers: preflight(origin, method, headers) });
        expect(res.status).toBe(403);
        expect(res.cors).toEqual({});
        expect(app.counts).toEqual({ handler: 0, auth: 0 });
      });

      it.each(['/vary', '/does-not-exist'])('answers a preflight to %s, which has no OPTIONS route, with 204', async (path) => {
        const res = await send(app.baseUrl, { method: 'OPTIONS', path, headers: preflight(PREVIEW, 'DELETE') });
        expect(res.status).toBe(204);
        expect(res.header('access-control-allow-origin')).toBe(PREVIEW);
        expect(app.counts).toEqual({ handler: 0, auth: 0 });
      });

      it('lets an OPTIONS request without Access-Control-Request-Method reach the app’s own OPTIONS route', async () => {
        const res = await send(app.baseUrl, { method: 'OPTIONS', path: '/app-options', headers: [['Origin', APP]] });
        expect(res.status).toBe(200);
        expect(res.body).toBe('app-options');
        expect(res.cors).toEqual(ALLOWED_ACTUAL_HEADERS);
        expect(app.counts).toEqual({ handler: 1, auth: 1 });
      });

      it('lets a preflight-shaped OPTIONS without Origin reach the app’s own OPTIONS route', async () => {
        const res = await send(app.baseUrl, { method: 'OPTIONS', path: '/app-options', headers: [['Access-Control-Request-Method', 'PUT']] });
        expect(res.status).toBe(200);
        expect(res.body).toBe('app-options');
        expect(res.cors).toEqual({});
      });

      it.each(['GET', 'POST', 'PUT', 'PATCH', 'DELETE'])('adds the allow headers and Vary: Origin to an allowed %s', async (method) => {
        const res = await send(app.baseUrl, { method, path: '/ok', headers: [['Origin', APP]] });
        expect(res.status).toBe(200);
        expect(res.body).toBe('ok');
        expect(res.cors).toEqual(ALLOWED_ACTUAL_HEADERS);
        expectVary(res, ['Origin']);
        expect(app.counts).toEqual({ handler: 1, auth: 1 });
      });

      it('lets the app answer a denied origin normally, without ACAO but with Vary: Origin', async () => {
        const res = await send(app.baseUrl, { method: 'GET', path: '/ok', headers: [['Origin', EVIL]] });
        expect(res.status).toBe(200);
        expect(res.body).toBe('ok');
        expect(res.cors).toEqual({});
        expectVary(res, ['Origin']);
        expect(app.counts).toEqual({ handler: 1, auth: 1 });
      });

      it('adds Vary: Origin to a request without Origin, so shared caches keep answers apart', async () => {
        const res = await send(app.baseUrl, { method: 'GET', path: '/ok' });
        expect(res.status).toBe(200);
        expect(res.cors).toEqual({});
        expectVary(res, ['Origin']);
      });

      it.each([
        { desc: 'an allowed origin', headers: [['Origin', APP]] as HeaderLine[], cors: ALLOWED_ACTUAL_HEADERS },
        { desc: 'no Origin', headers: [] as HeaderLine[], cors: {} },
      ])('appends Origin to the Vary the app set itself, for $desc', async ({ headers, cors }) => {
        const res = await send(app.baseUrl, { method: 'GET', path: '/vary', headers });
        expect(res.status).toBe(200);
        expect(res.cors).toEqual(cors);
        expect(res.headers['vary']).toHaveLength(1);
        expectVary(res, ['Accept-Encoding', 'Origin']);
      });

      it.each([
        { path: '/error', status: 500, desc: 'a synchronous throw' },
        { path: '/async-error', status: 500, desc: 'an asynchronous rejection' },
        { path: '/does-not-exist', status: 404, desc: 'a missing route' },
      ])('keeps the CORS headers on the $status answer to $desc', async ({ path, status }) => {
        const res = await send(app.baseUrl, { method: 'GET', path, headers: [['Origin', APP]] });
        expect(res.status).toBe(status);
        expect(res.cors).toEqual(ALLOWED_ACTUAL_HEADERS);
        expectVary(res, ['Origin']);
      });

      describe('hostile requests', () => {
        const manyNames = Array.from({ length: 10_000 }, (_, i) => `x-h${i}`).join(',');
        it.each([
          { desc: 'a 200 KB Access-Control-Request-Headers', acrh: 'a'.repeat(200 * 1024) },
          { desc: 'a 10,000-name Access-Control-Request-Headers', acrh: manyNames },
          { desc: 'a 10,000-name list of allowed names', acrh: Array.from({ length: 10_000 }, () => 'content-type').join(',') },
        ])('denies a preflight with $desc with 403, not a 5xx', async ({ acrh }) => {
          const res = await send(app.baseUrl, { method: 'OPTIONS', path: '/ok', headers: preflight(APP, 'PUT', acrh) });
          expect(res.status).toBe(403);
          expect(res.cors).toEqual({});
          expect(app.counts).toEqual({ handler: 0, auth: 0 });
        });

        it('denies two Origin lines even when both name an allowed origin', async () => {
          const res = await send(app.baseUrl, { method: 'GET', path: '/ok', headers: [['Origin', APP], ['Origin', APP]] });
          expect(res.status).toBe(200);
          expect(res.cors).toEqual({});
          expectVary(res, ['Origin']);
        });

        it('denies a preflight with two Origin lines', async () => {
          const res = await send(app.baseUrl, { method: 'OPTIONS', path: '/ok', headers: [['Origin', APP], ['Origin', PREVIEW], ['Access-Control-Request-Method', 'PUT']] });
          expect(res.status).toBe(403);
          expect(res.cors).toEqual({});
        });

        it('denies a comma-joined Origin and an over-long Origin without a 5xx', async () => {
          const joined = await send(app.baseUrl, { method: 'GET', path: '/ok', headers: [['Origin', `${APP}, ${PREVIEW}`]] });
          const long = await send(app.baseUrl, { method: 'GET', path: '/ok', headers: [['Origin', `https://${'a'.repeat(5000)}.example.com`]] });
          for (const res of [joined, long]) {
            expect(res.status).toBe(200);
            expect(res.cors).toEqual({});
          }
        });
      });

      it('sends what policy.decide decides, for generated requests (differential)', async () => {
        const origins = [APP, PREVIEW, 'https://a.b.preview.example.com', EVIL, 'http://app.example.com', 'https://app.example.com:443', 'https://APP.example.com', `${APP}/`, 'https://preview.example.com', 'null', ''];
        const token = fc.stringMatching(/^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,12}$/);
        const garbage = fc.string({ unit: fc.constantFrom(...'abcXYZ09:/.-_*,; "\'()<>[]{}?=@\\%'.split('')), maxLength: 40 });
        const origin = fc.oneof(
          fc.constantFrom(...origins),
          garbage,
          fc.tuple(fc.constantFrom(...origins), fc.constantFrom(...origins)).map((pair) => [...pair]),
        );
        const request = fc.record({
          method: fc.constantFrom(...methods),
          origin: fc.option(origin, { nil: undefined }),
          requestMethod: fc.option(fc.oneof(fc.constantFrom('PUT', 'DELETE', 'PATCH', 'patch', 'GET', 'PURGE', 'CONNECT', 'a b'), token), { nil: undefined }),
          requestHeaders: fc.option(fc.oneof(fc.constantFrom('content-type', 'x-requested-with,content-type', 'authorization', 'x-secret', 'content-type, authorization', ',,,', 'content-type,,x-requested-with'), garbage), { nil: undefined }),
        });
        await fc.assert(
          fc.asyncProperty(request, async (r) => {
            const lines: HeaderLine[] = [];
            const trimmed = (v: string): string => v.replace(/^[ \t]+|[ \t]+$/g, '');
            if (Array.isArray(r.origin)) for (const o of r.origin) lines.push(['Origin', o]);
            else if (r.origin !== undefined) lines.push(['Origin', r.origin]);
            if (r.requestMethod !== undefined) lines.push(['Access-Control-Request-Method', r.requestMethod]);
            if (r.requestHeaders !== undefined) lines.push(['Access-Control-Request-Headers', r.requestHeaders]);
            // the oracle sees what the server sees: HTTP strips the whitespace around values
            const facts: RequestFacts = {
              method: r.method,
              origin: Array.isArray(r.origin) ? r.origin.map(trimmed) : r.origin === undefined ? undefined : trimmed(r.origin),
              requestMethod: r.requestMethod === undefined ? undefined : trimmed(r.requestMethod),
              requestHeaders: r.requestHeaders === undefined ? undefined : trimmed(r.requestHeaders),
            };
            const want = policy.decide(facts);
            const res = await send(app.baseUrl, { method: r.method, path: '/ok', headers: lines });
            const wantCors = Object.fromEntries(Object.entries(want.headers).map(([k, v]) => [k.toLowerCase(), v]));
            expect(res.cors).toEqual(wantCors);
            // a preflight is answered by CORS; anything else by /ok, which has no OPTIONS route
            expect(res.status).toBe(want.kind === 'preflight' ? want.status : r.method === 'OPTIONS' ? 404 : 200);
            for (const v of want.vary) expect(res.vary.map((n) => n.toLowerCase())).toContain(v.toLowerCase());
          }),
          { numRuns: 200 },
        );
      });
    });

    describe('with an async origin resolver', () => {
      let app: TestApp;
      const errors: { error: unknown; context: ErrorContext }[] = [];
      const policy = createPolicy({
        origin: async (o: string) => {
          if (o === 'https://broken.example.com') throw new Error('tenant database down');
          if (o === 'https://slow.example.com') return new Promise<boolean>(() => undefined);
          return o === 'https://tenant.example.com';
        },
        methods: ['PUT'],
        resolverTimeout: 50,
        originCache: false,
        onError: (error, context) => errors.push({ error, context }),
      });
      beforeAll(async () => {
        app = await startApp(policy);
      });
      afterAll(() => app.close());
      beforeEach(() => {
        errors.length = 0;
      });

      it('allows an origin the resolver accepts, on preflights and actual requests', async () => {
        const pre = await send(app.baseUrl, { method: 'OPTIONS', path: '/ok', headers: preflight('https://tenant.example.com', 'PUT') });
        expect(pre.status).toBe(204);
        expect(pre.header('access-control-allow-origin')).toBe('https://tenant.example.com');
        const res = await send(app.baseUrl, { method: 'PUT', path: '/ok', headers: [['Origin', 'https://tenant.example.com']] });
        expect(res.status).toBe(200);
        expect(res.header('access-control-allow-origin')).toBe('https://tenant.example.com');
        expectVary(res, ['Origin']);
      });

      it('denies an origin the resolver refuses, and the app still answers', async () => {
        const pre = await send(app.baseUrl, { method: 'OPTIONS', path: '/ok', headers: preflight('https://other.example.com', 'PUT') });
        expect(pre.status).toBe(403);
        const res = await send(app.baseUrl, { method: 'GET', path: '/ok', headers: [['Origin', 'https://other.example.com']] });
        expect(res.status).toBe(200);
        expect(res.cors).toEqual({});
        expect(errors).toEqual([]);
      });

      it.each([
        { desc: 'throws', origin: 'https://broken.example.com', message: /tenant database down/ },
        { desc: 'never answers (resolverTimeout)', origin: 'https://slow.example.com', message: /resolverTimeout/ },
      ])('denies without a 5xx when the resolver $desc, and reports it to onError', async ({ origin, message }) => {
        const res = await send(app.baseUrl, { method: 'GET', path: '/ok', headers: [['Origin', origin]] });
        expect(res.status).toBe(200);
        expect(res.body).toBe('ok');
        expect(res.cors).toEqual({});
        expectVary(res, ['Origin']);
        const pre = await send(app.baseUrl, { method: 'OPTIONS', path: '/ok', headers: preflight(origin, 'PUT') });
        expect(pre.status).toBe(403);
        expect(errors.length).toBeGreaterThanOrEqual(2);
        expect(errors[0]!.context).toEqual({ phase: 'origin-resolver', origin });
        expect(String((errors[0]!.error as Error).message)).toMatch(message);
      });
    });

    describe('with a public "*" policy', () => {
      let app: TestApp;
      beforeAll(async () => {
        app = await startApp(createPolicy({ origin: '*' }));
      });
      afterAll(() => app.close());

      it.each([
        { desc: 'any origin', headers: [['Origin', EVIL]] as HeaderLine[] },
        { desc: 'no Origin', headers: [] as HeaderLine[] },
      ])('sends ACAO: * without Vary: Origin for $desc', async ({ headers }) => {
        const res = await send(app.baseUrl, { method: 'GET', path: '/ok', headers });
        expect(res.status).toBe(200);
        expect(res.cors).toEqual({ 'access-control-allow-origin': '*' });
        expect(res.vary).toEqual([]);
      });
    });
  });
}
