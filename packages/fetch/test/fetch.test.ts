import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createPolicy } from '@corsica/core';
import type { CorsOptions, ErrorContext } from '@corsica/core';
import { ALLOWED_ACTUAL_HEADERS, APP, EVIL, describeAdapter, expectVary, mainOptions, send, serveFetch } from '@corsica/test-utils';
import type { Started } from '@corsica/test-utils';
import { getCorsDecision, withCors } from '../src/index.js';
import { startApp, startPerRoute } from './app.js';

describeAdapter('@corsica/fetch', {
  start: startApp,
  startPerRoute,
  create: (options) => withCors(() => new Response('ok'), options as CorsOptions),
});

const policy = createPolicy(mainOptions);

describe('@corsica/fetch: options or a policy', () => {
  it('accepts a compiled policy as well as options', async () => {
    const request = new Request('http://api.example.com/', { headers: { Origin: APP } });
    const fromOptions = await withCors(() => new Response('ok'), mainOptions)(request.clone());
    const fromPolicy = await withCors(() => new Response('ok'), policy)(request.clone());
    const all = (headers: Headers): Record<string, string> => {
      const out: Record<string, string> = {};
      headers.forEach((value, name) => {
        out[name] = value;
      });
      return out;
    };
    expect(all(fromOptions.headers)).toEqual(all(fromPolicy.headers));
    expect(fromPolicy.headers.get('access-control-allow-origin')).toBe(APP);
  });
});

describe('@corsica/fetch: responses the handler cannot change', () => {
  let upstream: http.Server;
  let upstreamUrl: string;
  let served: Started;
  beforeAll(async () => {
    upstream = http.createServer((_req, res) => res.writeHead(201, { 'content-type': 'text/plain', vary: 'Accept' }).end('from upstream'));
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/`;
    served = await serveFetch(
      withCors((request: Request) => {
        const { pathname } = new URL(request.url);
        if (pathname === '/redirect') return Response.redirect('https://elsewhere.example.com/next', 307);
        return fetch(upstreamUrl);
      }, policy),
    );
  });
  afterAll(async () => {
    await served.close();
    upstream.closeAllConnections();
    await new Promise((resolve) => upstream.close(resolve));
  });

  it('adds the CORS headers to a copy of a Response.redirect answer', async () => {
    const res = await send(served.baseUrl, { method: 'GET', path: '/redirect', headers: [['Origin', APP]] });
    expect(res.status).toBe(307);
    expect(res.header('location')).toBe('https://elsewhere.example.com/next');
    expect(res.cors).toEqual(ALLOWED_ACTUAL_HEADERS);
    expectVary(res, ['Origin']);
  });

  it('adds the CORS headers to a copy of a fetch() result, keeping its status, headers and body', async () => {
    const res = await send(served.baseUrl, { method: 'GET', path: '/proxy', headers: [['Origin', APP]] });
    expect(res.status).toBe(201);
    expect(res.body).toBe('from upstream');
    expect(res.cors).toEqual(ALLOWED_ACTUAL_HEADERS);
    expectVary(res, ['Accept', 'Origin']);
  });
});

describe('@corsica/fetch: the handler’s signature and context', () => {
  let served: Started;
  const env = { TENANT: 'acme' };
  const ctx = { waitUntil: (_p: Promise<unknown>) => undefined };
  beforeAll(async () => {
    const handler = withCors((request: Request, e: typeof env, c: typeof ctx) => {
      const decision = getCorsDecision(request);
      return Response.json({ tenant: e.TENANT, hasWaitUntil: typeof c.waitUntil === 'function', reason: decision?.reason });
    }, policy);
    served = await serveFetch(handler as (request: Request, ...rest: never[]) => Promise<Response>, [env, ctx]);
  });
  afterAll(() => served.close());

  it('passes every extra argument (env, ctx) through to the handler, and exposes the decision', async () => {
    const res = await send(served.baseUrl, { method: 'GET', path: '/', headers: [['Origin', EVIL]] });
    expect(JSON.parse(res.body)).toEqual({ tenant: 'acme', hasWaitUntil: true, reason: 'origin-not-allowed' });
    expect(res.cors).toEqual({});
  });

  it('returns undefined from getCorsDecision for a request no wrapper saw', () => {
    expect(getCorsDecision(new Request('http://api.example.com/'))).toBeUndefined();
  });
});

describe('@corsica/fetch: WebSocket upgrades', () => {
  it('returns a Cloudflare-style upgrade response (webSocket set) untouched', async () => {
    const upgrade = new Response(null, { status: 200 });
    Object.defineProperty(upgrade, 'webSocket', { value: {} });
    const answer = await withCors(() => upgrade, policy)(new Request('http://api.example.com/ws', { headers: { Origin: APP, Upgrade: 'websocket' } }));
    expect(answer).toBe(upgrade);
    expect(answer.headers.has('access-control-allow-origin')).toBe(false);
  });

  it('returns nothing when the handler upgraded and returned nothing (Bun.serve)', async () => {
    const answer = await withCors(() => undefined, policy)(new Request('http://api.example.com/ws', { headers: { Origin: APP } }));
    expect(answer).toBeUndefined();
  });
});

describe('@corsica/fetch: errors in the handler', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('logs a corsica: message by default and answers 500 with the CORS headers', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const served = await serveFetch(
      withCors(() => {
        throw new Error('database down');
      }, policy),
    );
    try {
      const res = await send(served.baseUrl, { method: 'GET', path: '/', headers: [['Origin', APP]] });
      expect(res.status).toBe(500);
      expect(res.body).toBe('Internal Server Error');
      expect(res.cors).toEqual(ALLOWED_ACTUAL_HEADERS);
      expect(logged).toHaveBeenCalledTimes(1);
      expect(String(logged.mock.calls[0]![0])).toMatch(/^corsica: .*onError/);
      expect((logged.mock.calls[0]![1] as Error).message).toBe('database down');
    } finally {
      await served.close();
    }
  });

  it('sends the Response onError returns, with the CORS headers added', async () => {
    const seen: unknown[] = [];
    const served = await serveFetch(
      withCors(
        async () => {
          throw new Error('not yours');
        },
        policy,
        {
          onError: (error, request) => {
            seen.push(error, new URL(request.url).pathname);
            return Response.json({ error: 'forbidden' }, { status: 403 });
          },
        },
      ),
    );
    try {
      const res = await send(served.baseUrl, { method: 'GET', path: '/secret', headers: [['Origin', APP]] });
      expect(res.status).toBe(403);
      expect(JSON.parse(res.body)).toEqual({ error: 'forbidden' });
      expect(res.cors).toEqual(ALLOWED_ACTUAL_HEADERS);
      expect((seen[0] as Error).message).toBe('not yours');
      expect(seen[1]).toBe('/secret');
    } finally {
      await served.close();
    }
  });

  it('answers 500 with the CORS headers when onError itself throws, and logs it', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const wrapped = withCors(
      () => {
        throw new Error('first');
      },
      policy,
      {
        onError: () => {
          throw new Error('second');
        },
      },
    );
    const res = await wrapped(new Request('http://api.example.com/', { headers: { Origin: APP } }));
    expect(res.status).toBe(500);
    expect(res.headers.get('access-control-allow-origin')).toBe(APP);
    expect(logged).toHaveBeenCalledTimes(1);
    expect(String(logged.mock.calls[0]![0])).toMatch(/^corsica: the onError option/);
  });
});

describe('@corsica/fetch: two wrappers deciding one Request at the same time', () => {
  it('lets only the one that began deciding first write headers, even when the other finishes first', async () => {
    let release!: (allowed: boolean) => void;
    const reports: ErrorContext[] = [];
    const slow = withCors(() => new Response('slow'), { origin: async (_o: string) => new Promise<boolean>((resolve) => (release = resolve)) });
    const fast = withCors(() => new Response('fast'), { origin: 'https://other.example.com', onError: (_error, context) => reports.push(context) });
    const request = new Request('http://api.example.com/', { headers: { Origin: APP } });
    const pendingSlow = slow(request);
    const fastAnswer = await fast(request);
    release(true);
    const slowAnswer = await pendingSlow;
    expect(await fastAnswer.text()).toBe('fast');
    const fastNames: string[] = [];
    fastAnswer.headers.forEach((_value, name) => {
      fastNames.push(name);
    });
    expect(fastNames.filter((name) => name.startsWith('access-control-') || name === 'vary')).toEqual([]);
    expect(slowAnswer.headers.get('access-control-allow-origin')).toBe(APP);
    expect(getCorsDecision(request)?.reason).toBe('origin-allowed');
    expect(reports).toEqual([{ phase: 'adapter' }]);
  });
});
