/**
 * Group 1, part 2: peers that can only be driven through their framework. Each is measured as
 * the difference between the same minimal app with and without CORS (Hono through `app.fetch`,
 * Fastify through `inject`), and Corsica's adapter is measured the same way beside it. The three
 * apps take turns batch by batch, since a difference of two noisy numbers needs fine interleaving.
 */
import fastifyCors from '@fastify/cors';
import Fastify from 'fastify';
import { Hono } from 'hono';
import { cors as honoCors } from 'hono/cors';
import { loadAdapter } from '../lib/adapters.mjs';
import * as fx from '../lib/fixtures.mjs';
import { timeInterleaved } from '../lib/measure.mjs';
import { checkSubject } from '../lib/sanity.mjs';

function honoApp(middleware) {
  const app = new Hono();
  if (middleware) app.use(middleware);
  app.get('/', (c) => c.text('ok'));
  // without CORS, the app answers OPTIONS itself: the cheapest answer a preflight could get
  if (!middleware) app.options('/', (c) => c.body(null, 204));
  return app;
}

async function fastifyApp(register) {
  const app = Fastify({ logger: false });
  if (register) await register(app);
  app.get('/', async () => 'ok');
  if (!register) app.options('/', (request, reply) => reply.code(204).send());
  await app.ready();
  return app;
}

export async function run() {
  const corsicaHono = await loadAdapter('hono');
  const corsicaFastify = await loadAdapter('fastify');
  const rows = [];
  const sanity = [];
  const honoBase = honoApp();
  const fastifyBase = await fastifyApp();

  for (const size of fx.SIZES) {
    const options = fx.corsicaOptions(size);
    const hono = {
      base: honoBase,
      native: honoApp(honoCors(fx.honoCorsOptions(size))),
      corsica: corsicaHono.module ? honoApp(corsicaHono.module.cors(options)) : undefined,
    };
    const fastify = {
      base: fastifyBase,
      native: await fastifyApp((app) => app.register(fastifyCors, fx.fastifyCorsOptions(size))),
      corsica: corsicaFastify.module ? await fastifyApp((app) => app.register(corsicaFastify.module.default ?? corsicaFastify.module.cors, options)) : undefined,
    };

    for (const scenario of fx.SCENARIOS) {
      const shape = fx.scenarioRequest(scenario, size);
      const honoRun = (app) => () => app.fetch(new Request('http://api.example.org/', { method: shape.method, headers: shape.headers }));
      const fastifyRun = (app) => () => app.inject({ method: shape.method, url: '/', headers: shape.headers });
      for (const [framework, apps, runner, peer] of [
        ['hono', hono, honoRun, 'hono/cors (origin function over a Set)'],
        ['fastify', fastify, fastifyRun, '@fastify/cors (origin function over a Set)'],
      ]) {
        const subjects = [
          { id: 'base', label: `${framework} app without CORS`, run: runner(apps.base), async: true },
          { id: 'native', label: peer, run: runner(apps.native), async: true },
        ];
        if (apps.corsica) subjects.push({ id: 'corsica', label: `@corsica/${framework}`, run: runner(apps.corsica), async: true });
        for (const s of subjects) {
          if (s.id === 'base') continue;
          sanity.push(checkSubject(`${framework} ${size} ${scenario} ${s.id}`, scenario, shape, await s.run(), `${framework}-${s.id}`));
        }
        const timed = await timeInterleaved(subjects);
        for (const s of subjects) rows.push({ framework, size, scenario, subject: s.id, label: s.label, ...timed[s.id] });
        const line = subjects.map((s) => `${s.id} ${timed[s.id].ns.toFixed(0)}`).join('  ');
        process.stderr.write(`  ${framework.padEnd(7)} ${String(size).padStart(5)} ${scenario.padEnd(17)} ${line}\n`);
      }
    }
    await fastify.native.close();
    await fastify.corsica?.close();
  }
  await fastifyBase.close();
  return { rows, sanity, missing: [corsicaHono.missing, corsicaFastify.missing].filter(Boolean) };
}
