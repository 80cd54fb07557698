/**
 * The HTTP-to-event bridge the conformance runs rely on: it must build each service's event the
 * way AWS documents it, or the runs prove nothing about Lambda. Then what users notice through
 * it: cookies and multi-value headers survive `withCors`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP, mainOptions, send, serveLambda } from '@corsica/test-utils';
import type { LambdaService, Started } from '@corsica/test-utils';
import type { APIGatewayProxyEvent, APIGatewayProxyEventV2 } from 'aws-lambda';
import { withCors } from '../src/index.js';

let seen: Record<string, unknown> = {};

/** Sends one request (a POST when it has a body) and answers the event the handler received. */
async function echo(baseUrl: string, path: string, lines: [string, string][], body?: Buffer): Promise<Record<string, unknown>> {
  seen = {};
  if (body === undefined) await send(baseUrl, { path, headers: lines });
  else await fetch(`${baseUrl}${path}`, { method: 'POST', headers: lines, body: new Uint8Array(body) });
  return seen;
}

describe('the bridge builds the events AWS documents', () => {
  const servers = new Map<LambdaService, Started>();
  beforeAll(async () => {
    for (const service of ['rest', 'http-api', 'alb', 'alb-multi'] as const) {
      servers.set(
        service,
        await serveLambda(service, async (event: Record<string, unknown>) => {
          seen = event;
          return { statusCode: 200, body: 'seen' };
        }),
      );
    }
  });
  afterAll(async () => {
    for (const server of servers.values()) await server.close();
  });

  const lines: [string, string][] = [
    ['X-Trace', 'one'],
    ['x-trace', 'two'],
    ['Cookie', 'a=1; b=2'],
  ];

  it('REST API: the client’s casing, the last line in headers, every line in multiValueHeaders, decoded query', async () => {
    const event = await echo(servers.get('rest')!.baseUrl, '/p%20q?x=1&x=2&y=%41', lines);
    expect(event.headers).toMatchObject({ 'X-Trace': 'two', Cookie: 'a=1; b=2' });
    expect(event.multiValueHeaders).toMatchObject({ 'X-Trace': ['one', 'two'] });
    expect(event.queryStringParameters).toEqual({ x: '2', y: 'A' });
    expect(event.multiValueQueryStringParameters).toEqual({ x: ['1', '2'], y: ['A'] });
    expect(event.path).toBe('/p q');
  });

  it('HTTP API: lower-case names, repeated lines joined with commas, cookies in their own array', async () => {
    const event = await echo(servers.get('http-api')!.baseUrl, '/p?x=1&x=2', lines);
    expect(event.headers).toMatchObject({ 'x-trace': 'one,two' });
    expect(event.headers).not.toHaveProperty('cookie');
    expect(event.cookies).toEqual(['a=1', 'b=2']);
    expect(event.queryStringParameters).toEqual({ x: '1,2' });
    expect(event.rawQueryString).toBe('x=1&x=2');
  });

  it('ALB: lower-case names, the last line, query strings left percent-encoded', async () => {
    const event = await echo(servers.get('alb')!.baseUrl, '/p?q=a%20b', lines);
    expect(event.headers).toMatchObject({ 'x-trace': 'two' });
    expect(event.queryStringParameters).toEqual({ q: 'a%20b' });
    expect(event).not.toHaveProperty('multiValueHeaders');
  });

  it('ALB with multi-value headers: only the multi-value maps', async () => {
    const event = await echo(servers.get('alb-multi')!.baseUrl, '/p?q=1&q=2', lines);
    expect(event.multiValueHeaders).toMatchObject({ 'x-trace': ['one', 'two'] });
    expect(event.multiValueQueryStringParameters).toEqual({ q: ['1', '2'] });
    expect(event).not.toHaveProperty('headers');
  });

  it('base64-encodes a binary body and passes a text body as it is', async () => {
    const binary = await echo(servers.get('http-api')!.baseUrl, '/p', [['Content-Type', 'application/octet-stream']], Buffer.from([0, 255, 1]));
    const text = await echo(servers.get('http-api')!.baseUrl, '/p', [['Content-Type', 'application/json']], Buffer.from('{"a":1}'));
    expect(binary).toMatchObject({ body: 'AP8B', isBase64Encoded: true });
    expect(text).toMatchObject({ body: '{"a":1}', isBase64Encoded: false });
  });
});

describe('what the browser gets through withCors', () => {
  it('keeps every Set-Cookie line of an HTTP API result’s cookies next to the CORS headers', async () => {
    const served = await serveLambda('http-api', withCors(async (_event: APIGatewayProxyEventV2) => ({ statusCode: 200, cookies: ['a=1; Secure', 'b=2; Secure'], body: 'ok' }), mainOptions));
    try {
      const res = await send(served.baseUrl, { headers: [['Origin', APP]] });
      expect(res.all('set-cookie')).toEqual(['a=1; Secure', 'b=2; Secure']);
      expect(res.cors['access-control-allow-origin']).toBe(APP);
    } finally {
      await served.close();
    }
  });

  it('keeps every line of a REST result’s multiValueHeaders next to the CORS headers', async () => {
    const served = await serveLambda('rest', withCors(async (_event: APIGatewayProxyEvent) => ({ statusCode: 200, multiValueHeaders: { 'Set-Cookie': ['a=1', 'b=2'], Link: ['</a>; rel=preload', '</b>; rel=preload'] }, body: 'ok' }), mainOptions));
    try {
      const res = await send(served.baseUrl, { headers: [['Origin', APP]] });
      expect(res.all('set-cookie')).toEqual(['a=1', 'b=2']);
      expect(res.all('link')).toEqual(['</a>; rel=preload', '</b>; rel=preload']);
      expect(res.all('access-control-allow-origin')).toEqual([APP]);
    } finally {
      await served.close();
    }
  });

  it('answers a binary (base64) result byte for byte, with the CORS headers', async () => {
    const served = await serveLambda('function-url', withCors(async (_event: APIGatewayProxyEventV2) => ({ statusCode: 200, headers: { 'content-type': 'text/plain' }, body: Buffer.from('héllo').toString('base64'), isBase64Encoded: true }), mainOptions));
    try {
      const res = await send(served.baseUrl, { headers: [['Origin', APP]] });
      expect(res.body).toBe('héllo');
      expect(res.cors['access-control-allow-origin']).toBe(APP);
    } finally {
      await served.close();
    }
  });
});
