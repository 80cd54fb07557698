/**
 * HTTP fuzzing of every adapter: fast-check generates hostile raw requests, written over raw
 * sockets (one request per connection, `Connection: close`, many connections at once) to a real
 * server in a child process. Every answer is judged by `support/oracle.ts`; at the end the child
 * must still be alive and answering.
 *
 * FUZZ_REQUESTS (default 10000) requests per adapter, split evenly between a public and a
 * credentialed policy; FUZZ_SEED replays a run (failure messages name the batch seed).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServerChild } from './support/child.js';
import { fuzzRequest } from './support/fuzz-requests.js';
import type { FuzzRequest } from './support/fuzz-requests.js';
import type { FuzzPolicy } from './support/oracle.js';
import { FETCH_FORBIDDEN_METHODS, judge } from './support/oracle.js';
import { exchange } from './support/raw-http.js';
import { describeRequest, toBytes } from './support/requests.js';
import { writeResults } from './support/results.js';
import { envInt, pool } from './support/util.js';
import type { AdapterName } from './support/scenarios.js';
import { ADAPTERS, LAMBDA_SHAPES } from './support/scenarios.js';

const REQUESTS = envInt('FUZZ_REQUESTS', 10_000);
const SEED = envInt('FUZZ_SEED', Math.floor(Math.random() * 2 ** 31) + 1);
const CONCURRENCY = 32;
const BATCH = 500;
const ANSWER_TIMEOUT_MS = 10_000;
const POLICIES: readonly FuzzPolicy[] = ['credentialed', 'public'];
const PER_POLICY = Math.ceil(REQUESTS / POLICIES.length);

interface FuzzFigures {
  requests: number;
  parserValid: number;
  answered: number;
  /** Requests Node's parser refused and answered by closing the connection (no app code ran). */
  closedByParser: number;
  allowed: number;
  statuses: Record<string, number>;
  hugeValues: number;
  slowestMs: number;
  violations: number;
  ms: number;
}

const figures: Partial<Record<AdapterName, Partial<Record<FuzzPolicy, FuzzFigures>>>> = {};

afterAll(() => {
  writeResults('fuzz', { seed: SEED, requestsPerAdapter: PER_POLICY * POLICIES.length, requestsPerPolicy: PER_POLICY, concurrency: CONCURRENCY, adapters: figures });
});

/** The seed of batch `b` of a policy: each policy gets its own requests, the same on every adapter. */
const batchSeed = (policy: FuzzPolicy, b: number): number => SEED + POLICIES.indexOf(policy) * 100_000 + b;

/** The requests of a batch: reproducible from its seed alone. */
function batch(seed: number, size: number): FuzzRequest[] {
  return fc.sample(fuzzRequest, { numRuns: size, seed });
}

describe.each([...ADAPTERS, ...LAMBDA_SHAPES])('%s under fuzzed hostile requests', (adapter) => {
  let child: ServerChild;

  beforeAll(async () => {
    child = await ServerChild.spawn(`${adapter} fuzz child`);
  });
  afterAll(async () => {
    await child?.kill();
    const mine = figures[adapter] ?? {};
    const total = POLICIES.reduce((n, p) => n + (mine[p]?.requests ?? 0), 0);
    console.log(`fuzz ${adapter}: ${total} generated requests in all`);
  });

  it.each(POLICIES)(
    `answers every generated request without a 5xx, a hang or an ACAO the %s policy does not allow`,
    async (policy) => {
      const { id, port } = await child.start(adapter, policy);
      const started = performance.now();
      const f: FuzzFigures = { requests: 0, parserValid: 0, answered: 0, closedByParser: 0, allowed: 0, statuses: {}, hugeValues: 0, slowestMs: 0, violations: 0, ms: 0 };
      const failures: string[] = [];
      for (let b = 0; b * BATCH < PER_POLICY; b++) {
        const seed = batchSeed(policy, b);
        const requests = batch(seed, Math.min(BATCH, PER_POLICY - b * BATCH));
        await pool(requests, CONCURRENCY, async (request, i) => {
          const result = await exchange(port, toBytes(request, port, 'close'), [request.method], { timeoutMs: ANSWER_TIMEOUT_MS, closeAfter: true });
          const verdict = judge({ policy, timeoutMs: ANSWER_TIMEOUT_MS, ...(adapter === 'fetch' ? { refusedMethods: FETCH_FORBIDDEN_METHODS } : {}) }, request, result);
          f.requests++;
          if (request.parserValid) f.parserValid++;
          if (request.lines.some(([, v]) => v.length > 8192)) f.hugeValues++;
          if (verdict.status === undefined) f.closedByParser++;
          else {
            f.answered++;
            f.statuses[verdict.status] = (f.statuses[verdict.status] ?? 0) + 1;
          }
          if (verdict.allowed) f.allowed++;
          f.slowestMs = Math.max(f.slowestMs, Math.round(result.ms));
          if (verdict.violations.length > 0) {
            f.violations++;
            if (failures.length < 5) failures.push(`request ${b * BATCH + i} (batch ${b}, batch seed ${seed}, index ${i} in the batch):\n  ${describeRequest(request)}\n  -> ${verdict.violations.join('\n  -> ')}`);
          }
        });
        if (!child.alive) break;
      }
      f.ms = Math.round(performance.now() - started);
      (figures[adapter] ??= {})[policy] = f;
      console.log(`fuzz ${adapter} (${policy}): ${f.requests} requests, ${f.parserValid} reached the app, ${f.allowed} allowed, statuses ${JSON.stringify(f.statuses)}, ${f.violations} violations, ${f.ms} ms (seed ${SEED})`);

      expect(child.alive, `the ${adapter} child died during the fuzz${child.stderrTail()}`).toBe(true);
      expect(failures, failures.join('\n\n')).toEqual([]);
      expect(f.requests).toBe(PER_POLICY);
      // the generator must reach both sides of the policy, or the properties prove little
      expect(f.allowed).toBeGreaterThan(PER_POLICY / 10);
      expect(f.answered - f.allowed).toBeGreaterThan(PER_POLICY / 10);
      // nothing here may reach onError: no resolver, no hook, no stacking, and no internal error
      const counters = await child.counters(id);
      expect(counters.errorCount, JSON.stringify(counters.errors.slice(0, 5))).toBe(0);
      await child.stop(id);
    },
    300_000,
  );

  it('is still running and answering once the fuzz is over', async () => {
    expect(await child.ping()).toBe('pong');
    expect(child.alive).toBe(true);
  });
});
