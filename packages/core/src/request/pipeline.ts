/**
 * What a policy does with each request, top to bottom:
 *
 * 1. classify (not CORS, actual, preflight) and read the `Origin` ({@link readOrigin}); with
 *    `guard`, check `Host`, `Sec-Fetch-Site` and `Origin` first (`request/guard.ts`, reached
 *    through the compiled guard, so policies without one never load it);
 * 2. check the origin: static entries first, remembered per origin, then request-scoped
 *    predicates, then the other predicates (asked now by `decide`, through the resolver cache
 *    by `decideAsync`);
 * 3. for a preflight, check the method and the request headers;
 * 4. pick the precomputed decision ({@link DecisionTable});
 * 5. report-only: answer with the fallback's decision, this one as `wouldHave`; `onDecision`.
 *
 * No validation, no messages for people, no Public Suffix List: requests never load `config/`
 * or `explain`.
 * @module
 */
import type { CompiledConfig } from '../compiled.js';
import { isForbiddenRequestHeader } from '../spec.js';
import type { Decision, OriginMatch, Policy, RequestFacts } from '../types.js';
import { isPreflight, oneValue, readOrigin } from './classify.js';
import { DecisionTable, remember } from './decisions.js';
import type { GuardVerdict } from './guard.js';
import type { OriginVerdict } from './origin-check.js';
import { checkStaticEntries, isMatch, runPredicatesNow } from './origin-check.js';
import { checkHeaders, checkMethod } from './preflight.js';
import { ResolverCache } from './resolver-cache.js';

/** Filled in by an evaluation when given: how the origin matched, what the guard said (for `explain`). */
export interface Trace {
  match?: OriginMatch;
  guard?: GuardVerdict;
}

/** What a policy does per request, built once from the compiled options. */
export interface Pipeline {
  readonly decide: (req: RequestFacts) => Decision;
  readonly decideAsync: (req: RequestFacts) => Promise<Decision>;
  /** This policy's own decision (never the report-only fallback's), never throwing, not reported. */
  readonly evaluate: (req: RequestFacts, trace?: Trace) => Decision;
  /** The same, waiting for async origin resolvers. */
  readonly evaluateAsync: (req: RequestFacts, trace?: Trace) => Promise<Decision>;
}

const INTERNAL_ERROR: Decision = Object.freeze({ kind: 'actual', allowed: false, reason: 'internal-error', headers: Object.freeze({}), vary: Object.freeze(['Origin']) });

/** Builds the per-request part of a policy. */
export function createPipeline(c: CompiledConfig): Pipeline {
  const table = new DecisionTable(c);
  const resolver = c.predicates.length > 0 ? new ResolverCache(c) : undefined;
  /** What the static entries (exact, patterns, RegExps) answered per origin. Bounded. */
  const staticVerdicts = new Map<string, OriginVerdict>();
  /** ACRH values already checked and accepted: browsers resend the same sorted list. Bounded. */
  const acceptedRequestHeaders = new Set<string>();
  const allowsHeader = headerRule(c);

  /** Step 2 without the cacheable predicates: a verdict, or `undefined` when only they can tell. */
  const checkOriginNow = (origin: string): OriginVerdict | undefined => {
    let verdict = staticVerdicts.get(origin);
    if (verdict === undefined) {
      verdict = checkStaticEntries(c, origin);
      if (verdict !== undefined) remember(staticVerdicts, origin, verdict);
    }
    if (verdict !== undefined || c.requestScopedPredicates.length === 0) return verdict;
    const scoped = runPredicatesNow(c, c.requestScopedPredicates, origin);
    return scoped === 'origin-not-allowed' && c.predicates.length > 0 ? undefined : scoped;
  };

  /** The guard's 403 (only called when the policy has a guard). */
  const rejected = (kind: 'not-cors' | 'actual', reason: 'host-not-allowed' | 'cross-origin-rejected' | 'internal-error'): Decision => c.guard!.rejected(kind, reason, table.actualVary, c.debug);

  /** Steps 3 and 4, once the origin has a verdict; `listedOnly`: the guard rejects an unlisted origin. */
  const finish = (req: RequestFacts, kind: 'actual' | 'preflight', origin: string, verdict: OriginVerdict, trace: Trace | undefined, listedOnly: boolean): Decision => {
    if (!isMatch(verdict)) return listedOnly ? rejected('actual', 'cross-origin-rejected') : table.denied(kind, verdict);
    if (trace !== undefined) trace.match = verdict;
    if (kind === 'actual') return table.allowedActual(origin);
    const method = checkMethod(c, req.requestMethod);
    if (method !== undefined) return table.deniedPreflight(method.reason, method.detail);
    const acrh = req.requestHeaders;
    let mirrored = '';
    // browsers resend the same sorted list: a value accepted once is one lookup the next time
    if (c.mirrorRequestHeaders || typeof acrh !== 'string' || !acceptedRequestHeaders.has(acrh)) {
      const headers = checkHeaders(allowsHeader, acrh);
      if (headers.reason !== undefined) return table.deniedPreflight(headers.reason, headers.detail);
      if (c.mirrorRequestHeaders) mirrored = headers.text.trim();
      else if (typeof acrh === 'string') remember(acceptedRequestHeaders, acrh);
    }
    const pna = c.privateNetwork && oneValue(req.requestPrivateNetwork) === 'true';
    return table.allowedPreflight(origin, pna, mirrored);
  };

  /** Steps 1 to 4; `ask` answers for the cacheable predicates. Synchronous unless `ask` is not. */
  const evaluateWith = (req: RequestFacts, ask: (origin: string) => OriginVerdict | Promise<OriginVerdict>, trace: Trace | undefined): Decision | Promise<Decision> => {
    const origin = readOrigin(req);
    const preflight = origin !== undefined && isPreflight(req);
    // 'origin-decides' (a string origin, never a preflight): only the allowlist lets it reach the app
    let listedOnly = false;
    if (c.guard !== undefined) {
      const said = c.guard.check(req, origin, preflight);
      if (trace !== undefined) trace.guard = said;
      if (said === 'host-not-allowed' || said === 'cross-origin-rejected') return rejected(origin === undefined ? 'not-cors' : 'actual', said);
      listedOnly = said === 'origin-decides';
    }
    if (origin === undefined) return table.notCors;
    const kind = preflight ? 'preflight' : 'actual';
    if (typeof origin !== 'string') return table.denied(kind, origin.reason);
    const verdict = checkOriginNow(origin) ?? ask(origin);
    return verdict instanceof Promise ? verdict.then((v) => finish(req, kind, origin, v, trace, listedOnly)) : finish(req, kind, origin, verdict, trace, listedOnly);
  };

  // made once, not per request
  const askNow = (origin: string): OriginVerdict => runPredicatesNow(c, c.predicates, origin);
  const askCache = (origin: string): Promise<OriginVerdict> => Promise.resolve(resolver!.resolve(origin));

  // a guarded policy fails closed: a request whose checks threw never reaches the app
  const internalError = (): Decision => (c.guard === undefined ? INTERNAL_ERROR : rejected('actual', 'internal-error'));

  const evaluate = (req: RequestFacts, trace?: Trace): Decision => {
    try {
      return evaluateWith(req, askNow, trace) as Decision;
    } catch (error) {
      c.onError(error, { phase: 'internal' });
      return internalError();
    }
  };

  /** `tell`: report an internal error (a decision does; an explanation does not). */
  const evaluateAsyncWith = async (req: RequestFacts, trace: Trace | undefined, tell: boolean): Promise<Decision> => {
    try {
      return await evaluateWith(req, resolver === undefined ? askNow : askCache, trace);
    } catch (error) {
      if (tell) c.onError(error, { phase: 'internal' });
      return internalError();
    }
  };

  // Step 5.
  const report = (applied: Decision, req: RequestFacts): Decision => {
    if (c.onDecision !== undefined) {
      try {
        c.onDecision(applied, req);
      } catch (error) {
        c.onError(error, { phase: 'on-decision' });
      }
    }
    return applied;
  };
  const withFallback = (fallback: Decision, own: Decision): Decision => Object.freeze({ ...fallback, wouldHave: own });

  const fallback: Policy | undefined = c.fallback;
  const decide = (req: RequestFacts): Decision => {
    const own = evaluate(req);
    return report(fallback === undefined ? own : withFallback(fallback.decide(req), own), req);
  };
  const decideAsync = async (req: RequestFacts): Promise<Decision> => {
    const own = await evaluateAsyncWith(req, undefined, true);
    return report(fallback === undefined ? own : withFallback(await fallback.decideAsync(req), own), req);
  };

  return { decide, decideAsync, evaluate, evaluateAsync: (req, trace) => evaluateAsyncWith(req, trace, false) };
}

/** Whether a lower-case request header name is allowed; `Authorization` is never covered by `*`. */
function headerRule(c: CompiledConfig): (lowerName: string) => boolean {
  const allowed = c.allowedHeaders;
  if (c.mirrorRequestHeaders) return (name) => !isForbiddenRequestHeader(name);
  if (allowed.any) return (name) => name !== 'authorization' || allowed.set.has(name);
  return (name) => allowed.set.has(name);
}
