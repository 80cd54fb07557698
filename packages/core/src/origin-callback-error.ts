/**
 * The error a peer-style origin callback's failure becomes; `request/origin-callback-error.ts`
 * recognises it by brand, so requests never load the class.
 * @module
 */
import { ORIGIN_CALLBACK_ERROR } from './request/origin-callback-error.js';

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
