/**
 * Instruction counts instead of time, for a machine whose cores are shared: valgrind's callgrind
 * counts the instructions the CPU retires whatever else the machine is doing. A build serves
 * the four requests of group 1; per request = (instructions of a run with N requests − those of
 * the same run with none) / N, after the same warm-up, so start-up, the warm-up's compilation and
 * exit cancel out. Counts include V8's garbage collection, the real cost of allocating. Start-up
 * varies by a few million instructions from run to run, so each figure is the median of `rounds`
 * differences. Needs valgrind (Debian's package). Nothing is written; a table goes to stdout.
 *
 *   node bench/instructions.mjs BEFORE_DIST AFTER_DIST [sizes=10] [requests=200000] [rounds=3]
 *
 * BEFORE_DIST and AFTER_DIST are `packages/core/dist` folders of two builds (an older commit built
 * in a git worktree, and this one), each doing what an adapter does on bench/lib/fake.mjs objects.
 * Framework adapters are not measured this way: one Fastify `inject` is about 500,000
 * instructions, so the CORS share drowns in the run-to-run difference.
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

/** Child: build the subject, warm up, then serve `count` requests. */
async function child(dist, size, scenario, count) {
  const serve = await coreSubject(dist, size, fx.scenarioRequest(scenario, size));
  let sink = 0;
  for (let i = 0; i < WARM_UP + count; i++) sink += serve();
  if (sink === 0) process.exit(3);
}

/** Instructions callgrind counted for one child run. */
async function count(dist, size, scenario, requests) {
  const self = fileURLToPath(import.meta.url);
  const args = ['--tool=callgrind', '--callgrind-out-file=/dev/null', '--smc-check=all-non-file', process.execPath, '--single-threaded', self, '--child', dist, String(size), scenario, String(requests)];
  const { stderr } = await exec('valgrind', args, { maxBuffer: 1 << 24 });
  const m = /Collected : (\d+)/.exec(stderr);
  if (!m) throw new Error(`callgrind printed no count:\n${stderr.slice(-2000)}`);
  return Number(m[1]);
}

/** Median over `rounds` of (a run of `requests` − a run of none), per request. */
async function perRequest(dist, size, scenario, requests, rounds) {
  const differences = [];
  for (let round = 0; round < rounds; round++) {
    const none = await count(dist, size, scenario, 0);
    differences.push((await count(dist, size, scenario, requests)) - none);
  }
  differences.sort((a, b) => a - b);
  return differences[Math.floor(rounds / 2)] / requests;
}

async function main() {
  const [beforeArg, afterArg, sizesArg = '10', requestsArg = '200000', roundsArg = '3'] = process.argv.slice(2);
  if (!beforeArg || !afterArg) {
    process.stderr.write('usage: node bench/instructions.mjs BEFORE_DIST AFTER_DIST [sizes] [requests] [rounds]\n');
    process.exit(2);
  }
  const builds = { before: resolve(beforeArg), after: resolve(afterArg) };
  const requests = Number(requestsArg);
  const rounds = Number(roundsArg);
  const rows = [];
  for (const size of sizesArg.split(',').map(Number)) {
    for (const scenario of fx.SCENARIOS) {
      const per = {};
      for (const [name, dist] of Object.entries(builds)) per[name] = await perRequest(dist, size, scenario, requests, rounds);
      rows.push([String(size), scenario, per.before.toFixed(0), per.after.toFixed(0), fmtRatio(per.before / per.after)]);
      process.stderr.write(`  ${size} ${scenario}: before ${per.before.toFixed(0)}, after ${per.after.toFixed(0)}\n`);
    }
  }
  process.stdout.write(`${markdownTable(['Origins', 'Scenario', 'Before (instructions/request)', 'After', 'Before / after'], rows)}\n`);
}

if (process.argv[2] === '--child') {
  const [, , , dist, size, scenario, requests] = process.argv;
  await child(dist, Number(size), scenario, Number(requests));
} else {
  await main();
}
