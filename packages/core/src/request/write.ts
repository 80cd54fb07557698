/**
 * Writing a decision onto a response: Node-style responses, Web `Headers` and `Response`s, and
 * merging `Vary`.
 * @see https://fetch.spec.whatwg.org/#cors-protocol-and-http-caches
 * @module
 */
import type { AnsweredDecision, Decision } from '../types.js';

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
  // missing `append` walks the whole chain on every request (docs/benchmarks.md)
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

/**
 * Returns a Response carrying the decision's headers. Mutates `response.headers` when allowed;
 * when they are immutable (a `fetch()` result, `Response.redirect`, `Response.error`), returns a
 * copy with the same body, status and headers instead.
 */
export function withCorsHeaders(response: Response, decision: Decision): Response {
  if (decision.vary.length === 0 && isEmpty(decision.headers)) return response;
  // Network errors (`Response.error()`, status 0), upgrades (101, Cloudflare's `webSocket`) and
  // other non-HTTP answers cannot be copied and need no CORS headers: leave them as they are.
  // Only `status` and `headers` are read: @hono/node-server's lightweight responses turn into
  // full undici ones (body as a stream, several times the CPU per request; docs/benchmarks.md) when anything else is touched.
  const status = response.status;
  if (status < 200 || status > 599 || (response as { webSocket?: unknown }).webSocket) {
    return response;
  }
  try {
    applyCorsHeaders(response.headers, decision);
    return response;
  } catch {
    const copy = new Response(response.body, { status: response.status, statusText: response.statusText, headers: new Headers(response.headers) });
    applyCorsHeaders(copy.headers, decision);
    return copy;
  }
}

function isEmpty(headers: Readonly<Record<string, string>>): boolean {
  for (const _ in headers) return false;
  return true;
}

/**
 * A decision the adapter answers itself (a preflight, or a request the origin guard rejected) as
 * a Web `Response`: its status and headers, and the guard's short plain-text body.
 */
export function answerResponse(decision: AnsweredDecision): Response {
  // a plain record: a Headers object and one set() per name cost more on Node (docs/benchmarks.md)
  const headers: Record<string, string> = { ...decision.headers };
  const vary = mergeVary(undefined, decision.vary);
  if (vary !== undefined) headers['Vary'] = vary;
  if (decision.body === undefined) return new Response(null, { status: decision.status, headers });
  headers['Content-Type'] = 'text/plain; charset=utf-8';
  return new Response(decision.body, { status: decision.status, headers });
}
