/**
 * A tiny HTTP client over `node:http` for adapter tests: header lines are sent exactly as given
 * (repeated `Origin` lines, raw values), which `fetch` cannot do. Shared by the fetch, hono and
 * fastify test suites.
 */
import http from 'node:http';

/** One request header line: name, then the exact value. */
export type HeaderLine = readonly [name: string, value: string];

/** What a test sends. */
export interface RawRequest {
  readonly method: string;
  readonly path: string;
  readonly headers?: readonly HeaderLine[];
  readonly body?: string;
}

/** What came back: header names in lower case, repeated lines kept apart. */
export interface RawResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string[]>>;
  readonly body: string;
  /** The single value of a header, or `undefined`; fails the test when the header is repeated. */
  header(name: string): string | undefined;
  /** `Vary` split into its names. */
  readonly vary: readonly string[];
  /** Every `Access-Control-*` and `Corsica-Debug` header, names in lower case. */
  readonly cors: Readonly<Record<string, string>>;
}

/** Requests with a hard timeout so a hanging server fails the test instead of stalling it. */
export function send(baseUrl: string, request: RawRequest, timeoutMs = 5000): Promise<RawResponse> {
  const url = new URL(request.path, baseUrl);
  // with raw header lines Node adds no Host, and HTTP/1.1 servers answer 400 without one
  const flat: string[] = ['Host', url.host];
  for (const [name, value] of request.headers ?? []) flat.push(name, value);
  // without a length Node streams POST, PUT and PATCH bodies chunked, which frameworks may parse
  const hasBodyByDefault = request.method === 'POST' || request.method === 'PUT' || request.method === 'PATCH';
  if (request.body !== undefined || hasBodyByDefault) flat.push('Content-Length', String(Buffer.byteLength(request.body ?? '')));
  return new Promise((resolve, reject) => {
    const req = http.request(
      { method: request.method, hostname: url.hostname, port: url.port, path: url.pathname + url.search, headers: flat, agent: false, timeout: timeoutMs },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => resolve(toResponse(res, Buffer.concat(chunks).toString('utf8'))));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer to ${request.method} ${request.path} within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(request.body);
  });
}

function toResponse(res: http.IncomingMessage, body: string): RawResponse {
  const headers: Record<string, string[]> = {};
  const raw = res.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) (headers[raw[i]!.toLowerCase()] ??= []).push(raw[i + 1]!);
  const cors: Record<string, string> = {};
  for (const name in headers) {
    if (name.startsWith('access-control-') || name === 'corsica-debug') cors[name] = headers[name]!.join(', ');
  }
  const vary = (headers['vary'] ?? []).flatMap((line) => line.split(',')).map((n) => n.trim()).filter((n) => n !== '');
  return {
    status: res.statusCode ?? 0,
    headers,
    body,
    vary,
    cors,
    header(name) {
      const lines = headers[name.toLowerCase()];
      if (lines === undefined) return undefined;
      if (lines.length !== 1) throw new Error(`expected one ${name} line, got ${lines.length}: ${JSON.stringify(lines)}`);
      return lines[0];
    },
  };
}

/** The most request header bytes a test server accepts, so hostile-size tests reach CORS code. */
export const TEST_MAX_HEADER_SIZE = 1024 * 1024;
