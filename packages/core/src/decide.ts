/**
 * Deciding: classify a request by the Fetch standard, check its origin, method and headers
 * against a compiled policy, and produce the headers to send. Reads only precomputed values;
 * never throws on any input.
 * @see https://fetch.spec.whatwg.org/#http-cors-protocol
 * @module
 */
import type { Compiled } from './compile.js';
import { MAX_ORIGIN_LENGTH, parseRequestOrigin } from './origin.js';
import { ACAC, ACAH, ACAM, ACAO, ACAPN, ACEH, ACMA, ACRH, ACRM, ACRPN, DEBUG_HEADER, SAFELISTED_METHODS, isForbiddenRequestHeader } from './spec.js';
import { isOriginCallbackError } from './errors.js';
import { MAX_METHOD_LENGTH, MAX_REQUEST_HEADERS_LENGTH, checkHeaderList, isToken } from './token.js';
import type { Decision, DecisionReason, HeaderValue, RequestFacts } from './types.js';

type Headers = Record<string, string>;

/** The outcome of checking an origin. */
export type OriginVerdict = Exclude<DecisionReason, 'not-cors' | 'origin-allowed' | 'preflight-allowed'>;

const EMPTY: Readonly<Headers> = Object.freeze({});
const VARY_NONE: readonly string[] = Object.freeze([]);
const VARY_ORIGIN: readonly string[] = Object.freeze(['Origin']);
const VARY_PREFLIGHT: readonly string[] = Object.freeze(['Origin', ACRM, ACRH]);
const VARY_PREFLIGHT_PNA: readonly string[] = Object.freeze(['Origin', ACRM, ACRH, ACRPN]);

/** A single header value, or a marker for what is wrong with it. */
const ABSENT = 0;
const REPEATED = 1;
const NOT_TEXT = 2;
type Single = string | typeof ABSENT | typeof REPEATED | typeof NOT_TEXT;

function single(value: HeaderValue | unknown): Single {
  if (value === undefined || value === null) return ABSENT;
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) {
    if (value.length === 0) return ABSENT;
    if (value.length > 1) return REPEATED;
    return typeof value[0] === 'string' ? value[0] : NOT_TEXT;
  }
  return NOT_TEXT;
}

/** Precomputed pieces of every decision that does not echo the request's origin. */
export class DecisionTable {
  readonly notCors: Decision;
  private readonly deniedActual = new Map<string, Decision>();
  private readonly deniedPreflight = new Map<string, Decision>();
  /** Headers of an allowed actual response, without ACAO. */
  private readonly actualExtra: Readonly<Headers>;
  /** Headers of an allowed preflight response, without ACAO. */
  private readonly preflightExtra: Readonly<Headers>;
  private readonly staticActual: Decision | undefined;
  private readonly staticPreflight: Decision | undefined;
  private readonly staticPreflightPna: Decision | undefined;
  /** Headers every non-preflight response gets in `any`/`fixed` mode. */
  private readonly staticHeaders: Readonly<Headers>;
  private readonly actualVary: readonly string[];
  readonly preflightVary: readonly string[];
  /** Whether a lower-case request header name is allowed; `Authorization` is never covered by `*`. */
  readonly allowsHeader: (lowerName: string) => boolean;
  /** Allowed decisions per origin, built once and frozen: the fast path allocates nothing. Bounded. */
  private readonly actualByOrigin = new Map<string, Decision>();
  private readonly preflightByOrigin = new Map<string, Decision>();
  /** What the static entries (exact, patterns, RegExps) answered per origin. Bounded. */
  readonly staticVerdicts = new Map<string, MatchedBy | OriginVerdict>();
  /** ACRH values already checked and accepted: browsers resend the same sorted list. Bounded. */
  readonly acceptedRequestHeaders = new Set<string>();

  constructor(private readonly c: Compiled) {
    const allowed = c.allowedHeaders;
    this.allowsHeader = c.mirrorRequestHeaders
      ? (name) => !isForbiddenRequestHeader(name)
      : allowed.any
        ? (name) => name !== 'authorization' || allowed.set.has(name)
        : (name) => allowed.set.has(name);
    const actual: Headers = {};
    if (c.credentials) actual[ACAC] = 'true';
    if (c.exposedHeaders.any) actual[ACEH] = '*';
    else if (c.exposedHeaders.names.length > 0) actual[ACEH] = c.exposedHeaders.names.join(', ');
    this.actualExtra = Object.freeze(actual);

    const preflight: Headers = {};
    if (c.credentials) preflight[ACAC] = 'true';
    preflight[ACAM] = c.methods.any ? '*' : c.methods.names.join(', ');
    if (c.allowedHeaders.any) preflight[ACAH] = ['*', ...c.allowedHeaders.names].join(', ');
    else if (c.allowedHeaders.names.length > 0) preflight[ACAH] = c.allowedHeaders.names.join(', ');
    if (c.maxAge !== undefined) preflight[ACMA] = String(c.maxAge);
    this.preflightExtra = Object.freeze(preflight);

    const fixed = c.originMode === 'any' ? '*' : c.fixedOrigin;
    this.staticHeaders = fixed === undefined ? EMPTY : Object.freeze({ [ACAO]: fixed, ...actual });
    this.actualVary = c.originMode === 'dynamic' ? VARY_ORIGIN : VARY_NONE;
    this.preflightVary = c.privateNetwork ? VARY_PREFLIGHT_PNA : VARY_PREFLIGHT;
    this.notCors = freezeDecision({ kind: 'not-cors', allowed: true, reason: 'not-cors', headers: this.staticHeaders, vary: this.actualVary });
    if (fixed !== undefined) {
      this.staticActual = freezeDecision({ kind: 'actual', allowed: true, reason: 'origin-allowed', headers: this.staticHeaders, vary: this.actualVary });
      const pre = { [ACAO]: fixed, ...preflight };
      this.staticPreflight = freezeDecision({ kind: 'preflight', allowed: true, reason: 'preflight-allowed', status: c.preflightStatus, headers: Object.freeze(pre), vary: this.preflightVary });
      this.staticPreflightPna = freezeDecision({ kind: 'preflight', allowed: true, reason: 'preflight-allowed', status: c.preflightStatus, headers: Object.freeze({ ...pre, [ACAPN]: 'true' }), vary: this.preflightVary });
    }
  }

  allowedActual(origin: string): Decision {
    if (this.staticActual) return this.staticActual;
    let d = this.actualByOrigin.get(origin);
    if (d === undefined) {
      d = freezeDecision({ kind: 'actual', allowed: true, reason: 'origin-allowed', headers: Object.freeze({ [ACAO]: origin, ...this.actualExtra }), vary: this.actualVary });
      remember(this.actualByOrigin, origin, d);
    }
    return d;
  }

  /** `mirrored`: the checked request header list to echo (mirror mode), or `''`. */
  allowedPreflight(origin: string, privateNetwork: boolean, mirrored: string): Decision {
    if (this.staticPreflight && mirrored === '') return privateNetwork ? this.staticPreflightPna! : this.staticPreflight;
    const cacheable = !privateNetwork && mirrored === '';
    if (cacheable) {
      const hit = this.preflightByOrigin.get(origin);
      if (hit !== undefined) return hit;
    }
    const headers: Headers = { [ACAO]: this.staticPreflight ? this.staticPreflight.headers[ACAO]! : origin };
    for (const k in this.preflightExtra) headers[k] = this.preflightExtra[k]!;
    if (mirrored !== '') headers[ACAH] = mirrored;
    if (privateNetwork) headers[ACAPN] = 'true';
    const d = freezeDecision({ kind: 'preflight', allowed: true, reason: 'preflight-allowed', status: this.c.preflightStatus, headers: Object.freeze(headers), vary: this.preflightVary });
    if (cacheable) remember(this.preflightByOrigin, origin, d);
    return d;
  }

  denied(kind: 'actual' | 'preflight', reason: OriginVerdict, detail?: string): Decision {
    if (detail !== undefined) return this.build(kind, reason, detail);
    const table = kind === 'actual' ? this.deniedActual : this.deniedPreflight;
    let d = table.get(reason);
    if (!d) table.set(reason, (d = this.build(kind, reason, undefined)));
    return d;
  }

  private build(kind: 'actual' | 'preflight', reason: OriginVerdict, detail: string | undefined): Decision {
    let headers: Readonly<Headers> = kind === 'actual' ? this.staticHeaders : EMPTY;
    if (this.c.debug) {
      headers = Object.freeze({ ...headers, [DEBUG_HEADER]: detail === undefined ? reason : `${reason}; ${detail}` });
    }
    const d: Decision =
      kind === 'actual'
        ? { kind, allowed: false, reason, headers, vary: this.actualVary }
        : { kind, allowed: false, reason, status: 403, headers, vary: this.preflightVary };
    return freezeDecision(detail === undefined ? d : { ...d, detail });
  }
}

/** Most entries a per-policy cache keeps: patterns can match unboundedly many origins. */
const MAX_CACHED = 4096;

/** Longest key a per-policy cache keeps: real origins and header lists are short, attackers' are not. */
const MAX_CACHED_KEY = 256;

/**
 * Adds to a bounded cache; wiping it when full beats LRU bookkeeping (a refill is one build each).
 * Long keys are not kept, so hostile values cannot turn the caches into megabytes.
 */
export function remember<V>(cache: Map<string, V> | Set<string>, key: string, value?: V): void {
  if (key.length > MAX_CACHED_KEY) return;
  if (cache.size >= MAX_CACHED) cache.clear();
  if (cache instanceof Map) cache.set(key, value as V);
  else cache.add(key);
}

function freezeDecision(d: Decision): Decision {
  return Object.freeze(d);
}

/** The request facts after classification, before the origin is judged. */
export type Classified =
  | { readonly kind: 'not-cors' }
  | { readonly kind: 'actual' | 'preflight'; readonly origin: string; readonly early?: undefined }
  | { readonly kind: 'actual' | 'preflight'; readonly origin?: undefined; readonly early: OriginVerdict };

/** Fetch classification plus the cheap origin checks that need no policy. */
export function classify(c: Compiled, req: RequestFacts): Classified {
  const o = requestOrigin(req);
  if (o === ABSENT) return { kind: 'not-cors' };
  const kind = isPreflight(req) ? 'preflight' : 'actual';
  return typeof o === 'string' ? { kind, origin: o } : { kind, early: EARLY[o] };
}

/** Reasons for origins denied before the policy is consulted, by marker. */
const EARLY = ['origin-malformed', 'origin-duplicated', 'origin-malformed', 'origin-too-long'] as const;
const TOO_LONG = 3;

/**
 * The request's single `Origin` value, or a marker: `ABSENT` (not CORS), `REPEATED`, `NOT_TEXT`,
 * `TOO_LONG` (see `EARLY`). No allocation: this runs on every request.
 */
export function requestOrigin(req: RequestFacts): string | 0 | 1 | 2 | 3 {
  const o = single(req?.origin);
  if (typeof o !== 'string') return o;
  if (o.length > MAX_ORIGIN_LENGTH) return TOO_LONG;
  if (o.indexOf(',') >= 0) return REPEATED;
  return o;
}

/** A preflight is `OPTIONS` with `Access-Control-Request-Method` (Origin checked by the caller). */
export function isPreflight(req: RequestFacts): boolean {
  return req.method === 'OPTIONS' && single(req.requestMethod) !== ABSENT;
}

/** The denial reason for a marker from {@link requestOrigin}. */
export function earlyReason(marker: 1 | 2 | 3): OriginVerdict {
  return EARLY[marker];
}

/** How an origin was matched, for `explain`. */
export type MatchedBy = 'wildcard' | 'exact' | 'pattern' | 'regexp' | 'predicate';

/**
 * Checks an origin against everything but predicates. Returns how it matched, or a denial
 * reason, or `undefined` when only predicates can still allow it.
 */
export function matchStatic(c: Compiled, origin: string): MatchedBy | OriginVerdict | undefined {
  if (c.originMode === 'any') return 'wildcard';
  if (c.originMode === 'fixed') return origin === c.fixedOrigin ? 'exact' : 'origin-not-allowed';
  if (c.matcher.hasExact(origin)) return 'exact';
  if (origin === 'null') return 'origin-null';
  const parts = parseRequestOrigin(origin);
  if (!parts) return 'origin-malformed';
  if (c.matcher.hasPatterns && c.matcher.matchesPattern(origin, parts)) return 'pattern';
  for (const re of c.regexps) if (re.test(origin)) return 'regexp';
  return c.predicates.length > 0 ? undefined : 'origin-not-allowed';
}

/** Policies already told that `decide` met a Promise (told once, not per request). */
const warnedAsync = new WeakSet<Compiled>();

/**
 * Runs predicates synchronously. A Promise is not awaited: the answer is
 * `origin-resolver-async` (and the Promise's rejection is swallowed, never unhandled).
 */
export function runPredicatesSync(c: Compiled, origin: string): 'predicate' | OriginVerdict {
  for (const predicate of c.predicates) {
    let answer: unknown;
    try {
      answer = predicate(origin);
    } catch (error) {
      c.onError(error, { phase: 'origin-resolver', origin });
      return isOriginCallbackError(error) ? 'origin-callback-error' : 'resolver-error';
    }
    if (answer === true) return 'predicate';
    if (answer === false) continue;
    if (isThenable(answer)) {
      answer.then(undefined, () => undefined);
      if (!warnedAsync.has(c)) {
        warnedAsync.add(c);
        c.onError(new Error('corsica: an origin function returned a Promise to decide(), which cannot wait, so the request was denied. Call policy.decideAsync() (adapters do when policy.isAsync), or declare the function `async` so the policy reports isAsync.'), { phase: 'origin-resolver', origin });
      }
      return 'origin-resolver-async';
    }
    c.onError(new TypeError(`corsica: an origin predicate returned ${typeof answer} for ${origin}; it must return true or false.`), { phase: 'origin-resolver', origin });
    return 'resolver-error';
  }
  return 'origin-not-allowed';
}

export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as PromiseLike<unknown>).then === 'function';
}

/** The preflight checks after the origin passed: method, headers, private network. */
export function finish(c: Compiled, table: DecisionTable, req: RequestFacts, kind: 'actual' | 'preflight', origin: string, verdict: OriginVerdict | MatchedBy): Decision {
  if (!isMatch(verdict)) return table.denied(kind, verdict);
  if (kind === 'actual') return table.allowedActual(origin);
  const method = checkMethod(c, req.requestMethod);
  if (method !== undefined) return table.denied('preflight', method.reason, method.detail);
  const acrh = req.requestHeaders;
  let mirrored = '';
  // browsers resend the same sorted list: a value accepted once is one lookup the next time
  if (c.mirrorRequestHeaders || typeof acrh !== 'string' || !table.acceptedRequestHeaders.has(acrh)) {
    const headers = checkHeaders(table.allowsHeader, acrh);
    if (headers.reason !== undefined) return table.denied('preflight', headers.reason, headers.detail);
    if (c.mirrorRequestHeaders) mirrored = headers.text.trim();
    else if (typeof acrh === 'string') remember(table.acceptedRequestHeaders, acrh);
  }
  const pna = c.privateNetwork && single(req.requestPrivateNetwork) === 'true';
  return table.allowedPreflight(origin, pna, mirrored);
}

export function isMatch(v: OriginVerdict | MatchedBy): v is MatchedBy {
  return v === 'wildcard' || v === 'exact' || v === 'pattern' || v === 'regexp' || v === 'predicate';
}

export interface CheckFailure {
  readonly reason: OriginVerdict;
  readonly detail?: string;
}

/**
 * Checks `Access-Control-Request-Method` byte for byte. Safelisted methods always pass:
 * a browser never needs them in `Access-Control-Allow-Methods`.
 * @see https://fetch.spec.whatwg.org/#cors-preflight-fetch (step 7)
 */
export function checkMethod(c: Compiled, value: HeaderValue): CheckFailure | undefined {
  const m = single(value);
  if (typeof m !== 'string' || m.length > MAX_METHOD_LENGTH || !isToken(m)) return { reason: 'method-malformed' };
  if (c.methods.any || SAFELISTED_METHODS.has(m) || c.methods.set.has(m)) return undefined;
  return { reason: 'method-not-allowed', detail: m };
}

/**
 * Checks every name of `Access-Control-Request-Headers` against the allowlist, in linear time.
 * `Authorization` is never covered by `*`.
 * @see https://fetch.spec.whatwg.org/#cors-preflight-fetch (step 8)
 */
export function checkHeaders(allows: (lowerName: string) => boolean, value: HeaderValue): CheckFailure | HeaderListText {
  let text: string;
  if (value === undefined || value === null) return NO_HEADERS;
  if (typeof value === 'string') text = value;
  else if (Array.isArray(value)) {
    let total = 0;
    for (const part of value) {
      if (typeof part !== 'string') return { reason: 'headers-malformed' };
      total += part.length + 1;
    }
    if (total - 1 > MAX_REQUEST_HEADERS_LENGTH) return { reason: 'headers-too-long' };
    text = value.join(',');
  } else return { reason: 'headers-malformed' };
  const verdict = checkHeaderList(text, allows);
  if (verdict.ok) return { text };
  return verdict.reason === 'header-not-allowed' ? { reason: verdict.reason, detail: verdict.name } : { reason: verdict.reason };
}

/** A request header list that passed: only tokens, commas, spaces and tabs, so safe to echo. */
export interface HeaderListText {
  readonly reason?: undefined;
  readonly text: string;
}

const NO_HEADERS: HeaderListText = Object.freeze({ text: '' });
