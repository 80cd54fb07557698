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
import type { BrowserCheckStep, BrowserFailure, BrowserRequest, BrowserResponse, BrowserVerdict } from './types.js';

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
 * `Access-Control-Allow-Credentials`) let this origin read the response? Each check is pushed on
 * `checks`; the first failure is returned, as a sentence and as a {@link BrowserFailure}.
 * @see https://fetch.spec.whatwg.org/#cors-check
 */
function corsCheck(request: BrowserRequest, response: BrowserResponse, checks: BrowserCheckStep[]): { text: string; failure: BrowserFailure } | undefined {
  const fail = (header: string, detail: string, failure: BrowserFailure) => {
    checks.push({ header, ok: false, detail });
    return { text: detail, failure };
  };
  const acao = combinedHeader(response.headers, 'access-control-allow-origin');
  if (acao === undefined) return fail('Access-Control-Allow-Origin', 'No Access-Control-Allow-Origin header is present.', { kind: 'acao-missing' });
  if (acao === '*' && !request.credentials) {
    checks.push({ header: 'Access-Control-Allow-Origin', ok: true, detail: "'*' lets any origin read a response without credentials." });
    return undefined;
  }
  if (acao === '*') return fail('Access-Control-Allow-Origin', "Access-Control-Allow-Origin is '*', which is not allowed when the request's credentials mode is 'include'.", { kind: 'acao-wildcard-credentials' });
  if (acao !== request.origin) {
    const several = Array.isArray(response.headers['access-control-allow-origin']);
    return several
      ? fail('Access-Control-Allow-Origin', `Access-Control-Allow-Origin has several values '${acao}', but only one is allowed.`, { kind: 'acao-multiple', value: acao })
      : fail('Access-Control-Allow-Origin', `Access-Control-Allow-Origin '${acao}' is not equal to the supplied origin '${request.origin}'.`, { kind: 'acao-mismatch', value: acao });
  }
  checks.push({ header: 'Access-Control-Allow-Origin', ok: true, detail: `'${acao}' is the page's origin, byte for byte.` });
  if (!request.credentials) return undefined;
  const acac = combinedHeader(response.headers, 'access-control-allow-credentials');
  if (acac !== 'true') {
    return fail(
      'Access-Control-Allow-Credentials',
      `Access-Control-Allow-Credentials is '${acac ?? ''}', which must be 'true' when the request's credentials mode is 'include'.`,
      { kind: 'acac-not-true', value: acac ?? '' },
    );
  }
  checks.push({ header: 'Access-Control-Allow-Credentials', ok: true, detail: "'true', as a request with credentials needs." });
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

function blocked(checks: readonly BrowserCheckStep[], failure: BrowserFailure, ...failures: string[]): BrowserVerdict {
  return { allowed: false, failures, exposed: [], checks, failure };
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
  const checks: BrowserCheckStep[] = [];
  const cors = corsCheck(request, response, checks);
  const preflight = request.preflight;
  if (preflight === undefined) {
    if (cors !== undefined) return blocked(checks, cors.failure, cors.text);
    return { allowed: true, failures: [], exposed: exposedNames(request, response), checks };
  }
  const failures: string[] = [];
  let failure: BrowserFailure | undefined;
  if (cors !== undefined) {
    failures.push(`Response to preflight request doesn't pass access control check: ${cors.text}`);
    failure = cors.failure;
  }
  const okStatus = response.status >= 200 && response.status <= 299;
  checks.push({ header: 'status', ok: okStatus, detail: okStatus ? `${response.status} is an ok (2xx) status.` : `${response.status} is not an ok (2xx) status.` });
  if (!okStatus) {
    failures.push(`Response to preflight request has status ${response.status}, not a 2xx (ok) status.`);
    failure ??= { kind: 'preflight-status', value: String(response.status) };
  }
  if (failure !== undefined) return blocked(checks, failure, ...failures);

  const methods = parseListHeader(combinedHeader(response.headers, 'access-control-allow-methods'));
  const names = parseListHeader(combinedHeader(response.headers, 'access-control-allow-headers'));
  if (methods === undefined) {
    const text = 'Access-Control-Allow-Methods in the preflight response is not a valid list of methods.';
    checks.push({ header: 'Access-Control-Allow-Methods', ok: false, detail: text });
    return blocked(checks, { kind: 'acam-malformed' }, text);
  }
  if (names === undefined) {
    const text = 'Access-Control-Allow-Headers in the preflight response is not a valid list of header names.';
    checks.push({ header: 'Access-Control-Allow-Headers', ok: false, detail: text });
    return blocked(checks, { kind: 'acah-malformed' }, text);
  }

  const wildcard = (list: readonly string[]): boolean => !request.credentials && list.includes('*');
  const method = preflight.method;
  if (!SAFELISTED_METHODS.has(method) && !methods.includes(method) && !wildcard(methods)) {
    const text = `Method ${method} is not allowed by Access-Control-Allow-Methods in preflight response.`;
    checks.push({ header: 'Access-Control-Allow-Methods', ok: false, detail: text });
    return blocked(checks, { kind: 'method-not-allowed', value: method }, text);
  }
  checks.push({
    header: 'Access-Control-Allow-Methods',
    ok: true,
    detail: SAFELISTED_METHODS.has(method) ? `${method} is safelisted: no listing needed.` : methods.includes(method) ? `${method} is listed.` : `'*' covers ${method} (no credentials).`,
  });
  const listed = new Set(names.map((n) => n.toLowerCase()));
  const notes: string[] = [];
  const covered: string[] = [];
  for (const raw of preflight.headers) {
    const name = raw.toLowerCase();
    if (listed.has(name)) {
      covered.push(`${name} is listed`);
      continue;
    }
    if (name !== 'authorization' && wildcard(names)) {
      covered.push(`'*' covers ${name}`);
      continue;
    }
    // The standard's wildcard never covers Authorization
    // (https://fetch.spec.whatwg.org/#cors-non-wildcard-request-header-name); engines let it.
    if (name === 'authorization' && wildcard(names)) {
      if (engine !== undefined && ENGINE_FACTS[engine].wildcardCoversAuthorization) {
        notes.push(`${ENGINE_FACTS[engine].label} lets Access-Control-Allow-Headers: * cover Authorization on a request without credentials; the Fetch standard does not (whatwg/fetch issue 1919), so list Authorization by name.`);
        covered.push(`'*' covers authorization in this engine (not under the Fetch standard)`);
        continue;
      }
      const text = `Request header field authorization is not allowed by Access-Control-Allow-Headers in preflight response: the Fetch standard never lets * cover Authorization (Chromium, Firefox and WebKit do today, without credentials).`;
      checks.push({ header: 'Access-Control-Allow-Headers', ok: false, detail: text });
      return blocked(checks, { kind: 'header-not-allowed', value: raw }, text);
    }
    const text = `Request header field ${name} is not allowed by Access-Control-Allow-Headers in preflight response.`;
    checks.push({ header: 'Access-Control-Allow-Headers', ok: false, detail: text });
    return blocked(checks, { kind: 'header-not-allowed', value: raw }, text);
  }
  checks.push({ header: 'Access-Control-Allow-Headers', ok: true, detail: covered.length === 0 ? 'no request header to allow.' : `${covered.join('; ')}.` });
  return notes.length > 0 ? { allowed: true, failures: [], exposed: [], notes, checks } : { allowed: true, failures: [], exposed: [], checks };
}
