/**
 * Writing a decision onto a response, and merging `Vary`.
 * @see https://fetch.spec.whatwg.org/#cors-protocol-and-http-caches
 * @module
 */
import type { Decision } from './types.js';

/** A Node-style response (`http.ServerResponse`, Express, Koa's `ctx.res`). */
export interface HeaderSetter {
  setHeader(name: string, value: string | number | readonly string[]): unknown;
  getHeader(name: string): string | number | readonly string[] | undefined;
}

/** Anything that holds response headers: a Web `Headers` or a Node-style response. */
export type HeaderTarget = Headers | HeaderSetter;

const JOINED = new WeakMap<readonly string[], string>();

/** `names` joined with `, `; decisions share a few frozen lists, so each is joined once. */
function joined(names: readonly string[]): string {
  if (names.length === 1) return names[0]!;
  let s = JOINED.get(names);
  if (s === undefined) {
    s = names.join(', ');
    if (Object.isFrozen(names)) JOINED.set(names, s);
  }
  return s;
}

/**
 * Merges `names` into an existing `Vary` value: appends what is missing (case-insensitively),
 * keeps `*` (which already varies on everything), and never drops what was there.
 * Returns `undefined` when nothing needs to change.
 */
export function mergeVary(existing: string | number | readonly string[] | null | undefined, names: readonly string[]): string | undefined {
  if (names.length === 0) return undefined;
  // the common case, no Vary yet: nothing to parse or de-duplicate
  if (existing === undefined || existing === null || existing === '') return joined(names);
  const current = existing === undefined || existing === null ? '' : Array.isArray(existing) ? existing.join(', ') : String(existing);
  const seen = new Set<string>();
  const parts: string[] = [];
  for (const raw of current.split(',')) {
    const name = raw.trim();
    if (name === '') continue;
    if (name === '*') return undefined;
    const key = name.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    parts.push(name);
  }
  let added = false;
  for (const name of names) {
    const key = name.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    parts.push(name);
    added = true;
  }
  return added ? parts.join(', ') : undefined;
}

function isHeaders(target: HeaderTarget): target is Headers {
  // setHeader first: a Node response has it close on its prototype chain, while looking up a
  // missing `append` walks the whole chain on every request (~1% of an Express server's CPU)
  return typeof (target as HeaderSetter).setHeader !== 'function' && typeof (target as Headers).append === 'function' && typeof (target as Headers).get === 'function';
}

/**
 * Sets a decision's headers on a response and appends its `Vary` names. Use it for responses
 * built outside the middleware chain (custom 404 and error pages).
 *
 * @example
 * ```ts
 * const response = new Response('Not found', { status: 404 });
 * applyCorsHeaders(response.headers, policy.decide(factsOf(request)));
 * ```
 */
export function applyCorsHeaders(target: HeaderTarget, decision: Decision): void {
  if (isHeaders(target)) {
    for (const name in decision.headers) target.set(name, decision.headers[name]!);
    const vary = mergeVary(target.get('Vary'), decision.vary);
    if (vary !== undefined) target.set('Vary', vary);
    return;
  }
  for (const name in decision.headers) target.setHeader(name, decision.headers[name]!);
  const vary = mergeVary(target.getHeader('Vary'), decision.vary);
  if (vary !== undefined) target.setHeader('Vary', vary);
}
