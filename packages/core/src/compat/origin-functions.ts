/**
 * Peer-style origin functions as Corsica predicates: `(origin, callback)`, functions answering an
 * origin value, and functions of the request's framework context, called per request.
 * @module
 */
import { OriginCallbackError } from '../origin-callback-error.js';
import { isAsyncFunction } from '../config/origins.js';
import { isThenable, requestScoped } from '../request/origin-check.js';
import { createPolicy } from '../policy.js';
import type { OriginPredicate, Policy } from '../types.js';

/**
 * Whether a peer-style answer allows `origin`: `true`, `'*'` or the origin itself (compared,
 * never echoed), a RegExp, or a list of these. An `Error` is a denial reported as
 * `origin-callback-error`; a RegExp is held to Corsica's rules (anchored, dots escaped).
 */
function answerAllows(answer: unknown, origin: string): boolean {
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
export function settle(run: (callback: (error: unknown, value?: unknown) => void) => unknown, wrap: (error: unknown) => unknown = (error) => error): Promise<unknown> {
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
