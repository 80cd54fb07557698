/**
 * Drop-in for `hono/cors` (issue 10): a tutorial configuration, every documented option, and
 * functions of `(origin, c)`, over real HTTP with @hono/node-server.
 */
import { describe, expect, it } from 'vitest';
import type { CorsOptions } from '@corsica/core';
import { describeConformance } from '@corsica/conformance/vitest';
import { ADMIN_SITE, NETLIFY_SITE, NO_OPTIONS_FIX, SITE, STRANGER, configErrorOf, describeDropIn, expectOptionRow, preflight, putPreflight as put, recordReports, send } from '@corsica/test-utils';
import type { OptionRow } from '@corsica/test-utils';
import { cors } from '../src/index.js';
import type { HonoCorsPackageOptions } from '../src/index.js';
import { startApp } from './app.js';

// Node's own Response: see app.ts (node-server's globals break HEAD in hono 4.13)
const serving = { globals: false };
const start = (options: HonoCorsPackageOptions) => startApp([options as CorsOptions], serving);

/** The hono docs' origin function: subdomains of example.com, otherwise a fixed origin. */
const docsOrigin = (): HonoCorsPackageOptions => ({
  origin: (origin, c) => {
    void c;
    return origin.endsWith('.example.com') ? origin : 'https://example.com';
  },
});

/** The hono docs' option list, with an https origin. */
const docsList = (): HonoCorsPackageOptions => ({
  origin: SITE,
  allowHeaders: ['X-Custom-Header', 'Upgrade-Insecure-Requests'],
  allowMethods: ['POST', 'GET', 'OPTIONS'],
  exposeHeaders: ['X-Kuma-Revision'],
  maxAge: 600,
  credentials: true,
});

const one = recordReports();
describeDropIn('hono/cors: the docs’ origin function (origin, c)', () => start({ ...docsOrigin(), ...one.hooks }), {
  allowed: [SITE, ADMIN_SITE],
  denied: [STRANGER, 'https://example.com.evil.test', 'https://evil-example.com'],
  credentials: false,
  preflight: { method: 'PATCH', requestHeaders: 'content-type,x-custom-header', headers: { 'access-control-allow-methods': 'GET, HEAD, PUT, POST, DELETE, PATCH, QUERY', 'access-control-allow-headers': 'content-type,x-custom-header' } },
  deniedReason: 'origin-not-allowed',
});
it('warned once, at start-up, that hono/cors’s open defaults are kept', () => {
  expect(one.warnings).toEqual(['dropin.peer-defaults']);
  expect(one.errors).toEqual([]);
});

describeDropIn('hono/cors: the docs’ option list', () => start({ ...docsList(), onWarning: false }), {
  allowed: [SITE],
  denied: [ADMIN_SITE, STRANGER],
  credentials: true,
  preflight: { method: 'POST', requestHeaders: 'x-custom-header', headers: { 'access-control-allow-methods': 'POST, GET, OPTIONS', 'access-control-allow-headers': 'X-Custom-Header, Upgrade-Insecure-Requests', 'access-control-max-age': '600' } },
  deniedReason: 'origin-not-allowed',
  fixedOrigin: SITE,
});

describe('hono/cors’s defaults, refused', () => {
  it.each([
    { desc: 'cors() with no options (hono/cors allowed every origin)', call: () => (cors as (o?: unknown) => unknown)(), code: 'origin.missing' },
    { desc: 'cors({})', call: () => (cors as (o?: unknown) => unknown)({}), code: 'origin.missing' },
    { desc: '"*" with credentials', call: () => cors({ origin: '*', credentials: true } as never), code: 'origin.wildcard-with-credentials' },
    { desc: 'an http origin with credentials (the docs’ http://example.com)', call: () => cors({ ...docsList(), origin: 'http://example.com' }), code: 'origin.insecure-with-credentials' },
    { desc: 'allowMethods and methods both', call: () => cors({ origin: SITE, allowMethods: ['GET'], methods: ['PUT'] }), code: 'option.conflict' },
  ])('refuses $desc at start-up', async ({ call, code }) => {
    expect((await configErrorOf(call)).problems.map((p) => p.code)).toContain(code);
  });

  it('names the three ways out of cors()', () => {
    expect(() => (cors as (o?: unknown) => unknown)()).toThrow(NO_OPTIONS_FIX);
  });
});

// --- every documented hono/cors option ---------------------------------------------------------


const listed = { allowMethods: ['PUT'], allowHeaders: ['Content-Type'] } as const;
const putOk = (origin: string) => ({ 'access-control-allow-origin': origin, 'access-control-allow-methods': 'PUT', 'access-control-allow-headers': 'Content-Type' });

const optionRows: readonly OptionRow<HonoCorsPackageOptions>[] = [
  { option: 'origin', desc: 'a string', options: { origin: SITE, ...listed }, request: { headers: [['Origin', SITE]] }, status: 200, cors: { 'access-control-allow-origin': SITE } },
  { option: 'origin', desc: 'a list', options: { origin: [SITE, ADMIN_SITE], ...listed }, request: { headers: [['Origin', ADMIN_SITE]] }, status: 200, cors: { 'access-control-allow-origin': ADMIN_SITE } },
  { option: 'origin', desc: '(origin, c): c is the request’s context', options: { origin: (origin, c) => (c.req.header('X-Tenant') === 'a' ? origin : null), ...listed }, request: { headers: [['Origin', NETLIFY_SITE], ['X-Tenant', 'a']] }, status: 200, cors: { 'access-control-allow-origin': NETLIFY_SITE } },
  { option: 'origin', desc: '(origin, c) answering null denies', options: { origin: (origin, c) => (c.req.header('X-Tenant') === 'a' ? origin : null), ...listed }, request: { headers: [['Origin', NETLIFY_SITE], ['X-Tenant', 'b']] }, status: 200, cors: {} },
  { option: 'origin', desc: 'an async (origin, c) answering "*" allows that origin', options: { origin: async (_origin, c) => (c.req.method === 'GET' ? '*' : undefined), ...listed }, request: { headers: [['Origin', STRANGER]] }, status: 200, cors: { 'access-control-allow-origin': STRANGER } },
  { option: 'origin', desc: 'an answer other than the request’s origin is compared, never echoed', options: { origin: (_origin, c) => (c ? SITE : null), ...listed }, request: { headers: [['Origin', STRANGER]] }, status: 200, cors: {} },
  { option: 'origin', desc: 'a one-parameter function is called once per origin', options: { origin: async (origin: string) => (origin === SITE ? origin : null), ...listed }, request: { headers: [['Origin', SITE]] }, status: 200, cors: { 'access-control-allow-origin': SITE } },
  { option: 'allowMethods', desc: 'a list', options: { origin: SITE, allowMethods: ['GET', 'PUT'], allowHeaders: ['Content-Type'] }, request: put(SITE), status: 204, cors: { ...putOk(SITE), 'access-control-allow-methods': 'GET, PUT' } },
  { option: 'allowMethods', desc: 'left out: hono/cors’s methods, with a warning', options: { origin: SITE, allowHeaders: ['Content-Type'] }, request: { method: 'OPTIONS', headers: preflight(SITE, 'DELETE') }, status: 204, cors: { 'access-control-allow-origin': SITE, 'access-control-allow-methods': 'GET, HEAD, PUT, POST, DELETE, PATCH, QUERY', 'access-control-allow-headers': 'Content-Type' }, warnings: ['dropin.peer-defaults'] },
  { option: 'allowMethods', desc: 'a function of (origin, c), for OPTIONS requests', options: { origin: [SITE, ADMIN_SITE], allowMethods: (origin) => (origin === ADMIN_SITE ? ['PUT', 'DELETE'] : ['GET']), allowHeaders: ['Content-Type'] }, request: { method: 'OPTIONS', headers: preflight(ADMIN_SITE, 'DELETE') }, status: 204, cors: { 'access-control-allow-origin': ADMIN_SITE, 'access-control-allow-methods': 'PUT, DELETE', 'access-control-allow-headers': 'Content-Type' } },
  { option: 'allowMethods', desc: 'a function: another origin’s answer denies the method', options: { origin: [SITE, ADMIN_SITE], allowMethods: (origin) => (origin === ADMIN_SITE ? ['PUT', 'DELETE'] : ['GET']), allowHeaders: ['Content-Type'] }, request: { method: 'OPTIONS', headers: preflight(SITE, 'DELETE') }, status: 403, cors: {} },
  { option: 'allowHeaders', desc: 'a list', options: { origin: SITE, allowMethods: ['PUT'], allowHeaders: ['Content-Type', 'X-Api-Key'] }, request: put(SITE, 'x-api-key'), status: 204, cors: { ...putOk(SITE), 'access-control-allow-headers': 'Content-Type, X-Api-Key' } },
  { option: 'allowHeaders', desc: 'an empty list: the requested names, checked and echoed, with a warning', options: { origin: SITE, allowMethods: ['PUT'], allowHeaders: [] }, request: put(SITE, 'authorization,x-anything'), status: 204, cors: { ...putOk(SITE), 'access-control-allow-headers': 'authorization,x-anything' }, warnings: ['dropin.peer-defaults'] },
  { option: 'allowHeaders', desc: 'left out: a forbidden name is never echoed', options: { origin: SITE, allowMethods: ['PUT'] }, request: put(SITE, 'content-type,sec-fetch-user'), status: 403, cors: {}, warnings: ['dropin.peer-defaults'] },
  { option: 'exposeHeaders', desc: 'a list', options: { origin: SITE, exposeHeaders: ['X-Kuma-Revision'] }, request: { headers: [['Origin', SITE]] }, status: 200, cors: { 'access-control-allow-origin': SITE, 'access-control-expose-headers': 'X-Kuma-Revision' }, warnings: ['dropin.peer-defaults'] },
  { option: 'maxAge', desc: 'seconds', options: { origin: SITE, maxAge: 600, ...listed }, request: put(SITE), status: 204, cors: { ...putOk(SITE), 'access-control-max-age': '600' } },
  { option: 'credentials', desc: 'true', options: { origin: [SITE, ADMIN_SITE], credentials: true, ...listed }, request: { headers: [['Origin', SITE]] }, status: 200, cors: { 'access-control-allow-origin': SITE, 'access-control-allow-credentials': 'true' } },
];

describe('every documented hono/cors option', () => {
  it.each(optionRows)('$option: $desc', (row) => expectOptionRow(row, (options, onWarning) => start({ ...options, onWarning })));

  it('calls (origin, c) on every request with an Origin, never for requests without one', async () => {
    const seen: string[] = [];
    const app = await start({
      origin: (origin, c) => {
        seen.push(`${c.req.method} ${origin}`);
        return origin;
      },
      ...listed,
    });
    try {
      await send(app.baseUrl, { path: '/ok', headers: [['Origin', SITE]] });
      await send(app.baseUrl, { path: '/ok', headers: [['Origin', SITE]] });
      await send(app.baseUrl, { path: '/ok' });
      await send(app.baseUrl, { ...put(ADMIN_SITE), path: '/ok' });
      expect(seen).toEqual([`GET ${SITE}`, `GET ${SITE}`, `OPTIONS ${ADMIN_SITE}`]);
    } finally {
      await app.close();
    }
  });

  it.each([
    { desc: 'throws', origin: () => { throw new Error('tenant lookup failed'); } },
    { desc: 'rejects', origin: async () => Promise.reject(new Error('tenant lookup failed')) },
    { desc: 'answers an Error', origin: () => new Error('tenant lookup failed') },
  ])('denies without a 5xx when (origin, c) $desc, reported as origin-callback-error', async ({ origin }) => {
    const heard = recordReports();
    const app = await start({ origin: (o: string, c: unknown) => (c ? origin() : o), ...listed, ...heard.hooks });
    try {
      const res = await send(app.baseUrl, { path: '/decision', headers: [['Origin', SITE]] });
      expect(res.status).toBe(200);
      expect(JSON.parse(res.body)).toMatchObject({ allowed: false, reason: 'origin-callback-error' });
      expect(heard.errors.map((e) => (e.error as Error).message)).toEqual([expect.stringMatching(/tenant lookup failed/)]);
    } finally {
      await app.close();
    }
  });

  it('answers a preflight with only the safelisted methods when allowMethods throws, and reports it', async () => {
    const heard = recordReports();
    const app = await start({
      origin: SITE,
      allowMethods: () => {
        throw new Error('method table down');
      },
      allowHeaders: ['Content-Type'],
      ...heard.hooks,
    });
    try {
      const res = await send(app.baseUrl, { ...put(SITE), path: '/ok' });
      expect(res.status).toBe(403);
      const post = await send(app.baseUrl, { method: 'OPTIONS', path: '/ok', headers: preflight(SITE, 'POST') });
      expect(post.status).toBe(204);
      expect(heard.errors.map((e) => e.context.phase)).toEqual(['adapter', 'adapter']);
    } finally {
      await app.close();
    }
  });
});

// --- the conformance kit, judging a drop-in configuration ----------------------------------------

const sameAsDocsList: CorsOptions = { origin: SITE, allowedHeaders: ['X-Custom-Header', 'Upgrade-Insecure-Requests'], methods: ['POST', 'GET', 'OPTIONS'], exposedHeaders: ['X-Kuma-Revision'], maxAge: 600, credentials: true };
const sameAsTwoSites: CorsOptions = { origin: [SITE, ADMIN_SITE], methods: 'GET,HEAD,PUT,POST,DELETE,PATCH,QUERY', mirrorRequestHeaders: true };
const asWritten = new Map<CorsOptions, HonoCorsPackageOptions>([
  [sameAsDocsList, { ...docsList(), onWarning: false }],
  [sameAsTwoSites, { origin: (origin, c) => (c && [SITE, ADMIN_SITE].includes(origin) ? origin : null), onWarning: false }],
]);
describeConformance('@corsica/hono drop-in', (policy) => start(asWritten.get(policy)!), {
  policies: { 'hono/cors docs list': sameAsDocsList, 'hono/cors (origin, c) allowlist': sameAsTwoSites },
});
