/**
 * The small node:http application behind nginx (and behind the Corsica server in audit tests):
 * the five conformance routes, and no CORS code of its own.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A listening server and how to stop it. */
export interface Listening {
  readonly server: Server;
  readonly port: number;
  readonly baseUrl: string;
  close(): Promise<void>;
}

/** Answers the conformance routes: /ok, /error, /does-not-exist (404), /app-options, /vary. */
export function conformanceRoutes(req: IncomingMessage, res: ServerResponse): void {
  const path = (req.url ?? '/').split('?')[0];
  const send = (status: number, body: string): void => {
    res.statusCode = status;
    res.setHeader('Content-Type', 'text/plain');
    res.end(req.method === 'HEAD' ? undefined : body);
  };
  if (path === '/ok' && ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'].includes(req.method ?? '')) return send(200, 'ok');
  if (path === '/error' && req.method === 'GET') return send(500, 'error');
  if (path === '/app-options' && req.method === 'OPTIONS') return send(200, 'app-options');
  if (path === '/vary' && req.method === 'GET') {
    res.setHeader('Vary', 'Accept-Encoding');
    return send(200, 'ok');
  }
  send(404, 'not found');
}

/** Starts `handler` on 127.0.0.1, on a port the OS picks. */
export async function listen(handler: RequestListener): Promise<Listening> {
  const server = createServer(handler);
  // request bodies of the test clients are empty; drain them so keep-alive stays healthy
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    server,
    port,
    baseUrl: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
