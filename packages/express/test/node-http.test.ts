import http from 'node:http';
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPolicy } from '@corsica/core';
import type { CorsMiddleware, CorsRequest } from '../src/index.js';
import { cors } from '../src/index.js';
import { APP, EVIL, NODE_VARY_REPLACEMENTS, TENANT, expectVary, listen, mainOptions, send } from '@corsica/test-utils';
import type { Started } from '@corsica/test-utils';

/** A plain node:http server: the handler runs as cors()'s `next`. */
function serve(middleware: CorsMiddleware, calls: { handler: number }): Promise<Started> {
  return listen(
    // typing req as CorsRequest is what makes req.cors visible outside Express
    http.createServer((req: CorsRequest, res) => {
      middleware(req, res, (error) => {
        if (error !== undefined) {
          res.statusCode = 500;
          res.end('failed');
          return;
        }
        calls.handler += 1;
        res.setHeader('Content-Type', 'application/json');
        res.end(JSON.stringify({ reason: req.cors?.reason ?? null }));
      });
    }),
  );
}

describe.each([
  { name: 'a sync policy', options: mainOptions, allowed: APP },
  { name: 'an async origin resolver', options: { origin: async (origin: string) => origin === TENANT }, allowed: TENANT },
])('plain node:http with $name', ({ options, allowed }) => {
  const calls = { handler: 0 };
  let server: Started;
  beforeAll(async () => {
    server = await serve(cors(options), calls);
  });
  afterAll(() => server.close());

  it('answers preflights without calling the handler', async () => {
    const before = calls.handler;
    const ok = await send(server.baseUrl, { method: 'OPTIONS', headers: [['Origin', allowed], ['Access-Control-Request-Method', 'POST']] });
    expect(ok.status).toBe(204);
    expect(ok.header('access-control-allow-origin')).toBe(allowed);
    const denied = await send(server.baseUrl, { method: 'OPTIONS', headers: [['Origin', EVIL], ['Access-Control-Request-Method', 'POST']] });
    expect(denied.status).toBe(403);
    expect(denied.cors).toEqual({});
    expect(calls.handler).toBe(before);
  });

  it('sets the headers, then runs the handler with the decision on req.cors', async () => {
    const res = await send(server.baseUrl, { headers: [['Origin', allowed]] });
    expect(res.status).toBe(200);
    expect(res.header('access-control-allow-origin')).toBe(allowed);
    expect(res.vary).toEqual(['Origin']);
    expect(JSON.parse(res.body)).toEqual({ reason: 'origin-allowed' });
    const denied = await send(server.baseUrl, { headers: [['Origin', EVIL]] });
    expect(denied.cors).toEqual({});
    expect(JSON.parse(denied.body)).toEqual({ reason: 'origin-not-allowed' });
  });
});

describe.each([
  { name: 'a sync policy', options: mainOptions, allowed: APP },
  { name: 'an async origin resolver', options: { origin: async (origin: string) => origin === TENANT }, allowed: TENANT },
])('plain node:http with $name: a handler that replaces Vary', ({ options, allowed }) => {
  let server: Started;
  beforeAll(async () => {
    const middleware = cors(options);
    server = await listen(
      http.createServer((req, res) => {
        middleware(req, res, () => {
          const answer = NODE_VARY_REPLACEMENTS[(req.url ?? '/').slice(1)];
          if (answer === undefined) res.end('ok');
          else answer(res, 'ok');
        });
      }),
    );
  });
  afterAll(() => server.close());

  it.each(Object.keys(NODE_VARY_REPLACEMENTS).flatMap((way) => [{ way, origin: allowed }, { way, origin: EVIL }, { way, origin: undefined }]))(
    'keeps Vary: Origin after $way, for origin $origin',
    async ({ way, origin }) => {
      const res = await send(server.baseUrl, { path: `/${way}`, headers: origin === undefined ? [] : [['Origin', origin]] });
      expect(res.status).toBe(200);
      expect(res.body).toBe('ok');
      expect(res.header('access-control-allow-origin')).toBe(origin === allowed ? allowed : undefined);
      expectVary(res, ['Accept-Encoding', 'Origin']);
    },
  );
});

describe('plain node:http with a "*" policy: a handler that replaces Vary', () => {
  it.each(Object.keys(NODE_VARY_REPLACEMENTS))('sends only the app’s Vary after %s: the answer does not depend on Origin', async (way) => {
    const middleware = cors(createPolicy({ origin: '*' }));
    const server = await listen(http.createServer((req, res) => middleware(req, res, () => NODE_VARY_REPLACEMENTS[way]!(res, 'ok'))));
    try {
      const res = await send(server.baseUrl, { headers: [['Origin', EVIL]] });
      expect(res.header('access-control-allow-origin')).toBe('*');
      expectVary(res, ['Accept-Encoding']);
    } finally {
      await server.close();
    }
  });
});

describe('plain node:http2 (compatibility API, cleartext): a handler that replaces Vary', () => {
  let server: http2.Http2Server;
  let client: http2.ClientHttp2Session;
  beforeAll(async () => {
    const middleware = cors(mainOptions);
    server = http2.createServer((req, res) => {
      middleware(req as unknown as http.IncomingMessage, res as unknown as http.ServerResponse, () => {
        const answer = NODE_VARY_REPLACEMENTS[(req.url ?? '/').slice(1)]!;
        answer(res as unknown as http.ServerResponse, 'ok');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    client = http2.connect(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  });
  afterAll(async () => {
    client.close();
    await new Promise((resolve) => server.close(resolve));
  });

  // the compatibility response has no setHeaders and no appendHeader
  const ways = Object.keys(NODE_VARY_REPLACEMENTS).filter((way) => way !== 'setHeaders' && way !== 'removeHeader-appendHeader');
  it.each(ways.flatMap((way) => [{ way, origin: APP }, { way, origin: EVIL }]))('keeps Vary: Origin after $way, for origin $origin', async ({ way, origin }) => {
    const headers = await new Promise<http2.IncomingHttpHeaders>((resolve, reject) => {
      const stream = client.request({ ':path': `/${way}`, origin });
      stream.on('response', (h) => {
        stream.resume();
        stream.on('end', () => resolve(h));
      });
      stream.on('error', reject);
      stream.end();
    });
    expect(headers[':status']).toBe(200);
    expect(headers['access-control-allow-origin']).toBe(origin === APP ? APP : undefined);
    expect(String(headers.vary).split(/\s*,\s*/).sort()).toEqual(['Accept-Encoding', 'Origin']);
  });
});
