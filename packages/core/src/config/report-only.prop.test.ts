/**
 * Properties of report-only rollout and of the `onDecision` hook (DESIGN.md "Decisions already
 * taken": the configured policy is reported, the response follows the fallback).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createPolicy } from '@corsica/core';
import type { Decision, RequestFacts } from '@corsica/core';
import { policySpec, requestFor, toOptions } from '../../test/arbitraries.js';
import type { PolicySpec } from '../../test/arbitraries.js';

const PUBLIC: PolicySpec = {
  origin: '*',
  originAsString: true,
  credentials: false,
  methods: undefined,
  allowedHeaders: undefined,
  exposedHeaders: undefined,
  listsAsStrings: false,
  maxAge: undefined,
  debug: false,
  privateNetwork: false,
  preflightStatus: undefined,
};

const scenario = fc
  .record({
    configured: policySpec,
    fallback: fc.oneof(fc.constant(PUBLIC), policySpec),
    fallbackAsPolicy: fc.boolean(),
  })
  .chain((s) => fc.record({ s: fc.constant(s), requests: fc.array(requestFor(s.configured), { minLength: 1, maxLength: 8 }) }));

describe('report-only mode and onDecision', () => {
  it('applies the fallback policy\'s decision, reports the configured policy\'s decision as wouldHave, and calls onDecision once per decide with what it returned', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async ({ s, requests }) => {
        const calls: [Decision, RequestFacts][] = [];
        const fallbackOptions = toOptions(s.fallback);
        const reportOnly = createPolicy(
          toOptions(s.configured, {
            reportOnly: { fallback: s.fallbackAsPolicy ? createPolicy(fallbackOptions) : fallbackOptions },
            onDecision: (d: Decision, r: RequestFacts) => calls.push([d, r]),
          }),
        );
        const configured = createPolicy(toOptions(s.configured));
        const fallback = createPolicy(fallbackOptions);
        for (const req of requests) {
          const want = { ...fallback.decide(req), wouldHave: configured.decide(req) };
          const before = calls.length;
          const applied = reportOnly.decide(req);
          expect(applied).toStrictEqual(want);
          expect(calls.length).toBe(before + 1);
          expect(calls[before]![0]).toBe(applied);
          expect(calls[before]![1]).toBe(req);
          const appliedAsync = await reportOnly.decideAsync(req);
          expect(appliedAsync).toStrictEqual(want);
          expect(calls.length).toBe(before + 2);
          expect(calls[before + 1]![0]).toBe(appliedAsync);
        }
      }),
      { numRuns: 100 },
    );
  });

  it('calls onDecision exactly once per decide and decideAsync outside report-only mode, with the decision returned', async () => {
    await fc.assert(
      fc.asyncProperty(policySpec.chain((spec) => fc.tuple(fc.constant(spec), fc.array(requestFor(spec), { minLength: 1, maxLength: 8 }))), async ([spec, requests]) => {
        const seen: Decision[] = [];
        const policy = createPolicy(toOptions(spec, { onDecision: (d: Decision) => seen.push(d) }));
        for (const req of requests) {
          const d = policy.decide(req);
          expect(seen.at(-1)).toBe(d);
          const a = await policy.decideAsync(req);
          expect(seen.at(-1)).toBe(a);
          expect(d.wouldHave).toBeUndefined();
        }
        expect(seen).toHaveLength(requests.length * 2);
      }),
      { numRuns: 100 },
    );
  });
});
