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

/** How {@link fetchListener} turns a Node request into a Web `Request`, and what it does on errors. */
export interface FetchListenerOptions {
  /** Arguments after the request, as runtimes pass them (`env`, `ctx`). */
  readonly rest?: readonly unknown[];
  /**
   * The Request URL's host: the request's `Host` header (default), or always `127.0.0.1`, so that
   * requests with a hostile or missing `Host` still reach the handler (the fuzz sends those).
   */
  readonly host?: 'header' | 'loopback';
  /**
   * Give the Request a body only when the request announces one (`Content-Length` above 0 or
   * `Transfer-Encoding`); by default every method but GET and HEAD gets the request stream.
   */
  readonly bodyOnlyWhenAnnounced?: boolean;
  /** Told about an error the handler did not catch, before the bare 500 (or the reset). */
  readonly onUncaught?: (error: unknown) => void;
}

/**
 * A node:http listener that calls a fetch handler as Workers, Deno and Bun would. A request the
 * Fetch standard cannot represent (TRACE, CONNECT and other forbidden methods) gets a 405, as a
 * runtime refuses it before any handler; an uncaught throw becomes a bare 500 without CORS
 * headers (what a runtime sends, or a reset once the answer has started); a handler that answers
 * nothing becomes a 501.
 *
 * @example
 * ```ts
 * const server = http.createServer(fetchListener(withCors(handler, policy), { host: 'loopback' }));
 * ```
 */
export function fetchListener(handler: FetchHandler, options: FetchListenerOptions = {}): http.RequestListener {
  const call = handler as (request: Request, ...rest: readonly unknown[]) => ReturnType<FetchHandler>;
  const rest = options.rest ?? [];

  async function bridge(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    let request: Request;
    try {
      const headers = new Headers();
      for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) headers.append(req.rawHeaders[i]!, req.rawHeaders[i + 1]!);
      const announced = req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
      const hasBody = method !== 'GET' && method !== 'HEAD' && (!options.bodyOnlyWhenAnnounced || announced);
      const host = options.host === 'loopback' ? '127.0.0.1' : (req.headers.host ?? '127.0.0.1');
      request = new Request(`http://${host}${req.url ?? '/'}`, {
        method,
        headers,
        body: hasBody ? (Readable.toWeb(req) as ReadableStream<Uint8Array>) : null,
        duplex: 'half',
      } as RequestInit);
    } catch {
      res.writeHead(405, { 'content-type': 'text/plain' }).end('not representable as a fetch Request');
      return;
    }
    const response = (await call(request, ...rest)) as Response | null | undefined;
    if (response === undefined || response === null) {
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

  return (req, res) => {
    bridge(req, res).catch((error: unknown) => {
      options.onUncaught?.(error);
      if (!res.headersSent) res.writeHead(500).end('uncaught');
      else res.destroy();
    });
  };
}

/**
 * Serves `handler` on 127.0.0.1:0 through {@link fetchListener} (the request's `Host` in its URL,
 * a body for every method but GET and HEAD).
 *
 * @example
 * ```ts
 * const served = await serveFetch(withCors(handler, policy), [env, ctx]);
 * afterAll(() => served.close());
 * ```
 */
export function serveFetch(handler: FetchHandler, rest: readonly unknown[] = []): Promise<Started> {
  return listen(http.createServer({ maxHeaderSize: TEST_MAX_HEADER_SIZE }, fetchListener(handler, { rest })));
}
