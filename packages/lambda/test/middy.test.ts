/**
 * `@corsica/lambda/middy` on real `@middy/core`, over real HTTP through the event bridge: the
 * shared adapter suite, the conformance kit, `@middy/http-cors`'s options as a drop-in, and
 * middy's own pitfalls (error middlewares, early answers).
 */
import { describe, expect, it, vi } from 'vitest';
import middy from '@middy/core';
import httpErrorHandler from '@middy/http-error-handler';
import type { CorsOptions, Policy } from '@corsica/core';
import { describeConformance } from '@corsica/conformance/vitest';
import { ADAPTER_POLICIES, ADMIN_SITE, ALLOWED_ACTUAL_HEADERS, APP, LOCAL_DEV, NO_OPTIONS_FIX, SITE, STRANGER, configErrorOf, describeAdapter, describeDropIn, expectOptionRow, expectVary, putPreflight as put, send, serveLambda } from '@corsica/test-utils';
import type { LambdaService, OptionRow } from '@corsica/test-utils';
import { cors } from '../src/middy.js';
import type { MiddyCorsOptions } from '../src/middy.js';
import { requestLine } from './app.js';
import type { LambdaHttpEvent } from '../src/index.js';
import { errorAnswer, startMiddy } from './middy-app.js';

const SERVICES: readonly LambdaService[] = ['http-api', 'rest'];

for (const service of SERVICES) {
  describeAdapter(`@corsica/lambda/middy (${service})`, {
    // an error middleware after cors(), as middy apps mount one: the suite's 500s come from it
    start: (...policies) => startMiddy(service, [...policies.map((policy) => cors(policy)), errorAnswer]),
    startPerRoute: (publicPolicy: Policy, mainPolicy: Policy) => {
      const feed = middy(async () => ({ statusCode: 200, body: 'feed' })).use(cors(publicPolicy));
      const ok = middy(async () => ({ statusCode: 200, body: 'ok' })).use(cors(mainPolicy));
      return serveLambda(service, ((event: LambdaHttpEvent, context: never) => (requestLine(event).path === '/public/feed' ? feed : ok)(event as never, context)) as never);
    },
    create: (options) => cors(options as CorsOptions),
  });
  describeConformance(`@corsica/lambda/middy conformance (${service})`, (policy) => startMiddy(service, [cors(policy as CorsOptions), errorAnswer]), { policies: ADAPTER_POLICIES });
}

describe('middy’s error path', () => {
  it('adds the CORS headers to the answer of an error middleware mounted after cors()', async () => {
    const app = await startMiddy('http-api', [cors({ origin: [APP, 'https://*.preview.example.com'], credentials: true, exposedHeaders: ['X-Request-Id'] }), errorAnswer]);
    try {
      const res = await send(app.baseUrl, { path: '/http-error', headers: [['Origin', APP]] });
      expect(res.status).toBe(401);
      expect(res.body).toBe('sign in first');
      expect(res.cors).toEqual(ALLOWED_ACTUAL_HEADERS);
      expectVary(res, ['Origin']);
    } finally {
      await app.close();
    }
  });

  it('adds the CORS headers to what @middy/http-error-handler answers, mounted after cors()', async () => {
    const app = await startMiddy('rest', [cors({ origin: [APP, 'https://*.preview.example.com'], credentials: true, exposedHeaders: ['X-Request-Id'] }), httpErrorHandler({ logger: false })]);
    try {
      const unauthorized = await send(app.baseUrl, { path: '/http-error', headers: [['Origin', APP]] });
      expect(unauthorized.status).toBe(401);
      expect(unauthorized.body).toBe('sign in first');
      expect(unauthorized.cors).toEqual(ALLOWED_ACTUAL_HEADERS);
      expectVary(unauthorized, ['Origin']);
      // a plain Error: the handler's generic 500, still readable by the page
      const failed = await send(app.baseUrl, { path: '/error', headers: [['Origin', APP]] });
      expect(failed.status).toBe(500);
      expect(failed.cors).toEqual(ALLOWED_ACTUAL_HEADERS);
    } finally {
      await app.close();
    }
  });

  it('answers 500 with the CORS headers when no error middleware answers, and says how to change it', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const app = await startMiddy('rest', [cors({ origin: [APP] })]);
    try {
      const res = await send(app.baseUrl, { path: '/error', headers: [['Origin', APP]] });
      expect(res.status).toBe(500);
      expect(res.cors).toEqual({ 'access-control-allow-origin': APP });
      expect(logged.mock.calls[0]?.[0]).toMatch(/^corsica: .*Mount an error handler/);
    } finally {
      logged.mockRestore();
      await app.close();
    }
  });

  it('answers a preflight before later middlewares run, so auth never sees it', async () => {
    const app = await startMiddy('http-api', [cors({ origin: [APP], methods: ['PUT'] })]);
    try {
      const res = await send(app.baseUrl, { method: 'OPTIONS', headers: [['Origin', APP], ['Access-Control-Request-Method', 'PUT']] });
      expect(res.status).toBe(204);
      expect(app.counts).toEqual({ handler: 0, auth: 0 });
    } finally {
      await app.close();
    }
  });
});

// --- @middy/http-cors's options, as a drop-in ---------------------------------------------------

const start = (options: MiddyCorsOptions) => startMiddy('http-api', [cors(options)]);

describeDropIn('@middy/http-cors: origins with credentials', () => start({ origins: [SITE, ADMIN_SITE], credentials: true, headers: 'Content-Type,Authorization', methods: 'GET,POST,PUT,DELETE' }), {
  allowed: [SITE, ADMIN_SITE],
  denied: [STRANGER, LOCAL_DEV],
  credentials: true,
  preflight: { method: 'DELETE', requestHeaders: 'authorization,content-type', headers: { 'access-control-allow-methods': 'GET, POST, PUT, DELETE', 'access-control-allow-headers': 'Content-Type, Authorization' } },
  deniedReason: 'origin-not-allowed',
});

describe('@middy/http-cors’s insecure or missing shapes, refused at cold start', () => {
  it.each([
    { desc: 'cors() with no options', call: () => (cors as (o?: unknown) => unknown)(), code: 'origin.missing' },
    { desc: 'cors({})', call: () => (cors as (o?: unknown) => unknown)({}), code: 'origin.missing' },
    { desc: 'origin "*" with credentials (@middy/http-cors reflected every origin)', call: () => cors({ origin: '*', credentials: 'true', headers: 'Content-Type' }), code: 'origin.wildcard-with-credentials' },
    { desc: '"*" among origins with credentials', call: () => cors({ origins: ['*', SITE], credentials: true }), code: 'origin.wildcard-with-credentials' },
    { desc: 'a wildcard Corsica cannot match label by label', call: () => cors({ origins: ['https://example.*'] }), code: 'origin.invalid-pattern' },
    { desc: 'a public-suffix wildcard', call: () => cors({ origins: ['https://*.com'] }), code: 'origin.public-suffix-wildcard' },
    { desc: 'headers and allowedHeaders both', call: () => cors({ origins: [SITE], headers: 'X-A', allowedHeaders: ['X-B'] } as never), code: 'option.conflict' },
    { desc: 'a maxAge that is no number', call: () => cors({ origins: [SITE], maxAge: 'ten' }), code: 'option.invalid-type' },
    { desc: 'credentials that is neither boolean nor "true"/"false"', call: () => cors({ origins: [SITE], credentials: 'yes' }), code: 'option.invalid-type' },
  ])('refuses $desc', async ({ call, code }) => {
    const error = await configErrorOf(call);
    expect(error.problems.map((p) => p.code)).toContain(code);
    for (const p of error.problems) expect(p.message).toMatch(/^corsica: /);
  });

  it('names the three ways out of cors()', () => {
    expect(() => (cors as (o?: unknown) => unknown)()).toThrow(NO_OPTIONS_FIX);
  });

  it('says why origin "*" with credentials is refused, and what to write instead', async () => {
    const [problem] = (await configErrorOf(() => cors({ origin: '*', credentials: true, headers: 'Content-Type' }))).problems;
    expect(problem?.message).toMatch(/reflected every origin/);
    expect(problem?.fix).toMatch(/origins: \["https:\/\/app\.example\.com"\]/);
  });
});

const listed = { methods: 'GET,PUT' };
const optionRows: OptionRow<MiddyCorsOptions>[] = [
  { option: 'origin', desc: 'one origin', options: { origin: SITE, ...listed }, request: { headers: [['Origin', SITE]] }, status: 200, cors: { 'access-control-allow-origin': SITE } },
  { option: 'origin', desc: 'one origin: sent as it is to any caller, which the browser then refuses', options: { origin: SITE, ...listed }, request: { headers: [['Origin', STRANGER]] }, status: 200, cors: { 'access-control-allow-origin': SITE }, headers: { vary: undefined } },
  { option: 'origin', desc: '"*" without credentials', options: { origin: '*', ...listed }, request: { headers: [['Origin', STRANGER]] }, status: 200, cors: { 'access-control-allow-origin': '*' } },
  { option: 'origins', desc: 'a subdomain wildcard, label-aligned', options: { origins: ['https://*.example.com'], ...listed }, request: { headers: [['Origin', ADMIN_SITE]] }, status: 200, cors: { 'access-control-allow-origin': ADMIN_SITE } },
  { option: 'origins', desc: 'a subdomain wildcard does not match a look-alike', options: { origins: ['https://*.example.com'], ...listed }, request: { headers: [['Origin', 'https://admin.example.com.evil.test']] }, status: 200, cors: {} },
  { option: 'origins', desc: 'with origin: one allowlist', options: { origin: SITE, origins: [ADMIN_SITE], ...listed }, request: { headers: [['Origin', SITE]] }, status: 200, cors: { 'access-control-allow-origin': SITE } },
  { option: 'getOrigin', desc: 'its answer is compared with the origin, never echoed', options: { getOrigin: (o) => (o.endsWith('.example.com') ? o : null), ...listed }, request: { headers: [['Origin', ADMIN_SITE]] }, status: 200, cors: { 'access-control-allow-origin': ADMIN_SITE } },
  { option: 'getOrigin', desc: 'answering null denies', options: { getOrigin: () => null, ...listed }, request: { headers: [['Origin', SITE]] }, status: 200, cors: {} },
  { option: 'credentials', desc: '"true" as a string', options: { origins: [SITE], credentials: 'true', ...listed }, request: { headers: [['Origin', SITE]] }, status: 200, cors: { 'access-control-allow-origin': SITE, 'access-control-allow-credentials': 'true' } },
  { option: 'headers', desc: 'allowed request headers', options: { origins: [SITE], headers: 'Content-Type, X-Api-Key', ...listed }, request: put(SITE, 'x-api-key'), status: 204, cors: { 'access-control-allow-origin': SITE, 'access-control-allow-methods': 'GET, PUT', 'access-control-allow-headers': 'Content-Type, X-Api-Key' } },
  { option: 'headers', desc: 'an unlisted header is refused', options: { origins: [SITE], headers: 'Content-Type', ...listed }, request: put(SITE, 'x-secret'), status: 403, cors: {} },
  { option: 'methods', desc: 'an unlisted method is refused', options: { origins: [SITE], methods: 'PATCH' }, request: put(SITE), status: 403, cors: {} },
  { option: 'exposeHeaders', desc: 'exposed on actual answers', options: { origins: [SITE], exposeHeaders: 'X-Total-Count', ...listed }, request: { headers: [['Origin', SITE]] }, status: 200, cors: { 'access-control-allow-origin': SITE, 'access-control-expose-headers': 'X-Total-Count' } },
  { option: 'maxAge', desc: 'a numeric string', options: { origins: [SITE], maxAge: '600', ...listed }, request: put(SITE), status: 204, cors: { 'access-control-allow-origin': SITE, 'access-control-allow-methods': 'GET, PUT', 'access-control-max-age': '600' } },
  { option: 'cacheControl', desc: 'on preflight answers', options: { origins: [SITE], cacheControl: 'max-age=600', ...listed }, request: put(SITE), status: 204, cors: { 'access-control-allow-origin': SITE, 'access-control-allow-methods': 'GET, PUT' }, headers: { 'cache-control': 'max-age=600' } },
  { option: 'cacheControl', desc: 'not on actual answers', options: { origins: [SITE], cacheControl: 'max-age=600', ...listed }, request: { headers: [['Origin', SITE]] }, status: 200, cors: { 'access-control-allow-origin': SITE }, headers: { 'cache-control': undefined } },
  { option: 'vary', desc: 'appended to Vary: Origin', options: { origins: [SITE, ADMIN_SITE], vary: 'Accept-Language', ...listed }, request: { headers: [['Origin', SITE]] }, status: 200, cors: { 'access-control-allow-origin': SITE }, headers: { vary: 'Origin, Accept-Language' } },
  { option: 'disableBeforePreflightResponse', desc: 'true: ignored with a warning, the preflight is still answered first', options: { origins: [SITE], disableBeforePreflightResponse: true, ...listed }, request: put(SITE), status: 204, cors: { 'access-control-allow-origin': SITE, 'access-control-allow-methods': 'GET, PUT' }, warnings: ['dropin.option-ignored'] },
  { option: 'requestHeaders', desc: 'ignored with a warning, never sent', options: { origins: [SITE], requestHeaders: 'X-Api-Key', ...listed }, request: { headers: [['Origin', SITE]] }, status: 200, cors: { 'access-control-allow-origin': SITE }, warnings: ['dropin.option-ignored'] },
];

describe('every documented @middy/http-cors option', () => {
  it.each(optionRows)('$option: $desc', (row) => expectOptionRow(row, (options, onWarning) => start({ ...options, onWarning } as MiddyCorsOptions)));
});
