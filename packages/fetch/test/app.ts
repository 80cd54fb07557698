/**
 * The fetch adapter's test app: a plain router as the handler, an auth wrapper after CORS, served
 * on node:http through the bridge. See `support/adapter-suite.ts` for the routes.
 */
import type { CorsOptions, Policy } from '@corsica/core';
import { withCors } from '../src/index.js';
import type { TestApp } from './support/adapter-suite.js';
import { serveFetch } from './support/node-bridge.js';

const OK_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']);

export function router(counts: { handler: number }) {
  return (request: Request): Response | Promise<Response> => {
    const { pathname } = new URL(request.url);
    if (pathname === '/ok' && OK_METHODS.has(request.method)) {
      counts.handler++;
      return new Response('ok');
    }
    if (pathname === '/error' && request.method === 'GET') {
      counts.handler++;
      throw new Error('boom');
    }
    if (pathname === '/async-error' && request.method === 'GET') {
      counts.handler++;
      return Promise.resolve().then(() => {
        throw new Error('async boom');
      });
    }
    if (pathname === '/app-options' && request.method === 'OPTIONS') {
      counts.handler++;
      return new Response('app-options');
    }
    if (pathname === '/vary' && request.method === 'GET') {
      counts.handler++;
      return new Response('ok', { headers: { Vary: 'Accept-Encoding' } });
    }
    return new Response('Not Found', { status: 404 });
  };
}

/** Starts the app; takes a compiled policy (the shared suite) or options (the conformance kit). */
export async function startApp(policy: Policy | CorsOptions): Promise<TestApp> {
  const counts = { handler: 0, auth: 0 };
  const routes = router(counts);
  const authed = (request: Request): Response | Promise<Response> => {
    counts.auth++;
    return routes(request);
  };
  // onError answers nothing: the default 500 is sent, without logging expected test errors
  const served = await serveFetch(withCors(authed, policy, { onError: () => undefined }));
  return { baseUrl: served.baseUrl, counts, close: served.close };
}
