#!/usr/bin/env node
/**
 * The peers report: runs the conformance kit against the popular CORS libraries (`cors` on
 * Express, `@fastify/cors` on Fastify, `hono/cors` on @hono/node-server, `@koa/cors` on Koa,
 * h3's `handleCors`, `@elysiajs/cors` on Bun, hapi's route `cors`, `@middy/http-cors` behind an
 * API Gateway bridge, itty-router's `cors`), each configured as closely as it allows to every
 * standard policy, and writes docs/conformance-peers.md. It never fails: a peer that breaks is a
 * row in the report.
 *
 * Run from the repository root after building: `pnpm run conformance:peers`.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import http from 'node:http';
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { STANDARD_POLICIES, oraclePolicy, runConformance } from '../dist/index.js';

// read from node_modules directly: some peers (hono) do not export their package.json
const versionOf = (name) => JSON.parse(readFileSync(new URL(`../node_modules/${name}/package.json`, import.meta.url), 'utf8')).version;
const REPORT = fileURLToPath(new URL('../../../docs/conformance-peers.md', import.meta.url));

/**
 * The policy's origins as the peers can express them: exact strings, and an anchored RegExp per
 * Corsica pattern (`https://*.x` → any subdomain labels, `http://host:*` → any port or none).
 */
function originsOf(config) {
  const escapeRegExp = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const regexps = config.originPatterns.map((pattern) => {
    const [scheme, rest] = pattern.split('://');
    const colon = rest.lastIndexOf(':');
    const host = colon >= 0 ? rest.slice(0, colon) : rest;
    const port = colon >= 0 ? rest.slice(colon + 1) : '';
    const hostPart = host.startsWith('*.') ? `(?:[a-z0-9-]+\\.)+${escapeRegExp(host.slice(2))}` : escapeRegExp(host);
    const portPart = port === '*' ? '(?::\\d+)?' : port ? `:${port}` : '';
    return new RegExp(`^${escapeRegExp(scheme)}:\\/\\/${hostPart}${portPart}$`);
  });
  const matches = (origin) => config.origins.includes(origin) || regexps.some((re) => re.test(origin));
  return { any: config.originMode === 'any', fixed: config.originMode === 'fixed' ? config.origins[0] : undefined, exact: config.origins, regexps, matches };
}

function listOf(names) {
  return names.length > 0 ? [...names] : undefined;
}

/** Options shared by `cors` and `@fastify/cors`, which name them alike. */
function expressStyleOptions(config) {
  const o = originsOf(config);
  const opts = {
    origin: o.any ? '*' : (o.fixed ?? [...o.exact, ...o.regexps]),
    methods: config.methods === '*' ? '*' : [...config.methods],
    optionsSuccessStatus: config.preflightStatus,
  };
  if (config.credentials) opts.credentials = true;
  // '*' passed literally; leaving allowedHeaders out would make both reflect any requested header
  opts.allowedHeaders = listOf(config.allowedHeaders) ?? [];
  if (config.exposedHeaders.length > 0) opts.exposedHeaders = [...config.exposedHeaders];
  if (config.maxAge !== undefined) opts.maxAge = config.maxAge;
  return opts;
}

const listen = async (server) => {
  if (!server.listening) await once(server, 'listening');
  const { port } = server.address();
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => { server.closeAllConnections?.(); server.close(() => resolve()); }),
  };
};

const binOf = (name) => fileURLToPath(new URL(`../node_modules/.bin/${name}`, import.meta.url));

/** Runs a peer's server in a child process (Bun), which prints `{"port"}` once listening. */
function startChild(command, args, env) {
  const child = spawn(command, args, { env: { ...process.env, ...env }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk) => { stderr += chunk; });
  const close = () => new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    process.kill(-child.pid, 'SIGTERM');
  });
  return new Promise((resolve, reject) => {
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => {
      stdout += chunk;
      const newline = stdout.indexOf('\n');
      if (newline === -1) return;
      const { port } = JSON.parse(stdout.slice(0, newline));
      resolve({ baseUrl: `http://127.0.0.1:${port}`, close });
    });
    child.once('exit', (code) => reject(new Error(`${command} exited (${code}) before listening: ${stderr.slice(-500)}`)));
  });
}

/**
 * A node:http listener calling a Lambda handler with API Gateway HTTP API (v2) events, as the
 * gateway does: repeated header lines joined with `,`, the handler's `{ statusCode, headers, body }`
 * written back.
 */
function apiGatewayBridge(handler) {
  return async (req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    const headers = {};
    for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
      const name = req.rawHeaders[i].toLowerCase();
      headers[name] = name in headers ? `${headers[name]},${req.rawHeaders[i + 1]}` : req.rawHeaders[i + 1];
    }
    const event = {
      version: '2.0',
      routeKey: '$default',
      rawPath: url.pathname,
      rawQueryString: url.search.slice(1),
      headers,
      requestContext: { http: { method: req.method, path: url.pathname, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: headers['user-agent'] ?? '' }, stage: '$default', requestId: 'peers' },
      isBase64Encoded: false,
    };
    try {
      const result = await handler(event, { getRemainingTimeInMillis: () => 30_000, functionName: 'peers', awsRequestId: 'peers' });
      const answer = typeof result === 'string' ? { statusCode: 200, body: result } : result;
      res.writeHead(answer.statusCode ?? 200, answer.headers ?? {});
      res.end(answer.body ?? '');
    } catch {
      // what API Gateway answers for a function that failed
      res.writeHead(500, { 'content-type': 'application/json' }).end('{"message":"Internal Server Error"}');
    }
  };
}

const PEERS = [
  {
    name: 'cors on express',
    packages: ['cors', 'express'],
    notes: 'allowedHeaders given explicitly (`[]` when the policy lists none): left out, `cors` reflects every requested header.',
    async start(config) {
      const { default: express } = await import('express');
      const { default: cors } = await import('cors');
      const app = express();
      app.set('env', 'test'); // keep the default error handler from printing stacks
      app.use(cors(expressStyleOptions(config)));
      app.all('/ok', (_req, res) => res.send('ok'));
      app.get('/error', () => { throw new Error('boom'); });
      app.options('/app-options', (_req, res) => res.send('app-options'));
      app.get('/vary', (_req, res) => { res.vary('Accept-Encoding'); res.send('ok'); });
      return listen(app.listen(0, '127.0.0.1'));
    },
  },
  {
    name: '@fastify/cors on fastify',
    packages: ['@fastify/cors', 'fastify'],
    notes: 'Same options as `cors`; `strictPreflight` left at its default.',
    async start(config) {
      const { default: Fastify } = await import('fastify');
      const { default: fastifyCors } = await import('@fastify/cors');
      const app = Fastify({ logger: false });
      await app.register(fastifyCors, expressStyleOptions(config));
      app.route({ method: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'], url: '/ok', handler: async () => 'ok' });
      app.get('/error', async () => { throw new Error('boom'); });
      app.options('/app-options', async () => 'app-options');
      app.get('/vary', async (_req, reply) => {
        const before = reply.getHeader('vary');
        reply.header('Vary', before ? `${before}, Accept-Encoding` : 'Accept-Encoding');
        return 'ok';
      });
      await app.listen({ port: 0, host: '127.0.0.1' });
      return { baseUrl: `http://127.0.0.1:${app.server.address().port}`, close: () => app.close() };
    },
  },
  {
    name: 'hono/cors on @hono/node-server',
    packages: ['hono', '@hono/node-server'],
    notes: 'Origins as a function (patterns cannot be listed); hono/cors has no preflight status option (always 204).',
    async start(config) {
      const { Hono } = await import('hono');
      const { cors } = await import('hono/cors');
      const { serve } = await import('@hono/node-server');
      const o = originsOf(config);
      const opts = {
        origin: o.any ? '*' : (o.fixed ?? ((origin) => (o.matches(origin) ? origin : null))),
        allowMethods: config.methods === '*' ? ['*'] : [...config.methods],
        allowHeaders: [...config.allowedHeaders],
        exposeHeaders: [...config.exposedHeaders],
      };
      if (config.credentials) opts.credentials = true;
      if (config.maxAge !== undefined) opts.maxAge = config.maxAge;
      const app = new Hono();
      app.use('*', cors(opts));
      app.on(['GET', 'POST', 'PUT', 'PATCH', 'DELETE'], '/ok', (c) => c.text('ok'));
      app.get('/error', () => { throw new Error('boom'); });
      app.options('/app-options', (c) => c.text('app-options'));
      app.get('/vary', (c) => { c.header('Vary', 'Accept-Encoding', { append: true }); return c.text('ok'); });
      // the default onError, without its console.error
      app.onError((_error, c) => c.text('Internal Server Error', 500));
      return listen(serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }));
    },
  },
  {
    name: '@koa/cors on koa',
    packages: ['@koa/cors', 'koa'],
    notes: 'Origins as a function of ctx returning the origin or "" (patterns cannot be listed); no preflight status option (always 204).',
    async start(config) {
      const { default: Koa } = await import('koa');
      const { default: cors } = await import('@koa/cors');
      const o = originsOf(config);
      const opts = {
        origin: o.any ? '*' : (o.fixed ?? ((ctx) => (o.matches(ctx.get('Origin')) ? ctx.get('Origin') : ''))),
        allowMethods: config.methods === '*' ? '*' : [...config.methods],
        allowHeaders: [...config.allowedHeaders],
      };
      if (config.exposedHeaders.length > 0) opts.exposeHeaders = [...config.exposedHeaders];
      if (config.credentials) opts.credentials = true;
      if (config.maxAge !== undefined) opts.maxAge = config.maxAge;
      const app = new Koa();
      app.silent = true;
      app.use(cors(opts));
      const routes = {
        'GET /ok': (ctx) => { ctx.body = 'ok'; },
        'HEAD /ok': (ctx) => { ctx.body = 'ok'; },
        'POST /ok': (ctx) => { ctx.body = 'ok'; },
        'PUT /ok': (ctx) => { ctx.body = 'ok'; },
        'PATCH /ok': (ctx) => { ctx.body = 'ok'; },
        'DELETE /ok': (ctx) => { ctx.body = 'ok'; },
        'GET /error': () => { throw new Error('boom'); },
        'OPTIONS /app-options': (ctx) => { ctx.body = 'app-options'; },
        'GET /vary': (ctx) => { ctx.vary('Accept-Encoding'); ctx.body = 'ok'; },
      };
      app.use(async (ctx, next) => {
        const route = routes[`${ctx.method} ${ctx.path}`];
        if (route) return route(ctx);
        return next();
      });
      return listen(app.listen(0, '127.0.0.1'));
    },
  },
  {
    name: 'handleCors on h3',
    packages: ['h3'],
    notes: 'h3 v2 `handleCors` in an `app.use()` middleware, served by `toNodeHandler` on node:http. `exposeHeaders` set to `undefined` when the policy exposes none (left out, it sends `*`); an empty `allowHeaders` reflects every requested header, as left out does, so policies without allowed headers cannot be expressed.',
    async start(config) {
      const { H3, handleCors, toNodeHandler } = await import('h3');
      const o = originsOf(config);
      const opts = {
        origin: o.any ? '*' : (o.fixed !== undefined ? [o.fixed] : [...o.exact, ...o.regexps]),
        methods: config.methods === '*' ? '*' : [...config.methods],
        allowHeaders: config.allowedHeaders.length > 0 ? [...config.allowedHeaders] : [],
        exposeHeaders: config.exposedHeaders.length > 0 ? [...config.exposedHeaders] : undefined,
        credentials: config.credentials,
        maxAge: config.maxAge === undefined ? false : String(config.maxAge),
        preflight: { statusCode: config.preflightStatus },
      };
      const app = new H3({ silent: true });
      app.use((event) => {
        const answer = handleCors(event, opts);
        if (answer !== false) return answer;
      });
      app.all('/ok', () => 'ok');
      app.get('/error', () => { throw new Error('boom'); });
      app.options('/app-options', () => 'app-options');
      app.get('/vary', (event) => { event.res.headers.append('Vary', 'Accept-Encoding'); return 'ok'; });
      return listen(http.createServer(toNodeHandler(app)).listen(0, '127.0.0.1'));
    },
  },
  {
    name: '@elysiajs/cors on Elysia (Bun)',
    packages: ['@elysiajs/cors', 'elysia', 'bun'],
    notes: 'Run on the real `bun` binary. Every default that opens the API given explicitly: `credentials` (default `true`), `exposeHeaders` (default: every request header name), `allowedHeaders` (default: reflect), `maxAge` (default 5). Its RegExps are tested unanchored; the ones given here are anchored.',
    async start(config) {
      const o = originsOf(config);
      const opts = {
        origin: o.any ? '*' : (o.fixed !== undefined ? [o.fixed] : [...o.exact, ...o.regexps.map((re) => ({ regexp: re.source }))]),
        methods: config.methods === '*' ? '*' : [...config.methods],
        allowedHeaders: [...config.allowedHeaders],
        exposeHeaders: [...config.exposedHeaders],
        credentials: config.credentials,
        preflight: true,
      };
      if (config.maxAge !== undefined) opts.maxAge = config.maxAge;
      return startChild(binOf('bun'), [fileURLToPath(new URL('./peer-elysia.mjs', import.meta.url))], { PEER_OPTIONS: JSON.stringify(opts) });
    },
  },
  {
    name: 'route cors on hapi',
    packages: ['@hapi/hapi'],
    notes: 'The policy as the server\'s `routes.cors`: `origin` (hapi\'s `*` wildcards for patterns), `headers` and `exposedHeaders` replacing hapi\'s defaults, `maxAge` 5 when the policy sets none (hapi always sends one, 86400 by default), `preflightStatusCode`. hapi has no methods option: a preflight is allowed for any method the path has a route for, here the methods `/ok` serves.',
    async start(config) {
      const Hapi = await import('@hapi/hapi');
      const o = originsOf(config);
      const server = Hapi.server({
        port: 0,
        host: '127.0.0.1',
        debug: false,
        routes: {
          cors: {
            // 'ignore' sends a literal '*'; ['*'] would reflect every origin
            origin: o.any ? 'ignore' : (o.fixed !== undefined ? [o.fixed] : [...config.origins, ...config.originPatterns]),
            headers: [...config.allowedHeaders],
            additionalHeaders: [],
            exposedHeaders: [...config.exposedHeaders],
            additionalExposedHeaders: [],
            maxAge: config.maxAge ?? 5,
            credentials: config.credentials,
            preflightStatusCode: config.preflightStatus,
          },
        },
      });
      server.route([
        { method: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'], path: '/ok', handler: () => 'ok' },
        { method: 'GET', path: '/error', handler: () => { throw new Error('boom'); } },
        { method: 'OPTIONS', path: '/app-options', handler: () => 'app-options' },
        { method: 'GET', path: '/vary', handler: (_request, h) => h.response('ok').vary('accept-encoding') },
      ]);
      await server.start();
      return { baseUrl: `http://127.0.0.1:${server.info.port}`, close: () => server.stop({ timeout: 100 }) };
    },
  },
  {
    name: '@middy/http-cors on middy (API Gateway v2 events)',
    packages: ['@middy/http-cors', '@middy/core', '@middy/http-error-handler'],
    notes: 'A middy handler served by a node:http bridge that turns each request into an API Gateway HTTP API (v2) event. `disableBeforePreflightResponse: false` so the middleware answers preflights, `requestMethods` and `requestHeaders` so it checks them, `@middy/http-error-handler` after it so thrown errors are answered; preflights are always 204 (denied ones too).',
    async start(config) {
      const { default: middy } = await import('@middy/core');
      const { default: httpCors } = await import('@middy/http-cors');
      const { default: httpErrorHandler } = await import('@middy/http-error-handler');
      const o = originsOf(config);
      const opts = { disableBeforePreflightResponse: false, credentials: config.credentials };
      if (o.any) opts.origin = '*';
      else if (o.fixed !== undefined) opts.origin = o.fixed;
      else opts.origins = [...config.origins, ...config.originPatterns];
      if (config.methods === '*') opts.methods = '*';
      else {
        opts.methods = config.methods.join(',');
        opts.requestMethods = config.methods.filter((m) => ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD'].includes(m));
      }
      if (config.allowedHeaders.includes('*')) opts.headers = '*';
      else {
        if (config.allowedHeaders.length > 0) opts.headers = config.allowedHeaders.join(',');
        opts.requestHeaders = [...config.allowedHeaders];
      }
      if (config.exposedHeaders.length > 0) opts.exposeHeaders = config.exposedHeaders.join(',');
      if (config.maxAge !== undefined) opts.maxAge = config.maxAge;
      const handler = middy(async (event) => {
        const method = event.requestContext.http.method;
        const path = event.rawPath;
        if (path === '/ok') return { statusCode: 200, body: 'ok' };
        if (path === '/error' && method === 'GET') throw new Error('boom');
        if (path === '/app-options' && method === 'OPTIONS') return { statusCode: 200, body: 'app-options' };
        if (path === '/vary' && method === 'GET') return { statusCode: 200, headers: { Vary: 'Accept-Encoding' }, body: 'ok' };
        return { statusCode: 404, body: 'Not Found' };
      })
        .use(httpCors(opts))
        .use(httpErrorHandler({ fallbackMessage: 'Internal Server Error', logger: false }));
      return listen(http.createServer(apiGatewayBridge(handler)).listen(0, '127.0.0.1'));
    },
  },
  {
    name: 'cors on itty-router',
    packages: ['itty-router', '@hono/node-server'],
    notes: '`cors()`\'s `preflight` in `before` and `corsify` in `finally` of an `AutoRouter`, served by @hono/node-server. Origins as a function answering the origin (patterns cannot be listed); `allowHeaders` given explicitly (`[]` when the policy lists none; left out, it reflects); no preflight status option, and every OPTIONS is answered as a preflight.',
    async start(config) {
      const { AutoRouter, cors } = await import('itty-router');
      const { serve } = await import('@hono/node-server');
      const o = originsOf(config);
      const opts = {
        origin: o.any ? '*' : (o.fixed ?? ((origin) => (o.matches(origin) ? origin : undefined))),
        allowMethods: config.methods === '*' ? '*' : [...config.methods],
        allowHeaders: [...config.allowedHeaders],
      };
      if (config.exposedHeaders.length > 0) opts.exposeHeaders = [...config.exposedHeaders];
      if (config.credentials) opts.credentials = true;
      if (config.maxAge !== undefined) opts.maxAge = config.maxAge;
      const { preflight, corsify } = cors(opts);
      const router = AutoRouter({ before: [preflight], finally: [corsify] });
      router.all('/ok', () => new Response('ok'));
      router.get('/error', () => { throw new Error('boom'); });
      router.options('/app-options', () => new Response('app-options'));
      router.get('/vary', () => new Response('ok', { headers: { Vary: 'Accept-Encoding' } }));
      return listen(serve({ fetch: router.fetch, port: 0, hostname: '127.0.0.1', overrideGlobalObjects: false }));
    },
  },
];

/** Kinds of failure, by the first (most noticeable) problem of a failing scenario. */
const KINDS = [
  ['lets in what the policy refuses', /^The browser would let/],
  ['blocks what the policy allows', /^The browser would block/],
  ['5xx or no answer', /^(The server answered 5|No response)/],
  ["takes the app's OPTIONS", /not a preflight and belongs to the app|answer the body 'app-options'|reached the app's OPTIONS/],
  ['denied preflight keeps CORS headers', /^A denied preflight .* carries/],
  ['Vary', /^Vary|Vary: Accept-Encoding was dropped/],
];

function kindOf(problem) {
  return KINDS.find(([, re]) => re.test(problem))?.[0] ?? 'other';
}

function oneLine(text, max = 160) {
  const flat = text.replace(/\s+/g, ' ').replace(/\|/g, '\\|');
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

async function runPeer(peer, policyName, options) {
  const config = oraclePolicy(options).config;
  let server;
  try {
    server = await peer.start(config);
    const results = await runConformance({ baseUrl: server.baseUrl, policy: options, strict: false });
    return { results };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  } finally {
    await server?.close().catch(() => undefined);
  }
}

/**
 * Runs one peer's policies in a process of its own: some peers change the process for the
 * others (@hono/node-server replaces the global Request and Response by default).
 */
async function runIsolated(peer) {
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url)], { env: { ...process.env, PEER_ONE: peer.name }, stdio: ['ignore', 'pipe', 'inherit'] });
  let stdout = '';
  child.stdout.setEncoding('utf8').on('data', (chunk) => { stdout += chunk; });
  const [code] = await once(child, 'exit');
  const last = stdout.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(last);
  } catch {
    return Object.keys(STANDARD_POLICIES).map((policyName) => ({ policyName, error: `the peer's process exited (${code}) without results` }));
  }
}

/** In the child: every policy of one peer, as one JSON line of `{ policyName, results | error }`. */
async function runOne(name) {
  const peer = PEERS.find((p) => p.name === name);
  const cells = [];
  for (const policyName of Object.keys(STANDARD_POLICIES)) {
    const outcome = await runPeer(peer, policyName, STANDARD_POLICIES[policyName]);
    cells.push({ policyName, ...(outcome.error ? { error: outcome.error } : { results: outcome.results.map((r) => ({ id: r.id, pass: r.pass, problems: r.problems })) }) });
  }
  process.stdout.write(`${JSON.stringify(cells)}\n`);
}

async function main() {
  const policyNames = Object.keys(STANDARD_POLICIES);
  const cells = [];
  // PEERS="hapi,itty" runs only the peers whose names contain one of these, prints, writes nothing
  const only = process.env.PEERS?.split(',').filter(Boolean);
  for (const peer of PEERS.filter((p) => only === undefined || only.some((part) => p.name.includes(part)))) {
    for (const outcome of await runIsolated(peer)) {
      cells.push({ peer, ...outcome });
      const summary = outcome.error ? `error: ${outcome.error}` : `${outcome.results.filter((r) => r.pass).length} passed, ${outcome.results.filter((r) => !r.pass).length} failed`;
      console.log(`${peer.name} × ${outcome.policyName}: ${summary}`);
    }
  }

  if (only !== undefined) {
    for (const cell of cells.filter((c) => !c.error)) {
      for (const r of cell.results.filter((x) => !x.pass)) console.log(`  ${cell.peer.name} × ${cell.policyName} ${r.id}: ${oneLine(r.problems[0] ?? '')}`);
    }
    return;
  }
  const out = [];
  out.push('# Conformance of the peers', '');
  out.push('Generated by `pnpm run conformance:peers` (packages/conformance/scripts/peers.mjs): each peer runs on');
  out.push('127.0.0.1 with the closest equivalent of each standard policy of `@corsica/conformance`, and the kit');
  out.push('judges every response with its browser model against `@corsica/core` as the oracle. Peers are not');
  out.push('held to Corsica\'s exact answers here (`strict: false`): a denied preflight only has to be denied for');
  out.push('the browser (any status), an allowed one only has to be 2xx, and Vary on preflights is not required.');
  out.push('Each failing scenario is listed with its first problem. Do not edit by hand.', '');
  out.push(`Node ${process.versions.node}. Versions: ${[...new Set(PEERS.flatMap((p) => p.packages))].map((n) => `${n} ${versionOf(n)}`).join(', ')}.`, '');
  out.push(`| peer | ${policyNames.join(' | ')} |`);
  out.push(`| --- | ${policyNames.map(() => '---').join(' | ')} |`);
  for (const peer of PEERS) {
    const row = policyNames.map((policyName) => {
      const cell = cells.find((c) => c.peer === peer && c.policyName === policyName);
      if (cell.error) return 'error';
      const failed = cell.results.filter((r) => !r.pass).length;
      return `${cell.results.length - failed} passed / ${failed} failed`;
    });
    out.push(`| ${peer.name} | ${row.join(' | ')} |`);
  }
  out.push('');
  const kinds = [...KINDS.map(([k]) => k), 'other'];
  out.push('Failing scenarios by kind of first problem, all policies together:', '');
  out.push(`| peer | ${kinds.join(' | ')} |`);
  out.push(`| --- | ${kinds.map(() => '---').join(' | ')} |`);
  for (const peer of PEERS) {
    const counts = Object.fromEntries(kinds.map((k) => [k, 0]));
    for (const cell of cells.filter((c) => c.peer === peer && !c.error)) {
      for (const r of cell.results.filter((x) => !x.pass)) counts[kindOf(r.problems[0] ?? '')] += 1;
    }
    out.push(`| ${peer.name} | ${kinds.map((k) => counts[k]).join(' | ')} |`);
  }
  out.push('');
  for (const peer of PEERS) {
    out.push(`## ${peer.name}`, '', peer.notes, '');
    for (const policyName of policyNames) {
      const cell = cells.find((c) => c.peer === peer && c.policyName === policyName);
      if (cell.error) {
        out.push(`### ${policyName}`, '', `The server could not be run: ${oneLine(cell.error)}`, '');
        continue;
      }
      const failing = cell.results.filter((r) => !r.pass);
      out.push(`### ${policyName}: ${failing.length === 0 ? 'all passed' : `${failing.length} failing`}`, '');
      for (const r of failing) out.push(`- \`${r.id}\`: ${oneLine(r.problems[0] ?? '')}${r.problems.length > 1 ? ` (+${r.problems.length - 1} more)` : ''}`);
      if (failing.length > 0) out.push('');
    }
  }
  await writeFile(REPORT, `${out.join('\n')}\n`);
  console.log(`wrote ${REPORT}`);
}

(process.env.PEER_ONE ? runOne(process.env.PEER_ONE) : main()).catch((error) => {
  // the report never fails the build; say what happened and stop
  console.error('corsica: the peers report could not be written:', error);
}).finally(() => {
  process.exitCode = 0;
});
