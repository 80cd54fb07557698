import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { createPolicy } from '@corsica/core';
import type { CorsOptions } from '@corsica/core';
import { ALLOWED_ACTUAL_HEADERS, APP, EVIL, describeAdapter, expectVary, mainOptions, preflight, send } from '@corsica/test-utils';
import type { AdapterUnderTest, Started } from '@corsica/test-utils';
import { cors } from '../src/index.js';
import { buildApp, serveApp, startApp, startPerRoute } from './app.js';

// Twice: with Node's Response, then with @hono/node-server's own classes (its default), which
// replace the globals for the rest of the process, so that suite runs second. HEAD is left out
// there: hono 4.13 answers every HEAD with a bare 500 on those classes, with or without any
// middleware (its HEAD path cannot build a Response from node-server's lighter one).
function onServer(serving: { globals: boolean }): AdapterUnderTest {
  return {
    start: (...policies) => startApp(policies, serving),
    startPerRoute: (publicPolicy, mainPolicy) => startPerRoute(publicPolicy, mainPolicy, serving),
    create: (options) => cors(options as CorsOptions),
  };
}
describeAdapter('@corsica/hono on Node’s Response', onServer({ globals: false }));
describeAdapter('@corsica/hono on node-server globals', { ...onServer({ globals: true }), methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] });

const policy = createPolicy(mainOptions);

describe('@corsica/hono: options or a policy', () => {
  it('accepts options as well as a compiled policy', async () => {
    const counts = { handler: 0, auth: 0 };
    const served = await serveApp(buildApp([cors(mainOptions)], counts));
    try {
      const res = await send(served.baseUrl, { method: 'OPTIONS', path: '/ok', headers: preflight(APP, 'PATCH') });
      expect(res.status).toBe(204);
      expect(res.header('access-control-allow-origin')).toBe(APP);
    } finally {
      await served.close();
    }
  });
});

describe('@corsica/hono: how Hono builds error and not-found responses', () => {
  let served: Started;
  let upstream: http.Server;
  beforeAll(async () => {
    upstream = http.createServer((_req, res) => res.writeHead(202, { vary: 'Accept' }).end('from upstream'));
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/`;

    const app = new Hono();
    app.use(cors(policy));
    app.get('/unauthorized', () => {
      throw new HTTPException(401, { message: 'log in first' });
    });
    app.get('/unauthorized-res', () => {
      throw new HTTPException(401, { res: new Response('Unauthorized', { status: 401, headers: { 'WWW-Authenticate': 'Bearer' } }) });
    });
    app.get('/teapot', () => {
      throw new Error('short and stout');
    });
    app.get('/decision', (c) => c.text(c.get('cors').reason));
    app.get('/proxy', () => fetch(upstreamUrl));
    app.get('/redirect', () => Response.redirect('https://elsewhere.example.com/next', 307));
    const admin = new Hono();
    admin.get('/crash', () => {
      throw new Error('admin crash');
    });
    admin.onError((_error, c) => c.text('admin error', 503));
    app.route('/admin', admin);
    app.onError((error, c) => (error instanceof HTTPException ? error.getResponse() : c.text(`custom: ${error.message}`, 418)));
    app.notFound((c) => c.json({ error: 'no such route' }, 404));
    served = await serveApp(app);
  });
  afterAll(async () => {
    await served.close();
    upstream.closeAllConnections();
    await new Promise((resolve) => upstream.close(resolve));
  });

  it.each([
    { desc: 'an HTTPException', path: '/unauthorized', status: 401, body: 'log in first' },
    { desc: 'an HTTPException carrying its own Response', path: '/unauthorized-res', status: 401, body: 'Unauthorized' },
    { desc: 'a plain Error answered by app.onError', path: '/teapot', status: 418, body: 'custom: short and stout' },
    { desc: 'an Error answered by a sub-app’s onError', path: '/admin/crash', status: 503, body: 'admin error' },
    { desc: 'a custom notFound handler', path: '/nowhere', status: 404, body: '{"error":"no such route"}' },
  ])('keeps the CORS headers and the real status on $desc', async ({ path, status, body }) => {
    const res = await send(served.baseUrl, { method: 'GET', path, headers: [['Origin', APP]] });
    expect(res.status).toBe(status);
    expect(res.body).toBe(body);
    expect(res.cors).toEqual(ALLOWED_ACTUAL_HEADERS);
    expectVary(res, ['Origin']);
  });

  it('keeps the response’s own headers on an HTTPException with a Response', async () => {
    const res = await send(served.baseUrl, { method: 'GET', path: '/unauthorized-res', headers: [['Origin', APP]] });
    expect(res.header('www-authenticate')).toBe('Bearer');
  });

  it('exposes the decision to handlers as c.get("cors")', async () => {
    const allowed = await send(served.baseUrl, { method: 'GET', path: '/decision', headers: [['Origin', APP]] });
    const denied = await send(served.baseUrl, { method: 'GET', path: '/decision', headers: [['Origin', EVIL]] });
    const none = await send(served.baseUrl, { method: 'GET', path: '/decision' });
    expect([allowed.body, denied.body, none.body]).toEqual(['origin-allowed', 'origin-not-allowed', 'not-cors']);
  });

  it('adds the CORS headers to a copy of a fetch() result, keeping its status, headers and body', async () => {
    const res = await send(served.baseUrl, { method: 'GET', path: '/proxy', headers: [['Origin', APP]] });
    expect(res.status).toBe(202);
    expect(res.body).toBe('from upstream');
    expect(res.cors).toEqual(ALLOWED_ACTUAL_HEADERS);
    expect(res.headers['vary']).toHaveLength(1);
    expectVary(res, ['Accept', 'Origin']);
  });

  it('adds the CORS headers to a copy of a Response.redirect answer', async () => {
    const res = await send(served.baseUrl, { method: 'GET', path: '/redirect', headers: [['Origin', APP]] });
    expect(res.status).toBe(307);
    expect(res.header('location')).toBe('https://elsewhere.example.com/next');
    expect(res.cors).toEqual(ALLOWED_ACTUAL_HEADERS);
  });
});

describe('@corsica/hono: Hono’s default error handler', () => {
  it('keeps the CORS headers on the 500 Hono answers when no app.onError is set', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const app = new Hono();
    app.use(cors(policy));
    app.get('/crash', () => {
      throw new Error('unhandled');
    });
    const served = await serveApp(app);
    try {
      const res = await send(served.baseUrl, { method: 'GET', path: '/crash', headers: [['Origin', APP]] });
      expect(res.status).toBe(500);
      expect(res.cors).toEqual(ALLOWED_ACTUAL_HEADERS);
      expect(logged).toHaveBeenCalled();
    } finally {
      logged.mockRestore();
      await served.close();
    }
  });
});
