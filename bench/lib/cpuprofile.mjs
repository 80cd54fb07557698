/**
 * Runs profile.mjs under `node --cpu-prof` and summarizes the profile: self time per function,
 * highest first, so a missed target comes with the function to fix.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('../profile.mjs', import.meta.url));
const PACKAGES = fileURLToPath(new URL('../../packages/', import.meta.url));

/**
 * Where a function of a built Corsica package is defined in its TypeScript sources
 * (`core/src/file.ts:line`), found by name, so the lead sees the source to change rather than a
 * line of dist/index.js.
 */
function sourceOf(fn, pkg) {
  const name = fn.split('.').pop();
  const dir = join(PACKAGES, pkg, 'src');
  if (!name || name.startsWith('(') || !existsSync(dir)) return undefined;
  const pattern = new RegExp(`^\\s*(?:export\\s+)?(?:async\\s+)?(?:function\\s+${name}\\b|(?:readonly\\s+|private\\s+|static\\s+)*${name}\\s*[(:=<]|(?:const|let)\\s+${name}\\s*=)`);
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.includes('.test'))) {
    const lines = readFileSync(join(dir, file), 'utf8').split('\n');
    const i = lines.findIndex((l) => pattern.test(l));
    if (i >= 0) return `${pkg}/src/${file}:${i + 1}`;
  }
  return undefined;
}

/** Self-time shares of the top `limit` functions of one `.cpuprofile`. */
export function summarize(profile, limit = 10) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    const frame = byId.get(id).callFrame;
    // waiting is not work
    if (frame.functionName === '(idle)') return;
    const file = frame.url ? frame.url.replace(/^file:\/\//, '').split('/').slice(-3).join('/') : '';
    const pkg = /\/packages\/([^/]+)\/dist\//.exec(frame.url)?.[1] ?? '';
    const key = `${frame.functionName || '(anonymous)'}\u0000${file ? `${file}:${frame.lineNumber + 1}` : '(native)'}\u0000${pkg}`;
    self.set(key, (self.get(key) ?? 0) + dt);
    total += dt;
  });
  return [...self]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([key, t]) => {
      const [fn, where, pkg] = key.split('\u0000');
      const source = pkg ? sourceOf(fn, pkg) : undefined;
      return { fn, where: source ?? where, percent: Math.round((1000 * t) / total) / 10 };
    });
}

/** Profiles Corsica's core path for `scenario` with `size` origins. */
export function profileScenario(scenario, size, seconds = 2) {
  const dir = mkdtempSync(join(tmpdir(), 'corsica-prof-'));
  try {
    execFileSync(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${dir}`, SCRIPT, scenario, String(size), String(seconds)], { stdio: ['ignore', 'ignore', 'inherit'] });
    const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
    return { scenario, size, top: summarize(JSON.parse(readFileSync(join(dir, file), 'utf8'))) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Which code a profile frame belongs to, for the server profiles. */
function ownerOf(url) {
  if (!url) return 'V8 / native';
  if (url.includes('/packages/') && url.includes('/dist/')) return 'Corsica (packages/*/dist)';
  if (url.startsWith('node:')) return 'Node.js core';
  if (url.includes('/node_modules/')) return 'framework and other dependencies';
  return 'benchmark app';
}

/**
 * Profiles the Corsica server of one framework under autocannon load: the top functions by self
 * time, and how the server's CPU splits between Corsica, the framework, Node and V8.
 */
export async function profileServer(framework, trafficName, traffic, seconds = 3, variant = 'corsica') {
  const { fork } = await import('node:child_process');
  const { default: autocannon } = await import('autocannon');
  const dir = mkdtempSync(join(tmpdir(), 'corsica-prof-'));
  try {
    const child = fork(fileURLToPath(new URL('../http/server.mjs', import.meta.url)), [framework, variant], { execArgv: ['--cpu-prof', `--cpu-prof-dir=${dir}`], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    const port = await new Promise((resolve, reject) => {
      child.once('message', (m) => (m.port ? resolve(m.port) : reject(new Error(m.error))));
      child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
    });
    await autocannon({ url: `http://127.0.0.1:${port}/`, method: traffic.method, headers: traffic.headers, connections: 10, duration: seconds });
    await new Promise((resolve) => {
      child.once('exit', resolve);
      child.disconnect();
    });
    const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
    const profile = JSON.parse(readFileSync(join(dir, file), 'utf8'));
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    const owners = new Map();
    let total = 0;
    let idle = 0;
    profile.samples.forEach((id, i) => {
      const dt = profile.timeDeltas[i] ?? 0;
      const frame = byId.get(id).callFrame;
      if (frame.functionName === '(idle)') {
        idle += dt;
        return;
      }
      const owner = ownerOf(frame.url);
      owners.set(owner, (owners.get(owner) ?? 0) + dt);
      total += dt;
    });
    const busy = { ...profile, samples: [], timeDeltas: [] };
    profile.samples.forEach((id, i) => {
      if (byId.get(id).callFrame.functionName !== '(idle)') {
        busy.samples.push(id);
        busy.timeDeltas.push(profile.timeDeltas[i] ?? 0);
      }
    });
    const corsicaOnly = { ...profile, samples: [], timeDeltas: [] };
    profile.samples.forEach((id, i) => {
      if (ownerOf(byId.get(id).callFrame.url).startsWith('Corsica')) {
        corsicaOnly.samples.push(id);
        corsicaOnly.timeDeltas.push(profile.timeDeltas[i] ?? 0);
      }
    });
    const pct = (x) => Math.round((1000 * x) / total) / 10;
    return {
      scenario: `${framework} server${variant === 'corsica' ? ' with Corsica' : ` (${variant})`}, ${trafficName} traffic (busy CPU only)`,
      framework,
      traffic: trafficName,
      split: [...owners].sort((a, b) => b[1] - a[1]).map(([owner, t]) => ({ owner, percent: pct(t) })),
      idlePercent: Math.round((1000 * idle) / (idle + total)) / 10,
      top: summarize(busy, 8),
      corsicaTop: corsicaOnly.samples.length ? summarize(corsicaOnly, 6).map((t) => ({ ...t, percent: Math.round(((t.percent / 100) * pct(owners.get('Corsica (packages/*/dist)') ?? 0)) * 10) / 10 })) : [],
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
