/**
 * The `origin` option: `'*'`, one entry or a list of entries (exact origins and patterns,
 * anchored RegExps, predicates), sorted into what the request half matches with.
 * @module
 */
import type { CompiledConfig } from '../compiled.js';
import type { OriginEntry } from '../request/origin-check.js';
import { StaticOriginMatcher, isRequestScoped } from '../request/origin-check.js';
import type { OriginPredicate } from '../types.js';
import { parseConfiguredOrigin } from './origin-entry.js';
import type { ProblemList } from './problems.js';
import { show } from './problems.js';
import { checkRegExp } from './regexp.js';

/** The origin part of a compiled policy, and what `config` shows of it. */
export type CompiledOrigins = Pick<CompiledConfig, 'originMode' | 'fixedOrigin' | 'matcher' | 'regexps' | 'predicates' | 'requestScopedPredicates'> & {
  /** Exact origins, canonical. */
  readonly exactOrigins: readonly string[];
  /** Patterns as written. */
  readonly patterns: readonly string[];
  /** An origin function is declared `async`. */
  readonly isAsync: boolean;
};

/** Validates `origin`; every problem goes to `p`. */
export function validateOrigin(raw: unknown, credentials: boolean, allowInsecure: boolean, p: ProblemList): CompiledOrigins {
  let originMode: CompiledConfig['originMode'] = 'dynamic';
  const entries: OriginEntry[] = [];
  const patterns: string[] = [];
  const regexps: RegExp[] = [];
  const predicates: OriginPredicate[] = [];
  const requestScopedPredicates: OriginPredicate[] = [];
  const ctx = { credentials, allowInsecure, problems: p };
  const addEntry = (value: unknown, path: string): void => {
    if (typeof value === 'string') {
      const entry = parseConfiguredOrigin(value, path, ctx);
      if (!entry) return;
      entries.push(entry);
      if (entry.kind !== 'exact') patterns.push(value);
    } else if (value instanceof RegExp) {
      if (checkRegExp(value, path, p)) regexps.push(value);
    } else if (typeof value === 'function') {
      if (value.length >= 2) {
        p.add('origin.callback-style', path, `\`${path}\` is a callback-style function \`(origin, callback)\`; Corsica's predicates return their answer.`, 'Return true or false (or a Promise of it): `(origin) => allowed.has(origin)`. The framework adapters also accept the callback style of their peers.');
        return;
      }
      (isRequestScoped(value) ? requestScopedPredicates : predicates).push(value as OriginPredicate);
    } else {
      p.add('option.invalid-type', path, `\`${path}\` must be an origin string, a RegExp or a function, got ${show(value)}.`, value === true ? 'Corsica never reflects every origin: list your origins, or write `origin: "*"` for a public API without credentials.' : 'List origins such as "https://app.example.com".');
    }
  };
  if (raw === undefined) {
    p.add('origin.missing', 'origin', '`origin` is required: Corsica has no default and never allows every origin implicitly.', 'List the origins that may call you, e.g. `origin: ["https://app.example.com"]`, write `origin: "*"` on purpose for a public API without credentials, or use `policyFromEnv(process.env)` (development allows localhost).');
  } else if (raw === '*' || (Array.isArray(raw) && raw.length === 1 && raw[0] === '*')) {
    originMode = 'any';
    if (credentials) {
      p.add('origin.wildcard-with-credentials', 'origin', '`origin: "*"` cannot be combined with `credentials: true`: browsers reject it, and reflecting every origin instead would let any site read your users\' data.', 'List the origins allowed to send credentials, or drop `credentials`.');
    }
  } else if (Array.isArray(raw)) {
    if (raw.length === 0) p.add('origin.empty-list', 'origin', '`origin` is an empty list, so no origin could ever be allowed.', 'List at least one origin.');
    raw.forEach((value, i) => {
      if (value === '*') {
        p.add('origin.wildcard-in-list', `origin[${i}]`, '`origin` mixes "*" with other entries; "*" already allows everything, so the list is a mistake.', 'Either write `origin: "*"` alone, or remove "*" from the list.');
      } else addEntry(value, `origin[${i}]`);
    });
  } else addEntry(raw, 'origin');

  let fixedOrigin: string | undefined;
  const onlyOneExact = entries.length === 1 && entries[0]!.kind === 'exact' && regexps.length === 0 && predicates.length === 0 && requestScopedPredicates.length === 0;
  if (originMode !== 'any' && onlyOneExact) {
    originMode = 'fixed';
    fixedOrigin = (entries[0] as { origin: string }).origin;
  }
  return {
    originMode,
    fixedOrigin,
    matcher: new StaticOriginMatcher(entries),
    regexps,
    predicates,
    requestScopedPredicates,
    exactOrigins: entries.flatMap((e) => (e.kind === 'exact' ? [e.origin] : [])),
    patterns,
    isAsync: [...predicates, ...requestScopedPredicates].some(isAsyncFunction),
  };
}

/** Reports whether `fn` is declared `async` (what makes a policy `isAsync`). */
export function isAsyncFunction(fn: unknown): boolean {
  return typeof fn === 'function' && fn.constructor?.name === 'AsyncFunction';
}
