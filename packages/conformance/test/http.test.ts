import { once } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatResult, send } from '../src/index.js';
import type { ScenarioResult } from '../src/index.js';

let baseUrl = '';
const server = createServer((req: IncomingMessage, res: ServerResponse) => {
  switch (req.url) {
    case '/echo':
      res.setHeader('Content-Type', 'application/json');
      res.setHeader('Set-Cookie', ['a=1', 'b=2']);
      res.end(JSON.stringify({ method: req.method, origin: req.headersDistinct.origin, raw: req.rawHeaders }));
      return;
    case '/redirect':
      res.writeHead(302, { Location: '/echo' }).end();
      return;
    case '/hang':
      return; // never answers
    case '/reset':
      req.socket.destroy();
      return;
    default:
      res.writeHead(404).end();
  }
});

beforeAll(async () => {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('send', () => {
  it('sends repeated header lines as separate lines, in order, with exact values', async () => {
    const r = await send(baseUrl, { method: 'GET', path: '/echo', headers: [['Origin', 'https://b.example'], ['Origin', 'https://a.example\t.x']] }, 5000);
    const body = JSON.parse(r.body) as { origin: string[]; raw: string[] };
    expect(body.origin).toEqual(['https://b.example', 'https://a.example\t.x']);
    expect(body.raw.slice(0, 2)).toEqual(['Host', new URL(baseUrl).host]);
  });

  it('keeps repeated response header lines apart, with lower-case names', async () => {
    const r = await send(baseUrl, { method: 'GET', path: '/echo', headers: [] }, 5000);
    expect(r.status).toBe(200);
    expect(r.headers['set-cookie']).toEqual(['a=1', 'b=2']);
    expect(r.headers['content-type']).toBe('application/json');
  });

  it('never follows a redirect', async () => {
    const r = await send(baseUrl, { method: 'GET', path: '/redirect', headers: [] }, 5000);
    expect(r.status).toBe(302);
    expect(r.headers.location).toBe('/echo');
  });

  it('gives up on a server that never answers, and says so', async () => {
    const r = await send(baseUrl, { method: 'GET', path: '/hang', headers: [] }, 200);
    expect(r).toMatchObject({ status: 0, timedOut: true, error: 'no response within 200 ms' });
  });

  it('reports a closed connection instead of throwing', async () => {
    const r = await send(baseUrl, { method: 'GET', path: '/reset', headers: [] }, 5000);
    expect(r.status).toBe(0);
    expect(r.error).toMatch(/ECONNRESET|socket hang up/);
    expect(r.timedOut).toBeUndefined();
  });
});

describe('formatResult', () => {
  it('lists the problems, then the request and response, with control bytes escaped and long values cut', () => {
    const result: ScenarioResult = {
      id: 'origin.control-byte',
      title: 'A GET whose Origin hides a control byte is refused by the browser.',
      spec: 'SPEC-NOTES "Origins as browsers send them"',
      pass: false,
      problems: ['Access-Control-Allow-Origin is an origin the policy does not allow.'],
      notes: [],
      request: { method: 'GET', path: '/ok', headers: [['Origin', 'https://a.example\t.evil'], ['Access-Control-Request-Headers', 'a,'.repeat(200)]] },
      response: { status: 200, headers: { 'access-control-allow-origin': 'https://a.example\t.evil', vary: ['Origin', 'Origin'] }, body: 'ok' },
    };
    const text = formatResult(result);
    expect(text).toContain('FAIL origin.control-byte: A GET whose Origin hides a control byte');
    expect(text).toContain('  - Access-Control-Allow-Origin is an origin the policy does not allow.');
    expect(text).toContain('    Origin: https://a.example\\x09.evil');
    expect(text).toContain('(400 chars)');
    expect(text).toContain('    access-control-allow-origin: https://a.example\\x09.evil');
    expect(text.match(/ {4}vary: Origin/g)).toHaveLength(2);
    expect(text).toContain("    body: 'ok'");
  });
});
