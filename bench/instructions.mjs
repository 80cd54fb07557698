/**
 * Instruction counts instead of time, for a machine whose cores are shared: valgrind's callgrind
 * counts the instructions the CPU retires whatever else the machine is doing. A subject serves
 * the four requests of group 1; per request = (instructions of a run with N requests − those of
 * the same run with none) / N, after the same warm-up, so start-up, the warm-up's compilation and
 * exit cancel out. Counts include V8's garbage collection, the real cost of allocating. Start-up
 * varies by a few million instructions from run to run, so each figure is the median of `rounds`
 * differences. Needs valgrind (Debian's package). Nothing is written; a table goes to stdout.
 *
 *   node bench/instructions.mjs core BEFORE_DIST AFTER_DIST [sizes=10] [requests=200000] [rounds=3]
 *     Two builds of `@corsica/core` (`packages/core/dist` of an older commit built in a git
 *     worktree, and this one), each doing what an adapter does on bench/lib/fake.mjs objects.
 *   node bench/instructions.mjs fastify [sizes=10] [requests=50000] [rounds=3]
 *     The same Fastify app without CORS, with @fastify/cors and with @corsica/fastify, through
 *     `inject`; each plugin's share is its app minus the app without CORS.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { FakeResponse, fakeRequest } from './lib/fake.mjs';
import * as fx from './lib/fixtures.mjs';
import { fmtRatio, markdownTable } from './lib/report.mjs';

const exec = promisify(execFile);
const WARM_UP = 20_000;

/** The core's functions, wherever a build exports them (the adapter entry came in round two). */
async function loadCore(dist) {
  const index = await import(pathToFileURL(join(dist, 'index.js')).href);
  const adapterPath = join(dist, 'adapter.js');
  const adapter = existsSync(adapterPath) ? await import(pathToFileURL(adapterPath).href) : index;
  return { createPolicy: index.createPolicy, facts: adapter.factsFromNodeRequest, apply: adapter.applyCorsHeaders };
}

/** One request of `scenario` through the core at `dist`, as an adapter serves it. */
async function coreSubject(dist, size, shape) {
  const core = await loadCore(dist);
  const policy = core.createPolicy(fx.corsicaOptions(size));
  return () => {
    const res = new FakeResponse();
    const decision = policy.decide(core.facts(fakeRequest(shape)));
    core.apply(res, decision);
    if (decision.kind === 'preflight') {
      res.statusCode = decision.status;
      res.end();
    }
    return res.statusCode;
  };
}

/** One request through a minimal Fastify app: `base` without CORS, `native` @fastify/cors, `corsica`. */
async function fastifySubject(which, size, shape) {
  const { default: Fastify } = await import('fastify');
  const app = Fastify({ logger: false });
  if (which === 'native') await app.register((await import('@fastify/cors')).default, fx.fastifyCorsOptions(size));
  if (which === 'corsica') await app.register((await import('@corsica/fastify')).cors, fx.corsicaOptions(size));
  app.get('/', async () => 'ok');
  if (which === 'base') app.options('/', (_request, reply) => reply.code(204).send());
  await app.ready();
  const first = await app.inject({ method: shape.method, url: '/', headers: shape.headers });
  // every figure must be of a path that did the work: an allowed request gets its origin back
  const allowed = shape.headers.origin !== fx.DENIED_ORIGIN;
  if (which !== 'base' && (first.headers['access-control-allow-origin'] === shape.headers.origin) !== allowed) {
    throw new Error(`${which} answered ${JSON.stringify(first.headers)} to ${JSON.stringify(shape)}`);
  }
  return async () => (await app.inject({ method: shape.method, url: '/', headers: shape.headers })).statusCode;
}

/** Child: build the subject, warm up, then serve `count` requests. */
async function child(kind, target, size, scenario, count) {
  const shape = fx.scenarioRequest(scenario, size);
  const serve = kind === 'core' ? await coreSubject(target, size, shape) : await fastifySubject(target, size, shape);
  let sink = 0;
  if (kind === 'core') for (let i = 0; i < WARM_UP + count; i++) sink += serve();
  else for (let i = 0; i < WARM_UP + count; i++) sink += await serve();
  if (sink === 0) process.exit(3);
}

/** Instructions callgrind counted for one child run. */
async function count(kind, target, size, scenario, requests) {
  const self = fileURLToPath(import.meta.url);
  const args = ['--tool=callgrind', '--callgrind-out-file=/dev/null', '--smc-check=all-non-file', process.execPath, '--single-threaded', self, '--child', kind, target, String(size), scenario, String(requests)];
  const { stderr } = await exec('valgrind', args, { maxBuffer: 1 << 24 });
  const m = /Collected : (\d+)/.exec(stderr);
  if (!m) throw new Error(`callgrind printed no count:\n${stderr.slice(-2000)}`);
  return Number(m[1]);
}

/** Median over `rounds` of (a run of `requests` − a run of none), per request. */
async function perRequest(kind, target, size, scenario, requests, rounds) {
  const differences = [];
  for (let round = 0; round < rounds; round++) {
    const none = await count(kind, target, size, scenario, 0);
    differences.push((await count(kind, target, size, scenario, requests)) - none);
  }
  differences.sort((a, b) => a - b);
  return differences[Math.floor(rounds / 2)] / requests;
}

async function main() {
  const [kind, ...rest] = process.argv.slice(2);
  if (kind !== 'core' && kind !== 'fastify') {
    process.stderr.write('usage: node bench/instructions.mjs core BEFORE_DIST AFTER_DIST [sizes] [requests] [rounds]\n       node bench/instructions.mjs fastify [sizes] [requests] [rounds]\n');
    process.exit(2);
  }
  const targets = kind === 'core' ? { before: resolve(rest.shift() ?? ''), after: resolve(rest.shift() ?? '') } : { base: 'base', native: 'native', corsica: 'corsica' };
  const [sizesArg = '10', requestsArg = kind === 'core' ? '200000' : '50000', roundsArg = '3'] = rest;
  const requests = Number(requestsArg);
  const rounds = Number(roundsArg);
  const rows = [];
  for (const size of sizesArg.split(',').map(Number)) {
    for (const scenario of fx.SCENARIOS) {
      const per = {};
      for (const [name, target] of Object.entries(targets)) per[name] = await perRequest(kind, target, size, scenario, requests, rounds);
      const n = (x) => x.toFixed(0);
      if (kind === 'core') {
        rows.push([String(size), scenario, n(per.before), n(per.after), fmtRatio(per.before / per.after)]);
      } else {
        const native = per.native - per.base;
        const corsica = per.corsica - per.base;
        rows.push([String(size), scenario, n(per.base), `${n(native)} (${n(per.native)})`, `${n(corsica)} (${n(per.corsica)})`, fmtRatio(native / corsica)]);
      }
      process.stderr.write(`  ${size} ${scenario}: ${Object.entries(per).map(([k, v]) => `${k} ${n(v)}`).join(', ')}\n`);
    }
  }
  const headers = kind === 'core' ? ['Origins', 'Scenario', 'Before (instructions/request)', 'After', 'Before / after'] : ['Origins', 'Scenario', 'App without CORS (instructions/request)', '@fastify/cors share (app)', '@corsica/fastify share (app)', '@fastify/cors / @corsica/fastify'];
  process.stdout.write(`${markdownTable(headers, rows)}\n`);
}

if (process.argv[2] === '--child') {
  const [, , , kind, target, size, scenario, requests] = process.argv;
  await child(kind, target, Number(size), scenario, Number(requests));
} else {
  await main();
}
