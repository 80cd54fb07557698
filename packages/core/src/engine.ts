/**
 * The per-request engine of a policy: what `decide` and `decideAsync` run, built once from the
 * compiled options. No validation, no messages for people, no public-suffix data: those live in
 * `compile.ts` and `explain.ts`, which requests never reach.
 * @module
 */
import type { Compiled } from './compile.js';
import { isOriginCallbackError } from './errors.js';
import type { MatchedBy, OriginVerdict } from './decide.js';
import { DecisionTable, earlyReason, finish, isMatch, isPreflight, isThenable, matchStatic, remember, requestOrigin, runPredicatesSync } from './decide.js';
import type { Decision, Policy, RequestFacts } from './types.js';

type Verdict = MatchedBy | OriginVerdict;

const INTERNAL_ERROR: Decision = Object.freeze({ kind: 'actual', allowed: false, reason: 'internal-error', headers: Object.freeze({}), vary: Object.freeze(['Origin']) });

/** What a policy does per request, built once from the compiled options. */
export interface Engine {
  readonly decide: (req: RequestFacts) => Decision;
  readonly decideAsync: (req: RequestFacts) => Promise<Decision>;
  /** This policy's own decision (never the report-only fallback's), never throwing, not reported. */
  readonly evaluate: (req: RequestFacts) => Decision;
  /** The same, waiting for async origin resolvers. */
  readonly evaluateAsync: (req: RequestFacts) => Promise<Decision>;
}

/**
 * Builds the per-request part of a policy: classification, the origin checks with their caches,
 * the async resolver cache, report-only and `onDecision`. Kept apart from validation and
 * `explain`, so the code every request runs stays small and reads only precomputed values.
 */
export function createEngine(c: Compiled): Engine {
  const table = new DecisionTable(c);
  const resolver = c.predicates.length > 0 ? new ResolverCache(c) : undefined;

  /** The static entries' verdict for an origin, remembered per origin (bounded). */
  const staticVerdict = (origin: string): MatchedBy | OriginVerdict | undefined => {
    let verdict = table.staticVerdicts.get(origin);
    if (verdict === undefined) {
      verdict = matchStatic(c, origin);
      if (verdict !== undefined) remember(table.staticVerdicts, origin, verdict);
    }
    return verdict;
  };

  /**
   * Classifies, checks the origin (static entries first, then `predicates`) and finishes the
   * decision. Synchronous unless `predicates` answers with a Promise.
   */
  const evaluateWith = (req: RequestFacts, predicates: (origin: string) => Verdict | Promise<Verdict>): Decision | Promise<Decision> => {
    const origin = requestOrigin(req);
    if (origin === 0) return table.notCors;
    const kind = isPreflight(req) ? 'preflight' : 'actual';
    if (typeof origin !== 'string') return table.denied(kind, earlyReason(origin));
    const verdict = staticVerdict(origin) ?? predicates(origin);
    return verdict instanceof Promise ? verdict.then((v) => finish(c, table, req, kind, origin, v)) : finish(c, table, req, kind, origin, verdict);
  };

  // made once, not per request; runPredicatesSync never answers with a Promise, so evaluate is synchronous
  const predicatesSync = (origin: string): Verdict => runPredicatesSync(c, origin);
  const predicatesAsync = (origin: string): Promise<Verdict> => Promise.resolve(resolver!.resolve(origin));
  const evaluate = (req: RequestFacts): Decision => evaluateWith(req, predicatesSync) as Decision;
  const evaluateAsync = async (req: RequestFacts): Promise<Decision> => evaluateWith(req, predicatesAsync);

  const report = (applied: Decision, req: RequestFacts): void => {
    if (c.onDecision === undefined) return;
    try {
      c.onDecision(applied, req);
    } catch (error) {
      c.onError(error, { phase: 'on-decision' });
    }
  };

  const safe = (req: RequestFacts): Decision => {
    try {
      return evaluate(req);
    } catch (error) {
      c.onError(error, { phase: 'internal' });
      return INTERNAL_ERROR;
    }
  };

  const decide = (req: RequestFacts): Decision => {
    const own = safe(req);
    if (c.fallback === undefined) {
      report(own, req);
      return own;
    }
    const applied = Object.freeze({ ...c.fallback.decide(req), wouldHave: own });
    report(applied, req);
    return applied;
  };

  /** This policy's own decision, waiting for resolvers; `tell`: report an internal error. */
  const settle = async (req: RequestFacts, tell: boolean): Promise<Decision> => {
    try {
      return resolver === undefined ? evaluate(req) : await evaluateAsync(req);
    } catch (error) {
      if (tell) c.onError(error, { phase: 'internal' });
      return INTERNAL_ERROR;
    }
  };

  const decideAsync = async (req: RequestFacts): Promise<Decision> => {
    const own = await settle(req, true);
    if (c.fallback === undefined) {
      report(own, req);
      return own;
    }
    const applied = Object.freeze({ ...(await c.fallback.decideAsync(req)), wouldHave: own });
    report(applied, req);
    return applied;
  };

  return { decide, decideAsync, evaluate: safe, evaluateAsync: (req) => settle(req, false) };
}

type ResolverFailure = 'resolver-error' | 'resolver-timeout' | 'origin-callback-error';

/** A peer-style callback that reported an error gets its own reason; anything else is a resolver error. */
function failureOf(error: unknown): ResolverFailure {
  return isOriginCallbackError(error) ? 'origin-callback-error' : 'resolver-error';
}

interface CacheEntry {
  /** `'predicate'` (allowed), `'origin-not-allowed'`, or the failure of the last lookup. */
  readonly verdict: Verdict;
  readonly expires: number;
}

/**
 * Answers of origin predicates for `decideAsync`: a bounded cache with a TTL (least recently
 * used entries leave first), one shared lookup per origin at a time, and a timeout. Failures and
 * timeouts are denials, reported to `onError` once per failed lookup, and remembered for
 * `failureTtl` (1 s by default) so that a resolver that is down is not asked on every request.
 */
class ResolverCache {
  private readonly entries = new Map<string, CacheEntry>();
  private readonly inFlight = new Map<string, Promise<MatchedBy | OriginVerdict>>();

  constructor(private readonly c: Compiled) {}

  resolve(origin: string): Promise<MatchedBy | OriginVerdict> | MatchedBy | OriginVerdict {
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

  private async lookup(origin: string): Promise<MatchedBy | OriginVerdict> {
    let verdict: MatchedBy | OriginVerdict = 'origin-not-allowed';
    try {
      for (const predicate of this.c.predicates) {
        const answer = await this.withTimeout(origin, predicate);
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

  private withTimeout(origin: string, predicate: (origin: string) => unknown): Promise<boolean | ResolverFailure> {
    const c = this.c;
    return new Promise((resolve) => {
      let settled = false;
      const done = (value: boolean | ResolverFailure, error?: unknown): void => {
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
      const check = (value: unknown): void => {
        if (value === true || value === false) done(value);
        else done('resolver-error', new TypeError(`corsica: an origin resolver returned ${typeof value} for ${origin}; it must resolve to true or false.`));
      };
      if (isThenable(answer)) {
        answer.then(check, (error: unknown) => done(failureOf(error), error ?? new Error('corsica: the origin resolver rejected')));
      } else check(answer);
    });
  }

  private remember(origin: string, verdict: Verdict): void {
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

/**
 * Decides with `decide` for sync policies and `decideAsync` for async ones, so adapters have one
 * call: the result is a Decision, or a Promise of one only when `policy.isAsync`. Never throws,
 * never rejects.
 *
 * @example
 * ```ts
 * const result = decideRequest(policy, factsFromNodeRequest(req));
 * const decision = result instanceof Promise ? await result : result;
 * ```
 */
export function decideRequest(policy: Policy, facts: RequestFacts): Decision | Promise<Decision> {
  return policy.isAsync ? policy.decideAsync(facts) : policy.decide(facts);
}
