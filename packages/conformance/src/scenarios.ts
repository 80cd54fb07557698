/**
 * Scenario generation: from a policy's normalized configuration, the requests that tell a correct
 * CORS server from a broken one, each with the outcome the core (the oracle) expects.
 * @module
 */
import type { CorsOptions, Decision, NormalizedConfig, Policy } from '@corsica/core';
import { browserCheck } from './browser.js';
import { oracleDecision, oraclePolicy, policyAllowsOrigin, servedHost } from './oracle.js';
import { DEFAULT_ROUTES } from './policies.js';
import type { AppAnswer, BrowserRequest, ConformanceRoutes, ExpectedVerdict, HeaderLine, RouteName, Scenario } from './types.js';

/**
 * SPEC-NOTES sections, cited by every scenario (with the Fetch standard section behind them).
 *
 * @example
 * ```ts
 * scenariosFor(policy).filter((s) => s.spec === SPEC.vary); // the caching scenarios
 * ```
 */
export const SPEC = Object.freeze({
  classification: 'SPEC-NOTES "Request classification" (Fetch: CORS protocol)',
  preflightTriggers: 'SPEC-NOTES "What triggers a preflight" (Fetch: CORS-preflight fetch)',
  browserCheck: 'SPEC-NOTES "How the browser checks the response" (Fetch: CORS check)',
  origins: 'SPEC-NOTES "Origins as browsers send them" (HTML: serialization of an origin)',
  vary: 'SPEC-NOTES "Caching and Vary" (Fetch: CORS protocol and HTTP caches)',
  mistakes: 'SPEC-NOTES "Well-known mistakes"',
  guard:
    'SPEC-NOTES "The origin guard" (Fetch Metadata: Sec-Fetch-Site; the order of Go 1.25 net/http CrossOriginProtection: Sec-Fetch-Site, then Origin against Host, then the allowlist; Host against guard.hosts)',
});

/** An origin no policy in its right mind allows. */
const EVIL = 'https://evil.example';

/**
 * Sizes of the hostile `Access-Control-Request-Headers` values.
 *
 * @example
 * ```ts
 * HOSTILE_ACRH.hugeBytes; // 204800: above every server's header limit
 * ```
 */
export const HOSTILE_ACRH = Object.freeze({
  /** Far above any server's header limit: must be refused quickly, never with a 5xx. */
  hugeBytes: 200 * 1024,
  /** Ten thousand one-letter names (20 KB). */
  manyNames: 10_000,
  /** Four thousand names in 8 KB: under common header limits, so it reaches the CORS code. */
  parsedNames: 4_000,
});

interface Parts {
  readonly scheme: string;
  readonly host: string;
  /** `''` when absent. */
  readonly port: string;
}

function split(origin: string): Parts | undefined {
  const sep = origin.indexOf('://');
  if (sep <= 0) return undefined;
  const scheme = origin.slice(0, sep);
  const rest = origin.slice(sep + 3);
  const close = rest.startsWith('[') ? rest.indexOf(']') : -1;
  const colon = rest.indexOf(':', close + 1);
  return colon < 0 ? { scheme, host: rest, port: '' } : { scheme, host: rest.slice(0, colon), port: rest.slice(colon + 1) };
}

function join(p: Parts): string {
  return `${p.scheme}://${p.host}${p.port === '' ? '' : `:${p.port}`}`;
}

/**
 * Origins the policy allows that the kit can name: each exact origin, a generated host under
 * each `https://*.x` pattern (one level and two levels deep), a port under each `:*` pattern.
 * RegExps and predicates cannot be enumerated; for them only refusals are generated.
 *
 * @example
 * ```ts
 * allowedProbeOrigins(oraclePolicy({ origin: ['https://*.example.com', 'http://localhost:*'] }).config);
 * // ['https://conformance.example.com', 'https://a.b.example.com', 'http://localhost:5173']
 * ```
 */
export function allowedProbeOrigins(config: NormalizedConfig): string[] {
  if (config.originMode === 'any') return ['https://client.example.org'];
  const out: string[] = [...config.origins];
  for (const pattern of config.originPatterns) {
    const p = split(pattern);
    if (!p) continue;
    const port = p.port === '*' ? '8443' : p.port;
    if (p.host.startsWith('*.')) {
      const domain = p.host.slice(2);
      out.push(join({ scheme: p.scheme, host: `conformance.${domain}`, port }));
      out.push(join({ scheme: p.scheme, host: `a.b.${domain}`, port }));
    } else {
      out.push(join({ scheme: p.scheme, host: p.host, port: '5173' }));
    }
  }
  return [...new Set(out)];
}

/**
 * Look-alike origins an attacker would try against one allowed origin: an added suffix and
 * prefix, the other scheme, another port, upper case, a trailing slash, a trailing dot.
 *
 * @example
 * ```ts
 * nearMisses('https://app.example.com').map((m) => m.origin);
 * // ['https://app.example.com.evil.example', 'https://evilapp.example.com', 'http://app.example.com', ...]
 * ```
 */
export function nearMisses(origin: string): { kind: string; label: string; origin: string }[] {
  const p = split(origin);
  if (!p) return [];
  const otherScheme = p.scheme === 'https' ? 'http' : 'https';
  const otherPort = p.port === '' ? '8443' : String((Number(p.port) % 65535) + 1);
  return [
    { kind: 'suffix', label: 'with an attacker suffix', origin: join({ ...p, host: `${p.host}.evil.example` }) },
    { kind: 'prefix', label: 'with an attacker prefix', origin: join({ ...p, host: `evil${p.host}` }) },
    { kind: 'scheme', label: `over ${otherScheme}`, origin: join({ ...p, scheme: otherScheme }) },
    { kind: 'port', label: 'on another port', origin: join({ ...p, port: otherPort }) },
    { kind: 'uppercase', label: 'in upper case', origin: join({ ...p, host: p.host.toUpperCase() }) },
    { kind: 'trailing-slash', label: 'with a trailing slash', origin: `${origin}/` },
    { kind: 'trailing-dot', label: 'with a trailing dot', origin: join({ ...p, host: `${p.host}.` }) },
  ];
}

/** Bare apexes of subdomain patterns and default ports of port patterns: close to a pattern. */
function patternEdges(config: NormalizedConfig): { kind: string; label: string; origin: string }[] {
  const out: { kind: string; label: string; origin: string }[] = [];
  for (const pattern of config.originPatterns) {
    const p = split(pattern);
    if (!p) continue;
    if (p.host.startsWith('*.')) {
      const port = p.port === '*' ? '' : p.port;
      out.push({ kind: 'pattern-apex', label: `(the apex of ${pattern})`, origin: join({ scheme: p.scheme, host: p.host.slice(2), port }) });
      out.push({ kind: 'pattern-lookalike', label: `(a look-alike of ${pattern})`, origin: join({ scheme: p.scheme, host: `evil${p.host.slice(2)}`, port }) });
    } else if (p.port === '*') {
      out.push({ kind: 'pattern-default-port', label: `(the default port of ${pattern})`, origin: join({ scheme: p.scheme, host: p.host, port: '' }) });
    }
  }
  return out;
}

/** What each route answers when a request reaches the app. */
function appAnswer(route: RouteName, method: string): AppAnswer {
  switch (route) {
    case 'ok':
      return method === 'HEAD' ? { status: 200, body: '' } : { status: 200, body: 'ok' };
    case 'vary':
      return { status: 200, body: 'ok' };
    case 'error':
      return { status: 500 };
    case 'notFound':
      return { status: 404 };
    case 'appOptions':
      return { status: 200, body: 'app-options' };
  }
}

function lowerHeaders(headers: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name in headers) out[name.toLowerCase()] = headers[name]!;
  return out;
}

/**
 * The browser's verdict on the oracle's own answer. It follows `decision.allowed` whenever the
 * answer depends on the origin, and `*` never lets credentials in. Where it does not (`*`, one
 * fixed origin), an origin the policy allows on its own but sent in a form the core refuses
 * (repeated lines, comma-joined) may be refused or let in by the same static answer everyone gets:
 * either outcome is right there.
 */
function expectedVerdict(policy: Policy, browser: BrowserRequest | undefined, decision: Decision, app: AppAnswer | undefined): ExpectedVerdict {
  if (browser === undefined) return 'allowed';
  const oracle = browserCheck(browser, { status: decision.status ?? app?.status ?? 200, headers: lowerHeaders(decision.headers) }).allowed;
  if (decision.allowed) return oracle ? 'allowed' : 'refused';
  if (oracle) return 'either';
  const isStatic = policy.config.originMode !== 'dynamic';
  const originRefusal = decision.reason.startsWith('origin-');
  if (isStatic && originRefusal && policyAllowsOrigin(policy, browser.origin)) return 'either';
  return 'refused';
}

interface Draft {
  readonly id: string;
  readonly title: string | ((verdict: ExpectedVerdict, decision: Decision) => string);
  readonly spec: string;
  readonly route: RouteName;
  readonly method: string;
  readonly headers: readonly HeaderLine[];
  readonly credentials?: boolean;
  /** The origin the page has, when it differs from the Origin line(s) sent. */
  readonly pageOrigin?: string;
  readonly hostile?: boolean;
  /** The Origin line names the request's own Host: a same-origin page, which no CORS check judges. */
  readonly sameOrigin?: boolean;
}

const BODY_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function lets(verdict: ExpectedVerdict): string {
  if (verdict === 'either') return 'is refused, or gets only the static headers every origin gets';
  return verdict === 'allowed' ? 'lets the browser in' : 'is refused by the browser';
}

function letIn(verdict: ExpectedVerdict): string {
  return verdict === 'allowed' ? 'let in' : verdict === 'refused' ? 'refused' : 'refused or static';
}

/**
 * Every scenario for a policy: actual requests and preflights from allowed origins, look-alike
 * origins, malformed and hostile input, error and 404 routes, the app's own OPTIONS route and
 * `Vary`. Expected outcomes come from `@corsica/core` deciding the same request.
 *
 * Throws when the policy's `origin` is an async function: the oracle decides synchronously.
 *
 * @example
 * ```ts
 * import { scenariosFor, STANDARD_POLICIES } from '@corsica/conformance';
 *
 * for (const s of scenariosFor(STANDARD_POLICIES.credentialed!)) console.log(s.id, s.title);
 * ```
 */
export function scenariosFor(options: CorsOptions, routes?: Partial<ConformanceRoutes>): Scenario[] {
  const policy = oraclePolicy(options);
  const config = policy.config;
  const paths: ConformanceRoutes = { ...DEFAULT_ROUTES, ...routes };
  const credentials = config.credentials;
  const drafts: Draft[] = [];
  const add = (d: Draft): void => {
    drafts.push(d);
  };

  // --- requests without Origin: not CORS, but they still need Vary when the answer depends on it
  add({ id: 'not-cors.get', title: 'A GET without Origin reaches the app (and carries Vary: Origin when the policy depends on the origin).', spec: SPEC.vary, route: 'ok', method: 'GET', headers: [] });
  add({ id: 'not-cors.vary-route', title: "A GET without Origin keeps the app's own Vary: Accept-Encoding.", spec: SPEC.vary, route: 'vary', method: 'GET', headers: [] });
  add({ id: 'not-cors.options-with-request-method', title: 'An OPTIONS with Access-Control-Request-Method but no Origin is not a preflight and reaches the app.', spec: SPEC.classification, route: 'appOptions', method: 'OPTIONS', headers: [['Access-Control-Request-Method', 'PUT']] });

  const probes = allowedProbeOrigins(config);
  const primary = probes[0];

  // --- actual requests from every origin the kit can name as allowed
  for (const origin of probes) {
    add({ id: `actual.get@${origin}`, title: (ok) => `A GET from ${origin} ${lets(ok)}.`, spec: SPEC.browserCheck, route: 'ok', method: 'GET', headers: [['Origin', origin]] });
    add({ id: `actual.get.credentials@${origin}`, title: (ok) => `A credentialed GET from ${origin} ${lets(ok)}${credentials ? '' : ' (the policy has no credentials)'}.`, spec: SPEC.browserCheck, route: 'ok', method: 'GET', headers: [['Origin', origin]], credentials: true });
  }

  if (primary !== undefined) {
    const o = primary;
    add({ id: 'actual.post', title: (ok) => `A POST from ${o} ${lets(ok)}.`, spec: SPEC.browserCheck, route: 'ok', method: 'POST', headers: [['Origin', o], ['Content-Type', 'text/plain']], credentials });
    add({ id: 'actual.head', title: (ok) => `A HEAD from ${o} ${lets(ok)}.`, spec: SPEC.browserCheck, route: 'ok', method: 'HEAD', headers: [['Origin', o]], credentials });
    for (const m of ['PUT', 'PATCH', 'DELETE']) {
      if (config.methods === '*' ? m === 'PUT' : config.methods.includes(m)) {
        add({ id: `actual.${m.toLowerCase()}`, title: (ok) => `A ${m} from ${o} after its preflight ${lets(ok)}.`, spec: SPEC.browserCheck, route: 'ok', method: m, headers: [['Origin', o]], credentials });
      }
    }
    add({ id: 'actual.options', title: (ok) => `An OPTIONS from ${o} without Access-Control-Request-Method is not a preflight: it reaches the app's OPTIONS route and ${lets(ok)}.`, spec: SPEC.classification, route: 'appOptions', method: 'OPTIONS', headers: [['Origin', o]], credentials });
    add({ id: 'route.error', title: (ok) => `A 500 from the app keeps its CORS headers, so the browser sees the real status (from ${o}, ${letIn(ok)}).`, spec: SPEC.mistakes, route: 'error', method: 'GET', headers: [['Origin', o]], credentials });
    add({ id: 'route.not-found', title: (ok) => `A 404 keeps its CORS headers, so the browser sees the real status (from ${o}, ${letIn(ok)}).`, spec: SPEC.mistakes, route: 'notFound', method: 'GET', headers: [['Origin', o]], credentials });
    add({ id: 'route.vary', title: `A GET from ${o} appends to the app's own Vary: Accept-Encoding instead of replacing it.`, spec: SPEC.vary, route: 'vary', method: 'GET', headers: [['Origin', o]], credentials });
    add({ id: 'vary.request-vary-ignored', title: `A GET from ${o} that carries its own Vary request header never sees it copied into the response.`, spec: SPEC.vary, route: 'ok', method: 'GET', headers: [['Origin', o], ['Vary', 'X-Copied-From-Request']], credentials });
  }

  // --- look-alike origins: every allowed origin, every trick (those a pattern happens to cover are
  // not misses, and under "*" nothing is)
  const isMiss = (origin: string): boolean => !policyAllowsOrigin(policy, origin);
  const lookalikeBases = config.originMode === 'any' ? [] : probes;
  for (const base of lookalikeBases) {
    for (const miss of nearMisses(base)) {
      if (!isMiss(miss.origin)) continue;
      add({ id: `origin.${miss.kind}@${base}`, title: (ok) => `A GET from ${miss.origin} (${base} ${miss.label}) ${lets(ok)}.`, spec: SPEC.origins, route: 'ok', method: 'GET', headers: [['Origin', miss.origin]], credentials });
    }
  }
  for (const edge of patternEdges(config)) {
    add({ id: `origin.${edge.kind}@${edge.origin}`, title: (ok) => `A GET from ${edge.origin} ${edge.label} ${lets(ok)}.`, spec: SPEC.origins, route: 'ok', method: 'GET', headers: [['Origin', edge.origin]], credentials });
  }
  add({ id: 'origin.unlisted', title: (ok) => `A GET from ${EVIL} ${lets(ok)}.`, spec: SPEC.mistakes, route: 'ok', method: 'GET', headers: [['Origin', EVIL]], credentials });
  add({ id: 'origin.unlisted.credentials', title: (ok) => `A credentialed GET from ${EVIL} ${lets(ok)}.`, spec: SPEC.mistakes, route: 'ok', method: 'GET', headers: [['Origin', EVIL]], credentials: true });
  add({ id: 'origin.null', title: (ok) => `A GET from the null origin (sandboxed iframe, file: page) ${lets(ok)}.`, spec: SPEC.browserCheck, route: 'ok', method: 'GET', headers: [['Origin', 'null']], credentials });
  if (primary !== undefined) {
    const o = primary;
    add({ id: 'origin.repeated', title: (ok) => `A GET with two Origin lines (${o}, then ${EVIL}) ${lets(ok)}${ok === 'allowed' ? '' : `, even as ${o}`}.`, spec: SPEC.mistakes, route: 'ok', method: 'GET', headers: [['Origin', o], ['Origin', EVIL]], pageOrigin: o, credentials });
    add({ id: 'origin.repeated-reversed', title: (ok) => `A GET with two Origin lines (${EVIL}, then ${o}) ${lets(ok)}${ok === 'allowed' ? '' : `, even as ${o}`}.`, spec: SPEC.mistakes, route: 'ok', method: 'GET', headers: [['Origin', EVIL], ['Origin', o]], pageOrigin: o, credentials });
    add({ id: 'origin.comma-joined', title: (ok) => `A GET with the comma-joined Origin "${o}, ${EVIL}" ${lets(ok)}${ok === 'allowed' ? '' : `, even as ${o}`}.`, spec: SPEC.mistakes, route: 'ok', method: 'GET', headers: [['Origin', `${o}, ${EVIL}`]], pageOrigin: o, credentials });
    add({ id: 'origin.control-byte', title: (ok) => `A GET whose Origin hides a control byte (${o}<TAB>.evil.example) ${lets(ok)}${ok === 'allowed' ? '' : ' and is never echoed'}.`, spec: SPEC.origins, route: 'ok', method: 'GET', headers: [['Origin', `${o}\t.evil.example`]], credentials });
  }

  // --- preflights (from refused origins first: these need no allowed origin to name)
  const listed = config.methods === '*' ? ['PUT'] : config.methods.filter((m) => m !== 'GET' && m !== 'HEAD' && m !== 'POST');
  const preflightFrom = (id: string, origin: string, label: string): void => {
    add({ id, title: (ok) => `A preflight from ${origin} (${label}) ${lets(ok)}.`, spec: SPEC.preflightTriggers, route: 'ok', method: 'OPTIONS', headers: [['Origin', origin], ['Access-Control-Request-Method', listed[0] ?? 'GET']], credentials });
  };
  preflightFrom('preflight.origin-unlisted', EVIL, 'an unlisted origin');
  preflightFrom('preflight.origin-null', 'null', 'the null origin');
  if (primary !== undefined) {
    const o = primary;
    const pre = (id: string, title: Draft['title'], method: string, requestHeaders?: string | readonly string[], extra: Partial<Draft> = {}): void => {
      const lines: HeaderLine[] = [['Origin', o], ['Access-Control-Request-Method', method]];
      if (typeof requestHeaders === 'string') lines.push(['Access-Control-Request-Headers', requestHeaders]);
      else if (requestHeaders !== undefined) for (const h of requestHeaders) lines.push(['Access-Control-Request-Headers', h]);
      add({ id, title, spec: SPEC.preflightTriggers, route: 'ok', method: 'OPTIONS', headers: lines, credentials, ...extra });
    };
    for (const m of listed) pre(`preflight.method@${m}`, (ok) => `A preflight for ${m} from ${o} ${lets(ok)}.`, m);
    const refused = config.methods === '*' ? 'PURGE' : (['DELETE', 'PATCH', 'PUT', 'PURGE'].find((m) => !config.methods.includes(m)) ?? 'PURGE');
    pre('preflight.method-not-allowed', (ok) => `A preflight for ${refused}${config.methods === '*' ? ' (methods "*")' : ', which the policy does not list,'} ${lets(ok)}.`, refused);
    if (config.methods !== '*' && config.methods.includes('PATCH')) {
      pre('preflight.method-lowercase', (ok) => `A preflight for lower-case "patch" (browsers do not upper-case PATCH, and PATCH is what is allowed) ${lets(ok)}.`, 'patch');
    }
    pre('preflight.safelisted-method', (ok) => `A preflight for GET (safelisted, so it needs no Access-Control-Allow-Methods) ${lets(ok)}.`, 'GET');

    const allowedNames = config.allowedHeaders.filter((h) => h !== '*').map((h) => h.toLowerCase());
    const anyHeader = config.allowedHeaders.includes('*');
    const asBrowser = (names: readonly string[]): string => [...names].sort().join(',');
    const goodNames = anyHeader ? ['x-custom-header', 'x-request-id'] : allowedNames.filter((h) => h !== 'authorization');
    if (goodNames.length > 0) {
      pre('preflight.headers-allowed', (ok) => `A preflight asking for ${asBrowser(goodNames)} ${lets(ok)}.`, 'POST', asBrowser(goodNames));
      pre('preflight.headers-with-spaces', (ok) => `A preflight whose header list a proxy re-joined with spaces ("${goodNames.join(', ')}") ${lets(ok)}.`, 'POST', goodNames.join(', '));
      if (goodNames.length >= 2) {
        pre('preflight.headers-split', (ok) => `A preflight whose header list arrives over two lines ${lets(ok)}.`, 'POST', goodNames.slice(0, 2));
      }
      pre('preflight.headers-mixed', (ok) => `A preflight asking for ${goodNames[0]} and the unlisted x-not-allowed ${lets(ok)}.`, 'POST', asBrowser([goodNames[0]!, 'x-not-allowed']));
    }
    pre('preflight.header-not-allowed', (ok) => `A preflight asking for the unlisted header x-not-allowed ${lets(ok)}${anyHeader ? ' (allowedHeaders "*")' : ''}.`, 'POST', 'x-not-allowed');
    pre('preflight.authorization', (ok) => `A preflight asking for authorization ${lets(ok)}${anyHeader ? ': allowedHeaders "*" does not cover Authorization (the Fetch standard; engines let "*" cover it today, Corsica keeps to the standard)' : ''}.`, 'GET', 'authorization');
    pre('preflight.headers-empty', (ok) => `A preflight with an empty Access-Control-Request-Headers ${lets(ok)}.`, 'POST', '');
    pre('preflight.app-options-route', (ok) => `A preflight to the app's own OPTIONS route is answered by CORS and never reaches the app (${letIn(ok)}).`, listed[0] ?? 'GET', undefined, { route: 'appOptions' });
    if (config.privateNetwork) {
      add({ id: 'preflight.private-network', title: (ok) => `A legacy Private Network Access preflight from ${o} ${lets(ok)} with Access-Control-Allow-Private-Network.`, spec: SPEC.preflightTriggers, route: 'ok', method: 'OPTIONS', headers: [['Origin', o], ['Access-Control-Request-Method', listed[0] ?? 'GET'], ['Access-Control-Request-Private-Network', 'true']], credentials });
    }
    pre('preflight.not-found-route', (ok) => `A preflight to a path with no route is answered by CORS (${letIn(ok)}), before routing.`, listed[0] ?? 'GET', undefined, { route: 'notFound' });

    // preflights from origins the policy refuses: no Access-Control-* header may leak out
    if (config.originMode !== 'any') {
      for (const miss of nearMisses(o)) if (isMiss(miss.origin)) preflightFrom(`preflight.origin-${miss.kind}`, miss.origin, `${o} ${miss.label}`);
    }
    add({ id: 'preflight.origin-repeated', title: (ok) => `A preflight with two Origin lines (${o}, ${EVIL}) ${lets(ok)}.`, spec: SPEC.mistakes, route: 'ok', method: 'OPTIONS', headers: [['Origin', o], ['Origin', EVIL], ['Access-Control-Request-Method', listed[0] ?? 'GET']], pageOrigin: o, credentials });

    // hostile request-header lists: answered (or refused) quickly, never with a 5xx
    const hostile = (id: string, title: string, value: string): void => {
      add({ id, title, spec: SPEC.mistakes, route: 'ok', method: 'OPTIONS', headers: [['Origin', o], ['Access-Control-Request-Method', 'POST'], ['Access-Control-Request-Headers', value]], credentials, hostile: true });
    };
    hostile('hostile.acrh-200kb', 'A preflight with a 200 KB Access-Control-Request-Headers is answered or refused without a 5xx or a hang.', 'x-a,'.repeat(HOSTILE_ACRH.hugeBytes / 4));
    hostile('hostile.acrh-10k-names', 'A preflight listing 10,000 header names is answered or refused without a 5xx or a hang.', `${'a,'.repeat(HOSTILE_ACRH.manyNames - 1)}a`);
    hostile('hostile.acrh-4k-names', 'A preflight listing 4,000 header names in 8 KB is answered or refused without a 5xx or a hang.', `${'a,'.repeat(HOSTILE_ACRH.parsedNames - 1)}a`);
  }

  if (config.guard !== undefined) guardDrafts(policy, probes, credentials, add);

  const seen = new Set<string>();
  const scenarios: Scenario[] = [];
  for (const d of drafts) {
    if (seen.has(d.id)) continue;
    seen.add(d.id);
    scenarios.push(finishDraft(policy, paths, d));
  }
  return scenarios;
}

/** Reports whether a decision is the origin guard's 403, given before the app runs. */
export function isGuardRejection(decision: Decision): boolean {
  return decision.reason === 'cross-origin-rejected' || decision.reason === 'host-not-allowed' || (decision.reason === 'internal-error' && decision.status === 403);
}

/** What the guard does with a request, for a title: rejects it, or lets it reach the app. */
function guardOutcome(decision: Decision): string {
  return isGuardRejection(decision) ? `is rejected with 403 before the app runs (${decision.reason})` : 'passes the guard and reaches the app';
}

/** The unsafe methods the guard checks in its default mode. */
const UNSAFE_METHODS = ['POST', 'PUT', 'DELETE', 'PATCH'] as const;

/** A DNS name pointed at the server by someone else (DNS rebinding), never listed in `guard.hosts`. */
const REBINDING_HOST = 'attacker.example';

/**
 * An unlisted sibling of an allowed origin: its first label replaced (`https://app.example.com` →
 * `https://sibling-conformance.example.com`), so the browser calls it same-site. `undefined` when
 * no allowed origin has a label to replace, or every sibling the kit names is allowed.
 */
function unlistedSibling(policy: Policy, allowed: readonly string[]): string | undefined {
  for (const origin of allowed) {
    const p = split(origin);
    if (!p || p.host.startsWith('[') || /^[\d.]+$/.test(p.host)) continue;
    const labels = p.host.split('.');
    if (labels.length < 3) continue;
    const sibling = join({ ...p, host: ['sibling-conformance', ...labels.slice(1)].join('.') });
    if (!policyAllowsOrigin(policy, sibling)) return sibling;
  }
  return undefined;
}

/**
 * The origin guard's scenarios, for a policy with `guard`: every unsafe method from an unlisted
 * cross-site origin and from a listed one, an unlisted same-site sibling, the null origin, an old
 * browser without Sec-Fetch-Site, same-origin pages (by Sec-Fetch-Site and by Origin equal to
 * Host), requests with neither header, GET and HEAD (checked only with `crossOrigin: 'all'`),
 * WebSocket handshakes, and with `guard.hosts` a rebinding Host. Every request carries the kit's
 * {@link servedHost}; what each must get is the oracle's, as everywhere else.
 */
function guardDrafts(policy: Policy, probes: readonly string[], credentials: boolean, add: (d: Draft) => void): void {
  const config = policy.config;
  const guard = config.guard!;
  const host = servedHost(config)!;
  const self = `http://${host}`;
  const allowed = probes.filter((origin) => policyAllowsOrigin(policy, origin));
  const listed = allowed[0];
  const spec = SPEC.guard;
  // under origin "*" even evil.example is listed: the titles say what the page is, the oracle what happens
  const stranger = policyAllowsOrigin(policy, EVIL) ? 'cross-site page' : 'unlisted cross-site page';
  const draft = (id: string, title: (outcome: string) => string, method: string, headers: readonly HeaderLine[], extra: Partial<Draft> = {}): void => {
    add({ id: `guard.${id}`, title: (_ok, decision) => title(guardOutcome(decision)), spec, route: 'ok', method, headers, credentials, ...extra });
  };

  for (const m of UNSAFE_METHODS) {
    const id = m.toLowerCase();
    draft(`cross-site.${id}`, (o) => `A ${m} from the ${stranger} ${EVIL} (Sec-Fetch-Site: cross-site) ${o}.`, m, [['Origin', EVIL], ['Sec-Fetch-Site', 'cross-site']]);
    if (listed !== undefined) draft(`listed.${id}`, (o) => `A ${m} from the listed origin ${listed} (Sec-Fetch-Site: cross-site) ${o}.`, m, [['Origin', listed], ['Sec-Fetch-Site', 'cross-site']]);
  }
  draft('cross-site.no-fetch-metadata', (o) => `A POST from ${EVIL} sent by a browser without Sec-Fetch-Site, where only Origin tells, ${o}.`, 'POST', [['Origin', EVIL]]);
  if (listed !== undefined) draft('listed.no-fetch-metadata', (o) => `A POST from the listed origin ${listed} without Sec-Fetch-Site ${o}.`, 'POST', [['Origin', listed]]);
  const sibling = unlistedSibling(policy, allowed);
  if (sibling !== undefined) {
    draft('same-site-sibling', (o) => `A POST from ${sibling}, an unlisted sibling subdomain of a listed origin (Sec-Fetch-Site: same-site), ${o}.`, 'POST', [['Origin', sibling], ['Sec-Fetch-Site', 'same-site']]);
  }
  draft('origin-null', (o) => `A form POST from a sandboxed page (Origin: null, Sec-Fetch-Site: cross-site) ${o}.`, 'POST', [['Origin', 'null'], ['Sec-Fetch-Site', 'cross-site']]);
  draft('origin-null.no-fetch-metadata', (o) => `A POST with Origin: null and no Sec-Fetch-Site ${o}.`, 'POST', [['Origin', 'null']]);

  // same-origin pages need no listing: Origin names the request's own Host
  draft('same-origin', (o) => `A POST from the server's own origin ${self} (Origin equal to Host, no Sec-Fetch-Site) ${o}.`, 'POST', [['Origin', self]], { sameOrigin: true });
  draft('same-origin.fetch-metadata', (o) => `A POST from the server's own origin with Sec-Fetch-Site: same-origin ${o}.`, 'POST', [['Origin', self], ['Sec-Fetch-Site', 'same-origin']], { sameOrigin: true });
  draft('same-origin.get', (o) => `A GET from the server's own origin with Sec-Fetch-Site: same-origin ${o}.`, 'GET', [['Origin', self], ['Sec-Fetch-Site', 'same-origin']], { sameOrigin: true });
  draft('no-headers', (o) => `A POST with neither Origin nor Sec-Fetch-Site (curl, server to server) ${o}.`, 'POST', []);
  draft('sec-fetch-site-none', (o) => `A POST with Sec-Fetch-Site: none and no Origin (a navigation the user started) ${o}.`, 'POST', [['Sec-Fetch-Site', 'none']]);

  // safe methods: left to CORS in the default mode, checked like the rest with crossOrigin: 'all'
  const mode = guard.crossOrigin === 'all' ? 'crossOrigin "all"' : 'crossOrigin "unsafe", so CORS alone judges it';
  for (const m of ['GET', 'HEAD']) {
    draft(`cross-site.${m.toLowerCase()}`, (o) => `A ${m} from the ${stranger} ${EVIL} (${mode}) ${o}.`, m, [['Origin', EVIL], ['Sec-Fetch-Site', 'cross-site']]);
  }
  if (listed !== undefined) draft('listed.get', (o) => `A GET from the listed origin ${listed} (Sec-Fetch-Site: cross-site) ${o}.`, 'GET', [['Origin', listed], ['Sec-Fetch-Site', 'cross-site']]);

  // WebSocket handshakes are GETs the guard treats as unsafe (unless webSocket: false); the
  // conformance app is no WebSocket server, so one that passes gets the app's plain answer
  const handshake = (origin: string): HeaderLine[] => [['Origin', origin], ['Sec-Fetch-Site', 'cross-site'], ['Upgrade', 'websocket'], ['Connection', 'Upgrade'], ['Sec-WebSocket-Version', '13'], ['Sec-WebSocket-Key', 'Y29uZm9ybWFuY2Uga2l0IQ==']];
  const ws = guard.webSocket ? '' : ' (webSocket: false)';
  draft('websocket.cross-site', (o) => `A WebSocket handshake from ${EVIL}${ws} ${o}.`, 'GET', handshake(EVIL));
  if (listed !== undefined) draft('websocket.listed', (o) => `A WebSocket handshake from the listed origin ${listed} ${o}.`, 'GET', handshake(listed));

  if (guard.hosts !== undefined) {
    draft('host-listed', (o) => `A POST whose Host is the listed ${host} ${o}.`, 'POST', [['Host', host]]);
    draft('host-rebinding', (o) => `A GET whose Host is ${REBINDING_HOST}, a name someone else pointed at the server (DNS rebinding), ${o}.`, 'GET', [['Host', REBINDING_HOST]]);
    draft('host-rebinding.post', (o) => `A POST from the rebound page ${`http://${REBINDING_HOST}`} to Host ${REBINDING_HOST} (same-origin to the browser) ${o}.`, 'POST', [['Host', REBINDING_HOST], ['Origin', `http://${REBINDING_HOST}`], ['Sec-Fetch-Site', 'same-origin']], { sameOrigin: true });
    if (listed !== undefined) {
      draft('host-rebinding.preflight', (o) => `A preflight from ${listed} to Host ${REBINDING_HOST} ${o}.`, 'OPTIONS', [['Host', REBINDING_HOST], ['Origin', listed], ['Access-Control-Request-Method', 'PUT']]);
    }
  }
}

function finishDraft(policy: Policy, paths: ConformanceRoutes, d: Draft): Scenario {
  // a guarded policy's requests all name the Host the oracle judges, whatever port the server has
  const host = servedHost(policy.config);
  const lines: readonly HeaderLine[] = host === undefined || d.headers.some(([n]) => n.toLowerCase() === 'host') ? d.headers : [['Host', host], ...d.headers];
  const decision = oracleDecision(policy, d.method, lines);
  const rejected = isGuardRejection(decision);
  const credentials = d.credentials ?? false;
  const origins = lines.filter(([n]) => n.toLowerCase() === 'origin').map(([, v]) => v);
  const requestMethod = lines.find(([n]) => n.toLowerCase() === 'access-control-request-method');
  let browser: BrowserRequest | undefined;
  if (origins.length > 0 && !d.sameOrigin) {
    const origin = d.pageOrigin ?? origins[0]!;
    // a preflight the guard rejected (a rebinding Host) is still judged as the preflight it is
    if (decision.kind === 'preflight' || (rejected && requestMethod !== undefined && d.method === 'OPTIONS')) {
      const names = lines
        .filter(([n]) => n.toLowerCase() === 'access-control-request-headers')
        .flatMap(([, v]) => v.split(','))
        .map((v) => v.trim())
        .filter((v) => v !== '');
      browser = { origin, credentials, preflight: { method: requestMethod![1], headers: names } };
    } else {
      browser = { origin, credentials };
    }
  }
  // answered by CORS or by the guard without the app: preflights and guard rejections
  const app = decision.status !== undefined ? undefined : appAnswer(d.route, d.method);
  const verdict = expectedVerdict(policy, browser, decision, app);
  const headers: HeaderLine[] = [...lines];
  if (BODY_METHODS.has(d.method)) headers.push(['Content-Length', '0']);
  let title = typeof d.title === 'function' ? d.title(verdict, decision) : d.title;
  if (rejected && d.spec !== SPEC.guard) title = `${title} The origin guard answers it 403 before the app runs (${decision.reason}).`;
  return {
    id: d.id,
    title,
    spec: d.spec,
    route: d.route,
    request: { method: d.method, path: paths[d.route], headers },
    credentials,
    ...(browser === undefined ? {} : { browser }),
    expect: {
      decision,
      verdict,
      ...(app === undefined ? {} : { app }),
      ...(d.hostile ? { hostile: true } : {}),
    },
  };
}
