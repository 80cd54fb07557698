/**
 * Reading request facts from the two request shapes adapters meet (Node's `IncomingMessage`
 * and the Web `Request`), and marking a request as handled so that stacked middlewares never
 * write CORS headers twice. Shared here so no adapter carries its own copy.
 * @module
 */
import { applyCorsHeaders, mergeVary } from './apply.js';
import { isPolicy } from './compile.js';
import { decideRequest } from './engine.js';
import { createPolicy } from './policy.js';
import type { CorsOptions, Decision, HeaderValue, Policy, RequestFacts } from './types.js';

/** The parts of Node's `IncomingMessage` that CORS reads. */
export interface NodeRequestLike {
  /** The request method, as sent (`IncomingMessage.method`). */
  readonly method?: string | undefined;
  /** Header values by lower-case name; Node joins repeated lines of one header with `, `. */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

/**
 * Facts from a Node request. Node joins repeated lines of these four headers with `, ` in
 * `headers`, which the core reads as what they are: a repeated `Origin` has a comma (denied as
 * duplicated), a repeated `Access-Control-Request-Method` is no longer a token (malformed), and
 * repeated `Access-Control-Request-Headers` lines are one list, as the Fetch standard combines
 * them. `headersDistinct` would say the same at the cost of an array per header per request.
 */
export function factsFromNodeRequest(req: NodeRequestLike): RequestFacts {
  // constant names: monomorphic property loads and no closure per request
  const h: Readonly<Record<string, HeaderValue>> = req.headers;
  return {
    method: req.method,
    origin: h['origin'],
    requestMethod: h['access-control-request-method'],
    requestHeaders: h['access-control-request-headers'],
    requestPrivateNetwork: h['access-control-request-private-network'],
  };
}

/**
 * Facts from a Web `Request` (fetch handlers, Hono). `Headers.get` joins repeated lines with
 * `, `, which the core then sees as a comma-joined (duplicated) Origin.
 */
export function factsFromFetchRequest(request: { readonly method: string; readonly headers: Headers }): RequestFacts {
  const h = request.headers;
  return {
    method: request.method,
    origin: h.get('origin'),
    requestMethod: h.get('access-control-request-method'),
    requestHeaders: h.get('access-control-request-headers'),
    requestPrivateNetwork: h.get('access-control-request-private-network'),
  };
}

/** Recorded while an async decision for the request is under way. */
const PENDING = 'pending' as const;
type Recorded = Decision | typeof PENDING;

/**
 * Where a request's decision is recorded: a property under a registered symbol, so that two
 * copies of the core in one process agree. A property write costs ~15 ns on a fresh request;
 * a WeakMap entry costs ~300-450 ns (ephemeron bookkeeping and the garbage collector's work on
 * it), more than the whole decision. Objects that refuse new properties (frozen, sealed, some
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
  if (Object.isExtensible(carrier)) {
    try {
      (carrier as Carrier)[DECISION] = value;
      if ((carrier as Carrier)[DECISION] === value) return;
    } catch {
      // a proxy or a setter that refuses: fall through to the WeakMap
    }
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
 * Accepts what every adapter accepts: options (compiled here, so a bad configuration throws a
 * `CorsConfigError` when the middleware is created) or an already compiled policy.
 */
export function toPolicy(input: CorsOptions | Policy): Policy {
  return isPolicy(input) ? input : createPolicy(input as CorsOptions);
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
  // full undici ones (body as a stream, ~4x the CPU per request) when anything else is touched.
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

/** A finished preflight answer as a Web `Response` (no body). */
export function preflightResponse(decision: Decision): Response {
  // a plain record: a Headers object and one set() per name cost ~1.5 µs more on Node
  const headers: Record<string, string> = { ...decision.headers };
  const vary = mergeVary(undefined, decision.vary);
  if (vary !== undefined) headers['Vary'] = vary;
  return new Response(null, { status: decision.status ?? 204, headers });
}
