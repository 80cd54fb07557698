// The same policy as a middy middleware, for functions already built with middy: mount cors()
// first, so its onError adds the headers to what the error handler answers.
import middy from '@middy/core';
import type { MiddlewareObj } from '@middy/core';
import { cors } from '@corsica/lambda/middy';
import type { APIGatewayProxyEvent } from 'aws-lambda';

const errorAnswer: MiddlewareObj = {
  onError: (request) => {
    request.response ??= { statusCode: 503, body: 'try again later' };
  },
};

export const handler = middy(async (event: APIGatewayProxyEvent) => ({ statusCode: 200, body: `hello from ${event.path}` }))
  .use(cors({ origins: ['https://app.example.com', 'https://*.preview.example.com'], credentials: true, headers: 'Content-Type,Authorization', methods: 'GET,POST' }))
  .use(errorAnswer);
