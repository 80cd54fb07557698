import { afterEach, describe, expect, it, vi } from 'vitest';
import { createPolicy } from '@corsica/core';
import type { CorsOptions, ErrorContext } from '@corsica/core';
import { APP, EVIL, mainOptions } from '@corsica/test-utils';
import type { ALBEvent, APIGatewayProxyEvent, APIGatewayProxyEventV2, ALBResult, APIGatewayProxyResult, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { eventShape, getCorsDecision, withCors } from '../src/index.js';
import type { LambdaHttpEvent } from '../src/index.js';
import { albEvent, httpEvent, restEvent, sqsEvent } from './fixtures.js';

const policy = createPolicy(mainOptions);
const PREFLIGHT_LINES = [
  ['Origin', APP],
  ['Access-Control-Request-Method', 'PUT'],
  ['Access-Control-Request-Headers', 'content-type'],
] as const;

type AnyResult = APIGatewayProxyResult & APIGatewayProxyStructuredResultV2 & ALBResult;

/** A header's value in a result, whichever map and casing holds it. */
function headerOf(result: Partial<AnyResult>, name: string): string | undefined {
  const key = name.toLowerCase();
  const found: string[] = [];
  for (const [n, v] of Object.entries(result.multiValueHeaders ?? {})) if (n.toLowerCase() === key) found.push(...v.map(String));
  for (const [n, v] of Object.entries(result.headers ?? {})) if (n.toLowerCase() === key) found.push(String(v));
  return found.length === 0 ? undefined : found.join(' | ');
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('eventShape', () => {
  it.each([
    { desc: 'a REST API event (httpMethod, no elb)', event: restEvent('GET', '/ok', []), want: 'rest' },
    { desc: 'an HTTP API or Function URL event (requestContext.http.method)', event: httpEvent('GET', '/ok', []), want: 'http' },
    { desc: 'an ALB event (requestContext.elb)', event: albEvent('GET', '/ok', []), want: 'alb' },
    { desc: 'an ALB event with multi-value headers on', event: albEvent('GET', '/ok', [], true), want: 'alb-multi' },
    { desc: 'an SQS batch, which is no HTTP request', event: sqsEvent, want: undefined },
    { desc: 'a direct invocation with a string', event: 'hello', want: undefined },
  ])('reads $desc as $want', ({ event, want }) => {
    expect(eventShape(event)).toBe(want);
  });
});

describe('preflights, per event shape', () => {
  it.each([
    { shape: 'REST API', event: () => restEvent('OPTIONS', '/ok', PREFLIGHT_LINES), map: 'headers' },
    { shape: 'REST API, lower-case names from an HTTP/2 client', event: () => restEvent('OPTIONS', '/ok', PREFLIGHT_LINES.map(([n, v]) => [n.toLowerCase(), v] as const)), map: 'headers' },
    { shape: 'HTTP API / Function URL', event: () => httpEvent('OPTIONS', '/ok', PREFLIGHT_LINES), map: 'headers' },
    { shape: 'ALB', event: () => albEvent('OPTIONS', '/ok', PREFLIGHT_LINES), map: 'headers' },
    { shape: 'ALB with multi-value headers', event: () => albEvent('OPTIONS', '/ok', PREFLIGHT_LINES, true), map: 'multiValueHeaders' },
  ])('answers a $shape preflight with 204 in $map, without calling the handler', async ({ event, map }) => {
    const handler = vi.fn(async () => ({ statusCode: 200, body: 'handler' }));
    const result = (await withCors(handler, policy)(event() as never)) as Partial<AnyResult>;
    expect(handler).not.toHaveBeenCalled();
    expect(result.statusCode).toBe(204);
    expect(result.body).toBe('');
    expect(result[map as 'headers']).toBeDefined();
    expect(headerOf(result, 'Access-Control-Allow-Origin')).toBe(APP);
    expect(headerOf(result, 'Access-Control-Allow-Methods')).toBe('GET, POST, PUT, PATCH, DELETE');
    expect(headerOf(result, 'Vary')).toBe('Origin, Access-Control-Request-Method, Access-Control-Request-Headers');
  });

  it('reads a REST event whose multiValueHeaders is null (the console’s test events) from headers', async () => {
    const event = { ...restEvent('OPTIONS', '/ok', PREFLIGHT_LINES), multiValueHeaders: null } as unknown as APIGatewayProxyEvent;
    const result = await withCors(async (_event: APIGatewayProxyEvent) => ({ statusCode: 200, body: '' }), policy)(event);
    expect(result.statusCode).toBe(204);
    expect(result.headers?.['Access-Control-Allow-Origin']).toBe(APP);
  });

  it('gives ALB the status text it puts on the status line', async () => {
    const result = (await withCors(async () => ({ statusCode: 200 }), policy)(albEvent('OPTIONS', '/ok', PREFLIGHT_LINES))) as ALBResult;
    expect(result.statusDescription).toBe('204 No Content');
  });

  it('denies a REST API preflight with two Origin lines, which only multiValueHeaders shows', async () => {
    const event = restEvent('OPTIONS', '/ok', [['Origin', APP], ['Origin', APP], ['Access-Control-Request-Method', 'PUT']]);
    expect(event.headers.Origin).toBe(APP); // what a handler reading `headers` alone would trust
    const result = (await withCors(async () => ({ statusCode: 200, body: '' }), policy)(event)) as APIGatewayProxyResult;
    expect(result.statusCode).toBe(403);
    expect(headerOf(result, 'Access-Control-Allow-Origin')).toBeUndefined();
  });
});

describe('actual requests: the headers land where the result keeps its own', () => {
  it.each([
    {
      desc: 'a REST result with headers: into headers',
      event: () => restEvent('GET', '/ok', [['Origin', APP]]),
      result: { statusCode: 200, headers: { 'Content-Type': 'text/plain' }, body: 'ok' },
      check: (r: Partial<AnyResult>) => {
        expect(r.headers).toMatchObject({ 'Content-Type': 'text/plain', 'Access-Control-Allow-Origin': APP, 'Access-Control-Allow-Credentials': 'true', Vary: 'Origin' });
        expect(r.multiValueHeaders).toBeUndefined();
      },
    },
    {
      desc: 'a REST result with only multiValueHeaders (two Set-Cookie): into multiValueHeaders, both cookies kept',
      event: () => restEvent('GET', '/ok', [['Origin', APP]]),
      result: { statusCode: 200, multiValueHeaders: { 'Set-Cookie': ['a=1; Secure', 'b=2; Secure'] }, body: 'ok' },
      check: (r: Partial<AnyResult>) => {
        expect(r.multiValueHeaders).toEqual({
          'Set-Cookie': ['a=1; Secure', 'b=2; Secure'],
          'Access-Control-Allow-Origin': [APP],
          'Access-Control-Allow-Credentials': ['true'],
          'Access-Control-Expose-Headers': ['X-Request-Id'],
          Vary: ['Origin'],
        });
        expect(r.headers).toBeUndefined();
      },
    },
    {
      desc: 'a REST result with Vary in both maps: one merged Vary, no name lost',
      event: () => restEvent('GET', '/ok', [['Origin', APP]]),
      result: { statusCode: 200, headers: { vary: 'Accept' }, multiValueHeaders: { VARY: ['Accept-Language'], 'Set-Cookie': ['a=1'] }, body: 'ok' },
      check: (r: Partial<AnyResult>) => {
        expect(headerOf(r, 'Vary')).toBe('Accept, Accept-Language, Origin');
        expect(r.multiValueHeaders?.['Set-Cookie']).toEqual(['a=1']);
      },
    },
    {
      desc: 'a REST result that set its own Access-Control-Allow-Origin in another casing: replaced, one line left',
      event: () => restEvent('GET', '/ok', [['Origin', APP]]),
      result: { statusCode: 200, headers: { 'access-control-allow-origin': '*' }, multiValueHeaders: { 'ACCESS-CONTROL-ALLOW-ORIGIN': ['*'] }, body: 'ok' },
      check: (r: Partial<AnyResult>) => expect(headerOf(r, 'Access-Control-Allow-Origin')).toBe(APP),
    },
    {
      desc: 'an HTTP API result with cookies: cookies kept, headers added',
      event: () => httpEvent('GET', '/ok', [['Origin', APP]]),
      result: { statusCode: 201, cookies: ['session=1; Secure; HttpOnly', 'theme=dark'], body: 'made' },
      check: (r: Partial<AnyResult>) => {
        expect(r.statusCode).toBe(201);
        expect(r.cookies).toEqual(['session=1; Secure; HttpOnly', 'theme=dark']);
        expect(r.headers).toMatchObject({ 'Access-Control-Allow-Origin': APP, Vary: 'Origin' });
      },
    },
    {
      desc: 'an ALB result on a multi-value target group: into multiValueHeaders, which is all ALB reads there',
      event: () => albEvent('GET', '/ok', [['Origin', APP]], true),
      result: { statusCode: 200, statusDescription: '200 OK', multiValueHeaders: { 'set-cookie': ['a=1', 'b=2'] }, body: 'ok' },
      check: (r: Partial<AnyResult>) => {
        expect(r.multiValueHeaders).toMatchObject({ 'set-cookie': ['a=1', 'b=2'], 'Access-Control-Allow-Origin': [APP], Vary: ['Origin'] });
        expect(r.statusDescription).toBe('200 OK');
      },
    },
    {
      desc: 'an ALB result with only multiValueHeaders on a target group without them: into headers, the only map ALB reads there',
      event: () => albEvent('GET', '/ok', [['Origin', APP]]),
      result: { statusCode: 200, multiValueHeaders: { 'x-ignored-by-alb': ['1'] }, body: 'ok' },
      check: (r: Partial<AnyResult>) => {
        expect(r.headers).toMatchObject({ 'Access-Control-Allow-Origin': APP, Vary: 'Origin' });
        expect(r.multiValueHeaders).toEqual({ 'x-ignored-by-alb': ['1'] });
      },
    },
  ])('$desc', async ({ event, result, check }) => {
    const wrapped = withCors(async () => result as never, policy);
    check((await wrapped(event() as never)) as Partial<AnyResult>);
  });

  it('never changes the handler’s own result object, so a constant answer cannot carry one origin’s headers to the next invocation', async () => {
    const NOT_FOUND = Object.freeze({ statusCode: 404, headers: Object.freeze({ 'content-type': 'text/plain' }), body: 'not found' });
    const wrapped = withCors(async (_event: APIGatewayProxyEventV2) => NOT_FOUND, policy);
    const first = (await wrapped(httpEvent('GET', '/x', [['Origin', APP]]))) as APIGatewayProxyStructuredResultV2;
    const second = (await wrapped(httpEvent('GET', '/x', [['Origin', EVIL]]))) as APIGatewayProxyStructuredResultV2;
    expect(first.headers?.['Access-Control-Allow-Origin']).toBe(APP);
    expect(second.headers?.['Access-Control-Allow-Origin']).toBeUndefined();
    expect(second.headers?.Vary).toBe('Origin');
    expect(NOT_FOUND.headers).toEqual({ 'content-type': 'text/plain' });
  });

  it('lets a denied origin reach the handler, and answers without ACAO but with Vary: Origin', async () => {
    const handler = vi.fn(async (_event: APIGatewayProxyEvent) => ({ statusCode: 200, body: 'ok' }));
    const result = await withCors(handler, policy)(restEvent('GET', '/ok', [['Origin', EVIL]]));
    expect(handler).toHaveBeenCalledOnce();
    expect(result.headers).toEqual({ Vary: 'Origin' });
  });
});

describe('answers without statusCode, read as each service reads them', () => {
  it.each([
    { desc: 'an object', answer: { hello: 'world' }, body: '{"hello":"world"}' },
    { desc: 'a string', answer: 'hello', body: 'hello' },
    { desc: 'an array', answer: [1, 2], body: '[1,2]' },
    { desc: 'nothing', answer: undefined, body: 'null' },
  ])('behind payload 2.0, $desc becomes a 200 JSON body with the CORS headers', async ({ answer, body }) => {
    const result = (await withCors(async (_event: APIGatewayProxyEventV2) => answer, policy)(httpEvent('GET', '/ok', [['Origin', APP]]))) as APIGatewayProxyStructuredResultV2;
    expect(result).toMatchObject({ statusCode: 200, body, headers: { 'content-type': 'application/json', 'Access-Control-Allow-Origin': APP } });
  });

  it.each([
    { service: 'a REST API', event: () => restEvent('GET', '/ok', [['Origin', APP]]) as LambdaHttpEvent },
    { service: 'ALB', event: () => albEvent('GET', '/ok', [['Origin', APP]]) as LambdaHttpEvent },
  ])('behind $service, it is the 502 the service would send, with CORS headers, and reported', async ({ event }) => {
    const reported: { error: unknown; context: ErrorContext }[] = [];
    const wrapped = withCors(async () => ({ body: 'no status' }) as never, { ...mainOptions, onError: (error, context) => reported.push({ error, context }) });
    const result = (await wrapped(event())) as Partial<AnyResult>;
    expect(result.statusCode).toBe(502);
    expect(headerOf(result, 'Access-Control-Allow-Origin')).toBe(APP);
    expect(reported).toEqual([{ error: expect.objectContaining({ message: expect.stringMatching(/^corsica: .*statusCode.*Return \{ statusCode, headers, body \}/) }), context: { phase: 'adapter' } }]);
  });
});

describe('a handler that throws', () => {
  it.each([
    { shape: 'REST API', event: () => restEvent('GET', '/ok', [['Origin', APP]]) as LambdaHttpEvent },
    { shape: 'HTTP API', event: () => httpEvent('GET', '/ok', [['Origin', APP]]) as LambdaHttpEvent },
    { shape: 'ALB with multi-value headers', event: () => albEvent('GET', '/ok', [['Origin', APP]], true) as LambdaHttpEvent },
  ])('becomes a 500 that keeps the CORS headers ($shape), logged with how to change it', async ({ event }) => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const result = (await withCors(async () => {
      throw new Error('db down');
    }, policy)(event())) as Partial<AnyResult>;
    expect(result.statusCode).toBe(500);
    expect(result.body).toBe('Internal Server Error');
    expect(headerOf(result, 'Access-Control-Allow-Origin')).toBe(APP);
    expect(headerOf(result, 'Vary')).toBe('Origin');
    expect(logged.mock.calls[0]?.[0]).toMatch(/^corsica: .*Pass \{ onError \}/);
  });

  it('answers what onError returns, with the CORS headers', async () => {
    const wrapped = withCors(
      async (_event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
        throw new Error('db down');
      },
      policy,
      { onError: (error, event) => ({ statusCode: 503, body: `${(error as Error).message} on ${event.rawPath}` }) },
    );
    const result = (await wrapped(httpEvent('GET', '/orders', [['Origin', APP]]))) as APIGatewayProxyStructuredResultV2;
    expect(result).toMatchObject({ statusCode: 503, body: 'db down on /orders', headers: { 'Access-Control-Allow-Origin': APP } });
  });

  it('answers 500 with the CORS headers when onError itself throws', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const wrapped = withCors(
      async (_event: ALBEvent): Promise<ALBResult> => {
        throw new Error('db down');
      },
      policy,
      {
        onError: () => {
          throw new Error('logger down');
        },
      },
    );
    const result = await wrapped(albEvent('GET', '/ok', [['Origin', APP]]));
    expect(result).toMatchObject({ statusCode: 500, statusDescription: '500 Internal Server Error', headers: { 'Access-Control-Allow-Origin': APP } });
    expect(logged.mock.calls[0]?.[0]).toMatch(/^corsica: the onError option of withCors threw/);
  });
});

describe('the rest of the contract', () => {
  it('passes an event that is no HTTP request to the handler untouched, and its answer back', async () => {
    const handler = vi.fn(async (event: unknown) => ({ batchItemFailures: [], seen: event }));
    const result = await withCors(handler as never, policy)(sqsEvent as never);
    expect(result).toEqual({ batchItemFailures: [], seen: sqsEvent });
  });

  it('passes the context and every other argument on to the handler', async () => {
    const context = { functionName: 'orders', awsRequestId: 'r-1' };
    const wrapped = withCors(async (_event: APIGatewayProxyEventV2, ctx: typeof context) => ({ statusCode: 200, body: ctx.functionName }), policy);
    const result = await wrapped(httpEvent('GET', '/ok', []), context);
    expect(result.body).toBe('orders');
  });

  it('awaits an async origin resolver, allowing what it allows', async () => {
    const options: CorsOptions = { origin: async (origin) => origin === 'https://tenant.example.org' };
    const wrapped = withCors(async (_event: APIGatewayProxyEvent) => ({ statusCode: 200, body: 'ok' }), options);
    const allowed = await wrapped(restEvent('GET', '/ok', [['Origin', 'https://tenant.example.org']]));
    const denied = await wrapped(restEvent('GET', '/ok', [['Origin', EVIL]]));
    expect(allowed.headers).toEqual({ 'Access-Control-Allow-Origin': 'https://tenant.example.org', Vary: 'Origin' });
    expect(denied.headers).toEqual({ Vary: 'Origin' });
  });

  it('exposes the decision to the handler through getCorsDecision(event)', async () => {
    const wrapped = withCors(async (event: APIGatewayProxyEventV2) => ({ statusCode: 200, body: getCorsDecision(event)?.reason ?? 'none' }), policy);
    expect((await wrapped(httpEvent('GET', '/ok', [['Origin', EVIL]]))).body).toBe('origin-not-allowed');
  });

  it('reads an event whose client sent a header named __proto__ (an own key in parsed JSON) without throwing', async () => {
    const event = JSON.parse(
      JSON.stringify(restEvent('OPTIONS', '/ok', [['Origin', APP], ['Access-Control-Request-Method', 'PUT']])).replace('"multiValueHeaders":{', '"multiValueHeaders":{"__proto__":["x"],"X-Odd":"not a list",'),
    ) as APIGatewayProxyEvent;
    expect(Object.hasOwn(event.multiValueHeaders, '__proto__')).toBe(true);
    const result = await withCors(async (_event: APIGatewayProxyEvent) => ({ statusCode: 200, body: '' }), policy)(event);
    expect(result.statusCode).toBe(204);
    expect(result.headers?.['Access-Control-Allow-Origin']).toBe(APP);
  });

  it('fails at cold start, not at the first request, on a bad configuration', () => {
    expect(() => withCors(async () => ({ statusCode: 200, body: '' }), { origin: 'https://app.example.com/' } as CorsOptions)).toThrow(/corsica:/);
  });
});
