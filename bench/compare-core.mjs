/**
 * Before/after for core changes: times the installed `@corsica/core` (dist) against a candidate
 * build of it, and `cors` for reference, in alternating rounds of the same run, on the four
 * scenarios of group 1. Nothing is written; the table goes to stdout.
 *
 *   node bench/compare-core.mjs /path/to/candidate/dist/index.js [sizes=1,10,10000]
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import cors from 'cors';
import * as installedIndex from '@corsica/core';
import * as installedAdapter from '@corsica/core/adapter';
import { FakeResponse, fakeRequest, noop } from './lib/fake.mjs';
import * as fx from './lib/fixtures.mjs';
import { timeAlternating } from './lib/measure.mjs';
import { fmtNs, fmtRatio, markdownTable } from './lib/report.mjs';

const candidatePath = process.argv[2];
if (!candidatePath) {
  process.stderr.write('usage: node bench/compare-core.mjs /path/to/candidate/dist/index.js [sizes]\n');
  process.exit(2);
}
// the facts readers and header writers live in the adapter entry since the core was split; an
// older candidate build exports them from its index
const candidateIndex = await import(pathToFileURL(candidatePath).href);
const candidateAdapter = join(dirname(candidatePath), 'adapter.js');
const candidate = { ...candidateIndex, ...(existsSync(candidateAdapter) ? await import(pathToFileURL(candidateAdapter).href) : {}) };
const installed = { ...installedIndex, ...installedAdapter };
const sizes = (process.argv[3] ?? '1,10,10000').split(',').map(Number);

function corsicaRun(core, policy, shape) {
  return () => {
    const req = fakeRequest(shape);
    const res = new FakeResponse();
    const decision = policy.decide(core.factsFromNodeRequest(req));
    core.applyCorsHeaders(res, decision);
    if (decision.kind === 'preflight') {
      res.statusCode = decision.status;
      res.end();
    }
    return res;
  };
}

const rows = [];
for (const size of sizes) {
  const before = installed.createPolicy(fx.corsicaOptions(size));
  const after = candidate.createPolicy(fx.corsicaOptions(size));
  const peer = cors(fx.corsFunctionOptions(size));
  for (const scenario of fx.SCENARIOS) {
    const shape = fx.scenarioRequest(scenario, size);
    const timed = await timeAlternating([
      { id: 'before', run: corsicaRun(installed, before, shape) },
      { id: 'after', run: corsicaRun(candidate, after, shape) },
      {
        id: 'cors',
        run: () => {
          const req = fakeRequest(shape);
          const res = new FakeResponse();
          peer(req, res, noop);
          return res;
        },
      },
    ]);
    const b = timed.before.ns;
    const a = timed.after.ns;
    const c = timed.cors.ns;
    rows.push([String(size), scenario, fmtNs(b), fmtNs(a), fmtRatio(b / a), fmtRatio(c / b), fmtRatio(c / a)]);
    process.stderr.write(`  ${size} ${scenario}: before ${fmtNs(b)}, after ${fmtNs(a)}, cors ${fmtNs(c)}\n`);
  }
}
process.stdout.write(`${markdownTable(['Origins', 'Scenario', 'Installed core', 'Candidate', 'Candidate speed-up', 'Installed vs cors', 'Candidate vs cors'], rows)}\n`);
