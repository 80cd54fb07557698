/**
 * The name-list options: `methods`, `allowedHeaders` (with `mirrorRequestHeaders`) and
 * `exposedHeaders`. Each is `'*'`, a comma-separated string or a list of HTTP tokens.
 * @module
 */
import type { CompiledList } from '../compiled.js';
import { isToken } from '../request/header-list.js';
import { ALWAYS_READABLE_RESPONSE_HEADERS, FORBIDDEN_METHODS, NEVER_EXPOSED_RESPONSE_HEADERS, NORMALIZED_METHODS, SAFELISTED_METHODS, isForbiddenRequestHeader } from '../spec.js';
import { readBoolean } from './options.js';
import type { ProblemList } from './problems.js';
import { show } from './problems.js';

/** Methods allowed when `methods` is left out: the safelisted ones. */
export const DEFAULT_METHODS: readonly string[] = Object.freeze(['GET', 'HEAD', 'POST']);

/** Validates `methods`. Methods compare byte for byte; the six a browser normalizes are upper-cased. */
export function validateMethods(o: Record<string, unknown>, credentials: boolean, p: ProblemList): CompiledList {
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
  return methods;
}

/** Validates `allowedHeaders` and `mirrorRequestHeaders`, which both decide which request headers pass. */
export function validateAllowedHeaders(o: Record<string, unknown>, credentials: boolean, p: ProblemList): { readonly allowedHeaders: CompiledList; readonly mirrorRequestHeaders: boolean } {
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
    p.warn('allowedHeaders.wildcard-excludes-authorization', 'allowedHeaders', '`allowedHeaders: "*"` does not cover `Authorization`: the Fetch standard requires it to be listed by name, and Corsica follows the standard (today\'s Chromium, Firefox and WebKit let `*` cover it without credentials; whatwg/fetch issue 1919).', 'If clients send `Authorization`, write `allowedHeaders: ["*", "Authorization"]`.');
  }
  return { allowedHeaders, mirrorRequestHeaders };
}

/** Validates `exposedHeaders`. */
export function validateExposedHeaders(o: Record<string, unknown>, credentials: boolean, p: ProblemList): CompiledList {
  return compileList(o, 'exposedHeaders', p, credentials, {
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
