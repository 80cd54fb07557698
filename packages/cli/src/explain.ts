/**
 * `corsica explain`: the request a browser sends for a `fetch()` call, and what the policy makes
 * of it, in the words of `policy.explain`.
 * @module
 */
import type { Decision, ExplainContext, Policy, RequestFacts } from '@corsica/core';

/** The `fetch()` call to explain, as a page would make it. */
export interface ExplainInput {
  /** The page's origin, e.g. `https://app.example.com`. */
  readonly origin: string;
  /** The method passed to `fetch`. Default `GET`. Browsers upper-case only DELETE, GET, HEAD, OPTIONS, POST and PUT. */
  readonly method?: string;
  /** Request header names the page sets that are not CORS-safelisted (`Authorization`, `Content-Type` for JSON...). */
  readonly headers?: readonly string[];
  /** `credentials: 'include'`. */
  readonly credentials?: boolean;
  readonly engine?: 'chromium' | 'firefox' | 'webkit';
  /** The URL fetched, quoted in the browser's console message. */
  readonly url?: string;
}

/** One request the browser sends, decided and explained. */
export interface ExplainedRequest {
  readonly facts: RequestFacts;
  readonly decision: Decision;
  readonly explanation: string;
}

/** What happens to a `fetch()` call: the preflight (when one is needed), then the request itself. */
export interface ExplainResult {
  /** Why the browser sends a preflight first, or `undefined` when it does not. */
  readonly preflightReason: string | undefined;
  /** The first request the browser sends: the preflight, or the request itself. */
  readonly first: ExplainedRequest;
  /** The request itself after a passed preflight. */
  readonly actual: ExplainedRequest | undefined;
  /** Whether the page gets the response in the end. */
  readonly allowed: boolean;
}

const SAFELISTED_METHODS = new Set(['GET', 'HEAD', 'POST']);
/** Methods `fetch` upper-cases; any other keeps its case (`patch` stays `patch`). */
const NORMALIZED_METHODS = new Set(['DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT']);

/**
 * The method as the browser sends it: DELETE, GET, HEAD, OPTIONS, POST and PUT are upper-cased,
 * any other keeps its case.
 *
 * @example
 * ```ts
 * normalizeMethod('put'); // 'PUT'
 * normalizeMethod('patch'); // 'patch': a preflight for "patch" does not match an allowed "PATCH"
 * ```
 * @see https://fetch.spec.whatwg.org/#concept-method-normalize
 */
export function normalizeMethod(method: string): string {
  return NORMALIZED_METHODS.has(method.toUpperCase()) ? method.toUpperCase() : method;
}

/**
 * What the browser checks on a response: the CORS check of the Fetch standard (the origin
 * echoed or `*`, and with credentials no `*` and `Access-Control-Allow-Credentials: true`).
 * @see https://fetch.spec.whatwg.org/#cors-check
 */
function passesCorsCheck(decision: Decision, origin: string, credentials: boolean): boolean {
  if (!decision.allowed) return false;
  const acao = decision.headers['Access-Control-Allow-Origin'];
  if (acao === undefined) return false;
  if (acao === '*') return !credentials;
  if (acao !== origin) return false;
  return !credentials || decision.headers['Access-Control-Allow-Credentials'] === 'true';
}

async function decideAndExplain(policy: Policy, facts: RequestFacts, context: ExplainContext): Promise<ExplainedRequest> {
  if (policy.isAsync) {
    const [decision, explanation] = await Promise.all([policy.decideAsync(facts), policy.explainAsync(facts, context)]);
    return { facts, decision, explanation };
  }
  return { facts, decision: policy.decide(facts), explanation: policy.explain(facts, context) };
}

/**
 * Explains what a policy does with a `fetch()` call from a page: builds the request a browser
 * sends (a preflight first when the method is not safelisted or non-safelisted headers are set),
 * decides it, and explains it with `policy.explain`; after a passed preflight, the request itself
 * too.
 *
 * @example
 * ```ts
 * import { explainRequest } from '@corsica/cli';
 *
 * const result = await explainRequest(policy, { origin: 'https://app.example.com', method: 'PUT', headers: ['Content-Type'] });
 * console.log(result.first.explanation); // the preflight
 * ```
 */
export async function explainRequest(policy: Policy, input: ExplainInput): Promise<ExplainResult> {
  const method = normalizeMethod(input.method ?? 'GET');
  // browsers list the names lower-cased, sorted, comma-joined without spaces
  const names = [...new Set((input.headers ?? []).map((h) => h.trim().toLowerCase()).filter((h) => h !== ''))].sort();
  const reasons: string[] = [];
  if (!SAFELISTED_METHODS.has(method)) reasons.push(`${method} is not a CORS-safelisted method (GET, HEAD, POST)`);
  if (names.length > 0) reasons.push(`the page sets ${names.join(', ')}, which ${names.length === 1 ? 'is not a CORS-safelisted header' : 'are not CORS-safelisted headers'}`);
  const context: ExplainContext = {
    credentials: input.credentials ?? false,
    ...(input.engine === undefined ? {} : { engine: input.engine }),
    ...(input.url === undefined ? {} : { url: input.url }),
  };
  const credentials = input.credentials ?? false;
  const actualFacts: RequestFacts = { method, origin: input.origin };
  if (reasons.length === 0) {
    const first = await decideAndExplain(policy, actualFacts, context);
    return { preflightReason: undefined, first, actual: undefined, allowed: passesCorsCheck(first.decision, input.origin, credentials) };
  }
  const preflightFacts: RequestFacts = {
    method: 'OPTIONS',
    origin: input.origin,
    requestMethod: method,
    ...(names.length > 0 ? { requestHeaders: names.join(',') } : {}),
  };
  // a preflight never carries credentials, but the browser checks it against the credentials mode
  const first = await decideAndExplain(policy, preflightFacts, context);
  if (!passesCorsCheck(first.decision, input.origin, credentials)) {
    return { preflightReason: reasons.join(', and '), first, actual: undefined, allowed: false };
  }
  const actual = await decideAndExplain(policy, actualFacts, context);
  return { preflightReason: reasons.join(', and '), first, actual, allowed: passesCorsCheck(actual.decision, input.origin, credentials) };
}
