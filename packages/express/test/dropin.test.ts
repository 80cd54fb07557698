/**
 * Drop-in for the `cors` package (issue 10): the tutorials' configurations, every documented
 * `cors` option, origin callbacks and options delegates, over real HTTP on Express 4 and 5.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { CorsConfigError, createPolicy } from '@corsica/core';
import type { CorsOptions } from '@corsica/core';
import { describeConformance } from '@corsica/conformance/vitest';
import { ADMIN_SITE, LOCAL_DEV, NETLIFY_SITE, SITE, STRANGER, configErrorOf, describeDropIn, expectOptionRow, expectVary, preflight, recordReports, send } from '@corsica/test-utils';
import type { OptionRow, TestApp } from '@corsica/test-utils';
import type { CorsOptionsDelegate, CorsPackageOptions, CorsRequest } from '../src/index.js';
import { cors } from '../src/index.js';
import { EXPRESS, startApp } from './app.js';

const express5 = EXPRESS.find((v) => v.major === 5)!;

/** What a test hears from Corsica: warnings (by code) and onError reports. */
// --- the tutorials' configurations (issue 10), as their authors wrote them ---------------------

const allowlist = [SITE, ADMIN_SITE];

/** 1: an allowlist checked by a callback; no Origin passes (curl, mobile apps); credentials. */
const config1 = (): CorsPackageOptions => ({
  origin: (origin, callback) => {
    if (!origin) return callback(null, true);
    if (allowlist.indexOf(origin) === -1) return callback(new Error('Not allowed by CORS'));
    return callback(null, true);
  },
  credentials: true,
});

/** 2: an origin array, methods with PATCH, two allowed headers. */
const config2 = (): CorsPackageOptions => ({
  origin: [SITE, ADMIN_SITE],
  methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
  allowedHeaders: ['Content-Type', 'Authorization'],
});

/** 3: one exact origin with credentials and a day of preflight cache. */
const config3 = (): CorsPackageOptions => ({
  origin: SITE,
  credentials: true,
  methods: ['GET', 'POST', 'PUT', 'DELETE'],
  allowedHeaders: ['Content-Type', 'Authorization'],
  maxAge: 86400,
});

const whitelist = [SITE, NETLIFY_SITE, LOCAL_DEV];

/** 4: a callback over production, a deploy-preview host and localhost; methods as a string. */
const config4 = (): CorsPackageOptions => ({
  origin: (origin, callback) => {
    if (!origin || whitelist.indexOf(origin) !== -1) callback(null, true);
    else callback(new Error('Not allowed by CORS'));
  },
  methods: 'GET,HEAD,PUT,PATCH,POST,DELETE',
  credentials: true,
  optionsSuccessStatus: 204,
});

describe.each(EXPRESS)('the tutorials’ configurations on $name', (version) => {
  const one = recordReports();
  describeDropIn('configuration 1: a callback allowlist with credentials', () => startApp(version, [cors({ ...config1(), ...one.hooks })]), {
    allowed: allowlist,
    denied: [STRANGER, 'https://www.example.com.evil.test'],
    credentials: true,
    // left out: cors's methods and mirrored request headers
    preflight: { method: 'DELETE', requestHeaders: 'content-type,x-requested-with', headers: { 'access-control-allow-methods': 'GET, HEAD, PUT, PATCH, POST, DELETE', 'access-control-allow-headers': 'content-type,x-requested-with' } },
    deniedReason: 'origin-callback-error',
  });
  it('configuration 1 warns once, at start-up, naming the options that would tighten it, and reports each refused origin to onError', () => {
    expect(one.warnings).toEqual(['dropin.peer-defaults']);
    expect(one.errors.length).toBeGreaterThan(0);
    for (const { error, context } of one.errors) {
      expect(context.phase).toBe('origin-resolver');
      expect((error as Error).message).toMatch(/^corsica: the origin callback reported an error.*Not allowed by CORS/);
    }
  });

  describeDropIn('configuration 2: an origin array with methods and headers', () => startApp(version, [cors(config2())]), {
    allowed: allowlist,
    denied: [STRANGER],
    credentials: false,
    preflight: { method: 'PATCH', requestHeaders: 'authorization,content-type', headers: { 'access-control-allow-methods': 'GET, POST, PUT, PATCH, DELETE', 'access-control-allow-headers': 'Content-Type, Authorization' } },
    deniedReason: 'origin-not-allowed',
  });

  const three = recordReports();
  describeDropIn('configuration 3: one exact origin with credentials and maxAge 86400', () => startApp(version, [cors({ ...config3(), onWarning: three.hooks.onWarning })]), {
    allowed: [SITE],
    denied: [ADMIN_SITE, STRANGER],
    credentials: true,
    preflight: { method: 'PUT', requestHeaders: 'content-type', headers: { 'access-control-max-age': '86400', 'access-control-allow-headers': 'Content-Type, Authorization' } },
    deniedReason: 'origin-not-allowed',
    fixedOrigin: SITE,
  });
  it('configuration 3 is told at start-up that Chromium caps maxAge at 7200', () => {
    expect(three.warnings).toEqual(['maxAge.above-browser-cap']);
  });

  const four = recordReports();
  describeDropIn('configuration 4: a callback over production, a preview host and localhost', () => startApp(version, [cors({ ...config4(), ...four.hooks })]), {
    allowed: whitelist,
    denied: ['https://other-site.netlify.app', 'http://localhost:3001', 'https://example.com'],
    credentials: true,
    preflight: { method: 'PATCH', requestHeaders: 'authorization,content-type', status: 204, headers: { 'access-control-allow-methods': 'GET, HEAD, PUT, PATCH, POST, DELETE', 'access-control-allow-headers': 'authorization,content-type' } },
    deniedReason: 'origin-callback-error',
  });

  describe('configuration 5: cors() and origin: true, "for development"', () => {
    it.each([
      { desc: 'cors() with no options', call: () => (cors as (o?: unknown) => unknown)() },
      { desc: 'cors({})', call: () => (cors as (o?: unknown) => unknown)({}) },
    ])('refuses $desc at start-up, naming the three ways out', ({ call }) => {
      expect(call).toThrow(CorsConfigError);
      expect(call).toThrow(/origin: \["https:\/\/app\.example\.com"\]`\).*`origin: "\*"` on purpose.*`policyFromEnv\(\)`/);
    });

    it('refuses origin: true with credentials at start-up: reflecting every origin with cookies is the classic hole', () => {
      const call = () => cors({ origin: true, credentials: true } as unknown as CorsPackageOptions);
      expect(call).toThrow(CorsConfigError);
      expect(call).toThrow(/\[origin\.wildcard-with-credentials\] `origin: true` reflects every origin.*Fix: List the origins allowed to send credentials/);
    });

    describe('origin: true without credentials', () => {
      const five = recordReports();
      let app: TestApp;
      beforeAll(async () => {
        app = await startApp(version, [cors({ origin: true, onWarning: five.hooks.onWarning })]);
      });
      afterAll(() => app.close());

      it('answers * (what reflecting means without credentials), and says so at start-up', async () => {
        const res = await send(app.baseUrl, { method: 'GET', path: '/ok', headers: [['Origin', STRANGER]] });
        expect(res.status).toBe(200);
        expect(res.cors).toEqual({ 'access-control-allow-origin': '*' });
        const pre = await send(app.baseUrl, { method: 'OPTIONS', path: '/ok', headers: preflight(STRANGER, 'PUT', 'content-type') });
        expect(pre.status).toBe(204);
        expect(pre.cors).toMatchObject({ 'access-control-allow-origin': '*', 'access-control-allow-headers': 'content-type' });
        expect(five.warnings.sort()).toEqual(['dropin.peer-defaults', 'dropin.reflect-origin']);
      });
    });
  });

  describe('configuration 6: app.options(…, cors()) added “to handle preflights”', () => {
    // Express 5's router refuses the bare '*' path itself, so its tutorials write '/{*splat}'
    const everyPath = version.major === 4 ? '*' : '/{*splat}';

    it('refuses the bare cors() of that line at start-up, like configuration 5', () => {
      expect(() => version.create().options(everyPath, (cors as (o?: unknown) => never)())).toThrow(CorsConfigError);
    });

    describe('with the same options on both lines', () => {
      const six = recordReports();
      let app: TestApp;
      beforeAll(async () => {
        const options = { ...config4(), ...six.hooks };
        app = await startApp(version, [cors(options)], (a) => a.options(everyPath, cors(options)));
      });
      afterAll(() => app.close());

      it('stays harmless: preflights get one set of headers, and the app never runs', async () => {
        const res = await send(app.baseUrl, { method: 'OPTIONS', path: '/ok', headers: preflight(SITE, 'PUT', 'content-type') });
        expect(res.status).toBe(204);
        for (const name of Object.keys(res.cors)) expect(res.all(name)).toHaveLength(1);
        expect(res.header('access-control-allow-origin')).toBe(SITE);
        expect(app.counts).toEqual({ handler: 0, auth: 0 });
        const denied = await send(app.baseUrl, { method: 'OPTIONS', path: '/ok', headers: preflight(STRANGER, 'PUT') });
        expect(denied.status).toBe(403);
      });

      it('gives an OPTIONS that is not a preflight one set of headers, and reports the doubled middleware once', async () => {
        for (let i = 0; i < 2; i++) {
          const res = await send(app.baseUrl, { method: 'OPTIONS', path: '/app-options', headers: [['Origin', SITE]] });
          expect(res.status).toBe(200);
          expect(res.body).toBe('app-options');
          expect(res.all('access-control-allow-origin')).toEqual([SITE]);
          expectVary(res, ['Origin']);
        }
        expect(six.errors.filter((e) => e.context.phase === 'adapter')).toHaveLength(1);
      });
    });
  });
});

// --- every documented `cors` option -------------------------------------------------------------


const tellsAll = (origin: CorsPackageOptions['origin']) => ({ origin, methods: 'GET,PUT', allowedHeaders: 'Content-Type' }) as const;

const optionRows: readonly OptionRow<CorsPackageOptions | CorsOptions>[] = [
  { option: 'origin', desc: 'a string: that one origin, sent as is', options: { origin: SITE }, request: { headers: [['Origin', SITE]] }, status: 200, cors: { 'access-control-allow-origin': SITE } },
  { option: 'origin', desc: 'an anchored RegExp: the matching origin, echoed', options: { origin: /^https:\/\/[a-z]+\.example\.com$/ }, request: { headers: [['Origin', ADMIN_SITE]] }, status: 200, cors: { 'access-control-allow-origin': ADMIN_SITE } },
  { option: 'origin', desc: 'a list of strings and RegExps', options: { origin: [SITE, /^https:\/\/[a-z0-9-]+\.netlify\.app$/] }, request: { headers: [['Origin', NETLIFY_SITE]] }, status: 200, cors: { 'access-control-allow-origin': NETLIFY_SITE } },
  { option: 'origin', desc: 'true without credentials: "*", with a warning', options: tellsAll(true), request: { headers: [['Origin', STRANGER]] }, status: 200, cors: { 'access-control-allow-origin': '*' }, warnings: ['dropin.reflect-origin'] },
  { option: 'origin', desc: 'false: CORS off, so even a preflight reaches the app untouched', options: { origin: false }, request: { method: 'OPTIONS', headers: preflight(SITE, 'PUT') }, status: 200, cors: {} },
  { option: 'origin', desc: 'an (origin, callback) function: its answer, awaited', options: { origin: (o, cb) => cb(null, o === SITE), allowedHeaders: [], methods: [] }, request: { headers: [['Origin', SITE]] }, status: 200, cors: { 'access-control-allow-origin': SITE } },
  { option: 'methods', desc: 'a comma-separated string', options: { origin: SITE, methods: 'GET,PUT' }, request: { method: 'OPTIONS', headers: preflight(SITE, 'PUT') }, status: 204, cors: { 'access-control-allow-origin': SITE, 'access-control-allow-methods': 'GET, PUT' } },
  { option: 'methods', desc: 'a list', options: { origin: SITE, methods: ['GET', 'PATCH'] }, request: { method: 'OPTIONS', headers: preflight(SITE, 'PATCH') }, status: 204, cors: { 'access-control-allow-origin': SITE, 'access-control-allow-methods': 'GET, PATCH' } },
  { option: 'methods', desc: 'left out on the drop-in path: cors’s six methods, with a warning', options: { origin: SITE, preflightContinue: false, allowedHeaders: [] }, request: { method: 'OPTIONS', headers: preflight(SITE, 'DELETE') }, status: 204, cors: { 'access-control-allow-origin': SITE, 'access-control-allow-methods': 'GET, HEAD, PUT, PATCH, POST, DELETE' }, warnings: ['dropin.peer-defaults'] },
  { option: 'methods', desc: 'left out with Corsica’s own options: only GET, HEAD and POST', options: { origin: SITE }, request: { method: 'OPTIONS', headers: preflight(SITE, 'DELETE') }, status: 403, cors: {} },
  { option: 'allowedHeaders', desc: 'a comma-separated string', options: { origin: SITE, allowedHeaders: 'Content-Type,X-Api-Key' }, request: { method: 'OPTIONS', headers: preflight(SITE, 'POST', 'content-type,x-api-key') }, status: 204, cors: { 'access-control-allow-origin': SITE, 'access-control-allow-methods': 'GET, HEAD, POST', 'access-control-allow-headers': 'Content-Type, X-Api-Key' } },
  { option: 'allowedHeaders', desc: 'left out on the drop-in path: the requested names, checked and echoed', options: { origin: SITE, methods: 'PUT', preflightContinue: false }, request: { method: 'OPTIONS', headers: preflight(SITE, 'PUT', 'authorization,x-anything') }, status: 204, cors: { 'access-control-allow-origin': SITE, 'access-control-allow-methods': 'PUT', 'access-control-allow-headers': 'authorization,x-anything' }, warnings: ['dropin.peer-defaults'] },
  { option: 'allowedHeaders', desc: 'left out on the drop-in path: a forbidden name is never echoed', options: { origin: SITE, methods: 'PUT', preflightContinue: false }, request: { method: 'OPTIONS', headers: preflight(SITE, 'PUT', 'content-type,proxy-authorization') }, status: 403, cors: {}, warnings: ['dropin.peer-defaults'] },
  { option: 'exposedHeaders', desc: 'a comma-separated string', options: { origin: SITE, exposedHeaders: 'X-Total-Count,X-Request-Id' }, request: { headers: [['Origin', SITE]] }, status: 200, cors: { 'access-control-allow-origin': SITE, 'access-control-expose-headers': 'X-Total-Count, X-Request-Id' } },
  { option: 'credentials', desc: 'true', options: { origin: [SITE, ADMIN_SITE], credentials: true }, request: { headers: [['Origin', ADMIN_SITE]] }, status: 200, cors: { 'access-control-allow-origin': ADMIN_SITE, 'access-control-allow-credentials': 'true' } },
  { option: 'maxAge', desc: 'a number of seconds', options: { origin: SITE, maxAge: 600 }, request: { method: 'OPTIONS', headers: preflight(SITE, 'GET') }, status: 204, cors: { 'access-control-allow-origin': SITE, 'access-control-allow-methods': 'GET, HEAD, POST', 'access-control-max-age': '600' } },
  { option: 'maxAge', desc: 'a numeric string', options: { ...tellsAll(SITE), maxAge: '600' }, request: { method: 'OPTIONS', headers: preflight(SITE, 'PUT') }, status: 204, cors: { 'access-control-allow-origin': SITE, 'access-control-allow-methods': 'GET, PUT', 'access-control-allow-headers': 'Content-Type', 'access-control-max-age': '600' } },
  { option: 'preflightContinue', desc: 'false: accepted silently', options: { ...tellsAll(SITE), preflightContinue: false }, request: { method: 'OPTIONS', headers: preflight(SITE, 'PUT') }, status: 204, cors: { 'access-control-allow-origin': SITE, 'access-control-allow-methods': 'GET, PUT', 'access-control-allow-headers': 'Content-Type' } },
  { option: 'preflightContinue', desc: 'true: Corsica still answers the preflight, with a warning', options: { ...tellsAll(SITE), preflightContinue: true }, request: { method: 'OPTIONS', headers: preflight(SITE, 'PUT') }, status: 204, cors: { 'access-control-allow-origin': SITE, 'access-control-allow-methods': 'GET, PUT', 'access-control-allow-headers': 'Content-Type' }, warnings: ['dropin.option-ignored'] },
  { option: 'optionsSuccessStatus', desc: '200, for old clients', options: { origin: SITE, optionsSuccessStatus: 200 }, request: { method: 'OPTIONS', headers: preflight(SITE, 'GET') }, status: 200, cors: { 'access-control-allow-origin': SITE, 'access-control-allow-methods': 'GET, HEAD, POST' } },
  { option: 'optionsSuccessStatus', desc: '204', options: { origin: SITE, optionsSuccessStatus: 204 }, request: { method: 'OPTIONS', headers: preflight(SITE, 'GET') }, status: 204, cors: { 'access-control-allow-origin': SITE, 'access-control-allow-methods': 'GET, HEAD, POST' } },
];

describe('every documented `cors` option, on Express 5', () => {
  it.each(optionRows)('$option: $desc', (row) => expectOptionRow(row, (options, onWarning) => startApp(express5, [cors({ ...options, onWarning } as CorsPackageOptions)])));

  it.each([
    { option: 'origin', desc: 'true with credentials', options: { origin: true, credentials: true }, code: 'origin.wildcard-with-credentials' },
    { option: 'origin', desc: '"*" with credentials', options: { origin: '*', credentials: true }, code: 'origin.wildcard-with-credentials' },
    { option: 'origin', desc: 'an unanchored RegExp, which also matches example.com.evil.test', options: { origin: /example\.com$/ }, code: 'origin.regexp-unanchored' },
    { option: 'origin', desc: 'an origin with a trailing slash, which no browser sends', options: { origin: 'https://www.example.com/' }, code: 'origin.trailing-slash' },
    { option: 'methods', desc: 'a forbidden method, on the drop-in path too', options: { origin: (o: string | undefined, cb: (e: null, ok: boolean) => void) => cb(null, true), methods: 'GET,TRACE' }, code: 'methods.forbidden' },
    { option: 'maxAge', desc: 'more than a day', options: { origin: SITE, maxAge: '90000' }, code: 'maxAge.invalid' },
    { option: 'preflightContinue', desc: 'not a boolean', options: { origin: SITE, preflightContinue: 'yes' }, code: 'option.invalid-type' },
    { option: 'optionsSuccessStatus', desc: 'a status other than 200 or 204', options: { origin: SITE, optionsSuccessStatus: 202 }, code: 'preflightStatus.invalid' },
  ])('$option: refuses $desc at start-up with a CorsConfigError', async ({ options, code }) => {
    const error = await configErrorOf(() => cors(options as unknown as CorsPackageOptions));
    expect(error.problems.map((p) => p.code)).toContain(code);
    expect(error.message).toMatch(/^corsica: /);
  });

  it('lists every problem at once, the translation’s and the core’s', async () => {
    const error = await configErrorOf(() => cors({ origin: true, credentials: true, methods: 'GET,CONNECT', preflightContinue: 'no' } as unknown as CorsPackageOptions));
    expect(error.problems.map((p) => p.code).sort()).toEqual(['methods.forbidden', 'option.invalid-type', 'origin.wildcard-with-credentials']);
  });
});

// --- origin callbacks -------------------------------------------------------------------------

type Callback = (error: Error | null, origin?: unknown) => void;

describe('an (origin, callback) function, on Express 5', () => {
  const heard = recordReports();
  let app: TestApp;
  const answers: Record<string, (cb: Callback) => unknown> = {
    'https://yes.example.com': (cb) => cb(null, true),
    'https://no.example.com': (cb) => cb(null, false),
    'https://error.example.com': (cb) => cb(new Error('Not allowed by CORS')),
    'https://error-value.example.com': (cb) => cb(null, new Error('answered, not thrown')),
    'https://throws.example.com': () => {
      throw new Error('lookup crashed');
    },
    'https://string.example.com': (cb) => cb(null, 'https://string.example.com'),
    'https://other-string.example.com': (cb) => cb(null, 'https://string.example.com'),
    'https://regexp.example.com': (cb) => cb(null, /^https:\/\/regexp\.example\.com$/),
    'https://loose-regexp.example.com': (cb) => cb(null, /example\.com$/),
    'https://list.example.com': (cb) => cb(null, [SITE, 'https://list.example.com']),
    'https://silent.example.com': () => undefined,
    'https://twice.example.com': (cb) => {
      cb(null, true);
      cb(new Error('too late'));
    },
  };
  beforeAll(async () => {
    const origin = (o: string | undefined, cb: Callback): void => void answers[o!]!(cb);
    app = await startApp(express5, [cors({ origin, methods: 'PUT', allowedHeaders: [], resolverTimeout: 100, originCache: false, ...heard.hooks } as unknown as CorsPackageOptions)]);
  });
  afterAll(() => app.close());
  afterEach(() => {
    heard.errors.length = 0;
  });

  it.each([
    { desc: 'callback(null, true) allows', origin: 'https://yes.example.com', reason: 'origin-allowed', reported: false },
    { desc: 'callback(null, false) denies', origin: 'https://no.example.com', reason: 'origin-not-allowed', reported: false },
    { desc: 'callback(new Error(…)) denies, reported, never a 500', origin: 'https://error.example.com', reason: 'origin-callback-error', reported: true },
    { desc: 'an Error given as the answer denies, reported', origin: 'https://error-value.example.com', reason: 'origin-callback-error', reported: true },
    { desc: 'a throw denies, reported', origin: 'https://throws.example.com', reason: 'origin-callback-error', reported: true },
    { desc: 'the request’s own origin as a string allows (compared, never echoed)', origin: 'https://string.example.com', reason: 'origin-allowed', reported: false },
    { desc: 'another origin as a string denies', origin: 'https://other-string.example.com', reason: 'origin-not-allowed', reported: false },
    { desc: 'an anchored RegExp that matches allows', origin: 'https://regexp.example.com', reason: 'origin-allowed', reported: false },
    { desc: 'an unanchored RegExp denies, reported with Corsica’s fix', origin: 'https://loose-regexp.example.com', reason: 'origin-callback-error', reported: true },
    { desc: 'a list holding the origin allows', origin: 'https://list.example.com', reason: 'origin-allowed', reported: false },
    { desc: 'no answer at all denies after resolverTimeout, reported', origin: 'https://silent.example.com', reason: 'resolver-timeout', reported: true },
    { desc: 'a second call is ignored', origin: 'https://twice.example.com', reason: 'origin-allowed', reported: false },
  ])('$desc', async ({ origin, reason, reported }) => {
    const res = await send(app.baseUrl, { method: 'GET', path: '/decision', headers: [['Origin', origin]] });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ reason });
    expect(res.header('access-control-allow-origin')).toBe(reason === 'origin-allowed' ? origin : undefined);
    const pre = await send(app.baseUrl, { method: 'OPTIONS', path: '/ok', headers: preflight(origin, 'PUT') });
    expect(pre.status).toBe(reason === 'origin-allowed' ? 204 : 403);
    expect(heard.errors.length > 0).toBe(reported);
    for (const { context } of heard.errors) expect(context).toEqual({ phase: 'origin-resolver', origin });
  });
});

// --- the options delegate -----------------------------------------------------------------------

describe('the per-request options delegate, on Express 5', () => {
  it('follows the delegate’s answer per request, varies every answer on Origin, and compiles each distinct answer once', async () => {
    const heard = recordReports();
    // the cors README's delegate: a fresh options object on every request
    const delegate: CorsOptionsDelegate<CorsRequest> = (req, callback) => {
      const listed = allowlist.includes(req.headers.origin ?? '');
      callback(null, listed ? { origin: true, onWarning: heard.hooks.onWarning } : { origin: false });
    };
    const app = await startApp(express5, [cors(delegate)]);
    try {
      for (let i = 0; i < 3; i++) {
        const ok = await send(app.baseUrl, { method: 'GET', path: '/ok', headers: [['Origin', SITE]] });
        expect(ok.cors).toEqual({ 'access-control-allow-origin': '*' });
        expectVary(ok, ['Origin']);
        const pre = await send(app.baseUrl, { method: 'OPTIONS', path: '/ok', headers: preflight(ADMIN_SITE, 'PATCH', 'content-type') });
        expect(pre.status).toBe(204);
        const off = await send(app.baseUrl, { method: 'GET', path: '/ok', headers: [['Origin', STRANGER]] });
        expect(off.status).toBe(200);
        expect(off.cors).toEqual({});
        expectVary(off, ['Origin']);
        // origin: false turns CORS off for that request: its preflight reaches the app
        const passed = await send(app.baseUrl, { method: 'OPTIONS', path: '/ok', headers: preflight(STRANGER, 'PATCH') });
        expect(passed.status).toBe(200);
        expect(passed.body).toBe('ok');
      }
      // one compile of { origin: true } for six requests: its two warnings, once each
      expect(heard.warnings.sort()).toEqual(['dropin.peer-defaults', 'dropin.reflect-origin']);
    } finally {
      await app.close();
    }
  });

  it('uses a policy the delegate answers as it is', async () => {
    const strict = createPolicy({ origin: SITE, credentials: true, methods: ['PUT'] });
    const app = await startApp(express5, [cors((_req, callback) => callback(null, strict))]);
    try {
      const res = await send(app.baseUrl, { method: 'OPTIONS', path: '/ok', headers: preflight(SITE, 'PUT') });
      expect(res.status).toBe(204);
      expect(res.cors).toEqual({ 'access-control-allow-origin': SITE, 'access-control-allow-credentials': 'true', 'access-control-allow-methods': 'PUT' });
    } finally {
      await app.close();
    }
  });

  it.each([
    { desc: 'reports an error', delegate: ((_req, callback) => callback(new Error('tenant database down'))) as CorsOptionsDelegate<CorsRequest>, message: /options delegate reported an error.*tenant database down/ },
    { desc: 'throws', delegate: (() => { throw new Error('delegate crashed'); }) as CorsOptionsDelegate<CorsRequest>, message: /options delegate reported an error.*delegate crashed/ },
    { desc: 'answers options Corsica refuses', delegate: ((_req, callback) => callback(null, { origin: true, credentials: true } as unknown as CorsPackageOptions)) as CorsOptionsDelegate<CorsRequest>, message: /options Corsica refuses[\s\S]*origin\.wildcard-with-credentials/ },
  ])('denies CORS, never with a 5xx, when the delegate $desc, and says so through console.error', async ({ delegate, message }) => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const app = await startApp(express5, [cors(delegate)]);
    try {
      const res = await send(app.baseUrl, { method: 'GET', path: '/decision', headers: [['Origin', SITE]] });
      expect(res.status).toBe(200);
      expect(res.cors).toEqual({});
      expect(JSON.parse(res.body)).toMatchObject({ allowed: false, reason: 'origin-callback-error' });
      const pre = await send(app.baseUrl, { method: 'OPTIONS', path: '/ok', headers: preflight(SITE, 'PUT') });
      expect(pre.status).toBe(403);
      const plain = await send(app.baseUrl, { method: 'GET', path: '/ok' });
      expect(plain.status).toBe(200);
      expect(logged).toHaveBeenCalled();
      expect(String(logged.mock.calls[0]![0])).toMatch(message);
    } finally {
      logged.mockRestore();
      await app.close();
    }
  });
});

// --- the conformance kit, judging drop-in configurations ----------------------------------------

// The kit judges against Corsica options; the server runs the tutorial's `cors` options, which
// must behave exactly like them.
const sameAsConfig1: CorsOptions = { origin: allowlist, credentials: true, methods: 'GET,HEAD,PUT,PATCH,POST,DELETE', mirrorRequestHeaders: true };
const sameAsConfig4: CorsOptions = { origin: whitelist, credentials: true, methods: 'GET,HEAD,PUT,PATCH,POST,DELETE', mirrorRequestHeaders: true, optionsSuccessStatus: 204 };
const quiet = { onWarning: false, onError: () => undefined } as const;
const asWritten = new Map<CorsOptions, CorsPackageOptions>([
  [sameAsConfig1, { ...config1(), ...quiet }],
  [sameAsConfig4, { ...config4(), ...quiet }],
]);
describeConformance('@corsica/express drop-in on Express 5', (policy) => startApp(express5, [cors(asWritten.get(policy)!)]), {
  policies: { 'cors configuration 1': sameAsConfig1, 'cors configuration 4': sameAsConfig4 },
});

