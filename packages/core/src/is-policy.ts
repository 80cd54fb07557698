/**
 * Telling a compiled policy from options, for every entry point that accepts either.
 * @module
 */
import type { Policy } from './types.js';

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
