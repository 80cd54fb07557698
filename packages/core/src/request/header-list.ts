/**
 * HTTP tokens and the linear-time parser for `Access-Control-Request-Headers`.
 * Nothing here uses a regular expression on request bytes.
 * @see https://httpwg.org/specs/rfc9110.html#tokens
 * @module
 */

/** `tchar` from RFC 9110: the bytes allowed in a method or header name. */
const TCHAR = /* @__PURE__ */ (() => {
  const table = new Uint8Array(128);
  for (let c = 0x30; c <= 0x39; c++) table[c] = 1; // 0-9
  for (let c = 0x41; c <= 0x5a; c++) table[c] = 1; // A-Z
  for (let c = 0x61; c <= 0x7a; c++) table[c] = 1; // a-z
  for (const ch of "!#$%&'*+-.^_`|~") table[ch.charCodeAt(0)] = 1;
  return table;
})();

/** Reports whether `value` is a non-empty HTTP token. */
export function isToken(value: string): boolean {
  if (value.length === 0) return false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 128 || TCHAR[c] !== 1) return false;
  }
  return true;
}

/** Longest `Access-Control-Request-Headers` value considered; longer ones are denied unread. */
export const MAX_REQUEST_HEADERS_LENGTH = 8192;
/** Most header names one `Access-Control-Request-Headers` value may list. */
export const MAX_REQUEST_HEADER_NAMES = 128;
/**
 * Most empty list elements tolerated (`a,,b`, a trailing comma left by a proxy joining lines).
 * Browsers send none; a few are harmless, thousands are an attack.
 */
export const MAX_EMPTY_ELEMENTS = 16;
/** Longest `Access-Control-Request-Method` value considered. */
export const MAX_METHOD_LENGTH = 64;

export type HeaderListVerdict =
  | { readonly ok: true }
  | { readonly ok: false; readonly reason: 'headers-malformed' | 'headers-too-long' | 'headers-too-many' }
  | { readonly ok: false; readonly reason: 'header-not-allowed'; readonly name: string };

const OK: HeaderListVerdict = Object.freeze({ ok: true });
const MALFORMED: HeaderListVerdict = Object.freeze({ ok: false, reason: 'headers-malformed' });
const TOO_LONG: HeaderListVerdict = Object.freeze({ ok: false, reason: 'headers-too-long' });
const TOO_MANY: HeaderListVerdict = Object.freeze({ ok: false, reason: 'headers-too-many' });

/**
 * Walks a comma-separated list of header names once, checking each name with `allows`
 * (which receives the name lower-cased). Tolerates optional whitespace around elements and a few
 * empty elements, as intermediaries produce them; anything else is malformed.
 *
 * Cost is linear in `value.length`, which is itself capped at {@link MAX_REQUEST_HEADERS_LENGTH}.
 * @see https://fetch.spec.whatwg.org/#cors-preflight-fetch (the browser's own list is
 *   lower-cased, sorted and joined with `,`)
 */
export function checkHeaderList(value: string, allows: (lowerName: string) => boolean): HeaderListVerdict {
  const n = value.length;
  if (n > MAX_REQUEST_HEADERS_LENGTH) return TOO_LONG;
  let i = 0;
  let names = 0;
  let empties = 0;
  while (i <= n) {
    while (i < n && isOws(value.charCodeAt(i))) i++;
    const start = i;
    while (i < n) {
      const c = value.charCodeAt(i);
      if (c >= 128 || TCHAR[c] !== 1) break;
      i++;
    }
    const end = i;
    while (i < n && isOws(value.charCodeAt(i))) i++;
    if (i < n && value.charCodeAt(i) !== 0x2c) return MALFORMED;
    if (start === end) {
      if (++empties > MAX_EMPTY_ELEMENTS) return MALFORMED;
    } else {
      if (++names > MAX_REQUEST_HEADER_NAMES) return TOO_MANY;
      const name = lowerAscii(value.slice(start, end));
      if (!allows(name)) return { ok: false, reason: 'header-not-allowed', name };
    }
    i++; // past the comma (or past the end)
  }
  return OK;
}

function isOws(c: number): boolean {
  return c === 0x20 || c === 0x09;
}

/** Lower-cases ASCII letters only, without allocating when there is nothing to change. */
export function lowerAscii(value: string): string {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 0x41 && c <= 0x5a) return value.toLowerCase();
  }
  return value;
}
