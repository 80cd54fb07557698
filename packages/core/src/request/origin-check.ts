/**
 * The origin check: a request origin against the policy's static entries (exact origins,
 * patterns, RegExps), then its predicates. One interpreter reads what a predicate answers, for
 * `decide` (which never waits) and for the resolver cache behind `decideAsync`.
 * @module
 */
import type { CompiledConfig } from '../compiled.js';
import type { DenialReason, OriginMatch } from '../types.js';
import { isOriginCallbackError } from './origin-callback-error.js';
import type { OriginParts } from './origin.js';
import { parseRequestOrigin } from './origin.js';

/** A configured origin entry after validation. */
export type OriginEntry =
  | { readonly kind: 'exact'; readonly origin: string }
  /** `scheme://*.domain[:port|:*]`: any host ending in `.domain`, at any depth, label-aligned. */
  | { readonly kind: 'subdomain'; readonly scheme: string; readonly suffix: string; readonly port: string }
  /** `scheme://host:*`: that host on any port, including the default one. */
  | { readonly kind: 'any-port'; readonly scheme: string; readonly host: string }
  /**
   * `scheme://pre*post.domain[:port|:*]`: one `*` inside the first label, standing for one or
   * more letters, digits or hyphens; the host has exactly that depth. `domain` starts with a dot.
   */
  | { readonly kind: 'in-label'; readonly scheme: string; readonly prefix: string; readonly suffix: string; readonly domain: string; readonly port: string };

type SubdomainEntry = Extract<OriginEntry, { kind: 'subdomain' }>;
type InLabelEntry = Extract<OriginEntry, { kind: 'in-label' }>;

/** The longest DNS label (RFC 1035 section 2.3.4); a longer first label matches no pattern. */
const MAX_LABEL_BYTES = 63;

/** Subdomain patterns up to this many are compared one by one; more go through suffix lookups. */
const FEW_PATTERNS = 16;

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
  private readonly few: readonly SubdomainEntry[] | undefined;
  /** key `scheme|port|.domain` → the in-label patterns under that domain */
  private readonly inLabel = new Map<string, InLabelEntry[]>();

  constructor(entries: readonly OriginEntry[]) {
    for (const e of entries) {
      if (e.kind === 'exact') this.exact.add(e.origin);
      else if (e.kind === 'any-port') this.anyPort.add(`${e.scheme}://${e.host}`);
      else if (e.kind === 'in-label') {
        const key = `${e.scheme}|${e.port}|${e.domain}`;
        const list = this.inLabel.get(key);
        if (list) list.push(e);
        else this.inLabel.set(key, [e]);
      } else {
        const key = `${e.scheme}|${e.port}`;
        let set = this.suffixes.get(key);
        if (!set) this.suffixes.set(key, (set = new Set()));
        set.add(e.suffix);
      }
    }
    this.hasPatterns = this.suffixes.size > 0 || this.anyPort.size > 0 || this.inLabel.size > 0;
    const subdomains = entries.filter((e): e is SubdomainEntry => e.kind === 'subdomain');
    this.few = subdomains.length <= FEW_PATTERNS ? subdomains : undefined;
  }

  /** Byte-exact match of a serialized origin against the exact entries. */
  hasExact(origin: string): boolean {
    return this.exact.has(origin);
  }

  /** Pattern match; `parts` must come from {@link parseRequestOrigin} of `origin`. */
  matchesPattern(origin: string, parts: OriginParts): boolean {
    if (this.anyPort.size > 0 && this.anyPort.has(origin.slice(0, parts.hostEnd))) return true;
    const host = parts.host;
    if (host.charCodeAt(0) === 0x5b) return false; // IPv6 literals have no subdomains
    if (this.inLabel.size > 0 && this.matchesInLabel(parts)) return true;
    if (this.suffixes.size === 0) return false;
    if (this.few !== undefined) {
      // `suffix` starts with a dot, and a longer host leaves a non-empty label before it
      for (const p of this.few) {
        if (p.scheme === parts.scheme && (p.port === '*' || p.port === parts.port) && host.length > p.suffix.length && host.endsWith(p.suffix)) return true;
      }
      return false;
    }
    const exactPort = this.suffixes.get(`${parts.scheme}|${parts.port}`);
    const anyPort = this.suffixes.get(`${parts.scheme}|*`);
    if (!exactPort && !anyPort) return false;
    // every dot after the first character starts a candidate suffix; the part before it is non-empty
    for (let i = host.indexOf('.', 1); i > 0; i = host.indexOf('.', i + 1)) {
      const suffix = host.slice(i);
      if (exactPort?.has(suffix) || anyPort?.has(suffix)) return true;
    }
    return false;
  }

  /** One lookup by the host's domain (all but its first label), then the few patterns under it. */
  private matchesInLabel(parts: OriginParts): boolean {
    const host = parts.host;
    const dot = host.indexOf('.');
    if (dot <= 0 || dot > MAX_LABEL_BYTES) return false;
    const domain = host.slice(dot);
    const exactPort = this.inLabel.get(`${parts.scheme}|${parts.port}|${domain}`);
    const anyPort = this.inLabel.get(`${parts.scheme}|*|${domain}`);
    return (exactPort !== undefined && matchesLabel(exactPort, host, dot)) || (anyPort !== undefined && matchesLabel(anyPort, host, dot));
  }
}

/** Whether `host`'s first label (`host[0, end)`) is some `prefix` + one or more of [a-z0-9-] + `suffix`. */
function matchesLabel(patterns: readonly InLabelEntry[], host: string, end: number): boolean {
  for (const p of patterns) {
    const middleEnd = end - p.suffix.length;
    if (middleEnd - p.prefix.length < 1 || !host.startsWith(p.prefix) || !host.startsWith(p.suffix, middleEnd)) continue;
    if (isLetterDigitHyphen(host, p.prefix.length, middleEnd)) return true;
  }
  return false;
}

/**
 * What a `*` inside a label stands for: letters, digits and hyphens, the host name rule of
 * RFC 1123 section 2.1. Browsers also send `_` in hosts, but no public certificate or preview
 * platform issues such names, so a `*` never stands for one.
 */
function isLetterDigitHyphen(s: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (!((c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2d)) return false;
  }
  return true;
}

/** What checking an origin gives: how it matched, or why it is denied. */
export type OriginVerdict = OriginMatch | DenialReason;

/** Reports whether a verdict lets the origin in. */
export function isMatch(verdict: OriginVerdict): verdict is OriginMatch {
  return verdict === 'wildcard' || verdict === 'exact' || verdict === 'pattern' || verdict === 'regexp' || verdict === 'predicate';
}

/**
 * Checks an origin against everything but predicates. Returns how it matched, or a denial
 * reason, or `undefined` when only predicates can still allow it.
 */
export function checkStaticEntries(c: CompiledConfig, origin: string): OriginVerdict | undefined {
  if (c.originMode === 'any') return 'wildcard';
  if (c.originMode === 'fixed') return origin === c.fixedOrigin ? 'exact' : 'origin-not-allowed';
  if (c.matcher.hasExact(origin)) return 'exact';
  if (origin === 'null') return 'origin-null';
  const parts = parseRequestOrigin(origin);
  if (!parts) return 'origin-malformed';
  if (c.matcher.hasPatterns && c.matcher.matchesPattern(origin, parts)) return 'pattern';
  for (const re of c.regexps) if (re.test(origin)) return 'regexp';
  return c.predicates.length > 0 || c.requestScopedPredicates.length > 0 ? undefined : 'origin-not-allowed';
}

/** A predicate's failure, as a denial reason. */
export type PredicateFailure = 'resolver-error' | 'resolver-timeout' | 'origin-callback-error' | 'origin-resolver-async';

/** A peer-style callback that reported an error gets its own reason; anything else is a resolver error. */
export function failureOf(error: unknown): PredicateFailure {
  return isOriginCallbackError(error) ? 'origin-callback-error' : 'resolver-error';
}

/**
 * Reads one answer of a predicate, already awaited when it was a Promise: `true` allows,
 * `false` passes to the next predicate, anything else is a resolver error reported to `onError`.
 */
export function readAnswer(c: CompiledConfig, origin: string, answer: unknown): boolean | PredicateFailure {
  if (answer === true || answer === false) return answer;
  c.onError(new TypeError(`corsica: an origin predicate returned ${typeof answer} for ${origin}; it must return true or false (or a Promise of it).`), { phase: 'origin-resolver', origin });
  return 'resolver-error';
}

/** Policies already told that `decide` met a Promise (told once, not per request). */
const warnedAsync = new WeakSet<CompiledConfig>();

/**
 * Runs `predicates` without waiting. A Promise is not awaited: the answer is
 * `origin-resolver-async` (and the Promise's rejection is swallowed, never unhandled).
 */
export function runPredicatesNow(c: CompiledConfig, predicates: CompiledConfig['predicates'], origin: string): 'predicate' | DenialReason {
  for (const predicate of predicates) {
    let answer: unknown;
    try {
      answer = predicate(origin);
    } catch (error) {
      c.onError(error, { phase: 'origin-resolver', origin });
      return failureOf(error);
    }
    if (isThenable(answer)) {
      answer.then(undefined, () => undefined);
      if (!warnedAsync.has(c)) {
        warnedAsync.add(c);
        c.onError(new Error('corsica: an origin function returned a Promise to decide(), which cannot wait: the request was denied. Declare it `async` (adapters then call decideAsync), or call policy.decideAsync().'), { phase: 'origin-resolver', origin });
      }
      return 'origin-resolver-async';
    }
    const read = readAnswer(c, origin, answer);
    if (read === true) return 'predicate';
    if (read !== false) return read;
  }
  return 'origin-not-allowed';
}

export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as PromiseLike<unknown>).then === 'function';
}

const REQUEST_SCOPED = Symbol.for('corsica.requestScoped');

/**
 * Marks a predicate whose answer belongs to the request being decided (a peer-style origin
 * function that reads the framework's context): the policy asks it on every request and never
 * keeps its answer in the resolver cache, where another request would reuse it.
 */
export function requestScoped<P extends (origin: string) => boolean>(predicate: P): P {
  Object.defineProperty(predicate, REQUEST_SCOPED, { value: true });
  return predicate;
}

/** Reports whether {@link requestScoped} marked `predicate`. */
export function isRequestScoped(predicate: unknown): boolean {
  return typeof predicate === 'function' && (predicate as { [REQUEST_SCOPED]?: boolean })[REQUEST_SCOPED] === true;
}
