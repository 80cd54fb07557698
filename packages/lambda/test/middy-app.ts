/**
 * The middy test app: the same routes as the withCors app, as a middy handler with `cors()` as
 * its first middleware, served through the HTTP-to-event bridge.
 */
import middy from '@middy/core';
import type { MiddlewareObj } from '@middy/core';
import { serveLambda, suiteRoutes } from '@corsica/test-utils';
import type { LambdaService, TestApp } from '@corsica/test-utils';
import { getCorsDecision } from '../src/index.js';
import type { LambdaHttpEvent } from '../src/index.js';
import { requestLine } from './app.js';

/** Starts the suite's routes behind `middlewares` (cors first) on `service`. */
export async function startMiddy(service: LambdaService, middlewares: readonly MiddlewareObj[]): Promise<TestApp> {
  const counts = { handler: 0, auth: 0 };
  const routes = suiteRoutes(counts);
  const text = (body: string, headers: Record<string, string> = {}) => ({ statusCode: 200, headers: { 'content-type': 'text/plain', ...headers }, body });
  let handler = middy(async (event: LambdaHttpEvent) => {
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
  });
  for (const middleware of middlewares) handler = handler.use(middleware);
  // the "auth" step, after CORS, as a before middleware
  handler = handler.use({
    before: () => {
      counts.auth++;
    },
  });
  const served = await serveLambda(service, handler as never);
  return { baseUrl: served.baseUrl, counts, close: served.close };
}

/** An error-handling middleware in the way @middy/http-error-handler answers: the error's status and message. */
export const errorAnswer: MiddlewareObj = {
  onError: (request) => {
    if (request.response !== undefined) return;
    const error = request.error as { statusCode?: number; message?: string };
    request.response = { statusCode: error.statusCode ?? 500, headers: { 'content-type': 'text/plain' }, body: error.message ?? '' };
  },
};
