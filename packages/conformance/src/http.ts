/**
 * The HTTP client of the kit: node:http with header lines sent exactly as given (order, repeats,
 * bytes), a time-out on every request, and no redirects followed.
 * @module
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { ScenarioRequest, ScenarioResponse } from './types.js';

/** Bodies are read up to this many bytes; a conformance route answers a few bytes. */
const MAX_BODY_BYTES = 64 * 1024;

/**
 * Sends one request and resolves with whatever came back. Header lines go out in order, repeats
 * kept, values as given; redirects are not followed. Never rejects: a time-out or a closed
 * connection resolves with status 0 and `error` set, so a run always finishes.
 *
 * @example
 * ```ts
 * const response = await send('http://127.0.0.1:8080', {
 *   method: 'GET',
 *   path: '/ok',
 *   headers: [['Origin', 'https://app.example.com'], ['Origin', 'https://evil.example']],
 * }, 5000);
 * response.headers['access-control-allow-origin']; // undefined, one hopes
 * ```
 */
export function send(baseUrl: string, req: ScenarioRequest, timeoutMs: number): Promise<ScenarioResponse> {
  const url = new URL(req.path, baseUrl);
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  // The array form sends lines in order and keeps repeats; it also skips Node's automatic Host,
  // so the URL's host is added unless the scenario sends its own (a DNS-rebinding Host).
  const lines: [string, string][] = req.headers.some(([name]) => name.toLowerCase() === 'host') ? [] : [['Host', url.host]];
  for (const [name, value] of req.headers) lines.push([name, value]);
  return new Promise((resolve) => {
    let settled = false;
    const finish = (response: ScenarioResponse): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(response);
    };
    const timer = setTimeout(() => {
      finish({ status: 0, headers: {}, body: '', error: `no response within ${timeoutMs} ms`, timedOut: true });
      client.destroy();
    }, timeoutMs);
    const client = request(
      {
        protocol: url.protocol,
        hostname: url.hostname.replace(/^\[|\]$/g, ''),
        port: url.port,
        method: req.method,
        path: `${url.pathname}${url.search}`,
        headers: lines as unknown as Record<string, string>,
        agent: false,
      },
      (res) => {
        const headers: Record<string, string | string[]> = {};
        const raw = res.rawHeaders;
        for (let i = 0; i + 1 < raw.length; i += 2) {
          const name = raw[i]!.toLowerCase();
          const value = raw[i + 1]!;
          const prev = headers[name];
          headers[name] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          if (size < MAX_BODY_BYTES) chunks.push(chunk);
          size += chunk.length;
        });
        const done = (): void => finish({ status: res.statusCode ?? 0, headers, body: Buffer.concat(chunks).toString('utf8').slice(0, MAX_BODY_BYTES) });
        res.on('end', done);
        // a server may close right after its headers (a 431): what arrived is the answer
        res.on('close', done);
        res.on('error', done);
      },
    );
    client.on('error', (error: NodeJS.ErrnoException) => {
      finish({ status: 0, headers: {}, body: '', error: error.code ? `${error.code}: ${error.message}` : error.message });
    });
    client.end();
  });
}
