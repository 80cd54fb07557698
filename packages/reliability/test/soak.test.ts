/**
 * Mixed soak of every adapter, one after the other: autocannon keeps 50 connections busy for
 * SOAK_SECONDS (default 30) with allowed, denied, preflight and hostile requests against the
 * credentialed policy in a child process. Every answer is checked against the status and ACAO
 * expected for its kind; the child's resident memory and heap after the run must stay within 10%
 * of their size after a warm-up run (SOAK_WARMUP_SECONDS, default 5), all read after forced GCs.
 */
import autocannon from 'autocannon';
import type { AutocannonRequest, AutocannonResult } from 'autocannon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServerChild } from './support/child.js';
import { writeResults } from './support/results.js';
import { envInt } from './support/util.js';
import type { AdapterName, MemoryReading } from './support/scenarios.js';
import { ADAPTERS, ALLOWED_ORIGINS, DENIED_ORIGIN, OK_PATH } from './support/scenarios.js';

const SOAK_SECONDS = envInt('SOAK_SECONDS', 30);
const WARMUP_SECONDS = envInt('SOAK_WARMUP_SECONDS', 5);
const CONNECTIONS = 50;
const MEMORY_TOLERANCE = 0.1;

const APP = ALLOWED_ORIGINS[0]!;
const ADMIN = ALLOWED_ORIGINS[1]!;

/** 200 KB of request-header names: far over the core's length cap, under the server's 256 KB limit. */
const ACRH_200KB = Array.from({ length: Math.ceil((200 * 1024) / 15) + 1 }, (_, i) => `x-h-${String(i).padStart(10, "0")}`).join(',').slice(0, 200 * 1024);
/** 10,000 short names: far over the core's count cap. */
const ACRH_10K_NAMES = Array.from({ length: 10_000 }, () => 'x-a').join(',');

/** One kind of request in the mix, and what its answer must be. */
interface Kind {
  readonly name: string;
  readonly request: Omit<AutocannonRequest, 'onResponse'>;
  readonly status: number;
  /** The ACAO the answer must carry, or null for none. */
  readonly acao: string | null;
}

const KINDS: readonly Kind[] = [
  { name: 'allowed GET', request: { method: 'GET', path: OK_PATH, headers: { Origin: APP } }, status: 200, acao: APP },
  { name: 'denied GET', request: { method: 'GET', path: OK_PATH, headers: { Origin: DENIED_ORIGIN } }, status: 200, acao: null },
  {
    name: 'allowed preflight',
    request: { method: 'OPTIONS', path: OK_PATH, headers: { Origin: ADMIN, 'Access-Control-Request-Method': 'PUT', 'Access-Control-Request-Headers': 'authorization,content-type' } },
    status: 204,
    acao: ADMIN,
  },
  { name: 'denied preflight', request: { method: 'OPTIONS', path: OK_PATH, headers: { Origin: DENIED_ORIGIN, 'Access-Control-Request-Method': 'PUT' } }, status: 403, acao: null },
  {
    name: 'preflight with a 200 KB ACRH',
    request: { method: 'OPTIONS', path: OK_PATH, headers: { Origin: APP, 'Access-Control-Request-Method': 'PUT', 'Access-Control-Request-Headers': ACRH_200KB } },
    status: 403,
    acao: null,
  },
  {
    name: 'preflight with 10,000 ACRH names',
    request: { method: 'OPTIONS', path: OK_PATH, headers: { Origin: APP, 'Access-Control-Request-Method': 'PUT', 'Access-Control-Request-Headers': ACRH_10K_NAMES } },
    status: 403,
    acao: null,
  },
  // two keys that differ in case become two Origin lines on the wire
  { name: 'GET with repeated Origin lines', request: { method: 'GET', path: OK_PATH, headers: { Origin: APP, origin: ADMIN } }, status: 200, acao: null },
  { name: 'POST with repeated Origin lines', request: { method: 'POST', path: OK_PATH, headers: { Origin: APP, origin: APP, 'Content-Type': 'text/plain' }, body: 'x' }, status: 200, acao: null },
];

interface Tally {
  responses: number;
  unexpected: number;
  examples: string[];
}

interface SoakFigures {
  seconds: number;
  connections: number;
  requests: number;
  requestsPerSecond: number;
  errors: number;
  timeouts: number;
  resets: number;
  unexpected: number;
  perKind: Record<string, { responses: number; unexpected: number; status: number; acao: string | null }>;
  latencyP99Ms: number;
  memoryAfterWarmup: MemoryReading;
  memoryAfterRun: MemoryReading;
  rssGrowth: number;
}

const figures: Partial<Record<AdapterName, SoakFigures>> = {};

afterAll(() => {
  writeResults('soak', { seconds: SOAK_SECONDS, warmupSeconds: WARMUP_SECONDS, connections: CONNECTIONS, kinds: KINDS.map(({ name, status, acao }) => ({ name, status, acao })), adapters: figures });
});

function acaoOf(headers: Record<string, string | string[]>): string | null {
  for (const name of Object.keys(headers)) {
    if (name.toLowerCase() === 'access-control-allow-origin') {
      const value = headers[name]!;
      return Array.isArray(value) ? value.join(' | ') : value;
    }
  }
  return null;
}

/** Runs the mix for `seconds` against `port`, tallying every answer against its kind's expectation. */
async function run(port: number, seconds: number): Promise<{ result: AutocannonResult; tallies: Map<string, Tally> }> {
  const tallies = new Map<string, Tally>(KINDS.map((k) => [k.name, { responses: 0, unexpected: 0, examples: [] }]));
  const requests: AutocannonRequest[] = KINDS.map((kind) => ({
    ...kind.request,
    onResponse: (status, _body, _context, headers) => {
      const tally = tallies.get(kind.name)!;
      tally.responses++;
      const acao = acaoOf(headers);
      if (status !== kind.status || acao !== kind.acao) {
        tally.unexpected++;
        if (tally.examples.length < 3) tally.examples.push(`${kind.name}: got ${status} with ACAO ${JSON.stringify(acao)}, expected ${kind.status} with ${JSON.stringify(kind.acao)}`);
      }
    },
  }));
  const result = await autocannon({ url: `http://127.0.0.1:${port}`, connections: CONNECTIONS, duration: seconds, timeout: 10, requests });
  return { result, tallies };
}

describe.each(ADAPTERS)('%s under a mixed soak', (adapter) => {
  let child: ServerChild;

  beforeAll(async () => {
    child = await ServerChild.spawn(`${adapter} soak child`);
  });
  afterAll(() => child?.kill());

  it(
    `answers ${CONNECTIONS} connections for ${SOAK_SECONDS} s with 0 errors, 0 unexpected statuses and flat memory`,
    async () => {
      const { port } = await child.start(adapter, 'credentialed');
      const warmup = await run(port, WARMUP_SECONDS);
      expect(warmup.result.errors + warmup.result.timeouts, 'connection errors during the warm-up').toBe(0);
      const before = await child.memory();
      const { result, tallies } = await run(port, SOAK_SECONDS);
      const after = await child.memory();

      const unexpected = [...tallies.values()].reduce((n, t) => n + t.unexpected, 0);
      const answered = [...tallies.values()].reduce((n, t) => n + t.responses, 0);
      const f: SoakFigures = {
        seconds: SOAK_SECONDS,
        connections: CONNECTIONS,
        requests: answered,
        requestsPerSecond: Math.round(answered / SOAK_SECONDS),
        errors: result.errors,
        timeouts: result.timeouts,
        resets: result.resets,
        unexpected,
        perKind: Object.fromEntries(KINDS.map((k) => [k.name, { responses: tallies.get(k.name)!.responses, unexpected: tallies.get(k.name)!.unexpected, status: k.status, acao: k.acao }])),
        latencyP99Ms: result.latency.p99,
        memoryAfterWarmup: before,
        memoryAfterRun: after,
        rssGrowth: after.rss / before.rss - 1,
      };
      figures[adapter] = f;
      const mb = (n: number): string => (n / 1024 / 1024).toFixed(1);
      console.log(
        `soak ${adapter}: ${answered} requests in ${SOAK_SECONDS} s (${f.requestsPerSecond}/s), ${result.errors} errors, ${result.timeouts} timeouts, ${unexpected} unexpected, ` +
          `rss ${mb(before.rss)} -> ${mb(after.rss)} MB (${(f.rssGrowth * 100).toFixed(1)}%), heap ${mb(before.heapUsed)} -> ${mb(after.heapUsed)} MB (total ${mb(before.heapTotal)} -> ${mb(after.heapTotal)}, external ${mb(before.external)} -> ${mb(after.external)})`,
      );

      expect(child.alive, `the ${adapter} child died during the soak${child.stderrTail()}`).toBe(true);
      expect(result.errors, 'connection errors').toBe(0);
      expect(result.timeouts, 'requests without an answer within 10 s').toBe(0);
      expect([...tallies.values()].flatMap((t) => t.examples), 'unexpected answers').toEqual([]);
      for (const kind of KINDS) expect(tallies.get(kind.name)!.responses, `answers to ${kind.name}`).toBeGreaterThan(0);
      expect(after.rss, `resident memory grew by ${(f.rssGrowth * 100).toFixed(1)}%`).toBeLessThanOrEqual(before.rss * (1 + MEMORY_TOLERANCE));
      // the JavaScript heap is the precise measure: resident memory also moves with the allocator
      expect(after.heapUsed, `the heap grew from ${mb(before.heapUsed)} to ${mb(after.heapUsed)} MB`).toBeLessThanOrEqual(before.heapUsed * (1 + MEMORY_TOLERANCE));
    },
    (SOAK_SECONDS + WARMUP_SECONDS + 60) * 1000,
  );
});
