/**
 * The four HTTP event shapes Lambda receives, read and answered: which shape an event has, the
 * CORS facts it carries, and a result in the form that shape's service reads back. Nothing here
 * decides a request; the core does.
 * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html
 * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html
 * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/lambda-functions.html
 * @module
 */
import { mergeVary } from '@corsica/core/adapter';
import type { AnsweredDecision, Decision, Policy, RequestFacts } from '@corsica/core';

/**
 * Which service sent an event:
 * - `rest`: API Gateway REST API (payload 1.0: `httpMethod`, `headers` with the client's casing
 *   and the last line of each, `multiValueHeaders` with every line);
 * - `http`: API Gateway HTTP API or a Function URL (payload 2.0: `requestContext.http.method`,
 *   lower-case `headers` whose repeated lines are joined with commas, `cookies`);
 * - `alb`: an ALB target group (`requestContext.elb`, `headers` with the last line of each);
 * - `alb-multi`: the same with multi-value headers on (`multiValueHeaders` only, which the
 *   answer must use too).
 */
export type EventShape = 'rest' | 'http' | 'alb' | 'alb-multi';

type HeaderValue = boolean | number | string;
type HeaderMap = Record<string, HeaderValue>;
type MultiHeaderMap = Record<string, HeaderValue[]>;

/** A result as the services read it: the fields any of the four shapes may use. */
export interface ResultLike {
  statusCode: number;
  statusDescription?: string;
  headers?: HeaderMap;
  multiValueHeaders?: MultiHeaderMap;
  cookies?: string[];
  body?: string;
  isBase64Encoded?: boolean;
  [field: string]: unknown;
}

/** The fields of an event this adapter reads. */
export interface EventLike {
  readonly httpMethod?: unknown;
  readonly requestContext?: { readonly elb?: unknown; readonly http?: { readonly method?: unknown } } | null;
  readonly headers?: Readonly<Record<string, string | undefined>> | null;
  readonly multiValueHeaders?: Readonly<Record<string, readonly string[] | undefined>> | null;
}

/**
 * The shape of `event`, or `undefined` for an event that is not an HTTP request (SQS, a
 * WebSocket route, a direct invocation), which `withCors` passes on untouched.
 */
export function eventShape(event: unknown): EventShape | undefined {
  if (typeof event !== 'object' || event === null) return undefined;
  const e = event as EventLike;
  const context = e.requestContext;
  if (typeof context === 'object' && context !== null) {
    if (context.elb !== undefined) return e.multiValueHeaders ? 'alb-multi' : 'alb';
    if (typeof context.http?.method === 'string') return 'http';
  }
  return typeof e.httpMethod === 'string' ? 'rest' : undefined;
}

/**
 * The CORS facts of an event. Header names are compared case-insensitively: REST APIs keep the
 * client's casing. Where the event keeps every line of a header (`multiValueHeaders`), repeated
 * lines are joined with `, `, as Node joins them, so a repeated `Origin` is denied as duplicated;
 * payload 2.0 has already joined them with `,`, which the core denies the same way.
 */
export function eventFacts(event: object, shape: EventShape): RequestFacts {
  const e = event as EventLike;
  const method = shape === 'http' ? (e.requestContext!.http!.method as string) : (e.httpMethod as string);
  const facts: { -readonly [K in keyof RequestFacts]: RequestFacts[K] } = { method };
  const multi = shape === 'http' || shape === 'alb' ? undefined : e.multiValueHeaders;
  // own keys only, and values checked: an event is parsed JSON, and a client chooses its header
  // names (a `__proto__` header is an own property there, never a prototype)
  if (typeof multi === 'object' && multi !== null) {
    for (const name of Object.keys(multi)) {
      const lines: unknown = multi[name];
      if (Array.isArray(lines)) setFact(facts, name, lines.length === 1 ? lines[0] : lines.join(', '));
      else setFact(facts, name, lines);
    }
    return facts;
  }
  const headers = e.headers;
  if (typeof headers === 'object' && headers !== null) {
    for (const name of Object.keys(headers)) setFact(facts, name, headers[name]);
  }
  return facts;
}

function setFact(facts: { -readonly [K in keyof RequestFacts]: RequestFacts[K] }, name: string, value: unknown): void {
  if (typeof value !== 'string') return;
  // only names of the right length are lower-cased: most headers are skipped without a copy
  switch (name.length) {
    case 4:
      if (name.toLowerCase() === 'host') facts.host = value;
      return;
    case 6:
      if (name.toLowerCase() === 'origin') facts.origin = value;
      return;
    case 7:
      if (name.toLowerCase() === 'upgrade') facts.upgrade = value;
      return;
    case 14:
      if (name.toLowerCase() === 'sec-fetch-site') facts.secFetchSite = value;
      return;
    case 29:
      if (name.toLowerCase() === 'access-control-request-method') facts.requestMethod = value;
      return;
    case 30:
      if (name.toLowerCase() === 'access-control-request-headers') facts.requestHeaders = value;
      return;
    case 38:
      if (name.toLowerCase() === 'access-control-request-private-network') facts.requestPrivateNetwork = value;
      return;
  }
}

const STATUS_TEXT: Readonly<Record<number, string>> = { 200: 'OK', 204: 'No Content', 403: 'Forbidden', 500: 'Internal Server Error', 502: 'Bad Gateway' };

/** A new result of `status` in the event's form, its headers given as single values. */
export function newResult(shape: EventShape, status: number, headers: HeaderMap, body: string): ResultLike {
  const result: ResultLike = { statusCode: status, body };
  if (shape === 'alb-multi') {
    const multi: MultiHeaderMap = {};
    for (const name in headers) multi[name] = [headers[name]!];
    result.multiValueHeaders = multi;
  } else {
    result.headers = headers;
  }
  // ALB reads statusDescription as the status line's text ("204 No Content")
  if (shape === 'alb' || shape === 'alb-multi') result.statusDescription = `${status} ${STATUS_TEXT[status] ?? ''}`.trimEnd();
  return result;
}

/** The answer to a preflight, in the event's form, with an empty body. */
export function answerResult(shape: EventShape, decision: AnsweredDecision): ResultLike {
  const headers: HeaderMap = { ...decision.headers };
  const vary = mergeVary(undefined, decision.vary);
  if (vary !== undefined) headers['Vary'] = vary;
  if (decision.body !== undefined) headers['Content-Type'] = 'text/plain; charset=utf-8';
  return newResult(shape, decision.status, headers, decision.body ?? '');
}

/** Whether the handler answered a result the service reads as one (an object with a numeric `statusCode`). */
export function isResult(value: unknown): value is ResultLike {
  return typeof value === 'object' && value !== null && typeof (value as ResultLike).statusCode === 'number';
}

/**
 * What a payload 2.0 service (HTTP API, Function URL) makes of an answer without `statusCode`:
 * a 200 whose JSON body is the answer (a string is sent as it is).
 * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html#http-api-develop-integrations-lambda.response
 */
export function inferredResult(value: unknown): ResultLike {
  const body = typeof value === 'string' ? value : (JSON.stringify(value) ?? 'null');
  return { statusCode: 200, headers: { 'content-type': 'application/json' }, body };
}

/**
 * A copy of `result` carrying the decision's headers, written where the result keeps its
 * headers. The handler's own object is never changed: a result kept in a module constant and
 * answered again on the next (warm) invocation would otherwise carry this request's
 * `Access-Control-Allow-Origin` to another origin. `cookies`, the body and other fields are kept
 * as they are; `multiValueHeaders` and `headers` keep every line the handler set.
 */
export function withDecisionHeaders(result: ResultLike, shape: EventShape, decision: Decision): ResultLike {
  const names = Object.keys(decision.headers);
  if (names.length === 0 && decision.vary.length === 0) return result;
  const copy: ResultLike = { ...result };
  let headers = result.headers ? { ...result.headers } : undefined;
  let multi = result.multiValueHeaders ? { ...result.multiValueHeaders } : undefined;
  // ALB reads only multiValueHeaders when multi-value headers are on, only headers when off, and
  // payload 2.0 only headers; REST APIs merge both maps (multiValueHeaders winning on a clash),
  // so there the headers go into the map the result already uses
  const intoMulti = shape === 'alb-multi' || (shape === 'rest' && headers === undefined && multi !== undefined);
  if (intoMulti) multi ??= {};
  else headers ??= {};

  // every spelling of a name the decision sets goes, so exactly one line of it remains
  const lower = new Set(names.map((name) => name.toLowerCase()));
  lower.add('vary');
  const existingVary: string[] = [];
  for (const map of [headers, multi]) {
    if (map === undefined) continue;
    for (const name of Object.keys(map)) {
      const key = name.toLowerCase();
      if (!lower.has(key)) continue;
      if (key === 'vary') {
        const value = map[name]!;
        existingVary.push(...(Array.isArray(value) ? value : [value]).map(String));
      }
      delete map[name];
    }
  }
  const set = (name: string, value: string): void => {
    if (intoMulti) multi![name] = [value];
    else headers![name] = value;
  };
  for (const name of names) set(name, decision.headers[name]!);
  const joined = existingVary.length === 0 ? undefined : existingVary.join(', ');
  const vary = mergeVary(joined, decision.vary) ?? joined;
  if (vary !== undefined) set('Vary', vary);

  if (headers !== undefined) copy.headers = headers;
  if (multi !== undefined) copy.multiValueHeaders = multi;
  return copy;
}

const MALFORMED =
  'corsica: the Lambda handler answered without a numeric statusCode; API Gateway REST APIs and ALB answer that with 502, which is what was sent. ' +
  'Return { statusCode, headers, body }.';

/**
 * The handler's answer as its service reads it: a result as it is; behind payload 2.0 anything
 * else is a 200 JSON body; behind REST APIs and ALB it is the 502 the service would send (which,
 * sent by the service, would carry no CORS headers), reported through the policy's `onError`.
 */
export function readResult(value: unknown, shape: EventShape, policy: Policy): ResultLike {
  if (isResult(value)) return value;
  if (shape === 'http') return inferredResult(value);
  policy.reportError(new Error(MALFORMED), { phase: 'adapter' });
  return shape === 'rest'
    ? newResult(shape, 502, { 'content-type': 'application/json' }, '{"message":"Internal server error"}')
    : newResult(shape, 502, { 'content-type': 'text/plain; charset=utf-8' }, 'Bad Gateway');
}
