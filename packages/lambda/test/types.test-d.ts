import { createPolicy } from '@corsica/core';
import middy from '@middy/core';
import type { MiddlewareObj } from '@middy/core';
import type { ALBEvent, ALBHandler, ALBResult, APIGatewayProxyEvent, APIGatewayProxyEventV2, APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyResult, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { describe, expectTypeOf, it } from 'vitest';
import { withCors } from '../src/index.js';
import { cors } from '../src/middy.js';

describe('withCors()', () => {
  it('answers the result type of the event’s service', () => {
    expectTypeOf(withCors(async (_e: APIGatewayProxyEvent) => ({ statusCode: 200, body: '' }), { origin: '*' })).returns.resolves.toEqualTypeOf<APIGatewayProxyResult>();
    expectTypeOf(withCors(async (_e: APIGatewayProxyEventV2) => ({ hello: 'world' }), { origin: '*' })).returns.resolves.toEqualTypeOf<APIGatewayProxyStructuredResultV2>();
    expectTypeOf(withCors(async (_e: ALBEvent) => ({ statusCode: 200 }), { origin: '*' })).returns.resolves.toEqualTypeOf<ALBResult>();
    expectTypeOf(withCors(async (_e: APIGatewayProxyEventV2WithJWTAuthorizer) => 'ok', createPolicy({ origin: '*' }))).returns.resolves.toEqualTypeOf<APIGatewayProxyStructuredResultV2>();
  });

  it('fits the aws-lambda handler types', () => {
    const handler: ALBHandler = withCors(async (_e: ALBEvent) => ({ statusCode: 200, body: 'ok' }), { origin: 'https://app.example.com' });
    expectTypeOf(handler).toBeFunction();
  });

  it('refuses a REST handler answering without statusCode, and "*" with credentials', () => {
    // @ts-expect-error payload 1.0 needs { statusCode, body }
    withCors(async (_e: APIGatewayProxyEvent) => ({ hello: 'world' }), { origin: '*' });
    // @ts-expect-error origin "*" cannot be combined with credentials: true
    withCors(async (_e: APIGatewayProxyEventV2) => 'ok', { origin: '*', credentials: true });
  });
});

describe('cors() for middy', () => {
  it('is a middy middleware from Corsica’s or @middy/http-cors’s options', () => {
    expectTypeOf(cors({ origin: ['https://app.example.com'] })).toExtend<MiddlewareObj>();
    expectTypeOf(cors({ origins: ['https://app.example.com'], headers: 'Content-Type', credentials: 'true', maxAge: '600' })).toExtend<MiddlewareObj>();
    middy(async (_event: APIGatewayProxyEventV2) => ({ statusCode: 200, body: '' })).use(cors({ origin: ['https://app.example.com'] }));
    middy(async () => ({ statusCode: 200, body: '' })).use(cors(createPolicy({ origin: '*' })));
    // @ts-expect-error origin "*" cannot be combined with credentials: true
    cors({ origin: '*', credentials: true, methods: ['GET'] });
  });
});
