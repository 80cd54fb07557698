/**
 * Drop-in for `@elysiajs/cors`: its README's configurations, every documented option, origin
 * functions of the Request, and its open defaults refused, over real HTTP (Elysia's `app.handle`
 * on node:http, so functions and hooks reach the app).
 */
import { describe, expect, it } from 'vitest';
import type { CorsOptions } from '@corsica/core';
import { describeConformance } from '@corsica/conformance/vitest';
import { ADMIN_SITE, NETLIFY_SITE, NO_OPTIONS_FIX, SITE, STRANGER, configErrorOf, describeDropIn, expectOptionRow, preflight, putPreflight as put, recordReports, send } from '@corsica/test-utils';
import type { OptionRow } from '@corsica/test-utils';
import { cors } from '../src/index.js';
import type { ElysiaCorsPackageOptions } from '../src/index.js';
import { startOnNode } from './serve.js';

const start = (options: ElysiaCorsPackageOptions) => startOnNode([options as CorsOptions]);
const anyCors = cors as (options?: unknown) => unknown;

/** A typical @elysiajs/cors set-up: listed origins, comma-separated methods and headers. */
const listed = (): ElysiaCorsPackageOptions => ({
  origin: [SITE, ADMIN_SITE],
  methods: 'GET, POST, PUT',
  allowedHeaders: 'Content-Type, Authorization',
  exposeHeaders: ['X-Request-Id'],
  maxAge: 600,
});

const one = recordReports();
describeDropIn('@elysiajs/cors: listed origins, comma-separated lists, its credentials default', () => start({ ...listed(), ...one.hooks }), {
  allowed: [SITE, ADMIN_SITE],
  denied: [STRANGER, 'https://www.example.com.evil.test', 'http://www.example.com'],
  credentials: true,
  preflight: { method: 'PUT', requestHeaders: 'authorization,content-type', headers: { 'access-control-allow-methods': 'GET, POST, PUT', 'access-control-allow-headers': 'Content-Type, Authorization', 'access-control-max-age': '600' } },
  deniedReason: 'origin-not-allowed',
});
it('warned at start-up about nothing: every open default was replaced', () => {
  expect(one.warnings).toEqual([]);
  expect(one.errors).toEqual([]);
});

const tenant = (request: Request) => request.headers.get('X-Tenant') === 'a';
describeDropIn('@elysiajs/cors: an origin function of the Request next to a listed origin', () => start({ origin: [SITE, (request: Request) => new URL(request.headers.get('origin') ?? 'x:').hostname.endsWith('.netlify.app')], credentials: false, allowedHeaders: ['Content-Type'], methods: ['PATCH'], preflight: true }), {
  allowed: [SITE, NETLIFY_SITE],
  denied: [STRANGER],
  credentials: false,
  preflight: { method: 'PATCH', requestHeaders: 'content-type', headers: { 'access-control-allow-methods': 'PATCH', 'access-control-allow-headers': 'Content-Type' } },
  deniedReason: 'origin-not-allowed',
});

describe('@elysiajs/cors’s open defaults, refused at start-up with the fix', () => {
  it.each([
    { desc: 'cors() with no options (reflected every origin, with credentials)', call: () => anyCors(), code: 'origin.missing' },
    { desc: 'cors({})', call: () => anyCors({}), code: 'origin.missing' },
    { desc: 'origin: true with its default credentials', call: () => anyCors({ origin: true, preflight: true }), code: 'origin.wildcard-with-credentials' },
    { desc: 'origin: true with credentials: true', call: () => anyCors({ origin: true, credentials: true }), code: 'origin.wildcard-with-credentials' },
    { desc: 'exposeHeaders: true (every request header name exposed)', call: () => anyCors({ origin: [SITE], exposeHeaders: true }), code: 'option.invalid-type' },
    { desc: 'origin: false', call: () => anyCors({ origin: false }), code: 'option.invalid-type' },
    { desc: 'an unanchored RegExp (tested anywhere in the origin)', call: () => anyCors({ origin: /example\.com/, preflight: true }), code: 'origin.regexp-unanchored' },
    { desc: 'a host without its scheme (matched any scheme)', call: () => anyCors({ origin: 'www.example.com', preflight: true }), code: 'origin.missing-scheme' },
    { desc: 'methods "*" with its default credentials', call: () => anyCors({ origin: [SITE], methods: '*', preflight: true }), code: 'methods.wildcard-with-credentials' },
  ])('refuses $desc', async ({ call, code }) => {
    expect((await configErrorOf(call)).problems.map((p) => p.code)).toContain(code);
  });

  it('names the three ways out of cors()', () => {
    expect(() => anyCors()).toThrow(NO_OPTIONS_FIX);
  });

  it('says what to write instead of exposeHeaders: true', async () => {
    const error = await configErrorOf(() => anyCors({ origin: [SITE], exposeHeaders: true }));
    expect(error.problems.find((p) => p.path === 'exposeHeaders')?.fix).toMatch(/exposeHeaders: \["X-Request-Id"\]/);
  });
});

const putOk = (origin: string) => ({ 'access-control-allow-origin': origin, 'access-control-allow-methods': 'PUT', 'access-control-allow-headers': 'Content-Type' });
const base = { methods: ['PUT'], allowedHeaders: ['Content-Type'], credentials: false } as const;

const optionRows: readonly OptionRow<ElysiaCorsPackageOptions>[] = [
  { option: 'origin', desc: 'a string', options: { origin: SITE, ...base, preflight: true }, request: { headers: [['Origin', SITE]] }, status: 200, cors: { 'access-control-allow-origin': SITE } },
  { option: 'origin', desc: 'an anchored RegExp', options: { origin: /^https:\/\/[a-z-]+\.netlify\.app$/, ...base, preflight: true }, request: { headers: [['Origin', NETLIFY_SITE]] }, status: 200, cors: { 'access-control-allow-origin': NETLIFY_SITE } },
  { option: 'origin', desc: 'a function of the Request answering true', options: { origin: tenant, ...base, preflight: true }, request: { headers: [['Origin', STRANGER], ['X-Tenant', 'a']] }, status: 200, cors: { 'access-control-allow-origin': STRANGER } },
  { option: 'origin', desc: 'a function of the Request answering false', options: { origin: tenant, ...base, preflight: true }, request: { headers: [['Origin', STRANGER], ['X-Tenant', 'b']] }, status: 200, cors: {} },
  { option: 'origin', desc: 'true without credentials: "*", with a warning', options: { origin: true, credentials: false, methods: ['PUT'], allowedHeaders: ['Content-Type'] }, request: { headers: [['Origin', STRANGER]] }, status: 200, cors: { 'access-control-allow-origin': '*' }, warnings: ['dropin.reflect-origin'] },
  { option: 'methods', desc: 'a comma-separated string', options: { origin: SITE, methods: 'GET, PUT', allowedHeaders: ['Content-Type'], credentials: false, preflight: true }, request: put(SITE), status: 204, cors: { ...putOk(SITE), 'access-control-allow-methods': 'GET, PUT' } },
  { option: 'methods', desc: 'true: @elysiajs/cors’s common methods, with a warning', options: { origin: SITE, methods: true, allowedHeaders: ['Content-Type'], credentials: false }, request: put(SITE), status: 204, cors: { ...putOk(SITE), 'access-control-allow-methods': 'GET, HEAD, PUT, POST, DELETE, PATCH' }, warnings: ['dropin.peer-defaults'] },
  { option: 'methods', desc: 'false: only the methods browsers never preflight', options: { origin: SITE, methods: false, allowedHeaders: ['Content-Type'], credentials: false }, request: put(SITE), status: 403, cors: {} },
  { option: 'allowedHeaders', desc: 'a comma-separated string', options: { origin: SITE, methods: ['PUT'], allowedHeaders: 'Content-Type, X-Api-Key', credentials: false, preflight: true }, request: put(SITE, 'x-api-key'), status: 204, cors: { ...putOk(SITE), 'access-control-allow-headers': 'Content-Type, X-Api-Key' } },
  { option: 'allowedHeaders', desc: 'true: the requested names, checked and echoed, with a warning', options: { origin: SITE, methods: ['PUT'], allowedHeaders: true, credentials: false }, request: put(SITE, 'authorization,x-anything'), status: 204, cors: { ...putOk(SITE), 'access-control-allow-headers': 'authorization,x-anything' }, warnings: ['dropin.peer-defaults'] },
  { option: 'allowedHeaders', desc: 'true: a forbidden name is never echoed', options: { origin: SITE, methods: ['PUT'], allowedHeaders: true, credentials: false }, request: put(SITE, 'content-type,sec-fetch-user'), status: 403, cors: {}, warnings: ['dropin.peer-defaults'] },
  { option: 'exposeHeaders', desc: 'a comma-separated string', options: { origin: SITE, ...base, exposeHeaders: 'X-Request-Id, X-Total-Count' }, request: { headers: [['Origin', SITE]] }, status: 200, cors: { 'access-control-allow-origin': SITE, 'access-control-expose-headers': 'X-Request-Id, X-Total-Count' } },
  { option: 'credentials', desc: 'left out: true, as @elysiajs/cors sent it', options: { origin: SITE, methods: ['PUT'], allowedHeaders: ['Content-Type'], preflight: true }, request: { headers: [['Origin', SITE]] }, status: 200, cors: { 'access-control-allow-origin': SITE, 'access-control-allow-credentials': 'true' } },
  { option: 'maxAge', desc: 'seconds', options: { origin: SITE, ...base, maxAge: 600, preflight: true }, request: put(SITE), status: 204, cors: { ...putOk(SITE), 'access-control-max-age': '600' } },
  { option: 'preflight', desc: 'false: ignored with a warning, the preflight is still answered', options: { origin: SITE, ...base, preflight: false }, request: put(SITE), status: 204, cors: putOk(SITE), warnings: ['dropin.option-ignored'] },
  { option: 'aot', desc: 'dropped: it is Elysia’s compilation switch', options: { origin: SITE, ...base, aot: false }, request: { headers: [['Origin', SITE]] }, status: 200, cors: { 'access-control-allow-origin': SITE } },
];

describe('every documented @elysiajs/cors option', () => {
  it.each(optionRows)('$option: $desc', (row) => expectOptionRow(row, (options, onWarning) => start({ ...options, onWarning })));

  it('calls an origin function with the Request on every request with an Origin, never without one', async () => {
    const seen: string[] = [];
    const app = await start({
      origin: (request: Request) => {
        seen.push(`${request.method} ${request.headers.get('origin')}`);
        return true;
      },
      ...base,
      preflight: true,
    });
    try {
      await send(app.baseUrl, { path: '/ok', headers: [['Origin', SITE]] });
      await send(app.baseUrl, { path: '/ok' });
      await send(app.baseUrl, { ...put(ADMIN_SITE), path: '/ok' });
      expect(seen).toEqual([`GET ${SITE}`, `OPTIONS ${ADMIN_SITE}`]);
    } finally {
      await app.close();
    }
  });

  it('denies without a 5xx when an origin function throws, and reports it to onError', async () => {
    const heard = recordReports();
    const app = await start({
      ...heard.hooks,
      origin: () => {
        throw new Error('tenant lookup failed');
      },
      ...base,
      preflight: true,
    });
    try {
      const res = await send(app.baseUrl, { path: '/decision', headers: [['Origin', SITE]] });
      expect(res.status).toBe(200);
      expect(JSON.parse(res.body)).toMatchObject({ allowed: false });
      const pre = await send(app.baseUrl, { method: 'OPTIONS', path: '/ok', headers: preflight(SITE, 'PUT') });
      expect(pre.status).toBe(403);
      expect(heard.errors.map((e) => String((e.error as Error).message))).toEqual([expect.stringMatching(/tenant lookup failed/), expect.stringMatching(/tenant lookup failed/)]);
    } finally {
      await app.close();
    }
  });
});

// the conformance kit, judging drop-in configurations written the @elysiajs/cors way
const sameAsListed: CorsOptions = { origin: [SITE, ADMIN_SITE], methods: ['GET', 'POST', 'PUT'], allowedHeaders: ['Content-Type', 'Authorization'], exposedHeaders: ['X-Request-Id'], maxAge: 600, credentials: true };
const asWritten = new Map<CorsOptions, ElysiaCorsPackageOptions>([[sameAsListed, { ...listed(), onWarning: false }]]);
describeConformance('@corsica/elysia drop-in', (policy) => start(asWritten.get(policy)!), { policies: { '@elysiajs/cors listed origins': sameAsListed } });
