/**
 * Deciding each request once: the decision is recorded on the request, so that stacked Corsica
 * middlewares never write CORS headers twice, and the stack is reported.
 * @module
 */
import type { Decision, Policy, RequestFacts } from '../types.js';

/** Recorded while an async decision for the request is under way. */
const PENDING = 'pending' as const;
type Recorded = Decision | typeof PENDING;

/**
 * Where a request's decision is recorded: a property under a registered symbol, so that two
 * copies of the core in one process agree. A property write is far cheaper than a WeakMap entry
 * (ephemeron bookkeeping and the garbage collector's work on it), which costs more than the whole
 * decision (docs/benchmarks.md). Objects that refuse new properties (frozen, sealed, some
 * proxies) are recorded in a WeakMap on `globalThis` instead.
 */
const DECISION = Symbol.for('corsica.decision');
const FALLBACK = Symbol.for('corsica.decisions');
type Carrier = { [DECISION]?: Recorded };

const holder = globalThis as { [FALLBACK]?: WeakMap<object, Recorded> };

function readRecord(carrier: object): Recorded | undefined {
  const own = (carrier as Carrier)[DECISION];
  if (own !== undefined) return own;
  // created on the first carrier that refused a property, so usually absent
  return holder[FALLBACK]?.get(carrier);
}

function writeRecord(carrier: object, value: Recorded): void {
  try {
    (carrier as Carrier)[DECISION] = value;
    if ((carrier as Carrier)[DECISION] === value) return;
  } catch {
    // a frozen or sealed carrier, a proxy or a setter that refuses (modules are strict: they throw)
  }
  (holder[FALLBACK] ??= new WeakMap()).set(carrier, value);
}

/**
 * Records that a Corsica middleware decided this request. Returns the earlier decision when
 * another Corsica middleware already handled it: the caller must then leave the response alone.
 */
export function recordDecision(carrier: object, decision: Decision): Decision | undefined {
  const earlier = readRecord(carrier);
  if (earlier !== undefined && earlier !== PENDING) return earlier;
  writeRecord(carrier, decision);
  return undefined;
}

/** The decision a Corsica middleware recorded on this request, if any. */
export function recordedDecision(carrier: object): Decision | undefined {
  const recorded = readRecord(carrier);
  return recorded === PENDING ? undefined : recorded;
}

/**
 * Decides with `decide` for sync policies and `decideAsync` for async ones, so adapters have one
 * call: the result is a Decision, or a Promise of one only when `policy.isAsync`. Never throws,
 * never rejects.
 *
 * @example
 * ```ts
 * const result = decideRequest(policy, factsFromNodeRequest(req));
 * const decision = result instanceof Promise ? await result : result;
 * ```
 */
export function decideRequest(policy: Policy, facts: RequestFacts): Decision | Promise<Decision> {
  return policy.isAsync ? policy.decideAsync(facts) : policy.decide(facts);
}

const toldAboutStacking = new WeakSet<Policy>();

/** What an adapter tells `decideOnce` beyond the facts. */
export interface DecideOnceOptions {
  /**
   * The adapter knows this second decision is intended (Express: a path-specific middleware ran
   * first, the global one second): skip it silently instead of reporting a stack.
   */
  readonly expected?: boolean;
  /** The framework's own way out of a stack, appended to the report (e.g. Fastify's `config.cors`). */
  readonly hint?: string;
}

/**
 * The adapters' one entry point: decides a request once per request object. When another
 * Corsica middleware already decided (or is deciding) this request, returns `undefined`, and the
 * caller must leave the response alone; the stack is reported once per policy through its
 * `onError` (phase `'adapter'`), unless `expected`. Otherwise decides (asynchronously only when
 * `policy.isAsync`), records the decision on `carrier` and returns it. Never throws or rejects.
 */
export function decideOnce(policy: Policy, carrier: object, facts: RequestFacts, options: DecideOnceOptions = {}): Decision | undefined | Promise<Decision | undefined> {
  if (readRecord(carrier) !== undefined) {
    if (!options.expected && !toldAboutStacking.has(policy)) {
      toldAboutStacking.add(policy);
      policy.reportError(new Error(options.hint ? `${STACKED} ${options.hint}` : STACKED), { phase: 'adapter' });
    }
    return undefined;
  }
  const result = decideRequest(policy, facts);
  if (!(result instanceof Promise)) {
    writeRecord(carrier, result);
    return result;
  }
  writeRecord(carrier, PENDING);
  return result.then((decision) => {
    writeRecord(carrier, decision);
    return decision;
  });
}

const STACKED =
  'corsica: two Corsica middlewares handled the same request; the second left the response alone, so the first one\'s headers stand. ' +
  'Mount each CORS middleware once; for per-route policies mount the route-specific one before the global one, or use the framework\'s per-route option.';
