/**
 * The preflight checks after the origin passed: `Access-Control-Request-Method` and
 * `Access-Control-Request-Headers` against the policy.
 * @see https://fetch.spec.whatwg.org/#cors-preflight-fetch
 * @module
 */
import type { CompiledConfig } from '../compiled.js';
import { SAFELISTED_METHODS } from '../spec.js';
import type { DenialReason, HeaderValue } from '../types.js';
import { oneValue } from './classify.js';
import { MAX_METHOD_LENGTH, MAX_REQUEST_HEADERS_LENGTH, checkHeaderList, isToken } from './header-list.js';

/** A failed check: the denial reason, and the refused token when there is one. */
export interface CheckFailure {
  readonly reason: DenialReason;
  readonly detail?: string;
}

/**
 * Checks `Access-Control-Request-Method` byte for byte. Safelisted methods always pass:
 * a browser never needs them in `Access-Control-Allow-Methods`.
 * @see https://fetch.spec.whatwg.org/#cors-preflight-fetch (step 7)
 */
export function checkMethod(c: CompiledConfig, value: HeaderValue): CheckFailure | undefined {
  const m = oneValue(value);
  if (typeof m !== 'string' || m.length > MAX_METHOD_LENGTH || !isToken(m)) return METHOD_MALFORMED;
  if (c.methods.any || SAFELISTED_METHODS.has(m) || c.methods.set.has(m)) return undefined;
  return { reason: 'method-not-allowed', detail: m };
}

const METHOD_MALFORMED: CheckFailure = Object.freeze({ reason: 'method-malformed' });

/** A request header list that passed: only tokens, commas, spaces and tabs, so safe to echo. */
export interface HeaderListText {
  readonly reason?: undefined;
  readonly text: string;
}

const NO_HEADERS: HeaderListText = Object.freeze({ text: '' });

/**
 * Checks every name of `Access-Control-Request-Headers` against the allowlist, in linear time.
 * `allows` receives lower-case names.
 * @see https://fetch.spec.whatwg.org/#cors-preflight-fetch (step 8)
 */
export function checkHeaders(allows: (lowerName: string) => boolean, value: HeaderValue): CheckFailure | HeaderListText {
  let text: string;
  if (value === undefined || value === null) return NO_HEADERS;
  if (typeof value === 'string') text = value;
  else if (Array.isArray(value)) {
    let total = 0;
    for (const part of value) {
      if (typeof part !== 'string') return { reason: 'headers-malformed' };
      total += part.length + 1;
    }
    if (total - 1 > MAX_REQUEST_HEADERS_LENGTH) return { reason: 'headers-too-long' };
    text = value.join(',');
  } else return { reason: 'headers-malformed' };
  const verdict = checkHeaderList(text, allows);
  if (verdict.ok) return { text };
  return verdict.reason === 'header-not-allowed' ? { reason: verdict.reason, detail: verdict.name } : { reason: verdict.reason };
}
