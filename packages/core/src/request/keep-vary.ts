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
 *
 * `keepVaryAtWriteHead` (below) is the adapters' cheaper way to the same end, HTTP/2's
 * `writeHead(status, headers)` included: one `writeHead` on the response, which merges the names
 * in once, when the head is written.
 * @see https://fetch.spec.whatwg.org/#cors-protocol-and-http-caches
 * @module
 */
import { recordedDecision } from './once.js';
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

/**
 * `make`, once per frozen names list (the core's decisions share a few): a list that is not frozen
 * gets a frozen copy and a fresh keeper, so changing it later changes nothing.
 */
function perList<T>(make: (names: readonly string[]) => T): (names: readonly string[]) => T {
  const known = new WeakMap<readonly string[], T>();
  // the last list seen: nearly every request of a process carries the same one
  let lastNames: readonly string[] | undefined;
  let lastMade: T | undefined;
  return (names) => {
    if (names === lastNames) return lastMade!;
    if (!Object.isFrozen(names)) return make(Object.freeze([...names]));
    let made = known.get(names);
    if (made === undefined) known.set(names, (made = make(names)));
    lastNames = names;
    lastMade = made;
    return made;
  };
}

const keeperOf = perList((names) => makeKeeper(names));

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

/** A Node response whose head `keepVaryAtWriteHead` watches: `http.ServerResponse` or `http2`'s compatibility response. */
export interface WriteHeadTarget {
  writeHead(statusCode: number, ...rest: never[]): unknown;
  getHeader(name: string): unknown;
  setHeader(name: string, value: HeaderValue): unknown;
}

type WriteHead = (this: WriteHeadTarget, statusCode: number, reason?: unknown, headers?: unknown) => unknown;

/** The names of a `Vary` value, whatever form it came in (string, number, array of strings). */
function varyNames(value: unknown): string[] {
  const text = Array.isArray(value) ? value.join(',') : String(value);
  return text
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
}

/** `second` merged into `first` (neither drops a name): what a response that held `first` sends once `second` replaced it and both must count. */
function unionOf(first: unknown, second: unknown): HeaderValue {
  const merged = mergeVary(first as HeaderValue, varyNames(second));
  return merged ?? (first as HeaderValue);
}

/** A names list as the writeHead keepers compare it, made once per list. */
interface Kept {
  readonly names: readonly string[];
  readonly lower: readonly string[];
  readonly whole: string;
}

const keptOf = perList((names): Kept => ({ names, lower: names.map((name) => name.toLowerCase()), whole: names.join(', ') }));

/** `value` with the kept names merged in, or `undefined` when it holds them: what the adapter wrote, left alone, is answered without a scan. */
function withKept(value: unknown, kept: Kept): HeaderValue | undefined {
  if (value === kept.whole) return undefined;
  return withNames(value === undefined || value === null ? '' : (value as HeaderValue), kept.names, kept.lower, kept.whole);
}

/**
 * `writeHead(statusCode, [reason], [headers])` on `res` through `next`, with the kept names merged
 * into the `Vary` it will send. The caller's headers are never changed: a copy goes on when `Vary`
 * must change.
 */
function writeHeadKeeping(res: WriteHeadTarget, kept: Kept, next: WriteHead, statusCode: number, reason: unknown, obj: unknown): unknown {
  const headersAt = typeof reason === 'string' ? 2 : 1;
  const headers = headersAt === 2 ? obj : reason;
  // what `setHeader` put on the response; a `Vary` in `headers` replaces it
  const held = res.getHeader('vary');
  // the headers to pass on instead of the caller's
  let replaced: unknown[] | Record<string, unknown> | undefined;
  if (Array.isArray(headers)) {
    // [name, value, ...]: one Vary pair holding every value, the held one and ours. An odd
    // length goes through untouched, for Node to refuse it as it would without us.
    if (headers.length % 2 === 0) {
      let value: unknown = held;
      replaced = [];
      for (let i = 0; i < headers.length; i += 2) {
        if (isVary(headers[i])) value = value === undefined ? headers[i + 1] : unionOf(value, headers[i + 1]);
        else replaced.push(headers[i], headers[i + 1]);
      }
      replaced.push('Vary', withKept(value, kept) ?? (value as HeaderValue));
    }
  } else {
    // Fastify's reply headers, an app's object, or none
    const record = typeof headers === 'object' && headers !== null ? (headers as Record<string, unknown>) : undefined;
    const key = record === undefined ? undefined : varyKey(record);
    const given = key === undefined ? undefined : record![key];
    if (given === undefined) {
      const merged = withKept(held, kept);
      if (merged !== undefined) res.setHeader('Vary', merged);
    } else {
      const value = held === undefined ? given : unionOf(held, given);
      const merged = withKept(value, kept) ?? value;
      if (merged !== given) replaced = { ...record, [key!]: merged };
    }
  }
  if (replaced !== undefined) {
    if (headersAt === 2) obj = replaced;
    else reason = replaced;
  }
  return next.call(res, statusCode, reason, obj);
}

function makeWriteHeadKeeper(names: readonly string[], hidden?: WriteHead): WriteHead {
  const kept = keptOf(names);
  return function writeHeadKeepingVary(statusCode, reason, obj) {
    return writeHeadKeeping(this, kept, hidden ?? (Object.getPrototypeOf(this) as { writeHead: WriteHead }).writeHead, statusCode, reason, obj);
  };
}

/** The key of `record` that names `Vary`, in any letter case; Fastify's is always `vary`. */
function varyKey(record: Record<string, unknown>): string | undefined {
  if (record.vary !== undefined) return 'vary';
  for (const name in record) if (isVary(name)) return name;
  return undefined;
}

const headKeeperOf = perList((names) => makeWriteHeadKeeper(names));

/**
 * Makes `res` send `names` in its `Vary`, checked once, when the head is written: whatever the
 * app did to `Vary` before (`setHeader`, `removeHeader`, a `Vary` in `writeHead`'s headers, which
 * replaces the one the response held: both are sent), the names are merged in. The cheaper of the
 * two keepers for a framework that hands its headers to `writeHead(status, headers)` in one object
 * (Fastify): one function on the response, run once, where {@link keepVary} runs on every
 * `setHeader`. Objects passed to `writeHead` are never changed: a copy goes on when Vary must
 * change. `res.getHeader('Vary')` reads what the app set until the head is written.
 *
 * @example
 * ```ts
 * reply.header('Vary', mergeVary(reply.getHeader('vary'), decision.vary));
 * keepVaryAtWriteHead(reply.raw, decision.vary);
 * ```
 */
export function keepVaryAtWriteHead(res: WriteHeadTarget, names: readonly string[]): void {
  if (names.length === 0) return;
  const keeper = headKeeperOf(names);
  const target = res as unknown as { writeHead: WriteHead };
  const current = target.writeHead;
  if (current === keeper) return;
  const inherited = (Object.getPrototypeOf(res) as { writeHead: WriteHead }).writeHead;
  // something (on-headers, an instrumentation, another list's keeper) put its own writeHead here first: call it
  target.writeHead = current === inherited ? keeper : makeWriteHeadKeeper(Object.isFrozen(names) ? names : Object.freeze([...names]), current);
}

/** Marks a prototype that `keepRecordedVary` has equipped: a registered symbol, so two copies of the core install one writeHead. */
const EQUIPPED = Symbol.for('corsica.keepRecordedVary');

/**
 * Puts, once, a `writeHead` on `prototype` (a framework's own prototype for its responses) that
 * keeps the `Vary` names of the decision recorded for the response's request (`res.req`), for
 * every decision that lets the app answer (no `status` of its own): the same merge as
 * {@link keepVaryAtWriteHead}, with no property written on each response. Responses whose request
 * carries no decision, or a preflight's or a rejection's, go straight through. Calls the
 * `writeHead` the prototype had, or inherits.
 *
 * For Express, which sets every response's prototype anew (`Object.setPrototypeOf(res,
 * app.response)`), so that V8 builds each one's hidden class afresh and every property added to
 * `res` copies it: a per-response keeper allocates that copy on every request (docs/benchmarks.md).
 *
 * @example
 * ```ts
 * keepRecordedVary(expressBaseResponse); // once
 * // per request: decideOnce(policy, req, facts) records the decision on req, nothing on res
 * ```
 */
export function keepRecordedVary(prototype: object): void {
  const target = prototype as { writeHead: WriteHead; [EQUIPPED]?: true };
  if (Object.hasOwn(target, EQUIPPED)) return;
  const own = Object.hasOwn(target, 'writeHead') ? target.writeHead : undefined;
  const parent = Object.getPrototypeOf(target) as { writeHead: WriteHead };
  const writeHead: WriteHead = function writeHeadKeepingRecordedVary(statusCode, reason, obj) {
    const next = own ?? parent.writeHead;
    const req = (this as { req?: unknown }).req;
    const decision = typeof req === 'object' && req !== null ? recordedDecision(req) : undefined;
    if (decision === undefined || decision.status !== undefined || decision.vary.length === 0) return next.call(this, statusCode, reason, obj);
    return writeHeadKeeping(this, keptOf(decision.vary), next, statusCode, reason, obj);
  };
  Object.defineProperty(target, 'writeHead', { value: writeHead, writable: true, configurable: true, enumerable: false });
  Object.defineProperty(target, EQUIPPED, { value: true });
}
