/**
 * What an engine does with a whole `fetch()` call, given the server's answers: the preflight's
 * verdict and how long it is cached, the request's verdict, and the console message a blocked call
 * prints. Built on `browserCheck` and `ENGINE_FACTS`, so it claims nothing they do not.
 * @module
 */
import { browserCheck, combinedHeader } from './browser.js';
import { ENGINE_FACTS, preflightCacheSeconds } from './engines.js';
import type { BrowserEngine } from './engines.js';
import type { BrowserFailure, BrowserResponse, BrowserVerdict } from './types.js';

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

const curly = (text: string): string => text.replace(/'([^']*)'/g, '\u2018$1\u2019');

/**
 * The message an engine's console prints when a call is blocked by `failure`. WebKit's words are
 * measured (packages/e2e/test/engines.test.ts, "WebKit console messages", WebKitGTK 2.50), and so
 * are Chromium's and Firefox's for a missing, mismatched or `*`-with-credentials
 * `Access-Control-Allow-Origin` and a missing `Access-Control-Allow-Credentials`
 * (packages/e2e/test/browsers.test.ts, "console wording"). The others are the engines' own strings:
 * Chromium's `third_party/blink/renderer/platform/loader/cors/cors_error_string.cc`, Firefox's
 * `dom/locales/en-US/chrome/security/security.properties`; malformed lists are not quoted, only
 * described.
 *
 * @example
 * ```ts
 * consoleMessage('webkit', { kind: 'header-not-allowed', value: 'X-Debug' }, { url: 'https://api.example.com/x', origin: 'https://app.example.com', preflight: true, status: 204 });
 * // 'Request header field X-Debug is not allowed by Access-Control-Allow-Headers. Then: Fetch API cannot load https://api.example.com/x due to access control checks.'
 * ```
 */
export function consoleMessage(engine: BrowserEngine, failure: BrowserFailure, context: { url: string; origin: string; preflight: boolean; status: number }): string {
  const { url, origin, preflight, status } = context;
  const value = failure.value ?? '';
  const name = value.toLowerCase();
  if (engine === 'webkit') {
    const first = {
      'acao-missing': `Origin ${origin} is not allowed by Access-Control-Allow-Origin. Status code: ${status}`,
      'acao-mismatch': `Origin ${origin} is not allowed by Access-Control-Allow-Origin. Status code: ${status}`,
      'acao-multiple': 'Access-Control-Allow-Origin cannot contain more than one origin.',
      'acao-wildcard-credentials': 'Cannot use wildcard in Access-Control-Allow-Origin when credentials flag is true.',
      'acac-not-true': 'Credentials flag is true, but Access-Control-Allow-Credentials is not "true".',
      'preflight-status': `Preflight response is not successful. Status code: ${status}`,
      'acam-malformed': '(a message about the malformed Access-Control-Allow-Methods; its wording is not measured)',
      'acah-malformed': '(a message about the malformed Access-Control-Allow-Headers; its wording is not measured)',
      'method-not-allowed': `Method ${value} is not allowed by Access-Control-Allow-Methods.`,
      'header-not-allowed': `Request header field ${value} is not allowed by Access-Control-Allow-Headers.`,
    }[failure.kind];
    // WebKit checks a preflight's status before its headers (measured: a 401 with every allow header reads as unsuccessful)
    const webkitFirst = preflight && (status < 200 || status > 299) ? `Preflight response is not successful. Status code: ${status}` : first;
    return `${webkitFirst} Then: Fetch API cannot load ${url} due to access control checks.`;
  }
  if (engine === 'firefox') {
    const reason = {
      'acao-missing': `${curly("CORS header 'Access-Control-Allow-Origin' missing")}). Status code: ${status}.`,
      'acao-mismatch': `${curly(`CORS header 'Access-Control-Allow-Origin' does not match '${value}'`)}).`,
      'acao-multiple': `${curly("Multiple CORS header 'Access-Control-Allow-Origin' not allowed")}).`,
      'acao-wildcard-credentials': `${curly("Credential is not supported if the CORS header 'Access-Control-Allow-Origin' is '*'")}).`,
      'acac-not-true': `${curly("expected 'true' in CORS header 'Access-Control-Allow-Credentials'")}).`,
      'preflight-status': `CORS preflight response did not succeed). Status code: ${status}.`,
      'acam-malformed': 'a message about the malformed Access-Control-Allow-Methods; its wording is not quoted here).',
      'acah-malformed': 'a message about the malformed Access-Control-Allow-Headers; its wording is not quoted here).',
      'method-not-allowed': `${curly("Did not find method in CORS header 'Access-Control-Allow-Methods'")}).`,
      'header-not-allowed': `${curly(`header '${name}' is not allowed according to header 'Access-Control-Allow-Headers' from CORS preflight response`)}).`,
    }[failure.kind];
    return `Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at ${url}. (Reason: ${reason}`;
  }
  const pre = preflight ? "Response to preflight request doesn't pass access control check: " : '';
  const why = {
    'acao-missing': `${pre}No 'Access-Control-Allow-Origin' header is present on the requested resource.`,
    'acao-mismatch': `${pre}The 'Access-Control-Allow-Origin' header has a value '${value}' that is not equal to the supplied origin. Have the server send the header with a valid value.`,
    'acao-multiple': `${pre}The 'Access-Control-Allow-Origin' header contains multiple values '${value}', but only one is allowed.`,
    'acao-wildcard-credentials': `${pre}The value of the 'Access-Control-Allow-Origin' header in the response must not be the wildcard '*' when the request's credentials mode is 'include'.`,
    'acac-not-true': `${pre}The value of the 'Access-Control-Allow-Credentials' header in the response is '${value}' which must be 'true' when the request's credentials mode is 'include'.`,
    'preflight-status': `${pre}It does not have HTTP ok status.`,
    'acam-malformed': '(a message about the malformed Access-Control-Allow-Methods; its wording is not quoted here)',
    'acah-malformed': '(a message about the malformed Access-Control-Allow-Headers; its wording is not quoted here)',
    'method-not-allowed': `Method ${value} is not allowed by Access-Control-Allow-Methods in preflight response.`,
    'header-not-allowed': `Request header field ${name} is not allowed by Access-Control-Allow-Headers in preflight response.`,
  }[failure.kind];
  return `Access to fetch at '${url}' from origin '${origin}' has been blocked by CORS policy: ${why}`;
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
