/**
 * Ports for the servers tests start (nginx, Apache, Caddy, HAProxy, redis-server): a free one on
 * 127.0.0.1, and whether something accepts connections there yet.
 */
import { connect, createServer } from 'node:net';

/** A port on 127.0.0.1 that was free a moment ago (the OS chose it). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Resolves whether a TCP connection to 127.0.0.1:`port` succeeds now. */
export function acceptsConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
