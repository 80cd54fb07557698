/**
 * Serving the Elysia test app: in this process on Node (`app.handle` behind node:http), or in a
 * real `bun` child process that imports the TypeScript sources (`--conditions=@corsica/source`)
 * and gets its policy as JSON.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Elysia } from 'elysia';
import type { CorsOptions, Policy } from '@corsica/core';
import { serveFetch } from '@corsica/test-utils';
import type { Started, TestApp } from '@corsica/test-utils';
import { buildApp, buildPerRoute } from './app.js';

const BUN = fileURLToPath(new URL('../node_modules/.bin/bun', import.meta.url));
const SERVER = fileURLToPath(new URL('./bun-server.ts', import.meta.url));

/** Serves an Elysia app in this process, on node:http. */
export function serveOnNode(app: Elysia): Promise<Started> {
  return serveFetch((request) => app.handle(request));
}

export async function startOnNode(policies: readonly (Policy | CorsOptions)[]): Promise<TestApp> {
  const counts = { handler: 0, auth: 0 };
  const served = await serveOnNode(buildApp(policies, counts) as unknown as Elysia);
  return { ...served, counts };
}

export function startPerRouteOnNode(publicPolicy: Policy, mainPolicy: Policy): Promise<Started> {
  return serveOnNode(buildPerRoute(publicPolicy, mainPolicy) as unknown as Elysia);
}

/**
 * Starts `test/bun-server.ts` on the real `bun` binary: `app` names the app it serves (`suite`:
 * the suite's routes behind `cors(options)`; `pitfalls`: Elysia's own answers), `options` are the
 * CORS options as JSON. Resolves once the child printed its port; `close` ends its process group.
 */
export function startOnBun(app: 'suite' | 'pitfalls', options: CorsOptions): Promise<Started & { version: string }> {
  const child = spawn(BUN, ['--conditions=@corsica/source', SERVER, app], {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    env: { ...process.env, CORSICA_OPTIONS: JSON.stringify(options) },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const stop = (): Promise<void> =>
    new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return resolve();
      child.once('exit', () => resolve());
      process.kill(-child.pid, 'SIGTERM');
    });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`corsica test setup: bun printed no port within 20 s. Its stderr:\n${stderr.slice(-2000)}`));
    }, 20_000);
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      const newline = stdout.indexOf('\n');
      if (newline === -1) return;
      clearTimeout(timer);
      const info = JSON.parse(stdout.slice(0, newline)) as { port: number; version: string };
      resolve({ baseUrl: `http://127.0.0.1:${info.port}`, version: info.version, close: stop });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`corsica test setup: bun exited (${code}) before listening. Its stderr:\n${stderr.slice(-2000)}`));
    });
  });
}
