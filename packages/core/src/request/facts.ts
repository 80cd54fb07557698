/**
 * Reading the request facts from the two request shapes adapters meet: Node's `IncomingMessage`
 * and the Web `Request`.
 * @module
 */
import type { HeaderValue, RequestFacts } from '../types.js';

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
    // Node (@hono/node-server), Bun, Deno and workerd all put Host in a server request's headers
    host: h.get('host'),
    secFetchSite: h.get('sec-fetch-site'),
    upgrade: h.get('upgrade'),
  };
}
