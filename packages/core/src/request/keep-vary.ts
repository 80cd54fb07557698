/**
 * Keeping a decision's `Vary` names on a Node response after the adapter has written them, when
 * the app replaces `Vary` later (`res.set('Vary', ...)`, `ctx.set`, `reply.header` in Fastify,
 * `writeHead(status, { Vary })`).
 *
 * Every way Node code replaces a header ends in the response's `setHeader` or `removeHeader`:
 * Express's `res.set`/`res.header` and Koa's `ctx.set`/`ctx.remove` call them, `setHeaders()`
 * calls `setHeader` per entry, and `writeHead(status, headers)` on a response that already holds
 * headers (it does: the adapter wrote its own) calls `setHeader` per key on Node 20 and, for an
 * array, `removeHeader` then `appendHeader` on later Node versions. Fastify writes its reply
 * headers with `writeHead(status, headers)`, or `setHeader` per key for streams. So the keeper
 * puts its own `setHeader` and `removeHeader` on the response, as own properties, calling the
 * ones it hides:
 * - `setHeader('Vary', value)` (any case) merges the names into `value` (appends what is
 *   missing, keeps `*`);
 * - `removeHeader('Vary')` leaves `Vary` holding exactly the names.
 * Every other header goes straight through. The two functions are made once per names list (the
 * core's decisions share a few frozen lists), so a request allocates nothing.
 *
 * It cannot see what bypasses those two methods: headers written to the socket by hand, an HTTP/2
 * stream's own `respond()`, or `http2`'s compatibility `writeHead(status, headers)` (which stores
 * headers without calling `setHeader`), and code that deletes the own properties or puts its own
 * `setHeader` on the response later without calling the one it replaces.
 * @see https://fetch.spec.whatwg.org/#cors-protocol-and-http-caches
 * @module
 */
import { mergeVary } from './write.js';

type HeaderValue = string | number | readonly string[];
type SetHeader = (this: VaryKeeperTarget, name: string, value: HeaderValue) => unknown;
type RemoveHeader = (this: VaryKeeperTarget, name: string) => unknown;

/** A Node response: `http.ServerResponse`, Express's `res`, Koa's `ctx.res`, Fastify's `reply.raw`. */
export interface VaryKeeperTarget {
  setHeader(name: string, value: HeaderValue): unknown;
  removeHeader(name: string): unknown;
}

interface Keeper {
  readonly setHeader: SetHeader;
  readonly removeHeader: RemoveHeader;
}

function isVary(name: unknown): boolean {
  return typeof name === 'string' && name.length === 4 && (name === 'Vary' || name === 'vary' || name.toLowerCase() === 'vary');
}

/**
 * `value` with the `names` it lacks appended (compared case-insensitively, element by element),
 * or `undefined` when it needs none: it holds them all, or `*`. A string is scanned in place, about
 * five times faster than `mergeVary`, which also rebuilds and de-duplicates the app's list; other
 * values (arrays, numbers) go to `mergeVary`.
 */
function withNames(value: HeaderValue, names: readonly string[], lower: readonly string[], whole: string): string | undefined {
  if (typeof value !== 'string') return mergeVary(value, names);
  if (value.trim() === '') return whole;
  let missing: string[] | undefined;
  for (let i = 0; i < lower.length; i++) {
    const want = lower[i]!;
    let found = false;
    for (let start = 0; start <= value.length; ) {
      let end = value.indexOf(',', start);
      if (end < 0) end = value.length;
      const element = value.slice(start, end).trim();
      if (element === '*') return undefined;
      if (element.length === want.length && element.toLowerCase() === want) {
        found = true;
        break;
      }
      start = end + 1;
    }
    if (!found) (missing ??= []).push(names[i]!);
  }
  return missing === undefined ? undefined : `${value}, ${missing.join(', ')}`;
}

/**
 * The keeper of `names`. Without `hidden`, it calls the methods the response inherits (looked up
 * per call, so one keeper serves `http`, Express and Koa responses alike); with it, the response's
 * own methods that were there first.
 */
function makeKeeper(names: readonly string[], hidden?: Keeper): Keeper {
  const whole = names.join(', ');
  const lower = names.map((name) => name.toLowerCase());
  return {
    setHeader: function setHeaderKeepingVary(name, value) {
      if (isVary(name)) {
        const merged = withNames(value, names, lower, whole);
        if (merged !== undefined) value = merged;
      }
      return (hidden?.setHeader ?? (Object.getPrototypeOf(this) as VaryKeeperTarget).setHeader).call(this, name, value);
    },
    removeHeader: function removeHeaderKeepingVary(name) {
      if (isVary(name)) return (hidden?.setHeader ?? (Object.getPrototypeOf(this) as VaryKeeperTarget).setHeader).call(this, 'Vary', whole);
      return (hidden?.removeHeader ?? (Object.getPrototypeOf(this) as VaryKeeperTarget).removeHeader).call(this, name);
    },
  };
}

const KEEPERS = new WeakMap<readonly string[], Keeper>();
// the last list seen: nearly every request of a process carries the same one
let lastNames: readonly string[] | undefined;
let lastKeeper: Keeper | undefined;

function keeperOf(names: readonly string[]): Keeper {
  if (names === lastNames) return lastKeeper!;
  if (!Object.isFrozen(names)) return makeKeeper(Object.freeze([...names]));
  let keeper = KEEPERS.get(names);
  if (keeper === undefined) KEEPERS.set(names, (keeper = makeKeeper(names)));
  lastNames = names;
  lastKeeper = keeper;
  return keeper;
}

/**
 * Makes `res` keep `names` in its `Vary` for the rest of the response: a later `setHeader('Vary')`
 * gets them merged in, a later `removeHeader('Vary')` leaves exactly them. Call it once the
 * decision's headers are written, for responses the app goes on to build; nothing happens for an
 * empty list. Calling it again with the same list does nothing; with another list, both are kept.
 *
 * @example
 * ```ts
 * applyCorsHeaders(res, decision);
 * keepVary(res, decision.vary);
 * res.setHeader('Vary', 'Accept-Encoding'); // sends Vary: Accept-Encoding, Origin
 * ```
 */
export function keepVary(res: VaryKeeperTarget, names: readonly string[]): void {
  if (names.length === 0) return;
  const keeper = keeperOf(names);
  const target = res as { setHeader: SetHeader; removeHeader: RemoveHeader };
  const current = target.setHeader;
  if (current === keeper.setHeader) return;
  // two loads the inline caches answer, where Object.hasOwn is a runtime call on every request
  const inherited = Object.getPrototypeOf(res) as VaryKeeperTarget;
  if (current !== inherited.setHeader || target.removeHeader !== inherited.removeHeader) {
    // something (another keeper, an instrumentation) put its own methods here first: call them
    const chained = makeKeeper(Object.isFrozen(names) ? names : Object.freeze([...names]), { setHeader: current, removeHeader: target.removeHeader });
    target.setHeader = chained.setHeader;
    target.removeHeader = chained.removeHeader;
    return;
  }
  target.setHeader = keeper.setHeader;
  target.removeHeader = keeper.removeHeader;
}
