/**
 * The middy test app: the same routes as the withCors app, as a middy handler with `cors()` as
 * its first middleware, served through the HTTP-to-event bridge.
 */
import middy from '@middy/core';
import type { MiddlewareObj } from '@middy/core';
import { serveLambda } from '@corsica/test-utils';
import type { LambdaService, TestApp } from '@corsica/test-utils';
import { suiteHandler } from './app.js';

/** Starts the suite's routes behind `middlewares` (cors first) on `service`. */
export async function startMiddy(service: LambdaService, middlewares: readonly MiddlewareObj[]): Promise<TestApp> {
  const counts = { handler: 0, auth: 0 };
  let handler = middy(suiteHandler(counts));
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
