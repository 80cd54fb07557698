/**
 * Reading the request facts from the two request shapes adapters meet: Node's `IncomingMessage`
 * and the Web `Request`.
 * @module
 */
import type { HeaderValue, Policy, RequestFacts } from '../types.js';

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
    host: h['host'],
    secFetchSite: h['sec-fetch-site'],
    upgrade: h['upgrade'],
  };
}

/**
 * Facts from a Web `Request` (fetch handlers, Hono). `Headers.get` joins repeated lines with
 * `, `, which the core then sees as a comma-joined (duplicated) Origin. Each `Headers.get` costs
 * about half as much as an unguarded decision (some 1,000 instructions on Node 20's undici), so
 * given the `policy` that will decide, only what it reads is read: `host`, `secFetchSite` and
 * `upgrade` when it has a `guard`, `requestPrivateNetwork` when it has `privateNetwork`; the
 * others are left `undefined`. Without `policy`, or for a report-only policy (whose fallback
 * answers), every fact is read.
 */
export function factsFromFetchRequest(request: { readonly method: string; readonly headers: Headers }, policy?: Policy): RequestFacts {
  const h = request.headers;
  const config = policy?.config;
  // report-only: the fallback that answers has options of its own, so read everything
  const all = config === undefined || config.reportOnly;
  const guarded = all || config.guard !== undefined;
  return {
    method: request.method,
    origin: h.get('origin'),
    requestMethod: h.get('access-control-request-method'),
    requestHeaders: h.get('access-control-request-headers'),
    requestPrivateNetwork: all || config.privateNetwork ? h.get('access-control-request-private-network') : undefined,
    // Node (@hono/node-server), Bun, Deno and workerd all put Host in a server request's headers
    host: guarded ? h.get('host') : undefined,
    secFetchSite: guarded ? h.get('sec-fetch-site') : undefined,
    upgrade: guarded ? h.get('upgrade') : undefined,
  };
}
