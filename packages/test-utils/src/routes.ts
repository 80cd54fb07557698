/**
 * What the test app's routes do, written once without any framework: each adapter's test app
 * mounts these on its own router and sends the string they return as the body, so only the
 * mounting differs between adapters.
 * @module
 */
import type { ServerResponse } from 'node:http';
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

/**
 * The ways plain Node code replaces `Vary` on a `ServerResponse` after a CORS middleware ran,
 * each making `Vary: Accept-Encoding` the whole value the app asked for, then ending the response
 * with `body`. The Node adapters' test apps serve each at `GET /vary/<way>` (their own framework's
 * ways beside these), and the adapter suite expects `Origin` to survive every one.
 *
 * @example
 * ```ts
 * for (const [way, answer] of Object.entries(NODE_VARY_REPLACEMENTS)) {
 *   app.get(`/vary/${way}`, (_req, res) => answer(res, routes.vary()));
 * }
 * ```
 */
export const NODE_VARY_REPLACEMENTS: Readonly<Record<string, (res: ServerResponse, body: string) => void>> = {
  setHeader: (res, body) => {
    res.setHeader('Vary', 'Accept-Encoding');
    res.end(body);
  },
  'setHeader-lower-case-array': (res, body) => {
    res.setHeader('vary', ['Accept-Encoding']);
    res.end(body);
  },
  setHeaders: (res, body) => {
    res.setHeaders(new Map([['Vary', 'Accept-Encoding']]));
    res.end(body);
  },
  'removeHeader-appendHeader': (res, body) => {
    res.removeHeader('Vary');
    res.appendHeader('Vary', 'Accept-Encoding');
    res.end(body);
  },
  'writeHead-object': (res, body) => {
    res.writeHead(200, { Vary: 'Accept-Encoding', 'Content-Type': 'text/plain' });
    res.end(body);
  },
  'writeHead-array': (res, body) => {
    res.writeHead(200, ['Vary', 'Accept-Encoding', 'Content-Type', 'text/plain']);
    res.end(body);
  },
};
