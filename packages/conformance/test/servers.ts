/**
 * Test servers for the kit itself: a reference CORS server built from the core, and broken
 * variants of it, each with one well-known mistake. All listen on 127.0.0.1 port 0.
 */
import { once } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { applyCorsHeaders, createPolicy } from '@corsica/core';
import { factsFromNodeRequest } from '@corsica/core/adapter';
import type { CorsOptions, Decision } from '@corsica/core';
import type { StartedServer } from '../src/vitest.js';

/** What a CORS layer does to a request before (or instead of) the app. */
export type CorsLayer = (req: IncomingMessage, res: ServerResponse) => 'handled' | 'next';

/** The five conformance routes, as a plain node:http app. */
export function app(req: IncomingMessage, res: ServerResponse): void {
  const path = (req.url ?? '/').split('?')[0];
  const method = req.method ?? 'GET';
  const reply = (status: number, body: string): void => {
    res.statusCode = status;
    res.setHeader('Content-Type', 'text/plain');
    res.end(method === 'HEAD' ? undefined : body);
  };
  if (path === '/ok' && ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'].includes(method)) return reply(200, 'ok');
  if (path === '/error' && method === 'GET') return reply(500, 'Internal Server Error');
  if (path === '/app-options' && method === 'OPTIONS') return reply(200, 'app-options');
  if (path === '/vary' && method === 'GET') {
    // appended, as compression middleware and `res.vary()` do: the CORS layer ran first
    const before = res.getHeader('Vary');
    res.setHeader('Vary', before === undefined ? 'Accept-Encoding' : `${String(before)}, Accept-Encoding`);
    return reply(200, 'ok');
  }
  reply(404, 'Not Found');
}

/** The reference CORS layer: the core decides, the headers are applied, preflights answered. */
export function referenceLayer(options: CorsOptions): CorsLayer {
  const policy = createPolicy(options as never);
  return (req, res) => {
    const decision = policy.decide(factsFromNodeRequest(req));
    applyCorsHeaders(res, decision);
    // answered here, never by the app: preflights and the origin guard's rejections
    if (decision.status === undefined) return 'next';
    res.statusCode = decision.status;
    if (decision.body !== undefined) res.setHeader('Content-Type', 'text/plain; charset=utf-8');
    res.end(decision.body);
    return 'handled';
  };
}

/** Starts a server running `layer` in front of the conformance app. */
export async function startServer(layer: CorsLayer): Promise<StartedServer> {
  const server = createServer((req, res) => {
    if (layer(req, res) === 'handled') return;
    app(req, res);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}

/** Applies a decision, for broken layers that start from the right answer and then go wrong. */
export function decideWith(options: CorsOptions): (req: IncomingMessage) => Decision {
  const policy = createPolicy(options as never);
  return (req) => policy.decide(factsFromNodeRequest(req));
}
