/**
 * Properties of `policy.decide` over generated policies and generated (often hostile) requests.
 * Policies and requests come from `test/arbitraries.ts`, whose origins include the spec-table rows
 * (SPEC-NOTES "Origins as browsers send them") as seeds.
 * @see https://fetch.spec.whatwg.org/#http-cors-protocol
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createPolicy } from '@corsica/core';
import type { Decision, Policy, RequestFacts } from '@corsica/core';
import {
  HEADER_BREAKERS,
  listPolicySpec,
  ownOrigin,
  policySpec,
  refDecide,
  refHeaderAllowed,
  refIsToken,
  refNormalizeMethod,
  refOriginAllowed,
  refSplitHeaderList,
  renderHeaderList,
  asLines,
  requestedNames,
  requestMethodValue,
  singleValue,
  specWithRequests,
  toOptions,
} from '../../test/arbitraries.js';
import type { PolicySpec } from '../../test/arbitraries.js';

const ACAO = 'Access-Control-Allow-Origin';
const ACAC = 'Access-Control-Allow-Credentials';
const ACAM = 'Access-Control-Allow-Methods';
const ACAH = 'Access-Control-Allow-Headers';
const ACMA = 'Access-Control-Max-Age';
const DEBUG = 'Corsica-Debug';
const SAFELISTED = new Set(['GET', 'HEAD', 'POST']);
const silent = { onWarning: false, onError: () => undefined } as const;

const RUNS = { numRuns: 150 };

/** Runs `check` on every generated request of every generated policy. */
function forEachDecision(check: (d: Decision, req: RequestFacts, spec: PolicySpec, policy: Policy) => void, params = RUNS): void {
  fc.assert(
    fc.property(specWithRequests, ({ spec, requests }) => {
      const policy = createPolicy(toOptions(spec));
      for (const req of requests) check(policy.decide(req), req, spec, policy);
    }),
    params,
  );
}

const list = (value: string | undefined): string[] => (value ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');

/** Policies that exercise the paths generated specs do not: RegExps, predicates, report-only. */
const exoticPolicies: Policy[] = [
  createPolicy({ origin: [/^https:\/\/[a-z]+\.example\.org$/, 'https://*.example.com'], ...silent }),
  createPolicy({ origin: (o: string) => o.endsWith('.example.net'), credentials: true, debug: true, ...silent }),
  createPolicy({ origin: () => { throw new Error('database down'); }, ...silent }),
  createPolicy({ origin: (() => Promise.resolve(true)) as unknown as (o: string) => boolean, ...silent }),
  createPolicy({ origin: (() => 'yes') as unknown as (o: string) => boolean, debug: true, ...silent }),
  createPolicy({ origin: 'https://app.example.com', reportOnly: { fallback: { origin: '*' } }, onDecision: () => undefined, ...silent }),
  createPolicy({ origin: 'https://app.example.com', onDecision: () => { throw new Error('logger down'); }, privateNetwork: true, ...silent }),
];

const anythingFacts = fc.oneof(
  fc.record(
    { method: fc.anything(), origin: fc.anything(), requestMethod: fc.anything(), requestHeaders: fc.anything(), requestPrivateNetwork: fc.anything() },
    { requiredKeys: [] },
  ),
  fc.record({ method: fc.constant('OPTIONS'), origin: fc.anything(), requestMethod: fc.anything(), requestHeaders: fc.anything() }),
  // an origin the policies may allow, so that nonsense reaches the method and header checks
  fc.record({
    method: fc.constantFrom('OPTIONS', 'GET'),
    origin: fc.constantFrom('https://app.example.com', 'https://x.example.com', 'https://a.example.org', 'https://t.example.net', ['https://x.example.com']),
    requestMethod: fc.oneof(fc.anything(), fc.constantFrom('PUT', 'GET')),
    requestHeaders: fc.anything(),
    requestPrivateNetwork: fc.anything(),
  }),
  fc.anything(),
) as fc.Arbitrary<RequestFacts>;

const anyPolicy = fc.oneof(
  policySpec.map((spec) => createPolicy(toOptions(spec, { onError: () => undefined }))),
  fc.constantFrom(...exoticPolicies),
);

describe('decide over generated policies and requests', () => {
  it('never throws and always returns a well-formed decision, whatever the value of each fact (fc.anything)', () => {
    fc.assert(
      fc.property(anyPolicy, fc.array(anythingFacts, { minLength: 1, maxLength: 5 }), (policy, requests) => {
        for (const req of requests) {
          let d: Decision | undefined;
          expect(() => (d = policy.decide(req))).not.toThrow();
          expect(['not-cors', 'actual', 'preflight']).toContain(d!.kind);
          expect(typeof d!.allowed).toBe('boolean');
          expect(typeof d!.reason).toBe('string');
          expect(Array.isArray(d!.vary)).toBe(true);
          for (const [name, value] of Object.entries(d!.headers)) {
            expect(typeof name).toBe('string');
            expect(typeof value).toBe('string');
          }
        }
      }),
      { numRuns: 200 },
    );
  });

  it('never throws on generated near-miss and garbage requests either, and explain() never throws on them', () => {
    fc.assert(
      fc.property(specWithRequests, ({ spec, requests }) => {
        const policy = createPolicy(toOptions(spec));
        for (const req of requests) {
          expect(() => policy.decide(req)).not.toThrow();
          expect(typeof policy.explain(req)).toBe('string');
        }
      }),
      { numRuns: 100 },
    );
  });

  it('classifies and allows exactly as an independent reference of the design does (kind and allowed)', () => {
    forEachDecision((d, req, spec) => {
      const want = refDecide(spec, req);
      expect({ kind: d.kind, allowed: d.allowed }, JSON.stringify({ origin: req.origin, req, options: toOptions(spec) })).toEqual(want);
    }, { numRuns: 200 });
  });

  it('never sends Access-Control-Allow-Origin: * together with Access-Control-Allow-Credentials', () => {
    forEachDecision((d) => {
      if (d.headers[ACAO] === '*') expect(d.headers[ACAC]).toBeUndefined();
    });
  });

  it('sends as Access-Control-Allow-Origin only *, the fixed origin, or the request origin that the policy allows', () => {
    forEachDecision((d, req, spec, policy) => {
      const acao = d.headers[ACAO];
      if (d.kind !== 'not-cors' && d.allowed) expect(acao, 'an allowed CORS request needs ACAO').toBeDefined();
      if (acao === undefined) return;
      const mode = policy.config.originMode;
      if (acao === '*') {
        expect(spec.origin).toBe('*');
        expect(spec.credentials).toBe(false);
        expect(mode).toBe('any');
        return;
      }
      expect(mode).not.toBe('any');
      if (mode === 'fixed') {
        expect(spec.origin).toHaveLength(1);
        expect(policy.config.origins).toEqual([acao]);
        const rule = (spec.origin as readonly { kind: string; origin?: string }[])[0]!;
        expect(rule).toEqual({ kind: 'exact', origin: acao });
        return;
      }
      expect(acao).toBe(singleValue(req.origin));
      expect(refOriginAllowed(spec, acao)).toBe(true);
    });
  });

  it('sends Access-Control-Allow-Credentials: true only with credentials on and an exact origin in ACAO, and always for allowed credentialed requests', () => {
    forEachDecision((d, _req, spec) => {
      const acac = d.headers[ACAC];
      if (acac !== undefined) {
        expect(acac).toBe('true');
        expect(spec.credentials).toBe(true);
        expect(d.headers[ACAO]).toBeDefined();
        expect(d.headers[ACAO]).not.toBe('*');
      }
      if (spec.credentials && d.allowed && d.kind !== 'not-cors') expect(acac).toBe('true');
    });
  });

  it('answers a denied preflight with 403 and no Access-Control-* header, and an allowed one with the configured status', () => {
    forEachDecision((d, _req, spec) => {
      if (d.kind !== 'preflight') {
        expect(d.status).toBeUndefined();
        return;
      }
      if (!d.allowed) {
        expect(d.status).toBe(403);
        expect(Object.keys(d.headers).filter((h) => /^access-control-/i.test(h))).toEqual([]);
      } else {
        expect(d.status).toBe(spec.preflightStatus ?? 204);
      }
    });
  });

  it('varies on Origin for every non-preflight decision of a dynamic policy, never for * or a fixed origin, and preflights vary on Origin, ACRM and ACRH', () => {
    forEachDecision((d, _req, _spec, policy) => {
      const vary = d.vary.map((v) => v.toLowerCase());
      if (d.kind === 'preflight') {
        expect(vary).toEqual(expect.arrayContaining(['origin', 'access-control-request-method', 'access-control-request-headers']));
      } else if (policy.config.originMode === 'dynamic') {
        expect(vary).toContain('origin');
      } else {
        expect(vary).not.toContain('origin');
      }
      expect(new Set(vary).size, 'Vary names are de-duplicated').toBe(vary.length);
    });
  });

  it('never writes CR, LF or NUL into a header name, a header value or a Vary name, even in debug mode', () => {
    forEachDecision((d) => {
      for (const [name, value] of Object.entries(d.headers)) {
        expect(refIsToken(name), name).toBe(true);
        expect(HEADER_BREAKERS.test(value), JSON.stringify(value)).toBe(false);
      }
      for (const name of d.vary) expect(refIsToken(name), name).toBe(true);
      if (d.wouldHave) for (const value of Object.values(d.wouldHave.headers)) expect(HEADER_BREAKERS.test(value)).toBe(false);
    }, { numRuns: 150 });
  });

  it('lets an allowed preflight cover every requested header name and method: ACAH lists each name (case-insensitively) or is * without credentials for a non-Authorization name; ACAM lists the method unless it is GET, HEAD or POST', () => {
    forEachDecision((d, req, spec) => {
      if (d.kind !== 'preflight' || !d.allowed) return;
      const acah = list(d.headers[ACAH]).map((n) => n.toLowerCase());
      const h = req.requestHeaders;
      const text = typeof h === 'string' ? h : Array.isArray(h) ? h.join(',') : '';
      const parsed = refSplitHeaderList(text);
      expect(parsed.ok).toBe(true);
      for (const name of parsed.ok ? parsed.names : []) {
        const covered = acah.includes(name) || (acah.includes('*') && !spec.credentials && name !== 'authorization');
        expect(covered, `${name} not covered by ACAH ${d.headers[ACAH]}`).toBe(true);
      }
      const m = singleValue(req.requestMethod)!;
      if (!SAFELISTED.has(m)) {
        const acam = list(d.headers[ACAM]);
        expect(acam.includes(m) || (acam.includes('*') && !spec.credentials), `${m} not covered by ACAM ${d.headers[ACAM]}`).toBe(true);
      }
    }, { numRuns: 200 });
  });

  it('sends Access-Control-Max-Age exactly when maxAge is configured, and only on allowed preflights', () => {
    forEachDecision((d, _req, spec) => {
      const allowedPreflight = d.kind === 'preflight' && d.allowed;
      expect(d.headers[ACMA]).toBe(allowedPreflight && spec.maxAge !== undefined ? String(spec.maxAge) : undefined);
    });
  });

  it('exposes headers only as configured and never on preflights, and answers Private Network Access only on allowed preflights that ask for it with privateNetwork on', () => {
    forEachDecision((d, req, spec) => {
      const aceh = d.headers['Access-Control-Expose-Headers'];
      if (d.kind === 'preflight' || spec.exposedHeaders === undefined || spec.exposedHeaders.length === 0) expect(aceh).toBeUndefined();
      else if (aceh !== undefined) {
        expect(list(aceh).map((n) => n.toLowerCase())).toEqual(spec.exposedHeaders === '*' ? ['*'] : spec.exposedHeaders.map((n) => n.toLowerCase()));
      }
      const pna = d.headers['Access-Control-Allow-Private-Network'];
      const asked = singleValue(req.requestPrivateNetwork) === 'true';
      expect(pna).toBe(spec.privateNetwork && d.kind === 'preflight' && d.allowed && asked ? 'true' : undefined);
      if (d.kind === 'preflight' && spec.privateNetwork) expect(d.vary).toContain('Access-Control-Request-Private-Network');
    });
  });

  it('never lets debug mode weaken a decision: it only adds Corsica-Debug, and only to denials', () => {
    fc.assert(
      fc.property(specWithRequests, ({ spec, requests }) => {
        const quiet = createPolicy(toOptions({ ...spec, debug: false }));
        const loud = createPolicy(toOptions({ ...spec, debug: true }));
        for (const req of requests) {
          const a = quiet.decide(req);
          const b = loud.decide(req);
          const { [DEBUG]: why, ...rest } = b.headers;
          expect({ ...b, headers: rest }).toEqual(a);
          expect(why !== undefined).toBe(!b.allowed);
        }
      }),
      RUNS,
    );
  });
});

describe('methods and request headers in preflights', () => {
  const methodToken = fc
    .stringMatching(/^[A-Za-z][A-Za-z0-9!#$%&'*+.^_`|~-]{0,10}$/)
    .filter((t) => !['CONNECT', 'TRACE', 'TRACK'].includes(t.toUpperCase()));

  it('compares methods byte for byte: methods [m] allows exactly m (as browsers normalize it) and GET, HEAD, POST', () => {
    fc.assert(
      fc.property(methodToken, fc.array(fc.boolean(), { maxLength: 12 }), (m, flips) => {
        const policy = createPolicy({ origin: 'https://app.example.com', methods: [m], onWarning: false });
        const recased = [...m].map((ch, i) => (flips[i] ? (ch === ch.toLowerCase() ? ch.toUpperCase() : ch.toLowerCase()) : ch)).join('');
        const wanted = refNormalizeMethod(m);
        for (const asked of new Set([m, m.toLowerCase(), m.toUpperCase(), recased, 'GET', 'HEAD', 'POST', 'get'])) {
          const d = policy.decide({ method: 'OPTIONS', origin: 'https://app.example.com', requestMethod: asked });
          expect(d.allowed, `methods [${m}] and ACRM ${asked}`).toBe(asked === wanted || SAFELISTED.has(asked));
          if (!d.allowed) expect(d.reason).toBe('method-not-allowed');
        }
      }),
      {
        numRuns: 200,
        examples: [
          ['PATCH', []],
          ['patch', []],
          ['delete', []],
          ['Purge', [true]],
        ],
      },
    );
    const patch = createPolicy({ origin: 'https://app.example.com', methods: ['PATCH'], onWarning: false });
    expect(patch.decide({ method: 'OPTIONS', origin: 'https://app.example.com', requestMethod: 'patch' }).allowed).toBe(false);
    expect(patch.decide({ method: 'OPTIONS', origin: 'https://app.example.com', requestMethod: 'PATCH' }).allowed).toBe(true);
  });

  it('judges a header list the same whatever its order, letter case, optional whitespace, empty elements or split into lines', () => {
    const scenario = listPolicySpec.chain((spec) =>
      fc.record({
        spec: fc.constant(spec),
        origin: ownOrigin(spec),
        requestMethod: requestMethodValue(spec),
        names: requestedNames(spec),
      }).chain((s) =>
        fc.record({
          s: fc.constant(s),
          a: renderHeaderList(s.names),
          b: renderHeaderList(s.names),
          cuts: fc.array(fc.nat(), { maxLength: 3 }),
        }),
      ),
    );
    fc.assert(
      fc.property(scenario, ({ s, a, b, cuts }) => {
        const policy = createPolicy(toOptions(s.spec));
        const ask = (requestHeaders: string | string[]) => policy.decide({ method: 'OPTIONS', origin: s.origin, requestMethod: s.requestMethod, requestHeaders });
        const da = ask(a);
        expect(ask(b).allowed, `${JSON.stringify(a)} vs ${JSON.stringify(b)}`).toBe(da.allowed);
        expect(ask(asLines(b, cuts)).allowed).toBe(da.allowed);
        // and the outcome is the one the names call for
        const want = refDecide(s.spec, { method: 'OPTIONS', origin: s.origin, requestMethod: s.requestMethod, requestHeaders: a });
        expect(da.allowed).toBe(want.allowed);
        const originAndMethodOk = refDecide(s.spec, { method: 'OPTIONS', origin: s.origin, requestMethod: s.requestMethod }).allowed;
        if (want.kind === 'preflight' && originAndMethodOk) expect(da.allowed).toBe(s.names.every((n) => refHeaderAllowed(s.spec, n.toLowerCase())));
      }),
      { numRuns: 300 },
    );
  });
});
