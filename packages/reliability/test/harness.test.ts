/**
 * The harness checks itself: the response parser and the fuzz oracle must flag what they exist
 * to flag (a 5xx, a foreign ACAO, a header line with a bare LF, a second response, a hang),
 * judged on bytes from a real socket, and the child's adapters must show the routes the other
 * suites rely on. A checker that cannot fail would make every suite pass vacuously.
 */
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServerChild } from './support/child.js';
import type { FuzzRequest } from './support/fuzz-requests.js';
import { judge } from './support/oracle.js';
import type { FuzzPolicy } from './support/oracle.js';
import { exchange, headerValues } from './support/raw-http.js';
import { toBytes } from './support/requests.js';
import { ADAPTERS, ALLOWED_ORIGINS, BOOM_PATH, DENIED_ORIGIN } from './support/scenarios.js';

const APP = ALLOWED_ORIGINS[0]!;

/** A server that answers every connection with the same bytes, then closes (or never answers). */
async function cannedServer(reply: string | null): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    socket.once('data', () => {
      if (reply !== null) socket.end(Buffer.from(reply, 'latin1'));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

const getFrom = (origin: string): FuzzRequest => ({ method: 'GET', path: '/ok', lines: [['Origin', origin]], parserValid: true });

async function judged(reply: string | null, request: FuzzRequest, policy: FuzzPolicy = 'credentialed', timeoutMs = 2000): Promise<readonly string[]> {
  const server = await cannedServer(reply);
  try {
    const result = await exchange(server.port, toBytes(request, server.port, 'close'), [request.method], { timeoutMs, closeAfter: true });
    return judge({ policy, timeoutMs }, request, result).violations;
  } finally {
    await server.close();
  }
}

const ok = (headers: string): string => `HTTP/1.1 200 OK\r\n${headers}Content-Length: 2\r\n\r\nok`;

describe('the fuzz oracle, on bytes from a real socket', () => {
  it('accepts a well-formed answer that echoes an allowed origin', async () => {
    expect(await judged(ok(`Access-Control-Allow-Origin: ${APP}\r\nAccess-Control-Allow-Credentials: true\r\nVary: Origin\r\n`), getFrom(APP))).toEqual([]);
  });

  it.each([
    { desc: 'a 500', reply: 'HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n\r\n', request: getFrom(DENIED_ORIGIN), policy: 'credentialed', flag: /status 500/ },
    { desc: 'an ACAO for another allowed origin', reply: ok(`Access-Control-Allow-Origin: ${ALLOWED_ORIGINS[1]}\r\n`), request: getFrom(APP), policy: 'credentialed', flag: /does not echo/ },
    { desc: 'an ACAO that is not on the list', reply: ok(`Access-Control-Allow-Origin: ${DENIED_ORIGIN}\r\n`), request: getFrom(DENIED_ORIGIN), policy: 'credentialed', flag: /not an allowed origin/ },
    { desc: 'an echoed origin on the public policy', reply: ok(`Access-Control-Allow-Origin: ${APP}\r\n`), request: getFrom(APP), policy: 'public', flag: /not \*/ },
    { desc: 'credentials on the public policy', reply: ok('Access-Control-Allow-Origin: *\r\nAccess-Control-Allow-Credentials: true\r\n'), request: getFrom(APP), policy: 'public', flag: /public policy sent Access-Control-Allow-Credentials/ },
    { desc: 'two ACAO lines', reply: ok(`Access-Control-Allow-Origin: ${APP}\r\nAccess-Control-Allow-Origin: ${APP}\r\n`), request: getFrom(APP), policy: 'credentialed', flag: /2 Access-Control-Allow-Origin lines/ },
    { desc: 'a bare LF inside a CORS header line', reply: ok(`Access-Control-Allow-Origin: ${APP}\nX-Injected: 1\r\n`), request: getFrom(APP), policy: 'credentialed', flag: /malformed response header line/ },
    { desc: 'a NUL inside a header value', reply: ok('Vary: Origin\0\r\n'), request: getFrom(DENIED_ORIGIN), policy: 'credentialed', flag: /malformed/ },
    { desc: 'allow headers without an ACAO', reply: ok('Access-Control-Allow-Methods: PUT\r\n'), request: getFrom(DENIED_ORIGIN), policy: 'credentialed', flag: /denied, yet sent/ },
    { desc: 'an allowed origin left without ACAO', reply: ok('Vary: Origin\r\n'), request: getFrom(APP), policy: 'credentialed', flag: /allowed origin .* got Access-Control-Allow-Origin undefined/ },
    { desc: 'a credentialed-policy answer without Vary: Origin', reply: ok(''), request: getFrom(DENIED_ORIGIN), policy: 'credentialed', flag: /no Vary: Origin/ },
    { desc: 'a second response after the first', reply: `${ok('')}${ok('')}`, request: getFrom(DENIED_ORIGIN), policy: 'credentialed', flag: /unexpected bytes after the last response/ },
    { desc: 'a body shorter than its Content-Length', reply: 'HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nok', request: getFrom(DENIED_ORIGIN), policy: 'credentialed', flag: /no response|closed inside a body/ },
    { desc: 'a connection closed without an answer', reply: '', request: getFrom(DENIED_ORIGIN), policy: 'credentialed', flag: /no response/ },
  ] as const)('flags $desc', async ({ reply, request, policy, flag }) => {
    const violations = await judged(reply, request, policy);
    expect(violations.join('\n')).toMatch(flag);
  });

  it('flags a server that never answers as a hang', async () => {
    const violations = await judged(null, getFrom(APP), 'credentialed', 300);
    expect(violations.join('\n')).toMatch(/hangs/);
  });

  it('parses a chunked body and an interim 100 Continue', async () => {
    const server = await cannedServer('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n3\r\n!!!\r\n0\r\n\r\n');
    try {
      const result = await exchange(server.port, toBytes(getFrom(APP), server.port, 'close'), ['GET'], { timeoutMs: 2000, closeAfter: true });
      expect(result.parseError).toBeUndefined();
      expect(result.responses.map((r) => [r.status, r.body.toString()])).toEqual([[200, 'ok!!!']]);
    } finally {
      await server.close();
    }
  });
});

describe.each(ADAPTERS)('the %s app in the child process', (adapter) => {
  let child: ServerChild;
  let port: number;

  beforeAll(async () => {
    child = await ServerChild.spawn(`${adapter} harness child`);
    ({ port } = await child.start(adapter, 'credentialed'));
  });
  afterAll(() => child?.kill());

  it('answers an allowed GET with 200 and the allowed origin', async () => {
    const result = await exchange(port, toBytes(getFrom(APP), port, 'close'), ['GET'], { timeoutMs: 5000, closeAfter: true });
    expect(judge({ policy: 'credentialed', timeoutMs: 5000 }, getFrom(APP), result).violations).toEqual([]);
    expect(result.responses[0]!.status).toBe(200);
    expect(headerValues(result.responses[0]!, 'access-control-allow-origin')).toEqual([APP]);
  });

  it('answers the throwing route with a 500 that keeps its CORS headers, which the oracle flags (so the fuzz never sends it)', async () => {
    const request: FuzzRequest = { method: 'GET', path: BOOM_PATH, lines: [['Origin', APP]], parserValid: true };
    const result = await exchange(port, toBytes(request, port, 'close'), ['GET'], { timeoutMs: 5000, closeAfter: true });
    expect(result.responses[0]!.status).toBe(500);
    expect(headerValues(result.responses[0]!, 'access-control-allow-origin')).toEqual([APP]);
    expect(judge({ policy: 'credentialed', timeoutMs: 5000 }, request, result).violations.join('\n')).toMatch(/status 500/);
    expect(child.alive).toBe(true);
  });
});
