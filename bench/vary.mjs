/**
 * Before/after for a change to how the Node adapters write and keep `Vary` (the keepVary guard):
 * per framework, the same minimal app with no CORS, with its usual CORS plugin, with the installed
 * Corsica adapter and with another build of it (`before`), requests injected in-process (Fastify's
 * `inject`; `light-my-request`, which `inject` is built on, for Express and Koa), the four apps
 * taking turns batch by batch. Each figure is the median over `BENCH_VARY_REPEATS` repeats of the
 * median batch mean. Nothing is written; the table goes to stdout. For throughput over real
 * sockets, run the HTTP group with the same `BENCH_BEFORE_*` variables (see bench/README.md).
 *
 *   BENCH_BEFORE_FASTIFY=/path/to/old/fastify/dist/index.js \
 *   BENCH_BEFORE_EXPRESS=/path/to/old/express/dist/index.js \
 *   BENCH_BEFORE_KOA=/path/to/old/koa/dist/index.js \
 *   node bench/vary.mjs [frameworks=fastify,express,koa] [sizes=10]
 *
 * The `app sets Vary` scenario is an allowed actual request whose handler replaces `Vary` with
 * `Accept-Encoding` (`reply.header`, `res.set`, `ctx.set`): the path the guard exists for.
 */
import { fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import fastifyCors from '@fastify/cors';
import koaCors from '@koa/cors';
import cors from 'cors';
import express from 'express';
import Fastify from 'fastify';
import Koa from 'koa';
import * as fx from './lib/fixtures.mjs';
import { median, timeInterleaved } from './lib/measure.mjs';
import { fmtNs, fmtRatio, markdownTable } from './lib/report.mjs';
import { checkSubject } from './lib/sanity.mjs';

const inject = createRequire(createRequire(import.meta.url).resolve('fastify'))('light-my-request');
const frameworks = (process.argv[2] ?? 'fastify,express,koa').split(',');
const sizes = (process.argv[3] ?? '10').split(',').map(Number);
const REPEATS = Number(process.env.BENCH_VARY_REPEATS ?? 5);
const SCENARIOS = [...fx.SCENARIOS, 'app sets Vary'];

async function load(framework, variant) {
  if (variant === 'corsica') return import(`@corsica/${framework}`);
  const path = process.env[`BENCH_BEFORE_${framework.toUpperCase()}`];
  if (!path) throw new Error(`set BENCH_BEFORE_${framework.toUpperCase()} to the before build's dist/index.js`);
  return import(pathToFileURL(path).href);
}

async function fastifyApp(register) {
  const app = Fastify({ logger: false });
  if (register) await register(app);
  app.get('/', async () => 'ok');
  app.get('/vary', async (request, reply) => {
    reply.header('Vary', 'Accept-Encoding');
    return 'ok';
  });
  if (!register) app.options('/', (request, reply) => reply.code(204).send());
  await app.ready();
  return (shape) => app.inject(shape);
}

function expressApp(middleware) {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  if (middleware) app.use(middleware);
  app.get('/', (req, res) => res.type('text').send('ok'));
  app.get('/vary', (req, res) => res.set('Vary', 'Accept-Encoding').type('text').send('ok'));
  if (!middleware) app.options('/', (req, res) => res.status(204).end());
  return (shape) => inject(app, shape);
}

function koaApp(middleware) {
  const app = new Koa();
  if (middleware) app.use(middleware);
  app.use((ctx) => {
    if (ctx.method === 'OPTIONS') {
      ctx.status = 204;
      return;
    }
    if (ctx.path === '/vary') ctx.set('Vary', 'Accept-Encoding');
    ctx.type = 'text/plain';
    ctx.body = 'ok';
  });
  const callback = app.callback();
  return (shape) => inject(callback, shape);
}

async function appsFor(framework, size) {
  const options = fx.corsicaOptions(size);
  if (framework === 'fastify') {
    const plugin = async (variant) => {
      const mod = await load('fastify', variant);
      return fastifyApp((app) => app.register(mod.default ?? mod.cors, options));
    };
    return { base: await fastifyApp(), native: await fastifyApp((app) => app.register(fastifyCors, fx.fastifyCorsOptions(size))), before: await plugin('before'), corsica: await plugin('corsica') };
  }
  if (framework === 'express') {
    return { base: expressApp(), native: expressApp(cors(fx.corsArrayOptions(size))), before: expressApp((await load('express', 'before')).cors(options)), corsica: expressApp((await load('express', 'corsica')).cors(options)) };
  }
  return { base: koaApp(), native: koaApp(koaCors(fx.koaCorsOptions(size))), before: koaApp((await load('koa', 'before')).cors(options)), corsica: koaApp((await load('koa', 'corsica')).cors(options)) };
}

function shapeOf(scenario, size) {
  const shape = fx.scenarioRequest(scenario === 'app sets Vary' ? 'allowed actual' : scenario, size);
  return { method: shape.method, url: scenario === 'app sets Vary' ? '/vary' : '/', headers: shape.headers, check: scenario === 'app sets Vary' ? 'allowed actual' : scenario };
}

/** One case, in this (child) process: its table row. */
async function measureCase(framework, size, scenario) {
  const apps = await appsFor(framework, size);
  const shape = shapeOf(scenario, size);
  const request = { method: shape.method, url: shape.url, headers: shape.headers };
  const subjects = Object.entries(apps).map(([id, app]) => ({ id, run: () => app(request), async: true }));
  for (const s of subjects) {
    if (s.id === 'base') continue;
    const res = await s.run();
    const check = checkSubject(`${framework} ${scenario} ${s.id}`, shape.check, shape, res, s.id);
    if (!check.ok) throw new Error(`${framework} ${scenario} ${s.id}: ${check.problems.join('; ')}`);
    if (scenario === 'app sets Vary' && s.id === 'corsica' && !/origin/i.test(String(res.headers.vary))) throw new Error(`${framework} ${s.id}: Vary ${res.headers.vary} lacks Origin`);
  }
  const ns = Object.fromEntries(subjects.map((s) => [s.id, []]));
  for (let r = 0; r < REPEATS; r++) {
    // rotate the order, so no subject always runs first
    const order = subjects.map((_, i) => subjects[(i + r) % subjects.length]);
    const timed = await timeInterleaved(order);
    for (const s of subjects) ns[s.id].push(timed[s.id].ns);
  }
  const m = Object.fromEntries(subjects.map((s) => [s.id, median(ns[s.id])]));
  const share = (id) => m[id] - m.base;
  const guard = ns.corsica.map((x, i) => x - ns.before[i]).sort((a, b) => a - b);
  process.stderr.write(`  ${framework} ${size} ${scenario}: ${subjects.map((s) => `${s.id} ${m[s.id].toFixed(0)}`).join('  ')}\n`);
  return [
    framework,
    String(size),
    scenario,
    fmtNs(m.base),
    `${fmtNs(share('native'))} (${fmtRatio(m.native / m.base)})`,
    `${fmtNs(share('before'))} (${fmtRatio(m.before / m.base)})`,
    `${fmtNs(share('corsica'))} (${fmtRatio(m.corsica / m.base)})`,
    fmtRatio(m.before / m.native, 3),
    fmtRatio(m.corsica / m.native, 3),
    `${Math.round(m.corsica - m.before)} ns (${Math.round(guard[0])} to ${Math.round(guard[guard.length - 1])})`,
  ];
}

/** Each case in a fresh process: `inject` keeps memory per request, and a heap grown by earlier cases would slow later ones. */
function inChild(framework, size, scenario) {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), [], { env: { ...process.env, BENCH_VARY_CASE: JSON.stringify([framework, size, scenario]) }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let row;
    child.on('message', (m) => (row = m));
    child.on('exit', (code) => (row ? resolve(row) : reject(new Error(`${framework} ${size} ${scenario}: exited with ${code}`))));
  });
}

const LABELS = { fastify: '@fastify/cors', express: 'cors', koa: '@koa/cors' };

if (process.env.BENCH_VARY_CASE) {
  const [framework, size, scenario] = JSON.parse(process.env.BENCH_VARY_CASE);
  const row = await measureCase(framework, size, scenario);
  process.send(row, () => process.exit(0));
} else {
  const rows = [];
  for (const framework of frameworks) for (const size of sizes) for (const scenario of SCENARIOS) rows.push(await inChild(framework, size, scenario));
  process.stdout.write(
    `${markdownTable(
      ['Framework', 'Origins', 'Scenario', 'App without CORS', 'Native: CORS share (× app)', 'Corsica before: share (× app)', 'Corsica after: share (× app)', 'Before / native (whole request)', 'After / native (whole request)', 'After − before (range over repeats)'],
      rows,
      ['l', 'r', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
    )}\n\nNative plugins: ${frameworks.map((f) => `${f}: ${LABELS[f]}`).join(', ')}. ${REPEATS} repeats, each ${process.env.BENCH_FINE_ROUNDS ?? 100} rounds of 32 requests per app.\n`,
  );
}
