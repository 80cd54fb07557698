import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { H3, HTTPError, onError } from 'h3';
import { applyCorsHeaders, createPolicy } from '@corsica/core';
import type { Decision } from '@corsica/core';
import { ALLOWED_ACTUAL_HEADERS, APP, EVIL, describeAdapter, expectVary, mainOptions, preflight, send } from '@corsica/test-utils';
import type { Started } from '@corsica/test-utils';
import { cors } from '../src/index.js';
import { serveApp, startApp, startPerRoute } from './app.js';

describeAdapter('@corsica/h3', { start: (...policies) => startApp(policies), startPerRoute, create: (options) => cors(options) });

const policy = createPolicy(mainOptions);

describe('@corsica/h3: how h3 builds error and not-found answers', () => {
  let served: Started;
  beforeAll(async () => {
    const app = new H3({ silent: true });
    app.use(cors(policy));
    app.get('/unauthorized', () => {
      throw new HTTPError({ status: 401, message: 'log in first', headers: { 'WWW-Authenticate': 'Bearer' } });
    });
    app.get('/status-shorthand', () => {
      throw HTTPError.status(409, 'Conflict');
    });
    app.get('/thrown-string', () => {
      // eslint-disable-next-line @typescript-eslint/only-throw-error
      throw 'not an Error';
    });
    app.get('/returned-response', () => new Response('gone', { status: 410, headers: { Vary: 'Accept' } }));
    app.get('/redirect', () => Response.redirect('https://elsewhere.example.com/next', 307));
    app.get('/status-set', (event) => {
      event.res.status = 202;
      event.res.headers.set('Vary', 'Accept-Language');
      return { accepted: true };
    });
    app.get('/decision', (event) => (event.context.cors as Decision).reason);
    served = await serveApp(app);
  });
  afterAll(() => served.close());

  it.each([
    { desc: 'a thrown HTTPError', path: '/unauthorized', status: 401 },
    { desc: 'HTTPError.status()', path: '/status-shorthand', status: 409 },
    { desc: 'a thrown value that is not an Error', path: '/thrown-string', status: 500 },
    { desc: 'h3’s 404 for a missing route', path: '/nowhere', status: 404 },
    { desc: 'a returned 4xx Response', path: '/returned-response', status: 410 },
    { desc: 'a returned value with event.res.status set', path: '/status-set', status: 202 },
  ])('keeps the CORS headers and the real status on $desc', async ({ path, status }) => {
    const res = await send(served.baseUrl, { path, headers: [['Origin', APP]] });
    expect(res.status).toBe(status);
    expect(res.cors).toEqual(ALLOWED_ACTUAL_HEADERS);
    expect(res.vary).toContain('Origin');
  });

  it('keeps an HTTPError’s own headers and JSON body next to the CORS headers', async () => {
    const res = await send(served.baseUrl, { path: '/unauthorized', headers: [['Origin', APP]] });
    expect(res.header('www-authenticate')).toBe('Bearer');
    expect(JSON.parse(res.body)).toMatchObject({ status: 401, message: 'log in first' });
  });

  it('appends Origin to the Vary of a returned Response and of event.res.headers', async () => {
    const returned = await send(served.baseUrl, { path: '/returned-response', headers: [['Origin', APP]] });
    expectVary(returned, ['Accept', 'Origin']);
    const prepared = await send(served.baseUrl, { path: '/status-set', headers: [['Origin', APP]] });
    expectVary(prepared, ['Accept-Language', 'Origin']);
  });

  it('adds the CORS headers to a copy of Response.redirect’s immutable answer', async () => {
    const res = await send(served.baseUrl, { path: '/redirect', headers: [['Origin', APP]] });
    expect(res.status).toBe(307);
    expect(res.header('location')).toBe('https://elsewhere.example.com/next');
    expect(res.cors).toEqual(ALLOWED_ACTUAL_HEADERS);
  });

  it('puts the decision on event.context.cors', async () => {
    const allowed = await send(served.baseUrl, { path: '/decision', headers: [['Origin', APP]] });
    const denied = await send(served.baseUrl, { path: '/decision', headers: [['Origin', EVIL]] });
    const none = await send(served.baseUrl, { path: '/decision' });
    expect([allowed.body, denied.body, none.body]).toEqual(['origin-allowed', 'origin-not-allowed', 'not-cors']);
  });
});

describe('@corsica/h3: error handlers', () => {
  it('keeps the CORS headers on a value config.onError answers', async () => {
    const app = new H3({ silent: true, onError: (error) => ({ handled: error.message }) });
    app.use(cors(policy));
    app.get('/crash', () => {
      throw new Error('crash');
    });
    const served = await serveApp(app);
    try {
      const res = await send(served.baseUrl, { path: '/crash', headers: [['Origin', APP]] });
      expect(JSON.parse(res.body)).toEqual({ handled: 'crash' });
      expect(res.cors).toEqual(ALLOWED_ACTUAL_HEADERS);
    } finally {
      await served.close();
    }
  });

  it('keeps the CORS headers on a Response an onError() middleware after it answers', async () => {
    const app = new H3({ silent: true });
    app.use(cors(policy));
    app.use(onError((error) => new Response(`sorry: ${error.message}`, { status: 503 })));
    app.get('/crash', () => {
      throw new Error('crash');
    });
    const served = await serveApp(app);
    try {
      const res = await send(served.baseUrl, { path: '/crash', headers: [['Origin', APP]] });
      expect(res.status).toBe(503);
      expect(res.body).toBe('sorry: crash');
      expect(res.cors).toEqual(ALLOWED_ACTUAL_HEADERS);
    } finally {
      await served.close();
    }
  });

  it('leaves a Response that config.onError builds to the app, which adds the headers with applyCorsHeaders (the README’s recipe)', async () => {
    const app = new H3({
      silent: true,
      onError: (error, event) => {
        const response = new Response(`custom: ${error.message}`, { status: 500 });
        if (event.context.cors) applyCorsHeaders(response.headers, event.context.cors);
        return response;
      },
    });
    app.use(cors(policy));
    app.get('/crash', () => {
      throw new Error('crash');
    });
    const served = await serveApp(app);
    try {
      const res = await send(served.baseUrl, { path: '/crash', headers: [['Origin', APP]] });
      expect(res.status).toBe(500);
      expect(res.body).toBe('custom: crash');
      expect(res.cors).toEqual(ALLOWED_ACTUAL_HEADERS);
    } finally {
      await served.close();
    }
  });
});

describe('@corsica/h3: where the middleware is mounted', () => {
  it('answers preflights before route middleware and auth, and a route’s own middleware never sees them', async () => {
    const seen: string[] = [];
    const app = new H3({ silent: true });
    app.use(cors(policy));
    app.use((event) => {
      seen.push(`auth ${event.req.method}`);
      if (!event.req.headers.get('authorization')) throw new HTTPError({ status: 401 });
    });
    app.put('/items', () => 'saved', { middleware: [(event) => void seen.push(`route ${event.req.method}`)] });
    const served = await serveApp(app);
    try {
      const pre = await send(served.baseUrl, { method: 'OPTIONS', path: '/items', headers: preflight(APP, 'PUT', 'authorization') });
      expect(pre.status).toBe(204);
      expect(pre.header('access-control-allow-origin')).toBe(APP);
      expect(seen).toEqual([]);
      const denied = await send(served.baseUrl, { method: 'PUT', path: '/items', headers: [['Origin', APP]] });
      expect(denied.status).toBe(401);
      expect(denied.cors).toEqual(ALLOWED_ACTUAL_HEADERS);
      const put = await send(served.baseUrl, { method: 'PUT', path: '/items', headers: [['Origin', APP], ['Authorization', 'Bearer t']] });
      expect(put.body).toBe('saved');
      expect(seen).toEqual(['auth PUT', 'auth PUT', 'route PUT']);
    } finally {
      await served.close();
    }
  });

  it('runs a sub-app’s cors() for the paths mounted under it, once', async () => {
    const api = new H3({ silent: true });
    api.use(cors(policy));
    api.get('/items', () => 'items');
    const app = new H3({ silent: true });
    app.mount('/api', api);
    app.get('/home', () => 'home');
    const served = await serveApp(app);
    try {
      const inside = await send(served.baseUrl, { path: '/api/items', headers: [['Origin', APP]] });
      expect(inside.body).toBe('items');
      expect(inside.cors).toEqual(ALLOWED_ACTUAL_HEADERS);
      expect(inside.all('access-control-allow-origin')).toHaveLength(1);
      const outside = await send(served.baseUrl, { path: '/home', headers: [['Origin', APP]] });
      expect(outside.cors).toEqual({});
    } finally {
      await served.close();
    }
  });
});
