/**
 * WebSocket handshakes against the origin guard, with the real `ws` package and Socket.IO (server and
 * `socket.io-client`) on Express, Koa and Fastify servers over 127.0.0.1. Node hands upgrade requests
 * to `server.on('upgrade')`, outside every middleware, so each integration point is exercised:
 * `guardUpgrade`, `wsVerifyClient` and `socketIoAllowRequest`.
 */
import { once } from 'node:events';
import { request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cors as expressCors, guardUpgrade as expressGuardUpgrade, socketIoAllowRequest as expressSocketIo, wsVerifyClient as expressVerify } from '@corsica/express';
import { createPolicy } from '@corsica/core';
import { cors as fastifyCors, guardUpgrade as fastifyGuardUpgrade, socketIoAllowRequest as fastifySocketIo, wsVerifyClient as fastifyVerify } from '@corsica/fastify';
import { cors as koaCors, guardUpgrade as koaGuardUpgrade, socketIoAllowRequest as koaSocketIo, wsVerifyClient as koaVerify } from '@corsica/koa';
import express from 'express';
import Fastify from 'fastify';
import Koa from 'koa';
import { Server as SocketIoServer } from 'socket.io';
import { io as socketIoClient } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';

const LISTED = 'https://app.example.com';
const UNLISTED = 'https://evil.example';

const policy = createPolicy({ origin: [LISTED], credentials: true, guard: {} });

type Helpers = { guardUpgrade: typeof expressGuardUpgrade; wsVerifyClient: typeof expressVerify; socketIoAllowRequest: typeof expressSocketIo };

/** A framework's HTTP server with the Corsica middleware and a plain route, not yet listening. */
interface Framework {
  readonly name: string;
  readonly helpers: Helpers;
  start(): Promise<{ server: Server; close(): Promise<void> }>;
}

const frameworks: readonly Framework[] = [
  {
    name: 'Express',
    helpers: { guardUpgrade: expressGuardUpgrade, wsVerifyClient: expressVerify, socketIoAllowRequest: expressSocketIo },
    async start() {
      const app = express();
      app.use(expressCors(policy));
      app.get('/ok', (_req, res) => {
        res.send('ok');
      });
      const server = app.listen(0, '127.0.0.1');
      await once(server, 'listening');
      return { server, close: () => closeServer(server) };
    },
  },
  {
    name: 'Koa',
    helpers: { guardUpgrade: koaGuardUpgrade, wsVerifyClient: koaVerify, socketIoAllowRequest: koaSocketIo },
    async start() {
      const app = new Koa();
      app.use(koaCors(policy));
      app.use((ctx) => {
        ctx.body = 'ok';
      });
      const server = app.listen(0, '127.0.0.1');
      await once(server, 'listening');
      return { server, close: () => closeServer(server) };
    },
  },
  {
    name: 'Fastify',
    helpers: { guardUpgrade: fastifyGuardUpgrade, wsVerifyClient: fastifyVerify, socketIoAllowRequest: fastifySocketIo },
    async start() {
      const app = Fastify();
      await app.register(fastifyCors, { policy });
      app.get('/ok', async () => 'ok');
      await app.listen({ port: 0, host: '127.0.0.1' });
      return { server: app.server, close: () => app.close() };
    },
  },
];

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** What a `ws` client saw: `open`, or the HTTP status the server refused the handshake with. */
function wsHandshake(url: string, origin: string | undefined): Promise<'open' | number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, origin === undefined ? {} : { origin });
    socket.on('open', () => {
      socket.close();
      resolve('open');
    });
    socket.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      res.resume();
    });
    socket.on('error', (error) => reject(error));
  });
}

/** A Socket.IO client's outcome: `connect`, or the `connect_error` message. */
function socketIoConnect(port: number, transport: 'websocket' | 'polling', origin: string | undefined): Promise<string> {
  return new Promise((resolve) => {
    const client = socketIoClient(`http://127.0.0.1:${port}`, {
      transports: [transport],
      reconnection: false,
      forceNew: true,
      timeout: 5_000,
      ...(origin === undefined ? {} : { extraHeaders: { origin } }),
    });
    client.on('connect', () => {
      client.close();
      resolve('connect');
    });
    client.on('connect_error', (error) => {
      client.close();
      resolve(`connect_error: ${error.message}`);
    });
  });
}

/** The status of a raw Engine.IO handshake request (polling), as a browser without the client library would send it. */
function pollingHandshakeStatus(port: number, origin: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path: '/socket.io/?EIO=4&transport=polling', headers: { origin } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

const sameOrigin = (port: number) => `http://127.0.0.1:${port}`;

describe.each(frameworks)('WebSockets on a $name server with the origin guard', (framework) => {
  async function listen() {
    const started = await framework.start();
    cleanups.push(() => started.close());
    return { server: started.server, port: (started.server.address() as AddressInfo).port };
  }

  it('with the ws package behind guardUpgrade, an unlisted origin gets 403 and the connection handler never runs; listed, same-origin and Origin-less clients connect', async () => {
    const { server, port } = await listen();
    const wss = new WebSocketServer({ noServer: true });
    cleanups.push(() => new Promise<void>((resolve) => wss.close(() => resolve())));
    let connections = 0;
    wss.on('connection', (ws) => {
      connections += 1;
      ws.close();
    });
    const allowed = framework.helpers.guardUpgrade(policy);
    server.on('upgrade', async (req, socket, head) => {
      if (!(await allowed(req, socket))) return;
      wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
    });
    const url = `ws://127.0.0.1:${port}/live`;

    expect(await wsHandshake(url, UNLISTED)).toBe(403);
    expect(await wsHandshake(url, 'null')).toBe(403);
    expect(connections).toBe(0);
    expect(await wsHandshake(url, LISTED)).toBe('open');
    expect(await wsHandshake(url, sameOrigin(port))).toBe('open');
    expect(await wsHandshake(url, undefined)).toBe('open');
    expect(connections).toBe(3);
  });

  it('with the ws package and wsVerifyClient, an unlisted origin gets 403 and the connection handler never runs; listed, same-origin and Origin-less clients connect', async () => {
    const { server, port } = await listen();
    const wss = new WebSocketServer({ server, path: '/live', verifyClient: framework.helpers.wsVerifyClient(policy) });
    cleanups.push(() => new Promise<void>((resolve) => wss.close(() => resolve())));
    let connections = 0;
    wss.on('connection', (ws) => {
      connections += 1;
      ws.close();
    });
    const url = `ws://127.0.0.1:${port}/live`;

    expect(await wsHandshake(url, UNLISTED)).toBe(403);
    expect(connections).toBe(0);
    expect(await wsHandshake(url, LISTED)).toBe('open');
    expect(await wsHandshake(url, sameOrigin(port))).toBe('open');
    expect(await wsHandshake(url, undefined)).toBe('open');
    expect(connections).toBe(3);
  });

  it('with Socket.IO and socketIoAllowRequest, an unlisted origin is refused on both transports (403 polling, 400 on upgrade, as Engine.IO answers it) and the connection handler never runs; listed, same-origin and Origin-less clients connect', async () => {
    const { server, port } = await listen();
    const io = new SocketIoServer(server, { allowRequest: framework.helpers.socketIoAllowRequest(policy) });
    cleanups.push(() => new Promise<void>((resolve) => io.close(() => resolve())));
    let connections = 0;
    io.on('connection', () => {
      connections += 1;
    });

    expect(await socketIoConnect(port, 'websocket', UNLISTED)).toMatch(/^connect_error/);
    expect(await socketIoConnect(port, 'polling', UNLISTED)).toMatch(/^connect_error/);
    expect(await pollingHandshakeStatus(port, UNLISTED)).toBe(403);
    // Engine.IO answers every refused upgrade with 400 (its abortUpgrade), whatever allowRequest said;
    // polling handshakes get 403. Either way no session opens.
    expect(await wsHandshake(`ws://127.0.0.1:${port}/socket.io/?EIO=4&transport=websocket`, UNLISTED)).toBe(400);
    expect(connections).toBe(0);

    for (const transport of ['websocket', 'polling'] as const) {
      expect(await socketIoConnect(port, transport, LISTED)).toBe('connect');
      expect(await socketIoConnect(port, transport, sameOrigin(port))).toBe('connect');
      expect(await socketIoConnect(port, transport, undefined)).toBe('connect');
    }
    expect(connections).toBe(6);
  });
});
