/**
 * What every proxy export (Apache, Caddy, HAProxy) shares: the policy read once into a plan (the
 * allowlist as anchored regexes, the preflight checks, the header values), the refusals of what
 * no proxy can express, and the regex pieces in the two dialects the servers use (PCRE for Apache
 * and HAProxy, RE2 for Caddy).
 * @module
 */
import { createPolicy } from '@corsica/core';
import { isPolicy, MAX_EMPTY_ELEMENTS, MAX_ORIGIN_LENGTH, MAX_REQUEST_HEADER_NAMES } from '@corsica/core/adapter';
import type { CorsOptions, NormalizedConfig, Policy } from '@corsica/core';
import { escapeRegExp, hostRegExp, PORT, splitPattern, untranslatable } from './regex.js';

export { ANY_ORIGIN, escapeRegExp } from './regex.js';

/** The proxies `corsica export` writes for, besides nginx. */
export type ProxyTarget = 'apache' | 'caddy' | 'haproxy';

/** A policy a proxy cannot express; `reasons` lists each problem with its fix. */
export class ProxyExportError extends Error {
  readonly target: string;
  readonly reasons: readonly string[];

  constructor(target: string, reasons: readonly string[]) {
    super(
      [`corsica: this policy cannot be exported to ${target} (${reasons.length} ${reasons.length === 1 ? 'problem' : 'problems'}):`, ...reasons.map((r) => `  - ${r.replace(/^corsica: /, '')}`)].join('\n'),
    );
    this.name = 'ProxyExportError';
    this.target = target;
    this.reasons = Object.freeze([...reasons]);
  }
}

/** Options of the proxy exports. */
export interface ProxyExportOptions {
  /** Where the policy came from, written into the header comments. */
  readonly source?: string;
}

/** The exported configuration and what was left out. */
export interface ProxySnippet {
  /** The configuration text to include (Apache, Caddy) or paste into the frontend (HAProxy). */
  readonly config: string;
  /** Options that were not exported because they do not change what browsers are told. */
  readonly notes: readonly string[];
}

export const PREFLIGHT_VARY = 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers';
const DEFAULT_PORTS: Readonly<Record<string, string>> = { http: '80', https: '443', ws: '80', wss: '443' };
/** `tchar` (RFC 9110) as a class body valid in PCRE and RE2, quotes and backticks escaped for the config parsers. */
export const TCHAR = '!#$%&\\x27*+.^_\\x60|~0-9A-Za-z-';

/** An origin pattern as regexes: what it matches, and (port wildcards) the default-port origins it must not. */
export interface PatternRegExp {
  readonly pattern: string;
  readonly match: string;
  /** Origins with the scheme's default port written out, which browsers never send and the core refuses. */
  readonly exclude?: string;
}

/** Anchored regexes for an origin pattern (`scheme://*.domain[:port|:*]`, `scheme://host:*`), without lookarounds. */
export function patternRegExp(pattern: string): PatternRegExp {
  const { scheme, host, port } = splitPattern(pattern);
  const head = `^${escapeRegExp(scheme)}://${hostRegExp(host)}`;
  if (port !== '*') return { pattern, match: `${head}${port === '' ? '' : `:${port}`}$` };
  const def = DEFAULT_PORTS[scheme];
  return { pattern, match: `${head}(?::${PORT})?$`, ...(def === undefined ? {} : { exclude: `${head}:${def}$` }) };
}

/** What a proxy export needs to know about a policy. */
export interface ProxyPlan {
  readonly config: NormalizedConfig;
  readonly mode: NormalizedConfig['originMode'];
  /** Exact origins, canonical. */
  readonly origins: readonly string[];
  readonly patterns: readonly PatternRegExp[];
  /** RegExps in the common JavaScript/PCRE subset, with their flags as an inline `(?i)`-style prefix. */
  readonly regExps: readonly string[];
  /** Methods a preflight may ask for (GET, HEAD, POST always), or `*`. */
  readonly methods: '*' | readonly string[];
  /** Allowed request header names, lower case, without `*`. */
  readonly headerNames: readonly string[];
  /** `allowedHeaders` has `*` (which never covers Authorization unless it is listed too). */
  readonly anyHeader: boolean;
  /** At most this many elements in Access-Control-Request-Headers (names and empty ones). */
  readonly maxHeaderElements: number;
  readonly maxOriginLength: number;
  /** Header name → value on allowed actual responses (ACAO is `undefined` when it echoes the origin). */
  readonly actual: readonly (readonly [string, string | undefined])[];
  /** Header name → value on allowed preflights (ACAO is `undefined` when it echoes the origin). */
  readonly preflight: readonly (readonly [string, string | undefined])[];
  /** Every CORS response header the export sets, to hide the app's own. */
  readonly headerNamesSet: readonly string[];
  readonly preflightStatus: 200 | 204;
  readonly notes: readonly string[];
}

/** Detects report-only on a compiled policy: its decisions carry `wouldHave`. */
function isReportOnly(policy: Policy, options: CorsOptions | undefined): boolean {
  if (options !== undefined) return options.reportOnly !== undefined;
  return policy.decide({ method: 'GET' }).wouldHave !== undefined;
}

/**
 * Reads a policy into a {@link ProxyPlan}, or throws {@link ProxyExportError} with every reason
 * the target cannot express it. `checkValue` refuses the header values the target's
 * configuration syntax cannot hold.
 */
/**
 * The policy to export, compiled quietly (no warnings printed, a report-only policy's reporter
 * silenced), and the options it came from when it was given as options.
 */
export function compiledForExport(input: CorsOptions | Policy): { readonly corsOptions: CorsOptions | undefined; readonly policy: Policy } {
  if (isPolicy(input)) return { corsOptions: undefined, policy: input };
  return { corsOptions: input, policy: createPolicy({ ...input, onWarning: false, ...(input.onDecision === undefined ? {} : { onDecision: () => undefined }) } as never) };
}

export function planProxy(target: ProxyTarget, input: CorsOptions | Policy, checkValue: (value: string, option: string) => string | undefined): ProxyPlan {
  const { corsOptions, policy } = compiledForExport(input);
  const c = policy.config;
  const reasons: string[] = [];
  const notes: string[] = [];
  if (c.originPredicates > 0 || policy.isAsync) {
    reasons.push(`corsica: \`origin\` has ${c.originPredicates === 1 ? 'a function' : `${c.originPredicates} functions`}${policy.isAsync ? ' (async)' : ''}, which ${target} cannot call; list the origins, use patterns such as "https://*.example.com", or keep CORS in the app.`);
  }
  const regExps: string[] = [];
  for (const re of c.originRegExps) {
    const why = untranslatable(re);
    if (why !== undefined) {
      reasons.push(`corsica: the \`origin\` RegExp ${String(re)} cannot be translated to ${target}: ${why}; rewrite it with plain characters, classes and groups, or use a pattern such as "https://*.example.com".`);
      continue;
    }
    if (target === 'caddy' && /\{\d{4,}/.test(re.source)) {
      reasons.push(`corsica: the \`origin\` RegExp ${String(re)} repeats more than 999 times, which Caddy's RE2 refuses; use a smaller bound.`);
      continue;
    }
    const flags = `${re.flags.includes('i') ? 'i' : ''}${re.flags.includes('s') ? 's' : ''}${re.flags.includes('m') ? 'm' : ''}`;
    regExps.push(`${flags ? `(?${flags})` : ''}${re.source}`);
  }
  for (const pattern of c.originPatterns) {
    const { host } = splitPattern(pattern);
    if (host.includes('*') && !host.startsWith('*.')) {
      reasons.push(`corsica: the pattern ${JSON.stringify(pattern)} has a \`*\` inside a label, which the ${target} export does not translate yet (\`corsica export nginx\` does); list the preview origins, use "https://*.domain", or keep CORS in the app.`);
    }
  }
  if (c.privateNetwork) {
    reasons.push(`corsica: \`privateNetwork\` (legacy Private Network Access) is not exported; remove it (Chrome replaced PNA with a permission prompt that needs no header) or keep CORS in the app.`);
  }
  if (c.mirrorRequestHeaders) {
    reasons.push(`corsica: \`mirrorRequestHeaders\` echoes each validated request header list, which the ${target} export does not do; list the names in \`allowedHeaders\` (or "*") instead.`);
  }
  if (isReportOnly(policy, corsOptions)) {
    reasons.push(`corsica: \`reportOnly\` evaluates one policy and applies another, which ${target} cannot report; export the policy you enforce (the fallback during a migration, the final one after it).`);
  }
  if (corsOptions?.debug) notes.push(`\`debug\` is not exported: ${target} does not send the Corsica-Debug header (it never changes what browsers are allowed).`);
  for (const hook of ['onDecision', 'onError', 'onWarning'] as const) {
    if (corsOptions?.[hook] !== undefined && corsOptions[hook] !== false) notes.push(`\`${hook}\` is not exported: ${target} has no hook; use its access log.`);
  }

  const value = (text: string, option: string): string => {
    const why = checkValue(text, option);
    if (why !== undefined) reasons.push(why);
    return text;
  };
  const acao = c.originMode === 'any' ? '*' : c.originMode === 'fixed' ? value(c.origins[0]!, 'origin') : undefined;
  const actual: [string, string | undefined][] = [['Access-Control-Allow-Origin', acao]];
  const preflight: [string, string | undefined][] = [['Access-Control-Allow-Origin', acao]];
  if (c.credentials) {
    actual.push(['Access-Control-Allow-Credentials', 'true']);
    preflight.push(['Access-Control-Allow-Credentials', 'true']);
  }
  if (c.exposedHeaders.length > 0) actual.push(['Access-Control-Expose-Headers', value(c.exposedHeaders.join(', '), 'exposedHeaders')]);
  preflight.push(['Access-Control-Allow-Methods', value(c.methods === '*' ? '*' : c.methods.join(', '), 'methods')]);
  if (c.allowedHeaders.length > 0) preflight.push(['Access-Control-Allow-Headers', value(c.allowedHeaders.join(', '), 'allowedHeaders')]);
  if (c.maxAge !== undefined) preflight.push(['Access-Control-Max-Age', String(c.maxAge)]);
  if (reasons.length > 0) throw new ProxyExportError(target, reasons);

  return {
    config: c,
    mode: c.originMode,
    origins: c.origins,
    patterns: c.originPatterns.map(patternRegExp),
    regExps,
    methods: c.methods === '*' ? '*' : [...new Set(['GET', 'HEAD', 'POST', ...c.methods])],
    headerNames: c.allowedHeaders.filter((h) => h !== '*').map((h) => h.toLowerCase()),
    anyHeader: c.allowedHeaders.includes('*'),
    maxHeaderElements: MAX_REQUEST_HEADER_NAMES + MAX_EMPTY_ELEMENTS,
    maxOriginLength: MAX_ORIGIN_LENGTH,
    actual,
    preflight,
    headerNamesSet: [...new Set([...actual, ...preflight].map(([h]) => h))],
    preflightStatus: c.preflightStatus,
    notes,
  };
}

/**
 * The regex a whole Access-Control-Request-Headers value must match (case-insensitively): a
 * comma-separated list of allowed names with optional spaces and tabs, empty elements allowed,
 * at most `maxHeaderElements` elements. With `*`, any token passes here and Authorization is
 * refused separately ({@link AUTHORIZATION_ELEMENT}) unless it is listed.
 */
export function headerListRegExp(plan: ProxyPlan): string {
  let nameRe: string | undefined;
  if (plan.anyHeader) nameRe = `[${TCHAR}]+`;
  else if (plan.headerNames.length > 0) nameRe = `(?:${plan.headerNames.map(escapeRegExp).join('|')})`;
  const element = nameRe === undefined ? '[ \\t]*' : `[ \\t]*(?:${nameRe}[ \\t]*)?`;
  return `^${element}(?:,${element}){0,${plan.maxHeaderElements - 1}}$`;
}

/** Matches (case-insensitively) a header list with an `authorization` element, which `*` never covers. */
export const AUTHORIZATION_ELEMENT = '(?:^|,)[ \\t]*authorization[ \\t]*(?:,|$)';

/** Whether `*` in allowedHeaders leaves Authorization out (it is not listed by name). */
export function refusesAuthorization(plan: ProxyPlan): boolean {
  return plan.anyHeader && !plan.headerNames.includes('authorization');
}

/** The regex for Access-Control-Request-Method: byte for byte against the list, or any token. */
export function methodRegExp(plan: ProxyPlan): string {
  return plan.methods === '*' ? `^[${TCHAR}]{1,64}$` : `^(?:${plan.methods.map(escapeRegExp).join('|')})$`;
}

export function header(source: string | undefined, target: string, lines: readonly string[], notes: readonly string[], comment = '#'): string[] {
  return [
    ...lines.map((l) => `${comment} ${l}`.trimEnd()),
    `${comment} Generated by \`corsica export ${target}\`${source === undefined ? '' : ` from ${source}`}; regenerate rather than edit.`,
    ...notes.map((n) => `${comment} Note: ${n}`),
  ];
}
