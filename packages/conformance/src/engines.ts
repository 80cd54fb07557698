/**
 * What each browser engine does where engines differ from one another or from the Fetch standard,
 * as measured in real engines by `packages/e2e/test/engines.test.ts` (Chromium, Firefox ESR and
 * WebKitGTK driven on this repository's CI), or, where a value could not be measured, as
 * documented (the entry names its source).
 * @module
 */

import type { BrowserEngine } from '@corsica/core/adapter';

export type { BrowserEngine };

/**
 * When and in which builds the measured facts were measured (packages/e2e/test/engines.test.ts),
 * for tools that quote them.
 */
export const ENGINES_MEASURED = Object.freeze({ date: '2026-12-02', builds: 'Chromium 156, Firefox 153 ESR, WebKitGTK 2.50' });

/** Every engine, in a stable order. */
export const BROWSER_ENGINES: readonly BrowserEngine[] = Object.freeze(['chromium', 'firefox', 'webkit']);

/** What an engine does with a cookie set by a cross-site API on a credentialed `fetch`. */
export type ThirdPartyCookies =
  /** Stored and sent back (Chrome's shipped default outside Incognito). */
  | 'sent'
  /** Stored in a jar keyed by the top-level site and sent back on that site only (Firefox's Total Cookie Protection). */
  | 'partitioned'
  /** Never stored nor sent, whatever the CORS headers say (WebKitGTK's default; Safari blocks all third-party cookies). */
  | 'blocked';

export interface EngineFacts {
  /** The engine's name, with the browsers people know it by. */
  readonly label: string;
  /**
   * The longest time a preflight result is cached, in seconds: a larger `Access-Control-Max-Age` is
   * cut to this. `maxAgeCapSource` says how it is known: measured (the browser's clock moved with
   * libfaketime), or documented where the engine would not run under libfaketime.
   */
  readonly maxAgeCap: number;
  readonly maxAgeCapSource: string;
  /**
   * Whether `Access-Control-Allow-Headers: *` lets a request without credentials send
   * `Authorization`. The Fetch standard says no (Authorization is a "CORS non-wildcard request-header
   * name"); all three engines said yes when measured (whatwg/fetch issue 1919 is open).
   */
  readonly wildcardCoversAuthorization: boolean;
  /** The message of the `TypeError` a blocked `fetch` rejects with (script sees nothing else). */
  readonly fetchError: string;
  /** A cross-site API's cookie on a credentialed request, in the engine's default configuration. */
  readonly thirdPartyCookies: ThirdPartyCookies;
  readonly thirdPartyCookiesNote: string;
}

/**
 * Per-engine facts. Measured in real engines (packages/e2e/test/engines.test.ts and the browser
 * matrix): `wildcardCoversAuthorization` and `fetchError` (all three), `thirdPartyCookies` (WebKit in WebKitGTK's
 * default policy; Chromium and Firefox as the e2e suite launches them) and `maxAgeCap` (Chromium
 * and WebKit; Firefox's is documented, see `maxAgeCapSource`).
 */
export const ENGINE_FACTS: Readonly<Record<BrowserEngine, EngineFacts>> = Object.freeze({
  chromium: Object.freeze({
    label: 'Chromium (Chrome, Edge)',
    maxAgeCap: 7200,
    maxAgeCapSource: 'measured: packages/e2e/test/engines.test.ts (cached 7190 s later, preflighted again 7210 s later); MDN agrees (https://developer.mozilla.org/docs/Web/HTTP/Headers/Access-Control-Max-Age: "Chromium (starting in v76) caps at 2 hours")',
    wildcardCoversAuthorization: true,
    fetchError: 'Failed to fetch',
    thirdPartyCookies: 'sent',
    thirdPartyCookiesNote:
      "Chrome's shipped default sends third-party cookies outside Incognito; Incognito, a user setting, or Chromium's own fresh profile as the e2e suite launches it blocks them.",
  }),
  firefox: Object.freeze({
    label: 'Firefox',
    maxAgeCap: 86400,
    maxAgeCapSource: 'documented, not measured (Firefox ESR does not start under libfaketime): MDN, https://developer.mozilla.org/docs/Web/HTTP/Headers/Access-Control-Max-Age: "Firefox caps this at 24 hours (86400 seconds)"',
    wildcardCoversAuthorization: true,
    fetchError: 'NetworkError when attempting to fetch resource.',
    thirdPartyCookies: 'partitioned',
    thirdPartyCookiesNote:
      'Firefox keeps third-party cookies in a jar per top-level site (Total Cookie Protection): a page that logs in to an API and reads back from the same site gets its cookie; another site does not.',
  }),
  webkit: Object.freeze({
    label: 'WebKit (Safari)',
    maxAgeCap: 600,
    maxAgeCapSource: 'measured: packages/e2e/test/engines.test.ts (cached 590 s later, preflighted again 610 s later); WebKit source agrees (Source/WebCore/loader/CrossOriginPreflightResultCache.cpp, maxPreflightCacheTimeout = 600 s)',
    wildcardCoversAuthorization: true,
    fetchError: 'Load failed',
    thirdPartyCookies: 'blocked',
    thirdPartyCookiesNote:
      "Measured in WebKitGTK, whose default cookie policy refuses a cookie set by a cross-site response (it still sends one the user got by visiting the API's site directly). Safari blocks all third-party cookies by default, those of visited sites too (since Safari 13.1); other WebKitGTK browsers (Epiphany) may set another policy. Either way a cross-site login's session cookie does not come back: put the API on the page's site, or use a token.",
  }),
});

/**
 * The preflight cache lifetime an engine gives a response's `Access-Control-Max-Age`: 5 s when
 * absent or not a non-negative integer, the value otherwise, cut to the engine's cap. Without an
 * engine, the Fetch standard's rule (no cap).
 *
 * @example
 * ```ts
 * preflightCacheSeconds('86400', 'chromium'); // 7200
 * preflightCacheSeconds('86400', 'webkit'); // 600
 * preflightCacheSeconds(undefined); // 5
 * ```
 * @see https://fetch.spec.whatwg.org/#cors-preflight-fetch (step "Let max-age be ...")
 */
export function preflightCacheSeconds(maxAge: string | undefined, engine?: BrowserEngine): number {
  const value = maxAge === undefined || !/^[0-9]{1,10}$/.test(maxAge.trim()) ? 5 : Number(maxAge.trim());
  return engine === undefined ? value : Math.min(value, ENGINE_FACTS[engine].maxAgeCap);
}
