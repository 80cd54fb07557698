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
  return new Facts(req.method, req.headers, fromRecord);
}

/**
 * Facts from a Web `Request` (fetch handlers, Hono). `Headers.get` joins repeated lines with
 * `, `, which the core then sees as a comma-joined (duplicated) Origin.
 */
export function factsFromFetchRequest(request: { readonly method: string; readonly headers: Headers }): RequestFacts {
  return new Facts(request.method, request.headers, fromHeaders);
}

type Read<H> = (headers: H, name: string) => HeaderValue;
const fromRecord: Read<Readonly<Record<string, HeaderValue>>> = (h, name) => h[name];
const fromHeaders: Read<Headers> = (h, name) => h.get(name);

/**
 * What CORS reads is read at once; `host`, `secFetchSite` and `upgrade` only when asked, and only
 * the origin guard asks: on a Web `Request` each `Headers.get` costs about as much as the rest of
 * an unguarded decision (some 1,000 instructions on Node 20's undici). The headers are private,
 * so logging or serializing facts never shows them (cookies included).
 */
class Facts<H> implements RequestFacts {
  declare readonly origin: HeaderValue;
  declare readonly requestMethod: HeaderValue;
  declare readonly requestHeaders: HeaderValue;
  declare readonly requestPrivateNetwork: HeaderValue;
  readonly #h: H;
  readonly #read: Read<H>;
  // module-level readers with constant names: monomorphic loads, no closure per request
  constructor(
    readonly method: string | undefined,
    h: H,
    read: Read<H>,
  ) {
    this.#h = h;
    this.#read = read;
    this.origin = read(h, 'origin');
    this.requestMethod = read(h, 'access-control-request-method');
    this.requestHeaders = read(h, 'access-control-request-headers');
    this.requestPrivateNetwork = read(h, 'access-control-request-private-network');
  }
  // Node, @hono/node-server, Bun, Deno and workerd all put Host in a server request's headers
  get host(): HeaderValue {
    return this.#read(this.#h, 'host');
  }
  get secFetchSite(): HeaderValue {
    return this.#read(this.#h, 'sec-fetch-site');
  }
  get upgrade(): HeaderValue {
    return this.#read(this.#h, 'upgrade');
  }
}
