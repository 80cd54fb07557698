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
  // constant names: monomorphic property loads (a load by a variable name would be megamorphic)
  const h: Readonly<Record<string, HeaderValue>> = req.headers;
  return new Facts(req.method, h['origin'], h['access-control-request-method'], h['access-control-request-headers'], h, fromRecord);
}

/**
 * Facts from a Web `Request` (fetch handlers, Hono). `Headers.get` joins repeated lines with
 * `, `, which the core then sees as a comma-joined (duplicated) Origin.
 */
export function factsFromFetchRequest(request: { readonly method: string; readonly headers: Headers }): RequestFacts {
  const h = request.headers;
  return new Facts(request.method, h.get('origin'), h.get('access-control-request-method'), h.get('access-control-request-headers'), h, fromHeaders);
}

type Read<H> = (headers: H, name: string) => HeaderValue;
const fromRecord: Read<Readonly<Record<string, HeaderValue>>> = (h, name) => h[name];
const fromHeaders: Read<Headers> = (h, name) => h.get(name);

/**
 * What every decision reads is read at once, by the readers above, with constant names; the rest
 * only when asked: `requestPrivateNetwork` by preflights of a `privateNetwork` policy, `host`,
 * `secFetchSite` and `upgrade` by the origin guard. On a Web `Request` each `Headers.get` costs
 * about half as much as an unguarded decision (some 1,000 instructions on Node 20's undici). The
 * headers are private, so logging or serializing facts never shows them (cookies included).
 */
class Facts<H> implements RequestFacts {
  readonly #h: H;
  readonly #read: Read<H>;
  constructor(
    readonly method: string | undefined,
    readonly origin: HeaderValue,
    readonly requestMethod: HeaderValue,
    readonly requestHeaders: HeaderValue,
    h: H,
    read: Read<H>,
  ) {
    this.#h = h;
    this.#read = read;
  }
  /** Read by preflights of a policy with `privateNetwork` only. */
  get requestPrivateNetwork(): HeaderValue {
    return this.#read(this.#h, 'access-control-request-private-network');
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
