/**
 * Option validation and compilation: everything `createPolicy` does once, so that deciding a
 * request only reads precomputed values.
 * @module
 */
import { ProblemList, show } from './errors.js';
import type { OriginEntry } from './origin.js';
import { StaticOriginMatcher, parseConfiguredOrigin } from './origin.js';
import {
  ALWAYS_READABLE_RESPONSE_HEADERS,
  FORBIDDEN_METHODS,
  MAX_AGE_CAPS,
  MAX_AGE_LIMIT,
  NEVER_EXPOSED_RESPONSE_HEADERS,
  NORMALIZED_METHODS,
  SAFELISTED_METHODS,
  isForbiddenRequestHeader,
} from './spec.js';
import { isToken } from './token.js';
import type { CorsOptions, Decision, ErrorContext, NormalizedConfig, OriginPredicate, Policy, RequestFacts } from './types.js';
import type { ConfigWarning } from './errors.js';

const KNOWN_OPTIONS = new Set([
  'origin',
  'credentials',
  'methods',
  'allowedHeaders',
  'mirrorRequestHeaders',
  'exposedHeaders',
  'maxAge',
  'preflightStatus',
  'optionsSuccessStatus',
  'privateNetwork',
  'dangerouslyAllowInsecureOrigins',
  'onDecision',
  'onError',
  'onWarning',
  'reportOnly',
  'debug',
  'originCache',
  'resolverTimeout',
]);

/** Names used by other CORS libraries, with what to write in Corsica instead. */
const PEER_OPTION_HINTS: Readonly<Record<string, string>> = {
  origins: 'Write `origin` (one option, a string or a list).',
  allowOrigin: 'Write `origin`.',
  allowOrigins: 'Write `origin`.',
  allowMethods: 'Write `methods`.',
  allowHeaders: 'Write `allowedHeaders`.',
  allowedheaders: 'Write `allowedHeaders`.',
  exposeHeaders: 'Write `exposedHeaders`.',
  exposedheaders: 'Write `exposedHeaders`.',
  allowCredentials: 'Write `credentials`.',
  maxage: 'Write `maxAge`.',
  preflightContinue: 'Remove it: Corsica answers preflights itself, before routing and auth, and never passes them on.',
  strictPreflight: 'Remove it: Corsica always checks preflights strictly.',
  allowPrivateNetwork: 'Write `privateNetwork`.',
  keepHeadersOnError: 'Remove it: adapters always keep CORS headers on error responses.',
  secureContext: 'Remove it: Corsica does not set cross-origin isolation headers.',
};

export const DEFAULT_METHODS: readonly string[] = Object.freeze(['GET', 'HEAD', 'POST']);
export const DEFAULT_CACHE = Object.freeze({ max: 1000, ttl: 60_000, failureTtl: 1000 });
export const DEFAULT_RESOLVER_TIMEOUT = 2000;

/** A name list after validation. */
export interface CompiledList {
  /** `'*'` was given. */
  readonly any: boolean;
  /** Names as written (de-duplicated case-insensitively, or byte-exactly for methods). */
  readonly names: readonly string[];
  /** Names for lookup: lower case for headers, byte-exact for methods. */
  readonly set: ReadonlySet<string>;
}

/** Everything deciding needs, computed once. */
export interface Compiled {
  readonly originMode: 'any' | 'fixed' | 'dynamic';
  readonly fixedOrigin: string | undefined;
  readonly matcher: StaticOriginMatcher;
  readonly regexps: readonly RegExp[];
  readonly predicates: readonly OriginPredicate[];
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
  readonly onError: (error: unknown, context: ErrorContext) => void;
  readonly cache: { readonly max: number; readonly ttl: number; readonly failureTtl: number } | undefined;
  readonly resolverTimeout: number;
  readonly fallback: Policy | undefined;
  readonly warnings: readonly ConfigWarning[];
  readonly config: NormalizedConfig;
}

/** Reports whether `value` looks like a compiled policy. */
export function isPolicy(value: unknown): value is Policy {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Policy).decide === 'function' &&
    typeof (value as Policy).decideAsync === 'function' &&
    typeof (value as Policy).config === 'object'
  );
}

function defaultOnError(error: unknown, context: ErrorContext): void {
  if (context.phase === 'adapter' || context.phase === 'on-decision') {
    // Reports about the set-up or a logging hook: the request itself was answered as decided.
    console.error(error instanceof Error ? error.message : error);
    return;
  }
  const where = context.origin ? ` for origin ${context.origin}` : '';
  console.error(`corsica: ${context.phase} failed${where}; the request was denied.`, error);
}

function isAsyncFunction(fn: unknown): boolean {
  return typeof fn === 'function' && fn.constructor?.name === 'AsyncFunction';
}

/**
 * Validates `options` and compiles them. Throws `CorsConfigError` listing every problem.
 * `compileFallback` compiles a report-only fallback (passed in to avoid an import cycle).
 */
export function compile(options: unknown, compileFallback: (o: CorsOptions) => Policy): Compiled {
  const p = new ProblemList();
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    p.add('option.invalid-type', 'options', `\`createPolicy\` expects an options object, got ${show(options)}.`, 'Pass an object such as `{ origin: "https://app.example.com" }`.');
    p.throwIfAny();
  }
  const o = options as Record<string, unknown>;

  for (const key of Object.keys(o)) {
    if (KNOWN_OPTIONS.has(key)) continue;
    const hint = PEER_OPTION_HINTS[key] ?? PEER_OPTION_HINTS[key.toLowerCase()];
    p.add('option.unknown', key, `unknown option \`${key}\`.`, hint ?? `Remove it, or check its spelling against: ${[...KNOWN_OPTIONS].join(', ')}.`);
  }

  const credentials = readBoolean(o, 'credentials', p);
  const allowInsecure = readBoolean(o, 'dangerouslyAllowInsecureOrigins', p);

  // --- origin ---
  let originMode: Compiled['originMode'] = 'dynamic';
  const entries: OriginEntry[] = [];
  const patternsAsWritten: string[] = [];
  const regexps: RegExp[] = [];
  const predicates: OriginPredicate[] = [];
  const ctx = { credentials, allowInsecure, problems: p };
  const addEntry = (value: unknown, path: string): void => {
    if (typeof value === 'string') {
      const entry = parseConfiguredOrigin(value, path, ctx);
      if (!entry) return;
      entries.push(entry);
      if (entry.kind !== 'exact') patternsAsWritten.push(value);
    } else if (value instanceof RegExp) {
      if (checkRegExp(value, path, p)) regexps.push(value);
    } else if (typeof value === 'function') {
      if (value.length >= 2) {
        p.add('origin.callback-style', path, `\`${path}\` is a callback-style function \`(origin, callback)\`; Corsica's predicates return their answer.`, 'Return true or false (or a Promise of it): `(origin) => allowed.has(origin)`. The framework adapters also accept the callback style of their peers.');
        return;
      }
      predicates.push(value as OriginPredicate);
    } else {
      p.add('option.invalid-type', path, `\`${path}\` must be an origin string, a RegExp or a function, got ${show(value)}.`, value === true ? 'Corsica never reflects every origin: list your origins, or write `origin: "*"` for a public API without credentials.' : 'List origins such as "https://app.example.com".');
    }
  };
  const origin = o.origin;
  if (origin === undefined) {
    p.add('origin.missing', 'origin', '`origin` is required: Corsica has no default and never allows every origin implicitly.', 'List the origins that may call you, e.g. `origin: ["https://app.example.com"]`, write `origin: "*"` on purpose for a public API without credentials, or use `policyFromEnv(process.env)` (development allows localhost).');
  } else if (origin === '*' || (Array.isArray(origin) && origin.length === 1 && origin[0] === '*')) {
    originMode = 'any';
    if (credentials) {
      p.add('origin.wildcard-with-credentials', 'origin', '`origin: "*"` cannot be combined with `credentials: true`: browsers reject it, and reflecting every origin instead would let any site read your users\' data.', 'List the origins allowed to send credentials, or drop `credentials`.');
    }
  } else if (Array.isArray(origin)) {
    if (origin.length === 0) {
      p.add('origin.empty-list', 'origin', '`origin` is an empty list, so no origin could ever be allowed.', 'List at least one origin.');
    }
    origin.forEach((value, i) => {
      if (value === '*') {
        p.add('origin.wildcard-in-list', `origin[${i}]`, '`origin` mixes "*" with other entries; "*" already allows everything, so the list is a mistake.', 'Either write `origin: "*"` alone, or remove "*" from the list.');
      } else addEntry(value, `origin[${i}]`);
    });
  } else {
    addEntry(origin, 'origin');
  }
  const isAsyncOrigin = predicates.some(isAsyncFunction);
  let fixedOrigin: string | undefined;
  if (originMode !== 'any' && entries.length === 1 && entries[0]!.kind === 'exact' && regexps.length === 0 && predicates.length === 0) {
    originMode = 'fixed';
    fixedOrigin = entries[0]!.origin;
  }

  // --- methods, headers ---
  const methods = compileList(o, 'methods', p, credentials, {
    defaultNames: DEFAULT_METHODS,
    normalize: (m) => (NORMALIZED_METHODS.has(m.toUpperCase()) ? m.toUpperCase() : m),
    key: (m) => m,
    check: (m, path) => {
      if (FORBIDDEN_METHODS.has(m.toUpperCase())) {
        p.add('methods.forbidden', path, `\`${path}\` is ${show(m)}, a method browsers forbid scripts to use.`, `Remove ${show(m)}.`);
        return false;
      }
      return true;
    },
  });
  if (!methods.any && o.methods !== undefined && methods.names.length > 0 && methods.names.every((m) => SAFELISTED_METHODS.has(m))) {
    p.warn('methods.safelisted', 'methods', '`methods` lists only GET, HEAD and POST, which browsers never need allowed.', 'Remove `methods`, or list the other methods your API uses (PUT, PATCH, DELETE).');
  }
  const allowedHeaders = compileList(o, 'allowedHeaders', p, credentials, {
    defaultNames: [],
    normalize: (h) => h,
    key: (h) => h.toLowerCase(),
    allowWildcardWith: (key) => key === 'authorization',
    check: (h, path) => {
      if (isForbiddenRequestHeader(h.toLowerCase())) {
        p.add('allowedHeaders.forbidden', path, `\`${path}\` is ${show(h)}, a header browsers never let scripts set, so allowing it does nothing.`, `Remove ${show(h)}.`);
        return false;
      }
      return true;
    },
  });
  const mirrorRequestHeaders = readBoolean(o, 'mirrorRequestHeaders', p);
  if (mirrorRequestHeaders && o.allowedHeaders !== undefined) {
    p.add('option.conflict', 'mirrorRequestHeaders', '`mirrorRequestHeaders` and `allowedHeaders` both decide which request headers pass.', 'Keep `allowedHeaders` (a list is stricter) and remove `mirrorRequestHeaders`.');
  }
  if (allowedHeaders.any && !allowedHeaders.set.has('authorization')) {
    p.warn('allowedHeaders.wildcard-excludes-authorization', 'allowedHeaders', '`allowedHeaders: "*"` does not cover `Authorization`: browsers require it to be listed by name.', 'If clients send `Authorization`, write `allowedHeaders: ["*", "Authorization"]`.');
  }
  const exposedHeaders = compileList(o, 'exposedHeaders', p, credentials, {
    defaultNames: [],
    normalize: (h) => h,
    key: (h) => h.toLowerCase(),
    check: (h, path) => {
      const lower = h.toLowerCase();
      if (NEVER_EXPOSED_RESPONSE_HEADERS.has(lower)) {
        p.add('exposedHeaders.forbidden', path, `\`${path}\` is ${show(h)}, which browsers never expose to scripts.`, `Remove ${show(h)}; cookies are sent by the browser, not read by scripts.`);
        return false;
      }
      if (ALWAYS_READABLE_RESPONSE_HEADERS.has(lower)) {
        p.warn('exposedHeaders.always-readable', path, `\`${path}\` is ${show(h)}, which scripts can always read.`, `Remove ${show(h)}.`);
      }
      return true;
    },
  });

  // --- numbers and flags ---
  let maxAge: number | undefined;
  if (o.maxAge !== undefined) {
    const v = o.maxAge;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > MAX_AGE_LIMIT) {
      p.add('maxAge.invalid', 'maxAge', `\`maxAge\` must be a whole number of seconds from 0 to ${MAX_AGE_LIMIT}, got ${show(v)}.`, 'Use e.g. `maxAge: 7200` (Chromium\'s cap); browsers ignore larger values.');
    } else {
      maxAge = v;
      if (v > MAX_AGE_CAPS.chromium) {
        p.warn('maxAge.above-browser-cap', 'maxAge', `\`maxAge\` is ${v}, but Chromium caches preflights for at most ${MAX_AGE_CAPS.chromium} s and Safari for ${MAX_AGE_CAPS.safari} s.`, `Use ${MAX_AGE_CAPS.chromium} or less unless you target Firefox only.`);
      }
    }
  }
  let preflightStatus: 200 | 204 = 204;
  for (const key of ['preflightStatus', 'optionsSuccessStatus'] as const) {
    const v = o[key];
    if (v === undefined) continue;
    if (v !== 200 && v !== 204) {
      p.add('preflightStatus.invalid', key, `\`${key}\` must be 204 or 200, got ${show(v)}.`, 'Use 204 (the default) or 200 for very old clients.');
    }
  }
  if (o.preflightStatus !== undefined && o.optionsSuccessStatus !== undefined && o.preflightStatus !== o.optionsSuccessStatus) {
    p.add('option.conflict', 'optionsSuccessStatus', '`preflightStatus` and its alias `optionsSuccessStatus` disagree.', 'Keep only `preflightStatus`.');
  }
  const status = o.preflightStatus ?? o.optionsSuccessStatus;
  if (status === 200) preflightStatus = 200;

  const privateNetwork = readBoolean(o, 'privateNetwork', p);
  if (privateNetwork) {
    p.warn('privateNetwork.legacy', 'privateNetwork', '`privateNetwork` answers the legacy Private Network Access preflight; Chrome replaced it with the Local Network Access permission prompt, which no header can skip.', 'Keep it only for old Chromium versions; it does not affect current browsers.');
  }
  const debug = readBoolean(o, 'debug', p);
  const onDecision = readFunction(o, 'onDecision', p) as Compiled['onDecision'];
  const userOnError = (readFunction(o, 'onError', p) as Compiled['onError'] | undefined) ?? defaultOnError;
  // A reporter that throws must never turn a decision into an exception or a hung request.
  const onError: Compiled['onError'] = (error, context) => {
    try {
      userOnError(error, context);
    } catch {
      // nothing sensible is left to report to
    }
  };
  let onWarning: ((w: ConfigWarning) => void) | undefined = (w) => console.warn(`${w.message} Fix: ${w.fix}`);
  if (o.onWarning === false) onWarning = undefined;
  else if (o.onWarning !== undefined) onWarning = readFunction(o, 'onWarning', p) as typeof onWarning;

  let cache: Compiled['cache'] = DEFAULT_CACHE;
  if (o.originCache === false) cache = undefined;
  else if (o.originCache !== undefined) {
    const c = o.originCache as Record<string, unknown>;
    if (typeof c !== 'object' || c === null) {
      p.add('option.invalid-type', 'originCache', '`originCache` must be an object `{ max, ttl, failureTtl }` or false.', 'Write e.g. `originCache: { max: 1000, ttl: 60000 }`.');
    } else {
      const max = c.max ?? DEFAULT_CACHE.max;
      const ttl = c.ttl ?? DEFAULT_CACHE.ttl;
      // by default no longer than answers are kept: `ttl: 0` (always ask) asks again after failures too
      const failureTtl = c.failureTtl ?? (typeof ttl === 'number' ? Math.min(DEFAULT_CACHE.failureTtl, ttl) : DEFAULT_CACHE.failureTtl);
      if (typeof max !== 'number' || !Number.isInteger(max) || max < 1) {
        p.add('option.out-of-range', 'originCache.max', '`originCache.max` must be a whole number of entries, at least 1.', 'Use e.g. 1000, or `originCache: false` to disable caching.');
      }
      if (typeof ttl !== 'number' || !Number.isFinite(ttl) || ttl < 0) {
        p.add('option.out-of-range', 'originCache.ttl', '`originCache.ttl` must be a number of milliseconds, 0 or more.', 'Use e.g. 60000.');
      }
      if (typeof failureTtl !== 'number' || !Number.isFinite(failureTtl) || failureTtl < 0) {
        p.add('option.out-of-range', 'originCache.failureTtl', '`originCache.failureTtl` must be a number of milliseconds, 0 or more: how long a failed lookup is denied without asking the resolver again.', 'Use e.g. 1000, or 0 to ask again on the next request.');
      }
      for (const key of Object.keys(c)) {
        if (key !== 'max' && key !== 'ttl' && key !== 'failureTtl') p.add('option.unknown', `originCache.${key}`, `\`originCache\` has no option \`${key}\`.`, 'Use `max`, `ttl` and `failureTtl`.');
      }
      cache = { max: max as number, ttl: ttl as number, failureTtl: failureTtl as number };
    }
  }
  let resolverTimeout = DEFAULT_RESOLVER_TIMEOUT;
  if (o.resolverTimeout !== undefined) {
    const v = o.resolverTimeout;
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
      p.add('option.out-of-range', 'resolverTimeout', '`resolverTimeout` must be a positive number of milliseconds.', 'Use e.g. 2000.');
    } else resolverTimeout = v;
  }

  let fallback: Policy | undefined;
  if (o.reportOnly !== undefined) {
    const r = o.reportOnly as Record<string, unknown> | null;
    if (typeof r !== 'object' || r === null || r.fallback === undefined) {
      p.add('reportOnly.missing-fallback', 'reportOnly', '`reportOnly` needs `fallback`: the permissive behaviour responses keep while the configured policy is only reported.', 'Write e.g. `reportOnly: { fallback: { origin: "*" } }` or your previous options.');
    } else if (isPolicy(r.fallback)) {
      fallback = r.fallback;
    } else if (typeof r.fallback === 'object' && r.fallback !== null && (r.fallback as Record<string, unknown>).reportOnly !== undefined) {
      p.add('option.conflict', 'reportOnly.fallback.reportOnly', '`reportOnly.fallback` is itself report-only; the fallback is what responses follow, so it must enforce.', 'Remove `reportOnly` from the fallback options.');
    } else {
      try {
        fallback = compileFallback(r.fallback as CorsOptions);
      } catch (error) {
        const inner = (error as { problems?: readonly { code: never; path: string; message: string; fix: string }[] }).problems;
        if (!inner) throw error;
        for (const q of inner) p.add(q.code, `reportOnly.fallback.${q.path}`, `in \`reportOnly.fallback\`: ${q.message.replace(/^corsica: /, '')}`, q.fix);
      }
    }
    if (onDecision === undefined) {
      p.add('reportOnly.missing-reporter', 'onDecision', '`reportOnly` reports through `onDecision`, which is not set: nothing would be reported.', 'Add `onDecision: (decision) => log(decision.wouldHave)`.');
    }
  }

  p.throwIfAny();
  if (onWarning) for (const w of p.warnings) onWarning(w);

  const config: NormalizedConfig = Object.freeze({
    originMode,
    origins: Object.freeze(entries.filter((e) => e.kind === 'exact').map((e) => (e as { origin: string }).origin)),
    originPatterns: Object.freeze([...patternsAsWritten]),
    originRegExps: Object.freeze([...regexps]),
    originPredicates: predicates.length,
    credentials,
    methods: methods.any ? '*' : methods.names,
    allowedHeaders: Object.freeze(allowedHeaders.any ? ['*', ...allowedHeaders.names] : [...allowedHeaders.names]),
    mirrorRequestHeaders,
    exposedHeaders: Object.freeze(exposedHeaders.any ? ['*'] : [...exposedHeaders.names]),
    maxAge,
    preflightStatus,
    privateNetwork,
    reportOnly: fallback !== undefined,
    debug,
  });
  return Object.freeze({
    originMode,
    fixedOrigin,
    matcher: new StaticOriginMatcher(entries),
    regexps,
    predicates,
    credentials,
    methods,
    allowedHeaders,
    mirrorRequestHeaders,
    exposedHeaders,
    maxAge,
    preflightStatus,
    privateNetwork,
    debug,
    isAsync: isAsyncOrigin || (fallback?.isAsync ?? false),
    onDecision,
    onError,
    cache,
    resolverTimeout,
    fallback,
    warnings: Object.freeze([...p.warnings]),
    config,
  });
}

function readBoolean(o: Record<string, unknown>, key: string, p: ProblemList): boolean {
  const v = o[key];
  if (v === undefined) return false;
  if (typeof v !== 'boolean') {
    p.add('option.invalid-type', key, `\`${key}\` must be true or false, got ${show(v)}.`, `Write \`${key}: true\` or leave it out.`);
    return false;
  }
  return v;
}

function readFunction(o: Record<string, unknown>, key: string, p: ProblemList): ((...args: never[]) => unknown) | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'function') {
    p.add('option.invalid-type', key, `\`${key}\` must be a function, got ${show(v)}.`, `Pass a function or leave \`${key}\` out.`);
    return undefined;
  }
  return v as (...args: never[]) => unknown;
}

interface ListRules {
  readonly defaultNames: readonly string[];
  readonly normalize: (name: string) => string;
  readonly key: (name: string) => string;
  readonly check: (name: string, path: string) => boolean;
  /** Names that may stand beside `'*'` in the list (Authorization beside `*` in allowedHeaders). */
  readonly allowWildcardWith?: (key: string) => boolean;
}

type ListOption = 'methods' | 'allowedHeaders' | 'exposedHeaders';

function compileList(o: Record<string, unknown>, option: ListOption, p: ProblemList, credentials: boolean, rules: ListRules): CompiledList {
  const raw = o[option];
  let items: { value: unknown; path: string }[];
  if (raw === undefined) {
    items = rules.defaultNames.map((value) => ({ value, path: option }));
  } else if (typeof raw === 'string') {
    items = raw.split(',').map((value) => ({ value: value.trim(), path: option }));
    if (raw.trim() === '') items = [];
  } else if (Array.isArray(raw)) {
    items = raw.map((value, i) => ({ value: typeof value === 'string' ? value.trim() : value, path: `${option}[${i}]` }));
  } else {
    p.add('option.invalid-type', option, `\`${option}\` must be a list of names or a comma-separated string, got ${show(raw)}.`, `Write e.g. \`${option}: ${option === 'methods' ? '["GET", "PUT"]' : '["Content-Type"]'}\`.`);
    items = [];
  }
  let any = false;
  const names: string[] = [];
  const set = new Set<string>();
  for (const { value, path } of items) {
    if (value === '*') {
      any = true;
      if (credentials) {
        p.add(`${option}.wildcard-with-credentials`, path, `\`${option}\` contains "*", which browsers treat as the literal name "*" when credentials are sent.`, `List the ${option === 'methods' ? 'methods' : 'header names'} instead of "*", or drop \`credentials\`.`);
      }
      continue;
    }
    if (typeof value !== 'string' || !isToken(value)) {
      p.add(`${option}.invalid-token`, path, `\`${path}\` is ${show(value)}, which is not a valid HTTP ${option === 'methods' ? 'method' : 'header name'}.`, 'Use letters, digits and -, e.g. "X-Request-Id"; no spaces, colons or commas inside a name.');
      continue;
    }
    if (!rules.check(value, path)) continue;
    const name = rules.normalize(value);
    const key = rules.key(name);
    if (set.has(key)) continue;
    set.add(key);
    names.push(name);
  }
  if (any && names.length > 0) {
    const extra = names.filter((n) => !rules.allowWildcardWith?.(rules.key(n)));
    if (extra.length > 0) {
      p.add(`${option}.wildcard-in-list`, option, `\`${option}\` mixes "*" with names (${extra.join(', ')}); "*" already covers them.`, option === 'allowedHeaders' ? 'Write `["*"]`, or `["*", "Authorization"]` if clients send Authorization.' : 'Write "*" alone, or list names only.');
    }
  }
  return { any, names: Object.freeze(names), set };
}

/**
 * RegExps are accepted only when they cannot match more than meant: anchored at both ends
 * (top-level alternatives included), no stateful flags, no bare `.` meant as a dot.
 */
function checkRegExp(re: RegExp, path: string, p: ProblemList): boolean {
  const src = re.source;
  let ok = true;
  if (re.global || re.sticky) {
    p.add('origin.regexp-stateful', path, `\`${path}\` ${re} has the g or y flag, which makes \`test\` remember its last position and fail every other call.`, `Drop the flag: /${src}/${re.flags.replace(/[gy]/g, '')}.`);
    ok = false;
  }
  const topLevelAlternation = hasTopLevelBar(src);
  if (!src.startsWith('^') || !src.endsWith('$') || src.endsWith('\\$') || topLevelAlternation) {
    const inner = src.replace(/^\^/, '').replace(/\$$/, '');
    p.add('origin.regexp-unanchored', path, `\`${path}\` ${re} is not anchored at both ends${topLevelAlternation ? ' (a top-level `|` escapes the anchors)' : ''}, so an attacker's origin can contain a match.`, `Write /^(?:${inner})$/, or better, list the origins or use "https://*.example.com".`);
    ok = false;
  }
  const dot = findBareDot(src);
  if (dot >= 0) {
    p.add('origin.regexp-unescaped-dot', path, `\`${path}\` ${re} has an unescaped \`.\` at position ${dot}, which matches any character: "app.example.com" also matches "appxexample.com".`, 'Escape it as `\\.`; write `.*` or `.+` only where any characters are meant.');
    ok = false;
  }
  return ok;
}

/**
 * Calls `visit` for each character of a RegExp source that is a metacharacter in its own right:
 * not escaped and not inside a character class. `visit` returns true to stop.
 */
function scanMeta(src: string, visit: (c: string, i: number) => boolean): void {
  let inClass = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === '\\') {
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') inClass = true;
    else if (visit(c, i)) return;
  }
}

function hasTopLevelBar(src: string): boolean {
  let depth = 0;
  let found = false;
  scanMeta(src, (c) => {
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '|' && depth === 0) found = true;
    return found;
  });
  return found;
}

/** Position of a `.` outside a class that is not followed by a quantifier, or -1. */
function findBareDot(src: string): number {
  let at = -1;
  scanMeta(src, (c, i) => {
    const next = src[i + 1];
    if (c === '.' && next !== '*' && next !== '+' && next !== '?' && next !== '{') at = i;
    return at >= 0;
  });
  return at;
}
