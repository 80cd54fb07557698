/**
 * Classification by the Fetch standard: no `Origin` is not CORS; `OPTIONS` with `Origin` and
 * `Access-Control-Request-Method` is a preflight; anything else with `Origin` is an actual
 * request. Reads the request's values without allocating: this runs on every request.
 * @see https://fetch.spec.whatwg.org/#http-requests
 * @module
 */
import type { DenialReason, HeaderValue, RequestFacts } from '../types.js';
import { MAX_ORIGIN_LENGTH } from './origin.js';

/** A header value that is not one line of text: repeated lines, or not a string at all. */
export const NOT_ONE_VALUE: unique symbol = Symbol('not one header value');

/** The one text value of a header, `undefined` when absent, or {@link NOT_ONE_VALUE}. */
export function oneValue(value: HeaderValue | unknown): string | undefined | typeof NOT_ONE_VALUE {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) {
    if (value.length === 0) return undefined;
    return value.length === 1 && typeof value[0] === 'string' ? value[0] : NOT_ONE_VALUE;
  }
  return NOT_ONE_VALUE;
}

/** An `Origin` refused before the policy is consulted, with the reason it gets. */
export interface OriginRefused {
  readonly reason: Extract<DenialReason, 'origin-malformed' | 'origin-duplicated' | 'origin-too-long'>;
}

const MALFORMED: OriginRefused = Object.freeze({ reason: 'origin-malformed' });
const DUPLICATED: OriginRefused = Object.freeze({ reason: 'origin-duplicated' });
const TOO_LONG: OriginRefused = Object.freeze({ reason: 'origin-too-long' });

/**
 * The request's single `Origin` value; `undefined` when there is none (not a CORS request); or
 * why it was refused unread: repeated lines or a comma-joined value (duplicated), not text
 * (malformed), longer than any real origin.
 */
export function readOrigin(req: RequestFacts): string | undefined | OriginRefused {
  const value = req?.origin;
  if (value === undefined || value === null) return undefined;
  let origin: string;
  if (typeof value === 'string') origin = value;
  else if (Array.isArray(value)) {
    if (value.length === 0) return undefined;
    if (value.length > 1) return DUPLICATED;
    if (typeof value[0] !== 'string') return MALFORMED;
    origin = value[0];
  } else return MALFORMED;
  if (origin.length > MAX_ORIGIN_LENGTH) return TOO_LONG;
  if (origin.indexOf(',') >= 0) return DUPLICATED;
  return origin;
}

/** A preflight is `OPTIONS` with `Access-Control-Request-Method` (Origin checked by the caller). */
export function isPreflight(req: RequestFacts): boolean {
  return req.method === 'OPTIONS' && oneValue(req.requestMethod) !== undefined;
}
