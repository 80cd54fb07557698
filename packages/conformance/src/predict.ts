/**
 * What an engine does with a whole `fetch()` call, given the server's answers: the preflight's
 * verdict and how long it is cached, the request's verdict, and the console message a blocked call
 * prints. Built on `browserCheck` and `ENGINE_FACTS`, so it claims nothing they do not. The
 * console wording is the core's `consoleMessage` (`@corsica/core/adapter`), the words
 * `policy.explain()` quotes too, re-exported here.
 * @module
 */
import { consoleMessage } from '@corsica/core/adapter';
import { browserCheck, combinedHeader } from './browser.js';
import { ENGINE_FACTS, preflightCacheSeconds } from './engines.js';
import type { BrowserEngine } from './engines.js';
import type { BrowserResponse, BrowserVerdict } from './types.js';

export { consoleMessage };

/** A `fetch()` call as a page makes it. */
export interface FetchCall {
  /** The page's origin. */
  readonly origin: string;
  /** The URL fetched, quoted in console messages. */
  readonly url: string;
  /** The method as the browser sends it (already normalized: `patch` stays `patch`). */
  readonly method: string;
  /** The request headers the page sets that are not CORS-safelisted, as the page wrote them. */
  readonly headers: readonly string[];
  /** `credentials: 'include'`. */
  readonly credentials: boolean;
  /**
   * Preflight even a safelisted call: the Fetch standard's use-CORS-preflight flag, which an
   * `XMLHttpRequest` with upload listeners sets.
   * @see https://fetch.spec.whatwg.org/#use-cors-preflight-flag
   */
  readonly forcePreflight?: boolean;
}

/** What one engine does with a call, step by step. */
export interface FetchPrediction {
  readonly engine: BrowserEngine;
  /**
   * Whether the page gets the response: false too when the request's answer was not given (only
   * the preflight was judged; see `preflight` and `actual`).
   */
  readonly allowed: boolean;
  /** The preflight's verdict, when the call needs one. */
  readonly preflight?: BrowserVerdict;
  /** How long the engine caches a passed preflight, in seconds. */
  readonly preflightCacheSeconds?: number;
  /** The request's verdict, when the request was sent (no preflight, or a passed one). */
  readonly actual?: BrowserVerdict;
  /** The message the engine's console prints when the call is blocked. */
  readonly console?: string;
  /**
   * Where this engine's answer is worth knowing: departures from the Fetch standard, a Max-Age
   * above its cap, its third-party cookie rule on a credentialed call.
   */
  readonly notes: readonly string[];
}

/** Methods that never need a preflight. */
const SAFELISTED = new Set(['GET', 'HEAD', 'POST']);

/**
 * Whether a call needs a preflight: a method other than GET, HEAD and POST, or a request header
 * that is not CORS-safelisted.
 * @see https://fetch.spec.whatwg.org/#cors-preflight-fetch
 */
export function needsPreflight(call: Pick<FetchCall, 'method' | 'headers' | 'forcePreflight'>): boolean {
  return call.forcePreflight === true || !SAFELISTED.has(call.method) || call.headers.length > 0;
}

/**
 * What `engine` does with a call, given the server's answer to its preflight (when it needs one)
 * and to the request itself: the kit's `browserCheck` for that engine, `preflightCacheSeconds` for
 * the cache, `ENGINE_FACTS` for cookies, and the console message when blocked. Pass `actual`
 * `undefined` when the request was not sent (its preflight failed).
 *
 * @example
 * ```ts
 * import { predictFetch } from '@corsica/conformance';
 *
 * const call = { origin: 'https://app.example.com', url: 'https://api.example.com/me', method: 'GET', headers: ['Authorization'], credentials: false };
 * const preflight = { status: 204, headers: { 'access-control-allow-origin': '*', 'access-control-allow-headers': '*' } };
 * const actual = { status: 200, headers: { 'access-control-allow-origin': '*' } };
 * predictFetch(call, { preflight, actual }, 'webkit').allowed; // true, with a note on the Fetch standard
 * ```
 */
export function predictFetch(call: FetchCall, answers: { readonly preflight?: BrowserResponse; readonly actual?: BrowserResponse }, engine: BrowserEngine): FetchPrediction {
  const facts = ENGINE_FACTS[engine];
  const request = { origin: call.origin, credentials: call.credentials };
  const notes: string[] = [];
  const blocked = (verdict: BrowserVerdict, preflight: boolean, status: number) =>
    verdict.failure === undefined ? undefined : consoleMessage(engine, verdict.failure, { url: call.url, origin: call.origin, preflight, status });
  let preflight: BrowserVerdict | undefined;
  let cache: number | undefined;
  if (needsPreflight(call)) {
    if (answers.preflight === undefined) throw new TypeError('corsica: predictFetch needs the preflight answer for a call that is preflighted; pass answers.preflight.');
    preflight = browserCheck({ ...request, preflight: { method: call.method, headers: call.headers } }, answers.preflight, engine);
    notes.push(...(preflight.notes ?? []));
    if (!preflight.allowed) {
      return { engine, allowed: false, preflight, console: blocked(preflight, true, answers.preflight.status), notes };
    }
    const maxAge = combinedHeader(answers.preflight.headers, 'access-control-max-age');
    cache = preflightCacheSeconds(maxAge, engine);
    if (cache < preflightCacheSeconds(maxAge)) {
      notes.push(`${facts.label} caches this preflight for at most ${facts.maxAgeCap} s, not the ${preflightCacheSeconds(maxAge)} s of Access-Control-Max-Age (${facts.maxAgeCapSource.split(':')[0]}).`);
    }
  }
  if (answers.actual === undefined) {
    return { engine, allowed: false, ...(preflight === undefined ? {} : { preflight }), ...(cache === undefined ? {} : { preflightCacheSeconds: cache }), notes };
  }
  const actual = browserCheck(request, answers.actual, engine);
  if (call.credentials && actual.allowed && facts.thirdPartyCookies !== 'sent') notes.push(`Cookies: ${facts.thirdPartyCookiesNote}`);
  const message = actual.allowed ? undefined : blocked(actual, false, answers.actual.status);
  return {
    engine,
    allowed: actual.allowed,
    ...(preflight === undefined ? {} : { preflight }),
    ...(cache === undefined ? {} : { preflightCacheSeconds: cache }),
    actual,
    ...(message === undefined ? {} : { console: message }),
    notes,
  };
}
