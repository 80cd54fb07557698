/**
 * Drop-in for `@fastify/cors` (issue 10): tutorial configurations, every documented option,
 * delegators and route overrides, over real HTTP on Fastify 5 (and the fixtures on Fastify 4).
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CorsConfigError } from '@corsica/core';
import type { ConfigWarning, CorsOptions } from '@corsica/core';
import { describeConformance } from '@corsica/conformance/vitest';
import { ADMIN_SITE, LOCAL_DEV, NETLIFY_SITE, SITE, STRANGER, configErrorOf, describeDropIn, expectOptionRow, expectVary, preflight, putPreflight as put, recordReports, send } from '@corsica/test-utils';
import type { OptionRow } from '@corsica/test-utils';
import type { FastifyInstance } from 'fastify';
import cors from '../src/index.js';
import type { FastifyCorsOptions, FastifyCorsPackageOptions } from '../src/index.js';
import { VERSIONS, listen, startAppWith } from './app.js';

const v5 = VERSIONS.find((v) => v.major === 5)!;

/** Starts the suite's app behind one registration of `options`, as written. */
const start = (create = v5.create) => (options: FastifyCorsOptions) => startAppWith(create)(options as CorsOptions);

// --- tutorial configurations -------------------------------------------------------------------

/** The @fastify/cors README's origin function: localhost passes, anything else is an error. */
const localhostOnly = (): FastifyCorsPackageOptions => ({
  origin: (origin, cb) => {
    const hostname = new URL(origin).hostname;
    if (hostname === 'localhost') {
      cb(null, true);
      return;
    }
    cb(new Error('Not allowed'), false);
  },
});

const allowlist = [SITE, ADMIN_SITE];

/** An async allowlist with credentials, methods, a custom hook and a preflight Cache-Control. */
const asyncAllowlist = (): FastifyCorsPackageOptions => ({
  origin: async (origin: string) => allowlist.includes(origin),
  credentials: true,
  methods: ['GET', 'PUT', 'PATCH', 'DELETE'],
  allowedHeaders: ['Content-Type', 'Authorization'],
  exposedHeaders: ['X-Total-Count'],
  maxAge: 600,
  cacheControl: 600,
  hook: 'preHandler',
});

for (const version of VERSIONS) {
  describe(`@fastify/cors tutorials on ${version.label}`, () => {
    const one = recordReports();
    describeDropIn('the README’s origin function (localhost only)', () => start(version.create)({ ...localhostOnly(), ...one.hooks }), {
      allowed: [LOCAL_DEV, 'http://localhost:5173'],
      denied: [STRANGER, 'http://127.0.0.1:3000'],
      credentials: false,
      preflight: { method: 'POST', requestHeaders: 'content-type,x-requested-with', headers: { 'access-control-allow-methods': 'GET, HEAD, POST', 'access-control-allow-headers': 'content-type,x-requested-with' } },
      deniedReason: 'origin-callback-error',
    });
    it('warned once that allowed headers are mirrored, and reported refused origins to onError (never a 500)', () => {
      expect(one.warnings).toEqual(['dropin.peer-defaults']);
      expect(one.errors.length).toBeGreaterThan(0);
      expect(one.errors.every((e) => e.context.phase === 'origin-resolver')).toBe(true);
    });

    const two = recordReports();
    describeDropIn('an async allowlist with credentials, hook: preHandler and cacheControl', () => start(version.create)({ ...asyncAllowlist(), ...two.hooks }), {
      allowed: allowlist,
      denied: [STRANGER, 'https://www.example.com.evil.test'],
      credentials: true,
      preflight: { method: 'PATCH', requestHeaders: 'authorization,content-type', headers: { 'access-control-allow-methods': 'GET, PUT, PATCH, DELETE', 'access-control-allow-headers': 'Content-Type, Authorization', 'access-control-max-age': '600' } },
      deniedReason: 'origin-not-allowed',
    });
    it('warned once that hook is ignored (Corsica answers in onRequest)', () => {
      expect(two.warnings).toEqual(['dropin.option-ignored']);
    });
  });
}

describe('@fastify/cors’s cors-for-everything call', () => {
  it.each([
    { desc: 'register(cors) without options', options: undefined },
    { desc: 'register(cors, {})', options: {} },
  ])('refuses $desc at start-up, naming the three ways out', async ({ options }) => {
    const app = v5.create();
    try {
      await expect(app.register(cors, options as never)).rejects.toThrow(/origin\.missing[\s\S]*on purpose.*`policyFromEnv\(\)`/);
    } finally {
      await app.close();
    }
  });

  it('refuses origin: true with credentials at start-up', async () => {
    const app = v5.create();
    try {
      await expect(app.register(cors, { origin: true, credentials: true } as never)).rejects.toThrow(CorsConfigError);
    } finally {
      await app.close();
    }
  });
});

// --- every documented @fastify/cors option ------------------------------------------------------


const listed = { methods: ['PUT'], allowedHeaders: ['Content-Type'] } as const;

const optionRows: readonly OptionRow<FastifyCorsOptions>[] = [
  { option: 'origin', desc: 'a string: that one origin', options: { origin: SITE }, request: { headers: [['Origin', SITE]] }, status: 200, cors: { 'access-control-allow-origin': SITE } },
  { option: 'origin', desc: '"*": any origin', options: { origin: '*' }, request: { headers: [['Origin', STRANGER]] }, status: 200, cors: { 'access-control-allow-origin': '*' } },
  { option: 'origin', desc: 'an anchored RegExp', options: { origin: /^https:\/\/[a-z0-9-]+\.netlify\.app$/ }, request: { headers: [['Origin', NETLIFY_SITE]] }, status: 200, cors: { 'access-control-allow-origin': NETLIFY_SITE } },
  { option: 'origin', desc: 'a list', options: { origin: [SITE, ADMIN_SITE] }, request: { headers: [['Origin', ADMIN_SITE]] }, status: 200, cors: { 'access-control-allow-origin': ADMIN_SITE } },
  { option: 'origin', desc: 'true without credentials: "*", with a warning', options: { origin: true, ...listed }, request: { headers: [['Origin', STRANGER]] }, status: 200, cors: { 'access-control-allow-origin': '*' }, warnings: ['dropin.reflect-origin'] },
  { option: 'origin', desc: 'false: CORS off, the preflight reaches the routes', options: { origin: false }, request: put(SITE), status: 200, cors: {} },
  { option: 'origin', desc: 'an (origin, callback) function', options: { origin: (o, cb) => cb(null, o === SITE), ...listed }, request: { headers: [['Origin', SITE]] }, status: 200, cors: { 'access-control-allow-origin': SITE } },
  { option: 'origin', desc: 'an async function answering an origin value', options: { origin: async (o: string) => (o.endsWith('.example.com') ? o : false), ...listed }, request: { headers: [['Origin', ADMIN_SITE]] }, status: 200, cors: { 'access-control-allow-origin': ADMIN_SITE } },
  { option: 'methods', desc: 'a comma-separated string', options: { origin: SITE, methods: 'GET,PUT' }, request: put(SITE), status: 204, cors: { 'access-control-allow-origin': SITE, 'access-control-allow-methods': 'GET, PUT' } },
  { option: 'methods', desc: 'left out: GET, HEAD and POST (its default and Corsica’s)', options: { origin: SITE, hook: 'onRequest', allowedHeaders: [] }, request: put(SITE), status: 403, cors: {} },
  { option: 'hook', desc: '"onRequest": accepted silently', options: { origin: SITE, hook: 'onRequest', ...listed }, request: put(SITE), status: 204, cors: { 'access-control-allow-origin': SITE, 'access-control-allow-methods': 'PUT', 'access-control-allow-headers': 'Content-Type' } },
  { option: 'hook', desc: 'another hook: still answered in onRequest, with a warning', options: { origin: SITE, hook: 'preValidation', ...listed }, request: put(SITE), status: 204, cors: { 'access-control-allow-origin': SITE, 'access-control-allow-methods': 'PUT', 'access-control-allow-headers': 'Content-Type' }, warnings: ['dropin.option-ignored'] },
  { option: 'allowedHeaders', desc: 'a comma-separated string', options: { origin: SITE, methods: 'PUT', allowedHeaders: 'Content-Type,X-Api-Key' }, request: put(SITE, 'x-api-key'), status: 204, cors: { 'access-control-allow-origin': SITE, 'access-control-allow-methods': 'PUT', 'access-control-allow-headers': 'Content-Type, X-Api-Key' } },
  { option: 'allowedHeaders', desc: 'left out on the drop-in path: the requested names, checked and echoed', options: { origin: SITE, methods: 'PUT', hook: 'onRequest' }, request: put(SITE, 'x-anything'), status: 204, cors: { 'access-control-allow-origin': SITE, 'access-control-allow-methods': 'PUT', 'access-control-allow-headers': 'x-anything' }, warnings: ['dropin.peer-defaults'] },
  { option: 'exposedHeaders', desc: 'a list', options: { origin: SITE, exposedHeaders: ['X-Total-Count'] }, request: { headers: [['Origin', SITE]] }, status: 200, cors: { 'access-control-allow-origin': SITE, 'access-control-expose-headers': 'X-Total-Count' } },
  { option: 'credentials', desc: 'true', options: { origin: [SITE], credentials: true }, request: { headers: [['Origin', SITE]] }, status: 200, cors: { 'access-control-allow-origin': SITE, 'access-control-allow-credentials': 'true' } },
  { option: 'maxAge', desc: 'seconds', options: { origin: SITE, maxAge: 600, ...listed }, request: put(SITE), status: 204, cors: { 'access-control-allow-origin': SITE, 'access-control-allow-methods': 'PUT', 'access-control-allow-headers': 'Content-Type', 'access-control-max-age': '600' } },
  { option: 'cacheControl', desc: 'seconds: Cache-Control: max-age on the allowed preflight', options: { origin: SITE, cacheControl: 300, ...listed }, request: put(SITE), status: 204, cors: { 'access-control-allow-origin': SITE, 'access-control-allow-methods': 'PUT', 'access-control-allow-headers': 'Content-Type' }, headers: { 'cache-control': 'max-age=300' } },
  { option: 'cacheControl', desc: 'a string: that Cache-Control, never on a denied preflight', options: { origin: SITE, cacheControl: 'public, max-age=60', ...listed }, request: put(STRANGER), status: 403, cors: {}, headers: { 'cache-control': undefined } },
  { option: 'preflightContinue', desc: 'true: Corsica still answers the preflight, with a warning', options: { origin: SITE, preflightContinue: true, ...listed }, request: put(SITE), status: 204, cors: { 'access-control-allow-origin': SITE, 'access-control-allow-methods': 'PUT', 'access-control-allow-headers': 'Content-Type' }, warnings: ['dropin.option-ignored'] },
  { option: 'optionsSuccessStatus', desc: '200', options: { origin: SITE, optionsSuccessStatus: 200, ...listed }, request: put(SITE), status: 200, cors: { 'access-control-allow-origin': SITE, 'access-control-allow-methods': 'PUT', 'access-control-allow-headers': 'Content-Type' } },
  { option: 'preflight', desc: 'false: Corsica still answers the preflight, with a warning', options: { origin: SITE, preflight: false, ...listed }, request: put(SITE), status: 204, cors: { 'access-control-allow-origin': SITE, 'access-control-allow-methods': 'PUT', 'access-control-allow-headers': 'Content-Type' }, warnings: ['dropin.option-ignored'] },
  { option: 'strictPreflight', desc: 'true: an OPTIONS without Access-Control-Request-Method reaches the routes (no 400)', options: { origin: SITE, strictPreflight: true, ...listed }, request: { method: 'OPTIONS', headers: [['Origin', SITE]] }, status: 200, cors: { 'access-control-allow-origin': SITE } },
  { option: 'strictPreflight', desc: 'false: the same, with a warning', options: { origin: [SITE, ADMIN_SITE], strictPreflight: false, ...listed }, request: { method: 'OPTIONS', headers: [['Access-Control-Request-Method', 'PUT']] }, status: 200, cors: {}, warnings: ['dropin.option-ignored'] },
  { option: 'hideOptionsRoute', desc: 'accepted silently: there is no OPTIONS route to hide', options: { origin: SITE, hideOptionsRoute: false, ...listed }, request: put(SITE), status: 204, cors: { 'access-control-allow-origin': SITE, 'access-control-allow-methods': 'PUT', 'access-control-allow-headers': 'Content-Type' } },
  { option: 'logLevel', desc: 'accepted silently: a Fastify register option', options: { origin: SITE, logLevel: 'silent', ...listed } as FastifyCorsOptions, request: put(SITE), status: 204, cors: { 'access-control-allow-origin': SITE, 'access-control-allow-methods': 'PUT', 'access-control-allow-headers': 'Content-Type' } },
  { option: 'delegator', desc: 'per request, each distinct answer compiled once', options: { delegator: (req, cb) => cb(null, { origin: req.headers['x-tenant'] === 'a' ? SITE : ADMIN_SITE }) }, request: { headers: [['Origin', SITE], ['X-Tenant', 'a']] }, status: 200, cors: { 'access-control-allow-origin': SITE } },
];

describe('every documented @fastify/cors option, on Fastify 5', () => {
  it.each(optionRows)('$option: $desc', (row) =>
    // a delegator builds its options per request, so it has no place for onWarning
    expectOptionRow(row, (options, onWarning) => start()((typeof options === 'function' || 'delegator' in options ? options : { ...options, onWarning }) as FastifyCorsOptions)),
  );

  it.each([
    { option: 'origin', desc: 'true with credentials', options: { origin: true, credentials: true }, code: 'origin.wildcard-with-credentials' },
    { option: 'origin', desc: 'an unanchored RegExp', options: { origin: /example\.com$/ }, code: 'origin.regexp-unanchored' },
    { option: 'hook', desc: 'a name that is no Fastify hook', options: { origin: SITE, hook: 'onSend' }, code: 'option.invalid-type' },
    { option: 'preflight', desc: 'not a boolean', options: { origin: SITE, preflight: 'no' }, code: 'option.invalid-type' },
    { option: 'optionsSuccessStatus', desc: 'neither 200 nor 204', options: { origin: SITE, optionsSuccessStatus: 202 }, code: 'preflightStatus.invalid' },
  ])('$option: refuses $desc when the plugin registers', async ({ options, code }) => {
    const app = v5.create();
    try {
      expect((await configErrorOf(() => app.register(cors, options as never))).problems.map((p) => p.code)).toContain(code);
    } finally {
      await app.close();
    }
  });
});

// --- origin functions, delegators and route overrides --------------------------------------------

describe('origin functions and delegators, on Fastify 5', () => {
  it('binds an origin function to the Fastify instance, as @fastify/cors did', async () => {
    const app = await start()({
      origin: function (this: FastifyInstance, origin, cb) {
        cb(null, this.hasRequestDecorator('cors') && origin === SITE);
      },
      ...listed,
    });
    try {
      const res = await send(app.baseUrl, { path: '/ok', headers: [['Origin', SITE]] });
      expect(res.header('access-control-allow-origin')).toBe(SITE);
    } finally {
      await app.close();
    }
  });

  it('takes a delegator given as the options function, varies on Origin, and compiles each distinct answer once', async () => {
    const heard: string[] = [];
    const onWarning = (w: ConfigWarning): void => {
      heard.push(w.code);
    };
    const app = v5.create();
    // the @fastify/cors README's form: register options as a function of the instance
    await app.register(cors, () => (req: { headers: Record<string, unknown> }, callback: (error: Error | null, options: object) => void) => {
      callback(null, req.headers.origin === LOCAL_DEV ? { origin: false } : { origin: true, onWarning });
    });
    app.all('/ok', async () => 'ok');
    const baseUrl = await listen(app);
    try {
      for (let i = 0; i < 3; i++) {
        const open = await send(baseUrl, { path: '/ok', headers: [['Origin', STRANGER]] });
        expect(open.cors).toEqual({ 'access-control-allow-origin': '*' });
        expectVary(open, ['Origin']);
        const off = await send(baseUrl, { method: 'OPTIONS', path: '/ok', headers: preflight(LOCAL_DEV, 'PUT') });
        expect(off.status).toBe(200);
        expect(off.cors).toEqual({});
        expectVary(off, ['Origin']);
      }
      expect(heard.sort()).toEqual(['dropin.peer-defaults', 'dropin.reflect-origin']);
    } finally {
      await app.close();
    }
  });

  it('denies, never with a 5xx, when an async delegator rejects, and says so through console.error', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const app = await start()({ delegator: async () => Promise.reject(new Error('tenant database down')) });
    try {
      const res = await send(app.baseUrl, { path: '/decision', headers: [['Origin', SITE]] });
      expect(res.status).toBe(200);
      expect(JSON.parse(res.body)).toMatchObject({ allowed: false, reason: 'origin-callback-error' });
      const pre = await send(app.baseUrl, { method: 'OPTIONS', path: '/ok', headers: preflight(SITE, 'PUT') });
      expect(pre.status).toBe(403);
      expect(String(logged.mock.calls[0]![0])).toMatch(/options delegate reported an error.*tenant database down/);
    } finally {
      logged.mockRestore();
      await app.close();
    }
  });
});

describe('route overrides of @fastify/cors options, on Fastify 5', () => {
  let app: FastifyInstance;
  let baseUrl: string;
  beforeAll(async () => {
    app = v5.create();
    await app.register(cors, { origin: [SITE], credentials: true, methods: ['GET', 'PUT'], allowedHeaders: ['Content-Type'], hook: 'onRequest' });
    app.get('/account', async () => 'account');
    // merged over the plugin's options, as @fastify/cors did: the route keeps credentials and methods
    app.route({ method: ['GET', 'OPTIONS'], url: '/partner', config: { cors: { origin: [ADMIN_SITE, NETLIFY_SITE] } }, handler: async () => 'partner' });
    app.get('/public', { config: { cors: { origin: '*', credentials: false } } }, async () => 'public');
    baseUrl = await listen(app);
  });
  afterAll(() => app.close());

  it.each([
    { path: '/account', origin: SITE, want: { 'access-control-allow-origin': SITE, 'access-control-allow-credentials': 'true' } },
    { path: '/partner', origin: ADMIN_SITE, want: { 'access-control-allow-origin': ADMIN_SITE, 'access-control-allow-credentials': 'true' } },
    { path: '/partner', origin: SITE, want: {} },
    { path: '/public', origin: STRANGER, want: { 'access-control-allow-origin': '*' } },
  ])('answers $path for $origin with the route’s options merged over the plugin’s', async ({ path, origin, want }) => {
    const res = await send(baseUrl, { path, headers: [['Origin', origin]] });
    expect(res.status).toBe(200);
    expect(res.cors).toEqual(want);
  });

  it('answers a preflight to a route that takes OPTIONS with the merged options', async () => {
    const res = await send(baseUrl, { method: 'OPTIONS', path: '/partner', headers: preflight(ADMIN_SITE, 'PUT', 'content-type') });
    expect(res.status).toBe(204);
    expect(res.cors).toEqual({ 'access-control-allow-origin': ADMIN_SITE, 'access-control-allow-credentials': 'true', 'access-control-allow-methods': 'GET, PUT', 'access-control-allow-headers': 'Content-Type' });
  });

  it('refuses, when the route is declared, a merge that would send "*" with credentials', async () => {
    const other = v5.create();
    await other.register(cors, { origin: [SITE], credentials: true, hook: 'onRequest', allowedHeaders: [] });
    expect(() => other.get('/open', { config: { cors: { origin: '*' } } }, async () => 'never')).toThrow(/GET \/open config\.cors: `origin: "\*"` cannot be combined with `credentials: true`/);
    await other.close();
  });

  it('keeps @fastify/cors’s defaults on a route whose own options look like Corsica’s, since they are merged over the plugin’s', async () => {
    const other = v5.create();
    await other.register(cors, { origin: true, onWarning: false });
    other.route({ method: ['GET', 'OPTIONS'], url: '/partner', config: { cors: { origin: [ADMIN_SITE] } }, handler: async () => 'partner' });
    const otherUrl = await listen(other);
    try {
      const res = await send(otherUrl, { method: 'OPTIONS', path: '/partner', headers: preflight(ADMIN_SITE, 'POST', 'x-anything') });
      expect(res.status).toBe(204);
      expect(res.cors).toMatchObject({ 'access-control-allow-origin': ADMIN_SITE, 'access-control-allow-headers': 'x-anything' });
    } finally {
      await other.close();
    }
  });
});

// --- the conformance kit, judging a drop-in configuration ----------------------------------------

const sameAsLocalhostOnly: CorsOptions = { origin: ['http://localhost:*', 'https://localhost:*'], mirrorRequestHeaders: true };
const sameAsAllowlist: CorsOptions = { origin: allowlist, credentials: true, methods: ['GET', 'PUT', 'PATCH', 'DELETE'], allowedHeaders: ['Content-Type', 'Authorization'], exposedHeaders: ['X-Total-Count'], maxAge: 600 };
const quiet = { onWarning: false, onError: () => undefined } as const;
const asWritten = new Map<CorsOptions, FastifyCorsOptions>([
  [sameAsLocalhostOnly, { ...localhostOnly(), ...quiet }],
  // the kit judges with a sync policy: the same list, in a sync function
  [sameAsAllowlist, { ...asyncAllowlist(), origin: (origin: string, cb: (e: null, ok: boolean) => void) => cb(null, allowlist.includes(origin)), ...quiet }],
]);
describeConformance('@corsica/fastify drop-in on Fastify 5', (policy) => start()(asWritten.get(policy)!), {
  policies: { '@fastify/cors localhost only': sameAsLocalhostOnly, '@fastify/cors allowlist': sameAsAllowlist },
});

