/**
 * Answers of origin predicates for `decideAsync`: a bounded cache with a TTL, one shared lookup
 * per origin at a time, and a timeout.
 * @module
 */
import type { CompiledConfig } from '../compiled.js';
import type { OriginVerdict, PredicateFailure } from './origin-check.js';
import { failureOf, isMatch, isThenable, readAnswer } from './origin-check.js';

interface CacheEntry {
  /** `'predicate'` (allowed), `'origin-not-allowed'`, or the failure of the last lookup. */
  readonly verdict: OriginVerdict;
  readonly expires: number;
}

/**
 * The least recently used entries leave first. Failures and timeouts are denials, reported to
 * `onError` once per failed lookup, and remembered for `failureTtl` so that a resolver that is
 * down is not asked on every request.
 */
export class ResolverCache {
  private readonly entries = new Map<string, CacheEntry>();
  private readonly inFlight = new Map<string, Promise<OriginVerdict>>();

  constructor(private readonly c: CompiledConfig) {}

  resolve(origin: string): Promise<OriginVerdict> | OriginVerdict {
    const cache = this.c.cache;
    if (cache !== undefined) {
      const hit = this.entries.get(origin);
      if (hit !== undefined) {
        if (hit.expires > Date.now()) {
          // refresh recency: Map keeps insertion order, so the first key is the least recent
          this.entries.delete(origin);
          this.entries.set(origin, hit);
          return hit.verdict;
        }
        this.entries.delete(origin);
      }
    }
    const pending = this.inFlight.get(origin);
    if (pending !== undefined) return pending;
    const lookup = this.lookup(origin);
    this.inFlight.set(origin, lookup);
    return lookup;
  }

  private async lookup(origin: string): Promise<OriginVerdict> {
    let verdict: OriginVerdict = 'origin-not-allowed';
    try {
      for (const predicate of this.c.predicates) {
        const answer = await this.ask(origin, predicate);
        if (answer === true) {
          verdict = 'predicate';
          break;
        }
        if (answer !== false) {
          verdict = answer;
          break;
        }
      }
    } finally {
      this.inFlight.delete(origin);
    }
    this.remember(origin, verdict);
    return verdict;
  }

  /** One predicate's answer, awaited up to `resolverTimeout`; a throw or rejection is a failure. */
  private ask(origin: string, predicate: (origin: string) => unknown): Promise<boolean | PredicateFailure> {
    const c = this.c;
    return new Promise((resolve) => {
      let settled = false;
      const done = (value: boolean | PredicateFailure, error?: unknown): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(value);
        if (error !== undefined) c.onError(error, { phase: 'origin-resolver', origin });
      };
      const timer: ReturnType<typeof setTimeout> = setTimeout(() => {
        done('resolver-timeout', new Error(`corsica: the origin resolver did not answer within ${c.resolverTimeout} ms (resolverTimeout) for ${origin}; the request was denied.`));
      }, c.resolverTimeout);
      (timer as { unref?: () => void }).unref?.();
      let answer: unknown;
      try {
        answer = predicate(origin);
      } catch (error) {
        done(failureOf(error), error ?? new Error('corsica: the origin resolver threw'));
        return;
      }
      if (isThenable(answer)) {
        answer.then(
          (value) => {
            if (!settled) done(readAnswer(c, origin, value));
          },
          (error: unknown) => done(failureOf(error), error ?? new Error('corsica: the origin resolver rejected')),
        );
      } else done(readAnswer(c, origin, answer));
    });
  }

  private remember(origin: string, verdict: OriginVerdict): void {
    const cache = this.c.cache;
    if (cache === undefined) return;
    const ttl = isMatch(verdict) || verdict === 'origin-not-allowed' ? cache.ttl : cache.failureTtl;
    if (ttl === 0) return;
    if (this.entries.size >= cache.max) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(origin, { verdict, expires: Date.now() + ttl });
  }
}
