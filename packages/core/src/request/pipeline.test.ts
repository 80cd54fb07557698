import { describe, expect, it, vi } from 'vitest';
import { OriginCallbackError, createPolicy } from '@corsica/core';
import { MAX_EMPTY_ELEMENTS, MAX_ORIGIN_LENGTH, MAX_REQUEST_HEADER_NAMES, MAX_REQUEST_HEADERS_LENGTH } from '@corsica/core/adapter';
import type { CorsOptions, Decision, RequestFacts } from '@corsica/core';

const APP = 'https://app.example.com';
const credentialed = createPolicy({
  origin: [APP, 'https://admin.example.com', 'https://*.preview.example.com', 'http://localhost:*'],
  credentials: true,
  methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
  allowedHeaders: ['Content-Type', 'Authorization', 'X-Request-Id'],
  exposedHeaders: ['X-Total-Count'],
  maxAge: 600,
  onWarning: false,
});
const preflight = (origin: RequestFacts['origin'], requestMethod: RequestFacts['requestMethod'], requestHeaders?: RequestFacts['requestHeaders']): RequestFacts => ({ method: 'OPTIONS', origin, requestMethod, requestHeaders });
const get = (origin: RequestFacts['origin']): RequestFacts => ({ method: 'GET', origin });

describe('request classification (SPEC-NOTES "Request classification")', () => {
  it.each([
    { desc: 'a request without Origin is not CORS', req: { method: 'GET' }, kind: 'not-cors' },
    { desc: 'a POST without Origin is not CORS', req: { method: 'POST', origin: undefined }, kind: 'not-cors' },
    { desc: 'an empty list of Origin lines is no Origin', req: { method: 'GET', origin: [] }, kind: 'not-cors' },
    { desc: 'OPTIONS with Origin and ACRM is a preflight', req: preflight(APP, 'PUT'), kind: 'preflight' },
    { desc: 'OPTIONS with Origin but no ACRM is an ordinary request that reaches the app', req: { method: 'OPTIONS', origin: APP }, kind: 'actual' },
    { desc: 'OPTIONS with ACRM but no Origin is not CORS', req: { method: 'OPTIONS', requestMethod: 'PUT' }, kind: 'not-cors' },
    { desc: 'GET with Origin and a stray ACRM is an actual request', req: { method: 'GET', origin: APP, requestMethod: 'PUT' }, kind: 'actual' },
    { desc: 'a lower-case options method is not a preflight (methods are case-sensitive)', req: { method: 'options', origin: APP, requestMethod: 'PUT' }, kind: 'actual' },
  ] as { desc: string; req: RequestFacts; kind: Decision['kind'] }[])('$desc', ({ req, kind }) => {
    expect(credentialed.decide(req).kind).toBe(kind);
  });
});

describe('origin matching is byte-exact and label-aligned (SPEC-NOTES "Origins as browsers send them")', () => {
  it.each([
    { origin: APP, allowed: true, why: 'listed' },
    { origin: 'https://app.example.com/', allowed: false, why: 'trailing slash' },
    { origin: 'https://APP.example.com', allowed: false, why: 'upper case' },
    { origin: 'https://app.example.com:443', allowed: false, why: 'default port spelled out' },
    { origin: 'https://app.example.com:8443', allowed: false, why: 'other port' },
    { origin: 'http://app.example.com', allowed: false, why: 'scheme downgrade' },
    { origin: 'https://app.example.com.', allowed: false, why: 'trailing dot' },
    { origin: 'https://app.example.com.evil.com', allowed: false, why: 'listed origin as a prefix' },
    { origin: 'https://evilapp.example.com', allowed: false, why: 'listed host as a suffix' },
    { origin: 'https://x.preview.example.com', allowed: true, why: 'one label under the pattern' },
    { origin: 'https://a.b.preview.example.com', allowed: true, why: 'two labels under the pattern' },
    { origin: 'https://preview.example.com', allowed: false, why: 'the pattern\'s own domain is not a subdomain' },
    { origin: 'https://evil-preview.example.com', allowed: false, why: 'not label-aligned' },
    { origin: 'https://.preview.example.com', allowed: false, why: 'empty label' },
    { origin: 'https://x..preview.example.com', allowed: false, why: 'empty inner label' },
    { origin: 'http://x.preview.example.com', allowed: false, why: 'pattern scheme differs' },
    { origin: 'https://x.preview.example.com:8443', allowed: false, why: 'pattern without port' },
    { origin: 'https://x.preview.example.com.evil.com', allowed: false, why: 'pattern as a prefix' },
    { origin: 'http://localhost:5173', allowed: true, why: 'any port on localhost' },
    { origin: 'http://localhost', allowed: true, why: 'the default port is a port too' },
    { origin: 'http://localhost:0', allowed: false, why: 'not a canonical port' },
    { origin: 'http://localhost:05173', allowed: false, why: 'leading zero' },
    { origin: 'http://localhost:99999', allowed: false, why: 'out of range' },
    { origin: 'http://127.0.0.1:5173', allowed: false, why: 'localhost and 127.0.0.1 are different origins' },
    { origin: 'https://localhost:5173', allowed: false, why: 'scheme differs' },
    { origin: 'http://localhost.evil.com:5173', allowed: false, why: 'localhost as a prefix' },
    { origin: 'null', allowed: false, why: 'null' },
    { origin: 'https://user@app.example.com', allowed: false, why: 'userinfo' },
  ])('$origin is allowed=$allowed ($why)', ({ origin, allowed }) => {
    const d = credentialed.decide(get(origin));
    expect(d.allowed).toBe(allowed);
    if (allowed) expect(d.headers['Access-Control-Allow-Origin']).toBe(origin);
    else expect(d.headers).toEqual({});
  });

  it('says why a null origin was denied', () => {
    expect(credentialed.decide(get('null')).reason).toBe('origin-null');
  });

  it.each([
    { desc: 'two Origin lines', origin: [APP, APP], reason: 'origin-duplicated' },
    { desc: 'a comma-joined Origin', origin: `${APP}, https://evil.com`, reason: 'origin-duplicated' },
    { desc: 'an Origin over the length cap', origin: `https://${'a'.repeat(MAX_ORIGIN_LENGTH)}.example.com`, reason: 'origin-too-long' },
    { desc: 'an Origin with CR/LF', origin: `${APP}\r\nSet-Cookie: x=1`, reason: 'origin-malformed' },
    { desc: 'an Origin with a NUL byte', origin: `${APP}\u0000`, reason: 'origin-malformed' },
    { desc: 'a non-string Origin', origin: 42 as unknown as string, reason: 'origin-malformed' },
    { desc: 'a path in Origin', origin: `${APP}/x`, reason: 'origin-malformed' },
  ])('denies $desc', ({ origin, reason }) => {
    const d = credentialed.decide(get(origin));
    expect(d).toMatchObject({ kind: 'actual', allowed: false, reason });
    expect(d.headers).toEqual({});
    expect(d.vary).toEqual(['Origin']);
  });

  it('treats an Origin of exactly the length cap as a candidate and one byte more as too long', () => {
    const host = 'a'.repeat(MAX_ORIGIN_LENGTH - 'https://.example.com'.length);
    const atCap = `https://${host}.example.com`;
    expect(atCap.length).toBe(MAX_ORIGIN_LENGTH);
    const policy = createPolicy({ origin: 'https://*.example.com' });
    expect(policy.decide(get(atCap)).allowed).toBe(true);
    expect(policy.decide(get(`https://a${host}.example.com`)).reason).toBe('origin-too-long');
  });

  it('passes only validated origins to a predicate', () => {
    const seen: string[] = [];
    const policy = createPolicy({
      origin: (o) => {
        seen.push(o);
        return true;
      },
    });
    for (const o of ['null', 'HTTPS://A.EXAMPLE', 'https://a.example/', 'https://a.example\r\n', 'https://a.example']) policy.decide(get(o));
    expect(seen).toEqual(['https://a.example']);
  });

  it('matches an anchored RegExp against validated origins only', () => {
    const policy = createPolicy({ origin: /^https:\/\/[a-z]+\.example\.com$/ });
    expect(policy.decide(get('https://shop.example.com')).allowed).toBe(true);
    expect(policy.decide(get('https://shop.example.com.evil.com')).allowed).toBe(false);
    expect(policy.decide(get('https://SHOP.example.com')).allowed).toBe(false);
  });

  it('treats a predicate that throws or answers a non-boolean as a denial reported to onError', () => {
    const onError = vi.fn();
    const throwing = createPolicy({ origin: () => { throw new Error('db down'); }, onError });
    expect(throwing.decide(get(APP)).reason).toBe('resolver-error');
    const stringy = createPolicy({ origin: (() => APP) as unknown as (o: string) => boolean, onError });
    expect(stringy.decide(get(APP))).toMatchObject({ allowed: false, reason: 'resolver-error', headers: {} });
    expect(onError).toHaveBeenCalledTimes(2);
  });

  it('denies, never allows, when decide meets a Promise, and says so once', async () => {
    const onError = vi.fn();
    const policy = createPolicy({ origin: ((o: string) => Promise.resolve(o === APP)) as unknown as (o: string) => boolean, onError });
    expect(policy.isAsync).toBe(false);
    expect(policy.decide(get(APP)).reason).toBe('origin-resolver-async');
    expect(policy.decide(get(APP)).reason).toBe('origin-resolver-async');
    expect(onError).toHaveBeenCalledTimes(1);
    expect(String(onError.mock.calls[0]![0])).toContain('decideAsync');
    expect((await policy.decideAsync(get(APP))).allowed).toBe(true);
  });
});

describe('actual requests (SPEC-NOTES "How the browser checks the response")', () => {
  it('echoes an allowed origin with credentials and exposed headers', () => {
    expect(credentialed.decide(get(APP))).toEqual({
      kind: 'actual',
      allowed: true,
      reason: 'origin-allowed',
      headers: { 'Access-Control-Allow-Origin': APP, 'Access-Control-Allow-Credentials': 'true', 'Access-Control-Expose-Headers': 'X-Total-Count' },
      vary: ['Origin'],
    });
  });

  it('gives a denied origin no CORS headers but Vary: Origin, and no status (the app answers)', () => {
    const d = credentialed.decide(get('https://evil.com'));
    expect(d).toEqual({ kind: 'actual', allowed: false, reason: 'origin-not-allowed', headers: {}, vary: ['Origin'] });
  });

  it('sends * to everyone under a public policy, without Vary', () => {
    const policy = createPolicy({ origin: '*', exposedHeaders: ['X-Total-Count'] });
    for (const req of [get('https://anyone.example'), get('null'), { method: 'GET' }]) {
      const d = policy.decide(req);
      expect(d.headers).toEqual({ 'Access-Control-Allow-Origin': '*', 'Access-Control-Expose-Headers': 'X-Total-Count' });
      expect(d.vary).toEqual([]);
    }
  });

  it('sends a single fixed origin on every response without Vary (SPEC-NOTES "Caching and Vary")', () => {
    const policy = createPolicy({ origin: APP, credentials: true });
    const headers = { 'Access-Control-Allow-Origin': APP, 'Access-Control-Allow-Credentials': 'true' };
    expect(policy.decide(get(APP))).toMatchObject({ allowed: true, headers, vary: [] });
    expect(policy.decide(get('https://evil.com'))).toMatchObject({ allowed: false, reason: 'origin-not-allowed', headers, vary: [] });
    expect(policy.decide({ method: 'GET' })).toMatchObject({ kind: 'not-cors', headers, vary: [] });
  });

  it('varies on Origin for requests without Origin when the answer depends on it', () => {
    expect(credentialed.decide({ method: 'GET' })).toEqual({ kind: 'not-cors', allowed: true, reason: 'not-cors', headers: {}, vary: ['Origin'] });
  });
});

describe('preflights (SPEC-NOTES "What triggers a preflight", "How the browser checks the response")', () => {
  it('answers an allowed preflight with 204 and every header', () => {
    expect(credentialed.decide(preflight(APP, 'PUT', 'content-type,x-request-id'))).toEqual({
      kind: 'preflight',
      allowed: true,
      reason: 'preflight-allowed',
      status: 204,
      headers: {
        'Access-Control-Allow-Origin': APP,
        'Access-Control-Allow-Credentials': 'true',
        'Access-Control-Allow-Methods': 'GET, POST, PUT, PATCH, DELETE',
        'Access-Control-Allow-Headers': 'Content-Type, Authorization, X-Request-Id',
        'Access-Control-Max-Age': '600',
      },
      vary: ['Origin', 'Access-Control-Request-Method', 'Access-Control-Request-Headers'],
    });
  });

  it('uses 200 when configured (also through the cors alias optionsSuccessStatus)', () => {
    expect(createPolicy({ origin: '*', preflightStatus: 200 }).decide(preflight(APP, 'GET')).status).toBe(200);
    expect(createPolicy({ origin: '*', optionsSuccessStatus: 200 }).decide(preflight(APP, 'GET')).status).toBe(200);
  });

  it.each([
    { desc: 'an origin that is not allowed', req: preflight('https://evil.com', 'PUT'), reason: 'origin-not-allowed', detail: undefined },
    { desc: 'a method that is not allowed', req: preflight(APP, 'PROPFIND'), reason: 'method-not-allowed', detail: 'PROPFIND' },
    { desc: 'patch when PATCH is allowed (byte-exact)', req: preflight(APP, 'patch'), reason: 'method-not-allowed', detail: 'patch' },
    { desc: 'an ACRM that is not a token', req: preflight(APP, 'PUT PATCH'), reason: 'method-malformed', detail: undefined },
    { desc: 'an empty ACRM', req: preflight(APP, ''), reason: 'method-malformed', detail: undefined },
    { desc: 'two ACRM lines', req: preflight(APP, ['PUT', 'PUT']), reason: 'method-malformed', detail: undefined },
    { desc: 'a header that is not allowed', req: preflight(APP, 'PUT', 'content-type,x-evil'), reason: 'header-not-allowed', detail: 'x-evil' },
    { desc: 'an ACRH that is not a list of tokens', req: preflight(APP, 'PUT', 'content-type;x'), reason: 'headers-malformed', detail: undefined },
  ] as { desc: string; req: RequestFacts; reason: string; detail: string | undefined }[])('denies $desc with 403 and no CORS headers', ({ req, reason, detail }) => {
    const d = credentialed.decide(req);
    expect(d).toMatchObject({ kind: 'preflight', allowed: false, status: 403, reason, headers: {} });
    expect(d.detail).toBe(detail);
    expect(d.vary).toEqual(['Origin', 'Access-Control-Request-Method', 'Access-Control-Request-Headers']);
  });

  it('always allows the safelisted methods, which browsers never need listed', () => {
    const policy = createPolicy({ origin: '*', methods: ['PUT'], allowedHeaders: ['X-Id'] });
    for (const m of ['GET', 'HEAD', 'POST', 'PUT']) expect(policy.decide(preflight(APP, m, 'x-id')).allowed).toBe(true);
  });

  it('allows only safelisted methods and headers by default', () => {
    const policy = createPolicy({ origin: APP });
    expect(policy.decide(preflight(APP, 'PUT')).reason).toBe('method-not-allowed');
    expect(policy.decide(preflight(APP, 'POST', 'content-type')).reason).toBe('header-not-allowed');
    expect(policy.decide(preflight(APP, 'POST')).headers['Access-Control-Allow-Methods']).toBe('GET, HEAD, POST');
  });

  it.each([
    'content-type,authorization',
    'Content-Type, Authorization',
    ' authorization ,\tcontent-type ',
    'authorization,,content-type,',
    'CONTENT-TYPE',
    '',
  ])('checks header names case-insensitively and tolerates whitespace: %j', (acrh) => {
    expect(credentialed.decide(preflight(APP, 'PUT', acrh)).allowed).toBe(true);
  });

  it('reads repeated ACRH lines as one list', () => {
    expect(credentialed.decide(preflight(APP, 'PUT', ['content-type', 'authorization'])).allowed).toBe(true);
    expect(credentialed.decide(preflight(APP, 'PUT', ['content-type', 'x-evil'])).detail).toBe('x-evil');
  });

  it('never lets * cover Authorization (SPEC-NOTES "How the browser checks the response")', () => {
    const star = createPolicy({ origin: '*', allowedHeaders: '*', onWarning: false });
    expect(star.decide(preflight(APP, 'GET', 'x-anything,x-other')).allowed).toBe(true);
    expect(star.decide(preflight(APP, 'GET', 'x-anything,authorization'))).toMatchObject({ allowed: false, reason: 'header-not-allowed', detail: 'authorization' });
    const starAuth = createPolicy({ origin: '*', allowedHeaders: ['*', 'Authorization'] });
    const d = starAuth.decide(preflight(APP, 'GET', 'x-anything,authorization'));
    expect(d.allowed).toBe(true);
    expect(d.headers['Access-Control-Allow-Headers']).toBe('*, Authorization');
  });

  it.each([
    { desc: 'names', atCap: Array.from({ length: MAX_REQUEST_HEADER_NAMES }, () => 'x-a').join(','), over: Array.from({ length: MAX_REQUEST_HEADER_NAMES + 1 }, () => 'x-a').join(','), reason: 'headers-too-many' },
    { desc: 'empty elements', atCap: `x-a${','.repeat(MAX_EMPTY_ELEMENTS)}`, over: `x-a${','.repeat(MAX_EMPTY_ELEMENTS + 1)}`, reason: 'headers-malformed' },
    { desc: 'length', atCap: `x-a,${' '.repeat(MAX_REQUEST_HEADERS_LENGTH - 4)}`, over: `x-a,${' '.repeat(MAX_REQUEST_HEADERS_LENGTH - 3)}`, reason: 'headers-too-long' },
  ])('caps ACRH $desc: at the cap it is read, one more is denied', ({ atCap, over, reason }) => {
    const policy = createPolicy({ origin: '*', allowedHeaders: ['X-A'] });
    expect(policy.decide(preflight(APP, 'GET', atCap)).allowed).toBe(true);
    expect(policy.decide(preflight(APP, 'GET', over))).toMatchObject({ allowed: false, reason });
  });

  it('denies a 200 KB ACRH without reading it, and a 10k-name ACRH', () => {
    const policy = createPolicy({ origin: '*', allowedHeaders: '*', onWarning: false });
    expect(policy.decide(preflight(APP, 'GET', 'x'.repeat(200_000))).reason).toBe('headers-too-long');
    expect(policy.decide(preflight(APP, 'GET', Array.from({ length: 10_000 }, (_, i) => `x-${i}`).join(','))).allowed).toBe(false);
  });

  it('answers the legacy Private Network Access preflight only when enabled', () => {
    const req = { ...preflight(APP, 'GET'), requestPrivateNetwork: 'true' };
    const off = createPolicy({ origin: APP });
    expect(off.decide(req).headers['Access-Control-Allow-Private-Network']).toBeUndefined();
    const on = createPolicy({ origin: [APP, 'https://b.example'], privateNetwork: true, onWarning: false });
    const d = on.decide(req);
    expect(d.headers['Access-Control-Allow-Private-Network']).toBe('true');
    expect(d.vary).toContain('Access-Control-Request-Private-Network');
    expect(on.decide(preflight(APP, 'GET')).headers['Access-Control-Allow-Private-Network']).toBeUndefined();
  });
});

describe('hooks, debug and report-only', () => {
  it('calls onDecision once per decision, and survives it throwing', () => {
    const onError = vi.fn();
    const onDecision = vi.fn(() => { throw new Error('logger broke'); });
    const policy = createPolicy({ origin: APP, onDecision, onError });
    expect(policy.decide(get(APP)).allowed).toBe(true);
    expect(onDecision).toHaveBeenCalledTimes(1);
    expect(onError).toHaveBeenCalledWith(expect.any(Error), { phase: 'on-decision' });
  });

  it('never throws even when both onDecision and onError throw', () => {
    const policy = createPolicy({ origin: APP, onDecision: () => { throw new Error('a'); }, onError: () => { throw new Error('b'); } });
    expect(policy.decide(get(APP)).allowed).toBe(true);
  });

  it('lets adapters report through the policy\'s onError, which never throws', () => {
    const onError = vi.fn(() => { throw new Error('logger down'); });
    const policy = createPolicy({ origin: APP, onError });
    expect(() => policy.reportError(new Error('stacked'), { phase: 'adapter' })).not.toThrow();
    expect(onError).toHaveBeenCalledWith(expect.any(Error), { phase: 'adapter' });
  });

  it('adds a Corsica-Debug header to denials only, never an allow header', () => {
    const policy = createPolicy({ origin: [APP, 'https://b.example'], debug: true, methods: ['PUT'] });
    expect(policy.decide(get('https://evil.com')).headers).toEqual({ 'Corsica-Debug': 'origin-not-allowed' });
    expect(policy.decide(preflight(APP, 'DELETE')).headers).toEqual({ 'Corsica-Debug': 'method-not-allowed; DELETE' });
    expect(policy.decide(get(APP)).headers['Corsica-Debug']).toBeUndefined();
  });

  it('never writes a request byte into the debug header unless it is a checked token', () => {
    const policy = createPolicy({ origin: [APP, 'https://b.example'], debug: true, allowedHeaders: ['X-Ok'] });
    const d = policy.decide(preflight(APP, 'GET', 'x-ok,bad\r\nname'));
    expect(d.headers['Corsica-Debug']).toBe('headers-malformed');
  });

  it('in report-only mode, responds with the fallback and reports what the policy would have done', () => {
    const reports: Decision[] = [];
    const policy = createPolicy({ origin: [APP, 'https://b.example'], reportOnly: { fallback: { origin: '*' } }, onDecision: (d) => reports.push(d) });
    const d = policy.decide(get('https://evil.com'));
    expect(d.allowed).toBe(true);
    expect(d.headers['Access-Control-Allow-Origin']).toBe('*');
    expect(d.wouldHave).toMatchObject({ allowed: false, reason: 'origin-not-allowed' });
    expect(reports).toEqual([d]);
  });

  it('never throws for hostile or nonsense facts', () => {
    const nonsense: unknown[] = [undefined, null, {}, { method: 5, origin: { toString() { throw new Error('x'); } } }, { method: 'OPTIONS', origin: APP, requestMethod: [1, 2] }, { method: 'OPTIONS', origin: APP, requestMethod: 'PUT', requestHeaders: [{}] }];
    for (const req of nonsense) expect(() => credentialed.decide(req as RequestFacts)).not.toThrow();
  });
});

describe('options shapes', () => {
  it.each([
    { desc: 'a comma-separated methods string', options: { origin: '*', methods: 'GET,HEAD,PUT,PATCH,POST,DELETE' }, acam: 'GET, HEAD, PUT, PATCH, POST, DELETE' },
    { desc: 'methods *', options: { origin: '*', methods: '*' }, acam: '*' },
  ] as { desc: string; options: CorsOptions; acam: string }[])('accepts $desc', ({ options, acam }) => {
    expect(createPolicy(options).decide(preflight(APP, 'PATCH')).headers['Access-Control-Allow-Methods']).toBe(acam);
  });
});

describe('compatibility hooks for drop-in adapters', () => {
  it('mirrors only checked request header names with mirrorRequestHeaders', () => {
    const policy = createPolicy({ origin: [APP, 'https://b.example'], credentials: true, mirrorRequestHeaders: true });
    const d = policy.decide(preflight(APP, 'POST', 'content-type, x-request-id'));
    expect(d.headers['Access-Control-Allow-Headers']).toBe('content-type, x-request-id');
    expect(policy.decide(preflight(APP, 'POST')).headers['Access-Control-Allow-Headers']).toBeUndefined();
    expect(policy.decide(preflight(APP, 'POST', 'x-a\r\nSet-Cookie: a=b')).reason).toBe('headers-malformed');
    expect(policy.decide(preflight(APP, 'POST', 'cookie')).reason).toBe('header-not-allowed');
  });

  it('mirrors on a fixed-origin policy too, without touching its static answer', () => {
    const policy = createPolicy({ origin: APP, mirrorRequestHeaders: true });
    expect(policy.decide(preflight(APP, 'POST', 'x-a')).headers).toMatchObject({ 'Access-Control-Allow-Origin': APP, 'Access-Control-Allow-Headers': 'x-a' });
    expect(policy.decide(preflight(APP, 'POST')).headers['Access-Control-Allow-Headers']).toBeUndefined();
  });

  it('gives a peer-style callback error its own reason, sync and async', async () => {
    const onError = vi.fn();
    const sync = createPolicy({ origin: () => { throw new OriginCallbackError(new Error('Not allowed by CORS')); }, onError });
    expect(sync.decide(get(APP)).reason).toBe('origin-callback-error');
    const async_ = createPolicy({ origin: async () => { throw new OriginCallbackError(new Error('Not allowed by CORS')); }, onError });
    expect((await async_.decideAsync(get(APP))).reason).toBe('origin-callback-error');
    expect(onError).toHaveBeenCalledTimes(2);
  });
});
