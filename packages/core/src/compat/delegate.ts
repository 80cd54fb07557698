/**
 * Per-request options delegates (`(req, callback)`, `(req) => options`): each distinct answer is
 * compiled once, and a failing delegate denies the request.
 * @module
 */
import { isPolicy } from '../is-policy.js';
import { OriginCallbackError } from '../origin-callback-error.js';
import { createPolicy } from '../policy.js';
import type { Policy } from '../types.js';
import { isThenable } from '../request/origin-check.js';
import { settle } from './origin-functions.js';

/** A peer's "CORS off" (`origin: false`): the middleware leaves every request alone. */
export const DISABLED: unique symbol = Symbol.for('corsica.disabled') as never;

/** Picks the policy of one request: a delegate's answer, compiled once per distinct answer. */
export type PolicySelector<Req> = (req: Req) => Promise<Policy | typeof DISABLED>;

/** The most distinct answers of a delegate kept compiled; older ones are compiled again when seen. */
const MAX_DELEGATE_POLICIES = 100;

/** What one answer of a delegate compiled to: a policy, "CORS off", or why it was refused. */
type CompiledAnswer = Policy | typeof DISABLED | Error;

/**
 * Runs a per-request options delegate (`(req, callback)`, or `(req) => options | Promise`) and
 * compiles each distinct answer once: by identity, then by shape, so options written inline in
 * the delegate are still one policy. A delegate that fails, or answers options Corsica refuses,
 * denies the request (reason `origin-callback-error`; requests without Origin pass), reported
 * through `console.error` (a refused answer once, not per request).
 */
export function delegatePolicies<Req>(delegate: (req: Req, callback: (error: unknown, options?: unknown) => void) => unknown, translate: (options: object) => Policy | typeof DISABLED): PolicySelector<Req> {
  const byIdentity = new WeakMap<object, CompiledAnswer>();
  const byShape = new Map<string, CompiledAnswer>();
  let toldAboutSize = false;
  const failed = failurePolicy();
  const takesCallback = delegate.length >= 2;

  const compiled = (options: unknown): CompiledAnswer => {
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
      const returned = delegate(req, callback);
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
