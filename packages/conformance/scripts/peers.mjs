#!/usr/bin/env node
/**
 * The peers report: runs the conformance kit against the popular CORS libraries (`cors` on
 * Express, `@fastify/cors` on Fastify, `hono/cors` on @hono/node-server, `@koa/cors` on Koa), each
 * configured as closely as it allows to every standard policy, and writes
 * docs/conformance-peers.md. It never fails: a peer that breaks is a row in the report.
 *
 * Run from the repository root after building: `pnpm run conformance:peers`.
 */
import { once } from 'node:events';
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

async function main() {
  const policyNames = Object.keys(STANDARD_POLICIES);
  const cells = [];
  for (const peer of PEERS) {
    for (const policyName of policyNames) {
      const outcome = await runPeer(peer, policyName, STANDARD_POLICIES[policyName]);
      cells.push({ peer, policyName, ...outcome });
      const summary = outcome.error ? `error: ${outcome.error}` : `${outcome.results.filter((r) => r.pass).length} passed, ${outcome.results.filter((r) => !r.pass).length} failed`;
      console.log(`${peer.name} × ${policyName}: ${summary}`);
    }
  }

  const out = [];
  out.push('# Conformance of the peers', '');
  out.push('Generated by `pnpm run conformance:peers` (packages/conformance/scripts/peers.mjs): each peer runs on');
  out.push('127.0.0.1 with the closest equivalent of each standard policy of `@corsica/conformance`, and the kit');
  out.push('judges every response with its browser model against `@corsica/core` as the oracle. Peers are not');
  out.push('held to Corsica\'s exact answers here (`strict: false`): a denied preflight only has to be denied for');
  out.push('the browser (any status), an allowed one only has to be 2xx, and Vary on preflights is not required.');
  out.push('Each failing scenario is listed with its first problem. Do not edit by hand.', '');
  out.push(`Node ${process.versions.node}. Versions: ${PEERS.flatMap((p) => p.packages).map((n) => `${n} ${versionOf(n)}`).join(', ')}.`, '');
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

main().catch((error) => {
  // the report never fails the build; say what happened and stop
  console.error('corsica: the peers report could not be written:', error);
}).finally(() => {
  process.exitCode = 0;
});
