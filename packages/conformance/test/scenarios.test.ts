import { describe, expect, it } from 'vitest';
import { GUARDED_POLICIES, STANDARD_POLICIES, allowedProbeOrigins, isGuardRejection, isSkipped, nearMisses, oracleDecision, oraclePolicy, scenariosFor, servedHost } from '../src/index.js';
import type { Scenario } from '../src/index.js';

const byId = (list: readonly Scenario[]): Map<string, Scenario> => new Map(list.map((s) => [s.id, s]));
const policies = Object.entries({ ...STANDARD_POLICIES, ...GUARDED_POLICIES });

describe('scenariosFor', () => {
  it.each(policies)('gives every scenario of policy %s a unique id, a sentence title and a SPEC-NOTES section', (_name, policy) => {
    const list = scenariosFor(policy);
    expect(new Set(list.map((s) => s.id)).size).toBe(list.length);
    for (const s of list) {
      expect(s.title).toMatch(/^[A-Z].*\.$/);
      expect(s.spec).toMatch(/^SPEC-NOTES "/);
    }
  });

  it.each(policies)('covers every group the kit promises for policy %s', (_name, policy) => {
    const ids = byId(scenariosFor(policy));
    for (const id of [
      'not-cors.get',
      'not-cors.vary-route',
      'not-cors.options-with-request-method',
      'actual.post',
      'actual.options',
      'route.error',
      'route.not-found',
      'route.vary',
      'origin.null',
      'origin.repeated',
      'origin.comma-joined',
      'origin.control-byte',
      'preflight.method-not-allowed',
      'preflight.header-not-allowed',
      'preflight.authorization',
      'preflight.headers-empty',
      'preflight.app-options-route',
      'preflight.origin-unlisted',
      'hostile.acrh-200kb',
      'hostile.acrh-10k-names',
    ]) {
      expect(ids.has(id), id).toBe(true);
    }
  });

  it('tries every look-alike of each exact origin, and expects each to be refused', () => {
    const ids = byId(scenariosFor(STANDARD_POLICIES.credentialed!));
    for (const kind of ['suffix', 'prefix', 'scheme', 'port', 'uppercase', 'trailing-slash', 'trailing-dot']) {
      const s = ids.get(`origin.${kind}@https://app.example.com`);
      expect(s, kind).toBeDefined();
      expect(s!.expect.verdict).toBe('refused');
      expect(s!.expect.decision.allowed).toBe(false);
    }
    expect(ids.get('origin.suffix@https://app.example.com')!.request.headers).toContainEqual(['Origin', 'https://app.example.com.evil.example']);
    expect(ids.get('origin.prefix@https://app.example.com')!.request.headers).toContainEqual(['Origin', 'https://evilapp.example.com']);
  });

  it('names a host under each subdomain pattern and a port under each port pattern as allowed', () => {
    const probes = allowedProbeOrigins(oraclePolicy(STANDARD_POLICIES.credentialed!).config);
    expect(probes).toEqual(['https://app.example.com', 'https://admin.example.com', 'https://conformance.preview.example.com', 'https://a.b.preview.example.com', 'http://localhost:5173']);
    const ids = byId(scenariosFor(STANDARD_POLICIES.credentialed!));
    expect(ids.get('actual.get.credentials@https://a.b.preview.example.com')!.expect.verdict).toBe('allowed');
    expect(ids.get('origin.pattern-apex@https://preview.example.com')!.expect.verdict).toBe('refused');
  });

  it('leaves out look-alikes a pattern happens to allow', () => {
    const ids = byId(scenariosFor(STANDARD_POLICIES.credentialed!));
    // another port of http://localhost:5173 is still http://localhost:*
    expect(ids.has('origin.port@http://localhost:5173')).toBe(false);
    expect(ids.has('origin.scheme@http://localhost:5173')).toBe(true);
  });

  it('sends repeated Origin lines as separate lines, in order', () => {
    const s = byId(scenariosFor(STANDARD_POLICIES.credentialed!)).get('origin.repeated-reversed')!;
    expect(s.request.headers.filter(([n]) => n === 'Origin')).toEqual([['Origin', 'https://evil.example'], ['Origin', 'https://app.example.com']]);
    expect(s.expect.decision.reason).toBe('origin-duplicated');
    expect(s.browser!.origin).toBe('https://app.example.com');
  });

  it('tries lower-case patch only when PATCH is allowed', () => {
    expect(byId(scenariosFor(STANDARD_POLICIES.credentialed!)).get('preflight.method-lowercase')!.expect.decision.reason).toBe('method-not-allowed');
    expect(byId(scenariosFor(STANDARD_POLICIES.single!)).has('preflight.method-lowercase')).toBe(false);
  });

  it('expects Authorization to be refused under allowedHeaders "*" and let in when listed', () => {
    expect(byId(scenariosFor(STANDARD_POLICIES['wildcard-headers']!)).get('preflight.authorization')!.expect.verdict).toBe('refused');
    expect(byId(scenariosFor(STANDARD_POLICIES.credentialed!)).get('preflight.authorization')!.expect.verdict).toBe('allowed');
  });

  it('expects a credentialed request to a public policy to be refused by the browser', () => {
    const s = byId(scenariosFor(STANDARD_POLICIES.public!)).get('actual.get.credentials@https://client.example.org')!;
    expect(s.expect.decision.allowed).toBe(true);
    expect(s.expect.verdict).toBe('refused');
  });

  it.each(policies.filter(([, p]) => oraclePolicy(p).config.originMode === 'dynamic'))(
    'agrees with the core on every CORS request of the origin-dependent policy %s (credentials aside)',
    (_name, policy) => {
      const credentials = oraclePolicy(policy).config.credentials;
      for (const s of scenariosFor(policy)) {
        if (s.browser === undefined || (s.credentials && !credentials)) continue;
        expect(s.expect.verdict, s.id).toBe(s.expect.decision.allowed ? 'allowed' : 'refused');
      }
    },
  );

  it.each([
    ['single', 'origin.repeated'],
    ['single', 'preflight.origin-repeated'],
    ['public', 'origin.comma-joined'],
    ['public', 'preflight.origin-repeated'],
  ])('accepts either outcome under the static policy %s for %s: the origin is allowed, only its form is refused', (name, id) => {
    const s = byId(scenariosFor(STANDARD_POLICIES[name]!)).get(id)!;
    expect(s.expect.decision.allowed).toBe(false);
    expect(s.expect.verdict).toBe('either');
  });

  it.each([
    ['credentialed', 'preflight.origin-repeated'],
    ['single', 'preflight.origin-suffix'],
    ['single', 'origin.suffix@https://app.example.com'],
  ])('still expects a refusal under %s for %s', (name, id) => {
    expect(byId(scenariosFor(STANDARD_POLICIES[name]!)).get(id)!.expect.verdict).toBe('refused');
  });

  it('expects the preflight status the policy configures', () => {
    const s = byId(scenariosFor(STANDARD_POLICIES['preflight-200']!)).get('preflight.method@PUT')!;
    expect(s.expect.decision.status).toBe(200);
  });

  it('uses the routes it is given', () => {
    const list = scenariosFor(STANDARD_POLICIES.public!, { ok: '/api/ok', error: '/api/boom' });
    const ids = byId(list);
    expect(ids.get('actual.post')!.request.path).toBe('/api/ok');
    expect(ids.get('route.error')!.request.path).toBe('/api/boom');
    expect(ids.get('route.not-found')!.request.path).toBe('/does-not-exist');
  });

  it('still refuses look-alikes for a policy whose origins are a RegExp and a predicate', () => {
    const list = scenariosFor({ origin: [/^https:\/\/[a-z]+\.example\.net$/, (o) => o === 'https://partner.example.org'] });
    const ids = byId(list);
    expect(ids.has('actual.post')).toBe(false);
    expect(ids.get('origin.unlisted')!.expect.verdict).toBe('refused');
    expect(ids.get('preflight.origin-unlisted')!.expect.decision.status).toBe(403);
    expect(ids.get('not-cors.get')!.expect.decision.vary).toEqual(['Origin']);
  });

  it('refuses a policy with an async origin function, with a corsica: message naming the fix', () => {
    expect(() => scenariosFor({ origin: async (o: string) => o === 'https://a.example' })).toThrow(/^corsica: .*async `origin` function/);
  });

  it('passes invalid options on as the core\'s CorsConfigError', () => {
    expect(() => scenariosFor({ origin: 'https://app.example.com/' })).toThrow(/trailing|slash/);
  });
});

describe('scenariosFor with the origin guard', () => {
  const guarded = GUARDED_POLICIES.guarded!;
  const all = GUARDED_POLICIES['guarded-all']!;
  const header = (s: Scenario, name: string): string[] => s.request.headers.filter(([n]) => n.toLowerCase() === name).map(([, v]) => v);

  it.each(Object.entries(STANDARD_POLICIES))('generates no guard scenario, and sends no Host or Sec-Fetch-Site, for the unguarded policy %s', (_name, policy) => {
    for (const s of scenariosFor(policy)) {
      expect(s.id, s.id).not.toMatch(/^guard\./);
      expect(header(s, 'host'), s.id).toEqual([]);
      expect(header(s, 'sec-fetch-site'), s.id).toEqual([]);
      expect(isGuardRejection(s.expect.decision), s.id).toBe(false);
    }
  });

  it.each(Object.entries(GUARDED_POLICIES))('sends one Host line on every request of %s, and expects what the core decides for exactly those lines', (_name, policy) => {
    const oracle = oraclePolicy(policy);
    for (const s of scenariosFor(policy)) {
      expect(header(s, 'host'), s.id).toHaveLength(1);
      const sent = s.request.headers.filter(([n]) => n !== 'Content-Length');
      expect(s.expect.decision, s.id).toEqual(oracleDecision(oracle, s.request.method, sent));
      // what the guard rejects is answered before the app: the app's answer is never expected
      if (isGuardRejection(s.expect.decision)) expect(s.expect.app, s.id).toBeUndefined();
    }
  });

  it('names a listed Host for a policy with guard.hosts, and a fixed name when any Host is served', () => {
    expect(servedHost(oraclePolicy(guarded).config)).toBe('api.example.com');
    expect(servedHost(oraclePolicy(all).config)).toBe('api.conformance.example');
    expect(servedHost(oraclePolicy({ origin: ['https://app.example.com'], guard: { hosts: ['*.internal.example:*'] } }).config)).toBe('conformance.internal.example:8080');
    expect(servedHost(oraclePolicy(STANDARD_POLICIES.credentialed!).config)).toBeUndefined();
  });

  it.each(['post', 'put', 'delete', 'patch'])('rejects a cross-site %s from an unlisted origin and lets the listed origin through', (method) => {
    const ids = byId(scenariosFor(guarded));
    const rejected = ids.get(`guard.cross-site.${method}`)!;
    expect(rejected.request.method).toBe(method.toUpperCase());
    expect(header(rejected, 'origin')).toEqual(['https://evil.example']);
    expect(header(rejected, 'sec-fetch-site')).toEqual(['cross-site']);
    expect([rejected.expect.decision.status, rejected.expect.decision.reason, rejected.expect.verdict]).toEqual([403, 'cross-origin-rejected', 'refused']);
    const listed = ids.get(`guard.listed.${method}`)!;
    expect([listed.expect.decision.reason, listed.expect.app?.status, listed.expect.verdict]).toEqual(['origin-allowed', 200, 'allowed']);
  });

  it.each([
    ['guard.same-site-sibling', 403],
    ['guard.origin-null', 403],
    ['guard.origin-null.no-fetch-metadata', 403],
    ['guard.cross-site.no-fetch-metadata', 403],
    ['guard.host-rebinding', 403],
    ['guard.host-rebinding.post', 403],
    ['guard.host-rebinding.preflight', 403],
    ['guard.websocket.cross-site', 403],
    ['guard.same-origin', 200],
    ['guard.same-origin.fetch-metadata', 200],
    ['guard.no-headers', 200],
    ['guard.sec-fetch-site-none', 200],
    ['guard.host-listed', 200],
    ['guard.cross-site.get', 200],
    ['guard.cross-site.head', 200],
    ['guard.websocket.listed', 200],
  ])('expects %s to answer %i under the default guard with hosts', (id, status) => {
    const s = byId(scenariosFor(guarded)).get(id)!;
    expect(s, id).toBeDefined();
    expect(s.expect.decision.status ?? s.expect.app?.status).toBe(status);
  });

  it('sends same-origin requests with Origin equal to the Host it sends, and judges them as no CORS check would', () => {
    const s = byId(scenariosFor(guarded)).get('guard.same-origin')!;
    expect(header(s, 'origin')).toEqual([`http://${header(s, 'host')[0]}`]);
    expect(header(s, 'sec-fetch-site')).toEqual([]);
    expect(s.browser).toBeUndefined();
  });

  it('sends an unlisted Host for rebinding, and generates it only when the policy lists its hosts', () => {
    expect(header(byId(scenariosFor(guarded)).get('guard.host-rebinding')!, 'host')).toEqual(['attacker.example']);
    expect([...byId(scenariosFor(all)).keys()].filter((id) => id.startsWith('guard.host'))).toEqual([]);
  });

  it('rejects GET and HEAD from an unlisted origin with crossOrigin "all", and every other unlisted actual request with them', () => {
    const ids = byId(scenariosFor(all));
    for (const id of ['guard.cross-site.get', 'guard.cross-site.head', 'origin.unlisted', 'origin.null']) {
      expect(ids.get(id)!.expect.decision.reason, id).toBe('cross-origin-rejected');
      expect(ids.get(id)!.title, id).toMatch(/403 before the app runs/);
    }
    expect(ids.get('guard.listed.get')!.expect.app).toEqual({ status: 200, body: 'ok' });
    // preflights are CORS's to answer, guard or not
    expect(ids.get('preflight.origin-unlisted')!.expect.decision.kind).toBe('preflight');
  });
});

describe('nearMisses', () => {
  it('builds look-alikes of an origin with a port', () => {
    const got = Object.fromEntries(nearMisses('http://localhost:5173').map((m) => [m.kind, m.origin]));
    expect(got).toEqual({
      suffix: 'http://localhost.evil.example:5173',
      prefix: 'http://evillocalhost:5173',
      scheme: 'https://localhost:5173',
      port: 'http://localhost:5174',
      uppercase: 'http://LOCALHOST:5173',
      'trailing-slash': 'http://localhost:5173/',
      'trailing-dot': 'http://localhost.:5173',
    });
  });
});

describe('isSkipped', () => {
  it.each([
    { id: 'route.error', skip: ['route.error'], want: true },
    { id: 'route.error', skip: ['route.*'], want: true },
    { id: 'route.errors', skip: ['route.error'], want: false },
    { id: 'hostile.acrh-200kb', skip: ['hostile*'], want: true },
    { id: 'route.error', skip: undefined, want: false },
  ])('$id with skip $skip is skipped: $want', ({ id, skip, want }) => {
    expect(isSkipped(id, skip)).toBe(want);
  });
});
