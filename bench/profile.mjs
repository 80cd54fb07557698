/**
 * The Corsica core path of one scenario in a tight loop, to be run under `node --cpu-prof`
 * (run.mjs does so for every target Corsica misses):
 *
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof bench/profile.mjs "allowed preflight" 10 [seconds]
 *
 * BENCH_CORE_MODULE=/path/to/candidate/dist/index.js profiles a candidate build of the core.
 */
import { pathToFileURL } from 'node:url';
import { FakeResponse, fakeRequest } from './lib/fake.mjs';
import * as fx from './lib/fixtures.mjs';

const { applyCorsHeaders, createPolicy, factsFromNodeRequest } = await import(process.env.BENCH_CORE_MODULE ? pathToFileURL(process.env.BENCH_CORE_MODULE).href : '@corsica/core');

const scenario = process.argv[2] ?? 'allowed actual';
const size = Number(process.argv[3] ?? 10);
const seconds = Number(process.argv[4] ?? 2);
const policy = createPolicy(fx.corsicaOptions(size));
const shape = fx.scenarioRequest(scenario, size);

function corsicaRequest() {
  const req = fakeRequest(shape);
  const res = new FakeResponse();
  const decision = policy.decide(factsFromNodeRequest(req));
  applyCorsHeaders(res, decision);
  if (decision.kind === 'preflight') {
    res.statusCode = decision.status;
    res.end();
  }
  return res;
}

const until = performance.now() + seconds * 1000;
let calls = 0;
while (performance.now() < until) {
  for (let i = 0; i < 10000; i++) corsicaRequest();
  calls += 10000;
}
process.stdout.write(`${JSON.stringify({ scenario, size, calls })}\n`);
