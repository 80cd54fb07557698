/**
 * The HTTP side of the adapters' tests: real servers on 127.0.0.1 (OS-chosen port), and a client
 * that sends header lines exactly as given (repeated `Origin` lines, raw values, which `fetch`
 * cannot do) and reads the answer back line by line. The wire work is the conformance kit's own
 * client, so the adapters' tests and the kit see the same bytes.
 * @module
 */
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import { send as sendLines } from '@corsica/conformance';
import type { HeaderLine } from '@corsica/conformance';

export type { HeaderLine };

/**
 * The most request-head bytes a test server accepts. Node refuses heads over 16 KB itself (431);
 * the hostile-input tests need theirs to reach the CORS code.
 */
export const TEST_MAX_HEADER_SIZE = 1024 * 1024;

/** What a test sends. */
export interface TestRequest {
  /** Default `GET`. */
  readonly method?: string;
  /** Default `/ok`. */
  readonly path?: string;
  /** Header lines, in order, repeats kept; only `Host` (and `Content-Length` on bodied methods) is added. */
  readonly headers?: readonly HeaderLine[];
}

/** What came back: header names in lower case, repeated lines kept apart. */
export interface TestResponse {
  readonly status: number;
  readonly body: string;
  /** Every header's lines. */
  readonly headers: Readonly<Record<string, readonly string[]>>;
  /** The lines of one header; empty when it is absent. */
  all(name: string): readonly string[];
  /** The single value of a header, or `undefined`; fails the test when it came on several lines. */
  header(name: string): string | undefined;
  /** `Vary` split into its names, in order. */
  readonly vary: readonly string[];
  /** Every `Access-Control-*` and `Corsica-Debug` header, repeated lines joined with `, ` as a browser joins them. */
  readonly cors: Readonly<Record<string, string>>;
}

/** A listening test server. */
export interface Started {
  readonly baseUrl: string;
  close(): Promise<void>;
}

/**
 * Sends one request and fails (rejects) when no answer comes within `timeoutMs`, so a hanging
 * server fails its test instead of stalling the run.
 *
 * @example
 * ```ts
 * const res = await send(app.baseUrl, { method: 'GET', path: '/ok', headers: [['Origin', APP], ['Origin', APP]] });
 * expect(res.cors).toEqual({});
 * ```
 */
export async function send(baseUrl: string, request: TestRequest = {}, timeoutMs = 5000): Promise<TestResponse> {
  const method = request.method ?? 'GET';
  const path = request.path ?? '/ok';
  const lines = [...(request.headers ?? [])];
  // without a length Node streams POST, PUT and PATCH bodies chunked, which frameworks may parse
  if (method === 'POST' || method === 'PUT' || method === 'PATCH') lines.push(['Content-Length', '0']);
  const res = await sendLines(baseUrl, { method, path, headers: lines }, timeoutMs);
  if (res.error !== undefined) throw new Error(`no answer to ${method} ${path}: ${res.error}`);
  const headers: Record<string, readonly string[]> = {};
  for (const name in res.headers) {
    const value = res.headers[name]!;
    headers[name] = typeof value === 'string' ? [value] : value;
  }
  const all = (name: string): readonly string[] => headers[name.toLowerCase()] ?? [];
  const cors: Record<string, string> = {};
  for (const name in headers) if (name.startsWith('access-control-') || name === 'corsica-debug') cors[name] = headers[name]!.join(', ');
  return {
    status: res.status,
    body: res.body,
    headers,
    all,
    header(name) {
      const values = all(name);
      if (values.length > 1) throw new Error(`expected one ${name} line, got ${values.length}: ${JSON.stringify(values)}`);
      return values[0];
    },
    vary: all('vary')
      .flatMap((line) => line.split(','))
      .map((name) => name.trim())
      .filter((name) => name !== ''),
    cors,
  };
}

/**
 * Writes raw bytes (a whole request head) on a socket and parses the answer's head, for requests
 * node:http refuses to send (control bytes, folded lines).
 *
 * @example
 * ```ts
 * const res = await sendRaw(app.baseUrl, `OPTIONS /ok HTTP/1.1\r\nHost: x\r\nOrigin: ${APP}\rX: y\r\nConnection: close\r\n\r\n`);
 * expect(res.status).toBeLessThan(500);
 * ```
 */
export function sendRaw(baseUrl: string, head: string): Promise<{ status: number; head: string }> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname, () => socket.end(head, 'latin1'));
    const chunks: Buffer[] = [];
    socket.setTimeout(5000, () => socket.destroy(new Error('no answer within 5 s')));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const answerHead = Buffer.concat(chunks).toString('latin1').split('\r\n\r\n')[0] ?? '';
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(answerHead)?.[1] ?? 0), head: answerHead });
    });
  });
}

/**
 * Listens on 127.0.0.1 with an OS-chosen port; `close` also drops kept-alive connections.
 *
 * @example
 * ```ts
 * const server = await listen(http.createServer({ maxHeaderSize: TEST_MAX_HEADER_SIZE }, app));
 * afterAll(() => server.close());
 * ```
 */
export function listen(server: http.Server): Promise<Started> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        baseUrl: `http://127.0.0.1:${port}`,
        close: () =>
          new Promise<void>((done, fail) => {
            server.close((error) => (error ? fail(error) : done()));
            server.closeAllConnections();
          }),
      });
    });
  });
}
