/**
 * Recognising the error a peer-style origin callback's failure becomes (`origin-callback-error.ts`
 * beside `request/` defines it): by brand, so the request is denied with its own reason instead of answered with a 500.
 * @module
 */
/** The brand an {@link OriginCallbackError} carries, shared by every copy of the core. */
export const ORIGIN_CALLBACK_ERROR: unique symbol = Symbol.for('corsica.originCallbackError') as never;

/** Reports whether `error` is an {@link OriginCallbackError} from any copy of the core. */
export function isOriginCallbackError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { [ORIGIN_CALLBACK_ERROR]?: boolean })[ORIGIN_CALLBACK_ERROR] === true;
}
