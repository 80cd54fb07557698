/**
 * Group 4: async origin resolvers (a tenant database). The cost of `decideAsync` on a cache hit
 * and on a miss, against the sync `decide` of a static list measured in the same rounds; and
 * single-flight: 1,000 concurrent decisions for one unknown origin must call the resolver once.
 */
import { createPolicy } from '@corsica/core';
import * as fx from '../lib/fixtures.mjs';
import { timeAlternating } from '../lib/measure.mjs';

const SIZE = 1000;

/** A resolver that answers after `delayMs`, counting its calls. */
function countingResolver(delayMs) {
  const allowed = fx.originPredicate(SIZE);
  const resolver = async (origin) => {
    resolver.calls++;
    if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
    return allowed(origin);
  };
  resolver.calls = 0;
  return resolver;
}

function asyncPolicy(resolver, extra = {}) {
  const { origin: _static, ...rest } = fx.corsicaOptions(1);
  return createPolicy({ ...rest, origin: resolver, ...extra });
}

/** 1,000 decisions for one origin, started together; the resolver takes 20 ms. */
async function singleFlight(cache) {
  const resolver = countingResolver(20);
  const policy = asyncPolicy(resolver, cache ? {} : { originCache: false });
  const origin = fx.allowedOrigin(SIZE);
  const started = performance.now();
  const decisions = await Promise.all(Array.from({ length: 1000 }, () => policy.decideAsync({ method: 'GET', origin })));
  const ms = performance.now() - started;
  const allowed = decisions.filter((d) => d.allowed).length;
  return { cache, concurrent: 1000, resolverCalls: resolver.calls, allowed, ms: Math.round(ms * 10) / 10, ok: resolver.calls === 1 && allowed === 1000 };
}

export async function run() {
  const staticPolicy = createPolicy(fx.corsicaOptions(SIZE));
  const origin = fx.allowedOrigin(SIZE);
  const request = { method: 'GET', origin };

  const hitResolver = countingResolver(0);
  const hitPolicy = asyncPolicy(hitResolver);
  await hitPolicy.decideAsync(request); // fills the cache

  // misses: a new origin every call (all allowed by the resolver), cache on, so each call also evicts
  const missResolver = countingResolver(0);
  const missPolicy = asyncPolicy(missResolver);
  let next = 0;
  const uncachedPolicy = asyncPolicy(countingResolver(0), { originCache: false });

  const subjects = [
    { id: 'sync-static', label: 'decide, static list of 1k origins (baseline)', run: () => staticPolicy.decide(request) },
    { id: 'async-static', label: 'decideAsync, static list (no resolver)', run: () => staticPolicy.decideAsync(request), async: true },
    { id: 'async-hit', label: 'decideAsync, resolver, cache hit', run: () => hitPolicy.decideAsync(request), async: true },
    { id: 'async-miss', label: 'decideAsync, resolver, cache miss (new origin each call)', run: () => missPolicy.decideAsync({ method: 'GET', origin: `https://t${next++}.example.com` }), async: true },
    { id: 'async-uncached', label: 'decideAsync, resolver, originCache: false', run: () => uncachedPolicy.decideAsync(request), async: true },
  ];
  const timed = await timeAlternating(subjects);
  const rows = subjects.map((s) => ({ id: s.id, label: s.label, ...timed[s.id] }));
  for (const r of rows) process.stderr.write(`  async ${r.id.padEnd(15)} ${r.ns.toFixed(0).padStart(7)} ns\n`);

  const flights = [await singleFlight(true), await singleFlight(false)];
  for (const f of flights) {
    process.stderr.write(`  single-flight (cache ${f.cache ? 'on' : 'off'}): ${f.concurrent} concurrent decideAsync → resolver called ${f.resolverCalls}× (${f.ok ? 'OK' : 'FAILED'}), ${f.allowed} allowed, ${f.ms} ms\n`);
  }
  return { rows, singleFlight: flights, hitCalls: hitResolver.calls };
}
