/**
 * Properties of `policy.reconfigure` and `policy.setDebug`: a policy keeps its identity, and each
 * decision runs entirely under one configuration, sync or async, however swaps interleave.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CorsConfigError, createPolicy } from '@corsica/core';
import type { CorsOptions, Decision, RequestFacts } from '@corsica/core';

const ORIGINS = ['https://a.example', 'https://b.example', 'https://c.example', 'https://d.example'] as const;

/** Two configurations that disagree on every field a decision carries, one with a slow async resolver. */
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const CONFIGS: readonly CorsOptions[] = [
  { origin: ['https://a.example', 'https://b.example'], credentials: true, methods: ['PUT'], allowedHeaders: ['X-A'], exposedHeaders: ['X-Exposed-A'], maxAge: 60, onWarning: false },
  {
    origin: [
      'https://c.example',
      async (o: string) => {
        await wait(o.length % 3);
        return o === 'https://d.example';
      },
    ],
    methods: ['DELETE'],
    allowedHeaders: ['X-B'],
    preflightStatus: 200,
    originCache: false,
    onWarning: false,
  },
];

const request: fc.Arbitrary<RequestFacts> = fc.record({
  method: fc.constantFrom('GET', 'POST', 'OPTIONS'),
  origin: fc.constantFrom(...ORIGINS),
  requestMethod: fc.constantFrom(undefined, 'PUT', 'DELETE'),
  requestHeaders: fc.constantFrom(undefined, 'x-a', 'x-b'),
});

type Step = { readonly op: 'decide' | 'decideAsync'; readonly req: RequestFacts } | { readonly op: 'reconfigure'; readonly to: 0 | 1 };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ op: fc.constantFrom('decide' as const, 'decideAsync' as const), req: request }),
  fc.record({ op: fc.constant('reconfigure' as const), to: fc.constantFrom(0 as const, 1 as const) }),
);

/** Everything a decision says, without `wouldHave` (none here). */
const view = (d: Decision) => ({ kind: d.kind, allowed: d.allowed, reason: d.reason, status: d.status, headers: d.headers, vary: d.vary });

describe('policy.reconfigure', () => {
  it('decides each request, sync or async, entirely under the configuration in force when it started, whatever swaps happen while it is in flight', async () => {
    const references = CONFIGS.map((options) => createPolicy(options));
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 40 }), async (steps) => {
        const policy = createPolicy(CONFIGS[0]!);
        let current: 0 | 1 = 0;
        const checks: Promise<void>[] = [];
        for (const s of steps) {
          if (s.op === 'reconfigure') {
            policy.reconfigure(CONFIGS[s.to]!);
            current = s.to;
            expect(policy.config.methods).toEqual(references[s.to]!.config.methods);
            continue;
          }
          const under = current;
          const expected = references[under]!.decideAsync(s.req).then(view);
          if (s.op === 'decide' && !references[under]!.isAsync) {
            const got = view(policy.decide(s.req));
            checks.push(expected.then((want) => expect(got, `decide under config ${under}`).toEqual(want)));
          } else {
            checks.push(Promise.all([policy.decideAsync(s.req).then(view), expected]).then(([got, want]) => expect(got, `decideAsync started under config ${under}`).toEqual(want)));
          }
        }
        await Promise.all(checks);
      }),
      { numRuns: 60 },
    );
  });

  it('keeps serving the old configuration when the new one is refused, and lists every problem', () => {
    const policy = createPolicy({ origin: 'https://a.example', onWarning: false });
    let error: unknown;
    try {
      policy.reconfigure({ origin: ['https://b.example/', 'null'], credentials: true, maxAge: -1 } as CorsOptions);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CorsConfigError);
    expect((error as CorsConfigError).problems.map((p) => p.code)).toEqual(['origin.trailing-slash', 'origin.null', 'maxAge.invalid']);
    expect(policy.decide({ method: 'GET', origin: 'https://a.example' }).allowed).toBe(true);
    expect(policy.config.origins).toEqual(['https://a.example']);
  });

  it('drops the answers cached under the old configuration: a revoked origin is denied at once', async () => {
    let calls = 0;
    const allowTenant = async (o: string) => {
      calls++;
      return o === 'https://tenant.example';
    };
    const policy = createPolicy({ origin: allowTenant, onWarning: false });
    expect((await policy.decideAsync({ method: 'GET', origin: 'https://tenant.example' })).allowed).toBe(true);
    expect((await policy.decideAsync({ method: 'GET', origin: 'https://tenant.example' })).allowed).toBe(true);
    expect(calls).toBe(1);
    policy.reconfigure({ origin: async () => false, onWarning: false });
    expect((await policy.decideAsync({ method: 'GET', origin: 'https://tenant.example' })).allowed).toBe(false);
    expect(policy.isAsync).toBe(true);
    policy.reconfigure({ origin: 'https://tenant.example', onWarning: false });
    expect(policy.isAsync).toBe(false);
  });
});

describe('policy.setDebug', () => {
  it('adds the debug header to denials once switched on, and never to allowed answers', () => {
    const policy = createPolicy({ origin: 'https://a.example', onWarning: false });
    const denied = { method: 'GET', origin: 'https://evil.example' };
    const allowed = { method: 'GET', origin: 'https://a.example' };
    expect(policy.decide(denied).headers['Corsica-Debug']).toBeUndefined();
    policy.setDebug(true);
    expect(policy.config.debug).toBe(true);
    expect(policy.decide(denied).headers['Corsica-Debug']).toBe('origin-not-allowed');
    expect(policy.decide(allowed).headers['Corsica-Debug']).toBeUndefined();
    policy.setDebug(false);
    expect(policy.decide(denied).headers['Corsica-Debug']).toBeUndefined();
    expect(() => policy.setDebug('yes' as unknown as boolean)).toThrow(/setDebug expects true or false/);
  });
});
