/**
 * What every drop-in translation needs: peer-style origin functions as Corsica predicates,
 * per-request option delegates compiled once per distinct answer, and compiling translated
 * options with every problem in one `CorsConfigError`.
 *
 * Published as `@corsica/core/compat`, a separate entry point, so the main entry stays as small as
 * it is for users who never come from another library. Each adapter's `compat.ts` holds only its
 * peer's names and defaults.
 * @module
 */
import { CorsConfigError } from './config/problems.js';
import type { ConfigProblem, ConfigWarning, WarningCode } from './config/problems.js';
import { isPolicy } from './is-policy.js';
import { createPolicy } from './policy.js';
import { OriginCallbackError } from './request/origin-callback-error.js';
import { requestScoped } from './request/origin-check.js';
import type { CorsOptions, OriginPredicate, Policy } from './types.js';

/** A peer's "CORS off" (`origin: false`): the middleware leaves every request alone. */
export const DISABLED: unique symbol = Symbol.for('corsica.disabled') as never;

/** Picks the policy of one request: a delegate's answer, compiled once per distinct answer. */
export type PolicySelector<Req> = (req: Req) => Promise<Policy | typeof DISABLED>;

/** Advice about a translated option. */
export type DropInWarningCode = Extract<WarningCode, `dropin.${string}`>;

/** A configuration problem, worded like the core's. */
export function problem(code: ConfigProblem['code'], path: string, message: string, fix: string): ConfigProblem {
  return { code, path, message: `corsica: ${message}`, fix };
}

/** A drop-in warning, shaped like the core's `ConfigWarning`. */
export function warning(code: DropInWarningCode, path: string, message: string, fix: string): ConfigWarning {
  return { code, path, message: `corsica: ${message}`, fix };
}

/** How to get out of "no origin": the peers allowed every origin; Corsica asks. */
export const NO_ORIGIN_FIX =
  'List the origins that may call you (`origin: ["https://app.example.com"]`), or write `origin: "*"` on purpose for a public API without credentials, or use `policyFromEnv()` from @corsica/core for development.';

/** The error for a call without options (`cors()`): the peers' default was every origin. */
export function noOptions(call: string, peer: string): CorsConfigError {
  return new CorsConfigError([problem('origin.missing', 'origin', `${call} has no \`origin\`; ${peer} then allowed every origin, and Corsica has no default origin.`, NO_ORIGIN_FIX)]);
}

/** Reports whether `fn` is declared `async` (what makes a policy `isAsync`). */
export function isAsyncFunction(fn: unknown): boolean {
  return typeof fn === 'function' && fn.constructor?.name === 'AsyncFunction';
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as PromiseLike<unknown>).then === 'function';
}

/**
 * Whether a peer-style answer allows `origin`: `true`, `'*'` or the origin itself (compared,
 * never echoed), a RegExp, or a list of these. An `Error` is a denial reported as
 * `origin-callback-error`; a RegExp is held to Corsica's rules (anchored, dots escaped).
 */
export function answerAllows(answer: unknown, origin: string): boolean {
  if (answer instanceof Error) throw new OriginCallbackError(answer);
  if (answer === true || answer === '*' || answer === origin) return true;
  if (answer === false || answer === null || answer === undefined || typeof answer === 'string') return false;
  if (answer instanceof RegExp) return regExpAllows(answer, origin);
  if (Array.isArray(answer)) return answer.some((entry) => answerAllows(entry, origin));
  throw new OriginCallbackError(new TypeError(`corsica: an origin function answered ${typeof answer}; answer true, false, an origin, a RegExp or a list.`));
}

const checkedRegExps = new WeakMap<RegExp, Policy | Error>();

function regExpAllows(re: RegExp, origin: string): boolean {
  let checked = checkedRegExps.get(re);
  if (checked === undefined) {
    try {
      checked = createPolicy({ origin: re, onWarning: false });
    } catch (error) {
      checked = error as Error;
    }
    checkedRegExps.set(re, checked);
  }
  if (checked instanceof Error) throw new OriginCallbackError(checked);
  return checked.decide({ method: 'GET', origin }).allowed;
}

/**
 * An `(origin, callback)` function as an async predicate, so the policy awaits it once per origin
 * (Corsica's cache and `resolverTimeout` apply). An error given to the callback, thrown or
 * answered is a denial with reason `origin-callback-error`, never a 500. A returned Promise counts
 * as the answer too (`@fastify/cors` accepts both).
 */
export function fromOriginCallback(fn: (origin: string, callback: (error: unknown, answer?: unknown) => void) => unknown, thisArg?: unknown): OriginPredicate {
  return async function peerOriginCallback(origin: string): Promise<boolean> {
    const answer = await settle((callback) => fn.call(thisArg, origin, callback), (error) => (error instanceof OriginCallbackError ? error : new OriginCallbackError(error)));
    return answerAllows(answer, origin);
  };
}

/**
 * A function that answers for one origin (`(origin, c) => string | null`, `(ctx) => string`,
 * `async (origin) => boolean`) as a predicate: `call` passes it what the peer passed. It stays
 * synchronous unless declared `async`, so a plain predicate keeps Corsica's meaning; what it
 * throws keeps the core's `resolver-error`, what it answers is read by {@link answerAllows}.
 */
export function fromOriginFunction(fn: unknown, call: (origin: string) => unknown): OriginPredicate {
  if (isAsyncFunction(fn)) {
    return async function peerAsyncOrigin(origin: string): Promise<boolean> {
      return answerAllows(await call(origin), origin);
    };
  }
  return function peerOrigin(origin: string): boolean | Promise<boolean> {
    const answer = call(origin);
    // not declared async: the core denies the Promise and says to declare the function `async`
    return isThenable(answer) ? Promise.resolve(answer).then((value) => answerAllows(value, origin)) : answerAllows(answer, origin);
  };
}

/**
 * An origin function that needs the request's framework context (hono's `c`, Koa's `ctx`), as
 * its peer called it: the adapter awaits {@link answerOf} for each request, then decides
 * synchronously inside {@link during}, where {@link predicate} reads that answer. Nothing is
 * cached: the function sees every request that carries an Origin, as it did before.
 */
export class RequestScopedOrigin<Context> {
  private current: { readonly value: unknown } | undefined;

  constructor(private readonly fn: (origin: string, context: Context) => unknown) {}

  /** The predicate to compile: the answer for the request being decided (a plain function, so the policy stays synchronous). */
  readonly predicate = requestScoped((origin: string): boolean => this.current !== undefined && answerAllows(this.current.value, origin));

  /** Runs the function for one request; what it throws or rejects becomes its (denying) answer. */
  async answerOf(origin: string, context: Context): Promise<unknown> {
    try {
      return await this.fn(origin, context);
    } catch (error) {
      return error instanceof Error ? error : new Error(String(error));
    }
  }

  /** Decides (synchronously) with `value` as the function's answer. */
  during<T>(value: unknown, decide: () => T): T {
    this.current = { value };
    try {
      return decide();
    } finally {
      this.current = undefined;
    }
  }
}

/** Runs a callback-or-Promise style function; the first answer wins, later ones are ignored. */
function settle(run: (callback: (error: unknown, value?: unknown) => void) => unknown, wrap: (error: unknown) => unknown = (error) => error): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const callback = (error: unknown, value?: unknown): void => {
      if (settled) return;
      settled = true;
      if (error === null || error === undefined) resolve(value);
      else reject(wrap(error));
    };
    try {
      const returned = run(callback);
      if (isThenable(returned)) returned.then((value) => callback(null, value), (error: unknown) => callback(error ?? new Error('rejected without a reason')));
    } catch (error) {
      callback(error ?? new Error('threw without a reason'));
    }
  });
}

/** The most distinct answers of a delegate kept compiled; older ones are compiled again when seen. */
export const MAX_DELEGATE_POLICIES = 100;

type Compiled = Policy | typeof DISABLED | Error;

/**
 * Runs a per-request options delegate (`(req, callback)`, or `(req) => options | Promise`) and
 * compiles each distinct answer once: by identity, then by shape, so options written inline in
 * the delegate are still one policy. A delegate that fails, or answers options Corsica refuses,
 * denies the request (reason `origin-callback-error`; requests without Origin pass), reported
 * through `console.error` (a refused answer once, not per request).
 */
export function delegatePolicies<Req>(delegate: (req: Req, callback: (error: unknown, options?: unknown) => void) => unknown, translate: (options: object) => Policy | typeof DISABLED, thisArg?: unknown): PolicySelector<Req> {
  const byIdentity = new WeakMap<object, Compiled>();
  const byShape = new Map<string, Compiled>();
  let toldAboutSize = false;
  const failed = failurePolicy();
  const takesCallback = delegate.length >= 2;

  const compiled = (options: unknown): Compiled => {
    if (typeof options !== 'object' || options === null) return new TypeError(`corsica: the options delegate answered ${options === null ? 'null' : typeof options}; answer options or a policy.`);
    if (isPolicy(options)) return options;
    let hit = byIdentity.get(options);
    if (hit !== undefined) return hit;
    const shape = shapeOf(options);
    hit = byShape.get(shape);
    if (hit === undefined) {
      try {
        hit = translate(options);
      } catch (error) {
        hit = error instanceof Error ? error : new Error(String(error));
        failed.reportError(new Error(`corsica: the options delegate answered options Corsica refuses, so requests given them are denied. ${hit.message}`), { phase: 'adapter' });
      }
      if (byShape.size >= MAX_DELEGATE_POLICIES) {
        byShape.delete(byShape.keys().next().value as string);
        if (!toldAboutSize) {
          toldAboutSize = true;
          failed.reportError(new Error(`corsica: the options delegate answered over ${MAX_DELEGATE_POLICIES} distinct options; some get compiled again. Build them once, outside the delegate, or answer policies from createPolicy().`), { phase: 'adapter' });
        }
      }
      byShape.set(shape, hit);
    }
    byIdentity.set(options, hit);
    return hit;
  };

  return (req) =>
    settle((callback) => {
      const returned = delegate.call(thisArg, req, callback);
      if (takesCallback) {
        // the callback answers; an `async (req, callback)` delegate may still reject
        if (isThenable(returned)) returned.then(undefined, (error: unknown) => callback(error ?? new Error('rejected without a reason')));
        return undefined;
      }
      // without a callback parameter, the delegate answers by returning (a Promise of) its options
      if (!isThenable(returned)) callback(null, returned);
      return returned;
    }).then(
      (options) => {
        const policy = compiled(options);
        if (!(policy instanceof Error)) return policy;
        return failed;
      },
      (error: unknown) => {
        const why = error instanceof Error ? error.message : String(error);
        failed.reportError(new Error(`corsica: the options delegate reported an error, so the request was denied: ${why}`, { cause: error }), { phase: 'adapter' });
        return failed;
      },
    );
}

const DELEGATE_FAILED = new OriginCallbackError(new Error('the options delegate failed'));

/** Denies every CORS request with reason `origin-callback-error`; requests without Origin pass. */
function failurePolicy(): Policy {
  return createPolicy({
    origin: function delegateFailed(): boolean {
      throw DELEGATE_FAILED;
    },
    onWarning: false,
    onError: (error) => {
      // the request's own failure was already reported; the marker thrown above is not news
      if (error !== DELEGATE_FAILED) console.error(error instanceof Error ? error.message : error);
    },
  });
}

const ids = new WeakMap<object, number>();
let nextId = 0;

/** A key equal for options written the same way: functions, RegExps and policies by identity. */
function shapeOf(value: unknown): string {
  if (typeof value === 'function' || value instanceof RegExp || isPolicy(value)) {
    let id = ids.get(value as object);
    if (id === undefined) ids.set(value as object, (id = nextId++));
    return `#${id}`;
  }
  if (Array.isArray(value)) return `[${value.map(shapeOf).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${shapeOf((value as Record<string, unknown>)[key])}`)
      .join(',')}}`;
  }
  return value === undefined ? 'u' : JSON.stringify(value);
}

/**
 * Moves a peer's option name to Corsica's (`allowHeaders` → `allowedHeaders`); both at once is a
 * conflict. Returns whether the peer's name was there.
 */
export function rename(options: Record<string, unknown>, from: string, to: string, problems: ConfigProblem[]): boolean {
  if (!(from in options)) return false;
  if (to in options) problems.push(problem('option.conflict', from, `\`${from}\` and \`${to}\` are the same option, given twice.`, `Keep one of them (Corsica's name is \`${to}\`).`));
  else options[to] = options[from];
  delete options[from];
  return true;
}

/**
 * Fills in what a peer does when an option is left out (its methods, and every requested header
 * mirrored), with one warning naming the options that would tighten it.
 */
export function peerDefaults(options: Record<string, unknown>, peer: string, methods: string | undefined, warnings: ConfigWarning[]): void {
  const left: string[] = [];
  const fix: string[] = [];
  if (methods !== undefined && options.methods === undefined) {
    options.methods = methods;
    left.push(`methods ${methods.split(',').join(', ')}`);
    fix.push('`methods: ["GET", "POST"]`');
  }
  if (options.allowedHeaders === undefined && options.mirrorRequestHeaders === undefined) {
    options.mirrorRequestHeaders = true;
    left.push('every requested header allowed (each still checked: a valid name, never a forbidden one)');
    fix.push('`allowedHeaders: ["Content-Type", "Authorization"]`');
  }
  if (left.length === 0) return;
  warnings.push(warning('dropin.peer-defaults', 'options', `options left out keep ${peer}'s open defaults: ${left.join('; ')}.`, `List what your API uses: ${fix.join(', ')}.`));
}

/**
 * Compiles translated options: every problem, the translation's and the core's, in one
 * `CorsConfigError` (a missing origin with the drop-in fix), then the translation's warnings
 * through `onWarning` (default `console.warn`, `false` silences them).
 */
export function compileTranslated(options: Record<string, unknown>, problems: readonly ConfigProblem[] = [], warnings: readonly ConfigWarning[] = []): Policy {
  let policy: Policy | undefined;
  let found: readonly ConfigProblem[] = [];
  try {
    policy = createPolicy((problems.length > 0 ? { ...options, onWarning: false } : options) as unknown as CorsOptions);
  } catch (error) {
    if (!(error instanceof CorsConfigError)) throw error;
    const told = new Set(problems.map((p) => p.path));
    found = error.problems.filter((p) => !(p.code === 'origin.missing' && told.has('origin'))).map((p) => (p.code === 'origin.missing' ? { ...p, fix: NO_ORIGIN_FIX } : p));
  }
  if (problems.length > 0 || found.length > 0) throw new CorsConfigError([...problems, ...found]);
  const onWarning = options.onWarning;
  if (onWarning !== false) {
    for (const w of warnings) {
      if (typeof onWarning === 'function') (onWarning as (w: ConfigWarning) => void)(w);
      else console.warn(`${w.message} Fix: ${w.fix}`);
    }
  }
  return policy!;
}

/**
 * The `cors` / `@fastify/cors` boolean origins: `false` (or a list of only `false`) turns CORS off,
 * `true` (also inside a list) reflects every origin — a configuration error with credentials, and
 * `'*'` with a warning without them. Anything else is returned unchanged (minus `false` entries).
 */
export function booleanOrigin(origin: unknown, credentials: boolean, problems: ConfigProblem[], warnings: ConfigWarning[]): unknown {
  let value = origin;
  if (Array.isArray(value)) value = value.includes(true) ? true : value.filter((entry) => entry !== false);
  if (value === false) return DISABLED;
  if (value !== true) return value;
  if (credentials) {
    problems.push(problem('origin.wildcard-with-credentials', 'origin', '`origin: true` reflects every origin, and with `credentials: true` any website could read your users\' data with their cookies.', 'List the origins allowed to send credentials: `origin: ["https://app.example.com"]` (or `policyFromEnv()` from @corsica/core for development).'));
    return undefined;
  }
  warnings.push(warning('dropin.reflect-origin', 'origin', '`origin: true` reflects every origin; without credentials that is what `origin: "*"` does, so Corsica answers `*`.', 'Write `origin: "*"` to say so, or list your origins.'));
  return '*';
}
