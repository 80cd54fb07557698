/**
 * The error a peer-style origin callback's failure becomes. Request-time code recognises it by
 * brand, so the request is denied with its own reason instead of answered with a 500.
 * @module
 */
const ORIGIN_CALLBACK_ERROR = Symbol.for('corsica.originCallbackError');

/** Reports whether `error` is an {@link OriginCallbackError} from any copy of the core. */
export function isOriginCallbackError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { [ORIGIN_CALLBACK_ERROR]?: boolean })[ORIGIN_CALLBACK_ERROR] === true;
}

/**
 * What an adapter's translation of a peer-style origin callback (`cors`'s `(origin, callback)`,
 * `callback(new Error('Not allowed by CORS'))`) throws or rejects with when the callback reported
 * an error: the request is denied with reason `origin-callback-error` (and `onError` is told),
 * never answered with a 500.
 */
export class OriginCallbackError extends Error {
  /** Recognised by brand, not identity: the CommonJS and ESM builds each carry the class. */
  readonly [ORIGIN_CALLBACK_ERROR] = true;

  constructor(cause: unknown) {
    super(`corsica: the origin callback reported an error, so the request was denied: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'OriginCallbackError';
  }
}
