/**
 * `@corsica/lambda/middy`: Corsica as a middy middleware, in place of `@middy/http-cors`. It
 * takes Corsica's options, a policy, or `@middy/http-cors`'s options.
 * @module
 */
import { decideOnce } from '@corsica/core/adapter';
import type { CorsOptions, CredentialsGuard, Decision, Policy } from '@corsica/core';
import { eventFacts, eventShape, newResult, answerResult, readResult, withDecisionHeaders } from './event.js';
import type { EventShape } from './event.js';
import { middySource } from './middy-compat.js';
import type { MiddyCorsOptions } from './middy-compat.js';

/**
 * The part of middy's request object the middleware reads and writes. Declared here rather than
 * imported from `@middy/core`, which is ESM-only: CommonJS type-checkers could not resolve it.
 *
 * @example
 * ```ts
 * const log = (request: MiddyRequest) => console.log(request.event, request.response);
 * ```
 */
export interface MiddyRequest {
  event: unknown;
  response?: unknown;
  error?: unknown;
}

/**
 * What `cors()` returns: a middy middleware object, for `.use()`.
 *
 * @example
 * ```ts
 * const middleware: CorsMiddleware = cors({ origin: ['https://app.example.com'] });
 * export const handler = middy(async () => ({ statusCode: 200, body: 'ok' })).use(middleware);
 * ```
 */
export interface CorsMiddleware {
  before(request: MiddyRequest): Promise<unknown>;
  after(request: MiddyRequest): Promise<void>;
  onError(request: MiddyRequest): Promise<void>;
}

interface Decided {
  readonly shape: EventShape;
  readonly decision: Decision;
}

/**
 * Creates a middy middleware from options (compiled once, here, so a bad configuration throws a
 * `CorsConfigError` at cold start), a policy made with `createPolicy`, or `@middy/http-cors`'s
 * options (`origins`, `headers`, `exposeHeaders`, `getOrigin`, `cacheControl`, `vary`...).
 *
 * `before` answers preflights itself (the handler and the later middlewares never run), `after`
 * adds the headers to the handler's result in the form its event's service reads (API Gateway
 * REST or HTTP API, Function URL, ALB), and `onError` adds them to the error answer: the one an
 * error-handling middleware mounted after `cors()` made, or a 500 when none answered. Mount
 * `cors()` first, so that its `onError` runs last.
 *
 * @example
 * ```ts
 * import middy from '@middy/core';
 * import { cors } from '@corsica/lambda/middy';
 *
 * export const handler = middy(async () => ({ statusCode: 200, body: 'ok' }))
 *   .use(cors({ origin: ['https://app.example.com'], credentials: true, methods: ['GET', 'PUT'] }));
 * ```
 * @see https://fetch.spec.whatwg.org/#http-cors-protocol
 */
export function cors(policy: Policy): CorsMiddleware;
export function cors<const T extends CorsOptions>(options: T & CredentialsGuard<T>): CorsMiddleware;
export function cors(options: MiddyCorsOptions): CorsMiddleware;
export function cors(input: unknown): CorsMiddleware {
  const { policy, preflightCacheControl, vary } = middySource(input);
  const decided = new WeakMap<object, Decided | null>();

  const decide = async (request: MiddyRequest): Promise<Decided | null> => {
    const known = decided.get(request);
    if (known !== undefined) return known;
    const shape = eventShape(request.event);
    let found: Decided | null = null;
    if (shape !== undefined) {
      const decision = await decideOnce(policy, request.event as object, eventFacts(request.event as object, shape));
      // undefined: another Corsica middleware decided this event, and its headers stand
      if (decision !== undefined) found = { shape, decision: vary.length === 0 ? decision : { ...decision, vary: [...decision.vary, ...vary] } };
    }
    decided.set(request, found);
    return found;
  };

  const finish = (request: MiddyRequest, found: Decided): void => {
    request.response = withDecisionHeaders(readResult(request.response, found.shape, policy), found.shape, found.decision);
  };

  return {
    async before(request) {
      const found = await decide(request);
      if (found === null || found.decision.status === undefined) return undefined;
      const answer = answerResult(found.shape, found.decision);
      if (found.decision.kind !== 'preflight') return answer;
      if (preflightCacheControl !== undefined) {
        if (answer.multiValueHeaders) answer.multiValueHeaders['Cache-Control'] = [preflightCacheControl];
        else answer.headers!['Cache-Control'] = preflightCacheControl;
      }
      // returning a value ends the chain: middy sends it without running the handler
      return answer;
    },
    async after(request) {
      const found = await decide(request);
      if (found !== null) finish(request, found);
    },
    async onError(request) {
      const found = await decide(request);
      if (found === null) return;
      if (request.response === undefined) {
        console.error('corsica: the middy handler threw and no error middleware answered; answered 500 with CORS headers. Mount an error handler (e.g. @middy/http-error-handler) after cors() to answer differently.', request.error);
        request.response = newResult(found.shape, 500, { 'content-type': 'text/plain; charset=utf-8' }, 'Internal Server Error');
      }
      finish(request, found);
    },
  };
}

export type { MiddyCorsOptions } from './middy-compat.js';
