/**
 * The decisions a policy can give, built once: every allowed decision per origin and every
 * denial per reason are frozen objects reused across requests, so the fast path allocates
 * nothing.
 * @module
 */
import type { CompiledConfig } from '../compiled.js';
import { ACAC, ACAH, ACAM, ACAO, ACAPN, ACEH, ACMA, ACRH, ACRM, ACRPN, DEBUG_HEADER } from '../spec.js';
import type { ActualDecision, Decision, DenialReason, NotCorsDecision, PreflightDecision } from '../types.js';

type Headers = Record<string, string>;

const EMPTY: Readonly<Headers> = Object.freeze({});
const VARY_NONE: readonly string[] = Object.freeze([]);
const VARY_ORIGIN: readonly string[] = Object.freeze(['Origin']);
const VARY_PREFLIGHT: readonly string[] = Object.freeze(['Origin', ACRM, ACRH]);
const VARY_PREFLIGHT_PNA: readonly string[] = Object.freeze(['Origin', ACRM, ACRH, ACRPN]);

/** Precomputed pieces of every decision that does not echo the request's origin. */
export class DecisionTable {
  readonly notCors: NotCorsDecision;
  private readonly deniedActualByReason = new Map<string, ActualDecision>();
  private readonly deniedPreflightByReason = new Map<string, PreflightDecision>();
  /** Headers of an allowed actual response, without ACAO. */
  private readonly actualExtra: Readonly<Headers>;
  /** Headers of an allowed preflight response, without ACAO. */
  private readonly preflightExtra: Readonly<Headers>;
  private readonly staticActual: ActualDecision | undefined;
  private readonly staticPreflight: PreflightDecision | undefined;
  private readonly staticPreflightPna: PreflightDecision | undefined;
  /** Headers every non-preflight response gets in `any`/`fixed` mode. */
  private readonly staticHeaders: Readonly<Headers>;
  readonly actualVary: readonly string[];
  readonly preflightVary: readonly string[];
  /** Allowed decisions per origin, built once and frozen: the fast path allocates nothing. Bounded. */
  private readonly actualByOrigin = new Map<string, ActualDecision>();
  private readonly preflightByOrigin = new Map<string, PreflightDecision>();

  constructor(private readonly c: CompiledConfig) {
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

  allowedActual(origin: string): ActualDecision {
    if (this.staticActual) return this.staticActual;
    let d = this.actualByOrigin.get(origin);
    if (d === undefined) {
      d = freezeDecision({ kind: 'actual', allowed: true, reason: 'origin-allowed', headers: Object.freeze({ [ACAO]: origin, ...this.actualExtra }), vary: this.actualVary });
      remember(this.actualByOrigin, origin, d);
    }
    return d;
  }

  /** `mirrored`: the checked request header list to echo (mirror mode), or `''`. */
  allowedPreflight(origin: string, privateNetwork: boolean, mirrored: string): PreflightDecision {
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

  /** A denied actual request: the app still answers, without CORS headers for this origin. */
  deniedActual(reason: DenialReason): ActualDecision {
    let d = this.deniedActualByReason.get(reason);
    if (d === undefined) {
      d = freezeDecision({ kind: 'actual', allowed: false, reason, headers: this.debugged(this.staticHeaders, reason, undefined), vary: this.actualVary });
      this.deniedActualByReason.set(reason, d);
    }
    return d;
  }

  /** A denied preflight: 403 without CORS headers. `detail`: the refused method or header name. */
  deniedPreflight(reason: DenialReason, detail?: string): PreflightDecision {
    const build = (): PreflightDecision => {
      const d: PreflightDecision = { kind: 'preflight', allowed: false, reason, status: 403, headers: this.debugged(EMPTY, reason, detail), vary: this.preflightVary };
      return freezeDecision(detail === undefined ? d : { ...d, detail });
    };
    if (detail !== undefined) return build();
    let d = this.deniedPreflightByReason.get(reason);
    if (d === undefined) this.deniedPreflightByReason.set(reason, (d = build()));
    return d;
  }

  /** A denial for either kind, by the request's kind. */
  denied(kind: 'actual' | 'preflight', reason: DenialReason): ActualDecision | PreflightDecision {
    return kind === 'actual' ? this.deniedActual(reason) : this.deniedPreflight(reason);
  }

  /** `headers` plus the debug header saying why, in debug mode; never an allow header. */
  private debugged(headers: Readonly<Headers>, reason: DenialReason, detail: string | undefined): Readonly<Headers> {
    if (!this.c.debug) return headers;
    return Object.freeze({ ...headers, [DEBUG_HEADER]: detail === undefined ? reason : `${reason}; ${detail}` });
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

function freezeDecision<D extends Decision>(d: D): D {
  return Object.freeze(d);
}
