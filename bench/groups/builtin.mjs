/**
 * Group 1, part 3: the CORS that frameworks ship themselves (h3's `handleCors`, `@elysiajs/cors`,
 * itty-router's `cors`, `@middy/http-cors`, hapi's route `cors`), measured as in part 2: the same
 * minimal app with and without CORS, driven in-process (h3 and itty through `fetch`, Elysia
 * through `app.handle`, middy by calling the handler with an API Gateway v2 event, hapi through
 * `server.inject`), the subjects taking turns batch by batch. Corsica sits beside each where it
 * has an adapter for that framework (`@corsica/h3`, `@corsica/elysia`, and `@corsica/fetch`'s
 * `withCors` around itty-router's `fetch`). 10 origins and the pattern, as the README quotes.
 */
import { cors as elysiaCors } from '@elysiajs/cors';
import Hapi from '@hapi/hapi';
import middy from '@middy/core';
import httpCors from '@middy/http-cors';
import { Elysia } from 'elysia';
import { H3, handleCors } from 'h3';
import { AutoRouter, cors as ittyCors } from 'itty-router';
import { loadAdapter } from '../lib/adapters.mjs';
import * as fx from '../lib/fixtures.mjs';
import { timeInterleaved } from '../lib/measure.mjs';
import { checkSubject } from '../lib/sanity.mjs';

const SIZES = [10];

// --- h3: app.fetch --------------------------------------------------------------------------------

function h3App(middleware) {
  const app = new H3({ silent: true });
  if (middleware) app.use(middleware);
  app.get('/', () => 'ok');
  // without CORS, the app answers OPTIONS itself: the cheapest answer a preflight could get
  if (!middleware) app.options('/', () => new Response(null, { status: 204 }));
  return app;
}

function h3Options(n) {
  return {
    origin: fx.originPredicate(n),
    methods: fx.METHODS,
    allowHeaders: fx.ALLOWED_HEADERS,
    exposeHeaders: fx.EXPOSED_HEADERS,
    credentials: true,
    maxAge: String(fx.MAX_AGE),
  };
}

// --- Elysia: app.handle -------------------------------------------------------------------------

function elysiaApp(plugin) {
  const app = new Elysia();
  if (plugin) app.use(plugin);
  app.get('/', () => 'ok');
  if (!plugin) app.options('/', () => new Response(null, { status: 204 }));
  return app;
}

function elysiaOptions(n) {
  const allowed = fx.originPredicate(n);
  return {
    origin: (request) => allowed(request.headers.get('origin')),
    methods: fx.METHODS,
    allowedHeaders: fx.ALLOWED_HEADERS,
    exposeHeaders: fx.EXPOSED_HEADERS,
    credentials: true,
    maxAge: fx.MAX_AGE,
  };
}

// --- itty-router: router.fetch ------------------------------------------------------------------

function ittyRouter(pair) {
  const router = pair ? AutoRouter({ before: [pair.preflight], finally: [pair.corsify] }) : AutoRouter();
  router.get('/', () => new Response('ok'));
  if (!pair) router.options('/', () => new Response(null, { status: 204 }));
  return router;
}

function ittyOptions(n) {
  const allowed = fx.originPredicate(n);
  return {
    origin: (origin) => (allowed(origin) ? origin : undefined),
    credentials: true,
    allowMethods: fx.METHODS,
    allowHeaders: fx.ALLOWED_HEADERS,
    exposeHeaders: fx.EXPOSED_HEADERS,
    maxAge: fx.MAX_AGE,
  };
}

// --- middy: the handler, called with an API Gateway v2 event -------------------------------------

function middyHandler(options) {
  const handler = middy(async (event) => {
    if (event.requestContext.http.method === 'OPTIONS') return { statusCode: 204 };
    return { statusCode: 200, body: 'ok' };
  });
  if (options) handler.use(httpCors(options));
  return handler;
}

function middyOptions(n) {
  return {
    disableBeforePreflightResponse: false,
    origins: [...fx.originList(n), fx.PATTERN],
    credentials: true,
    methods: fx.METHODS.join(','),
    requestMethods: fx.METHODS,
    headers: fx.ALLOWED_HEADERS.join(','),
    requestHeaders: fx.ALLOWED_HEADERS,
    exposeHeaders: fx.EXPOSED_HEADERS.join(','),
    maxAge: fx.MAX_AGE,
  };
}

function apiGatewayEvent(shape) {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: '/',
    rawQueryString: '',
    headers: { ...shape.headers },
    requestContext: { http: { method: shape.method, path: '/', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'bench' }, stage: '$default', requestId: 'bench' },
    isBase64Encoded: false,
  };
}

const LAMBDA_CONTEXT = { getRemainingTimeInMillis: () => 30_000, functionName: 'bench', awsRequestId: 'bench' };

// --- hapi: server.inject ------------------------------------------------------------------------

async function hapiServer(cors) {
  const server = Hapi.server({ debug: false, routes: { cors: cors ?? false } });
  server.route({ method: 'GET', path: '/', handler: () => 'ok' });
  if (!cors) server.route({ method: 'OPTIONS', path: '/', handler: (_request, h) => h.response().code(204) });
  // PUT, the preflight's method, must have a route for hapi to answer its preflight
  server.route({ method: 'PUT', path: '/', handler: () => 'ok' });
  await server.initialize();
  return server;
}

function hapiOptions(n) {
  return { origin: [...fx.originList(n), fx.PATTERN], credentials: true, headers: fx.ALLOWED_HEADERS, additionalHeaders: [], exposedHeaders: fx.EXPOSED_HEADERS, additionalExposedHeaders: [], maxAge: fx.MAX_AGE };
}

export async function run() {
  const corsicaH3 = await loadAdapter('h3');
  const corsicaElysia = await loadAdapter('elysia');
  const corsicaFetch = await loadAdapter('fetch');
  const rows = [];
  const sanity = [];

  for (const size of SIZES) {
    const options = fx.corsicaOptions(size);
    const fetchRun = (app) => (shape) => () => app.fetch(new Request('http://api.example.org/', { method: shape.method, headers: shape.headers }));
    const handleRun = (app) => (shape) => () => app.handle(new Request('http://api.example.org/', { method: shape.method, headers: shape.headers }));
    const ittyRun = (fetch) => (shape) => () => fetch(new Request('http://api.example.org/', { method: shape.method, headers: shape.headers }));
    const middyRun = (handler) => (shape) => () => handler(apiGatewayEvent(shape), LAMBDA_CONTEXT);
    const hapiRun = (server) => (shape) => () => server.inject({ method: shape.method, url: '/', headers: shape.headers });
    const baseRouter = ittyRouter();
    const hapi = { base: await hapiServer(), native: await hapiServer(hapiOptions(size)) };

    const frameworks = [
      {
        framework: 'h3',
        peer: 'h3 handleCors (origin function over a Set)',
        base: fetchRun(h3App()),
        native: fetchRun(h3App((event) => {
          const answer = handleCors(event, h3Options(size));
          if (answer !== false) return answer;
        })),
        corsica: corsicaH3.module ? { label: '@corsica/h3', run: fetchRun(h3App(corsicaH3.module.cors(options))) } : undefined,
      },
      {
        framework: 'elysia',
        peer: '@elysiajs/cors (origin function over a Set)',
        base: handleRun(elysiaApp()),
        native: handleRun(elysiaApp(elysiaCors(elysiaOptions(size)))),
        corsica: corsicaElysia.module ? { label: '@corsica/elysia', run: handleRun(elysiaApp(corsicaElysia.module.cors(options))) } : undefined,
      },
      {
        framework: 'itty-router',
        peer: 'itty-router cors (origin function over a Set)',
        base: ittyRun(baseRouter.fetch),
        native: ittyRun(ittyRouter(ittyCors(ittyOptions(size))).fetch),
        corsica: corsicaFetch.module ? { label: '@corsica/fetch withCors(router.fetch)', run: ittyRun(corsicaFetch.module.withCors(baseRouter.fetch, options)) } : undefined,
      },
      { framework: 'middy', peer: '@middy/http-cors (origins list)', base: middyRun(middyHandler()), native: middyRun(middyHandler(middyOptions(size))) },
      { framework: 'hapi', peer: 'hapi route cors (origin list)', base: hapiRun(hapi.base), native: hapiRun(hapi.native) },
    ];

    for (const scenario of fx.SCENARIOS) {
      const shape = fx.scenarioRequest(scenario, size);
      for (const f of frameworks) {
        const subjects = [
          { id: 'base', label: `${f.framework} app without CORS`, run: f.base(shape), async: true },
          { id: 'native', label: f.peer, run: f.native(shape), async: true },
        ];
        if (f.corsica) subjects.push({ id: 'corsica', label: f.corsica.label, run: f.corsica.run(shape), async: true });
        for (const s of subjects) {
          if (s.id === 'base') continue;
          sanity.push(checkSubject(`${f.framework} ${size} ${scenario} ${s.id}`, scenario, shape, await s.run(), `${f.framework}-${s.id}`));
        }
        const timed = await timeInterleaved(subjects);
        for (const s of subjects) rows.push({ framework: f.framework, size, scenario, subject: s.id, label: s.label, ...timed[s.id] });
        const line = subjects.map((s) => `${s.id} ${timed[s.id].ns.toFixed(0)}`).join('  ');
        process.stderr.write(`  ${f.framework.padEnd(11)} ${String(size).padStart(5)} ${scenario.padEnd(17)} ${line}\n`);
      }
    }
    await hapi.base.stop();
    await hapi.native.stop();
  }
  return { rows, sanity, missing: [corsicaH3.missing, corsicaElysia.missing, corsicaFetch.missing].filter(Boolean) };
}
