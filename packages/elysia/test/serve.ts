/**
 * Serving the Elysia test app: in this process on Node (`app.handle` behind node:http), or in a
 * real `bun` child process that imports the TypeScript sources (`--conditions=@corsica/source`)
 * and gets its policy as JSON.
 */
import { fileURLToPath } from 'node:url';
import type { Elysia } from 'elysia';
import type { CorsOptions, Policy } from '@corsica/core';
import { serveFetch, startChildServer } from '@corsica/test-utils';
import type { Started, StartedChild, TestApp } from '@corsica/test-utils';
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
 * CORS options as JSON.
 */
export function startOnBun(app: 'suite' | 'pitfalls', options: CorsOptions): Promise<StartedChild> {
  return startChildServer(BUN, ['--conditions=@corsica/source', SERVER, app], { cwd: fileURLToPath(new URL('..', import.meta.url)), env: { CORSICA_OPTIONS: JSON.stringify(options) } });
}
