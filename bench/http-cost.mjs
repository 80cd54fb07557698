/**
 * Bytes an HTTP server allocates per request, for a framework's variants (no CORS, its usual
 * plugin, Corsica, and another Corsica build named by `BENCH_BEFORE_<FRAMEWORK>`), each the app of
 * the HTTP group (bench/http/apps.mjs) in a child process: V8's sampling heap profiler, counting
 * the objects already collected, over real requests on one kept-alive socket from this process;
 * median of rounds that alternate the variants. Unlike throughput, the figure hardly moves with
 * the machine's load (about 1% between rounds here).
 *
 *   BENCH_BEFORE_EXPRESS=/tmp/before/packages/express/dist/index.js \
 *     node bench/http-cost.mjs express baseline,native,corsica,before [requests=3000] [rounds=5]
 *
 * (Instruction counts under callgrind were tried for the same servers and dropped: over real
 * sockets they moved by up to 15% between runs of one build.) Nothing is written; a table goes to
 * stdout.
 */
import { fork } from 'node:child_process';
import { Agent, request } from 'node:http';
import { median } from './lib/measure.mjs';
import { markdownTable } from './lib/report.mjs';

const WARM_UP = 3000;

/** `count` requests of `traffic` to `port`, one at a time on one kept-alive socket; throws on an unexpected status. */
async function send(port, traffic, count) {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const one = () =>
    new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: '/', method: traffic.method, headers: traffic.headers, agent }, (res) => {
        res.resume();
        res.on('end', () => (traffic.status.includes(res.statusCode) ? resolve() : reject(new Error(`status ${res.statusCode}`))));
      });
      req.on('error', reject);
      req.end();
    });
  for (let i = 0; i < count; i++) await one();
  agent.destroy();
}

function ask(child, message, key) {
  return new Promise((resolve) => {
    const onMessage = (m) => {
      if (m?.[key] === undefined) return;
      child.off('message', onMessage);
      resolve(m[key]);
    };
    child.on('message', onMessage);
    child.send(message);
  });
}

async function alloc(framework, variants, traffics, requests, rounds) {
  const servers = {};
  for (const variant of variants) {
    const child = fork(new URL('./http/server.mjs', import.meta.url), [framework, variant], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    const port = await new Promise((resolve, reject) => child.once('message', (m) => (m.port ? resolve(m.port) : reject(new Error(m.error)))));
    servers[variant] = { child, port };
  }
  const rows = [];
  for (const [name, traffic] of traffics) {
    const bytes = Object.fromEntries(variants.map((v) => [v, []]));
    for (const variant of variants) await send(servers[variant].port, traffic, WARM_UP);
    for (let round = 0; round < rounds; round++) {
      for (let i = 0; i < variants.length; i++) {
        const variant = variants[(i + round) % variants.length];
        const { child, port } = servers[variant];
        await ask(child, 'alloc-start', 'alloc');
        await send(port, traffic, requests);
        bytes[variant].push((await ask(child, 'alloc-stop', 'alloc')) / requests);
      }
    }
    for (const variant of variants) {
      rows.push([framework, name, variant, Math.round(median(bytes[variant])).toLocaleString('en'), bytes[variant].map((b) => Math.round(b)).join(' ')]);
      process.stderr.write(`  ${framework} ${name} ${variant}: ${Math.round(median(bytes[variant]))} bytes/request\n`);
    }
  }
  for (const { child } of Object.values(servers)) child.disconnect();
  return markdownTable(['Framework', 'Traffic', 'Variant', 'Bytes allocated per request (median)', 'Rounds'], rows);
}

const [framework = 'express', variantsArg = 'baseline,native,corsica', requestsArg = '3000', roundsArg = '5'] = process.argv.slice(2);
const { TRAFFIC } = await import('./groups/http.mjs');
const { FRAMEWORKS, beforeBuild } = await import('./http/apps.mjs');
const known = FRAMEWORKS[framework];
if (known === undefined) throw new Error(`unknown framework ${framework}: one of ${Object.keys(FRAMEWORKS).join(', ')}`);
for (const variant of variantsArg.split(',')) {
  if (variant === 'before' ? beforeBuild(framework) === undefined : !known.variants.includes(variant)) {
    throw new Error(`variant ${variant} for ${framework}: one of ${known.variants.join(', ')}, or before with BENCH_BEFORE_${framework.toUpperCase()} naming a build's dist/index.js`);
  }
}
process.stdout.write(`${await alloc(framework, variantsArg.split(','), Object.entries(TRAFFIC), Number(requestsArg), Number(roundsArg))}\n`);
