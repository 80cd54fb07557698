/**
 * Properties of `policy.decideAsync`: it agrees with `decide`, async resolvers agree with their
 * sync twins, concurrent lookups of one origin share one call, and the resolver cache is a
 * bounded LRU (observed through resolver call counts).
 */
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { createPolicy } from '@corsica/core';
import type { CorsOptions, Decision, RequestFacts } from '@corsica/core';
import { listPolicySpec, originString, requestFor, ruleText, specWithRequests, toOptions } from '../../test/arbitraries.js';
import type { OriginRule, PolicySpec } from '../../test/arbitraries.js';

const silent = { onWarning: false, onError: () => undefined } as const;

/** What a generated resolver does for one origin. */
type Behaviour = 'allow' | 'deny' | 'throw' | 'non-boolean';
const behaviour = fc.constantFrom<Behaviour>('allow', 'allow', 'deny', 'throw', 'non-boolean');

/** The body shared by a sync predicate and its `async` twin. */
function resolverBody(table: ReadonlyMap<string, Behaviour>, fallback: Behaviour): (origin: string) => boolean {
  return (origin) => {
    const b = table.get(origin) ?? fallback;
    if (b === 'throw') throw new Error(`lookup failed for ${origin}`);
    if (b === 'non-boolean') return 'yes' as unknown as boolean;
    return b === 'allow';
  };
}

const comparable = (d: Decision) => ({ kind: d.kind, allowed: d.allowed, reason: d.reason, status: d.status, headers: d.headers, vary: d.vary });

/** A list policy, a resolver over some of its (near-miss) origins, and requests for it. */
const resolverScenario = listPolicySpec.chain((spec) =>
  fc.record({
    spec: fc.constant(spec),
    table: fc.array(fc.tuple(originString(spec), behaviour), { maxLength: 6 }).map((entries) => new Map(entries)),
    fallback: behaviour,
    keepStatic: fc.boolean(),
    requests: fc.array(requestFor(spec), { minLength: 1, maxLength: 8 }),
  }),
);

function withResolver(spec: PolicySpec, keepStatic: boolean, fn: (origin: string) => unknown): CorsOptions {
  const statics = keepStatic ? (spec.origin as readonly OriginRule[]).map(ruleText) : [];
  return toOptions(spec, { origin: [...statics, fn], ...silent });
}

describe('decideAsync', () => {
  it('returns exactly what decide returns for every policy without async resolvers', async () => {
    await fc.assert(
      fc.asyncProperty(specWithRequests, async ({ spec, requests }) => {
        const policy = createPolicy(toOptions(spec));
        expect(policy.isAsync).toBe(false);
        for (const req of requests) expect(await policy.decideAsync(req)).toStrictEqual(policy.decide(req));
      }),
      { numRuns: 100 },
    );
  });

  it('returns exactly what decide returns for policies with sync predicates (allowing, denying, throwing or answering a non-boolean)', async () => {
    await fc.assert(
      fc.asyncProperty(resolverScenario, async ({ spec, table, fallback, keepStatic, requests }) => {
        const body = resolverBody(table, fallback);
        const policy = createPolicy(withResolver(spec, keepStatic, (o: string) => body(o)));
        expect(policy.isAsync).toBe(false);
        for (const req of requests) expect(await policy.decideAsync(req)).toStrictEqual(policy.decide(req));
      }),
      { numRuns: 100 },
    );
  });

  it('decides with an async predicate as decide does with the same body as a sync predicate (kind, allowed, reason, status, headers, vary)', async () => {
    await fc.assert(
      fc.asyncProperty(resolverScenario, async ({ spec, table, fallback, keepStatic, requests }) => {
        const body = resolverBody(table, fallback);
        const sync = createPolicy(withResolver(spec, keepStatic, (o: string) => body(o)));
        const async_ = createPolicy(withResolver(spec, keepStatic, async (o: string) => body(o)));
        expect(async_.isAsync).toBe(true);
        for (const req of requests) {
          // twice: the second answer may come from the cache
          for (let i = 0; i < 2; i++) expect(comparable(await async_.decideAsync(req)), JSON.stringify(req)).toEqual(comparable(sync.decide(req)));
        }
      }),
      { numRuns: 100 },
    );
  });

  it('calls the async resolver once for N concurrent requests from one new origin (single flight), with or without a cache', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 16 }),
        fc.boolean(),
        fc.boolean(),
        fc.array(fc.constantFrom<RequestFacts['method']>('GET', 'POST', 'OPTIONS'), { minLength: 16, maxLength: 16 }),
        fc.stringMatching(/^[a-z][a-z0-9]{0,8}$/),
        async (n, allow, cache, methods, tenant) => {
          let calls = 0;
          let open!: () => void;
          const gate = new Promise<void>((resolve) => (open = resolve));
          const policy = createPolicy({
            origin: async () => {
              calls++;
              await gate;
              return allow;
            },
            methods: ['PUT'],
            originCache: cache ? { max: 10 } : false,
            ...silent,
          });
          const origin = `https://${tenant}.tenant.example`;
          const pending = Array.from({ length: n }, (_, i) => policy.decideAsync({ method: methods[i], origin, requestMethod: methods[i] === 'OPTIONS' ? 'PUT' : undefined }));
          await Promise.resolve();
          open();
          const decisions = await Promise.all(pending);
          expect(calls).toBe(1);
          for (const d of decisions) expect(d.allowed).toBe(allow);
          await policy.decideAsync({ method: 'GET', origin });
          expect(calls).toBe(cache ? 1 : 2);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('keeps at most originCache.max answers and failures, least recently used out first: resolver calls follow an LRU model of that size', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 5 }),
        fc.array(fc.constantFrom<Behaviour>('allow', 'deny', 'throw'), { minLength: 8, maxLength: 8 }),
        fc.array(fc.nat({ max: 7 }), { maxLength: 40 }),
        async (max, behaviours, accesses) => {
          const origins = behaviours.map((_, i) => `https://t${i}.tenant.example`);
          const table = new Map(origins.map((o, i) => [o, behaviours[i]!]));
          const body = resolverBody(table, 'deny');
          let calls = 0;
          const policy = createPolicy({
            origin: async (o: string) => {
              calls++;
              return body(o);
            },
            // failures kept as long as answers, so every entry ages alike within a run
            originCache: { max, failureTtl: 60_000 },
            ...silent,
          });
          const model: string[] = []; // least recently used first
          for (const i of accesses) {
            const origin = origins[i]!;
            const before = calls;
            const d = await policy.decideAsync({ method: 'GET', origin });
            const at = model.indexOf(origin);
            if (at >= 0) {
              expect(calls - before, `hit for ${origin}`).toBe(0);
              model.splice(at, 1);
              model.push(origin);
            } else {
              expect(calls - before, `miss for ${origin}`).toBe(1);
              model.push(origin);
              if (model.length > max) model.shift();
            }
            expect(d.allowed).toBe(behaviours[i] === 'allow');
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('denies a lookup slower than resolverTimeout (resolver-timeout, one onError report), ignores its late answer, answers the same for failureTtl without asking again, then asks again', async () => {
    vi.useFakeTimers();
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 1, max: 500 }),
          fc.integer({ min: 1, max: 5000 }),
          fc.integer({ min: 1, max: 400 }),
          fc.integer({ min: 0, max: 3000 }),
          async (timeout, ttl, slowBy, failureTtl) => {
            let calls = 0;
            let slow = true;
            const errors: unknown[] = [];
            const policy = createPolicy({
              origin: async () => {
                calls++;
                if (slow) await new Promise((resolve) => setTimeout(resolve, timeout + slowBy));
                return true;
              },
              resolverTimeout: timeout,
              originCache: { ttl, failureTtl },
              onWarning: false,
              onError: (e) => errors.push(e),
            });
            const req = { method: 'GET', origin: 'https://late.tenant.example' };
            const first = policy.decideAsync(req);
            await vi.advanceTimersByTimeAsync(timeout);
            const d = await first;
            expect(d.allowed).toBe(false);
            expect(d.reason).toBe('resolver-timeout');
            expect(errors).toHaveLength(1);
            await vi.advanceTimersByTimeAsync(slowBy); // the late `true` arrives and must change nothing
            slow = false;
            if (slowBy < failureTtl) {
              const again = await policy.decideAsync(req);
              expect([again.reason, calls, errors.length], 'a failure is remembered for failureTtl, and reported once').toEqual(['resolver-timeout', 1, 1]);
              await vi.advanceTimersByTimeAsync(failureTtl - slowBy);
            }
            expect((await policy.decideAsync(req)).allowed, 'asked again once failureTtl has passed').toBe(true);
            expect(calls).toBe(2);
            await policy.decideAsync(req);
            expect(calls, 'an answer is cached within the TTL').toBe(2);
            await vi.advanceTimersByTimeAsync(ttl);
            await policy.decideAsync(req);
            expect(calls, 'and looked up again after it').toBe(3);
          },
        ),
        { numRuns: 40 },
      );
    } finally {
      vi.useRealTimers();
    }
  });

  it('forgets the first origins after cycling through more than originCache.max origins, and remembers the last max', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 10 }), async (max, extra) => {
        const seen = new Map<string, number>();
        const policy = createPolicy({
          origin: async (o: string) => {
            seen.set(o, (seen.get(o) ?? 0) + 1);
            return true;
          },
          originCache: { max },
          ...silent,
        });
        const origins = Array.from({ length: max + extra }, (_, i) => `https://t${i}.tenant.example`);
        for (const origin of origins) await policy.decideAsync({ method: 'GET', origin });
        // the last `max` are cached: no new calls
        for (const origin of origins.slice(extra)) await policy.decideAsync({ method: 'GET', origin });
        expect(origins.map((o) => seen.get(o))).toEqual(origins.map(() => 1));
        // the first `extra` were evicted: each costs a new call
        for (const origin of origins.slice(0, Math.min(extra, max))) await policy.decideAsync({ method: 'GET', origin });
        expect(origins.slice(0, Math.min(extra, max)).map((o) => seen.get(o))).toEqual(origins.slice(0, Math.min(extra, max)).map(() => 2));
      }),
      { numRuns: 60 },
    );
  });
});
