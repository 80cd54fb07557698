/**
 * `@corsica/express`: Corsica as connect-style middleware for Express 4 and 5, and for plain
 * `node:http` servers. The core decides; this file only reads the request and writes the answer.
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { applyCorsHeaders, createPolicy, factsFromNodeRequest, isPolicy, recordDecision } from '@corsica/core';
import type { CorsOptions, CredentialsGuard, Decision, Policy, RequestFacts } from '@corsica/core';

declare global {
  // Express declares its request type in this global namespace; merging here types `req.cors`.
  namespace Express {
    interface Request {
      /** The CORS decision Corsica took for this request (set by `@corsica/express`). */
      cors?: Decision;
    }
  }
}

/**
 * A Node request as this middleware sees it: `req.cors` holds the decision once it ran.
 *
 * @example
 * ```ts
 * http.createServer((req: CorsRequest, res) => withCors(req, res, () => res.end(req.cors?.reason)));
 * ```
 */
export type CorsRequest = IncomingMessage & { cors?: Decision };

/**
 * Connect-style middleware: fits `app.use()` in Express 4 and 5, and any `node:http` handler that
 * passes a `next` callback (called with an error only when an asynchronous decision could not be
 * written).
 *
 * @example
 * ```ts
 * const withCors: CorsMiddleware = cors({ origin: 'https://app.example.com' });
 * app.use(withCors);
 * ```
 */
export type CorsMiddleware = (req: CorsRequest, res: ServerResponse, next: (error?: unknown) => void) => void;

const STACKED =
  'corsica: this cors() middleware met a request another Corsica middleware had already decided, so it left the response alone. ' +
  "Mount route-specific middleware before the global one (app.use('/public', cors(publicPolicy)) before app.use(cors(mainPolicy))) and mount each one once.";

// Where each request was decided (Express's mount path), to tell the documented per-route
// recipe (path-specific middleware first, global after) from a misordered or doubled stack.
const decidedAt = new WeakMap<object, string>();

/** Express's `req.baseUrl`; empty at the root and in plain `node:http`. */
function mountPath(req: object): string {
  const { baseUrl } = req as { baseUrl?: unknown };
  return typeof baseUrl === 'string' ? baseUrl : '';
}

/**
 * Creates CORS middleware from options (compiled once, here, so a bad configuration throws a
 * `CorsConfigError` at startup) or from a policy made with `createPolicy`.
 *
 * Preflights are answered by the middleware itself (the app and any auth middleware after it
 * never run); every other request gets its CORS headers before `next()`, so they survive
 * errors and 404s. The decision is exposed as `req.cors`.
 *
 * @example
 * ```ts
 * import express from 'express';
 * import { cors } from '@corsica/express';
 *
 * const app = express();
 * app.use(cors({ origin: ['https://app.example.com'], credentials: true, methods: ['GET', 'PUT'] }));
 * app.put('/items/:id', (req, res) => res.json({ corsAllowed: req.cors?.allowed }));
 * ```
 * @see https://fetch.spec.whatwg.org/#http-cors-protocol
 */
export function cors(policy: Policy): CorsMiddleware;
export function cors<const T extends CorsOptions>(options: T & CredentialsGuard<T>): CorsMiddleware;
export function cors(input: CorsOptions | Policy): CorsMiddleware {
  const policy = isPolicy(input) ? input : createPolicy(input as CorsOptions);
  // A compiled policy keeps its onError to itself: reports then go to the console.
  const onError = isPolicy(input) ? undefined : input.onError;
  let warned = false;

  const answer = (req: CorsRequest, res: ServerResponse, next: (error?: unknown) => void, decision: Decision): void => {
    if (recordDecision(req, decision) !== undefined) {
      // Reported once per middleware, not per request, so a misconfiguration cannot flood logs.
      if (!warned && mountPath(req).length >= (decidedAt.get(req) ?? '').length) {
        warned = true;
        if (onError) onError(new Error(STACKED), { phase: 'internal' });
        else console.warn(STACKED);
      }
      next();
      return;
    }
    decidedAt.set(req, mountPath(req));
    req.cors = decision;
    applyCorsHeaders(res, decision);
    if (decision.kind !== 'preflight') {
      next();
      return;
    }
    const status = decision.status ?? 204;
    res.statusCode = status;
    // 204 must not carry Content-Length; any other empty answer says its length.
    if (status !== 204) res.setHeader('Content-Length', '0');
    res.end();
  };

  const decideGuarded = async (facts: RequestFacts): Promise<Decision> => {
    try {
      return await policy.decideAsync(facts);
    } catch (error) {
      // decideAsync is documented never to reject; if it does anyway, fall back to the sync
      // decision, which denies whatever only an async resolver could have allowed.
      if (onError) onError(error, { phase: 'internal' });
      else console.error('corsica: policy.decideAsync rejected, which it never should; this request got the synchronous decision instead. Please report it as a Corsica bug.', error);
      return policy.decide(facts);
    }
  };

  return function corsica(req, res, next) {
    const facts = factsFromNodeRequest(req);
    if (!policy.isAsync) {
      answer(req, res, next, policy.decide(facts));
      return;
    }
    decideGuarded(facts)
      .then((decision) => answer(req, res, next, decision))
      .catch(next);
  };
}

export { createPolicy } from '@corsica/core';
export type { CorsOptions, Decision, Policy } from '@corsica/core';
