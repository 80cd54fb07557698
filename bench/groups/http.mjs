/**
 * Group 3: HTTP throughput per framework with autocannon on 127.0.0.1. For each framework the
 * baseline, native-plugin and Corsica servers run side by side in child processes; runs alternate
 * between them (the starting one rotating), several times per setting, and each figure is the
 * median.
 */
import { fork } from 'node:child_process';
import { request } from 'node:http';
import autocannon from 'autocannon';
import { FRAMEWORKS, HTTP_SIZE, beforeBuild } from '../http/apps.mjs';
import * as fx from '../lib/fixtures.mjs';
import { QUICK, median } from '../lib/measure.mjs';
import { checkSubject } from '../lib/sanity.mjs';

// autocannon counts time in whole seconds (a 0.5 s run lasts 1 s), so durations are integers
const SECONDS = Math.max(1, Math.ceil(Number(process.env.BENCH_HTTP_SECONDS ?? 1)));
const WARMUP_SECONDS = Math.max(1, Math.ceil(Number(process.env.BENCH_HTTP_WARMUP ?? 1)));
const REPEATS = Number(process.env.BENCH_HTTP_REPEATS ?? (QUICK ? 1 : 5));
const CONNECTIONS = (process.env.BENCH_HTTP_CONNECTIONS ?? '10,100').split(',').map(Number);
const ONLY = process.env.BENCH_HTTP_FRAMEWORKS?.split(',');

const origin = fx.allowedOrigin(HTTP_SIZE);
export const TRAFFIC = {
  simple: { method: 'GET', headers: { origin }, status: [200], scenario: 'allowed actual' },
  preflight: {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': fx.PREFLIGHT_METHOD, 'access-control-request-headers': fx.PREFLIGHT_HEADERS },
    status: [204, 200],
    scenario: 'allowed preflight',
  },
};

function startServer(framework, variant) {
  return new Promise((resolve, reject) => {
    const child = fork(new URL('../http/server.mjs', import.meta.url), [framework, variant], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    child.once('message', (m) => (m.port ? resolve({ child, port: m.port }) : reject(new Error(m.error))));
    child.once('exit', (code) => reject(new Error(`${framework}/${variant} server exited with ${code}`)));
  });
}

function stopServer(server) {
  return new Promise((resolve) => {
    if (server.child.exitCode !== null) return resolve();
    server.child.once('exit', resolve);
    server.child.disconnect();
  });
}

/** One real request, to check the server answers this traffic as its variant should. */
function probe(port, traffic) {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/', method: traffic.method, headers: traffic.headers }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** The server's CPU time so far, in microseconds. */
function cpuOf(server) {
  return new Promise((resolve) => {
    const onMessage = (m) => {
      if (m.cpu === undefined) return;
      server.child.off('message', onMessage);
      resolve(m.cpu);
    };
    server.child.on('message', onMessage);
    server.child.send('cpu');
  });
}

async function load(server, traffic, connections, seconds) {
  const cpuBefore = await cpuOf(server);
  const result = await autocannon({ url: `http://127.0.0.1:${server.port}/`, method: traffic.method, headers: traffic.headers, connections, duration: seconds, pipelining: 1 });
  const cpu = (await cpuOf(server)) - cpuBefore;
  return {
    rps: result.requests.total / result.duration,
    cpuPerRequest: cpu / Math.max(1, result.requests.total),
    bad: result.non2xx + result.errors + result.timeouts,
  };
}

export async function run() {
  const rows = [];
  const sanity = [];
  const missing = [];
  const frameworks = Object.entries(FRAMEWORKS).filter(([name]) => !ONLY || ONLY.includes(name));
  for (const [framework, spec] of frameworks) {
    const servers = {};
    // BENCH_BEFORE_<FRAMEWORK>: another Corsica build alternates with the installed one
    const wanted = beforeBuild(framework) === undefined || !['express', 'fastify', 'koa'].includes(framework) ? spec.variants : [...spec.variants, 'before'];
    for (const variant of wanted) {
      try {
        servers[variant] = await startServer(framework, variant);
      } catch (error) {
        const why = `${framework}/${variant}: ${String(error.message).split('\n')[0].slice(0, 200)}`;
        missing.push(why);
        process.stderr.write(`  http ${why} (left out)\n`);
      }
    }
    const variants = wanted.filter((v) => servers[v]);
    if (!servers.baseline || !servers.corsica) {
      for (const s of Object.values(servers)) await stopServer(s);
      continue;
    }
    for (const [trafficName, traffic] of Object.entries(TRAFFIC)) {
      for (const variant of variants) {
        const answer = await probe(servers[variant].port, traffic);
        const okStatus = traffic.status.includes(answer.status);
        const check = variant === 'baseline' ? { ok: true, problems: [] } : checkSubject('', traffic.scenario, traffic, answer, variant);
        sanity.push({ name: `http ${framework} ${trafficName} ${variant}`, subject: `${framework}-${variant}`, ok: okStatus && check.ok, problems: [...(okStatus ? [] : [`status ${answer.status}`]), ...check.problems] });
        await load(servers[variant], traffic, 10, WARMUP_SECONDS);
      }
      for (const connections of CONNECTIONS) {
        const runs = Object.fromEntries(variants.map((v) => [v, []]));
        const cpu = Object.fromEntries(variants.map((v) => [v, []]));
        let bad = 0;
        for (let r = 0; r < REPEATS; r++) {
          // rotate the starting variant so no variant always runs first (or after a given one)
          const order = variants.map((_, i) => variants[(i + r) % variants.length]);
          for (const variant of order) {
            const result = await load(servers[variant], traffic, connections, SECONDS);
            runs[variant].push(result.rps);
            cpu[variant].push(result.cpuPerRequest);
            bad += result.bad;
          }
        }
        for (const variant of variants) {
          rows.push({
            framework,
            traffic: trafficName,
            connections,
            variant,
            label: variant === 'native' ? spec.native : variant === 'corsica' ? `@corsica/${framework}` : variant === 'before' ? `@corsica/${framework} (before)` : 'no CORS',
            rps: Math.round(median(runs[variant])),
            runs: runs[variant].map(Math.round),
            cpuUsPerRequest: Math.round(median(cpu[variant]) * 100) / 100,
            cpuRuns: cpu[variant].map((x) => Math.round(x * 100) / 100),
          });
        }
        const line = variants.map((v) => `${v} ${Math.round(median(runs[v]))}`).join('  ');
        process.stderr.write(`  http ${framework.padEnd(7)} ${trafficName.padEnd(9)} c=${String(connections).padEnd(3)} ${line}${bad ? `  (${bad} bad responses)` : ''}\n`);
        if (bad) sanity.push({ name: `http ${framework} ${trafficName} c=${connections}`, subject: framework, ok: false, problems: [`${bad} non-2xx/errors/timeouts under load`] });
      }
    }
    for (const s of Object.values(servers)) await stopServer(s);
  }
  return { rows, sanity, missing, settings: { seconds: SECONDS, warmupSeconds: WARMUP_SECONDS, repeats: REPEATS, connections: CONNECTIONS, allowlist: HTTP_SIZE } };
}
