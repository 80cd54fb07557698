/**
 * What the test app's routes do, written once without any framework: each adapter's test app
 * mounts these on its own router and sends the string they return as the body, so only the
 * mounting differs between adapters.
 * @module
 */
import type { Decision } from '@corsica/core';

/** The route behaviours the adapter suite expects (see `adapter-suite.ts` for the paths). */
export interface SuiteRoutes {
  /** `/ok`, every method: `ok`. */
  ok(): string;
  /** `GET /error`: throws synchronously. */
  error(): never;
  /** `GET /async-error`: rejects after an `await`. */
  asyncError(): Promise<never>;
  /** `OPTIONS /app-options`, the app's own OPTIONS route: `app-options`. */
  appOptions(): string;
  /** `GET /vary`: `ok`; the app sets `Vary: Accept-Encoding` itself, in its framework's way. */
  vary(): string;
  /** `GET /decision`: the decision the adapter exposes to the app (`req.cors`, `c.get('cors')`...), as JSON. */
  decision(exposed: Decision | null | undefined): string;
}

/**
 * The route behaviours, each counting its calls in `counts.handler`.
 *
 * @example
 * ```ts
 * const routes = suiteRoutes(counts);
 * app.get('/error', routes.error);
 * app.options('/app-options', (c) => c.text(routes.appOptions()));
 * ```
 */
export function suiteRoutes(counts: { handler: number }): SuiteRoutes {
  const counted = <A extends unknown[], R>(answer: (...args: A) => R) => (...args: A): R => {
    counts.handler += 1;
    return answer(...args);
  };
  return {
    ok: counted(() => 'ok'),
    error: counted((): never => {
      throw new Error('boom');
    }),
    asyncError: counted(async (): Promise<never> => {
      await Promise.resolve();
      throw new Error('async boom');
    }),
    appOptions: counted(() => 'app-options'),
    vary: counted(() => 'ok'),
    decision: counted((exposed: Decision | null | undefined) => JSON.stringify(exposed ?? null)),
  };
}
