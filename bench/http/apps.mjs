/**
 * The HTTP apps of group 3: per framework, the same app as a no-CORS baseline, with the
 * framework's usual CORS plugin, and with Corsica. Each answers `GET /` with a short text body;
 * the baseline answers `OPTIONS /` with a bare 204 (the cheapest answer a preflight could get),
 * the others let their CORS middleware answer preflights before routing.
 */
import { createServer } from 'node:http';
import { pathToFileURL } from 'node:url';
import * as fx from '../lib/fixtures.mjs';

/**
 * The Corsica adapter a variant runs: `corsica` the installed build, `before` another build of it
 * named by `BENCH_BEFORE_<FRAMEWORK>` (a dist/index.js path), for before/after comparisons in one run.
 */
export function beforeBuild(framework) {
  return process.env[`BENCH_BEFORE_${framework.toUpperCase()}`];
}

function corsicaAdapter(framework, variant) {
  return variant === 'before' ? import(pathToFileURL(beforeBuild(framework)).href) : import(`@corsica/${framework}`);
}

function isCorsica(variant) {
  return variant === 'corsica' || variant === 'before';
}

/** Allowlist size for HTTP traffic: a realistic handful of origins plus the pattern. */
export const HTTP_SIZE = 10;

export const FRAMEWORKS = {
  express: { variants: ['baseline', 'native', 'corsica'], native: 'cors (array of strings + RegExp)' },
  fastify: { variants: ['baseline', 'native', 'corsica'], native: '@fastify/cors (origin function over a Set)' },
  hono: { variants: ['baseline', 'native', 'corsica'], native: 'hono/cors (origin function over a Set)' },
  koa: { variants: ['baseline', 'native', 'corsica'], native: '@koa/cors (origin function over a Set)' },
  fetch: { variants: ['baseline', 'corsica'], native: undefined },
};

function listen(server) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server.address().port));
  });
}

async function expressApp(variant) {
  const { default: express } = await import('express');
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  if (variant === 'native') app.use((await import('cors')).default(fx.corsArrayOptions(HTTP_SIZE)));
  if (isCorsica(variant)) app.use((await corsicaAdapter('express', variant)).cors(fx.corsicaOptions(HTTP_SIZE)));
  app.get('/', (req, res) => res.type('text').send('ok'));
  if (variant === 'baseline') app.options('/', (req, res) => res.status(204).end());
  return listen(createServer(app));
}

async function fastifyApp(variant) {
  const { default: Fastify } = await import('fastify');
  const app = Fastify({ logger: false });
  if (variant === 'native') await app.register((await import('@fastify/cors')).default, fx.fastifyCorsOptions(HTTP_SIZE));
  if (isCorsica(variant)) {
    const mod = await corsicaAdapter('fastify', variant);
    await app.register(mod.default ?? mod.cors, fx.corsicaOptions(HTTP_SIZE));
  }
  app.get('/', async (request, reply) => reply.type('text/plain').send('ok'));
  if (variant === 'baseline') app.options('/', (request, reply) => reply.code(204).send());
  await app.listen({ port: 0, host: '127.0.0.1' });
  return app.server.address().port;
}

async function honoApp(variant) {
  const { Hono } = await import('hono');
  const { createAdaptorServer } = await import('@hono/node-server');
  const app = new Hono();
  if (variant === 'native') app.use((await import('hono/cors')).cors(fx.honoCorsOptions(HTTP_SIZE)));
  if (variant === 'corsica') app.use((await import('@corsica/hono')).cors(fx.corsicaOptions(HTTP_SIZE)));
  app.get('/', (c) => c.text('ok'));
  if (variant === 'baseline') app.options('/', (c) => c.body(null, 204));
  return listen(createAdaptorServer({ fetch: app.fetch }));
}

async function koaApp(variant) {
  const { default: Koa } = await import('koa');
  const app = new Koa();
  if (variant === 'native') app.use((await import('@koa/cors')).default(fx.koaCorsOptions(HTTP_SIZE)));
  if (isCorsica(variant)) app.use((await corsicaAdapter('koa', variant)).cors(fx.corsicaOptions(HTTP_SIZE)));
  app.use((ctx) => {
    if (ctx.method === 'OPTIONS') {
      ctx.status = 204;
      return;
    }
    ctx.type = 'text/plain';
    ctx.body = 'ok';
  });
  return listen(createServer(app.callback()));
}

async function fetchApp(variant) {
  const { createAdaptorServer } = await import('@hono/node-server');
  const handler = (request) =>
    request.method === 'OPTIONS' ? new Response(null, { status: 204 }) : new Response('ok', { headers: { 'content-type': 'text/plain; charset=utf-8' } });
  const fetch = variant === 'corsica' ? (await import('@corsica/fetch')).withCors(handler, fx.corsicaOptions(HTTP_SIZE)) : handler;
  return listen(createAdaptorServer({ fetch }));
}

/** Starts `framework`'s `variant` on 127.0.0.1, an OS-chosen port; resolves to the port. */
export function startApp(framework, variant) {
  const start = { express: expressApp, fastify: fastifyApp, hono: honoApp, koa: koaApp, fetch: fetchApp }[framework];
  if (!start) throw new Error(`unknown framework ${framework}`);
  return start(variant);
}
