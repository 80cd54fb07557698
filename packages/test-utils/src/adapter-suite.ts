/**
 * The behaviour every Corsica adapter must show over real HTTP, written once and run by each
 * adapter's tests against its own test app.
 *
 * The test app each adapter builds serves, behind the adapter:
 * - an auth step placed after CORS that counts its calls in `counts.auth` and lets everything in;
 * - `/ok`: every method (OPTIONS too, when it is not a preflight) answers 200 `ok`;
 * - `/error`: GET throws synchronously; `/async-error`: GET rejects after an `await`;
 * - `/does-not-exist`: nothing, so the framework answers 404;
 * - `/app-options`: the app's own OPTIONS route, 200 `app-options`;
 * - `/vary`: GET sets `Vary: Accept-Encoding` itself and answers `ok`;
 * - `/vary/<way>`, Node adapters only: GET replaces the whole `Vary` with `Accept-Encoding` in
 *   each way the adapter lists in `varyReplacements`, and answers `ok`;
 * - `/decision`: GET answers, as JSON, the decision the adapter exposes to the app (or `null`).
 * `suiteRoutes` implements these answers once; every route handler counts its calls in
 * `counts.handler`. The server listens on 127.0.0.1:0 and accepts request heads up to
 * `TEST_MAX_HEADER_SIZE` bytes.
 * @module
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CorsConfigError, createPolicy } from '@corsica/core';
import type { CorsOptions, ErrorContext, Policy, RequestFacts } from '@corsica/core';
import { send, sendRaw } from './http.js';
import type { HeaderLine, Started, TestResponse } from './http.js';

/** A running test app. */
export interface TestApp {
  readonly baseUrl: string;
  readonly counts: { handler: number; auth: number };
  close(): Promise<void>;
}

/**
 * Starts the adapter's test app (see the module comment) behind one Corsica middleware per
 * policy, in order, all of them seeing every request (the suite passes two to check stacking).
 */
export type StartApp = (...policies: [Policy, ...Policy[]]) => Promise<TestApp>;

/** What {@link describeAdapter} needs from an adapter. */
export interface AdapterUnderTest {
  readonly start: StartApp;
  /**
   * Serves `GET /public/feed` under `publicPolicy` and `GET /ok` under `mainPolicy`, the way the
   * adapter's README recommends for per-route policies (both answer a short text).
   */
  readonly startPerRoute: (publicPolicy: Policy, mainPolicy: Policy) => Promise<Started>;
  /** Creates the middleware (or registers the plugin) from options: a bad configuration throws or rejects here. */
  readonly create: (options: CorsOptions) => unknown;
  /** Methods the differential test sends. Default GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS. */
  readonly methods?: readonly string[];
  /**
   * The ways the test app replaces `Vary` after the adapter ran (`res.set`, `reply.header`,
   * `writeHead`...), each served at `GET /vary/<way>`: the response must still vary on what the
   * CORS answer depends on. Every Node adapter lists its framework's ways and
   * `NODE_VARY_REPLACEMENTS`; Web adapters, whose `Headers` the app cannot reach after them, none.
   */
  readonly varyReplacements?: readonly string[];
}

export const APP = 'https://app.example.com';
export const PREVIEW = 'https://pr-7.preview.example.com';
export const EVIL = 'https://app.example.com.evil.test';
export const TENANT = 'https://tenant.example.org';

/** The main policy of the suite: a credentialed allowlist with every header kind in play. */
export const mainOptions = {
  origin: [APP, 'https://*.preview.example.com'],
  credentials: true,
  methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
  allowedHeaders: ['Content-Type', 'Authorization', 'X-Requested-With'],
  exposedHeaders: ['X-Request-Id'],
  maxAge: 600,
} as const;

/** What {@link mainOptions} answers to an allowed preflight. */
export const ALLOWED_PREFLIGHT_HEADERS = {
  'access-control-allow-origin': APP,
  'access-control-allow-credentials': 'true',
  'access-control-allow-methods': 'GET, POST, PUT, PATCH, DELETE',
  'access-control-allow-headers': 'Content-Type, Authorization, X-Requested-With',
  'access-control-max-age': '600',
};

/** What {@link mainOptions} adds to an allowed actual request from {@link APP}. */
export const ALLOWED_ACTUAL_HEADERS = {
  'access-control-allow-origin': APP,
  'access-control-allow-credentials': 'true',
  'access-control-expose-headers': 'X-Request-Id',
};

const PREFLIGHT_VARY = ['Origin', 'Access-Control-Request-Method', 'Access-Control-Request-Headers'];

/**
 * A preflight's header lines.
 *
 * @example
 * ```ts
 * await send(baseUrl, { method: 'OPTIONS', headers: preflight(APP, 'PUT', 'content-type') });
 * ```
 */
export function preflight(origin: string, method: string, requestHeaders?: string): HeaderLine[] {
  const lines: HeaderLine[] = [
    ['Origin', origin],
    ['Access-Control-Request-Method', method],
  ];
  if (requestHeaders !== undefined) lines.push(['Access-Control-Request-Headers', requestHeaders]);
  return lines;
}

/**
 * Asserts the response varies on exactly these names, each once, in any order.
 *
 * @example
 * ```ts
 * expectVary(res, ['Accept-Encoding', 'Origin']);
 * ```
 */
export function expectVary(res: TestResponse, names: readonly string[]): void {
  expect([...res.vary].map((n) => n.toLowerCase()).sort()).toEqual(names.map((n) => n.toLowerCase()).sort());
}

/**
 * Registers the shared adapter behaviour: one `describe` per policy, each starting one server.
 *
 * @example
 * ```ts
 * describeAdapter('@corsica/hono', { start: startApp, startPerRoute, create: (options) => cors(options) });
 * ```
 */
export function describeAdapter(name: string, adapter: AdapterUnderTest): void {
  const methods = adapter.methods ?? ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];
  describe(`${name}: the shared adapter behaviour`, () => {
    describe('with a credentialed allowlist', () => {
      let app: TestApp;
      const policy = createPolicy(mainOptions);
      beforeAll(async () => {
        app = await adapter.start(policy);
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
        expectVary(res, PREFLIGHT_VARY);
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
        expectVary(res, PREFLIGHT_VARY);
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

      it.each([
        { method: 'GET', origin: APP },
        { method: 'POST', origin: PREVIEW },
        { method: 'PUT', origin: APP },
        { method: 'PATCH', origin: PREVIEW },
        { method: 'DELETE', origin: APP },
      ])('adds the allow headers and Vary: Origin to an allowed $method from $origin', async ({ method, origin }) => {
        const res = await send(app.baseUrl, { method, path: '/ok', headers: [['Origin', origin]] });
        expect(res.status).toBe(200);
        expect(res.body).toBe('ok');
        expect(res.cors).toEqual({ ...ALLOWED_ACTUAL_HEADERS, 'access-control-allow-origin': origin });
        expectVary(res, ['Origin']);
        expect(app.counts).toEqual({ handler: 1, auth: 1 });
      });

      it.each([APP, EVIL])('exposes its decision to the app, for %s', async (origin) => {
        const res = await send(app.baseUrl, { method: 'GET', path: '/decision', headers: [['Origin', origin]] });
        expect(res.status).toBe(200);
        expect(JSON.parse(res.body)).toEqual(JSON.parse(JSON.stringify(policy.decide({ method: 'GET', origin }))));
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

      for (const way of adapter.varyReplacements ?? []) {
        it.each([
          { desc: 'an allowed origin', headers: [['Origin', APP]] as HeaderLine[], cors: ALLOWED_ACTUAL_HEADERS },
          { desc: 'a denied origin', headers: [['Origin', EVIL]] as HeaderLine[], cors: {} },
          { desc: 'no Origin', headers: [] as HeaderLine[], cors: {} },
        ])(`keeps Vary: Origin when the app replaces Vary (${way}), for $desc`, async ({ headers, cors }) => {
          const res = await send(app.baseUrl, { method: 'GET', path: `/vary/${way}`, headers });
          expect(res.status).toBe(200);
          expect(res.body).toBe('ok');
          expect(res.cors).toEqual(cors);
          expectVary(res, ['Accept-Encoding', 'Origin']);
          expect(app.counts.handler).toBe(1);
        });
      }

      it.each([
        { path: '/error', status: 500, desc: 'a synchronous throw', origin: APP, cors: ALLOWED_ACTUAL_HEADERS },
        { path: '/async-error', status: 500, desc: 'an asynchronous rejection', origin: APP, cors: ALLOWED_ACTUAL_HEADERS },
        { path: '/does-not-exist', status: 404, desc: 'a missing route', origin: APP, cors: ALLOWED_ACTUAL_HEADERS },
        { path: '/error', status: 500, desc: 'a synchronous throw for a denied origin', origin: EVIL, cors: {} },
      ])('keeps the CORS headers on the $status answer to $desc', async ({ path, status, origin, cors }) => {
        const res = await send(app.baseUrl, { method: 'GET', path, headers: [['Origin', origin]] });
        expect(res.status).toBe(status);
        expect(res.cors).toEqual(cors);
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

        it.each([
          { desc: 'a bare CR inside Origin', line: `Origin: ${APP}\rSet-Cookie: injected=1` },
          { desc: 'a folded Origin line', line: `Origin: ${APP}\r\n Set-Cookie: injected=1` },
          { desc: 'a folded request-header list', line: `Origin: ${APP}\r\nAccess-Control-Request-Method: PUT\r\nAccess-Control-Request-Headers: content-type\r\n Set-Cookie: injected=1` },
          { desc: 'an encoded CR/LF in Origin', line: `Origin: ${APP}%0d%0aSet-Cookie:%20injected=1` },
          { desc: 'non-ASCII bytes in Origin', line: `Origin: ${APP}\xff\xfeinjected` },
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

      it('sends what policy.decide decides, for generated requests (differential)', async () => {
        await assertMatchesDecide(app.baseUrl, policy, methods);
      });
    });

    describe('with the origin guard', () => {
      let app: TestApp;
      let all: TestApp;
      let host: string;
      const guarded = createPolicy({ ...mainOptions, guard: { hosts: ['127.0.0.1:*', 'localhost:*'] } });
      beforeAll(async () => {
        app = await adapter.start(guarded);
        all = await adapter.start(createPolicy({ ...mainOptions, guard: { crossOrigin: 'all' } }));
        host = new URL(app.baseUrl).host;
      });
      afterAll(async () => {
        await app.close();
        await all.close();
      });
      beforeEach(() => {
        for (const a of [app, all]) {
          a.counts.handler = 0;
          a.counts.auth = 0;
        }
      });

      it.each([
        { desc: 'a POST from an unlisted cross-site page', method: 'POST', headers: [['Origin', EVIL], ['Sec-Fetch-Site', 'cross-site']] },
        { desc: 'a PUT from an unlisted origin, old browser (no Sec-Fetch-Site)', method: 'PUT', headers: [['Origin', EVIL]] },
        { desc: 'a DELETE from an unlisted origin', method: 'DELETE', headers: [['Origin', TENANT], ['Sec-Fetch-Site', 'cross-site']] },
        { desc: 'a POST from an unlisted sibling subdomain (same-site)', method: 'POST', headers: [['Origin', 'https://blog.example.com'], ['Sec-Fetch-Site', 'same-site']] },
        { desc: 'a form POST from a sandboxed page (Origin: null)', method: 'POST', headers: [['Origin', 'null'], ['Sec-Fetch-Site', 'cross-site']] },
        { desc: 'a WebSocket handshake from an unlisted origin', method: 'GET', headers: [['Origin', EVIL], ['Upgrade', 'websocket'], ['Connection', 'Upgrade'], ['Sec-WebSocket-Version', '13'], ['Sec-WebSocket-Key', 'dGhlIHNhbXBsZSBub25jZQ==']] },
      ] as { desc: string; method: string; headers: HeaderLine[] }[])('rejects $desc with 403, no CORS headers and a short body; the app and its auth never run', async ({ method, headers }) => {
        const res = await send(app.baseUrl, { method, path: '/ok', headers });
        expect(res.status).toBe(403);
        expect(res.cors).toEqual({});
        expect(res.body).toMatch(/^Forbidden: cross-origin request rejected/);
        expect(app.counts).toEqual({ handler: 0, auth: 0 });
      });

      it.each([
        { desc: 'a POST from the listed origin', headers: [['Origin', APP], ['Sec-Fetch-Site', 'same-site']], cors: true },
        { desc: 'a POST from a same-origin page (Sec-Fetch-Site: same-origin)', headers: (h: string) => [['Origin', `http://${h}`], ['Sec-Fetch-Site', 'same-origin']], cors: false },
        { desc: 'a POST whose Origin names the request\'s own host (no Sec-Fetch-Site)', headers: (h: string) => [['Origin', `http://${h}`]], cors: false },
        { desc: 'a POST with neither header (curl, server to server)', headers: [], cors: false },
      ] as { desc: string; headers: HeaderLine[] | ((h: string) => HeaderLine[]); cors: boolean }[])('lets $desc reach the app', async ({ headers, cors }) => {
        const res = await send(app.baseUrl, { method: 'POST', path: '/ok', headers: typeof headers === 'function' ? headers(host) : headers });
        expect(res.status).toBe(200);
        expect(res.body).toBe('ok');
        expect(res.header('access-control-allow-origin')).toBe(cors ? APP : undefined);
        expect(app.counts).toEqual({ handler: 1, auth: 1 });
      });

      it('rejects a rebinding Host (a page under another name resolving to this server) with 403', async () => {
        const res = await send(app.baseUrl, { method: 'GET', path: '/ok', headers: [['Host', 'rebind.test:8080']] });
        expect(res.status).toBe(403);
        expect(res.body).toMatch(/^Forbidden: this server does not answer to that Host/);
        expect(app.counts).toEqual({ handler: 0, auth: 0 });
      });

      it('with crossOrigin: "all", rejects a GET from an unlisted origin and lets the listed one through', async () => {
        const rejected = await send(all.baseUrl, { method: 'GET', path: '/ok', headers: [['Origin', EVIL], ['Sec-Fetch-Site', 'cross-site']] });
        expect(rejected.status).toBe(403);
        expect(all.counts.handler).toBe(0);
        const allowed = await send(all.baseUrl, { method: 'GET', path: '/ok', headers: [['Origin', APP], ['Sec-Fetch-Site', 'cross-site']] });
        expect([allowed.status, allowed.header('access-control-allow-origin')]).toEqual([200, APP]);
        expect(all.counts.handler).toBe(1);
      });
    });

    describe('with preflightStatus 200', () => {
      let app: TestApp;
      beforeAll(async () => {
        app = await adapter.start(createPolicy({ ...mainOptions, preflightStatus: 200 }));
      });
      afterAll(() => app.close());

      it('answers an allowed preflight with 200 and an empty body, the app never runs', async () => {
        const res = await send(app.baseUrl, { method: 'OPTIONS', path: '/ok', headers: preflight(APP, 'PUT') });
        expect(res.status).toBe(200);
        expect(res.body).toBe('');
        expect(res.header('access-control-allow-origin')).toBe(APP);
        expect(app.counts).toEqual({ handler: 0, auth: 0 });
      });
    });

    describe('with an async origin resolver', () => {
      let app: TestApp;
      const errors: { error: unknown; context: ErrorContext }[] = [];
      const policy = createPolicy({
        origin: async (o: string) => {
          if (o === 'https://broken.example.com') throw new Error('tenant database down');
          if (o === 'https://slow.example.com') return new Promise<boolean>(() => undefined);
          return o === TENANT;
        },
        methods: ['PUT'],
        resolverTimeout: 50,
        originCache: false,
        onError: (error, context) => errors.push({ error, context }),
      });
      beforeAll(async () => {
        app = await adapter.start(policy);
      });
      afterAll(() => app.close());
      beforeEach(() => {
        errors.length = 0;
      });

      it('allows an origin the resolver accepts, on preflights, actual requests and error answers', async () => {
        const pre = await send(app.baseUrl, { method: 'OPTIONS', path: '/ok', headers: preflight(TENANT, 'PUT') });
        expect(pre.status).toBe(204);
        expect(pre.header('access-control-allow-origin')).toBe(TENANT);
        const res = await send(app.baseUrl, { method: 'PUT', path: '/ok', headers: [['Origin', TENANT]] });
        expect(res.status).toBe(200);
        expect(res.header('access-control-allow-origin')).toBe(TENANT);
        expectVary(res, ['Origin']);
        const failed = await send(app.baseUrl, { method: 'GET', path: '/error', headers: [['Origin', TENANT]] });
        expect(failed.status).toBe(500);
        expect(failed.header('access-control-allow-origin')).toBe(TENANT);
      });

      for (const way of (adapter.varyReplacements ?? []).slice(0, 1)) {
        it(`keeps Vary: Origin when the app replaces Vary (${way}) after an async decision`, async () => {
          const res = await send(app.baseUrl, { method: 'GET', path: `/vary/${way}`, headers: [['Origin', TENANT]] });
          expect(res.status).toBe(200);
          expect(res.header('access-control-allow-origin')).toBe(TENANT);
          expectVary(res, ['Accept-Encoding', 'Origin']);
        });
      }

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
        app = await adapter.start(createPolicy({ origin: '*' }));
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

      for (const way of adapter.varyReplacements ?? []) {
        it(`leaves the app's own Vary alone when it replaces it (${way}): the answer does not depend on Origin`, async () => {
          const res = await send(app.baseUrl, { method: 'GET', path: `/vary/${way}`, headers: [['Origin', EVIL]] });
          expect(res.status).toBe(200);
          expect(res.cors).toEqual({ 'access-control-allow-origin': '*' });
          expectVary(res, ['Accept-Encoding']);
        });
      }
    });

    describe('with two Corsica middlewares on one request', () => {
      let app: TestApp;
      let secondDecisions = 0;
      const reports: { error: unknown; context: ErrorContext }[] = [];
      beforeAll(async () => {
        const second = createPolicy({
          origin: [APP, EVIL],
          methods: ['PUT'],
          onDecision: () => secondDecisions++,
          onError: (error, context) => reports.push({ error, context }),
        });
        app = await adapter.start(createPolicy(mainOptions), second);
      });
      afterAll(() => app.close());

      it('sends one set of headers from the first, and reports the stack once through the second policy’s onError', async () => {
        const allowed = await send(app.baseUrl, { method: 'GET', path: '/ok', headers: [['Origin', APP]] });
        expect(allowed.cors).toEqual(ALLOWED_ACTUAL_HEADERS);
        for (const header of [...Object.keys(allowed.cors), 'vary']) expect(allowed.all(header)).toHaveLength(1);
        expectVary(allowed, ['Origin']);
        const denied = await send(app.baseUrl, { method: 'GET', path: '/ok', headers: [['Origin', EVIL]] });
        expect(denied.status).toBe(200);
        expect(denied.cors).toEqual({});
        const pre = await send(app.baseUrl, { method: 'OPTIONS', path: '/ok', headers: preflight(APP, 'PATCH') });
        expect(pre.status).toBe(204);
        expect(pre.cors).toEqual(ALLOWED_PREFLIGHT_HEADERS);
        const failed = await send(app.baseUrl, { method: 'GET', path: '/error', headers: [['Origin', APP]] });
        expect(failed.status).toBe(500);
        expect(failed.all('access-control-allow-origin')).toEqual([APP]);
        // the second never decides, so its onDecision metrics are not counted twice
        expect(secondDecisions).toBe(0);
        expect(reports).toHaveLength(1);
        expect(reports[0]!.context).toEqual({ phase: 'adapter' });
        expect((reports[0]!.error as Error).message).toMatch(/^corsica: /);
      });
    });

    describe('with a per-route policy', () => {
      let server: Started;
      const reports: ErrorContext[] = [];
      beforeAll(async () => {
        const onError = (_error: unknown, context: ErrorContext): void => {
          reports.push(context);
        };
        server = await adapter.startPerRoute(createPolicy({ origin: '*', onError }), createPolicy({ ...mainOptions, onError }));
      });
      afterAll(() => server.close());

      it('answers each path with its own policy, one set of headers each, and reports nothing', async () => {
        const feed = await send(server.baseUrl, { method: 'GET', path: '/public/feed', headers: [['Origin', 'https://anyone.example.net']] });
        expect(feed.status).toBe(200);
        expect(feed.cors).toEqual({ 'access-control-allow-origin': '*' });
        expect(feed.all('access-control-allow-origin')).toHaveLength(1);
        const ok = await send(server.baseUrl, { method: 'GET', path: '/ok', headers: [['Origin', APP]] });
        expect(ok.status).toBe(200);
        expect(ok.cors).toEqual(ALLOWED_ACTUAL_HEADERS);
        for (const header of Object.keys(ok.cors)) expect(ok.all(header)).toHaveLength(1);
        expect(reports).toEqual([]);
      });
    });

    describe('configuration', () => {
      it.each([
        { desc: 'no origin', options: {} },
        { desc: 'an origin with a trailing slash', options: { origin: 'https://app.example.com/' } },
        { desc: 'null as an origin', options: { origin: 'null' } },
        { desc: 'a wildcard over a public suffix', options: { origin: 'https://*.com' } },
        { desc: '"*" with credentials', options: { origin: '*', credentials: true } },
        { desc: 'a forbidden method', options: { origin: APP, methods: ['TRACE'] } },
        { desc: 'maxAge above a day', options: { origin: APP, maxAge: 90_000 } },
        { desc: 'an unknown option', options: { origin: APP, allowOrigins: [APP] } },
      ])('refuses $desc with a CorsConfigError when the middleware is created, not at the first request', async ({ options }) => {
        await expect((async () => adapter.create(options as CorsOptions))()).rejects.toThrow(CorsConfigError);
      });
    });
  });
}

/**
 * Sends ~200 generated requests to `${baseUrl}/ok` (a route answering 200 to every method) of a
 * server running `policy`, and compares each answer with what `policy.decide` says for the same
 * facts: the adapter adds nothing and loses nothing.
 */
async function assertMatchesDecide(baseUrl: string, policy: Policy, methods: readonly string[]): Promise<void> {
  const origins = [
    APP, PREVIEW, 'https://a.b.preview.example.com', EVIL, 'http://app.example.com', 'https://app.example.com:443', 'https://app.example.com:8443',
    'https://APP.example.com', `${APP}/`, `${APP}.`, 'https://evilapp.example.com', 'https://preview.example.com', 'app.example.com', 'null', '',
  ];
  const token = fc.stringMatching(/^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,12}$/);
  const garbage = fc.string({ unit: fc.constantFrom(...'abcXYZ09:/.-_*,; "\'()<>[]{}?=@\\%'.split('')), maxLength: 40 });
  const origin = fc.oneof(
    fc.constantFrom(...origins),
    garbage,
    fc.tuple(fc.constantFrom(...origins), fc.constantFrom(...origins)).map((pair) => [...pair]),
  );
  const names = fc.array(fc.constantFrom('content-type', 'authorization', 'x-requested-with', 'x-request-id', 'accept', 'x-secret'), { minLength: 1, maxLength: 5 });
  const request = fc.record({
    method: fc.constantFrom(...methods),
    origin: fc.option(origin, { nil: undefined }),
    requestMethod: fc.option(fc.oneof(fc.constantFrom('PUT', 'DELETE', 'PATCH', 'patch', 'GET', 'PURGE', 'CONNECT', 'a b', 'PUT, GET', ''), token), { nil: undefined }),
    requestHeaders: fc.option(
      fc.oneof(
        fc.constantFrom('content-type', 'x-requested-with,content-type', 'Content-Type, Authorization', 'x-secret', ',,,', 'content-type,,x-requested-with', 'content-type;x', ''),
        names.map((list) => list.join(',')),
        garbage,
      ),
      { nil: undefined },
    ),
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
      const res = await send(baseUrl, { method: r.method, path: '/ok', headers: lines });
      const wantCors = Object.fromEntries(Object.entries(want.headers).map(([k, v]) => [k.toLowerCase(), v]));
      expect(res.cors).toEqual(wantCors);
      // a preflight is answered by CORS; anything else by /ok
      expect(res.status).toBe(want.kind === 'preflight' ? want.status : 200);
      const vary = res.vary.map((n) => n.toLowerCase());
      for (const v of want.vary) expect(vary).toContain(v.toLowerCase());
      expect(vary).toHaveLength(new Set(vary).size);
    }),
    { numRuns: 200 },
  );
}
