// The same packages from CommonJS TypeScript: `require` resolution, the `.d.cts` declarations.
// Not @corsica/h3: h3 v2 ships ESM only, so CommonJS TypeScript cannot import h3's types at all
// (TS1479); its CommonJS build still loads with require() (load.cjs), and ESM TypeScript uses it.
import core = require('@corsica/core');
import fetchAdapter = require('@corsica/fetch');
import expressAdapter = require('@corsica/express');
import fastifyAdapter = require('@corsica/fastify');
import honoAdapter = require('@corsica/hono');
import koaAdapter = require('@corsica/koa');
import lambdaAdapter = require('@corsica/lambda');
import middyAdapter = require('@corsica/lambda/middy');
import nextAdapter = require('@corsica/next');
import elysiaAdapter = require('@corsica/elysia');
import conformance = require('@corsica/conformance');
import cli = require('@corsica/cli');

const policy: core.Policy = core.createPolicy({ origin: 'https://app.example.com', methods: ['GET', 'POST'] });
const decision: core.Decision = policy.decide({ method: 'GET', origin: 'https://app.example.com' });

export = {
  allowed: decision.allowed,
  handler: fetchAdapter.withCors(() => new Response('ok'), policy),
  express: expressAdapter.cors(policy),
  fastify: fastifyAdapter.cors,
  hono: honoAdapter.cors(policy),
  koa: koaAdapter.cors(policy),
  lambda: lambdaAdapter.withCors(async (_event: import('aws-lambda').APIGatewayProxyEvent) => ({ statusCode: 200, body: 'ok' }), policy),
  middy: middyAdapter.cors(policy),
  proxy: nextAdapter.corsProxy(policy),
  elysia: elysiaAdapter.cors(policy),
  policies: Object.keys(conformance.STANDARD_POLICIES),
  nginx: cli.exportNginx(policy).http,
};
