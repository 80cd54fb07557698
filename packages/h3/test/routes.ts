/**
 * The h3 test app's routes (listed in `@corsica/test-utils`' adapter suite), written once for the
 * Node tests and the bun child (`test/bun-server.ts`), so nothing here loads node:http or vitest.
 */
import { H3 } from 'h3';
import type { H3Config, Middleware } from 'h3';
import { suiteRoutes } from '@corsica/test-utils/routes';

/** The suite's routes, behind the `cors` middlewares (in order) and a counting auth middleware. */
export function buildApp(corsMiddlewares: readonly Middleware[], counts: { handler: number; auth: number }, config: H3Config = {}): H3 {
  // silent: h3 logs every unhandled error, and the suite throws on purpose
  const app = new H3({ silent: true, ...config });
  for (const middleware of corsMiddlewares) app.use(middleware);
  app.use(() => {
    counts.auth++;
  });
  const routes = suiteRoutes(counts);
  app.all('/ok', () => routes.ok());
  app.get('/error', () => routes.error());
  app.get('/async-error', () => routes.asyncError());
  app.options('/app-options', () => routes.appOptions());
  app.get('/vary', (event) => {
    event.res.headers.set('Vary', 'Accept-Encoding');
    return routes.vary();
  });
  app.get('/decision', (event) => routes.decision(event.context.cors));
  return app;
}
