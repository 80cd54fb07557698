/**
 * Serves a fetch handler on node:http, as Workers, Deno and Bun would call it: one Web `Request`
 * in (header lines appended in order, so repeated lines are joined by `Headers` as those
 * runtimes join them), one `Response` out. Extra arguments (`env`, `ctx`) follow the request.
 * @module
 */
import http from 'node:http';
import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { TEST_MAX_HEADER_SIZE, listen } from './http.js';
import type { Started } from './http.js';

/** A fetch handler as runtimes call it: a Response, or nothing after a WebSocket upgrade (Bun). */
export type FetchHandler = (request: Request, ...rest: never[]) => Response | undefined | void | Promise<Response | undefined | void>;

/**
 * Serves `handler` on 127.0.0.1:0. An uncaught throw becomes a bare 500 without CORS headers
 * (what a runtime sends), and a handler that answers nothing becomes a 501.
 *
 * @example
 * ```ts
 * const served = await serveFetch(withCors(handler, policy), [env, ctx]);
 * afterAll(() => served.close());
 * ```
 */
export function serveFetch(handler: FetchHandler, rest: readonly unknown[] = []): Promise<Started> {
  const call = handler as (request: Request, ...rest: readonly unknown[]) => ReturnType<FetchHandler>;
  return listen(
    http.createServer({ maxHeaderSize: TEST_MAX_HEADER_SIZE }, (req, res) => {
      void bridge(req, res);
    }),
  );

  async function bridge(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const headers = new Headers();
    for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) headers.append(req.rawHeaders[i]!, req.rawHeaders[i + 1]!);
    const method = req.method ?? 'GET';
    const hasBody = method !== 'GET' && method !== 'HEAD';
    let request: Request;
    try {
      request = new Request(`http://${req.headers.host ?? '127.0.0.1'}${req.url ?? '/'}`, {
        method,
        headers,
        body: hasBody ? (Readable.toWeb(req) as ReadableStream<Uint8Array>) : null,
        duplex: 'half',
      } as RequestInit);
    } catch {
      // the Fetch API refuses some methods (TRACE, CONNECT) and URLs that HTTP/1.1 still carries
      res.writeHead(405).end('not representable as a fetch Request');
      return;
    }
    let response: Response | undefined | void;
    try {
      response = await call(request, ...rest);
    } catch {
      res.writeHead(500).end('uncaught');
      return;
    }
    if (response === undefined) {
      res.writeHead(501).end('no response');
      return;
    }
    const out: Record<string, string | string[]> = {};
    response.headers.forEach((value, name) => {
      out[name] = name === 'set-cookie' ? response.headers.getSetCookie() : value;
    });
    res.writeHead(response.status, response.statusText, out);
    if (response.body === null || method === 'HEAD') res.end();
    else Readable.fromWeb(response.body as NodeReadableStream<Uint8Array>).pipe(res);
  }
}
