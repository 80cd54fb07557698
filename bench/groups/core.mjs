/**
 * Group 1, part 1: the CORS decision and the header writes, Corsica's core against `cors` and
 * `@koa/cors` driven with the same minimal request/response objects, for allowlists of 1 to 10k
 * exact origins plus a subdomain pattern.
 */
import koaCors from '@koa/cors';
import cors from 'cors';
import { applyCorsHeaders, createPolicy } from '@corsica/core';
import { factsFromNodeRequest } from '@corsica/core/adapter';
import { loadAdapter } from '../lib/adapters.mjs';
import { FakeKoaContext, FakeResponse, asyncNoop, fakeRequest, noop } from '../lib/fake.mjs';
import * as fx from '../lib/fixtures.mjs';
import { CORE_ROUNDS, timeInterleaved } from '../lib/measure.mjs';
import { checkSubject } from '../lib/sanity.mjs';

/** Corsica as an adapter would run it: read facts, decide, write headers, answer preflights. */
function corsicaCore(policy) {
  return (req, res) => {
    const decision = policy.decide(factsFromNodeRequest(req));
    applyCorsHeaders(res, decision);
    if (decision.kind === 'preflight') {
      res.statusCode = decision.status;
      res.end();
    }
  };
}

export async function run() {
  const express = await loadAdapter('express');
  const koa = await loadAdapter('koa');
  const rows = [];
  const sanity = [];
  for (const size of fx.SIZES) {
    const policy = createPolicy(fx.corsicaOptions(size));
    const core = corsicaCore(policy);
    const corsArray = cors(fx.corsArrayOptions(size));
    const corsFunction = cors(fx.corsFunctionOptions(size));
    const koaMiddleware = koaCors(fx.koaCorsOptions(size));
    const corsicaExpress = express.module?.cors(policy);
    const corsicaKoa = koa.module?.cors(policy);

    for (const scenario of fx.SCENARIOS) {
      const shape = fx.scenarioRequest(scenario, size);
      const node = (middleware) => () => {
        const req = fakeRequest(shape);
        const res = new FakeResponse();
        middleware(req, res, noop);
        return res;
      };
      const koaRun = (middleware) => async () => {
        const ctx = new FakeKoaContext(shape);
        await middleware(ctx, asyncNoop);
        return ctx.res;
      };
      // The floor: the very headers Corsica sends, written with no decision at all. No library
      // that writes them can beat it, so it bounds every speed-up the harness can show.
      const sample = policy.decide(factsFromNodeRequest(fakeRequest(shape)));
      const entries = Object.entries(sample.headers);
      if (sample.vary.length) entries.push(['Vary', sample.vary.join(', ')]);
      const floor = (req, res) => {
        for (let i = 0; i < entries.length; i++) res.setHeader(entries[i][0], entries[i][1]);
        if (sample.kind === 'preflight') {
          res.statusCode = sample.status;
          res.end();
        }
      };
      const subjects = [
        { id: 'harness', label: 'harness (fresh req/res, no-op middleware)', run: node(noop) },
        { id: 'floor', label: 'floor (write the same headers, no decision)', run: node(floor) },
        { id: 'corsica', label: 'Corsica core (decide + apply)', run: node(core) },
        { id: 'cors-array', label: 'cors (array of strings + RegExp)', run: node(corsArray) },
        { id: 'cors-function', label: 'cors (origin function over a Set)', run: node(corsFunction) },
        { id: 'koa-cors', label: '@koa/cors (origin function over a Set)', run: koaRun(koaMiddleware), async: true },
      ];
      if (corsicaExpress) subjects.push({ id: 'corsica-express', label: '@corsica/express middleware', run: node(corsicaExpress) });
      if (corsicaKoa) subjects.push({ id: 'corsica-koa', label: '@corsica/koa middleware', run: koaRun(corsicaKoa), async: true });

      // A benchmark of a broken path is worthless: check every subject's answer once first.
      for (const s of subjects) {
        if (s.id === 'harness') continue;
        const res = await s.run();
        sanity.push(checkSubject(`core ${size} ${scenario} ${s.id}`, scenario, shape, res, s.id));
      }
      const timed = await timeInterleaved(subjects, CORE_ROUNDS);
      for (const s of subjects) rows.push({ size, scenario, subject: s.id, label: s.label, ...timed[s.id] });
      const line = subjects.map((s) => `${s.id} ${timed[s.id].ns.toFixed(0)}`).join('  ');
      process.stderr.write(`  core ${String(size).padStart(5)} ${scenario.padEnd(17)} ${line}\n`);
    }
  }
  return { rows, sanity, missing: [express.missing, koa.missing].filter(Boolean) };
}
