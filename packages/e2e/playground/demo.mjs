#!/usr/bin/env node
/**
 * `npm run demo`: the Corsica playground. Starts an API (one adapter, four policy presets) and
 * a page on another origin, both on this machine only, and prints their addresses.
 *
 *   node packages/e2e/playground/demo.mjs [--adapter express|fastify|hono|koa|fetch]
 *     [--port-page 4310] [--port-api 4311] [--no-open] [--smoke]
 *
 * `--smoke` starts both servers, requests each once from Node, prints OK and exits: a check that
 * the demo works on this machine, for CI. The playground never opens a browser itself.
 * @module
 */
import { parseArgs } from 'node:util';
import { ADAPTER_NAMES } from './adapters.mjs';
import { startApi } from './api.mjs';
import { playgroundConfig, startPage } from './page.mjs';
import { PRESETS } from './presets.mjs';

const HOST = '127.0.0.1';
const DEFAULT_PAGE_PORT = 4310;
const DEFAULT_API_PORT = 4311;

const USAGE = `Corsica playground: try CORS requests from a real browser page and see why they pass or fail.

Usage: npm run demo -- [options]
  --adapter <name>   API framework: ${ADAPTER_NAMES.join(', ')} (default express)
  --port-page <n>    port of the page (default ${DEFAULT_PAGE_PORT}; 0 picks a free one)
  --port-api <n>     port of the API (default ${DEFAULT_API_PORT}; 0 picks a free one)
  --no-open          do not open a browser (the default: open the printed page URL yourself)
  --smoke            start, request each server once from Node, print OK and exit
  --help             show this help`;

/**
 * @param {string} message
 * @returns {never}
 */
function fail(message) {
  console.error(message);
  process.exit(2);
}

/**
 * @param {string | undefined} value
 * @param {string} flag
 * @param {number} fallback
 */
function portOption(value, flag, fallback) {
  if (value === undefined) return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`corsica: ${flag} must be a port number from 0 to 65535, got "${value}"`);
  return port;
}

function readOptions() {
  try {
    return parseArgs({
      options: {
        adapter: { type: 'string' },
        'port-page': { type: 'string' },
        'port-api': { type: 'string' },
        'no-open': { type: 'boolean' },
        smoke: { type: 'boolean' },
        help: { type: 'boolean' },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    return fail(`corsica: ${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
  }
}

const values = readOptions();
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const adapter = values.adapter ?? 'express';
if (!ADAPTER_NAMES.includes(adapter)) fail(`corsica: unknown --adapter "${adapter}"; use one of ${ADAPTER_NAMES.join(', ')}`);
const smoke = values.smoke === true;
// The smoke check must not collide with a playground already running on the default ports.
const pagePort = portOption(values['port-page'], '--port-page', smoke ? 0 : DEFAULT_PAGE_PORT);
const apiPort = portOption(values['port-api'], '--port-api', smoke ? 0 : DEFAULT_API_PORT);

/** @type {unknown} */
let config = {};
let page;
let api;
try {
  page = await startPage({ host: HOST, port: pagePort, config: () => config });
  // The app preset lists the page as http://localhost only: the same page opened from
  // http://127.0.0.1 is another origin, and shows a denial. Traces stay readable from both.
  const pageOrigins = [page.url('localhost')];
  api = await startApi({ adapter, pageOrigins, traceOrigins: [page.url('localhost'), page.url(HOST)], host: HOST, port: apiPort });
  config = playgroundConfig({ adapter, apiPort: api.port, pageOrigins });
} catch (error) {
  await page?.close();
  fail(error instanceof Error ? error.message : String(error));
}
const running = { page: /** @type {import('./page.mjs').RunningPage} */ (page), api: /** @type {import('./api.mjs').RunningApi} */ (api) };

if (smoke) {
  process.exitCode = await smokeCheck();
  await stop();
} else {
  console.log(`Corsica playground, ${adapter} adapter
  Page  ${running.page.url()}   <- open this in a browser
  API   ${running.api.url()}   policy presets at ${PRESETS.map((p) => `/${p.id}`).join(', ')}
The page and the API are different origins, so every request the page sends is a real CORS request.
Both listen on ${HOST} only. Ctrl-C stops them.`);
  let stopping = false;
  /** @param {NodeJS.Signals} signal */
  const onSignal = (signal) => {
    if (stopping) process.exit(130);
    stopping = true;
    console.log(`\n${signal}: stopping the playground...`);
    stop().then(
      () => console.log('stopped.'),
      (error) => {
        console.error('corsica: the playground did not stop cleanly:', error);
        process.exitCode = 1;
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

async function stop() {
  await Promise.all([running.page.close(), running.api.close()]);
}

/** One request to each server, from Node, as the browser would send it. Resolves with an exit code. */
async function smokeCheck() {
  const origin = running.page.url('localhost');
  try {
    const pageResponse = await fetch(`${running.page.url(HOST)}/`);
    const html = await pageResponse.text();
    if (pageResponse.status !== 200 || !html.includes('Corsica playground')) throw new Error(`the page answered ${pageResponse.status} without the playground`);
    const apiResponse = await fetch(`${running.api.url(HOST)}/app/hello`, { headers: { Origin: origin } });
    const body = await apiResponse.text();
    const allowed = apiResponse.headers.get('access-control-allow-origin');
    if (apiResponse.status !== 200 || allowed !== origin) throw new Error(`the API answered ${apiResponse.status} with Access-Control-Allow-Origin ${allowed ?? '(none)'}: ${body}`);
    console.log(`page ${running.page.url()} 200; API ${running.api.url()}/app/hello 200 (${adapter}), Access-Control-Allow-Origin: ${allowed}`);
    console.log('OK');
    return 0;
  } catch (error) {
    console.error(`corsica: smoke check failed: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}
