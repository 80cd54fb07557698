/**
 * What `config/` produces and `request/` reads: a policy's options after validation, in the
 * shapes deciding needs. Types only; nothing here runs.
 * @module
 */
import type { ConfigWarning } from './config/problems.js';
import type { CompiledGuard } from './request/guard.js';
import type { StaticOriginMatcher } from './request/origin-check.js';
import type { Decision, ErrorContext, NormalizedConfig, OriginPredicate, Policy, RequestFacts } from './types.js';

/** A name list after validation. */
export interface CompiledList {
  /** `'*'` was given. */
  readonly any: boolean;
  /** Names as written (de-duplicated case-insensitively, or byte-exactly for methods). */
  readonly names: readonly string[];
  /** Names for lookup: lower case for headers, byte-exact for methods. */
  readonly set: ReadonlySet<string>;
}

/** The resolver cache's limits (`originCache`). */
export interface CacheLimits {
  readonly max: number;
  readonly ttl: number;
  readonly failureTtl: number;
}

/** Everything deciding needs, computed once by `compile`. */
export interface CompiledConfig {
  /** `any` for `'*'`, `fixed` for one exact origin and nothing else, `dynamic` otherwise. */
  readonly originMode: 'any' | 'fixed' | 'dynamic';
  readonly fixedOrigin: string | undefined;
  readonly matcher: StaticOriginMatcher;
  readonly regexps: readonly RegExp[];
  /** Predicates whose answers the resolver cache may keep, in the order given. */
  readonly predicates: readonly OriginPredicate[];
  /** Predicates that answer for the request being decided: asked every time, never cached. */
  readonly requestScopedPredicates: readonly OriginPredicate[];
  readonly credentials: boolean;
  readonly methods: CompiledList;
  readonly allowedHeaders: CompiledList;
  readonly mirrorRequestHeaders: boolean;
  readonly exposedHeaders: CompiledList;
  readonly maxAge: number | undefined;
  readonly preflightStatus: 200 | 204;
  readonly privateNetwork: boolean;
  readonly debug: boolean;
  readonly isAsync: boolean;
  readonly onDecision: ((decision: Decision, request: RequestFacts) => void) | undefined;
  /** The user's `onError`, wrapped so that it never throws. */
  readonly onError: (error: unknown, context: ErrorContext) => void;
  readonly cache: CacheLimits | undefined;
  readonly resolverTimeout: number;
  readonly fallback: Policy | undefined;
  /** The origin guard, when on. */
  readonly guard: CompiledGuard | undefined;
  readonly warnings: readonly ConfigWarning[];
  readonly config: NormalizedConfig;
}
