/**
 * The fetch adapter's test app: a plain router as the handler, an auth wrapper after CORS, served
 * on node:http through the bridge. The routes are listed in `@corsica/test-utils`' adapter suite.
 */
import type { CorsOptions, Policy } from '@corsica/core';
import { serveFetch, suiteRoutes } from '@corsica/test-utils';
import type { Started, TestApp } from '@corsica/test-utils';
import { getCorsDecision, withCors } from '../src/index.js';

/** The suite's routes as one fetch handler; anything else is a 404. */
function router(counts: { handler: number }): (request: Request) => Response | Promise<Response> {
  const routes = suiteRoutes(counts);
  return (request) => {
    const { pathname } = new URL(request.url);
    if (pathname === '/ok') return new Response(routes.ok());
    switch (`${request.method} ${pathname}`) {
      case 'GET /error':
        return routes.error();
      case 'GET /async-error':
        return routes.asyncError();
      case 'OPTIONS /app-options':
        return new Response(routes.appOptions());
      case 'GET /vary':
        return new Response(routes.vary(), { headers: { Vary: 'Accept-Encoding' } });
      case 'GET /decision':
        return new Response(routes.decision(getCorsDecision(request)));
      default:
        return new Response('Not Found', { status: 404 });
    }
  };
}

/** Starts the app behind one `withCors` per policy, the first outermost; the conformance kit gives options. */
export async function startApp(...policies: [Policy | CorsOptions, ...(Policy | CorsOptions)[]]): Promise<TestApp> {
  const counts = { handler: 0, auth: 0 };
  const routes = router(counts);
  let handler = (request: Request): Response | Promise<Response> => {
    counts.auth++;
    return routes(request);
  };
  // onError answers nothing: the default 500 is sent, without logging expected test errors
  for (const policy of [...policies].reverse()) handler = withCors(handler, policy, { onError: () => undefined });
  const served = await serveFetch(handler);
  return { baseUrl: served.baseUrl, counts, close: served.close };
}

/** The per-route recipe of the README: each route's handler wrapped on its own. */
export function startPerRoute(publicPolicy: Policy, mainPolicy: Policy): Promise<Started> {
  const feed = withCors(() => new Response('feed'), publicPolicy);
  const ok = withCors(() => new Response('ok'), mainPolicy);
  return serveFetch((request) => (new URL(request.url).pathname === '/public/feed' ? feed : ok)(request));
}
