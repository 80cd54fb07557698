/**
 * Regular expressions shared by the proxy exports: what a serialized origin looks like to the
 * core, and which JavaScript RegExps a server's engine (PCRE, RE2) reads the same way.
 * @module
 */

/**
 * One host label as the core's origin parser accepts it: lower-case letters, digits, `-` and `_`
 * (browsers escape every other byte of a host, and no DNS name carries one). The same class in
 * PCRE (bytes) and RE2 (runes), so no non-ASCII byte or rune ever matches.
 */
export const LABEL = '[a-z0-9_-]+';
/** A port from 1 to 65535 without leading zeros. */
export const PORT = '(?:[1-9][0-9]{0,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])';
/** Every serialized origin the core's parser accepts (the core applies RegExps only to those). */
export const ANY_ORIGIN = `[a-z][a-z0-9+.-]*://(?:${LABEL}(?:\\.${LABEL})*\\.?|\\[[0-9a-f:.]+\\])(?::${PORT})?`;

/** A configured origin pattern's parts: `scheme://*.domain[:port|:*]` or `scheme://host:*`. */
export interface PatternParts {
  readonly scheme: string;
  /** As written, with its leading `*.` when it is a subdomain pattern. */
  readonly host: string;
  /** `''`, a number, or `*`. */
  readonly port: string;
}

/** Splits a pattern as the core accepted it (so well-formed: `://`, an optional bracketed IPv6 host). */
export function splitPattern(pattern: string): PatternParts {
  const sep = pattern.indexOf('://');
  const rest = pattern.slice(sep + 3);
  const close = rest.startsWith('[') ? rest.indexOf(']') : -1;
  const colon = rest.indexOf(':', close + 1);
  return { scheme: pattern.slice(0, sep), host: colon < 0 ? rest : rest.slice(0, colon), port: colon < 0 ? '' : rest.slice(colon + 1) };
}

/** The host part of a pattern as a regex: one or more whole labels before the domain (label-aligned, never a prefix or substring). */
export function hostRegExp(host: string): string {
  return host.startsWith('*.') ? `(?:${LABEL}\\.)+${escapeRegExp(host.slice(2))}` : escapeRegExp(host);
}

export function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
}

/**
 * Why a RegExp cannot be handed to nginx's PCRE as it is, or `undefined` when it can. Only a
 * small common subset of JavaScript and PCRE syntax passes: literals, escaped punctuation,
 * `\d \w \s` (and negations), classes, groups, `(?:`, `|`, quantifiers and anchors.
 *
 * @example
 * ```ts
 * untranslatable(/^https:\/\/[a-z]+\.example\.com$/); // undefined: exported as is
 * untranslatable(/^https:\/\/(?!admin)[a-z]+\.example\.com$/); // 'it uses a "(?!" group (lookaround or named group)'
 * ```
 */
export function untranslatable(re: RegExp): string | undefined {
  const bad = re.flags.replace(/[imsd]/g, '');
  if (bad !== '') return `its flag${bad.length > 1 ? 's' : ''} ${bad} ${bad.length > 1 ? 'have' : 'has'} no PCRE equivalent`;
  const src = re.source;
  let inClass = false;
  let lastWasAtom = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c.charCodeAt(0) > 0x7e || c.charCodeAt(0) < 0x20) return 'it contains non-ASCII or control characters';
    if (c === '\\') {
      const d = src[i + 1];
      if (d === undefined) return 'it ends with a backslash';
      if (/[0-9]/.test(d)) return `it uses \\${d} (a back-reference or octal escape)`;
      if (/[a-zA-Z]/.test(d) && !'dDwWsS'.includes(d)) return `it uses \\${d}, which JavaScript and PCRE read differently`;
      i++;
      lastWasAtom = true;
      continue;
    }
    if (inClass) {
      if (c === ']') {
        inClass = false;
        lastWasAtom = true;
      } else if (c === '[' && src[i + 1] === ':') return 'it has "[:" inside a class, which PCRE reads as a POSIX class';
      continue;
    }
    switch (c) {
      case '[':
        if (src[i + 1] === ']' || (src[i + 1] === '^' && src[i + 2] === ']')) return `it uses ${src.slice(i, i + (src[i + 1] === '^' ? 3 : 2))}, which JavaScript and PCRE read differently`;
        inClass = true;
        break;
      case '(':
        if (src[i + 1] === '?') {
          if (src[i + 2] !== ':') return `it uses a "(?${src[i + 2] ?? ''}" group (lookaround or named group)`;
          i += 2;
        }
        lastWasAtom = false;
        continue;
      case '{': {
        const m = /^\{(\d+)(,(\d*))?\}/.exec(src.slice(i));
        if (!m || !lastWasAtom) return 'it uses "{" outside a {n,m} quantifier';
        i += m[0].length - 1;
        if (src[i + 1] === '?') i++;
        lastWasAtom = false;
        continue;
      }
      case '*':
      case '+':
      case '?':
        if (src[i + 1] === '?') i++;
        lastWasAtom = false;
        continue;
      case '|':
        lastWasAtom = false;
        continue;
      default:
        break;
    }
    lastWasAtom = c !== '^' && c !== '$' && c !== '(' && c !== '|';
  }
  if (inClass) return 'it has an unterminated class';
  return undefined;
}
