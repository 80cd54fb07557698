import { describe, expect, it } from 'vitest';
import { BROWSER_ENGINES, ENGINE_FACTS, browserCheck, parseListHeader, predictFetch, preflightCacheSeconds } from '../src/index.js';
import type { BrowserRequest, BrowserResponse } from '../src/index.js';

const ORIGIN = 'https://app.example.com';
const CHECK = 'SPEC-NOTES "How the browser checks the response"';

interface Row {
  readonly desc: string;
  readonly spec: string;
  readonly request: BrowserRequest;
  readonly response: BrowserResponse;
  readonly allowed: boolean;
  readonly failure?: RegExp;
}

const get = (credentials = false): BrowserRequest => ({ origin: ORIGIN, credentials });
const preflight = (method: string, headers: string[] = [], credentials = false): BrowserRequest => ({ origin: ORIGIN, credentials, preflight: { method, headers } });
const res = (headers: Record<string, string | string[]>, status = 200): BrowserResponse => ({ status, headers });

const rows: Row[] = [
  { desc: 'an exact ACAO lets the origin in', spec: CHECK, request: get(), response: res({ 'access-control-allow-origin': ORIGIN }), allowed: true },
  { desc: 'a missing ACAO blocks', spec: CHECK, request: get(), response: res({}), allowed: false, failure: /No Access-Control-Allow-Origin/ },
  { desc: '* lets a request without credentials in', spec: CHECK, request: get(), response: res({ 'access-control-allow-origin': '*' }), allowed: true },
  { desc: '* blocks a request with credentials', spec: CHECK, request: get(true), response: res({ 'access-control-allow-origin': '*', 'access-control-allow-credentials': 'true' }), allowed: false, failure: /'\*', which is not allowed/ },
  { desc: 'ACAO with a trailing slash does not match', spec: CHECK, request: get(), response: res({ 'access-control-allow-origin': `${ORIGIN}/` }), allowed: false, failure: /not equal to the supplied origin/ },
  { desc: 'ACAO is compared byte for byte, not case-folded', spec: CHECK, request: get(), response: res({ 'access-control-allow-origin': 'https://APP.example.com' }), allowed: false },
  { desc: 'two ACAO lines are joined and always fail', spec: CHECK, request: get(), response: res({ 'access-control-allow-origin': [ORIGIN, ORIGIN] }), allowed: false, failure: /several values/ },
  { desc: 'two * lines fail too', spec: CHECK, request: get(), response: res({ 'access-control-allow-origin': ['*', '*'] }), allowed: false },
  { desc: 'ACAO null matches only the null origin', spec: CHECK, request: { origin: 'null', credentials: false }, response: res({ 'access-control-allow-origin': 'null' }), allowed: true },
  { desc: 'credentials need ACAC exactly true', spec: CHECK, request: get(true), response: res({ 'access-control-allow-origin': ORIGIN, 'access-control-allow-credentials': 'TRUE' }), allowed: false, failure: /must be 'true'/ },
  { desc: 'credentials without ACAC are blocked', spec: CHECK, request: get(true), response: res({ 'access-control-allow-origin': ORIGIN }), allowed: false },
  { desc: 'credentials with the exact origin and ACAC true pass', spec: CHECK, request: get(true), response: res({ 'access-control-allow-origin': ORIGIN, 'access-control-allow-credentials': 'true' }), allowed: true },
  { desc: 'an actual request passes whatever its status (the page sees the 500)', spec: CHECK, request: get(), response: res({ 'access-control-allow-origin': ORIGIN }, 500), allowed: true },
  { desc: 'a preflight needs a 2xx status', spec: CHECK, request: preflight('PUT'), response: res({ 'access-control-allow-origin': ORIGIN, 'access-control-allow-methods': 'PUT' }, 403), allowed: false, failure: /status 403/ },
  { desc: 'a preflight answered 204 with the method listed passes', spec: CHECK, request: preflight('PUT'), response: res({ 'access-control-allow-origin': ORIGIN, 'access-control-allow-methods': 'GET, PUT' }, 204), allowed: true },
  { desc: 'a safelisted method needs no ACAM', spec: 'SPEC-NOTES "What triggers a preflight"', request: preflight('POST', ['content-type']), response: res({ 'access-control-allow-origin': ORIGIN, 'access-control-allow-headers': 'Content-Type' }, 204), allowed: true },
  { desc: 'methods compare byte for byte: PATCH does not allow patch', spec: 'SPEC-NOTES "What triggers a preflight"', request: preflight('patch'), response: res({ 'access-control-allow-origin': ORIGIN, 'access-control-allow-methods': 'PATCH' }, 204), allowed: false, failure: /Method patch is not allowed/ },
  { desc: 'ACAM * is a wildcard without credentials', spec: CHECK, request: preflight('PURGE'), response: res({ 'access-control-allow-origin': '*', 'access-control-allow-methods': '*' }, 204), allowed: true },
  { desc: 'ACAM * is the literal name * with credentials', spec: CHECK, request: preflight('PUT', [], true), response: res({ 'access-control-allow-origin': ORIGIN, 'access-control-allow-credentials': 'true', 'access-control-allow-methods': '*' }, 204), allowed: false },
  { desc: 'header names compare case-insensitively', spec: CHECK, request: preflight('GET', ['x-request-id']), response: res({ 'access-control-allow-origin': ORIGIN, 'access-control-allow-headers': 'X-Request-ID' }, 204), allowed: true },
  { desc: 'an unlisted header blocks the preflight', spec: CHECK, request: preflight('GET', ['x-other']), response: res({ 'access-control-allow-origin': ORIGIN, 'access-control-allow-headers': 'X-Request-Id' }, 204), allowed: false, failure: /x-other is not allowed/ },
  { desc: 'ACAH * covers any name without credentials', spec: CHECK, request: preflight('GET', ['x-anything']), response: res({ 'access-control-allow-origin': '*', 'access-control-allow-headers': '*' }, 204), allowed: true },
  { desc: "the standard's ACAH * does not cover Authorization", spec: CHECK, request: preflight('GET', ['authorization']), response: res({ 'access-control-allow-origin': '*', 'access-control-allow-headers': '*' }, 204), allowed: false, failure: /authorization is not allowed/ },
  { desc: 'Authorization listed beside * passes', spec: CHECK, request: preflight('GET', ['authorization']), response: res({ 'access-control-allow-origin': '*', 'access-control-allow-headers': '*, Authorization' }, 204), allowed: true },
  { desc: 'ACAH * is the literal name * with credentials', spec: CHECK, request: preflight('GET', ['x-anything'], true), response: res({ 'access-control-allow-origin': ORIGIN, 'access-control-allow-credentials': 'true', 'access-control-allow-headers': '*' }, 204), allowed: false },
  { desc: 'a malformed ACAM fails the whole preflight', spec: CHECK, request: preflight('GET'), response: res({ 'access-control-allow-origin': ORIGIN, 'access-control-allow-methods': 'GET PUT' }, 204), allowed: false, failure: /not a valid list of methods/ },
  { desc: 'a malformed ACAH fails the whole preflight', spec: CHECK, request: preflight('GET'), response: res({ 'access-control-allow-origin': ORIGIN, 'access-control-allow-headers': 'x-a, "x-b"' }, 204), allowed: false, failure: /not a valid list of header names/ },
  { desc: 'a preflight without ACAO fails even when its lists are right', spec: CHECK, request: preflight('PUT'), response: res({ 'access-control-allow-methods': 'PUT' }, 204), allowed: false, failure: /doesn't pass access control check/ },
];

describe('browserCheck', () => {
  it.each(rows)('$desc ($spec)', ({ request, response, allowed, failure }) => {
    const verdict = browserCheck(request, response);
    expect(verdict.allowed).toBe(allowed);
    if (allowed) expect(verdict.failures).toEqual([]);
    else expect(verdict.failures.length).toBeGreaterThan(0);
    if (failure) expect(verdict.failures.join(' ')).toMatch(failure);
  });

  it.each([
    { desc: 'listed names are readable, lower-cased', credentials: false, aceh: 'X-Request-Id, X-Total', want: ['x-request-id', 'x-total'] },
    { desc: '* exposes everything without credentials', credentials: false, aceh: '*', want: '*' },
    { desc: '* is a literal name with credentials', credentials: true, aceh: '*', want: ['*'] },
  ])('exposes response headers: $desc (SPEC-NOTES "How the browser checks the response")', ({ credentials, aceh, want }) => {
    const headers: Record<string, string> = { 'access-control-allow-origin': ORIGIN, 'access-control-expose-headers': aceh };
    if (credentials) headers['access-control-allow-credentials'] = 'true';
    expect(browserCheck(get(credentials), res(headers)).exposed).toEqual(want);
  });

  it('exposes nothing when the response is blocked', () => {
    expect(browserCheck(get(), res({ 'access-control-expose-headers': '*' })).exposed).toEqual([]);
  });
});

describe('parseListHeader', () => {
  it.each([
    { value: undefined, want: [] },
    { value: 'GET, PUT', want: ['GET', 'PUT'] },
    { value: 'GET,,PUT, ', want: ['GET', 'PUT'] },
    { value: ' \tx-a\t,x-b', want: ['x-a', 'x-b'] },
    { value: 'GET PUT', want: undefined },
    { value: 'x-a;x-b', want: undefined },
  ])('splits $value into $want', ({ value, want }) => {
    expect(parseListHeader(value)).toEqual(want);
  });
});

describe('browserCheck for one engine', () => {
  const authorizationUnderWildcard = (credentials: boolean): [BrowserRequest, BrowserResponse] => [
    preflight('GET', ['authorization'], credentials),
    res(credentials ? { 'access-control-allow-origin': ORIGIN, 'access-control-allow-credentials': 'true', 'access-control-allow-headers': '*' } : { 'access-control-allow-origin': '*', 'access-control-allow-headers': '*' }, 204),
  ];

  it('follows the Fetch standard without an engine: ACAH * does not cover Authorization, and says engines differ', () => {
    const verdict = browserCheck(...authorizationUnderWildcard(false));
    expect(verdict.allowed).toBe(false);
    expect(verdict.failures.join(' ')).toMatch(/Fetch standard never lets \* cover Authorization \(Chromium, Firefox and WebKit do today/);
  });

  it.each(BROWSER_ENGINES)('predicts that %s lets ACAH * cover Authorization without credentials (measured in packages/e2e/test/engines.test.ts), with a note', (engine) => {
    const verdict = browserCheck(...authorizationUnderWildcard(false), engine);
    expect(verdict.allowed).toBe(true);
    expect(verdict.notes?.join(' ')).toMatch(/the Fetch standard does not \(whatwg\/fetch issue 1919\)/);
  });

  it.each(BROWSER_ENGINES)('predicts that %s treats ACAH * as a literal name with credentials, so Authorization is refused', (engine) => {
    expect(browserCheck(...authorizationUnderWildcard(true), engine).allowed).toBe(false);
  });

  it.each(rows.filter((row) => !row.desc.includes('does not cover Authorization')))('agrees with the standard in every engine where engines do not depart from it: $desc', ({ request, response, allowed }) => {
    for (const engine of BROWSER_ENGINES) expect(browserCheck(request, response, engine).allowed, engine).toBe(allowed);
  });

  it('adds no notes where nothing departs from the standard', () => {
    expect(browserCheck(get(), res({ 'access-control-allow-origin': '*' }), 'webkit')).not.toHaveProperty('notes');
  });
});

describe('preflightCacheSeconds', () => {
  it.each([
    { maxAge: undefined, engine: undefined, want: 5 },
    { maxAge: 'soon', engine: 'chromium', want: 5 },
    { maxAge: '-1', engine: 'firefox', want: 5 },
    { maxAge: '0', engine: 'webkit', want: 0 },
    { maxAge: '600', engine: 'webkit', want: 600 },
    { maxAge: '86400', engine: 'chromium', want: 7200 },
    { maxAge: '86400', engine: 'firefox', want: 86400 },
    { maxAge: '86400', engine: 'webkit', want: 600 },
    { maxAge: '86400', engine: undefined, want: 86400 },
  ] as const)('gives Max-Age $maxAge in $engine a lifetime of $want s', ({ maxAge, engine, want }) => {
    expect(preflightCacheSeconds(maxAge, engine)).toBe(want);
  });

  it('says for every cap whether it was measured or is documented, and where', () => {
    for (const engine of BROWSER_ENGINES) expect(ENGINE_FACTS[engine].maxAgeCapSource).toMatch(/^(measured: packages\/e2e\/test\/engines\.test\.ts|documented, not measured .*https:\/\/)/);
  });
});

describe('predictFetch: one engine and a whole fetch() call', () => {
  const call = { origin: 'https://app.example.com', url: 'https://api.example.com/me', method: 'GET', headers: ['Authorization'], credentials: false };
  const star = { status: 204, headers: { 'access-control-allow-origin': '*', 'access-control-allow-headers': '*', 'access-control-max-age': '7200' } };
  const ok = { status: 200, headers: { 'access-control-allow-origin': '*' } };

  it.each(BROWSER_ENGINES)('lets %s send Authorization under Access-Control-Allow-Headers: * without credentials, and notes the Fetch standard', (engine) => {
    const p = predictFetch(call, { preflight: star, actual: ok }, engine);
    expect(p.allowed).toBe(true);
    expect(p.notes.join(' ')).toContain('whatwg/fetch issue 1919');
  });

  it('caps the preflight cache per engine: WebKit 600 s, Chromium 7200 s', () => {
    expect(predictFetch(call, { preflight: star, actual: ok }, 'webkit').preflightCacheSeconds).toBe(600);
    expect(predictFetch(call, { preflight: star, actual: ok }, 'chromium').preflightCacheSeconds).toBe(7200);
  });

  it("quotes each engine's console message for a header the preflight does not allow", () => {
    const listed = { status: 204, headers: { 'access-control-allow-origin': '*', 'access-control-allow-headers': 'content-type' } };
    const x = { ...call, headers: ['X-Debug'] };
    expect(predictFetch(x, { preflight: listed }, 'webkit').console).toBe('Request header field X-Debug is not allowed by Access-Control-Allow-Headers. Then: Fetch API cannot load https://api.example.com/me due to access control checks.');
    expect(predictFetch(x, { preflight: listed }, 'chromium').console).toContain('Request header field x-debug is not allowed by Access-Control-Allow-Headers in preflight response.');
    expect(predictFetch(x, { preflight: listed }, 'firefox').console).toContain('(Reason: header \u2018x-debug\u2019 is not allowed according to header \u2018Access-Control-Allow-Headers\u2019 from CORS preflight response).');
  });
});
