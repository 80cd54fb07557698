/**
 * `pnpm bench`: runs every benchmark group in its own process, then writes
 * `results/latest.json`, prints the tables, and regenerates the charts and the tables of
 * docs/benchmarks.md from that JSON.
 *
 * Environment: BENCH_QUICK=1 (smoke run), BENCH_GROUPS=core,http (a subset; other groups are
 * kept from the previous latest.json), BENCH_MICRO_MS, BENCH_ROUNDS, BENCH_HTTP_SECONDS,
 * BENCH_HTTP_REPEATS, BENCH_HTTP_CONNECTIONS, BENCH_HTTP_FRAMEWORKS, BENCH_NO_PROFILE=1.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { render } from './charts.mjs';
import { analyzeAdversarial, analyzeAsync, analyzeCore, analyzeFrameworks, analyzeGuard, analyzeHttp, targets } from './lib/analyze.mjs';
import { TRAFFIC } from './groups/http.mjs';
import { profileScenario, profileServer } from './lib/cpuprofile.mjs';
import { BUDGET_MS, CORE_ROUNDS, FINE_ROUNDS, QUICK, ROUNDS } from './lib/measure.mjs';
import * as report from './lib/report.mjs';

const ALL_GROUPS = ['core', 'frameworks', 'builtin', 'adversarial', 'async', 'guard', 'http'];
const ANALYZE = { core: analyzeCore, frameworks: analyzeFrameworks, builtin: analyzeFrameworks, adversarial: analyzeAdversarial, async: analyzeAsync, guard: analyzeGuard, http: analyzeHttp };
const RESULTS = fileURLToPath(new URL('./results/latest.json', import.meta.url));
const selected = process.env.BENCH_GROUPS ? process.env.BENCH_GROUPS.split(',') : ALL_GROUPS;

function runGroup(group) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [fileURLToPath(new URL('./lib/child.mjs', import.meta.url)), group], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.on('exit', (code) => {
      const last = out.trim().split('\n').pop();
      try {
        resolve(code === 0 ? JSON.parse(last) : { error: `exited with code ${code}` });
      } catch (error) {
        resolve({ error: `unreadable output (${error.message})` });
      }
    });
  });
}

/** Pretty JSON that keeps each flat record on one line: short, and diffs stay readable. */
function compactJson(value, indent = '') {
  const flat = (v) => v === null || typeof v !== 'object' || (Array.isArray(v) && v.every((x) => x === null || typeof x !== 'object'));
  if (flat(value)) return JSON.stringify(value);
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    return `[\n${value.map((v) => inner + compactJson(v, inner)).join(',\n')}\n${indent}]`;
  }
  const entries = Object.entries(value).filter(([, v]) => v !== undefined);
  if (entries.every(([, v]) => flat(v))) return JSON.stringify(Object.fromEntries(entries));
  return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${compactJson(v, inner)}`).join(',\n')}\n${indent}}`;
}

const started = performance.now();
const previous = existsSync(RESULTS) ? JSON.parse(readFileSync(RESULTS, 'utf8')) : undefined;
const machine = {
  cpu: os.cpus()[0]?.model?.trim() ?? 'unknown',
  cores: os.cpus().length,
  memoryGB: Math.round(os.totalmem() / 2 ** 30),
  node: process.version,
  v8: process.versions.v8,
  platform: os.platform(),
  release: os.release(),
  arch: os.arch(),
  loadAverage: os.loadavg().map((x) => Math.round(x * 100) / 100),
};
process.stderr.write(`corsica bench: ${machine.cpu}, ${machine.cores} cores, node ${machine.node}, load ${machine.loadAverage.join(' ')}${QUICK ? ' (QUICK)' : ''}\n`);

const groups = {};
const raw = {};
const missing = [];
const sanity = [];
const errors = [];
const groupSeconds = {};
/** When each group's figures were measured: groups kept from an earlier run keep their time. */
const groupRunAt = {};
for (const group of ALL_GROUPS) {
  if (!selected.includes(group)) {
    if (previous?.groups?.[group]) {
      groups[group] = previous.groups[group];
      groupRunAt[group] = previous.groupRunAt?.[group] ?? previous.generatedAt;
    }
    continue;
  }
  groupRunAt[group] = new Date().toISOString();
  process.stderr.write(`\n[${group}]\n`);
  const groupStarted = performance.now();
  const result = await runGroup(group);
  groupSeconds[group] = Math.round((performance.now() - groupStarted) / 100) / 10;
  process.stderr.write(`  (${groupSeconds[group]} s)\n`);
  if (result.error) {
    errors.push(`${group}: ${result.error}`);
    process.stderr.write(`  ${group} failed: ${result.error}\n`);
    continue;
  }
  raw[group] = result;
  groups[group] = ANALYZE[group](result);
  missing.push(...(result.missing ?? []));
  sanity.push(...(result.sanity ?? []));
}

const results = {
  schema: 1,
  generatedAt: new Date().toISOString(),
  durationSeconds: 0,
  groupSeconds,
  groupRunAt,
  quick: QUICK,
  machine,
  settings: { micro: { budgetMs: BUDGET_MS, rounds: ROUNDS, coreRounds: CORE_ROUNDS, frameworkRounds: FINE_ROUNDS }, http: raw.http?.settings ?? previous?.settings?.http },
  missing,
  sanityChecks: sanity.length,
  sanityFailures: sanity.filter((s) => !s.ok),
  errors,
  targets: [],
  groups,
  // a run without profiling keeps the last run's profiles, so the doc does not lose them
  profiles: process.env.BENCH_NO_PROFILE === '1' ? (previous?.profiles ?? []) : [],
};
results.targets = targets(groups);

// A missed core target comes with the profile of the path that missed it.
if (process.env.BENCH_NO_PROFILE !== '1') {
  const missed = new Set(results.targets.filter((t) => !t.met).map((t) => t.id));
  const wanted = [];
  if (missed.has('core-vs-cors-actual')) wanted.push(['allowed actual', 10]);
  if (missed.has('core-vs-cors-preflight')) wanted.push(['allowed preflight', 10]);
  if (missed.has('core-scale')) {
    const worst = results.targets.find((t) => t.id === 'core-scale').checks.reduce((a, b) => (b.ratio > a.ratio ? b : a));
    wanted.push([worst.scenario, 10000]);
  }
  for (const [scenario, size] of wanted) {
    process.stderr.write(`\n[profile] ${scenario}, ${size} origins (node --cpu-prof)\n`);
    results.profiles.push(profileScenario(scenario, size, QUICK ? 0.5 : 2));
  }
  // The HTTP case furthest below its baseline: where the server's CPU goes, Corsica's share included.
  if ((missed.has('http-vs-baseline') || missed.has('http-vs-native')) && groups.http) {
    const worst = groups.http.rows.filter((r) => r.variant === 'corsica').reduce((a, b) => (b.vsBaseline < a.vsBaseline ? b : a));
    process.stderr.write(`\n[profile] ${worst.framework} server with Corsica, ${worst.traffic} traffic (node --cpu-prof)\n`);
    try {
      results.profiles.push(await profileServer(worst.framework, worst.traffic, TRAFFIC[worst.traffic], QUICK ? 1 : 3));
    } catch (error) {
      errors.push(`server profile: ${error.message}`);
    }
  }
}

results.durationSeconds = Math.round((performance.now() - started) / 1000);
mkdirSync(fileURLToPath(new URL('./results/', import.meta.url)), { recursive: true });
writeFileSync(RESULTS, `${compactJson(results)}\n`);

const print = (title, table) => process.stdout.write(`\n## ${title}\n\n${table}\n`);
print('Machine', report.machineTable(results));
print('Targets', report.targetsTable(results));
for (const t of report.coreTables(results)) print(`Core: ${t.title}`, t.table);
if (groups.frameworks) print('Hono and Fastify: CORS share of a request', report.frameworksTable(results));
if (groups.builtin) print('The frameworks\' own CORS: CORS share of a request', report.frameworksTable(results, 'builtin'));
if (groups.adversarial) print('Hostile inputs', report.adversarialTable(results));
for (const t of report.asyncTables(results)) print('Async resolver', t);
if (groups.guard) print('Origin guard', report.guardTable(results));
if (groups.http) print('HTTP throughput', report.httpTable(results));
for (const t of report.profileTables(results)) print(`CPU profile: ${t.title}`, t.table);
for (const line of report.problemsList(results)) process.stdout.write(`${line}\n`);

const written = render(results);
process.stdout.write(`\nwrote bench/results/latest.json, ${written.join(', ')} in ${results.durationSeconds} s\n`);

// Hard failures: a benchmark that measured a broken Corsica path, or a resolver called twice.
const corsicaBroken = results.sanityFailures.filter((s) => String(s.subject).includes('corsica'));
const flight = results.targets.find((t) => t.id === 'single-flight');
if (corsicaBroken.length || (flight && !flight.met) || errors.length) process.exitCode = 1;
