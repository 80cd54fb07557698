/**
 * How async origin resolvers are asked: `originCache` (size, TTL, how long a failure is
 * remembered) and `resolverTimeout`.
 * @module
 */
import type { CacheLimits } from '../compiled.js';
import type { ProblemList } from './problems.js';

export const DEFAULT_CACHE: CacheLimits = Object.freeze({ max: 1000, ttl: 60_000, failureTtl: 1000 });
export const DEFAULT_RESOLVER_TIMEOUT = 2000;

/** Validates `originCache`: an object `{ max, ttl, failureTtl }`, or `false` for no cache. */
export function validateOriginCache(o: Record<string, unknown>, p: ProblemList): CacheLimits | undefined {
  const raw = o.originCache;
  if (raw === false) return undefined;
  if (raw === undefined) return DEFAULT_CACHE;
  if (typeof raw !== 'object' || raw === null) {
    p.add('option.invalid-type', 'originCache', '`originCache` must be an object `{ max, ttl, failureTtl }` or false.', 'Write e.g. `originCache: { max: 1000, ttl: 60000 }`.');
    return DEFAULT_CACHE;
  }
  const c = raw as Record<string, unknown>;
  const max = c.max ?? DEFAULT_CACHE.max;
  const ttl = c.ttl ?? DEFAULT_CACHE.ttl;
  // by default no longer than answers are kept: `ttl: 0` (always ask) asks again after failures too
  const failureTtl = c.failureTtl ?? (typeof ttl === 'number' ? Math.min(DEFAULT_CACHE.failureTtl, ttl) : DEFAULT_CACHE.failureTtl);
  if (typeof max !== 'number' || !Number.isInteger(max) || max < 1) {
    p.add('option.out-of-range', 'originCache.max', '`originCache.max` must be a whole number of entries, at least 1.', 'Use e.g. 1000, or `originCache: false` to disable caching.');
  }
  if (typeof ttl !== 'number' || !Number.isFinite(ttl) || ttl < 0) {
    p.add('option.out-of-range', 'originCache.ttl', '`originCache.ttl` must be a number of milliseconds, 0 or more.', 'Use e.g. 60000.');
  }
  if (typeof failureTtl !== 'number' || !Number.isFinite(failureTtl) || failureTtl < 0) {
    p.add('option.out-of-range', 'originCache.failureTtl', '`originCache.failureTtl` must be a number of milliseconds, 0 or more: how long a failed lookup is denied without asking the resolver again.', 'Use e.g. 1000, or 0 to ask again on the next request.');
  }
  for (const key of Object.keys(c)) {
    if (key !== 'max' && key !== 'ttl' && key !== 'failureTtl') p.add('option.unknown', `originCache.${key}`, `\`originCache\` has no option \`${key}\`.`, 'Use `max`, `ttl` and `failureTtl`.');
  }
  return { max: max as number, ttl: ttl as number, failureTtl: failureTtl as number };
}

/** Validates `resolverTimeout`: a positive number of milliseconds. */
export function validateResolverTimeout(o: Record<string, unknown>, p: ProblemList): number {
  const v = o.resolverTimeout;
  if (v === undefined) return DEFAULT_RESOLVER_TIMEOUT;
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
    p.add('option.out-of-range', 'resolverTimeout', '`resolverTimeout` must be a positive number of milliseconds.', 'Use e.g. 2000.');
    return DEFAULT_RESOLVER_TIMEOUT;
  }
  return v;
}
