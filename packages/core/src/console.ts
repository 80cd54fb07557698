/**
 * What Chromium, Firefox and WebKit print in the console when they block a CORS response, per
 * failed check: the one copy of those words. `policy.explain()` quotes them, and the conformance
 * kit re-exports `consoleMessage` (which `corsica audit` and `corsica explain --url` print).
 * Requests never run this module.
 * @module
 */

/** The three browser engines: Chromium (Chrome, Edge), Firefox (Gecko), WebKit (Safari). */
export type BrowserEngine = 'chromium' | 'firefox' | 'webkit';

/**
 * Which check failed. `value` is what the console quotes: the `Access-Control-Allow-Origin` or
 * `-Credentials` value, the preflight's status, the method, or the request header as the page
 * wrote it.
 */
export interface BrowserFailure {
  readonly kind:
    | 'acao-missing'
    | 'acao-multiple'
    | 'acao-mismatch'
    | 'acao-wildcard-credentials'
    | 'acac-not-true'
    | 'preflight-status'
    | 'acam-malformed'
    | 'acah-malformed'
    | 'method-not-allowed'
    | 'header-not-allowed';
  readonly value?: string;
}

/** Firefox prints the quotes of its messages as curly ones. */
const curly = (text: string): string => text.replace(/'([^']*)'/g, '\u2018$1\u2019');

/**
 * The lines an engine's console prints when a call is blocked by `failure`, in order: one for
 * Chromium and Firefox, two for WebKit (its reason, then `Fetch API cannot load <url> due to
 * access control checks.`). `status` is the status of the response that failed, `undefined` when
 * it is not known (`explain()` of an actual request, whose status is the app's): Firefox's message
 * then ends without it and WebKit's names it as `<the app's status>`.
 * @internal `explain()` lays the lines out its own way; tools use {@link consoleMessage}.
 */
export function consoleLines(engine: BrowserEngine, failure: BrowserFailure, context: { url: string; origin: string; preflight: boolean; status: number | undefined }): readonly string[] {
  const { url, origin, preflight, status } = context;
  const value = failure.value ?? '';
  if (engine === 'webkit') {
    const notAllowed = `Origin ${origin} is not allowed by Access-Control-Allow-Origin. Status code: ${status ?? "<the app's status>"}`;
    // WebKit checks a preflight's status before its headers (measured: a 401 with every allow header reads as unsuccessful)
    const first =
      preflight && status !== undefined && (status < 200 || status > 299)
        ? `Preflight response is not successful. Status code: ${status}`
        : {
            'acao-missing': notAllowed,
            'acao-mismatch': notAllowed,
            'acao-multiple': 'Access-Control-Allow-Origin cannot contain more than one origin.',
            'acao-wildcard-credentials': 'Cannot use wildcard in Access-Control-Allow-Origin when credentials flag is true.',
            'acac-not-true': 'Credentials flag is true, but Access-Control-Allow-Credentials is not "true".',
            'preflight-status': `Preflight response is not successful. Status code: ${status}`,
            'acam-malformed': '(a message about the malformed Access-Control-Allow-Methods; its wording is not measured)',
            'acah-malformed': '(a message about the malformed Access-Control-Allow-Headers; its wording is not measured)',
            'method-not-allowed': `Method ${value} is not allowed by Access-Control-Allow-Methods.`,
            'header-not-allowed': `Request header field ${value} is not allowed by Access-Control-Allow-Headers.`,
          }[failure.kind];
    return [first, `Fetch API cannot load ${url} due to access control checks.`];
  }
  if (engine === 'firefox') {
    const reason = {
      'acao-missing': "CORS header 'Access-Control-Allow-Origin' missing",
      'acao-mismatch': `CORS header 'Access-Control-Allow-Origin' does not match '${value}'`,
      'acao-multiple': "Multiple CORS header 'Access-Control-Allow-Origin' not allowed",
      'acao-wildcard-credentials': "Credential is not supported if the CORS header 'Access-Control-Allow-Origin' is '*'",
      'acac-not-true': "expected 'true' in CORS header 'Access-Control-Allow-Credentials'",
      'preflight-status': 'CORS preflight response did not succeed',
      'acam-malformed': 'a message about the malformed Access-Control-Allow-Methods; its wording is not quoted here',
      'acah-malformed': 'a message about the malformed Access-Control-Allow-Headers; its wording is not quoted here',
      'method-not-allowed': "Did not find method in CORS header 'Access-Control-Allow-Methods'",
      'header-not-allowed': `header '${value.toLowerCase()}' is not allowed according to header 'Access-Control-Allow-Headers' from CORS preflight response`,
    }[failure.kind];
    // only these two of Firefox's messages end with the status (security.properties: CORSMissingAllowOrigin2, CORSPreflightDidNotSucceed3)
    const withStatus = (failure.kind === 'acao-missing' || failure.kind === 'preflight-status') && status !== undefined;
    return [`Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at ${url}. (Reason: ${curly(reason)}).${withStatus ? ` Status code: ${status}.` : ''}`];
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
    'header-not-allowed': `Request header field ${value.toLowerCase()} is not allowed by Access-Control-Allow-Headers in preflight response.`,
  }[failure.kind];
  return [`Access to fetch at '${url}' from origin '${origin}' has been blocked by CORS policy: ${why}`];
}

/**
 * The message an engine's console prints when a call is blocked by `failure` (WebKit's two lines
 * joined by ` Then: `). WebKit's words are measured (packages/e2e/test/engines.test.ts, "WebKit
 * console messages", WebKitGTK 2.50), and so are Chromium's and Firefox's for a missing,
 * mismatched or `*`-with-credentials `Access-Control-Allow-Origin` and a missing
 * `Access-Control-Allow-Credentials` (packages/e2e/test/browsers.test.ts, "console wording",
 * through `policy.explain()`, which quotes the same words). The others are the engines' own
 * strings: Chromium's `third_party/blink/renderer/platform/loader/cors/cors_error_string.cc`,
 * Firefox's `dom/locales/en-US/chrome/security/security.properties`; malformed lists are not
 * quoted, only described.
 *
 * @example
 * ```ts
 * import { consoleMessage } from '@corsica/core/adapter';
 *
 * consoleMessage('webkit', { kind: 'header-not-allowed', value: 'X-Debug' }, { url: 'https://api.example.com/x', origin: 'https://app.example.com', preflight: true, status: 204 });
 * // 'Request header field X-Debug is not allowed by Access-Control-Allow-Headers. Then: Fetch API cannot load https://api.example.com/x due to access control checks.'
 * ```
 */
export function consoleMessage(engine: BrowserEngine, failure: BrowserFailure, context: { url: string; origin: string; preflight: boolean; status: number }): string {
  return consoleLines(engine, failure, context).join(' Then: ');
}
