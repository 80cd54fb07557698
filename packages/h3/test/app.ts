/**
 * The h3 adapter's test app (routes listed in `@corsica/test-utils`' adapter suite), served by
 * node:http through h3's `toNodeHandler` on 127.0.0.1:0.
 */
import http from 'node:http';
import { H3, toNodeHandler } from 'h3';
import type { CorsOptions, Policy } from '@corsica/core';
import { TEST_MAX_HEADER_SIZE, listen } from '@corsica/test-utils';
import type { Started, TestApp } from '@corsica/test-utils';
import { cors } from '../src/index.js';
import { buildApp } from './routes.js';

export { buildApp };

/** Serves an h3 app on node:http, the way `serve()` from h3 does on Node. */
export function serveApp(app: H3): Promise<Started> {
  return listen(http.createServer({ maxHeaderSize: TEST_MAX_HEADER_SIZE }, toNodeHandler(app)));
}

/** Starts the app behind one `cors()` per policy, in order; the shared suite gives compiled policies, the conformance kit options. */
export async function startApp(policies: readonly (Policy | CorsOptions)[]): Promise<TestApp> {
  const counts = { handler: 0, auth: 0 };
  const served = await serveApp(buildApp(policies.map((policy) => cors(policy)), counts));
  return { baseUrl: served.baseUrl, counts, close: served.close };
}

/** The per-route recipe of the README: each policy mounted on its own path with `app.use(path, ...)`. */
export function startPerRoute(publicPolicy: Policy, mainPolicy: Policy): Promise<Started> {
  const app = new H3({ silent: true });
  app.use('/public/**', cors(publicPolicy));
  app.use('/ok', cors(mainPolicy));
  app.get('/public/feed', () => 'feed');
  app.get('/ok', () => 'ok');
  return serveApp(app);
}
