/**
 * `corsica export nginx`: a policy turned into nginx configuration that answers exactly as the
 * core would, or a refusal naming what nginx cannot express.
 *
 * nginx only allows `map` in the `http {}` context and `add_header`/`if` in a `location`, so
 * the export has two parts: the maps (decisions) and the location directives (headers, preflight
 * answers).
 *
 * Equivalence holds for every origin a browser can send. nginx cannot decode punycode, so a
 * malformed subdomain no browser sends (`xn--a.example.com`) matches `https://*.example.com`
 * there while the core refuses it.
 * @module
 */
import { createPolicy } from '@corsica/core';
import { isPolicy, MAX_EMPTY_ELEMENTS, MAX_ORIGIN_LENGTH, MAX_REQUEST_HEADER_NAMES } from '@corsica/core/adapter';
import type { CorsOptions, NormalizedConfig, Policy } from '@corsica/core';
import { ANY_ORIGIN, escapeRegExp, hostRegExp, PORT, splitPattern, untranslatable } from './regex.js';

/** Options of {@link exportNginx}. */
export interface NginxExportOptions {
  /**
   * Prefix of the nginx variables the export defines (`$corsica_origin`...). Give each policy its
   * own when one nginx serves several. Lower case letters, digits and `_`. Default `corsica`.
   */
  readonly name?: string;
  /** Where the policy came from, written into the header comments. */
  readonly source?: string;
}

/** The two parts of an exported policy. */
export interface NginxSnippet {
  /** `map` blocks for the `http {}` context (nginx allows `map` nowhere else). */
  readonly http: string;
  /** Directives to `include` inside each `location {}` the policy guards. */
  readonly location: string;
  /** Options that were not exported because they do not change what browsers are told. */
  readonly notes: readonly string[];
}

/** A policy nginx cannot express; `reasons` lists each problem with its fix. */
export class NginxExportError extends Error {
  readonly reasons: readonly string[];

  constructor(reasons: readonly string[]) {
    super(
      [`corsica: this policy cannot be exported to nginx (${reasons.length} ${reasons.length === 1 ? 'problem' : 'problems'}):`, ...reasons.map((r) => `  - ${r.replace(/^corsica: /, '')}`)].join('\n'),
    );
    this.name = 'NginxExportError';
    this.reasons = Object.freeze([...reasons]);
  }
}

const PREFLIGHT_VARY = 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers';
const DEFAULT_PORTS: Readonly<Record<string, string>> = { http: '80', https: '443', ws: '80', wss: '443' };
/** `tchar` (RFC 9110) as a PCRE class body. */
const TCHAR = "!#$%&'*+.^_`|~0-9A-Za-z-";

/**
 * Quotes a string for nginx's configuration parser, which turns `\"`, `\'`, `\\`, `\t`, `\r` and
 * `\n` into single characters and leaves other backslashes alone: only those are doubled, so the
 * regexes stay readable (`\.` is written as is).
 *
 * @example
 * ```ts
 * quoteNginx('~^https://app\\.example\\.com$'); // "~^https://app\.example\.com$" (quotes included)
 * ```
 */
export function quoteNginx(text: string): string {
  let out = '"';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') out += '\\"';
    else if (c === '\\') {
      const next = text[i + 1];
      out += next === undefined || '"\'\\trn'.includes(next) ? '\\\\' : '\\';
    } else out += c;
  }
  return `${out}"`;
}

/** Any port other than the scheme's default (browsers leave the default port out). */
function anyPort(scheme: string): string {
  const def = DEFAULT_PORTS[scheme];
  return `(?::${def === undefined ? '' : `(?!${def}$)`}${PORT})?`;
}

/** Anchored regex for an origin pattern as the core accepts them (`scheme://*.domain[:port|:*]`, `scheme://pre-*.domain[:port|:*]`, `scheme://host:*`). */
function patternRegExp(pattern: string): string {
  const { scheme, host, port } = splitPattern(pattern);
  const portRe = port === '*' ? anyPort(scheme) : port === '' ? '' : `:${port}`;
  const star = host.startsWith('*.') ? -1 : host.indexOf('*');
  if (star >= 0) {
    // one * inside the first label: one or more letters, digits or hyphens, the label at most 63 bytes
    const dot = host.indexOf('.');
    return `^${escapeRegExp(scheme)}://(?=[^.]{1,63}\\.)${escapeRegExp(host.slice(0, star))}[a-z0-9-]+${escapeRegExp(host.slice(star + 1, dot))}${escapeRegExp(host.slice(dot))}${portRe}$`;
  }
  return `^${escapeRegExp(scheme)}://${hostRegExp(host)}${portRe}$`;
}


/** The map entry for a RegExp: limited to real origins, as the core applies it, with its `i` flag. */
function regExpEntry(re: RegExp): string {
  const flags = `${re.flags.includes('i') ? 'i' : ''}${re.flags.includes('s') ? 's' : ''}${re.flags.includes('m') ? 'm' : ''}`;
  return `(?=^${ANY_ORIGIN}$)${flags ? `(?${flags})` : ''}${re.source}`;
}

/** Detects report-only on a compiled policy: its decisions carry `wouldHave`. */
function isReportOnly(policy: Policy, options: CorsOptions | undefined): boolean {
  if (options !== undefined) return options.reportOnly !== undefined;
  return policy.decide({ method: 'GET' }).wouldHave !== undefined;
}

function headerValue(value: string, option: string, reasons: string[]): string {
  // nginx reads `$` in a value as a variable and has no escape for it
  if (value.includes('$')) reasons.push(`corsica: \`${option}\` contains "$" (${value}), which nginx reads as a variable; rename the method or header.`);
  return quoteNginx(value);
}

/**
 * Exports a policy (options or a compiled policy) to nginx: `http` holds `map` blocks for the
 * `http {}` context, `location` the directives to `include` in each guarded `location {}`.
 * The result answers as the core does: the same allowlist (anchored, escaped regexes), the same
 * preflight checks (method byte for byte, request headers case-insensitively against the list),
 * 204/200 or 403 for preflights only when Access-Control-Request-Method is present, headers kept
 * on error pages (`always`), and the same `Vary`.
 *
 * Throws {@link NginxExportError} for what nginx cannot express: origin functions (sync or
 * async), RegExps outside the common JavaScript/PCRE subset, `privateNetwork`,
 * `mirrorRequestHeaders`, `reportOnly`.
 * Throws the core's `CorsConfigError` for invalid options.
 *
 * @example
 * ```ts
 * import { exportNginx } from '@corsica/cli';
 *
 * const { http, location } = exportNginx({ origin: ['https://app.example.com'], credentials: true });
 * // http → /etc/nginx/conf.d/corsica.http.conf, location → include it in `location /api/ { ... }`
 * ```
 */
export function exportNginx(input: CorsOptions | Policy, options: NginxExportOptions = {}): NginxSnippet {
  const name = options.name ?? 'corsica';
  if (!/^[a-z][a-z0-9_]*$/.test(name)) {
    throw new TypeError(`corsica: the nginx variable prefix (--name) ${JSON.stringify(name)} must be lower-case letters, digits and _, starting with a letter; e.g. "corsica" or "api_cors".`);
  }
  const corsOptions = isPolicy(input) ? undefined : input;
  const policy = isPolicy(input)
    ? input
    : createPolicy({ ...input, onWarning: false, ...(input.onDecision === undefined ? {} : { onDecision: () => undefined }) } as never);
  const c: NormalizedConfig = policy.config;
  const reasons: string[] = [];
  const notes: string[] = [];

  if (c.originPredicates > 0 || policy.isAsync) {
    reasons.push(`corsica: \`origin\` has ${c.originPredicates === 1 ? 'a function' : `${c.originPredicates} functions`}${policy.isAsync ? ' (async)' : ''}, which nginx cannot call; list the origins, use patterns such as "https://*.example.com", or keep CORS in the app.`);
  }
  const regexEntries: string[] = [];
  for (const re of c.originRegExps) {
    const why = untranslatable(re);
    if (why === undefined) regexEntries.push(regExpEntry(re));
    else reasons.push(`corsica: the \`origin\` RegExp ${String(re)} cannot be translated to nginx: ${why}; rewrite it with plain characters, classes and groups, or use a pattern such as "https://*.example.com".`);
  }
  if (c.privateNetwork) {
    reasons.push('corsica: `privateNetwork` (legacy Private Network Access) is not exported; remove it (Chrome replaced PNA with a permission prompt that needs no header) or keep CORS in the app.');
  }
  if (c.mirrorRequestHeaders) {
    // nginx would check the requested names against an empty list and refuse every custom header
    reasons.push('corsica: `mirrorRequestHeaders` echoes each validated request header list, which the nginx export does not do; list the names in `allowedHeaders` (or "*") instead.');
  }
  if (isReportOnly(policy, corsOptions)) {
    reasons.push('corsica: `reportOnly` evaluates one policy and applies another, which nginx cannot report; export the policy you enforce (the fallback during a migration, the final one after it).');
  }
  if (corsOptions?.debug) notes.push('`debug` is not exported: nginx does not send the Corsica-Debug header (it never changes what browsers are allowed).');
  for (const hook of ['onDecision', 'onError', 'onWarning'] as const) {
    if (corsOptions?.[hook] !== undefined && corsOptions[hook] !== false) notes.push(`\`${hook}\` is not exported: nginx has no hook; use its access log.`);
  }

  const v = (suffix: string): string => `$${name}_${suffix}`;
  const mode = c.originMode;
  const pad = (key: string): string => `    ${key.padEnd(Math.max(key.length + 1, 28))}`;
  const http: string[] = [];
  const loc: string[] = [];

  // --- which origin, if any, is allowed
  http.push(`# ${v('origin')}: the request's Origin when the policy allows it, empty otherwise.`);
  http.push('# nginx before 1.23 keeps only the first of several Origin lines (browsers never send two).');
  http.push(`map $http_origin ${v('origin')} {`);
  http.push(`${pad('default')}"";`);
  http.push(`${pad('"~,"')}"";  # several origins in one header: never sent by a browser`);
  http.push(`${pad(quoteNginx(`~^.{${MAX_ORIGIN_LENGTH + 1}}`))}"";  # longer than any real origin`);
  if (mode === 'any') {
    http.push(`${pad('"~."')}$http_origin;  # origin "*": any origin`);
  } else {
    for (const origin of c.origins) http.push(`${pad(quoteNginx(`~^${escapeRegExp(origin)}$`))}$http_origin;`);
    for (const pattern of c.originPatterns) http.push(`${pad(quoteNginx(`~${patternRegExp(pattern)}`))}$http_origin;  # ${pattern}`);
    for (const entry of regexEntries) http.push(`${pad(quoteNginx(`~${entry}`))}$http_origin;`);
  }
  http.push('}');
  http.push(`map ${v('origin')} ${v('origin_ok')} { "" 0; default 1; }`);
  http.push('');

  // --- classification: a preflight is OPTIONS with Origin and Access-Control-Request-Method
  http.push('# A preflight is OPTIONS with Origin and Access-Control-Request-Method; any other OPTIONS belongs to the app.');
  http.push(`map $http_origin ${v('has_origin')} { "" 0; default 1; }`);
  http.push(`map $http_access_control_request_method ${v('has_request_method')} { "" 0; default 1; }`);
  http.push(`map "$request_method:${v('has_origin')}:${v('has_request_method')}" ${v('preflight')} { "OPTIONS:1:1" 1; default 0; }`);
  http.push('');

  // --- preflight checks
  const methodsRe = c.methods === '*' ? `^[${TCHAR}]{1,64}$` : `^(?:${[...new Set(['GET', 'HEAD', 'POST', ...c.methods])].map(escapeRegExp).join('|')})$`;
  http.push(`# Access-Control-Request-Method, byte for byte (GET, HEAD and POST always pass${c.methods === '*' ? '; methods "*": any token' : ''}).`);
  http.push(`map $http_access_control_request_method ${v('method_ok')} {`);
  http.push(`${pad('default')}0;`);
  http.push(`${pad(quoteNginx(`~${methodsRe}`))}1;`);
  http.push('}');

  const anyHeader = c.allowedHeaders.includes('*');
  const names = c.allowedHeaders.filter((h) => h !== '*').map((h) => h.toLowerCase());
  let nameRe: string | undefined;
  if (anyHeader) {
    const authorization = names.includes('authorization');
    // "*" never covers Authorization: it passes only when listed by name
    nameRe = authorization ? `[${TCHAR}]+` : `(?!authorization[ \\x09]*(?:,|$))[${TCHAR}]+`;
  } else if (names.length > 0) {
    nameRe = `(?:${names.map(escapeRegExp).join('|')})`;
  }
  const element = nameRe === undefined ? '[ \\x09]*' : `[ \\x09]*(?:${nameRe}[ \\x09]*)?`;
  const headersRe = `^${element}(?:,${element}){0,${MAX_REQUEST_HEADER_NAMES + MAX_EMPTY_ELEMENTS - 1}}$`;
  http.push('# Access-Control-Request-Headers: a comma-separated list of allowed names only, any case, optional spaces.');
  http.push('# nginx before 1.23 reads only the first of several lines (browsers send one).');
  http.push(`map $http_access_control_request_headers ${v('headers_ok')} {`);
  http.push(`${pad('default')}0;`);
  // nginx tries regexes only on non-empty values: an absent or empty list is allowed here
  http.push(`${pad('""')}1;`);
  http.push(`${pad(quoteNginx(`~*${headersRe}`))}1;`);
  http.push('}');
  http.push('');

  http.push(`# ${v('kind')}: actual (not a preflight: the app answers), preflight-allowed or preflight-denied.`);
  http.push(`map "${v('preflight')}:${v('origin_ok')}:${v('method_ok')}:${v('headers_ok')}" ${v('kind')} {`);
  http.push(`${pad('default')}preflight-denied;`);
  http.push(`${pad('"~^0:"')}actual;`);
  http.push(`${pad('"1:1:1:1"')}preflight-allowed;`);
  http.push('}');
  const staticHeaders = mode !== 'dynamic';
  http.push(
    staticHeaders
      ? `# ${v('grant')}: which CORS headers to send. Origin ${mode === 'any' ? '"*"' : 'fixed to one origin'}: every response but a preflight gets the same headers.`
      : `# ${v('grant')}: which CORS headers to send: only for an allowed origin, never on a denied preflight.`,
  );
  http.push(`map "${v('kind')}:${v('origin_ok')}" ${v('grant')} {`);
  http.push(`${pad('default')}"";`);
  http.push(staticHeaders ? `${pad('"~^actual:"')}actual;` : `${pad('"actual:1"')}actual;`);
  http.push(`${pad('"preflight-allowed:1"')}preflight;`);
  http.push('}');
  http.push('');

  // --- header values
  const acao = mode === 'any' ? '"*"' : mode === 'fixed' ? headerValue(c.origins[0]!, 'origin', reasons) : v('origin');
  const values: [header: string, variable: string, actual: string | undefined, preflight: string | undefined][] = [
    ['Access-Control-Allow-Origin', 'allow_origin', acao, acao],
  ];
  if (c.credentials) values.push(['Access-Control-Allow-Credentials', 'allow_credentials', 'true', 'true']);
  if (c.exposedHeaders.length > 0) values.push(['Access-Control-Expose-Headers', 'expose_headers', headerValue(c.exposedHeaders.join(', '), 'exposedHeaders', reasons), undefined]);
  values.push(['Access-Control-Allow-Methods', 'allow_methods', undefined, headerValue(c.methods === '*' ? '*' : c.methods.join(', '), 'methods', reasons)]);
  if (c.allowedHeaders.length > 0) values.push(['Access-Control-Allow-Headers', 'allow_headers', undefined, headerValue(c.allowedHeaders.join(', '), 'allowedHeaders', reasons)]);
  if (c.maxAge !== undefined) values.push(['Access-Control-Max-Age', 'max_age', undefined, String(c.maxAge)]);
  http.push('# Header values; nginx leaves out a header whose value is empty.');
  for (const [, variable, actual, preflight] of values) {
    const entries = [`default "";`];
    if (actual !== undefined) entries.push(`actual ${actual};`);
    if (preflight !== undefined) entries.push(`preflight ${preflight};`);
    http.push(`map ${v('grant')} ${v(variable)} { ${entries.join(' ')} }`);
  }
  const vary = mode === 'dynamic' ? 'actual Origin; ' : '';
  http.push(`map ${v('kind')} ${v('vary')} { ${vary}preflight-allowed ${quoteNginx(PREFLIGHT_VARY)}; preflight-denied ${quoteNginx(PREFLIGHT_VARY)}; default ""; }`);

  if (reasons.length > 0) throw new NginxExportError(reasons);

  // --- location part
  loc.push('# The application must not send its own CORS headers: two values make browsers fail.');
  loc.push('# (For fastcgi_pass, uwsgi_pass or grpc_pass, hide them with the matching *_hide_header.)');
  for (const [header] of values) loc.push(`proxy_hide_header ${header};`);
  loc.push('');
  loc.push('# `always`: error pages (4xx, 5xx) keep the headers, so browsers show the real status, not a CORS error.');
  for (const [header, variable] of values) loc.push(`add_header ${header} ${v(variable)} always;`);
  loc.push(`add_header Vary ${v('vary')} always;`);
  loc.push('');
  loc.push('# Preflights are answered here, before the application (and its authentication) runs.');
  loc.push(`if (${v('kind')} = preflight-allowed) { return ${c.preflightStatus === 200 ? '200 ""' : '204'}; }`);
  loc.push(`if (${v('kind')} = preflight-denied) { return 403; }`);

  const source = options.source === undefined ? '' : ` from ${options.source}`;
  const httpHeader = [
    `# Corsica CORS policy for nginx, part 1 of 2: the http {} context.`,
    `# Generated by \`corsica export nginx\`${source}; regenerate rather than edit.`,
    '# Include it once inside http {} (nginx allows `map` only there), and include part 2',
    '# inside each location {} the policy guards.',
    ...notes.map((n) => `# Note: ${n}`),
    '',
  ];
  const locHeader = [
    '# Corsica CORS policy for nginx, part 2 of 2: include this file inside a location {} block,',
    `# e.g. location /api/ { include ${name}.conf; proxy_pass http://app; }`,
    `# It needs part 1 (the ${v('*')} maps) included in http {}.`,
    '# nginx pitfalls:',
    '# - add_header is inherited only by blocks that define none: this location\'s add_header',
    '#   lines replace every add_header of the server {} and http {} blocks (repeat those here).',
    '# - Keep only `return` inside `if` in a location; other directives in `if` misbehave.',
    '# - Include it in every location that must answer CORS, including nested ones.',
    '',
  ];
  return {
    http: `${[...httpHeader, ...http].join('\n')}\n`,
    location: `${[...locHeader, ...loc].join('\n')}\n`,
    notes: Object.freeze(notes),
  };
}
