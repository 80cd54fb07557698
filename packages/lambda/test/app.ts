/**
 * The Lambda adapter's test app: one handler routing the adapter suite's paths, an "auth" step
 * after CORS, wrapped by `withCors` and served through the HTTP-to-event bridge of
 * `@corsica/test-utils`, which plays API Gateway, a Function URL or ALB in front of it.
 */
import type { CorsOptions, Policy } from '@corsica/core';
import { serveLambda, suiteRoutes } from '@corsica/test-utils';
import type { LambdaService, Started, TestApp } from '@corsica/test-utils';
import { getCorsDecision, withCors } from '../src/index.js';
import type { LambdaHttpEvent } from '../src/index.js';

type Result = { statusCode: number; headers?: Record<string, string>; body: string };

/** Method and path of any of the four event shapes. */
export function requestLine(event: LambdaHttpEvent): { method: string; path: string } {
  if ('httpMethod' in event) return { method: event.httpMethod, path: event.path };
  return { method: event.requestContext.http.method, path: event.rawPath };
}

/**
 * The adapter suite's routes as a Lambda handler (the withCors app and the middy app share it).
 * `GET /http-error` throws an error with `statusCode` 401, as middy's http-errors do.
 */
export function suiteHandler(counts: { handler: number; auth: number }): (event: LambdaHttpEvent) => Promise<Result> {
  const routes = suiteRoutes(counts);
  const text = (body: string, headers: Record<string, string> = {}): Result => ({ statusCode: 200, headers: { 'content-type': 'text/plain', ...headers }, body });
  return async (event) => {
    const { method, path } = requestLine(event);
    if (path === '/ok') return text(routes.ok());
    switch (`${method} ${path}`) {
      case 'GET /error':
        return routes.error();
      case 'GET /async-error':
        return routes.asyncError();
      case 'OPTIONS /app-options':
        return text(routes.appOptions());
      case 'GET /vary':
        return text(routes.vary(), { Vary: 'Accept-Encoding' });
      case 'GET /decision':
        return text(routes.decision(getCorsDecision(event)));
      case 'GET /http-error':
        throw Object.assign(new Error('sign in first'), { statusCode: 401 });
      default:
        return { statusCode: 404, headers: { 'content-type': 'text/plain' }, body: 'Not Found' };
    }
  };
}

/** Starts the app on `service` behind one `withCors` per policy, the first outermost. */
export async function startApp(service: LambdaService, ...policies: [Policy | CorsOptions, ...(Policy | CorsOptions)[]]): Promise<TestApp> {
  const counts = { handler: 0, auth: 0 };
  const routes = suiteHandler(counts);
  // the "auth" step, after CORS
  let handler: (event: LambdaHttpEvent) => Promise<unknown> = (event) => {
    counts.auth++;
    return routes(event);
  };
  // onError answers nothing: the default 500 is sent, without logging expected test errors
  for (const policy of [...policies].reverse()) handler = withCors(handler as (event: LambdaHttpEvent) => Promise<Result>, policy as CorsOptions, { onError: () => undefined });
  const served = await serveLambda(service, handler);
  return { baseUrl: served.baseUrl, counts, close: served.close };
}

/** The per-route recipe of the README: each route's handler wrapped on its own. */
export function startPerRoute(service: LambdaService, publicPolicy: Policy, mainPolicy: Policy): Promise<Started> {
  const feed = withCors(async (_event: LambdaHttpEvent) => ({ statusCode: 200, body: 'feed' }), publicPolicy);
  const ok = withCors(async (_event: LambdaHttpEvent) => ({ statusCode: 200, body: 'ok' }), mainPolicy);
  return serveLambda(service, (event: LambdaHttpEvent) => (requestLine(event).path === '/public/feed' ? feed : ok)(event));
}
