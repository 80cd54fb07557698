/**
 * `@corsica/lambda`: Corsica CORS for AWS Lambda functions behind API Gateway (REST and HTTP
 * APIs), Function URLs and ALB target groups. The core decides; this file reads the event and
 * writes the result in the form the event's service reads back.
 * @module
 */
import { decideOnce, recordedDecision, toPolicy } from '@corsica/core/adapter';
import type { CorsOptions, CredentialsGuard, Decision, Policy } from '@corsica/core';
import type { ALBEvent, ALBResult, APIGatewayProxyEvent, APIGatewayProxyEventV2, APIGatewayProxyResult, APIGatewayProxyResultV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { eventFacts, eventShape, newResult, answerResult, readResult, withDecisionHeaders } from './event.js';
import type { EventShape, ResultLike } from './event.js';

/**
 * The HTTP events `withCors` understands: API Gateway REST APIs (payload 1.0), HTTP APIs and
 * Function URLs (payload 2.0), ALB target groups.
 *
 * @example
 * ```ts
 * const method = (event: LambdaHttpEvent) => ('httpMethod' in event ? event.httpMethod : event.requestContext.http.method);
 * ```
 */
export type LambdaHttpEvent = APIGatewayProxyEvent | APIGatewayProxyEventV2 | ALBEvent;

/**
 * What the service of event `E` reads back: `ALBResult` for ALB, the structured 2.0 result for
 * HTTP APIs and Function URLs, `APIGatewayProxyResult` for REST APIs.
 *
 * @example
 * ```ts
 * const notFound: LambdaHttpResult<APIGatewayProxyEventV2> = { statusCode: 404, body: 'not found' };
 * ```
 */
export type LambdaHttpResult<E extends LambdaHttpEvent = LambdaHttpEvent> = E extends ALBEvent
  ? ALBResult
  : E extends { readonly requestContext: { readonly http: unknown } }
    ? APIGatewayProxyStructuredResultV2
    : APIGatewayProxyResult;

/**
 * What a handler of event `E` may answer: a result, or, behind an HTTP API or a Function URL,
 * any value, which the service sends as a 200 JSON body.
 *
 * @example
 * ```ts
 * const handler = async (event: APIGatewayProxyEventV2): Promise<HandlerResult<APIGatewayProxyEventV2>> => ({ hello: 'world' });
 * ```
 */
export type HandlerResult<E extends LambdaHttpEvent = LambdaHttpEvent> = E extends ALBEvent
  ? ALBResult
  : E extends { readonly requestContext: { readonly http: unknown } }
    ? APIGatewayProxyResultV2<unknown>
    : APIGatewayProxyResult;

/**
 * Options of the wrapper itself (the CORS policy is the second argument).
 *
 * @example
 * ```ts
 * const init: WithCorsInit<APIGatewayProxyEventV2> = {
 *   onError: (error, event) => {
 *     console.error({ error, path: event.rawPath });
 *     return { statusCode: 503, body: 'try again later' };
 *   },
 * };
 * ```
 */
export interface WithCorsInit<E extends LambdaHttpEvent = LambdaHttpEvent> {
  /**
   * Called when the handler throws or rejects. Return a result to send it (it gets the CORS
   * headers), or nothing to send `500 Internal Server Error`. Default: `console.error`, then 500.
   * (Without `withCors`, a thrown handler makes API Gateway answer 502 without CORS headers, so
   * the browser reports a CORS error instead of the failure.)
   */
  readonly onError?: (error: unknown, event: E) => LambdaHttpResult<E> | undefined | void | Promise<LambdaHttpResult<E> | undefined | void>;
}

/**
 * Wraps a Lambda handler with a CORS policy, for API Gateway REST APIs (payload 1.0), HTTP APIs
 * and Function URLs (payload 2.0) and ALB target groups (with or without multi-value headers);
 * the shape is read from each event. Preflights are answered without calling the handler. Every
 * other answer gets the decision's headers in the form its service reads (`headers`, or
 * `multiValueHeaders` when a REST API result uses only those or the ALB target group has them on;
 * `cookies` and every other field kept), including the 500 sent when the handler throws. An answer without
 * `statusCode` is read as its service reads it: a 200 JSON body behind payload 2.0, a 502 behind
 * REST APIs and ALB. Events that are not HTTP requests reach the handler untouched.
 *
 * @example
 * ```ts
 * import { withCors } from '@corsica/lambda';
 * import type { APIGatewayProxyEventV2 } from 'aws-lambda';
 *
 * export const handler = withCors(
 *   async (event: APIGatewayProxyEventV2) => ({ statusCode: 200, body: JSON.stringify({ path: event.rawPath }) }),
 *   { origin: ['https://app.example.com'], credentials: true, methods: ['GET', 'PUT'] },
 * );
 * ```
 * @see https://fetch.spec.whatwg.org/#http-cors-protocol
 */
export function withCors<E extends LambdaHttpEvent, A extends unknown[], const T extends CorsOptions | Policy>(
  handler: (event: E, ...rest: A) => HandlerResult<E> | Promise<HandlerResult<E>>,
  options: T & CredentialsGuard<T>,
  init: WithCorsInit<E> = {},
): (event: E, ...rest: A) => Promise<LambdaHttpResult<E>> {
  // compiled here, not per invocation, so a bad configuration fails at cold start
  const policy = toPolicy(options);
  const onError = init.onError;

  const answerError = async (error: unknown, event: E, shape: EventShape): Promise<ResultLike> => {
    if (onError === undefined) {
      console.error('corsica: the handler wrapped by withCors threw; answered 500 with CORS headers. Pass { onError } as the third argument of withCors to log it or answer differently.', error);
    } else {
      try {
        const custom: unknown = await onError(error, event);
        if (custom !== undefined) return readResult(custom, shape, policy);
      } catch (hookError) {
        console.error('corsica: the onError option of withCors threw; answered 500 instead. Make onError return a result or nothing.', hookError);
      }
    }
    return newResult(shape, 500, { 'content-type': 'text/plain; charset=utf-8' }, 'Internal Server Error');
  };

  return async function corsHandler(event: E, ...rest: A): Promise<LambdaHttpResult<E>> {
    const shape = eventShape(event);
    if (shape === undefined) return handler(event, ...rest) as Promise<LambdaHttpResult<E>>;
    const pending = decideOnce(policy, event, eventFacts(event, shape));
    const decision = pending instanceof Promise ? await pending : pending;
    // undefined: another Corsica wrapper decided this event, and its headers stand
    if (decision === undefined) return handler(event, ...rest) as Promise<LambdaHttpResult<E>>;
    if (decision.status !== undefined) return answerResult(shape, decision) as unknown as LambdaHttpResult<E>;
    let result: ResultLike;
    try {
      result = readResult(await handler(event, ...rest), shape, policy);
    } catch (error) {
      result = await answerError(error, event, shape);
    }
    return withDecisionHeaders(result, shape, decision) as unknown as LambdaHttpResult<E>;
  };
}

/**
 * The decision `withCors` took for this event, or `undefined` when no Corsica wrapper saw it.
 * Use it inside the handler (to log, or to skip work for denied origins).
 *
 * @example
 * ```ts
 * export const handler = withCors(async (event: APIGatewayProxyEventV2) => {
 *   const decision = getCorsDecision(event);
 *   return { statusCode: 200, body: decision?.allowed ? 'welcome' : 'hello' };
 * }, { origin: 'https://app.example.com' });
 * ```
 */
export function getCorsDecision(event: object): Decision | undefined {
  return recordedDecision(event);
}

export { eventShape } from './event.js';
export type { EventShape } from './event.js';
export { createPolicy } from '@corsica/core';
export type { CorsOptions, Decision, Policy } from '@corsica/core';
