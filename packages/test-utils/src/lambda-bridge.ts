/**
 * Serves a Lambda handler on node:http as AWS calls it: each HTTP request becomes the event its
 * service documents, and the handler's result is written back as that service writes it. The
 * mapping follows the AWS documentation for each shape:
 *
 * - `rest`, API Gateway REST API, payload 1.0: `headers` keeps the client's casing and the last
 *   line of each header, `multiValueHeaders` every line; query strings decoded, likewise;
 *   a body that is not text arrives base64-encoded. The answer merges `headers` and
 *   `multiValueHeaders` (the latter winning on a clash); an answer without `statusCode`, or a
 *   thrown handler, is a 502 `{"message": "Internal server error"}`.
 * - `http-api` and `function-url`, payload 2.0: lower-case header names, repeated lines joined
 *   with `,`, `Cookie` moved into the `cookies` array, `rawQueryString` as sent. The answer's
 *   `cookies` become `Set-Cookie` lines; an answer without `statusCode` is a 200 JSON body; a
 *   thrown handler is a 500 (HTTP API) or 502 (Function URL).
 * - `alb`: lower-case header names, the last line of each, query strings as sent (still
 *   percent-encoded); only `headers` of the answer is read. `alb-multi`: multi-value headers on
 *   the target group: `multiValueHeaders` and `multiValueQueryStringParameters` only, and only
 *   `multiValueHeaders` of the answer is read. An answer without `statusCode`, or a thrown
 *   handler, is a 502.
 * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html#api-gateway-simple-proxy-for-lambda-input-format
 * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html
 * @see https://docs.aws.amazon.com/lambda/latest/dg/urls-invocation.html
 * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/lambda-functions.html
 * @module
 */
import http from 'node:http';
import { TEST_MAX_HEADER_SIZE, listen } from './http.js';
import type { Started } from './http.js';

/** The services a bridge can play. */
export type LambdaService = 'rest' | 'http-api' | 'function-url' | 'alb' | 'alb-multi';

/** Every service, for `describe.each`. */
export const LAMBDA_SERVICES: readonly LambdaService[] = ['rest', 'http-api', 'function-url', 'alb', 'alb-multi'];

/** A Lambda handler as the runtime calls it (the callback style is gone from current runtimes). */
export type LambdaHandler = (event: never, context: never) => unknown;

/** What the bridge answers a request whose handler failed, per service. */
const FAILED: Readonly<Record<LambdaService, { status: number; body: string }>> = {
  rest: { status: 502, body: '{"message": "Internal server error"}' },
  'http-api': { status: 500, body: '{"message":"Internal Server Error"}' },
  'function-url': { status: 502, body: 'Internal Server Error' },
  alb: { status: 502, body: '<html><body><h1>502 Bad Gateway</h1></body></html>' },
  'alb-multi': { status: 502, body: '<html><body><h1>502 Bad Gateway</h1></body></html>' },
};

const TEXT = /^(text\/|application\/(json|xml|x-www-form-urlencoded|javascript)|[^;]*\+json|[^;]*\+xml)/i;

/**
 * Sets an own property, as JSON.parse does for the events Lambda hands over: a header named
 * `__proto__` is a key like any other there, never the object's prototype.
 */
function put<T>(target: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** One request's lines, grouped by name: `canonical` is the first spelling seen. */
interface Lines {
  readonly names: Map<string, { canonical: string; values: string[] }>;
}

function linesOf(req: http.IncomingMessage): Lines {
  const names = new Map<string, { canonical: string; values: string[] }>();
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i]!;
    const key = name.toLowerCase();
    let entry = names.get(key);
    if (entry === undefined) names.set(key, (entry = { canonical: name, values: [] }));
    entry.values.push(req.rawHeaders[i + 1]!);
  }
  return { names };
}

/** Query parameters as `[name, value]` pairs, decoded or kept as sent (ALB). */
function queryPairs(raw: string, decode: boolean): [string, string][] {
  if (raw === '') return [];
  return raw.split('&').map((part) => {
    const at = part.indexOf('=');
    const name = at === -1 ? part : part.slice(0, at);
    const value = at === -1 ? '' : part.slice(at + 1);
    if (!decode) return [name, value];
    const d = (s: string): string => {
      try {
        return decodeURIComponent(s.replace(/\+/g, ' '));
      } catch {
        return s;
      }
    };
    return [d(name), d(value)];
  });
}

function single(pairs: readonly [string, string][]): Record<string, string> | null {
  if (pairs.length === 0) return null;
  const out: Record<string, string> = {};
  for (const [name, value] of pairs) put(out, name, value);
  return out;
}

function multi(pairs: readonly [string, string][]): Record<string, string[]> | null {
  if (pairs.length === 0) return null;
  const out: Record<string, string[]> = {};
  for (const [name, value] of pairs) {
    if (Object.hasOwn(out, name)) out[name]!.push(value);
    else put(out, name, [value]);
  }
  return out;
}

function bodyOf(raw: Buffer, contentType: string | undefined): { body: string | null; isBase64Encoded: boolean } {
  if (raw.length === 0) return { body: null, isBase64Encoded: false };
  if (contentType === undefined || TEXT.test(contentType)) return { body: raw.toString('utf8'), isBase64Encoded: false };
  return { body: raw.toString('base64'), isBase64Encoded: true };
}

const CONTEXT = {
  functionName: 'corsica-bridge',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:corsica-bridge',
  memoryLimitInMB: '128',
  awsRequestId: 'bridge',
  logGroupName: '/aws/lambda/corsica-bridge',
  logStreamName: 'bridge',
  callbackWaitsForEmptyEventLoop: true,
  getRemainingTimeInMillis: () => 30_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
};

/**
 * The event `service` sends for a request (method, target as sent, header lines, raw body).
 * Exported for table tests that need the exact event of a request.
 */
export function eventFor(service: LambdaService, req: http.IncomingMessage, raw: Buffer): Record<string, unknown> {
  const method = req.method ?? 'GET';
  const target = req.url ?? '/';
  const at = target.indexOf('?');
  const rawPath = at === -1 ? target : target.slice(0, at);
  const rawQuery = at === -1 ? '' : target.slice(at + 1);
  const { names } = linesOf(req);
  const contentType = names.get('content-type')?.values.at(-1);
  const { body, isBase64Encoded } = bodyOf(raw, contentType);
  let path = rawPath;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    // kept as sent
  }

  if (service === 'rest') {
    const headers: Record<string, string> = {};
    const multiValueHeaders: Record<string, string[]> = {};
    for (const { canonical, values } of names.values()) {
      put(headers, canonical, values.at(-1)!);
      put(multiValueHeaders, canonical, [...values]);
    }
    const pairs = queryPairs(rawQuery, true);
    return {
      resource: '/{proxy+}',
      path,
      httpMethod: method,
      headers,
      multiValueHeaders,
      queryStringParameters: single(pairs),
      multiValueQueryStringParameters: multi(pairs),
      pathParameters: { proxy: path.slice(1) },
      stageVariables: null,
      requestContext: {
        accountId: '123456789012',
        apiId: 'bridge',
        httpMethod: method,
        path: `/test${path}`,
        protocol: 'HTTP/1.1',
        requestId: 'bridge',
        requestTimeEpoch: Date.now(),
        resourceId: 'bridge',
        resourcePath: '/{proxy+}',
        stage: 'test',
        identity: { sourceIp: '127.0.0.1', userAgent: headers['User-Agent'] ?? null },
        authorizer: null,
      },
      body,
      isBase64Encoded,
    };
  }

  if (service === 'http-api' || service === 'function-url') {
    const headers: Record<string, string> = {};
    let cookies: string[] | undefined;
    for (const [key, { values }] of names) {
      if (key === 'cookie') cookies = values.flatMap((line) => line.split(/;\s*/)).filter((c) => c !== '');
      else put(headers, key, values.join(','));
    }
    const pairs = queryPairs(rawQuery, true);
    const joined: Record<string, string> = {};
    for (const [name, value] of pairs) put(joined, name, Object.hasOwn(joined, name) ? `${joined[name]},${value}` : value);
    const event: Record<string, unknown> = {
      version: '2.0',
      routeKey: '$default',
      rawPath,
      rawQueryString: rawQuery,
      headers,
      requestContext: {
        accountId: service === 'function-url' ? 'anonymous' : '123456789012',
        apiId: 'bridge',
        domainName: service === 'function-url' ? 'bridge.lambda-url.eu-west-1.on.aws' : 'bridge.execute-api.eu-west-1.amazonaws.com',
        domainPrefix: 'bridge',
        http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: headers['user-agent'] ?? '' },
        requestId: 'bridge',
        routeKey: '$default',
        stage: '$default',
        time: new Date().toUTCString(),
        timeEpoch: Date.now(),
      },
      isBase64Encoded,
    };
    if (cookies !== undefined && cookies.length > 0) event.cookies = cookies;
    if (pairs.length > 0) event.queryStringParameters = joined;
    if (body !== null) event.body = body;
    return event;
  }

  // ALB: header names lower-case, query strings as sent
  const pairs = queryPairs(rawQuery, false);
  const event: Record<string, unknown> = {
    requestContext: { elb: { targetGroupArn: 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/bridge/0123456789abcdef' } },
    httpMethod: method,
    path: rawPath,
    body: body ?? '',
    isBase64Encoded,
  };
  if (service === 'alb-multi') {
    const multiValueHeaders: Record<string, string[]> = {};
    for (const [key, { values }] of names) put(multiValueHeaders, key, [...values]);
    event.multiValueHeaders = multiValueHeaders;
    event.multiValueQueryStringParameters = multi(pairs) ?? {};
  } else {
    const headers: Record<string, string> = {};
    for (const [key, { values }] of names) put(headers, key, values.at(-1)!);
    event.headers = headers;
    event.queryStringParameters = single(pairs) ?? {};
  }
  return event;
}

type OutLines = [string, string][];

/** The response lines and status `service` makes of a handler's answer, or `undefined` when it refuses the answer. */
export function responseFor(service: LambdaService, answer: unknown): { status: number; statusText?: string; lines: OutLines; body: Buffer } | undefined {
  let result = answer as Record<string, unknown> | null | undefined;
  const lines: OutLines = [];
  if (typeof result !== 'object' || result === null || typeof result.statusCode !== 'number') {
    if (service !== 'http-api' && service !== 'function-url') return undefined;
    result = { statusCode: 200, headers: { 'content-type': 'application/json' }, body: typeof answer === 'string' ? answer : (JSON.stringify(answer) ?? 'null') };
  }
  const headers = (result.headers ?? {}) as Record<string, unknown>;
  const multiValue = (result.multiValueHeaders ?? {}) as Record<string, unknown[]>;
  if (service === 'alb-multi') {
    for (const [name, values] of Object.entries(multiValue)) for (const value of values) lines.push([name, String(value)]);
  } else if (service === 'rest') {
    const taken = new Set<string>();
    for (const [name, values] of Object.entries(multiValue)) {
      taken.add(name.toLowerCase());
      for (const value of values) lines.push([name, String(value)]);
    }
    for (const [name, value] of Object.entries(headers)) if (!taken.has(name.toLowerCase())) lines.push([name, String(value)]);
  } else {
    for (const [name, value] of Object.entries(headers)) lines.push([name, String(value)]);
  }
  if ((service === 'http-api' || service === 'function-url') && Array.isArray(result.cookies)) {
    for (const cookie of result.cookies) lines.push(['Set-Cookie', String(cookie)]);
  }
  const text = typeof result.body === 'string' ? result.body : '';
  const body = result.isBase64Encoded === true ? Buffer.from(text, 'base64') : Buffer.from(text, 'utf8');
  const out: { status: number; statusText?: string; lines: OutLines; body: Buffer } = { status: result.statusCode as number, lines, body };
  if ((service === 'alb' || service === 'alb-multi') && typeof result.statusDescription === 'string') {
    const text = result.statusDescription.replace(/^\d+\s*/, '');
    if (text !== '') out.statusText = text;
  }
  return out;
}

/** What {@link lambdaListener} reports. */
export interface LambdaListenerOptions {
  /** Told about a handler that threw or answered what the service refuses. */
  readonly onFailure?: (error: unknown) => void;
}

/**
 * A node:http listener that plays `service` in front of `handler`.
 *
 * @example
 * ```ts
 * const server = http.createServer(lambdaListener('http-api', withCors(handler, policy)));
 * ```
 */
export function lambdaListener(service: LambdaService, handler: LambdaHandler, options: LambdaListenerOptions = {}): http.RequestListener {
  const call = handler as (event: unknown, context: unknown) => unknown;
  return (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const event = eventFor(service, req, Buffer.concat(chunks));
      Promise.resolve()
        .then(() => call(event, { ...CONTEXT }))
        .then(
          (answer) => {
            const out = responseFor(service, answer);
            if (out === undefined) options.onFailure?.(new Error('the handler answered without a numeric statusCode'));
            return out;
          },
          (error: unknown) => {
            options.onFailure?.(error);
            return undefined;
          },
        )
        .then((out) => {
          if (out === undefined) {
            const failed = FAILED[service];
            res.writeHead(failed.status, { 'content-type': failed.body.startsWith('<') ? 'text/html' : 'application/json' }).end(failed.body);
            return;
          }
          const flat = out.lines.flat();
          if (out.statusText === undefined) res.writeHead(out.status, flat);
          else res.writeHead(out.status, out.statusText, flat);
          if (req.method === 'HEAD' || out.status === 204 || out.status === 304) res.end();
          else res.end(out.body);
        })
        .catch(() => {
          // a header value node:http refuses: AWS would refuse the answer too
          if (!res.headersSent) res.writeHead(502).end();
          else res.destroy();
        });
    });
  };
}

/**
 * Serves `handler` on 127.0.0.1:0 as `service` would call it.
 *
 * @example
 * ```ts
 * const served = await serveLambda('rest', withCors(handler, policy));
 * afterAll(() => served.close());
 * ```
 */
export function serveLambda(service: LambdaService, handler: LambdaHandler, options: LambdaListenerOptions = {}): Promise<Started> {
  return listen(http.createServer({ maxHeaderSize: TEST_MAX_HEADER_SIZE }, lambdaListener(service, handler, options)));
}
