/**
 * The origin guard, case by case: Go 1.25's CrossOriginProtection order (Sec-Fetch-Site, then
 * Origin against Host, then the allowlist), `hosts` against DNS rebinding, WebSocket handshakes,
 * and what the decision carries (403, no CORS headers, a body, the reason).
 */
import { describe, expect, it } from 'vitest';
import { CorsConfigError, createPolicy } from '@corsica/core';
import type { RequestFacts } from '@corsica/core';

const APP = 'https://app.example.com';
const policy = createPolicy({ origin: [APP], credentials: true, methods: ['PUT', 'DELETE'], guard: {}, onWarning: false });
const req = (over: Partial<RequestFacts>): RequestFacts => ({ method: 'POST', host: 'api.example.com', ...over });

describe('guard: { crossOrigin: "unsafe" } (the default)', () => {
  it.each([
    { desc: 'a POST from an unlisted cross-site page (Sec-Fetch-Site: cross-site)', facts: { origin: 'https://evil.example', secFetchSite: 'cross-site' }, want: 'cross-origin-rejected' },
    { desc: 'a POST from an unlisted sibling subdomain (same-site is not same-origin)', facts: { origin: 'https://blog.example.com', secFetchSite: 'same-site' }, want: 'cross-origin-rejected' },
    { desc: 'a DELETE from an unlisted origin, old browser (no Sec-Fetch-Site)', facts: { method: 'DELETE', origin: 'https://evil.example' }, want: 'cross-origin-rejected' },
    { desc: 'a POST with Origin: null (sandboxed iframe, data: URL)', facts: { origin: 'null' }, want: 'cross-origin-rejected' },
    { desc: 'a cross-site POST without any Origin', facts: { secFetchSite: 'cross-site' }, want: 'cross-origin-rejected' },
    { desc: 'a malformed Origin', facts: { origin: 'https://EVIL.example' }, want: 'cross-origin-rejected' },
    { desc: 'a WebSocket handshake (GET) from an unlisted origin', facts: { method: 'GET', upgrade: 'websocket', origin: 'https://evil.example' }, want: 'cross-origin-rejected' },
    { desc: 'a POST from the listed origin', facts: { origin: APP, secFetchSite: 'same-site' }, want: 'origin-allowed' },
    { desc: 'a POST from a same-origin page (Sec-Fetch-Site: same-origin), unlisted', facts: { origin: 'https://api.example.com', secFetchSite: 'same-origin' }, want: 'origin-not-allowed' },
    { desc: 'a POST whose Origin names the request\'s own Host, old browser', facts: { origin: 'https://api.example.com' }, want: 'origin-not-allowed' },
    { desc: 'a POST whose Origin names the Host with its default port spelled out', facts: { origin: 'https://api.example.com', host: 'api.example.com:443' }, want: 'origin-not-allowed' },
    { desc: 'a user-initiated request (Sec-Fetch-Site: none)', facts: { secFetchSite: 'none' }, want: 'not-cors' },
    { desc: 'a POST with neither header (curl, server to server)', facts: {}, want: 'not-cors' },
    { desc: 'a cross-site GET (a safe method)', facts: { method: 'GET', origin: 'https://evil.example', secFetchSite: 'cross-site' }, want: 'origin-not-allowed' },
    { desc: 'a preflight from an unlisted origin (CORS answers it)', facts: { method: 'OPTIONS', origin: 'https://evil.example', requestMethod: 'PUT' }, want: 'origin-not-allowed' },
  ])('$desc: $want', ({ facts, want }) => {
    const d = policy.decide(req(facts as Partial<RequestFacts>));
    expect(d.reason).toBe(want);
    if (want === 'cross-origin-rejected') {
      expect(d.status).toBe(403);
      expect(d.allowed).toBe(false);
      expect(d.headers).toEqual({});
      expect(d.body).toMatch(/^Forbidden/);
    }
  });

  it('leaves WebSocket handshakes alone with webSocket: false', () => {
    const p = createPolicy({ origin: APP, guard: { webSocket: false }, onWarning: false });
    expect(p.decide(req({ method: 'GET', upgrade: 'websocket', origin: 'https://evil.example' })).reason).toBe('origin-not-allowed');
  });

  it('checks an async allowlist with decideAsync, and decide denies while it cannot wait', async () => {
    const p = createPolicy({ origin: async (o) => o === APP, guard: {}, onWarning: false, onError: () => undefined });
    expect((await p.decideAsync(req({ origin: APP, secFetchSite: 'cross-site' }))).reason).toBe('origin-allowed');
    expect((await p.decideAsync(req({ origin: 'https://evil.example', secFetchSite: 'cross-site' }))).reason).toBe('cross-origin-rejected');
  });
});

describe('guard when the checks themselves fail', () => {
  it('fails closed: facts that throw while read answer 403 internal-error, reported to onError, and never reach the app', async () => {
    const errors: unknown[] = [];
    const p = createPolicy({ origin: APP, guard: {}, onError: (e) => errors.push(e), onWarning: false });
    const hostile = {
      method: 'POST',
      get origin(): string {
        throw new Error('a getter that throws');
      },
    } as RequestFacts;
    for (const d of [p.decide(hostile), await p.decideAsync(hostile)]) expect([d.status, d.reason, d.allowed, d.body]).toEqual([403, 'internal-error', false, 'Forbidden: the request could not be checked.\n']);
    expect(errors).toHaveLength(2);
    const unguarded = createPolicy({ origin: APP, onError: () => undefined, onWarning: false });
    expect(unguarded.decide(hostile).status).toBeUndefined();
  });
});

describe('guard: { crossOrigin: "all" }', () => {
  const all = createPolicy({ origin: APP, guard: { crossOrigin: 'all' }, onWarning: false });
  it('rejects a GET from an unlisted origin and passes one from the listed origin or with no browser headers', () => {
    expect(all.decide(req({ method: 'GET', origin: 'https://evil.example' })).reason).toBe('cross-origin-rejected');
    expect(all.decide(req({ method: 'GET', origin: APP })).reason).toBe('origin-allowed');
    expect(all.decide(req({ method: 'GET' })).reason).toBe('not-cors');
  });
});

describe('guard.hosts', () => {
  const p = createPolicy({ origin: APP, guard: { hosts: ['api.example.com', 'localhost:*', '127.0.0.1:*', '[::1]:*', '*.tenants.example.com'] }, onWarning: false });
  it.each([
    ['api.example.com', true],
    ['API.Example.com', true],
    ['api.example.com:8443', false],
    ['localhost:3000', true],
    ['localhost', true],
    ['127.0.0.1:5173', true],
    ['[::1]:8080', true],
    ['a.tenants.example.com', true],
    ['a.b.tenants.example.com', true],
    ['tenants.example.com', false],
    ['eviltenants.example.com', false],
    ['rebind.test', false],
    ['rebind.test:3000', false],
  ])('Host %s passes: %s', (host, passes) => {
    const d = p.decide({ method: 'GET', host });
    expect(d.reason === 'host-not-allowed').toBe(!passes);
    if (!passes) expect([d.kind, d.status, d.headers]).toEqual(['not-cors', 403, {}]);
  });

  it('rejects a request without Host', () => {
    expect(p.decide({ method: 'GET' }).reason).toBe('host-not-allowed');
  });

  it('refuses invalid host entries at configuration time, with every problem and a fix', () => {
    let error: unknown;
    try {
      createPolicy({ origin: APP, guard: { hosts: ['https://api.example.com/', '*.com', 'a b', 'x:99999', '[::0001]'], crossOrigin: 'some' as 'all', extra: 1 } as never });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CorsConfigError);
    expect((error as CorsConfigError).problems.map((q) => `${q.code} ${q.path}`)).toEqual([
      'option.unknown guard.extra',
      'option.invalid-type guard.crossOrigin',
      'guard.invalid-host guard.hosts[0]',
      'guard.public-suffix-wildcard guard.hosts[1]',
      'guard.invalid-host guard.hosts[2]',
      'guard.invalid-host guard.hosts[3]',
      'guard.invalid-host guard.hosts[4]',
    ]);
    expect(() => createPolicy({ origin: APP, guard: { hosts: [] } })).toThrow(/guard.empty-hosts/);
  });
});

describe('guard with reportOnly, debug and explain', () => {
  it('rejects nothing in report-only mode and records what the guard would have done', () => {
    const seen: string[] = [];
    const p = createPolicy({ origin: APP, guard: {}, reportOnly: { fallback: { origin: '*' } }, onDecision: (d) => seen.push(d.wouldHave!.reason), onWarning: false });
    const d = p.decide(req({ origin: 'https://evil.example', secFetchSite: 'cross-site' }));
    expect(d.status).toBeUndefined();
    expect(d.wouldHave?.reason).toBe('cross-origin-rejected');
    expect(seen).toEqual(['cross-origin-rejected']);
  });

  it('says why in the debug header, and explain names the rule and the fix', () => {
    const p = createPolicy({ origin: APP, guard: { hosts: ['api.example.com'] }, debug: true, onWarning: false });
    expect(p.decide(req({ origin: 'https://evil.example', secFetchSite: 'cross-site' })).headers['Corsica-Debug']).toBe('cross-origin-rejected');
    const text = p.explain(req({ origin: 'https://evil.example', secFetchSite: 'cross-site' }));
    expect(text).toContain('Sec-Fetch-Site: cross-site, so the allowlist decides: not allowed');
    expect(text).toContain('Response: 403 Forbidden');
    expect(text).toMatch(/Fix: if pages on this origin should be able to send such requests, add the origin to `origin`/);
    expect(p.explain({ method: 'GET', host: 'rebind.test' })).toContain('Host rebind.test is not in guard.hosts');
  });
});
