/**
 * Serves a fetch handler on node:http, as Workers, Deno and Bun would call it: one Web `Request`
 * in (header lines appended in order, so repeated lines are joined by `Headers` as browsers'
 * runtimes do), one `Response` out. Extra arguments (`env`, `ctx`) are passed after the request.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { TEST_MAX_HEADER_SIZE } from './http.js';

export interface Served {
  readonly baseUrl: string;
  close(): Promise<void>;
}

export async function serveFetch(handler: (request: Request, ...rest: never[]) => Response | undefined | void | Promise<Response | undefined | void>, rest: readonly unknown[] = []): Promise<Served> {
  const server = http.createServer({ maxHeaderSize: TEST_MAX_HEADER_SIZE }, (req, res) => {
    void bridge(req, res);
  });
  async function bridge(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const headers = new Headers();
    for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) headers.append(req.rawHeaders[i]!, req.rawHeaders[i + 1]!);
    const method = req.method ?? 'GET';
    const hasBody = method !== 'GET' && method !== 'HEAD';
    const request = new Request(`http://${req.headers.host ?? '127.0.0.1'}${req.url ?? '/'}`, {
      method,
      headers,
      body: hasBody ? (Readable.toWeb(req) as ReadableStream<Uint8Array>) : null,
      duplex: 'half',
    } as RequestInit);
    let response: Response | undefined | void;
    try {
      response = await (handler as (request: Request, ...rest: readonly unknown[]) => Promise<Response | undefined>)(request, ...rest);
    } catch {
      // what a runtime does with an uncaught error: a bare 500 without any CORS header
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
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
