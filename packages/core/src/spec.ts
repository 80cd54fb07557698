/**
 * Name lists from the Fetch standard, kept in one place.
 * @module
 */

/** @see https://fetch.spec.whatwg.org/#cors-safelisted-method */
export const SAFELISTED_METHODS: ReadonlySet<string> = /* @__PURE__ */ new Set(['GET', 'HEAD', 'POST']);

/** Methods a browser upper-cases before sending; all others keep their case (`patch` stays `patch`).
 * @see https://fetch.spec.whatwg.org/#concept-method-normalize */
export const NORMALIZED_METHODS: ReadonlySet<string> = /* @__PURE__ */ new Set(['DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT']);

/** Scripts cannot send these methods, so allowing them is always a mistake.
 * @see https://fetch.spec.whatwg.org/#forbidden-method */
export const FORBIDDEN_METHODS: ReadonlySet<string> = /* @__PURE__ */ new Set(['CONNECT', 'TRACE', 'TRACK']);

/** Header names scripts cannot set (lower case); `proxy-*` and `sec-*` are checked by prefix.
 * @see https://fetch.spec.whatwg.org/#forbidden-request-header */
export const FORBIDDEN_REQUEST_HEADERS: ReadonlySet<string> = /* @__PURE__ */ new Set([
  'accept-charset',
  'accept-encoding',
  'access-control-request-headers',
  'access-control-request-method',
  'access-control-request-private-network',
  'connection',
  'content-length',
  'cookie',
  'cookie2',
  'date',
  'dnt',
  'expect',
  'host',
  'keep-alive',
  'origin',
  'referer',
  'set-cookie',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'via',
]);

/** Reports whether a lower-case header name is one scripts are not allowed to set. */
export function isForbiddenRequestHeader(lowerName: string): boolean {
  return (
    FORBIDDEN_REQUEST_HEADERS.has(lowerName) || lowerName.startsWith('proxy-') || lowerName.startsWith('sec-')
  );
}

/** Response headers a script can always read; listing them in `exposedHeaders` changes nothing.
 * @see https://fetch.spec.whatwg.org/#cors-safelisted-response-header-name */
export const ALWAYS_READABLE_RESPONSE_HEADERS: ReadonlySet<string> = /* @__PURE__ */ new Set([
  'cache-control',
  'content-language',
  'content-length',
  'content-type',
  'expires',
  'last-modified',
  'pragma',
]);

/** Response headers a browser never exposes to scripts, whatever the server says.
 * @see https://fetch.spec.whatwg.org/#forbidden-response-header-name */
export const NEVER_EXPOSED_RESPONSE_HEADERS: ReadonlySet<string> = /* @__PURE__ */ new Set(['set-cookie', 'set-cookie2']);

/** Browser caps on `Access-Control-Max-Age`, in seconds: Chromium and WebKit measured (packages/e2e engines.test.ts), Firefox from MDN; `safari` is `webkit` under its old name. */
export const MAX_AGE_CAPS = /* @__PURE__ */ Object.freeze({ chromium: 7200, firefox: 86400, webkit: 600, safari: 600 });

/** Largest `maxAge` Corsica accepts: Firefox's cap; nobody caches longer. */
export const MAX_AGE_LIMIT = 86400;

/** Header names as written into responses. */
export const ACAO = 'Access-Control-Allow-Origin';
export const ACAC = 'Access-Control-Allow-Credentials';
export const ACAM = 'Access-Control-Allow-Methods';
export const ACAH = 'Access-Control-Allow-Headers';
export const ACEH = 'Access-Control-Expose-Headers';
export const ACMA = 'Access-Control-Max-Age';
export const ACAPN = 'Access-Control-Allow-Private-Network';
export const ACRM = 'Access-Control-Request-Method';
export const ACRH = 'Access-Control-Request-Headers';
export const ACRPN = 'Access-Control-Request-Private-Network';
/** Added only in debug mode, on denied requests: why Corsica said no. */
export const DEBUG_HEADER = 'Corsica-Debug';
