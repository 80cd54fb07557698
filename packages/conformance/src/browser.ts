/**
 * A model of the CORS check browsers run on responses, used to judge servers by what a user would
 * notice: whether the page gets the response or a CORS error. Without an engine it follows the
 * Fetch standard; with one (`'chromium' | 'firefox' | 'webkit'`) it predicts that engine, where
 * engines and the standard part (see `ENGINE_FACTS`).
 * @see https://fetch.spec.whatwg.org/#cors-check
 * @see https://fetch.spec.whatwg.org/#cors-preflight-fetch
 * @module
 */
import { ENGINE_FACTS } from './engines.js';
import type { BrowserEngine } from './engines.js';
import type { BrowserRequest, BrowserResponse, BrowserVerdict } from './types.js';

/** Methods a browser never needs listed in `Access-Control-Allow-Methods`. */
const SAFELISTED_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'POST']);

/**
 * One header as the Fetch standard's "get" sees it: repeated lines joined with `, `, which is why
 * two `Access-Control-Allow-Origin` lines never match any origin.
 *
 * @example
 * ```ts
 * combinedHeader({ 'access-control-allow-origin': ['https://a.example', '*'] }, 'Access-Control-Allow-Origin');
 * // 'https://a.example, *'
 * ```
 * @see https://fetch.spec.whatwg.org/#concept-header-list-get
 */
export function combinedHeader(headers: BrowserResponse['headers'], name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  if (value === undefined) return undefined;
  return typeof value === 'string' ? value : value.join(', ');
}

/** `tchar` from RFC 9110, checked without a regular expression on response bytes. */
function isToken(value: string): boolean {
  if (value.length === 0) return false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    const ok =
      (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || "!#$%&'*+-.^_`|~".includes(value[i]!);
    if (!ok) return false;
  }
  return true;
}

/**
 * Splits a list header (`Access-Control-Allow-Methods`, `-Headers`, `-Expose-Headers`) the way
 * browsers do: empty elements are skipped, and one element that is not a token makes the whole
 * list malformed (`undefined`), which fails the preflight.
 *
 * @example
 * ```ts
 * parseListHeader('GET, PUT,'); // ['GET', 'PUT']
 * parseListHeader('GET PUT'); // undefined: not a list of tokens
 * ```
 * @see https://fetch.spec.whatwg.org/#extract-header-list-values
 */
export function parseListHeader(value: string | undefined): string[] | undefined {
  if (value === undefined) return [];
  const items: string[] = [];
  for (const raw of value.split(',')) {
    const item = raw.replace(/^[ \t]+|[ \t]+$/g, '');
    if (item === '') continue;
    if (!isToken(item)) return undefined;
    items.push(item);
  }
  return items;
}

/**
 * The CORS check alone: does `Access-Control-Allow-Origin` (and, with credentials,
 * `Access-Control-Allow-Credentials`) let this origin read the response?
 * @see https://fetch.spec.whatwg.org/#cors-check
 */
function corsCheck(request: BrowserRequest, response: BrowserResponse): string | undefined {
  const acao = combinedHeader(response.headers, 'access-control-allow-origin');
  if (acao === undefined) return 'No Access-Control-Allow-Origin header is present.';
  if (acao === '*' && !request.credentials) return undefined;
  if (acao === '*') return "Access-Control-Allow-Origin is '*', which is not allowed when the request's credentials mode is 'include'.";
  if (acao !== request.origin) {
    const several = Array.isArray(response.headers['access-control-allow-origin']);
    return several
      ? `Access-Control-Allow-Origin has several values '${acao}', but only one is allowed.`
      : `Access-Control-Allow-Origin '${acao}' is not equal to the supplied origin '${request.origin}'.`;
  }
  if (!request.credentials) return undefined;
  const acac = combinedHeader(response.headers, 'access-control-allow-credentials');
  if (acac !== 'true') {
    return `Access-Control-Allow-Credentials is '${acac ?? ''}', which must be 'true' when the request's credentials mode is 'include'.`;
  }
  return undefined;
}

/**
 * Which response headers a script may read: `Access-Control-Expose-Headers`, where `*` means every
 * header only without credentials (with credentials it is the literal name `*`).
 * @see https://fetch.spec.whatwg.org/#ref-for-cors-exposed-header-name-list
 */
function exposedNames(request: BrowserRequest, response: BrowserResponse): '*' | string[] {
  const names = parseListHeader(combinedHeader(response.headers, 'access-control-expose-headers')) ?? [];
  if (!request.credentials && names.includes('*')) return '*';
  return names.map((n) => n.toLowerCase());
}

const BLOCKED: BrowserVerdict = Object.freeze({ allowed: false, failures: Object.freeze([]), exposed: Object.freeze([]) });

function blocked(...failures: string[]): BrowserVerdict {
  return { ...BLOCKED, failures };
}

/**
 * Judges a response the way browsers do, so a test can say "the browser would block this" instead
 * of comparing header strings. Without `engine`, the Fetch standard's rules; with an engine, what
 * that engine does where it departs from them (measured in real engines: today only
 * `Access-Control-Allow-Headers: *` covering `Authorization` without credentials, which all three
 * engines allow and the standard does not; the verdict's `notes` then say both).
 *
 * - Actual requests: the CORS check. `Access-Control-Allow-Origin` must equal the page's origin
 *   byte for byte, or be `*` without credentials; several values always fail; with credentials,
 *   `Access-Control-Allow-Credentials` must be exactly `true`.
 * - Preflights (`request.preflight` set): the CORS check, a 2xx status, then the method must be
 *   safelisted or listed in `Access-Control-Allow-Methods` (byte for byte) and every requested
 *   header listed in `Access-Control-Allow-Headers` (case-insensitively). `*` is a wildcard only
 *   without credentials, and never covers `Authorization`. A malformed list fails.
 *
 * @example
 * ```ts
 * import { browserCheck } from '@corsica/conformance';
 *
 * const verdict = browserCheck(
 *   { origin: 'https://app.example.com', credentials: true },
 *   { status: 200, headers: { 'access-control-allow-origin': '*' } },
 * );
 * // verdict.allowed === false: '*' is refused when credentials are included
 *
 * const thirdParty = { status: 204, headers: { 'access-control-allow-origin': '*', 'access-control-allow-headers': '*' } };
 * const asks = { origin: 'https://app.example.com', credentials: false, preflight: { method: 'GET', headers: ['authorization'] } };
 * browserCheck(asks, thirdParty).allowed; // false: the standard
 * browserCheck(asks, thirdParty, 'webkit').allowed; // true: WebKit (and Chromium, Firefox) today
 * ```
 * @see https://fetch.spec.whatwg.org/#cors-check
 * @see https://fetch.spec.whatwg.org/#cors-preflight-fetch
 */
export function browserCheck(request: BrowserRequest, response: BrowserResponse, engine?: BrowserEngine): BrowserVerdict {
  const cors = corsCheck(request, response);
  const preflight = request.preflight;
  if (preflight === undefined) {
    if (cors !== undefined) return blocked(cors);
    return { allowed: true, failures: [], exposed: exposedNames(request, response) };
  }
  const failures: string[] = [];
  if (cors !== undefined) failures.push(`Response to preflight request doesn't pass access control check: ${cors}`);
  if (response.status < 200 || response.status > 299) {
    failures.push(`Response to preflight request has status ${response.status}, not a 2xx (ok) status.`);
  }
  if (failures.length > 0) return blocked(...failures);

  const methods = parseListHeader(combinedHeader(response.headers, 'access-control-allow-methods'));
  const names = parseListHeader(combinedHeader(response.headers, 'access-control-allow-headers'));
  if (methods === undefined) return blocked('Access-Control-Allow-Methods in the preflight response is not a valid list of methods.');
  if (names === undefined) return blocked('Access-Control-Allow-Headers in the preflight response is not a valid list of header names.');

  const wildcard = (list: readonly string[]): boolean => !request.credentials && list.includes('*');
  const method = preflight.method;
  if (!SAFELISTED_METHODS.has(method) && !methods.includes(method) && !wildcard(methods)) {
    failures.push(`Method ${method} is not allowed by Access-Control-Allow-Methods in preflight response.`);
  }
  const listed = new Set(names.map((n) => n.toLowerCase()));
  const notes: string[] = [];
  for (const raw of preflight.headers) {
    const name = raw.toLowerCase();
    if (listed.has(name)) continue;
    if (name !== 'authorization' && wildcard(names)) continue;
    // The standard's wildcard never covers Authorization
    // (https://fetch.spec.whatwg.org/#cors-non-wildcard-request-header-name); engines let it.
    if (name === 'authorization' && wildcard(names)) {
      if (engine !== undefined && ENGINE_FACTS[engine].wildcardCoversAuthorization) {
        notes.push(`${ENGINE_FACTS[engine].label} lets Access-Control-Allow-Headers: * cover Authorization on a request without credentials; the Fetch standard does not (whatwg/fetch issue 1919), so list Authorization by name.`);
        continue;
      }
      failures.push(`Request header field authorization is not allowed by Access-Control-Allow-Headers in preflight response: the Fetch standard never lets * cover Authorization (Chromium, Firefox and WebKit do today, without credentials).`);
      break;
    }
    failures.push(`Request header field ${name} is not allowed by Access-Control-Allow-Headers in preflight response.`);
    break;
  }
  if (failures.length > 0) return blocked(...failures);
  return notes.length > 0 ? { allowed: true, failures: [], exposed: [], notes } : { allowed: true, failures: [], exposed: [] };
}
