/**
 * The Nitro recipe of docs/guides/h3.md under real Nitro: app/middleware/cors.ts is the guide's
 * file, verbatim (checked below), next to a few routes. Nitro 3.0.0 builds the app to a
 * node-server output in a temporary folder (scripts/build-app.mjs, in a child process), the
 * output runs with node on 127.0.0.1, and every check is a real HTTP request to it.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expectVary, freePort, preflight, send } from '@corsica/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const LISTED = 'https://app.example.com';
const UNLISTED = 'https://evil.example';
const PACKAGE = fileURLToPath(new URL('../', import.meta.url));

let outDir = '';
let server: ChildProcess | undefined;
let baseUrl = '';
let serverOutput = '';

/** Runs `node args`, resolving when it exits 0; rejects with its output otherwise. */
function run(args: readonly string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: PACKAGE, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`node ${args.join(' ')} exited ${code}:\n${output.slice(-3000)}`))));
  });
}

/** Starts the built server on `port` and resolves once it says it listens. */
function startServer(port: number): Promise<ChildProcess> {
  // Nitro's node-server reads NITRO_PORT before PORT; port 0 would mean its default, 3000
  const env = { ...process.env, NODE_ENV: 'production', NITRO_PORT: String(port), NITRO_HOST: '127.0.0.1' };
  const child = spawn(process.execPath, [join(outDir, '.output', 'server', 'index.mjs')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the Nitro server did not listen within 20 s:\n${serverOutput}`)), 20_000);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      serverOutput += chunk;
      if (serverOutput.includes(`Listening on http://127.0.0.1:${port}`)) {
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (serverOutput += chunk));
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the Nitro server exited (${code}) before listening:\n${serverOutput}`));
    });
  });
}

beforeAll(async () => {
  outDir = mkdtempSync(join(tmpdir(), 'corsica-nitro-'));
  await run([join(PACKAGE, 'scripts', 'build-app.mjs'), outDir], { ...process.env, NODE_ENV: 'production' });
  const port = await freePort();
  server = await startServer(port);
  baseUrl = `http://127.0.0.1:${port}`;
}, 240_000);

afterAll(async () => {
  if (server !== undefined && server.exitCode === null && server.signalCode === null) {
    const exited = new Promise((resolve) => server!.once('exit', resolve));
    server.kill('SIGTERM');
    await exited;
  }
  if (outDir !== '') rmSync(outDir, { recursive: true, force: true });
});

/** How many times GET /items ran in the server. */
async function itemsRuns(): Promise<number> {
  return (JSON.parse((await send(baseUrl, { path: '/runs' })).body) as { items: number }).items;
}

describe('the guide’s Nitro server middleware, in a Nitro 3.0.0 node-server build', () => {
  it('answers a preflight from a listed origin with 204 and the CORS headers, before any route runs', async () => {
    const before = await itemsRuns();
    const res = await send(baseUrl, { method: 'OPTIONS', path: '/items', headers: preflight(LISTED, 'PUT', 'authorization,content-type') });
    expect(res.status).toBe(204);
    expect(res.cors).toEqual({
      'access-control-allow-origin': LISTED,
      'access-control-allow-credentials': 'true',
      'access-control-allow-methods': 'GET, POST, PUT, DELETE',
      'access-control-allow-headers': 'Content-Type, Authorization',
    });
    expectVary(res, ['Origin', 'Access-Control-Request-Method', 'Access-Control-Request-Headers']);
    expect(await itemsRuns()).toBe(before);
  });

  it('refuses a preflight from an unlisted origin with 403 and no CORS headers, before any route runs', async () => {
    const before = await itemsRuns();
    const res = await send(baseUrl, { method: 'OPTIONS', path: '/items', headers: preflight(UNLISTED, 'PUT') });
    expect(res.status).toBe(403);
    expect(res.cors).toEqual({});
    expect(await itemsRuns()).toBe(before);
  });

  it('gives an actual request from a listed origin Access-Control-Allow-Origin and Vary: Origin', async () => {
    const res = await send(baseUrl, { path: '/items', headers: [['Origin', LISTED]] });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ items: [] });
    expect(res.cors).toEqual({ 'access-control-allow-origin': LISTED, 'access-control-allow-credentials': 'true' });
    expectVary(res, ['Origin']);
  });

  it('gives an actual request from an unlisted origin no CORS headers, so the browser keeps the answer from the page', async () => {
    const res = await send(baseUrl, { path: '/items', headers: [['Origin', UNLISTED]] });
    expect(res.cors).toEqual({});
    expectVary(res, ['Origin']);
  });

  it.each([
    { desc: 'Nitro’s 404', path: '/nowhere', status: 404 },
    { desc: 'an HTTPError thrown by a route', path: '/teapot', status: 418 },
    { desc: 'any other error thrown by a route (Nitro’s 500)', path: '/crash', status: 500 },
  ])('keeps the CORS headers on $desc, which Nitro’s error handler answers', async ({ path, status }) => {
    const res = await send(baseUrl, { path, headers: [['Origin', LISTED]] });
    expect(res.status).toBe(status);
    expect(JSON.parse(res.body)).toMatchObject({ error: true, status });
    expect(res.cors).toEqual({ 'access-control-allow-origin': LISTED, 'access-control-allow-credentials': 'true' });
    expectVary(res, ['Origin']);
  });
});

describe('the documentation', () => {
  const middleware = readFileSync(join(PACKAGE, 'app', 'middleware', 'cors.ts'), 'utf8');
  it.each(['docs/guides/h3.md', 'packages/h3/README.md'])('%s shows the middleware file this test builds, verbatim', (page) => {
    const text = readFileSync(join(PACKAGE, '..', '..', page), 'utf8');
    const blocks = [...text.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
    expect(blocks).toContain(middleware);
  });
});
