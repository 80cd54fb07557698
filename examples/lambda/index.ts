// One Lambda function behind an API Gateway HTTP API (or a Function URL). The same wrapper works
// behind a REST API or an ALB target group: it reads each event's shape. Deploy with the SAM
// template next to this file; the API has no CORS configuration of its own (one CORS layer).
import { createPolicy, getCorsDecision, withCors } from '@corsica/lambda';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';

// at module scope: compiled once per cold start, and a bad configuration fails the init
const policy = createPolicy({
  origin: (process.env.CORS_ORIGINS ?? 'https://app.example.com').split(','),
  credentials: true,
  methods: ['GET', 'POST', 'DELETE'],
  allowedHeaders: ['Content-Type', 'Authorization'],
  exposedHeaders: ['X-Request-Id'],
  maxAge: 7200,
});

const items = new Map<string, string>([['1', 'first item']]);

export const handler = withCors(
  async (event: APIGatewayProxyEventV2) => {
    const { method } = event.requestContext.http;
    if (method === 'GET' && event.rawPath === '/items') {
      // an answer without statusCode: the HTTP API sends it as a 200 JSON body
      return [...items].map(([id, name]) => ({ id, name }));
    }
    if (method === 'POST' && event.rawPath === '/items') {
      const id = String(items.size + 1);
      items.set(id, event.body ?? '');
      return { statusCode: 201, headers: { 'x-request-id': event.requestContext.requestId }, cookies: [`last-item=${id}; Secure; HttpOnly`], body: JSON.stringify({ id }) };
    }
    if (method === 'GET' && event.rawPath === '/whoami') {
      return { statusCode: 200, body: JSON.stringify({ cors: getCorsDecision(event)?.reason }) };
    }
    return { statusCode: 404, body: 'not found' };
  },
  policy,
  { onError: (error) => void console.error(error) },
);
