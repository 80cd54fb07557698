/**
 * Configured origins: one string of `origin` validated as a canonical serialized origin or a
 * safe pattern, with a fix for every mistake. Each step below either passes what it read to the
 * next or adds one problem and stops.
 * @see https://html.spec.whatwg.org/multipage/browsers.html#ascii-serialisation-of-an-origin
 * @module
 */
import type { OriginEntry } from '../request/origin-check.js';
import { DEFAULT_PORTS, isHostLabelChar, isLoopbackHost } from '../request/origin.js';
import type { ProblemCode, ProblemList } from './problems.js';
import { show } from './problems.js';
import { isPublicSuffixOrIp } from './public-suffix.js';

const SPECIAL_SCHEMES = new Set(['http', 'https', 'ws', 'wss']);
const OPAQUE_SCHEMES = new Set(['file', 'data', 'blob', 'about', 'javascript']);

/** What the options around an origin change about it. */
export interface OriginParseContext {
  readonly credentials: boolean;
  readonly allowInsecure: boolean;
  readonly problems: ProblemList;
}

/** Reports one problem about the entry being read; always `undefined`, so steps can `return bad(...)`. */
type Bad = (code: ProblemCode, why: string, fix: string) => undefined;

/** An origin split into its parts, lower-cased; `host` may start with `*.`, `port` may be `*`. */
interface Authority {
  readonly scheme: string;
  readonly host: string;
  readonly port: string;
  /** What followed `://`, lower-cased. */
  readonly rest: string;
}

/**
 * Validates one configured origin string or pattern. Adds a problem (with a fix) and returns
 * `undefined` when it is not a canonical serialized origin or a safe pattern.
 */
export function parseConfiguredOrigin(raw: string, path: string, ctx: OriginParseContext): OriginEntry | undefined {
  const p = ctx.problems;
  const problemsBefore = p.problems.length;
  const bad: Bad = (code, why, fix) => {
    p.add(code, path, `\`${path}\` ${show(raw)} ${why}`, fix);
    return undefined;
  };
  const authority = readAuthority(raw, bad);
  if (authority === undefined || !checkPort(authority, bad)) return undefined;
  const { scheme, host, port, rest } = authority;
  const isWildcardHost = host.startsWith('*.');
  const domain = isWildcardHost ? host.slice(2) : host;
  if (!checkHost(scheme, host, port, bad)) return undefined;
  const inLabel = readInLabel(host);
  if (ctx.credentials && !ctx.allowInsecure && (scheme === 'http' || scheme === 'ws') && !isLoopbackHost(isWildcardHost ? `x.${domain}` : host.replace('*', 'x'))) {
    bad(
      'origin.insecure-with-credentials',
      'is plain http while `credentials` is true: anyone on the network path can impersonate it and read credentialed responses.',
      `Use ${show(`https://${rest}`)}, or set \`dangerouslyAllowInsecureOrigins: true\` if you really must.`,
    );
  }
  // an upper-case entry was reported and read on, so that its other mistakes show in the same pass
  if (p.problems.length > problemsBefore) return undefined;
  if (isWildcardHost) return { kind: 'subdomain', scheme, suffix: `.${domain}`, port };
  if (inLabel) return { kind: 'in-label', scheme, ...inLabel, port };
  if (port === '*') return { kind: 'any-port', scheme, host };
  return { kind: 'exact', origin: `${scheme}://${host}${port ? `:${port}` : ''}` };
}

/** `null`, whitespace, the scheme, paths, userinfo and case; then host and port apart. */
function readAuthority(raw: string, bad: Bad): Authority | undefined {
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
    if (OPAQUE_SCHEMES.has(scheme)) return opaque(scheme, bad);
    return bad('origin.missing-scheme', 'has no scheme; an origin is `scheme://host[:port]`.', `Write ${show(`https://${raw.replace(/\/+$/, '')}`)} (or http:// for a local server).`);
  }
  const schemeRaw = raw.slice(0, sep);
  const scheme = schemeRaw.toLowerCase();
  if (!/^[a-z][a-z0-9+.-]*$/.test(scheme)) return bad('origin.invalid', 'has an invalid scheme.', 'Use a scheme such as https or http.');
  if (OPAQUE_SCHEMES.has(scheme)) return opaque(scheme, bad);
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
  if (at >= 0) return bad('origin.userinfo', 'contains userinfo (`user@`); browsers never send it in Origin.', `Write ${show(`${scheme}://${rest.slice(at + 1)}`)}.`);
  if (schemeRaw !== scheme || /[A-Z]/.test(rest)) {
    bad('origin.uppercase', 'has upper-case letters; browsers send origins in lower case and comparison is byte-exact.', `Write ${show(`${scheme}://${rest.toLowerCase()}`)}.`);
    rest = rest.toLowerCase();
  }
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    if (close < 0) return bad('origin.invalid', 'has an unterminated IPv6 address.', 'Write the address in brackets, e.g. "http://[::1]:3000".');
    const after = rest.slice(close + 1);
    if (after !== '' && !after.startsWith(':')) return bad('origin.invalid', 'has characters after the IPv6 address.', 'Write it as scheme://[address]:port.');
    return { scheme, host: rest.slice(0, close + 1), port: after.slice(1), rest };
  }
  const colon = rest.lastIndexOf(':');
  const host = colon >= 0 ? rest.slice(0, colon) : rest;
  const port = colon >= 0 ? rest.slice(colon + 1) : '';
  if (colon >= 0 && port === '') return bad('origin.invalid-port', 'ends with a colon but no port.', `Write ${show(`${scheme}://${host}`)}.`);
  return { scheme, host, port, rest };
}

function opaque(scheme: string, bad: Bad): undefined {
  return bad('origin.opaque-scheme', `is a \`${scheme}:\` URL; browsers send \`Origin: null\` for such pages, so it can never match.`, 'Serve the page over http(s) and list that origin.');
}

/** A port is absent, `*`, or a canonical number that is not the scheme's default. */
function checkPort({ scheme, host, port }: Authority, bad: Bad): boolean {
  if (host === '' || host === '*.') return bad('origin.invalid', 'has no host.', 'Write scheme://host[:port].') ?? false;
  if (port === '' || port === '*') return true;
  if (!/^\d+$/.test(port) || Number(port) < 1 || Number(port) > 65535) {
    return bad('origin.invalid-port', 'has a port that is not a number from 1 to 65535.', 'Fix the port, or use ":*" on purpose for any port.') ?? false;
  }
  const canonicalPort = String(Number(port));
  if (DEFAULT_PORTS[scheme] === canonicalPort) {
    return bad('origin.default-port', `names the default port ${canonicalPort}; browsers omit it from Origin, so this never matches.`, `Write ${show(`${scheme}://${host}`)}.`) ?? false;
  }
  if (canonicalPort !== port) return bad('origin.not-canonical', 'has leading zeros in its port.', `Write ${show(`${scheme}://${host}:${canonicalPort}`)}.`) ?? false;
  return true;
}

/**
 * The host: ASCII (punycode), `*` only as a whole leading label, only bytes a browser sends in
 * a host, no empty label, no wildcard over a public suffix, and as the URL parser writes it.
 */
function checkHost(scheme: string, host: string, port: string, bad: Bad): boolean {
  const isWildcardHost = host.startsWith('*.');
  const domain = isWildcardHost ? host.slice(2) : host;
  const withPort = (h: string): string => `${scheme}://${h}${port ? `:${port}` : ''}`;
  if (/[^\u0000-\u007f]/.test(host)) {
    let ascii = '';
    try {
      ascii = new URL(`${scheme === 'http' || scheme === 'https' ? scheme : 'https'}://${isWildcardHost ? `x.${domain}` : host}`).hostname;
      if (isWildcardHost) ascii = `*.${ascii.slice(2)}`;
    } catch {
      ascii = '';
    }
    return bad('origin.unicode-host', 'has a non-ASCII host; browsers send internationalized hosts in punycode.', ascii ? `Write ${show(withPort(ascii))}.` : 'Write the host in punycode (xn--...).') ?? false;
  }
  const inLabel = isWildcardHost ? undefined : readInLabel(host);
  if (domain.includes('*') && inLabel === undefined) {
    return (
      bad(
        'origin.invalid-pattern',
        'has a `*` that is neither a whole leading label nor one `*` inside the first label; the patterns are `scheme://*.domain`, `scheme://pre-*.domain` and `scheme://host:*`.',
        'Write e.g. "https://*.example.com" or "https://pr-*.preview.example.com", or list each origin.',
      ) ?? false
    );
  }
  if (!domain.startsWith('[')) {
    for (let i = 0; i < domain.length; i++) {
      const c = domain.charCodeAt(i);
      if (c !== 0x2e && !isHostLabelChar(c) && !(inLabel && c === 0x2a)) {
        return bad('origin.invalid', `has a character that browsers never send in a host (${JSON.stringify(domain[i])}): they escape it, and no DNS name can carry it.`, 'Check the host for typos; hosts hold letters, digits, "-", "_" and dots.') ?? false;
      }
    }
  }
  if (domain.startsWith('.') || domain.endsWith('.') || domain.includes('..')) return bad('origin.invalid', 'has an empty label in its host.', 'Remove the extra dots.') ?? false;
  if (isWildcardHost && isPublicSuffixOrIp(domain)) {
    return (
      bad(
        'origin.public-suffix-wildcard',
        `allows every subdomain of \`${domain}\`, which is ${isIpLike(domain) ? 'an IP address' : 'a public suffix: anyone can register a host under it'}.`,
        `Name your own domain, e.g. "${scheme}://*.your-app.${domain}", or list the exact origins.`,
      ) ?? false
    );
  }
  if (inLabel && isPublicSuffixOrIp(inLabel.domain.slice(1))) {
    const shared = inLabel.domain.slice(1);
    return (
      bad(
        'origin.public-suffix-label-wildcard',
        `lets in hosts that anyone can create: \`${shared}\` is ${isIpLike(shared) ? 'an IP address' : 'a public suffix or a shared hosting domain'}, so a stranger can claim ${show(`${scheme}://${inLabel.prefix}evil${inLabel.suffix}.${shared}`)}.`,
        `Serve previews under a domain you own and write ${show(`${scheme}://${inLabel.prefix}*${inLabel.suffix}.preview.your-domain.com`)}, or list the deployment's exact URL, read from its environment at start-up (e.g. VERCEL_URL on Vercel, DEPLOY_PRIME_URL on Netlify).`,
      ) ?? false
    );
  }
  if (!SPECIAL_SCHEMES.has(scheme)) return true;
  // The URL parser is the browsers' own canonicalisation (IPv4 forms, IPv6 compression).
  let canonical = '';
  try {
    canonical = new URL(`${scheme}://${isWildcardHost || inLabel ? `x.${isWildcardHost ? domain : inLabel!.domain.slice(1)}` : domain}`).hostname;
    if (isWildcardHost) canonical = canonical.slice(2);
    else if (inLabel) canonical = `${inLabel.prefix}*${inLabel.suffix}${canonical.slice(1)}`;
  } catch {
    return bad('origin.invalid', 'is not a valid origin (the URL parser rejects its host).', 'Check the host for typos.') ?? false;
  }
  if (canonical === domain) return true;
  const written = withPort(`${isWildcardHost ? '*.' : ''}${canonical}`);
  return bad('origin.not-canonical', `is not how browsers serialize this origin; they send ${show(written)}.`, `Write ${show(written)}.`) ?? false;
}

/**
 * Reads `pre*post.domain`: exactly one `*`, inside the first label, beside at least one other
 * character of that label, with at least one label after it. Anything else is not this pattern.
 */
function readInLabel(host: string): { prefix: string; suffix: string; domain: string } | undefined {
  const star = host.indexOf('*');
  const dot = host.indexOf('.');
  if (star < 0 || dot < 0 || star > dot || dot === 1 || host.indexOf('*', star + 1) >= 0 || dot === host.length - 1) return undefined;
  return { prefix: host.slice(0, star), suffix: host.slice(star + 1, dot), domain: host.slice(dot) };
}

function isIpLike(domain: string): boolean {
  return domain.startsWith('[') || /^[\d.]+$/.test(domain);
}

function firstIndexOf(value: string, chars: string): number {
  for (let i = 0; i < value.length; i++) if (chars.includes(value[i]!)) return i;
  return -1;
}
