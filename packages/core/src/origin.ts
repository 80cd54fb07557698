/**
 * Origins: parsing configured origins and patterns (strictly, with a fix for every mistake),
 * parsing request origins (linearly, without regular expressions) and matching one against the
 * other byte for byte.
 * @see https://html.spec.whatwg.org/multipage/browsers.html#ascii-serialisation-of-an-origin
 * @module
 */
import type { ProblemList } from './errors.js';
import { show } from './errors.js';
import { isPublicSuffixOrIp } from './public-suffix.js';

/** Longest `Origin` value considered. Real origins are far shorter (a host is at most 253 bytes). */
export const MAX_ORIGIN_LENGTH = 1024;

const DEFAULT_PORTS: Readonly<Record<string, string>> = { http: '80', https: '443', ws: '80', wss: '443' };
const SPECIAL_SCHEMES = new Set(['http', 'https', 'ws', 'wss']);
const OPAQUE_SCHEMES = new Set(['file', 'data', 'blob', 'about', 'javascript']);

/**
 * Bytes allowed in a host of a serialized origin: printable ASCII except upper case and the
 * URL standard's forbidden host code points. Browsers accept odd characters (`_`, `` ` ``, `$`),
 * so this is deliberately not `[a-z0-9.-]`.
 * @see https://url.spec.whatwg.org/#forbidden-domain-code-point
 */
const HOST_CHAR = /* @__PURE__ */ (() => {
  const table = new Uint8Array(128);
  for (let c = 0x21; c < 0x7f; c++) table[c] = 1;
  for (let c = 0x41; c <= 0x5a; c++) table[c] = 0;
  for (const ch of '#%/:<>?@[\\]^|') table[ch.charCodeAt(0)] = 0;
  return table;
})();

/** A request origin split into parts. `port` is `''` when absent. */
export interface OriginParts {
  readonly scheme: string;
  readonly host: string;
  readonly port: string;
  /** Index in the serialized origin where the port part (`:1234`) or the end begins. */
  readonly hostEnd: number;
}

/**
 * Parses a request's `Origin` value as a serialized origin, in one pass. Returns `undefined` for
 * anything a browser would not send: upper case, paths, userinfo, bad ports, empty labels.
 */
export function parseRequestOrigin(origin: string): OriginParts | undefined {
  const n = origin.length;
  if (n === 0 || n > MAX_ORIGIN_LENGTH) return undefined;
  // scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ), lower case
  let i = 0;
  const first = origin.charCodeAt(0);
  if (first < 0x61 || first > 0x7a) return undefined;
  for (i = 1; i < n; i++) {
    const c = origin.charCodeAt(i);
    if ((c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2d || c === 0x2e) continue;
    break;
  }
  if (origin.charCodeAt(i) !== 0x3a || origin.charCodeAt(i + 1) !== 0x2f || origin.charCodeAt(i + 2) !== 0x2f) {
    return undefined;
  }
  const scheme = origin.slice(0, i);
  const hostStart = i + 3;
  let hostEnd: number;
  if (origin.charCodeAt(hostStart) === 0x5b) {
    const close = origin.indexOf(']', hostStart);
    // a structural check first, then the URL parser for the zero-compression rules (IPv6 origins are rare)
    if (close < 0 || !isSerializedIpv6(origin, hostStart + 1, close) || !urlAgrees(origin, close + 1)) return undefined;
    hostEnd = close + 1;
  } else {
    let j = hostStart;
    let labelStart = j;
    for (; j < n; j++) {
      const c = origin.charCodeAt(j);
      if (c === 0x2e) {
        if (j === labelStart) return undefined; // empty label
        labelStart = j + 1;
        continue;
      }
      if (c >= 128 || HOST_CHAR[c] !== 1) break;
    }
    if (j === hostStart) return undefined;
    // a trailing dot leaves an empty last label; the URL parser then looks at the one before it
    const trailingDot = labelStart === j && j > hostStart;
    const lastStart = trailingDot ? origin.lastIndexOf('.', j - 2) + 1 : labelStart;
    const lastEnd = trailingDot ? j - 1 : j;
    if (endsInNumber(origin, Math.max(lastStart, hostStart), lastEnd) && (trailingDot || !isSerializedIpv4(origin, hostStart, j))) return undefined;
    hostEnd = j;
    // Punycode labels must decode; the URL parser knows how (rare, so its cost is fine here).
    if (origin.indexOf('xn--', hostStart) >= 0 && origin.indexOf('xn--', hostStart) < j && !urlAgrees(origin, j)) return undefined;
  }
  let port = '';
  if (hostEnd < n) {
    if (origin.charCodeAt(hostEnd) !== 0x3a) return undefined;
    port = origin.slice(hostEnd + 1);
    if (!isCanonicalPort(port) || DEFAULT_PORTS[scheme] === port) return undefined;
  }
  return { scheme, host: origin.slice(hostStart, hostEnd), port, hostEnd };
}

/**
 * Reports whether the last label `origin[start..end)` makes the URL parser read the host as IPv4
 * (all digits, or `0x` and hex digits).
 * @see https://url.spec.whatwg.org/#ends-in-a-number-checker
 */
function endsInNumber(origin: string, start: number, end: number): boolean {
  if (start === end) return false;
  let allDigits = true;
  for (let i = start; i < end; i++) {
    const c = origin.charCodeAt(i);
    if (c < 0x30 || c > 0x39) allDigits = false;
  }
  if (allDigits) return true;
  if (end - start < 2 || origin.charCodeAt(start) !== 0x30 || origin.charCodeAt(start + 1) !== 0x78) return false;
  for (let i = start + 2; i < end; i++) {
    const c = origin.charCodeAt(i);
    if (!((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66))) return false;
  }
  return true;
}

/** Reports whether `origin[start..end)` is a dotted-quad IPv4 address as the URL serializer writes it. */
function isSerializedIpv4(origin: string, start: number, end: number): boolean {
  let parts = 0;
  let i = start;
  while (i <= end) {
    const partStart = i;
    let value = 0;
    while (i < end) {
      const c = origin.charCodeAt(i);
      if (c < 0x30 || c > 0x39) break;
      value = value * 10 + (c - 0x30);
      i++;
    }
    const len = i - partStart;
    if (len === 0 || len > 3 || value > 255 || (len > 1 && origin.charCodeAt(partStart) === 0x30)) return false;
    parts++;
    if (i === end) break;
    if (origin.charCodeAt(i) !== 0x2e) return false;
    i++;
  }
  return parts === 4;
}

/**
 * Reports whether `origin[start..end)` is an IPv6 address as the URL serializer writes it:
 * lower-case hex groups without leading zeros, at most one `::` standing for two or more zero
 * groups, eight groups in all.
 * @see https://url.spec.whatwg.org/#concept-ipv6-serializer
 */
function isSerializedIpv6(origin: string, start: number, end: number): boolean {
  let groups = 0;
  let compressed = false;
  let i = start;
  if (origin.charCodeAt(i) === 0x3a) {
    if (origin.charCodeAt(i + 1) !== 0x3a) return false;
    compressed = true;
    i += 2;
    if (i === end) return true; // "::"
  }
  while (i < end) {
    const groupStart = i;
    while (i < end) {
      const c = origin.charCodeAt(i);
      if ((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66)) i++;
      else break;
    }
    const len = i - groupStart;
    if (len === 0 || len > 4 || (len > 1 && origin.charCodeAt(groupStart) === 0x30)) return false;
    groups++;
    if (i === end) break;
    if (origin.charCodeAt(i) !== 0x3a) return false;
    i++;
    if (origin.charCodeAt(i) === 0x3a) {
      if (compressed) return false;
      compressed = true;
      i++;
      if (i === end) break;
    } else if (i === end) return false;
  }
  return compressed ? groups <= 6 : groups === 8;
}

function urlAgrees(origin: string, hostEnd: number): boolean {
  try {
    return new URL(origin.slice(0, hostEnd)).host === origin.slice(origin.indexOf('//') + 2, hostEnd);
  } catch {
    return false;
  }
}

function isCanonicalPort(port: string): boolean {
  const n = port.length;
  if (n === 0 || n > 5 || port.charCodeAt(0) === 0x30) return false;
  for (let i = 0; i < n; i++) {
    const c = port.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return Number(port) <= 65535;
}

/** Hosts that browsers treat as potentially trustworthy even over `http:`. */
export function isLoopbackHost(host: string): boolean {
  if (host === 'localhost' || host.endsWith('.localhost') || host === '[::1]') return true;
  if (!host.startsWith('127.')) return false;
  const parts = host.split('.');
  return parts.length === 4 && parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255);
}

/** A configured origin entry after validation. */
export type OriginEntry =
  | { readonly kind: 'exact'; readonly origin: string }
  /** `scheme://*.domain[:port|:*]`: any host ending in `.domain`, at any depth, label-aligned. */
  | { readonly kind: 'subdomain'; readonly scheme: string; readonly suffix: string; readonly port: string }
  /** `scheme://host:*`: that host on any port, including the default one. */
  | { readonly kind: 'any-port'; readonly scheme: string; readonly host: string };

export interface OriginParseContext {
  readonly credentials: boolean;
  readonly allowInsecure: boolean;
  readonly problems: ProblemList;
}

/**
 * Validates one configured origin string or pattern. Adds a problem (with a fix) and returns
 * `undefined` when it is not a canonical serialized origin or a safe pattern.
 */
export function parseConfiguredOrigin(raw: string, path: string, ctx: OriginParseContext): OriginEntry | undefined {
  const p = ctx.problems;
  const bad = (code: Parameters<ProblemList['add']>[0], why: string, fix: string): undefined => {
    p.add(code, path, `\`${path}\` ${show(raw)} ${why}`, fix);
    return undefined;
  };
  if (raw === 'null') {
    return bad(
      'origin.null',
      'trusts the `null` origin, which sandboxed iframes, `data:` and `file:` pages and cross-origin redirects all send: trusting it trusts anyone.',
      'Remove "null"; serve the page from a real origin and list that origin instead.',
    );
  }
  if (raw.trim() !== raw || /[\s\u0000-\u001f\u007f]/.test(raw)) {
    return bad('origin.invalid', 'contains whitespace or control characters.', `Write it without them: ${show(raw.replace(/[\s\u0000-\u001f\u007f]/g, ''))}.`);
  }
  const sep = raw.indexOf('://');
  if (sep < 0) {
    const colon = raw.indexOf(':');
    const scheme = colon > 0 ? raw.slice(0, colon).toLowerCase() : '';
    if (OPAQUE_SCHEMES.has(scheme)) {
      return bad('origin.opaque-scheme', `is a \`${scheme}:\` URL; browsers send \`Origin: null\` for such pages, so it can never match.`, 'Serve the page over http(s) and list that origin.');
    }
    return bad('origin.missing-scheme', 'has no scheme; an origin is `scheme://host[:port]`.', `Write ${show(`https://${raw.replace(/\/+$/, '')}`)} (or http:// for a local server).`);
  }
  const schemeRaw = raw.slice(0, sep);
  const scheme = schemeRaw.toLowerCase();
  if (!/^[a-z][a-z0-9+.-]*$/.test(scheme)) {
    return bad('origin.invalid', 'has an invalid scheme.', 'Use a scheme such as https or http.');
  }
  if (OPAQUE_SCHEMES.has(scheme)) {
    return bad('origin.opaque-scheme', `is a \`${scheme}:\` URL; browsers send \`Origin: null\` for such pages, so it can never match.`, 'Serve the page over http(s) and list that origin.');
  }
  let rest = raw.slice(sep + 3);
  const cut = firstIndexOf(rest, '/?#');
  if (cut >= 0) {
    const suggestion = `${scheme}://${rest.slice(0, cut).toLowerCase()}`;
    if (rest[cut] === '/' && cut === rest.length - 1) {
      return bad('origin.trailing-slash', 'ends with a slash; browsers send origins without one, and comparison is byte-exact.', `Write ${show(suggestion)}.`);
    }
    return bad('origin.has-path', 'has a path, query or fragment; an origin is only `scheme://host[:port]`.', `Write ${show(suggestion)}.`);
  }
  const at = rest.lastIndexOf('@');
  if (at >= 0) {
    return bad('origin.userinfo', 'contains userinfo (`user@`); browsers never send it in Origin.', `Write ${show(`${scheme}://${rest.slice(at + 1)}`)}.`);
  }
  const problemsBefore = p.problems.length;
  if (schemeRaw !== scheme || /[A-Z]/.test(rest)) {
    bad('origin.uppercase', 'has upper-case letters; browsers send origins in lower case and comparison is byte-exact.', `Write ${show(`${scheme}://${rest.toLowerCase()}`)}.`);
    rest = rest.toLowerCase();
  }
  // split host and port
  let host: string;
  let port = '';
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    if (close < 0) return bad('origin.invalid', 'has an unterminated IPv6 address.', 'Write the address in brackets, e.g. "http://[::1]:3000".');
    host = rest.slice(0, close + 1);
    const after = rest.slice(close + 1);
    if (after !== '') {
      if (!after.startsWith(':')) return bad('origin.invalid', 'has characters after the IPv6 address.', 'Write it as scheme://[address]:port.');
      port = after.slice(1);
    }
  } else {
    const colon = rest.lastIndexOf(':');
    host = colon >= 0 ? rest.slice(0, colon) : rest;
    port = colon >= 0 ? rest.slice(colon + 1) : '';
    if (colon >= 0 && port === '') return bad('origin.invalid-port', 'ends with a colon but no port.', `Write ${show(`${scheme}://${host}`)}.`);
  }
  if (host === '' || host === '*.') return bad('origin.invalid', 'has no host.', 'Write scheme://host[:port].');
  if (port !== '' && port !== '*') {
    if (!/^\d+$/.test(port) || Number(port) < 1 || Number(port) > 65535) {
      return bad('origin.invalid-port', 'has a port that is not a number from 1 to 65535.', 'Fix the port, or use ":*" on purpose for any port.');
    }
    const canonicalPort = String(Number(port));
    if (DEFAULT_PORTS[scheme] === canonicalPort) {
      return bad('origin.default-port', `names the default port ${canonicalPort}; browsers omit it from Origin, so this never matches.`, `Write ${show(`${scheme}://${host}`)}.`);
    }
    if (canonicalPort !== port) {
      return bad('origin.not-canonical', 'has leading zeros in its port.', `Write ${show(`${scheme}://${host}:${canonicalPort}`)}.`);
    }
  }
  // unicode hosts must be written in punycode
  if (/[^\u0000-\u007f]/.test(host)) {
    let ascii = '';
    try {
      ascii = new URL(`${scheme === 'http' || scheme === 'https' ? scheme : 'https'}://${host.replace(/^\*\./, 'x.')}`).hostname;
      if (host.startsWith('*.')) ascii = `*.${ascii.slice(2)}`;
    } catch {
      ascii = '';
    }
    return bad(
      'origin.unicode-host',
      'has a non-ASCII host; browsers send internationalized hosts in punycode.',
      ascii ? `Write ${show(`${scheme}://${ascii}${port ? `:${port}` : ''}`)}.` : 'Write the host in punycode (xn--...).',
    );
  }
  const isWildcardHost = host.startsWith('*.');
  const domain = isWildcardHost ? host.slice(2) : host;
  if (domain.includes('*')) {
    return bad('origin.invalid-pattern', 'has a `*` that is not a whole leading label; only `scheme://*.domain` and `scheme://host:*` are patterns.', 'Write e.g. "https://*.example.com", or list each origin.');
  }
  for (let i = 0; i < domain.length; i++) {
    const c = domain.charCodeAt(i);
    if (domain.startsWith('[')) break;
    if (HOST_CHAR[c] !== 1 && c !== 0x2e) {
      return bad('origin.invalid', `has a character a host cannot contain (${JSON.stringify(domain[i])}).`, 'Check for typos in the host.');
    }
  }
  if (domain.startsWith('.') || domain.endsWith('.') || domain.includes('..')) {
    return bad('origin.invalid', 'has an empty label in its host.', 'Remove the extra dots.');
  }
  if (isWildcardHost && isPublicSuffixOrIp(domain)) {
    return bad(
      'origin.public-suffix-wildcard',
      `allows every subdomain of \`${domain}\`, which is ${isIpLike(domain) ? 'an IP address' : 'a public suffix: anyone can register a host under it'}.`,
      `Name your own domain, e.g. "${scheme}://*.your-app.${domain}", or list the exact origins.`,
    );
  }
  if (SPECIAL_SCHEMES.has(scheme)) {
    // The URL parser is the browsers' own canonicalisation (IPv4 forms, IPv6 compression).
    let canonicalHost = '';
    try {
      canonicalHost = new URL(`${scheme}://${isWildcardHost ? `x.${domain}` : domain}`).hostname;
      if (isWildcardHost) canonicalHost = canonicalHost.slice(2);
    } catch {
      return bad('origin.invalid', 'is not a valid origin (the URL parser rejects its host).', 'Check the host for typos.');
    }
    if (canonicalHost !== domain) {
      const prefix = isWildcardHost ? '*.' : '';
      return bad('origin.not-canonical', `is not how browsers serialize this origin; they send ${show(`${scheme}://${prefix}${canonicalHost}${port ? `:${port}` : ''}`)}.`, `Write ${show(`${scheme}://${prefix}${canonicalHost}${port ? `:${port}` : ''}`)}.`);
    }
  }
  if (ctx.credentials && !ctx.allowInsecure && (scheme === 'http' || scheme === 'ws') && !isLoopbackHost(domain === host ? host : `x.${domain}`)) {
    bad(
      'origin.insecure-with-credentials',
      'is plain http while `credentials` is true: anyone on the network path can impersonate it and read credentialed responses.',
      `Use ${show(`https://${rest}`)}, or set \`dangerouslyAllowInsecureOrigins: true\` if you really must.`,
    );
  }
  if (p.problems.length > problemsBefore) return undefined;
  if (port === '*') {
    if (isWildcardHost) return { kind: 'subdomain', scheme, suffix: `.${domain}`, port: '*' };
    return { kind: 'any-port', scheme, host };
  }
  if (isWildcardHost) return { kind: 'subdomain', scheme, suffix: `.${domain}`, port };
  return { kind: 'exact', origin: `${scheme}://${host}${port ? `:${port}` : ''}` };
}

function isIpLike(domain: string): boolean {
  return domain.startsWith('[') || /^[\d.]+$/.test(domain);
}

function firstIndexOf(value: string, chars: string): number {
  for (let i = 0; i < value.length; i++) if (chars.includes(value[i]!)) return i;
  return -1;
}

/**
 * Matches request origins against the static (non-function, non-RegExp) entries of a policy.
 * Exact origins are one hash lookup; subdomain patterns are one lookup per dot in the host,
 * whatever the number of patterns.
 */
export class StaticOriginMatcher {
  private readonly exact = new Set<string>();
  /** key `scheme|port` (port `''`, a number, or `*`) → set of suffixes such as `.example.com` */
  private readonly suffixes = new Map<string, Set<string>>();
  /** `scheme://host` for `scheme://host:*` entries */
  private readonly anyPort = new Set<string>();
  readonly hasPatterns: boolean;
  /** The subdomain patterns, when few enough to compare one by one. */
  private readonly few: readonly Extract<OriginEntry, { kind: 'subdomain' }>[] | undefined;

  constructor(entries: readonly OriginEntry[]) {
    for (const e of entries) {
      if (e.kind === 'exact') this.exact.add(e.origin);
      else if (e.kind === 'any-port') this.anyPort.add(`${e.scheme}://${e.host}`);
      else {
        const key = `${e.scheme}|${e.port}`;
        let set = this.suffixes.get(key);
        if (!set) this.suffixes.set(key, (set = new Set()));
        set.add(e.suffix);
      }
    }
    this.hasPatterns = this.suffixes.size > 0 || this.anyPort.size > 0;
    const subdomains = entries.filter((e): e is Extract<OriginEntry, { kind: 'subdomain' }> => e.kind === 'subdomain');
    this.few = subdomains.length <= 16 ? subdomains : undefined;
  }

  /** Byte-exact match of a serialized origin against the exact entries. */
  hasExact(origin: string): boolean {
    return this.exact.has(origin);
  }

  /** Pattern match; `parts` must come from {@link parseRequestOrigin} of `origin`. */
  matchesPattern(origin: string, parts: OriginParts): boolean {
    if (this.anyPort.size > 0 && this.anyPort.has(origin.slice(0, parts.hostEnd))) return true;
    if (this.suffixes.size === 0) return false;
    if (this.few !== undefined) {
      const host = parts.host;
      if (host.charCodeAt(0) === 0x5b) return false; // IPv6 literals have no subdomains
      // `suffix` starts with a dot, and a longer host leaves a non-empty label before it
      for (const p of this.few) {
        if (p.scheme === parts.scheme && (p.port === '*' || p.port === parts.port) && host.length > p.suffix.length && host.endsWith(p.suffix)) return true;
      }
      return false;
    }
    const exactPort = this.suffixes.get(`${parts.scheme}|${parts.port}`);
    const anyPort = this.suffixes.get(`${parts.scheme}|*`);
    if (!exactPort && !anyPort) return false;
    const host = parts.host;
    if (host.charCodeAt(0) === 0x5b) return false; // IPv6 literals have no subdomains
    // every dot after the first character starts a candidate suffix; the part before it is non-empty
    for (let i = host.indexOf('.', 1); i > 0; i = host.indexOf('.', i + 1)) {
      const suffix = host.slice(i);
      if (exactPort?.has(suffix) || anyPort?.has(suffix)) return true;
    }
    return false;
  }
}
