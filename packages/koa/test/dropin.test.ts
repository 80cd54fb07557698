/**
 * Drop-in for `@koa/cors` (issue 10): a tutorial configuration, every documented option, and
 * functions of `ctx`, over real HTTP on Koa 2 and 3.
 */
import { describe, expect, it } from 'vitest';
import type { CorsOptions } from '@corsica/core';
import { describeConformance } from '@corsica/conformance/vitest';
import { ADMIN_SITE, LOCAL_DEV, NO_OPTIONS_FIX, SITE, STRANGER, configErrorOf, describeDropIn, expectOptionRow, expectVary, preflight, putPreflight as put, recordReports, send } from '@corsica/test-utils';
import type { OptionRow } from '@corsica/test-utils';
import type { Context } from 'koa';
import { cors } from '../src/index.js';
import type { KoaCorsPackageOptions } from '../src/index.js';
import { KOA, startApp } from './app.js';

const koa3 = KOA.find((v) => v.name === 'Koa 3')!;
const start = (options: KoaCorsPackageOptions, version = koa3) => startApp(version, [cors(options)]);

const allowlist = [SITE, ADMIN_SITE];

/** The usual @koa/cors allowlist: the function answers the origin, or '' to leave CORS out. */
const koaAllowlist = (): KoaCorsPackageOptions => ({
  origin(ctx: Context) {
    const origin = ctx.get('Origin');
    return allowlist.includes(origin) ? origin : '';
  },
  credentials: true,
  allowMethods: ['GET', 'POST', 'PUT', 'DELETE'],
  allowHeaders: ['Content-Type', 'Authorization'],
});

for (const version of KOA) {
  describeDropIn(`@koa/cors on ${version.name}: an allowlist function of ctx with credentials`, () => start(koaAllowlist(), version), {
    allowed: allowlist,
    denied: [STRANGER, LOCAL_DEV],
    credentials: true,
    preflight: { method: 'DELETE', requestHeaders: 'authorization,content-type', headers: { 'access-control-allow-methods': 'GET, POST, PUT, DELETE', 'access-control-allow-headers': 'Content-Type, Authorization' } },
    deniedReason: 'origin-not-allowed',
  });
}

describe('@koa/cors’s defaults, refused', () => {
  it.each([
    { desc: 'cors() with no options (@koa/cors allowed every origin)', call: () => (cors as (o?: unknown) => unknown)(), code: 'origin.missing' },
    { desc: 'cors({})', call: () => (cors as (o?: unknown) => unknown)({}), code: 'origin.missing' },
    { desc: 'credentials without an origin (@koa/cors reflected every origin with cookies)', call: () => cors({ credentials: true, allowMethods: 'GET' } as never), code: 'origin.missing' },
    { desc: 'a credentials function with origin "*", refused for its "true" answer', call: () => cors({ origin: '*', credentials: () => true }), code: 'origin.wildcard-with-credentials' },
    { desc: 'allowHeaders and allowedHeaders both', call: () => cors({ origin: SITE, allowHeaders: 'X-A', allowedHeaders: ['X-B'] }), code: 'option.conflict' },
    { desc: 'keepHeadersOnError that is not a boolean', call: () => cors({ origin: SITE, keepHeadersOnError: 'yes' } as never), code: 'option.invalid-type' },
  ])('refuses $desc at start-up', async ({ call, code }) => {
    expect((await configErrorOf(call)).problems.map((p) => p.code)).toContain(code);
  });

  it('names the three ways out of cors()', () => {
    expect(() => (cors as (o?: unknown) => unknown)()).toThrow(NO_OPTIONS_FIX);
  });
});

// --- every documented @koa/cors option -----------------------------------------------------------


const listed = { allowMethods: 'PUT', allowHeaders: 'Content-Type' } as const;
const putOk = (origin: string) => ({ 'access-control-allow-origin': origin, 'access-control-allow-methods': 'PUT', 'access-control-allow-headers': 'Content-Type' });

const optionRows: readonly OptionRow<KoaCorsPackageOptions>[] = [
  { option: 'origin', desc: 'a string', options: { origin: SITE, ...listed }, request: { headers: [['Origin', SITE]] }, status: 200, cors: { 'access-control-allow-origin': SITE } },
  { option: 'origin', desc: '"*"', options: { origin: '*', ...listed }, request: { headers: [['Origin', STRANGER]] }, status: 200, cors: { 'access-control-allow-origin': '*' } },
  { option: 'origin', desc: 'a function of ctx answering the origin', options: { origin: (ctx: Context) => (ctx.path === '/ok' ? ctx.get('Origin') : ''), ...listed }, request: { headers: [['Origin', STRANGER]] }, status: 200, cors: { 'access-control-allow-origin': STRANGER } },
  { option: 'origin', desc: 'a function of ctx answering "*" allows that origin', options: { origin: async () => '*', ...listed }, request: { headers: [['Origin', STRANGER]] }, status: 200, cors: { 'access-control-allow-origin': STRANGER } },
  { option: 'origin', desc: 'a function answering another origin: compared, never echoed', options: { origin: () => SITE, ...listed }, request: { headers: [['Origin', STRANGER]] }, status: 200, cors: {} },
  { option: 'allowMethods', desc: 'a comma-separated string', options: { origin: SITE, allowMethods: 'GET,PUT', allowHeaders: 'Content-Type' }, request: put(SITE), status: 204, cors: { ...putOk(SITE), 'access-control-allow-methods': 'GET, PUT' } },
  { option: 'allowMethods', desc: 'a list', options: { origin: SITE, allowMethods: ['PUT', 'PATCH'], allowHeaders: 'Content-Type' }, request: put(SITE), status: 204, cors: { ...putOk(SITE), 'access-control-allow-methods': 'PUT, PATCH' } },
  { option: 'allowMethods', desc: 'left out: @koa/cors’s methods, with a warning', options: { origin: SITE, allowHeaders: 'Content-Type' }, request: { method: 'OPTIONS', headers: preflight(SITE, 'PATCH') }, status: 204, cors: { 'access-control-allow-origin': SITE, 'access-control-allow-methods': 'GET, HEAD, PUT, POST, DELETE, PATCH', 'access-control-allow-headers': 'Content-Type' }, warnings: ['dropin.peer-defaults'] },
  { option: 'allowHeaders', desc: 'a comma-separated string', options: { origin: SITE, allowMethods: 'PUT', allowHeaders: 'Content-Type,X-Api-Key' }, request: put(SITE, 'x-api-key'), status: 204, cors: { ...putOk(SITE), 'access-control-allow-headers': 'Content-Type, X-Api-Key' } },
  { option: 'allowHeaders', desc: 'left out: the requested names, checked and echoed, with a warning', options: { origin: SITE, allowMethods: 'PUT' }, request: put(SITE, 'authorization,x-anything'), status: 204, cors: { ...putOk(SITE), 'access-control-allow-headers': 'authorization,x-anything' }, warnings: ['dropin.peer-defaults'] },
  { option: 'exposeHeaders', desc: 'a comma-separated string', options: { origin: SITE, exposeHeaders: 'X-Total-Count,X-Request-Id', ...listed }, request: { headers: [['Origin', SITE]] }, status: 200, cors: { 'access-control-allow-origin': SITE, 'access-control-expose-headers': 'X-Total-Count, X-Request-Id' } },
  { option: 'maxAge', desc: 'a numeric string', options: { origin: SITE, maxAge: '600', ...listed }, request: put(SITE), status: 204, cors: { ...putOk(SITE), 'access-control-max-age': '600' } },
  { option: 'credentials', desc: 'true', options: { origin: [SITE, ADMIN_SITE], credentials: true, ...listed }, request: { headers: [['Origin', ADMIN_SITE]] }, status: 200, cors: { 'access-control-allow-origin': ADMIN_SITE, 'access-control-allow-credentials': 'true' } },
  { option: 'credentials', desc: 'a function of ctx answering true', options: { origin: [SITE, ADMIN_SITE], credentials: (ctx: Context) => ctx.get('X-Session') !== '', ...listed }, request: { headers: [['Origin', SITE], ['X-Session', 'yes']] }, status: 200, cors: { 'access-control-allow-origin': SITE, 'access-control-allow-credentials': 'true' } },
  { option: 'credentials', desc: 'a function of ctx answering false', options: { origin: [SITE, ADMIN_SITE], credentials: (ctx: Context) => ctx.get('X-Session') !== '', ...listed }, request: { headers: [['Origin', SITE]] }, status: 200, cors: { 'access-control-allow-origin': SITE } },
  { option: 'keepHeadersOnError', desc: 'true: the 500 keeps the CORS headers', options: { origin: [SITE, ADMIN_SITE], keepHeadersOnError: true, ...listed }, request: { path: '/error', headers: [['Origin', SITE]] }, status: 500, cors: { 'access-control-allow-origin': SITE } },
  { option: 'keepHeadersOnError', desc: 'false: kept all the same, with a warning', options: { origin: [SITE, ADMIN_SITE], keepHeadersOnError: false, ...listed }, request: { path: '/error', headers: [['Origin', SITE]] }, status: 500, cors: { 'access-control-allow-origin': SITE }, warnings: ['dropin.option-ignored'] },
  { option: 'secureContext', desc: 'true: cross-origin isolation headers', options: { origin: SITE, secureContext: true, ...listed }, request: { headers: [['Origin', SITE]] }, status: 200, cors: { 'access-control-allow-origin': SITE }, headers: { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' } },
  { option: 'secureContext', desc: 'false: none', options: { origin: SITE, secureContext: false, ...listed }, request: { headers: [['Origin', SITE]] }, status: 200, cors: { 'access-control-allow-origin': SITE }, headers: { 'cross-origin-opener-policy': undefined } },
  { option: 'privateNetworkAccess', desc: 'true: the legacy Private Network Access answer, with the core’s warning', options: { origin: SITE, privateNetworkAccess: true, ...listed }, request: { method: 'OPTIONS', headers: [...preflight(SITE, 'PUT'), ['Access-Control-Request-Private-Network', 'true']] }, status: 204, cors: { ...putOk(SITE), 'access-control-allow-private-network': 'true' }, warnings: ['privateNetwork.legacy'] },
];

describe('every documented @koa/cors option, on Koa 3', () => {
  it.each(optionRows)('$option: $desc', (row) => expectOptionRow(row, (options, onWarning) => start({ ...options, onWarning })));

  it('calls an origin function with the real ctx on every request with an Origin, never for requests without one', async () => {
    const seen: string[] = [];
    const app = await start({
      origin: (ctx: Context) => {
        seen.push(`${ctx.method} ${ctx.path}`);
        return ctx.get('Origin');
      },
      ...listed,
    });
    try {
      await send(app.baseUrl, { path: '/ok', headers: [['Origin', SITE]] });
      await send(app.baseUrl, { path: '/vary', headers: [['Origin', SITE]] });
      await send(app.baseUrl, { path: '/ok' });
      expect(seen).toEqual(['GET /ok', 'GET /vary']);
    } finally {
      await app.close();
    }
  });

  it('denies without a 5xx when the origin function throws, reported as origin-callback-error', async () => {
    const heard = recordReports();
    const app = await start({
      origin: () => {
        throw new Error('tenant lookup failed');
      },
      ...listed,
      ...heard.hooks,
    });
    try {
      const res = await send(app.baseUrl, { path: '/decision', headers: [['Origin', SITE]] });
      expect(res.status).toBe(200);
      expect(JSON.parse(res.body)).toMatchObject({ allowed: false, reason: 'origin-callback-error' });
      expectVary(res, ['Origin']);
      expect(heard.errors.map((e) => (e.error as Error).message)).toEqual([expect.stringMatching(/tenant lookup failed/)]);
    } finally {
      await app.close();
    }
  });

  it('answers without credentials when the credentials function throws, and reports it', async () => {
    const heard = recordReports();
    const app = await start({
      origin: [SITE, ADMIN_SITE],
      credentials: () => {
        throw new Error('session store down');
      },
      ...listed,
      ...heard.hooks,
    });
    try {
      const res = await send(app.baseUrl, { path: '/ok', headers: [['Origin', SITE]] });
      expect(res.status).toBe(200);
      expect(res.cors).toEqual({ 'access-control-allow-origin': SITE });
      expect(heard.errors.map((e) => e.context)).toEqual([{ phase: 'adapter' }]);
    } finally {
      await app.close();
    }
  });

  it('reads a one-parameter origin function as Corsica’s (origin) => boolean when no @koa/cors option is given', async () => {
    const app = await startApp(koa3, [cors({ origin: (origin) => origin.endsWith('.example.com') })]);
    try {
      const res = await send(app.baseUrl, { path: '/ok', headers: [['Origin', ADMIN_SITE]] });
      expect(res.cors).toEqual({ 'access-control-allow-origin': ADMIN_SITE });
    } finally {
      await app.close();
    }
  });
});

// --- the conformance kit, judging a drop-in configuration ----------------------------------------

const sameAsAllowlist: CorsOptions = { origin: allowlist, credentials: true, methods: ['GET', 'POST', 'PUT', 'DELETE'], allowedHeaders: ['Content-Type', 'Authorization'] };
describeConformance('@corsica/koa drop-in on Koa 3', () => start({ ...koaAllowlist(), onWarning: false }), {
  policies: { '@koa/cors allowlist of ctx': sameAsAllowlist },
});
