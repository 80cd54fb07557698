/**
 * Test plumbing: real servers on 127.0.0.1 (OS-chosen port) and a node:http client that sends
 * header lines exactly as given (repeats included) and reads them back line by line.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import net from 'node:net';

/** A request as sent on the wire: ordered header lines, repeats allowed. */
export interface Sent {
  readonly method?: string;
  readonly path?: string;
  readonly headers?: readonly (readonly [string, string])[];
}

export interface Received {
  readonly status: number;
  readonly body: string;
  /** Every header line, names lower-cased, in order. */
  readonly lines: readonly (readonly [string, string])[];
  /** All values of one header (one per line). */
  all(name: string): string[];
  /** The single value of a header; fails the test when it came on several lines. */
  one(name: string): string | undefined;
  /** `Access-Control-*` headers, names lower-cased. */
  readonly cors: Record<string, string>;
  /** `Vary` names, in order. */
  readonly vary: string[];
}

export interface Started {
  readonly baseUrl: string;
  close(): Promise<void>;
}

/** Listens on 127.0.0.1 with an OS-chosen port. */
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

/** Sends one request with the header lines given, in order (node:http adds only `Host`). */
export function send(baseUrl: string, request: Sent = {}): Promise<Received> {
  const url = new URL(request.path ?? '/ok', baseUrl);
  const headers = ['Host', url.host, 'Connection', 'close', ...(request.headers ?? []).flat()];
  return new Promise((resolve, reject) => {
    const req = http.request({ host: url.hostname, port: url.port, path: url.pathname + url.search, method: request.method ?? 'GET', headers, timeout: 5000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const lines: [string, string][] = [];
        for (let i = 0; i < res.rawHeaders.length; i += 2) lines.push([res.rawHeaders[i]!.toLowerCase(), res.rawHeaders[i + 1]!]);
        resolve(received(res.statusCode ?? 0, Buffer.concat(chunks).toString('utf8'), lines));
      });
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within 5 s to ${request.method ?? 'GET'} ${url.pathname}`)));
    req.on('error', reject);
    req.end();
  });
}

/**
 * Writes raw bytes (a whole request head) on a socket and parses the answer's head, for requests
 * node:http refuses to send (control bytes, folded lines).
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
      const text = Buffer.concat(chunks).toString('latin1');
      const answerHead = text.split('\r\n\r\n')[0] ?? '';
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(answerHead)?.[1] ?? 0), head: answerHead });
    });
  });
}

function received(status: number, body: string, lines: [string, string][]): Received {
  const all = (name: string): string[] => lines.filter(([n]) => n === name.toLowerCase()).map(([, v]) => v);
  const cors: Record<string, string> = {};
  for (const [name, value] of lines) if (name.startsWith('access-control-')) cors[name] = name in cors ? `${cors[name]}\n${value}` : value;
  return {
    status,
    body,
    lines,
    all,
    one(name) {
      const values = all(name);
      if (values.length > 1) throw new Error(`${name} came on ${values.length} lines: ${values.join(' | ')}`);
      return values[0];
    },
    cors,
    vary: all('vary')
      .flatMap((v) => v.split(','))
      .map((v) => v.trim())
      .filter((v) => v !== ''),
  };
}

/** The decision's headers as they should appear on the wire (names lower-cased). */
export function lowerKeys(headers: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
}

/** Origins and requests shared by the suites. */
export const APP = 'https://app.example.com';
export const PREVIEW = 'https://pr-7.preview.example.com';
export const EVIL = 'https://app.example.com.evil.example';
export const TENANT = 'https://tenant.example.org';

/** The policy most tests run against: credentialed, several origins, so `Vary: Origin`. */
export const MAIN_OPTIONS = {
  origin: [APP, 'https://*.preview.example.com'],
  credentials: true,
  methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
  allowedHeaders: ['Content-Type', 'Authorization'],
  exposedHeaders: ['X-Total'],
  maxAge: 600,
} as const;

/** A request header list `n` names long. */
export const manyNames = (n: number): string => Array.from({ length: n }, (_, i) => `x-h${i}`).join(',');
