/**
 * fast-check arbitraries and an independent reference model shared by the core's property tests
 * (`src/*.prop.test.ts`).
 *
 * A generated policy is described as data (`PolicySpec`), turned into `CorsOptions` by
 * {@link toOptions}, and judged by the reference functions below, which are written from
 * DESIGN.md and SPEC-NOTES.md and share no code with the core: the URL parser stands in for the
 * browser's origin serialization, and header lists are split naively instead of scanned.
 * @module
 */
import fc from 'fast-check';
import type { CorsOptions, HeaderValue, RequestFacts } from '@corsica/core';
import { MAX_EMPTY_ELEMENTS, MAX_METHOD_LENGTH, MAX_ORIGIN_LENGTH, MAX_REQUEST_HEADER_NAMES, MAX_REQUEST_HEADERS_LENGTH } from '@corsica/core/adapter';

// ---------------------------------------------------------------------------------------------
// Policies as data
// ---------------------------------------------------------------------------------------------

/** One configured origin entry: an exact origin, a subdomain pattern or a loopback any-port pattern. */
export type OriginRule =
  | { readonly kind: 'exact'; readonly origin: string }
  /** `https://*.<domain>`, optionally with a port or `:*` */
  | { readonly kind: 'subdomain'; readonly scheme: 'https'; readonly domain: string; readonly port?: string }
  /** `http://<loopback host>:*` */
  | { readonly kind: 'any-port'; readonly scheme: 'http'; readonly host: string }
  /** `https://<prefix>*<suffix>.<domain>`, optionally with a port or `:*` */
  | { readonly kind: 'in-label'; readonly scheme: 'https'; readonly prefix: string; readonly suffix: string; readonly domain: string; readonly port?: string };

export interface PolicySpec {
  readonly origin: '*' | readonly OriginRule[];
  /** Write a one-entry list as a bare string (`origin: 'https://a.example'`). */
  readonly originAsString: boolean;
  readonly credentials: boolean;
  readonly methods: '*' | readonly string[] | undefined;
  readonly allowedHeaders: '*' | readonly string[] | undefined;
  readonly exposedHeaders: '*' | readonly string[] | undefined;
  /** Write name lists as comma-separated strings instead of arrays. */
  readonly listsAsStrings: boolean;
  readonly maxAge: number | undefined;
  readonly debug: boolean;
  readonly privateNetwork: boolean;
  readonly preflightStatus: 200 | 204 | undefined;
}

/** Registrable domains (none is a public suffix, so `https://*.<domain>` is valid). */
export const DOMAINS = ['example.com', 'corsica.dev', 'acme.co.uk', 'shop-7.org', 'tenant.example', 'xn--bcher-kva.com', 'a1.io'] as const;
/** Hosts used in exact origins only: an underscore (Chromium keeps it, DNS carries it), an IPv4 and an IPv6 address. */
const EXACT_ONLY_HOSTS = ['under_score.net', 'x_y-z.example.com', '192.168.0.10', '[2001:db8::1]'] as const;
const LOOPBACK_HOSTS = ['localhost', '127.0.0.1', '[::1]'] as const;
const PORTS = [1, 3000, 5173, 8080, 8443, 65535] as const;

/** What surrounds the `*` of an in-label pattern (`pr-*`, `app-*-staging`, `*-eu`, `v*`). */
const IN_LABEL_AFFIXES = [
  ['pr-', ''],
  ['app-', '-staging'],
  ['', '-eu'],
  ['v', ''],
  ['', 'x'],
  ['a-', '-b'],
] as const;

/** A DNS-style label: lower-case letters and digits, starting with a letter. */
export const label: fc.Arbitrary<string> = fc.stringMatching(/^[a-z][a-z0-9]{0,7}$/);

export const METHOD_POOL = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'patch', 'delete', 'Purge', 'X-SYNC', 'OPTIONS', 'MKCOL'] as const;
export const ALLOWED_HEADER_POOL = ['Content-Type', 'Authorization', 'X-Requested-With', 'X-Api-Key', 'x-custom', 'If-Match', 'X-Request-Id'] as const;
const EXPOSED_HEADER_POOL = ['X-Total-Count', 'ETag', 'X-Request-Id', 'Link'] as const;

const portSuffix = fc.option(fc.constantFrom(...PORTS).map((p) => `:${p}`), { nil: '' });

function exactRule(credentials: boolean): fc.Arbitrary<OriginRule> {
  const registrable = fc.tuple(fc.option(label, { nil: undefined }), fc.constantFrom(...DOMAINS)).map(([sub, d]) => (sub ? `${sub}.${d}` : d));
  const https = fc.tuple(fc.oneof(registrable, fc.constantFrom(...EXACT_ONLY_HOSTS)), portSuffix).map(([h, p]) => `https://${h}${p}`);
  // plain http is only allowed with credentials for loopback hosts (DESIGN.md "Rejected")
  const httpHosts = credentials ? fc.constantFrom(...LOOPBACK_HOSTS) : fc.oneof(fc.constantFrom(...LOOPBACK_HOSTS), registrable);
  const http = fc.tuple(httpHosts, portSuffix).map(([h, p]) => `http://${h}${p}`);
  return fc.oneof(https, http).map((origin) => ({ kind: 'exact', origin }));
}

function originRule(credentials: boolean): fc.Arbitrary<OriginRule> {
  return fc.oneof(
    { arbitrary: exactRule(credentials), weight: 3 },
    {
      arbitrary: fc
        .tuple(fc.constantFrom(...DOMAINS), fc.constantFrom(undefined, undefined, undefined, '8443', '*'))
        .map(([domain, port]): OriginRule => (port === undefined ? { kind: 'subdomain', scheme: 'https', domain } : { kind: 'subdomain', scheme: 'https', domain, port })),
      weight: 2,
    },
    { arbitrary: fc.constantFrom(...LOOPBACK_HOSTS).map((host): OriginRule => ({ kind: 'any-port', scheme: 'http', host })), weight: 1 },
    {
      arbitrary: fc
        .tuple(fc.constantFrom(...IN_LABEL_AFFIXES), fc.constantFrom(...DOMAINS), fc.constantFrom(undefined, undefined, '8443', '*'))
        .map(([[prefix, suffix], domain, port]): OriginRule => ({ kind: 'in-label', scheme: 'https', prefix, suffix, domain, ...(port === undefined ? {} : { port }) })),
      weight: 2,
    },
  );
}

const nameList = <T extends string>(pool: readonly T[], minLength = 0) =>
  fc.uniqueArray(fc.constantFrom(...pool), { minLength, maxLength: 4, selector: (s) => s.toLowerCase() });

/** Valid policies: `*` or lists of exact origins / `https://*.<domain>` / `http://localhost:*`, never `*` with credentials. */
export const policySpec: fc.Arbitrary<PolicySpec> = fc.boolean().chain((credentials) =>
  fc.record({
    origin: credentials
      ? fc.array(originRule(true), { minLength: 1, maxLength: 4 })
      : fc.oneof({ arbitrary: fc.constant('*' as const), weight: 1 }, { arbitrary: fc.array(originRule(false), { minLength: 1, maxLength: 4 }), weight: 3 }),
    originAsString: fc.boolean(),
    credentials: fc.constant(credentials),
    methods: fc.option(credentials ? nameList(METHOD_POOL, 1) : fc.oneof(fc.constant('*' as const), nameList(METHOD_POOL, 1)), { nil: undefined }),
    allowedHeaders: fc.option(
      credentials ? nameList(ALLOWED_HEADER_POOL) : fc.oneof(fc.constant('*' as const), fc.constant(['*', 'Authorization']), nameList(ALLOWED_HEADER_POOL)),
      { nil: undefined },
    ),
    exposedHeaders: fc.option(credentials ? nameList(EXPOSED_HEADER_POOL) : fc.oneof(fc.constant('*' as const), nameList(EXPOSED_HEADER_POOL)), { nil: undefined }),
    listsAsStrings: fc.boolean(),
    maxAge: fc.option(fc.oneof(fc.constantFrom(0, 5, 600, 7200, 86400), fc.integer({ min: 0, max: 86400 })), { nil: undefined }),
    debug: fc.boolean(),
    privateNetwork: fc.boolean(),
    preflightStatus: fc.constantFrom(undefined, 200 as const, 204 as const),
  }),
);

/** A policy spec whose origin is a list (`dynamic` or `fixed` mode). */
export const listPolicySpec: fc.Arbitrary<PolicySpec> = policySpec.filter((s) => s.origin !== '*');

/** The configured string of an origin rule, as a user writes it. */
export function ruleText(rule: OriginRule): string {
  if (rule.kind === 'exact') return rule.origin;
  if (rule.kind === 'subdomain') return `${rule.scheme}://*.${rule.domain}${rule.port === undefined ? '' : `:${rule.port}`}`;
  if (rule.kind === 'in-label') return `${rule.scheme}://${rule.prefix}*${rule.suffix}.${rule.domain}${rule.port === undefined ? '' : `:${rule.port}`}`;
  return `${rule.scheme}://${rule.host}:*`;
}

function listOption(value: '*' | readonly string[] | undefined, asString: boolean): string | readonly string[] | undefined {
  if (value === undefined || value === '*') return value;
  return asString && value.length > 0 ? value.join(', ') : value;
}

/** `CorsOptions` for a spec; `onWarning: false` so that generated advice is not printed. */
export function toOptions(spec: PolicySpec, extra: Partial<Record<string, unknown>> = {}): CorsOptions {
  const o: Record<string, unknown> = { onWarning: false };
  if (spec.origin === '*') o.origin = '*';
  else {
    const texts = spec.origin.map(ruleText);
    o.origin = spec.originAsString && texts.length === 1 ? texts[0] : texts;
  }
  if (spec.credentials) o.credentials = true;
  const methods = listOption(spec.methods, spec.listsAsStrings);
  if (methods !== undefined) o.methods = methods;
  const allowed = listOption(spec.allowedHeaders, spec.listsAsStrings);
  if (allowed !== undefined) o.allowedHeaders = allowed;
  const exposed = listOption(spec.exposedHeaders, spec.listsAsStrings);
  if (exposed !== undefined) o.exposedHeaders = exposed;
  if (spec.maxAge !== undefined) o.maxAge = spec.maxAge;
  if (spec.debug) o.debug = true;
  if (spec.privateNetwork) o.privateNetwork = true;
  if (spec.preflightStatus !== undefined) o.preflightStatus = spec.preflightStatus;
  return { ...o, ...extra } as unknown as CorsOptions;
}

// ---------------------------------------------------------------------------------------------
// Reference model (independent of the core)
// ---------------------------------------------------------------------------------------------

const SAFELISTED = new Set(['GET', 'HEAD', 'POST']);
/** Methods browsers upper-case (Fetch "normalize a method"); config names in this set mean the upper-case method. */
const BROWSER_NORMALIZED = new Set(['DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT']);
const TCHARS = new Set("!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ");

/** RFC 9110 token, checked character by character. */
export function refIsToken(s: string): boolean {
  return s.length > 0 && [...s].every((ch) => TCHARS.has(ch));
}

/** The method a configured name stands for (browsers upper-case only the six normalized methods). */
export function refNormalizeMethod(name: string): string {
  return BROWSER_NORMALIZED.has(name.toUpperCase()) ? name.toUpperCase() : name;
}

/**
 * Whether `o` is an origin a browser could send: the URL parser's own serialization of an
 * http(s) origin, ASCII, without empty host labels, its labels made of lower-case letters, digits,
 * `-` and `_` only (browsers escape every other byte, and no DNS name carries one), not on port 0
 * (a Fetch "bad port", so no page is ever served from it), without a comma (a comma-joined value
 * is treated as duplicated), and not over the length cap.
 */
export function refIsBrowserOrigin(o: string): boolean {
  if (o.length === 0 || o.length > MAX_ORIGIN_LENGTH || o.includes(',') || !/^[\x21-\x7e]+$/.test(o)) return false;
  let u: URL;
  try {
    u = new URL(o);
  } catch {
    return false;
  }
  if (u.origin !== o || (u.protocol !== 'http:' && u.protocol !== 'https:') || u.port === '0') return false;
  const host = u.hostname;
  if (host.startsWith('[')) return true;
  const labels = (host.endsWith('.') ? host.slice(0, -1) : host).split('.');
  return labels.every((l) => /^[a-z0-9_-]+$/.test(l));
}

/** Whether a list policy allows origin `o`: set membership, label-aligned suffix, any port. */
export function refListAllows(rules: readonly OriginRule[], o: string): boolean {
  if (rules.some((r) => r.kind === 'exact' && r.origin === o)) return true;
  if (!refIsBrowserOrigin(o)) return false;
  const u = new URL(o);
  const scheme = u.protocol.slice(0, -1);
  return rules.some((r) => {
    if (r.kind === 'exact') return false;
    if (r.kind === 'subdomain') {
      const suffix = `.${r.domain}`;
      const portOk = r.port === '*' || u.port === (r.port ?? '');
      return scheme === r.scheme && portOk && u.hostname.endsWith(suffix) && u.hostname.length > suffix.length;
    }
    if (r.kind === 'in-label') {
      // the reference reads the pattern as a RegExp over the whole host: one label, [a-z0-9-]+ in the middle, 63 bytes at most
      const portOk = r.port === '*' || u.port === (r.port ?? '');
      const [first = '', ...others] = u.hostname.split('.');
      return scheme === r.scheme && portOk && others.join('.') === r.domain && first.length <= 63 && new RegExp(`^${r.prefix}[a-z0-9-]+${r.suffix}$`).test(first);
    }
    return scheme === r.scheme && u.hostname === r.host;
  });
}

/** Whether a spec allows origin `o` (the `*` policy allows any single value). */
export function refOriginAllowed(spec: PolicySpec, o: string): boolean {
  return spec.origin === '*' ? true : refListAllows(spec.origin, o);
}

/** Whether a preflight may ask for method `m` (byte-exact; GET, HEAD, POST always pass). */
export function refMethodAllowed(spec: PolicySpec, m: string): boolean {
  if (!refIsToken(m) || m.length > MAX_METHOD_LENGTH) return false;
  if (spec.methods === '*' || SAFELISTED.has(m)) return true;
  return (spec.methods ?? ['GET', 'HEAD', 'POST']).map(refNormalizeMethod).includes(m);
}

/** Whether a preflight may ask for header `lowerName` (`*` never covers Authorization). */
export function refHeaderAllowed(spec: PolicySpec, lowerName: string): boolean {
  const a = spec.allowedHeaders;
  if (a === undefined) return false;
  if (a === '*') return lowerName !== 'authorization';
  const listed = a.map((h) => h.toLowerCase());
  if (listed.includes('*') && lowerName !== 'authorization') return true;
  return listed.includes(lowerName);
}

export type RefList = { readonly ok: true; readonly names: readonly string[] } | { readonly ok: false; readonly why: 'too-long' | 'malformed' | 'too-many' };

/**
 * Splits a header list the naive way: on commas, trimming spaces and tabs, tolerating at most
 * MAX_EMPTY_ELEMENTS empty elements and MAX_REQUEST_HEADER_NAMES names. Names come back lower-cased.
 */
export function refSplitHeaderList(value: string): RefList {
  if (value.length > MAX_REQUEST_HEADERS_LENGTH) return { ok: false, why: 'too-long' };
  const names: string[] = [];
  let empties = 0;
  for (const raw of value.split(',')) {
    const element = raw.replace(/^[ \t]+|[ \t]+$/g, '');
    if (element === '') {
      empties++;
      continue;
    }
    if (!refIsToken(element)) return { ok: false, why: 'malformed' };
    names.push(element.toLowerCase());
  }
  if (empties > MAX_EMPTY_ELEMENTS) return { ok: false, why: 'malformed' };
  if (names.length > MAX_REQUEST_HEADER_NAMES) return { ok: false, why: 'too-many' };
  return { ok: true, names };
}

function isAbsent(v: unknown): boolean {
  return v === undefined || v === null || (Array.isArray(v) && v.length === 0);
}

/** The one string of a header value, or undefined when it is absent, repeated or not text. */
export function singleValue(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (Array.isArray(v) && v.length === 1 && typeof v[0] === 'string') return v[0];
  return undefined;
}

/** The kind and outcome the design prescribes for a request, computed from the spec alone. */
export function refDecide(spec: PolicySpec, req: RequestFacts): { kind: 'not-cors' | 'actual' | 'preflight'; allowed: boolean } {
  if (isAbsent(req.origin)) return { kind: 'not-cors', allowed: true };
  const kind = req.method === 'OPTIONS' && !isAbsent(req.requestMethod) ? 'preflight' : 'actual';
  const o = singleValue(req.origin);
  const originOk = o !== undefined && o.length <= MAX_ORIGIN_LENGTH && !o.includes(',') && refOriginAllowed(spec, o);
  if (!originOk || kind === 'actual') return { kind, allowed: originOk };
  const m = singleValue(req.requestMethod);
  if (m === undefined || !refMethodAllowed(spec, m)) return { kind, allowed: false };
  const h = req.requestHeaders;
  if (h === undefined || h === null) return { kind, allowed: true };
  let text: string;
  if (typeof h === 'string') text = h;
  else if (Array.isArray(h) && h.every((p) => typeof p === 'string')) text = h.join(',');
  else return { kind, allowed: false };
  const list = refSplitHeaderList(text);
  return { kind, allowed: list.ok && list.names.every((n) => refHeaderAllowed(spec, n)) };
}

// ---------------------------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------------------------

/** Rows of the spec tables (SPEC-NOTES "Origins as browsers send them"), used as seeds. */
export const ORIGIN_SEEDS = [
  'null',
  'https://app.example.com',
  'https://app.example.com/',
  'https://APP.example.com',
  'https://app.example.com:443',
  'http://app.example.com',
  'https://app.example.com.',
  'https://app.example.com.evil.com',
  'https://evilapp.example.com',
  'https://x.preview.example.com',
  'https://preview.example.com',
  'https://.example.com',
  'https://x..example.com',
  'http://localhost:5173',
  'http://localhost',
  'http://localhost:0',
  'http://localhost:05173',
  'http://127.0.0.1:5173',
  'http://localhost.evil.com:5173',
  'https://app.example.com, https://evil.com',
  'file://',
  'https://user@app.example.com',
  'https://*.example.com',
  '',
] as const;

const SUBDOMAIN_LABELS = fc.array(label, { minLength: 1, maxLength: 3 }).map((ls) => ls.join('.'));
/** What a `*` inside a label may stand for, and, rarely, more than a label may hold (63 bytes). */
const IN_LABEL_MIDDLE = fc.oneof({ arbitrary: fc.stringMatching(/^[a-z0-9-]{1,8}$/), weight: 9 }, { arbitrary: fc.stringMatching(/^[a-z0-9]{58,64}$/), weight: 1 });
const ANY_PORT = fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined });

function ruleInstance(r: OriginRule): fc.Arbitrary<string> {
  if (r.kind === 'exact') return fc.constant(r.origin);
  if (r.kind === 'subdomain') {
    const port = r.port === undefined ? fc.constant('') : r.port === '*' ? fc.constantFrom('', ':8443', ':3000') : fc.constant(`:${r.port}`);
    return fc.tuple(SUBDOMAIN_LABELS, port).map(([sub, p]) => `${r.scheme}://${sub}.${r.domain}${p}`);
  }
  if (r.kind === 'in-label') {
    const port = r.port === undefined ? fc.constant('') : r.port === '*' ? fc.constantFrom('', ':8443', ':3000') : fc.constant(`:${r.port}`);
    return fc.tuple(IN_LABEL_MIDDLE, port).map(([middle, p]) => `${r.scheme}://${r.prefix}${middle}${r.suffix}.${r.domain}${p}`);
  }
  return ANY_PORT.map((p) => `${r.scheme}://${r.host}${p === undefined || p === 80 ? '' : `:${p}`}`);
}

/** Origins a spec allows: its exact origins and instances of its patterns. */
export function ownOrigin(spec: PolicySpec): fc.Arbitrary<string> {
  const rules: readonly OriginRule[] = spec.origin === '*' ? [{ kind: 'subdomain', scheme: 'https', domain: 'example.com' }] : spec.origin;
  return fc.oneof(...rules.map(ruleInstance));
}

const MUTATIONS = [
  'suffix-domain',
  'suffix-chars',
  'prefix-label',
  'prefix-chars',
  'scheme',
  'default-port',
  'other-port',
  'zero-port',
  'leading-zero-port',
  'drop-port',
  'upper-all',
  'upper-one',
  'trailing-dot',
  'trailing-slash',
  'path',
  'query',
  'userinfo',
  'whitespace',
  'crlf',
  'comma-join',
  'parent-domain',
  'empty-label',
  'glued-label',
  'underscore-label',
  'dotted-label',
] as const;

/** A near-miss of `o`: what an attacker or a sloppy proxy sends instead of an allowed origin. */
export function nearMiss(o: string, mutation: (typeof MUTATIONS)[number], n: number): string {
  const m = /^([a-z]+):\/\/(\[[^\]]*\]|[^:/]*)(?::(\d+))?$/.exec(o);
  if (!m) return `${o}x`;
  const [, scheme = '', host = '', port] = m;
  const at = (h: string, p = port) => `${scheme}://${h}${p === undefined ? '' : `:${p}`}`;
  switch (mutation) {
    case 'suffix-domain':
      return at(`${host}.evil.com`);
    case 'suffix-chars':
      return at(`${host}${['x', '-evil', '.', '_'][n % 4]}`);
    case 'prefix-label':
      return at(`evil.${host}`);
    case 'prefix-chars':
      return at(`${['evil', 'x-', '1'][n % 3]}${host}`);
    case 'scheme':
      return `${['http', 'https', 'wss', 'ftp', 'HTTPS'][n % 5]}://${host}${port === undefined ? '' : `:${port}`}`;
    case 'default-port':
      return at(host, scheme === 'https' ? '443' : '80');
    case 'other-port':
      return at(host, String(1 + (n % 65535)));
    case 'zero-port':
      return at(host, '0');
    case 'leading-zero-port':
      return at(host, `0${port ?? '8080'}`);
    case 'drop-port':
      return at(host, undefined);
    case 'upper-all':
      return o.toUpperCase();
    case 'upper-one': {
      const i = n % o.length;
      return o.slice(0, i) + o.charAt(i).toUpperCase() + o.slice(i + 1);
    }
    case 'trailing-dot':
      return at(`${host}.`);
    case 'trailing-slash':
      return `${o}/`;
    case 'path':
      return `${o}/x`;
    case 'query':
      return `${o}?a=b`;
    case 'userinfo':
      return `${scheme}://user@${host}${port === undefined ? '' : `:${port}`}`;
    case 'whitespace':
      return [` ${o}`, `${o} `, `${o}\t`][n % 3]!;
    case 'crlf':
      return [`${o}\r\nSet-Cookie: a=b`, `${o}\n`, `${o}\0`][n % 3]!;
    case 'comma-join':
      return [`${o}, ${o}`, `${o},https://evil.com`, `https://evil.com, ${o}`][n % 3]!;
    case 'parent-domain': {
      const dot = host.indexOf('.');
      return dot > 0 ? at(host.slice(dot + 1)) : at(`${host}x`);
    }
    case 'empty-label':
      return [at(`.${host}`), at(host.replace('.', '..'))][n % 2]!;
    case 'underscore-label': {
      const dot = host.indexOf('.');
      return dot > 1 ? at(`${host.slice(0, dot - 1)}_${host.slice(dot - 1)}`) : at(`_${host}`);
    }
    case 'dotted-label': {
      const dot = host.indexOf('.');
      return dot > 1 ? at(`${host.slice(0, 1)}.${host.slice(1)}`) : at(`x.${host}`);
    }
    case 'glued-label': {
      const dot = host.indexOf('.');
      return dot > 0 ? at(host.slice(0, dot) + host.slice(dot + 1)) : at(`x${host}`);
    }
  }
}

const CONTROL_UNIT = fc.constantFrom('\r', '\n', '\0', '\t', ' ', ',', 'h', 't', 'p', 's', ':', '/', '.', 'a', 'A', '*', '[', ']', '@', '%', '\u00e9', '\u2028');

/** Garbage origins: arbitrary strings, strings full of control characters, over-long values. */
export const garbageOrigin: fc.Arbitrary<string> = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: CONTROL_UNIT, maxLength: 40 }),
  fc.string({ unit: CONTROL_UNIT, maxLength: 20 }).map((s) => `https://${s}`),
  fc.integer({ min: MAX_ORIGIN_LENGTH - 14, max: MAX_ORIGIN_LENGTH - 10 }).map((n) => `https://${'a'.repeat(n)}.com`),
);

/** One origin string for a spec: its own, a near miss, a seed or garbage. */
const MUTATION = fc.tuple(fc.constantFrom(...MUTATIONS), fc.nat());
const SEED_ORIGIN = fc.constantFrom(...ORIGIN_SEEDS);

export function originString(spec: PolicySpec): fc.Arbitrary<string> {
  const own = ownOrigin(spec);
  return fc.oneof(
    { arbitrary: own, weight: 4 },
    { arbitrary: fc.tuple(own, MUTATION).map(([o, [m, n]]) => nearMiss(o, m, n)), weight: 4 },
    { arbitrary: SEED_ORIGIN, weight: 1 },
    { arbitrary: garbageOrigin, weight: 1 },
  );
}

/** The `Origin` fact: mostly one string, sometimes repeated lines, absent, or not text at all. */
export function originValue(spec: PolicySpec): fc.Arbitrary<HeaderValue> {
  const one = originString(spec);
  return fc.oneof(
    { arbitrary: one, weight: 12 },
    { arbitrary: fc.array(one, { maxLength: 3 }), weight: 2 },
    { arbitrary: fc.constantFrom(undefined, null), weight: 1 },
  );
}

const OWS = fc.constantFrom('', '', ' ', '\t', '  ', ' \t');

/**
 * Renders a list of header names the ways intermediaries do: any order, any letter case,
 * optional whitespace around elements and a few empty elements (at most 3, within the caps).
 */
export function renderHeaderList(names: readonly string[]): fc.Arbitrary<string> {
  return fc.shuffledSubarray([...names], { minLength: names.length, maxLength: names.length }).chain((order) =>
    fc
      .tuple(
        fc.tuple(...order.map((name) => fc.mixedCase(fc.constant(name)))),
        fc.array(fc.tuple(OWS, OWS), { minLength: order.length, maxLength: order.length }),
        fc.array(fc.tuple(fc.nat({ max: order.length }), OWS), { maxLength: 3 }),
      )
      .map(([cased, spaces, empties]) => {
        const elements = cased.map((name, i) => `${spaces[i]![0]}${name}${spaces[i]![1]}`);
        for (const [pos, ws] of empties) elements.splice(pos, 0, ws);
        return elements.join(',');
      }),
  );
}

/** Splits a rendered list into repeated header lines (which the core joins back with commas). */
export function asLines(text: string, cuts: readonly number[]): string[] {
  const elements = text.split(',');
  const points = [...new Set(cuts.map((c) => c % (elements.length + 1)))].sort((a, b) => a - b);
  const lines: string[] = [];
  let from = 0;
  for (const p of points) {
    if (p <= from) continue;
    lines.push(elements.slice(from, p).join(','));
    from = p;
  }
  lines.push(elements.slice(from).join(','));
  return lines;
}

const ANY_TOKEN = fc.stringMatching(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,12}$/);
const LETTERS = fc.stringMatching(/^[A-Za-z]{1,8}$/);

/** Header names a preflight may ask for: often only the spec's own (in any case), sometimes others. */
export function requestedNames(spec: PolicySpec): fc.Arbitrary<string[]> {
  const listed = Array.isArray(spec.allowedHeaders) ? spec.allowedHeaders.filter((h) => h !== '*') : [];
  const own = spec.allowedHeaders === '*' ? ['x-requested-with', 'content-type', 'X-Anything', ...listed] : listed;
  const pool = [...own, 'content-type', 'authorization', 'x-requested-with', 'x-unlisted', 'accept', 'X-Custom-1'];
  const any = fc.array(
    fc.oneof({ arbitrary: fc.constantFrom(...pool), weight: 4 }, { arbitrary: ANY_TOKEN, weight: 1 }),
    { maxLength: 6 },
  );
  return own.length === 0 ? any : fc.oneof({ arbitrary: fc.array(fc.constantFrom(...own), { maxLength: 6 }), weight: 2 }, { arbitrary: any, weight: 1 });
}

const ODD_HEADER_VALUES: fc.Arbitrary<HeaderValue> = fc.oneof(
  { arbitrary: fc.string(), weight: 1 },
  { arbitrary: fc.string({ unit: fc.constantFrom('a', 'B', ',', ' ', '\t', '\r', '\n', '\0', '-', ':', '\u00e9') }), weight: 1 },
  { arbitrary: fc.constantFrom(null, [], ['x-a', 42] as unknown as string[]), weight: 1 },
  {
    // around the length cap, as one line or as two lines joined by the core
    arbitrary: fc.tuple(fc.integer({ min: -2, max: 2 }), fc.boolean()).map(([delta, split]) => {
      const pad = ' '.repeat(MAX_REQUEST_HEADERS_LENGTH - 'x-custom'.length + delta);
      return split ? ['x-custom', pad.slice(1)] : `x-custom${pad}`;
    }),
    weight: 1,
  },
  { arbitrary: fc.integer({ min: MAX_EMPTY_ELEMENTS - 1, max: MAX_EMPTY_ELEMENTS + 2 }).map((n) => ['x-custom', ...Array.from({ length: n }, () => '')]), weight: 1 },
);

/** The `Access-Control-Request-Headers` fact. */
export function requestHeadersValue(spec: PolicySpec): fc.Arbitrary<HeaderValue> {
  const rendered = requestedNames(spec).chain(renderHeaderList);
  return fc.oneof(
    { arbitrary: fc.constant(undefined), weight: 3 },
    { arbitrary: rendered, weight: 6 },
    { arbitrary: fc.tuple(rendered, fc.array(fc.nat(), { maxLength: 2 })).map(([t, cuts]) => asLines(t, cuts)), weight: 2 },
    { arbitrary: ODD_HEADER_VALUES, weight: 3 },
  );
}

const ODD_METHODS: fc.Arbitrary<HeaderValue> = fc.oneof(
  { arbitrary: fc.constantFrom('', ' PUT', 'PUT ', 'GET, PUT', 'P\u00dcT', 'PUT\r\n', 'X'.repeat(MAX_METHOD_LENGTH + 1), 'X'.repeat(MAX_METHOD_LENGTH)), weight: 1 },
  { arbitrary: fc.string(), weight: 1 },
);

/** The `Access-Control-Request-Method` fact. */
export function requestMethodValue(spec: PolicySpec): fc.Arbitrary<HeaderValue> {
  const own = [...(Array.isArray(spec.methods) ? spec.methods.map(refNormalizeMethod) : []), 'GET', 'HEAD', 'POST'];
  const token = fc.oneof(
    { arbitrary: fc.constantFrom(...own), weight: 3 },
    { arbitrary: fc.constantFrom(...METHOD_POOL, 'Put', 'get', 'CONNECT', '*'), weight: 2 },
    { arbitrary: LETTERS, weight: 1 },
  );
  return fc.oneof(
    { arbitrary: token, weight: 8 },
    { arbitrary: ODD_METHODS, weight: 2 },
    { arbitrary: fc.array(token, { minLength: 0, maxLength: 2 }), weight: 1 },
    { arbitrary: fc.constantFrom(undefined, null), weight: 2 },
  );
}

/** A request's facts for a spec, biased towards preflights and towards the spec's own origins. */
const REQUEST_METHOD = fc.oneof(
  { arbitrary: fc.constant('OPTIONS'), weight: 5 },
  { arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'patch', 'options', 'HEAD', 'DELETE'), weight: 4 },
  { arbitrary: fc.oneof(fc.string(), fc.constant(undefined), fc.constant(null)), weight: 1 },
);
const PRIVATE_NETWORK = fc.constantFrom(undefined, 'true', 'false', ['true', 'true']);

export function requestFor(spec: PolicySpec): fc.Arbitrary<RequestFacts> {
  return fc.record(
    {
      method: REQUEST_METHOD,
      origin: originValue(spec),
      requestMethod: requestMethodValue(spec),
      requestHeaders: requestHeadersValue(spec),
      requestPrivateNetwork: PRIVATE_NETWORK,
    },
    { requiredKeys: ['method', 'origin'] },
  );
}

/** A spec with a few requests for it (policies are compiled once per run, then asked many times). */
export const specWithRequests: fc.Arbitrary<{ spec: PolicySpec; requests: RequestFacts[] }> = policySpec.chain((spec) =>
  fc.record({ spec: fc.constant(spec), requests: fc.array(requestFor(spec), { minLength: 1, maxLength: 8 }) }),
);

/** Characters a header name or value must never contain (HTTP response splitting). */
export const HEADER_BREAKERS = /[\r\n\0]/;
