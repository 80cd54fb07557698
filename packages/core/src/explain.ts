/**
 * `policy.explain`: a decision rendered for people, with the browser's next step in the words of
 * its console.
 * @module
 */
import type { CompiledConfig } from './compiled.js';
import { consoleLines } from './console.js';
import type { BrowserFailure } from './console.js';
import type { Trace } from './request/pipeline.js';
import { ACAC, ACAO, MAX_AGE_CAPS } from './spec.js';
import type { Decision, DecisionReason, ExplainContext, HeaderValue, RequestFacts } from './types.js';

/** The engines explain speaks for, by the name their console and users know them by. */
const ENGINE_NAMES = { chromium: 'Chrome', firefox: 'Firefox', webkit: 'Safari (WebKit)' } as const;
type Engine = keyof typeof ENGINE_NAMES;

/** Makes a request value safe to print: control bytes escaped, length capped. */
export function printable(value: HeaderValue | unknown): string {
  if (value === undefined || value === null) return '(absent)';
  if (Array.isArray(value)) return value.map(printable).join(' | ');
  const text = typeof value === 'string' ? value : `(${typeof value})`;
  const escaped = text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (ch) => `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return escaped.length > 200 ? `${escaped.slice(0, 197)}... (${text.length} chars)` : escaped;
}

const ORIGIN_FAILURES: Partial<Record<DecisionReason, string>> = {
  'origin-not-allowed': 'is not allowed by the policy',
  'origin-null': 'is the opaque origin that sandboxed iframes, file: pages and redirects send; a list never allows it',
  'origin-malformed': 'is not a serialized origin a browser would send',
  'origin-duplicated': 'has several values (repeated or comma-joined), which browsers never send',
  'origin-too-long': 'is longer than any real origin',
  'origin-resolver-async': 'needs an async origin resolver, but decide() cannot wait; adapters call decideAsync()',
  'resolver-error': 'could not be checked: the origin resolver failed (see onError)',
  'resolver-timeout': 'could not be checked: the origin resolver timed out (resolverTimeout)',
  'origin-callback-error': 'was refused: the origin callback reported an error (see onError)',
  'internal-error': 'could not be checked: an internal error occurred (see onError)',
};

export function renderExplanation(c: CompiledConfig, req: RequestFacts, d: Decision, trace: Trace, context: ExplainContext = {}): string {
  const engine = context.engine ?? 'chromium';
  const engineName = ENGINE_NAMES[engine];
  const url = context.url ?? '<url>';
  const origin = printable(req?.origin);
  const method = typeof req?.method === 'string' ? printable(req.method) : '(no method)';
  const lines: string[] = [];
  const check = (ok: boolean | undefined, text: string) => lines.push(`  ${ok === undefined ? 'skip' : ok ? 'pass' : 'FAIL'}  ${text}`);

  if (d.kind === 'not-cors') {
    lines.push(`Request: ${method} without Origin: not a CORS request.`);
    lines.push('  Same-origin GET/HEAD, navigations, curl and server-to-server calls send no Origin; CORS does not apply and the app answers as usual.');
  } else {
    lines.push(`Request: ${d.kind === 'preflight' ? 'preflight' : 'CORS'} ${method} from origin ${origin}${context.credentials ? ' with credentials' : ''}`);
    if (d.kind === 'preflight') {
      lines.push(`  Access-Control-Request-Method: ${printable(req.requestMethod)}`);
      if (req.requestHeaders !== undefined && req.requestHeaders !== null) lines.push(`  Access-Control-Request-Headers: ${printable(req.requestHeaders)}`);
    } else if (req?.method === 'OPTIONS') {
      lines.push('  OPTIONS without Access-Control-Request-Method is not a preflight: it reaches the app.');
    }
  }

  const own = d.wouldHave ?? d;
  if (d.wouldHave) lines.push('Report-only: responses follow the fallback policy; the checks below are the configured policy\'s.');
  if (c.guard !== undefined) explainGuard(req, own, trace, check, lines);
  if (own.kind !== 'not-cors' && own.status === undefined || own.kind === 'preflight') {
    lines.push('Checks:');
    const originFailure = ORIGIN_FAILURES[own.reason];
    if (originFailure !== undefined) {
      check(false, `origin ${origin} ${originFailure}`);
    } else {
      const by = trace.match ?? 'predicate';
      const words = { wildcard: 'origin "*" allows any origin', exact: 'exact match in the allowlist', pattern: 'matches a pattern', regexp: 'matches a RegExp', predicate: 'allowed by an origin function' }[by];
      check(true, `origin ${origin} is allowed (${words})`);
    }
    if (own.kind === 'preflight') {
      const methodFailed = own.reason === 'method-not-allowed' || own.reason === 'method-malformed';
      const originOk = originFailure === undefined;
      const methods = c.methods.any ? '"*"' : c.methods.names.join(', ');
      if (!originOk) check(undefined, 'method not checked');
      else if (methodFailed) check(false, own.reason === 'method-malformed' ? 'Access-Control-Request-Method is not a single method token' : `method ${printable(own.detail)} is not allowed (methods: ${methods}; comparison is case-sensitive)`);
      else check(true, `method ${printable(req.requestMethod)} is allowed (${c.methods.any ? 'methods: "*"' : `GET, HEAD and POST always pass; methods: ${methods}`})`);
      const headerFailed = own.reason.startsWith('header');
      const allowedNames = c.allowedHeaders.any ? `"*"${c.allowedHeaders.names.length ? ` + ${c.allowedHeaders.names.join(', ')}` : ''}` : c.allowedHeaders.names.join(', ') || 'none (only CORS-safelisted headers)';
      if (!originOk || methodFailed) check(undefined, 'request headers not checked');
      else if (headerFailed) {
        if (own.reason === 'header-not-allowed') {
          const isAuth = own.detail === 'authorization' && c.allowedHeaders.any;
          check(false, `request header ${printable(own.detail)} is not allowed (allowedHeaders: ${allowedNames})${isAuth ? '; under the Fetch standard, which Corsica follows, "*" does not cover Authorization (Chromium, Firefox and WebKit let it without credentials today; whatwg/fetch issue 1919)' : ''}`);
        } else check(false, `Access-Control-Request-Headers is ${own.reason === 'headers-malformed' ? 'not a valid list of header names' : own.reason === 'headers-too-long' ? 'too long' : 'a list of too many names'}`);
      } else check(true, `request headers are allowed (allowedHeaders: ${allowedNames})`);
    }
  }

  lines.push(`Response: ${d.status !== undefined ? `${d.status}${d.status === 403 ? ' Forbidden' : ' (no body)'}` : 'from the app (status unchanged)'}${Object.keys(d.headers).length === 0 ? ', no CORS headers' : ''}`);
  for (const [name, value] of Object.entries(d.headers)) lines.push(`  ${name}: ${value}`);
  if (d.vary.length > 0) lines.push(`  Vary: ${d.vary.join(', ')} (appended)`);

  lines.push(`Browser (${engineName}): ${browserNextStep(c, d, context, engine, url, origin)}`);
  const fix = fixFor(c, own);
  if (fix) lines.push(`Fix: ${fix}`);
  return lines.join('\n');
}

/** The origin guard's checks, in its order: Host, then Sec-Fetch-Site, then Origin against Host and the allowlist. */
function explainGuard(req: RequestFacts, own: Decision, trace: Trace, check: (ok: boolean | undefined, text: string) => void, lines: string[]): void {
  lines.push('Origin guard:');
  const host = printable(req?.host);
  if (own.reason === 'host-not-allowed') {
    check(false, `Host ${host} is not in guard.hosts: a page under another name that resolves to this server (DNS rebinding) is what this stops`);
    return;
  }
  const site = req?.secFetchSite === undefined || req?.secFetchSite === null ? undefined : printable(req.secFetchSite);
  switch (trace.guard) {
    case 'pass':
      check(true, site === 'same-origin' || site === 'none' ? `Sec-Fetch-Site: ${site}: the request comes from this server's own pages or the user` : req?.origin === undefined || req?.origin === null ? 'not checked or passed: no Origin and no cross-site Sec-Fetch-Site (not a browser, or a method the guard leaves alone)' : `passed (a method the guard leaves alone, or Origin ${printable(req.origin)} names this server's own host ${host})`);
      return;
    case 'origin-decides':
      check(own.reason !== 'cross-origin-rejected', `${site !== undefined ? `Sec-Fetch-Site: ${site}, so` : `Origin ${printable(req.origin)} is not this server's host (${host}), so`} the allowlist decides: ${own.reason === 'cross-origin-rejected' ? 'not allowed; the application never runs' : 'allowed'}`);
      return;
    case 'cross-origin-rejected':
      check(false, site !== undefined ? `Sec-Fetch-Site: ${site} without a usable Origin: rejected before the application` : `Origin ${printable(req?.origin)} is not one a browser sends: rejected before the application`);
      return;
    default:
      check(undefined, 'not reached');
  }
}

function browserNextStep(c: CompiledConfig, d: Decision, context: ExplainContext, engine: Engine, url: string, origin: string): string {
  if (d.reason === 'cross-origin-rejected' || d.reason === 'host-not-allowed') return 'blocks the response: the request reached the server, which answered 403 before the application ran, so nothing happened there and the page sees a failed request.';
  if (d.kind === 'not-cors') return 'no CORS check happens.';
  const blocked = (failure: BrowserFailure) => {
    const lines = consoleLines(engine, failure, { url, origin, preflight: d.kind === 'preflight', status: d.status });
    return `blocks the response. Console: "${lines.join('"; then "')}"${engine === 'webkit' ? '; the page\'s fetch rejects with TypeError "Load failed"' : ''}`;
  };
  const acao = d.headers[ACAO];
  if (acao === undefined) {
    const what = d.kind === 'preflight' ? ' The actual request is never sent.' : ' The request itself reached your server; CORS only hides the response from the page.';
    return blocked({ kind: 'acao-missing' }) + what;
  }
  if (acao !== '*' && acao !== origin) return blocked({ kind: 'acao-mismatch', value: acao });
  if (context.credentials) {
    if (acao === '*') return blocked({ kind: 'acao-wildcard-credentials' });
    const acac = d.headers[ACAC];
    if (acac !== 'true') return blocked({ kind: 'acac-not-true', value: acac ?? '' });
  }
  if (d.kind === 'preflight') {
    const cap = MAX_AGE_CAPS[engine];
    const age = c.maxAge === undefined ? 'for 5 s (no Access-Control-Max-Age)' : `for ${Math.min(c.maxAge, cap)} s${c.maxAge > cap ? ` (Access-Control-Max-Age ${c.maxAge} capped at ${cap})` : ''}`;
    return `accepts the preflight, caches it ${age}, and sends the actual request.${cookieNote(engine, context)}`;
  }
  return `lets the page read the response${d.headers['Access-Control-Expose-Headers'] ? ` and the exposed headers (${d.headers['Access-Control-Expose-Headers']})` : ' (only always-readable headers are visible)'}.`;
}

/**
 * WebKit's cookie rule on credentialed cross-site requests, as measured in WebKitGTK 2.50 (the
 * engine of Safari) and as Apple documents it for Safari: they differ, so both are said.
 */
function cookieNote(engine: Engine, context: ExplainContext): string {
  if (engine !== 'webkit' || !context.credentials) return '';
  return ' Cookies: WebKitGTK refuses a cookie that a cross-site response sets, and sends the API\'s cookies only if the user visited the API\'s site first; Safari blocks third-party cookies in both cases (full third-party cookie blocking since Safari 13.1, per WebKit\'s blog), so a cross-site credentialed API there works only with the Storage Access API or a same-site API host.';
}

function fixFor(c: CompiledConfig, d: Decision): string | undefined {
  switch (d.reason) {
    case 'cross-origin-rejected':
      return 'if pages on this origin should be able to send such requests, add the origin to `origin`; pages served by this server itself never need listing (their Sec-Fetch-Site is same-origin, or their Origin names this Host).';
    case 'host-not-allowed':
      return 'if the server really answers to this name, add it to `guard.hosts` (e.g. "api.example.com" or "localhost:*").';
    case 'origin-not-allowed':
      return 'if this origin should be allowed, add it to `origin` exactly as the browser sends it (scheme, host, port; no trailing slash).';
    case 'origin-null':
      return 'serve the calling page from a real origin; never allow "null".';
    case 'method-not-allowed': {
      const upper = d.detail?.toUpperCase();
      if (upper !== undefined && upper !== d.detail && !c.methods.any && c.methods.set.has(upper)) {
        return `the page sent ${JSON.stringify(d.detail)}, and browsers upper-case only DELETE, GET, HEAD, OPTIONS, POST and PUT: call fetch with method ${JSON.stringify(upper)}, or add ${JSON.stringify(d.detail)} to \`methods\`.`;
      }
      return `add ${JSON.stringify(d.detail)} to \`methods\` (methods compare byte for byte).`;
    }
    case 'header-not-allowed':
      return `add ${JSON.stringify(d.detail)} to \`allowedHeaders\`${d.detail === 'content-type' ? ' (Content-Type with a value other than the three form types is not safelisted)' : ''}.`;
    case 'resolver-error':
    case 'resolver-timeout':
      return 'check the origin resolver (see onError); a failed lookup is a denial, remembered for `originCache.failureTtl` (1 s by default) before the resolver is asked again.';
    case 'origin-resolver-async':
      return 'call `policy.decideAsync()` (adapters do it when `policy.isAsync`), or declare the origin function `async`.';
    default:
      return undefined;
  }
}
