/**
 * Request origins: parsing an `Origin` value as the serialized origin a browser sends, in one
 * pass, without regular expressions.
 * @see https://html.spec.whatwg.org/multipage/browsers.html#ascii-serialisation-of-an-origin
 * @module
 */

/** Longest `Origin` value considered. Real origins are far shorter (a host is at most 253 bytes). */
export const MAX_ORIGIN_LENGTH = 1024;

/** Ports a serialized origin never shows, by scheme. */
export const DEFAULT_PORTS: Readonly<Record<string, string>> = { http: '80', https: '443', ws: '80', wss: '443' };

/**
 * Reports whether a byte may stand in a label of a host that a page can have as its origin:
 * lower-case letters, digits, `-` and `_`.
 *
 * The URL standard lets a domain hold any code point but its forbidden domain code points, so
 * `*`, `$` or `!` survive its parser. Browsers do not send them as they are: Chromium's host
 * canonicalizer percent-escapes every other printable byte (`https://*.example.com` becomes
 * `https://%2A.example.com`, and `%` is forbidden), and no DNS name can carry them, so no page
 * is ever served from such a host. An `Origin` that holds one was written by hand, never by a
 * browser; it is malformed and matches nothing. `_` stays: Chromium keeps it and DNS carries it.
 * @see https://url.spec.whatwg.org/#forbidden-domain-code-point
 * @see https://chromium.googlesource.com/chromium/src/+/main/url/url_canon_host.cc (kHostCharLookup)
 */
export function isHostLabelChar(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x5f;
}

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
      if (!isHostLabelChar(c)) break;
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
