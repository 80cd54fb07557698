/**
 * What only the Fastify plugin does (route overrides, `request.cors`, registration), run once per
 * Fastify major by `fastify5.test.ts` and `fastify4.test.ts`.
 */
import http2 from 'node:http2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { CorsConfigError, createPolicy } from '@corsica/core';
import { ALLOWED_ACTUAL_HEADERS, ALLOWED_PREFLIGHT_HEADERS, APP, EVIL, describeAdapter, expectVary, mainOptions, preflight, send } from '@corsica/test-utils';
import cors from '../src/index.js';
import type { FastifyCorsOptions } from '../src/index.js';
import type { Factory } from './app.js';
import { VARY_REPLACEMENTS, listen, startAppWith, startPerRouteWith } from './app.js';

const PARTNER = 'https://partner.example.org';

export function describeFastify(label: string, create: Factory, createHttp2: Factory): void {
  describeAdapter(`@corsica/fastify on ${label}`, {
    start: startAppWith(create),
    startPerRoute: startPerRouteWith(create),
    create: async (options) => {
      const app = create();
      try {
        await app.register(cors, options);
      } finally {
        await app.close();
      }
    },
    varyReplacements: VARY_REPLACEMENTS,
  });

  const policy = createPolicy(mainOptions);

  describe(`@corsica/fastify on ${label} over HTTP/2: a handler that replaces Vary`, () => {
    // http2's compatibility writeHead(status, headers) stores headers without res.setHeader, so
    // over HTTP/2 the plugin merges Vary back in an onSend hook instead
    let app: FastifyInstance;
    let baseUrl: string;
    beforeAll(async () => {
      app = createHttp2();
      await app.register(cors, { policy });
      app.get('/ok', async () => 'ok');
      app.get('/reply.header', async (_request, reply) => {
        reply.header('Vary', 'Accept-Encoding');
        return 'ok';
      });
      app.get('/reply.raw.setHeader', async (_request, reply) => {
        reply.raw.setHeader('Vary', 'Accept-Encoding');
        return 'ok';
      });
      app.get('/reply.removeHeader', async (_request, reply) => {
        reply.removeHeader('Vary');
        return 'ok';
      });
      baseUrl = await listen(app);
    });
    afterAll(() => app.close());

    it.each([
      { path: '/ok', origin: APP, vary: ['Origin'] },
      { path: '/reply.header', origin: APP, vary: ['Accept-Encoding', 'Origin'] },
      { path: '/reply.header', origin: EVIL, vary: ['Accept-Encoding', 'Origin'] },
      { path: '/reply.raw.setHeader', origin: APP, vary: ['Accept-Encoding', 'Origin'] },
      { path: '/reply.removeHeader', origin: APP, vary: ['Origin'] },
    ])('sends Vary $vary on $path for $origin', async ({ path, origin, vary }) => {
      const res = await getOverHttp2(baseUrl, path, origin);
      expect(res.status).toBe(200);
      expect(res.headers['access-control-allow-origin']).toBe(origin === APP ? APP : undefined);
      expect(String(res.headers.vary).split(/\s*,\s*/).sort()).toEqual(vary);
    });
  });

  describe(`@corsica/fastify on ${label}: route overrides with config.cors`, () => {
    let app: FastifyInstance;
    let baseUrl: string;
    const seen: string[] = [];
    const partnerPolicy = createPolicy({ origin: PARTNER, methods: ['PUT'] });
    beforeAll(async () => {
      app = create();
      // declared before the plugin has loaded: Fastify gives it no onRoute, so it compiles lazily
      app.get('/early', { config: { cors: { origin: '*' } } }, async () => 'early');
      app.get('/early-bad', { config: { cors: { origin: 'https://bad.example.com/' } } }, async () => 'never');
      await app.register(cors, mainOptions);
      app.get('/default', async (request) => {
        seen.push(`default:${request.cors?.reason}`);
        return 'default';
      });
      app.get('/public', { config: { cors: { origin: '*', exposedHeaders: ['X-Total'] } } }, async () => 'public');
      app.route({ method: ['GET', 'PUT', 'OPTIONS'], url: '/partner', config: { cors: partnerPolicy }, handler: async () => 'partner' });
      app.get('/internal', { config: { cors: false } }, async (request) => {
        seen.push(`internal:${String(request.cors)}`);
        return 'internal';
      });
      app.route({ method: ['GET', 'OPTIONS'], url: '/internal-options', config: { cors: false }, handler: async (request) => `internal ${request.method}` });
      app.get('/internal-error', { config: { cors: false } }, async () => {
        throw new Error('boom');
      });
      baseUrl = await listen(app);
    });
    afterAll(() => app.close());

    it('uses the plugin policy on routes without config.cors and exposes it as request.cors', async () => {
      const res = await send(baseUrl, { method: 'GET', path: '/default', headers: [['Origin', APP]] });
      expect(res.cors).toEqual(ALLOWED_ACTUAL_HEADERS);
      expect(seen.at(-1)).toBe('default:origin-allowed');
    });

    it.each([
      { desc: 'options', path: '/public', origin: EVIL, cors: { 'access-control-allow-origin': '*', 'access-control-expose-headers': 'X-Total' }, vary: [] },
      { desc: 'a compiled policy', path: '/partner', origin: PARTNER, cors: { 'access-control-allow-origin': PARTNER }, vary: [] },
      { desc: 'options, on a route declared before the plugin loaded', path: '/early', origin: EVIL, cors: { 'access-control-allow-origin': '*' }, vary: [] },
    ])('replaces the plugin policy with the route’s $desc, with one set of headers', async ({ path, origin, cors: want, vary }) => {
      const res = await send(baseUrl, { method: 'GET', path, headers: [['Origin', origin]] });
      expect(res.status).toBe(200);
      expect(res.cors).toEqual(want);
      for (const name of Object.keys(res.cors)) expect(res.headers[name]).toHaveLength(1);
      expectVary(res, vary);
      const fromPlugin = await send(baseUrl, { method: 'GET', path, headers: [['Origin', APP]] });
      expect(fromPlugin.headers['access-control-allow-credentials']).toBeUndefined();
    });

    it('answers a preflight with the route policy when the route also takes OPTIONS', async () => {
      const allowed = await send(baseUrl, { method: 'OPTIONS', path: '/partner', headers: preflight(PARTNER, 'PUT') });
      expect(allowed.status).toBe(204);
      expect(allowed.cors).toEqual({ 'access-control-allow-origin': PARTNER, 'access-control-allow-methods': 'PUT' });
      const denied = await send(baseUrl, { method: 'OPTIONS', path: '/partner', headers: preflight(APP, 'PUT') });
      expect(denied.status).toBe(403);
      expect(denied.cors).toEqual({});
    });

    it('answers a preflight to a GET-only route with the plugin policy, since OPTIONS matches no route there', async () => {
      const res = await send(baseUrl, { method: 'OPTIONS', path: '/public', headers: preflight(APP, 'PUT') });
      expect(res.status).toBe(204);
      expect(res.cors).toEqual(ALLOWED_PREFLIGHT_HEADERS);
    });

    it.each([
      { desc: 'an allowed origin', origin: APP },
      { desc: 'a denied origin', origin: EVIL },
    ])('sends no CORS header and no Vary on a route with config.cors false, for $desc', async ({ origin }) => {
      const res = await send(baseUrl, { method: 'GET', path: '/internal', headers: [['Origin', origin]] });
      expect(res.status).toBe(200);
      expect(res.body).toBe('internal');
      expect(res.cors).toEqual({});
      expect(res.vary).toEqual([]);
      expect(seen.at(-1)).toBe('internal:null');
      const failed = await send(baseUrl, { method: 'GET', path: '/internal-error', headers: [['Origin', origin]] });
      expect(failed.status).toBe(500);
      expect(failed.cors).toEqual({});
    });

    it('passes preflights to the route itself when config.cors is false on an OPTIONS route', async () => {
      const res = await send(baseUrl, { method: 'OPTIONS', path: '/internal-options', headers: preflight(APP, 'PUT') });
      expect(res.status).toBe(200);
      expect(res.body).toBe('internal OPTIONS');
      expect(res.cors).toEqual({});
    });

    it('throws a CorsConfigError naming the route when a route declares invalid config.cors', async () => {
      const other = create();
      await other.register(cors, mainOptions);
      let thrown: unknown;
      try {
        other.get('/late-bad', { config: { cors: { origin: 'https://bad.example.com/' } } }, async () => 'never');
      } catch (error) {
        thrown = error;
      }
      await other.close();
      expect(thrown).toBeInstanceOf(CorsConfigError);
      expect((thrown as CorsConfigError).message).toMatch(/^corsica: invalid CORS configuration[\s\S]*GET \/late-bad config\.cors: /);
      expect((thrown as CorsConfigError).problems[0]!.path).toBe('config.cors.origin');
    });

    it('answers 500 with the corsica: error when a route declared before the plugin has invalid config.cors', async () => {
      const res = await send(baseUrl, { method: 'GET', path: '/early-bad', headers: [['Origin', APP]] });
      expect(res.status).toBe(500);
      expect(JSON.parse(res.body).message).toMatch(/^corsica: invalid CORS configuration[\s\S]*GET \/early-bad config\.cors/);
    });
  });

  describe(`@corsica/fastify on ${label}: registration`, () => {
    it('rejects { policy } mixed with options, and { policy } that is not a policy, with a corsica: TypeError', async () => {
      for (const options of [{ policy, origin: APP }, { policy: mainOptions }]) {
        const app = create();
        await expect(app.register(cors, options as unknown as FastifyCorsOptions)).rejects.toThrow(/^corsica: @corsica\/fastify takes either CORS options or \{ policy \}/);
        await app.close();
      }
    });

    it('ignores Fastify’s own register options (logLevel, prefix) instead of calling them unknown CORS options', async () => {
      const app = create();
      await app.register(cors, { origin: APP, logLevel: 'warn', prefix: '/api' } as FastifyCorsOptions);
      app.get('/x', async () => 'x');
      const baseUrl = await listen(app);
      try {
        const res = await send(baseUrl, { method: 'GET', path: '/x', headers: [['Origin', APP]] });
        expect(res.header('access-control-allow-origin')).toBe(APP);
      } finally {
        await app.close();
      }
    });
  });
}

/** One GET over cleartext HTTP/2, with an Origin header: its status and response headers. */
function getOverHttp2(baseUrl: string, path: string, origin: string): Promise<{ status: number; headers: http2.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const session = http2.connect(baseUrl);
    session.on('error', reject);
    const stream = session.request({ ':method': 'GET', ':path': path, origin });
    stream.on('response', (headers) => {
      stream.resume();
      stream.on('end', () => {
        session.close();
        resolve({ status: Number(headers[':status']), headers });
      });
    });
    stream.on('error', reject);
    stream.end();
  });
}
