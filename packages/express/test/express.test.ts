import { createServer } from 'node:http';
import { createPolicy } from '@corsica/core';
import type { CorsOptions, ErrorContext } from '@corsica/core';
import { APP, EVIL, describeAdapter, expectVary, listen, mainOptions, send } from '@corsica/test-utils';
import { describe, expect, it } from 'vitest';
import { cors } from '../src/index.js';
import { EXPRESS, VARY_REPLACEMENTS, servePerRoute, startApp, startPerRoute } from './app.js';

for (const version of EXPRESS) {
  describeAdapter(`@corsica/express on ${version.name}`, {
    start: (...policies) => startApp(version, policies.map((policy) => cors(policy))),
    startPerRoute: (publicPolicy, mainPolicy) => startPerRoute(version, publicPolicy, mainPolicy),
    create: (options) => cors(options as CorsOptions),
    varyReplacements: VARY_REPLACEMENTS,
  });
}

describe.each(EXPRESS)('$name', (version) => {
  it('leaves a request head over 16 KB to Node, which refuses it with 431 before any middleware runs', async () => {
    const plain = await listen(createServer(version.create().use(cors(createPolicy(mainOptions)))));
    try {
      const headers = [['Origin', APP], ['Access-Control-Request-Method', 'PUT'], ['Access-Control-Request-Headers', 'x'.repeat(200 * 1024)]] as const;
      expect((await send(plain.baseUrl, { method: 'OPTIONS', headers })).status).toBe(431);
    } finally {
      await plain.close();
    }
  });

  it('reports, once, a path-specific policy mounted after the global one, whose answer then stands', async () => {
    const reports: ErrorContext[] = [];
    const onError = (_error: unknown, context: ErrorContext): void => {
      reports.push(context);
    };
    const server = await servePerRoute(version, (app) => {
      app.use(cors({ ...mainOptions, onError }));
      app.use('/public', cors({ origin: '*', onError }));
    });
    try {
      for (let i = 0; i < 2; i += 1) {
        const feed = await send(server.baseUrl, { path: '/public/feed', headers: [['Origin', 'https://anyone.example.net']] });
        expect(feed.status).toBe(200);
        expect(feed.all('access-control-allow-origin')).toEqual([]);
      }
    } finally {
      await server.close();
    }
    expect(reports).toEqual([{ phase: 'adapter' }]);
  });

  // Express gives each req and res a prototype of its own per request, and V8 then copies their
  // hidden class for every property added: the adapter keeps req.cors and the Vary keeper on
  // Express's prototypes, and adds nothing to res and only the decision's record to req.
  it('adds nothing to res and only the decision to req, and still serves req.cors and keeps Vary', async () => {
    const added: { req: (string | symbol)[]; res: (string | symbol)[] }[] = [];
    const app = version.create();
    let before: { req: Set<string | symbol>; res: Set<string | symbol> } | undefined;
    app.use((req, res, next) => {
      before = { req: new Set(Reflect.ownKeys(req)), res: new Set(Reflect.ownKeys(res)) };
      next();
    });
    app.use(cors(mainOptions));
    app.use((req, res, next) => {
      added.push({ req: Reflect.ownKeys(req).filter((key) => !before!.req.has(key)), res: Reflect.ownKeys(res).filter((key) => !before!.res.has(key)) });
      next();
    });
    app.get('/vary', (req, res) => {
      res.set('Vary', 'Accept-Encoding').json({ reason: (req as { cors?: { reason: string } }).cors?.reason ?? null });
    });
    const server = await listen(createServer(app));
    try {
      for (const origin of [APP, EVIL]) {
        const res = await send(server.baseUrl, { path: '/vary', headers: [['Origin', origin]] });
        expect(res.status).toBe(200);
        expectVary(res, ['Accept-Encoding', 'Origin']);
        expect(JSON.parse(res.body).reason).toBe(origin === APP ? 'origin-allowed' : 'origin-not-allowed');
      }
      const preflight = await send(server.baseUrl, { method: 'OPTIONS', path: '/vary', headers: [['Origin', APP], ['Access-Control-Request-Method', 'PUT']] });
      expect(preflight.status).toBe(204);
    } finally {
      await server.close();
    }
    expect(added).toEqual([
      { req: [Symbol.for('corsica.decision')], res: [] },
      { req: [Symbol.for('corsica.decision')], res: [] },
    ]);
  });

  it('lets the app assign req.cors, which then reads back what it assigned', async () => {
    const app = version.create();
    app.use(cors(mainOptions));
    app.get('/ok', (req, res) => {
      const carrier = req as { cors?: unknown };
      const decided = (carrier.cors as { reason: string }).reason;
      carrier.cors = { reason: 'set by the app' };
      res.json({ decided, now: (carrier.cors as { reason: string }).reason });
    });
    const server = await listen(createServer(app));
    try {
      const res = await send(server.baseUrl, { headers: [['Origin', APP]] });
      expect(JSON.parse(res.body)).toEqual({ decided: 'origin-allowed', now: 'set by the app' });
      // the next request reads its own decision again
      const next = await send(server.baseUrl, { headers: [['Origin', EVIL]] });
      expect(JSON.parse(next.body)).toEqual({ decided: 'origin-not-allowed', now: 'set by the app' });
    } finally {
      await server.close();
    }
  });

  it('keeps req.cors and Vary after a sub-app that decided hands the request back to its parent', async () => {
    const parent = version.create();
    const sub = version.create();
    sub.use(cors(mainOptions));
    parent.use('/api', sub);
    // the sub-app has no route for it: Express restores the parent's prototypes and goes on here
    parent.get('/api/late', (req, res) => {
      res.set('Vary', 'Accept-Encoding').json({ reason: (req as { cors?: { reason: string } }).cors?.reason ?? null });
    });
    const server = await listen(createServer(parent));
    try {
      const res = await send(server.baseUrl, { path: '/api/late', headers: [['Origin', APP]] });
      expect(res.header('access-control-allow-origin')).toBe(APP);
      expectVary(res, ['Accept-Encoding', 'Origin']);
      expect(JSON.parse(res.body).reason).toBe('origin-allowed');
    } finally {
      await server.close();
    }
  });

  it('serves two apps with their own policies in one process, requests alternating', async () => {
    const open = version.create();
    open.use(cors({ origin: '*' }));
    const closed = version.create();
    closed.use(cors(mainOptions));
    for (const app of [open, closed]) {
      app.get('/vary', (req, res) => {
        res.set('Vary', 'Accept-Encoding').json({ reason: (req as { cors?: { reason: string } }).cors?.reason ?? null });
      });
    }
    const servers = [await listen(createServer(open)), await listen(createServer(closed))] as const;
    try {
      for (let round = 0; round < 2; round += 1) {
        const anyone = await send(servers[0].baseUrl, { path: '/vary', headers: [['Origin', EVIL]] });
        expect(anyone.header('access-control-allow-origin')).toBe('*');
        expectVary(anyone, ['Accept-Encoding']);
        const denied = await send(servers[1].baseUrl, { path: '/vary', headers: [['Origin', EVIL]] });
        expect(denied.header('access-control-allow-origin')).toBeUndefined();
        expectVary(denied, ['Accept-Encoding', 'Origin']);
        expect(JSON.parse(denied.body).reason).toBe('origin-not-allowed');
      }
    } finally {
      for (const server of servers) await server.close();
    }
  });

  it('keeps Vary and req.cors on plain node:http responses served between Express ones', async () => {
    const middleware = cors(mainOptions);
    const plain = createServer((req, res) => {
      middleware(req as never, res as never, () => {
        res.setHeader('Vary', 'Accept-Encoding');
        res.end(JSON.stringify({ reason: (req as { cors?: { reason: string } }).cors?.reason ?? null, own: Object.hasOwn(req, 'cors') }));
      });
    });
    const app = version.create();
    app.use(middleware);
    app.get('/vary', (req, res) => {
      res.set('Vary', 'Accept-Encoding').json({ reason: (req as { cors?: { reason: string } }).cors?.reason ?? null, own: Object.hasOwn(req, 'cors') });
    });
    const servers = [await listen(plain), await listen(createServer(app))] as const;
    try {
      // two in a row from each, then back: the adapter remembers the last prototypes it saw
      for (const i of [0, 0, 1, 1, 0, 0]) {
        const res = await send(servers[i]!.baseUrl, { path: '/vary', headers: [['Origin', EVIL]] });
        expectVary(res, ['Accept-Encoding', 'Origin']);
        // a plain Node request carries req.cors as its own; an Express one reads it from Express's prototype
        expect(JSON.parse(res.body)).toEqual({ reason: 'origin-not-allowed', own: i === 0 });
      }
    } finally {
      for (const server of servers) await server.close();
    }
  });
});
