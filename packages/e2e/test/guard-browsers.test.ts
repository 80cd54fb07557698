/**
 * The origin guard in real browsers (Chromium through playwright-core, Firefox through
 * puppeteer-core): what CORS does not stop. A page on an unlisted origin submits a form POST, sends
 * a `no-cors` credentialed fetch, opens a WebSocket (`ws`) and connects the Socket.IO browser client
 * to the API; none of them reaches the handler.
 * The listed origin gets through, and a page under a rebinding host name (resolved to 127.0.0.1)
 * gets 403. Prints the rejection matrix per browser (`guard matrix <engine>: ...`).
 */
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cors, socketIoAllowRequest, wsVerifyClient } from '@corsica/express';
import { createPolicy } from '@corsica/core';
import express from 'express';
import { Server as SocketIoServer } from 'socket.io';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import type { Engine, EngineName } from './support/browsers.js';
import { launchEngine, missingEngine } from './support/browsers.js';

/** Host names each browser resolves to 127.0.0.1 for this file. */
const HOSTS = ['app.test', 'evil.test', 'api.test', 'rebind.test'];

/** What reached the API's handlers. */
const reached = { posts: 0, sockets: 0, socketIo: 0 };

let api: Server;
let pages: Server;
let realtime: Server;
let realtimeIo: SocketIoServer;
let apiPort = 0;
let realtimePort = 0;
let pagePort = 0;

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

beforeAll(async () => {
  pages = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end('<!doctype html><title>page</title><iframe name="sink"></iframe>');
  });
  pages.listen(0, '127.0.0.1');
  await once(pages, 'listening');
  pagePort = (pages.address() as AddressInfo).port;

  const policy = createPolicy({
    origin: [`http://app.test:${pagePort}`],
    guard: { hosts: ['api.test:*', '127.0.0.1:*'] },
  });
  const app = express();
  app.use(cors(policy));
  app.post('/submit', (_req, res) => {
    reached.posts += 1;
    res.type('text/plain').send('saved');
  });
  app.get('/', (_req, res) => {
    res.type('text/html').send('<!doctype html><title>api</title>');
  });
  api = app.listen(0, '127.0.0.1');
  await once(api, 'listening');
  apiPort = (api.address() as AddressInfo).port;
  const wss = new WebSocketServer({ server: api, path: '/live', verifyClient: wsVerifyClient(policy) });
  wss.on('connection', (socket) => {
    reached.sockets += 1;
    socket.send('hello');
  });

  // Socket.IO on its own server (it and ws would both claim the upgrades of one server)
  realtime = createServer();
  realtimeIo = new SocketIoServer(realtime, { allowRequest: socketIoAllowRequest(policy) });
  realtimeIo.on('connection', () => {
    reached.socketIo += 1;
  });
  realtime.listen(0, '127.0.0.1');
  await once(realtime, 'listening');
  realtimePort = (realtime.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise<void>((resolve) => (realtimeIo ? realtimeIo.close(() => resolve()) : resolve()));
  await Promise.all([api && closeServer(api), pages && closeServer(pages), realtime?.listening && closeServer(realtime)]);
});

/** The three requests a cross-site page can make without CORS's permission, run in the page. */
const attacks = (apiOrigin: string, ioOrigin: string) => `(async () => {
  const form = document.createElement('form');
  form.method = 'POST';
  form.action = '${apiOrigin}/submit';
  form.target = 'sink';
  const input = document.createElement('input');
  input.name = 'amount';
  input.value = '100';
  form.append(input);
  document.body.append(form);
  const frame = document.querySelector('iframe');
  const loaded = new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
  form.submit();
  await loaded;
  let fetched;
  try {
    const response = await fetch('${apiOrigin}/submit', { method: 'POST', mode: 'no-cors', credentials: 'include', body: 'amount=100' });
    fetched = response.type;
  } catch (error) {
    fetched = 'network-error';
  }
  const socket = await new Promise((resolve) => {
    const ws = new WebSocket('${apiOrigin.replace('http:', 'ws:')}/live');
    ws.onopen = () => { ws.close(); resolve('open'); };
    ws.onerror = () => resolve('error');
  });
  // the Socket.IO browser client, as the server itself serves it
  await new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = '${ioOrigin}/socket.io/socket.io.js';
    script.onload = resolve;
    script.onerror = () => reject(new Error('no socket.io client'));
    document.head.append(script);
  });
  const socketIo = await new Promise((resolve) => {
    const client = io('${ioOrigin}', { transports: ['websocket'], reconnection: false, timeout: 5000 });
    client.on('connect', () => { client.close(); resolve('connect'); });
    client.on('connect_error', () => { client.close(); resolve('connect_error'); });
  });
  return { fetched, socket, socketIo };
})()`;

type Outcome = { fetched: string; socket: string; socketIo: string };

const ENGINES: readonly EngineName[] = ['chromium', 'firefox'];

describe.each(ENGINES)('the origin guard in %s', (name) => {
  const missing = missingEngine(name);
  let engine: Engine | undefined;
  const matrix: string[] = [];
  beforeAll(async () => {
    if (missing === undefined) engine = await launchEngine(name, { hosts: HOSTS });
  }, 60_000);
  afterAll(async () => {
    if (matrix.length > 0) console.log(`guard matrix ${name}: ${matrix.join('; ')}`);
    await engine?.close();
  });

  async function fromPage(pageHost: string): Promise<{ outcome: Outcome; posts: number; sockets: number; socketIo: number }> {
    const before = { ...reached };
    const session = await engine!.newSession();
    try {
      await session.goto(`http://${pageHost}:${pagePort}/`);
      const outcome = await session.evaluate<Outcome>(attacks(`http://api.test:${apiPort}`, `http://api.test:${realtimePort}`));
      return { outcome, posts: reached.posts - before.posts, sockets: reached.sockets - before.sockets, socketIo: reached.socketIo - before.socketIo };
    } finally {
      await session.close();
    }
  }

  it.skipIf(missing !== undefined)('a page on an unlisted origin submits a form POST, a no-cors credentialed fetch, a WebSocket and a Socket.IO connection, and none reaches its handler', async () => {
    const result = await fromPage('evil.test');
    expect(result.posts).toBe(0);
    expect(result.sockets).toBe(0);
    expect(result.socketIo).toBe(0);
    expect(result.outcome.socket).toBe('error');
    expect(result.outcome.socketIo).toBe('connect_error');
    matrix.push(`unlisted origin: form POST rejected, no-cors fetch rejected (page saw ${result.outcome.fetched}), WebSocket ${result.outcome.socket}, Socket.IO client ${result.outcome.socketIo}`);
  }, 30_000);

  it.skipIf(missing !== undefined)('the listed origin gets its form POST, no-cors fetch, WebSocket and Socket.IO connection through', async () => {
    const result = await fromPage('app.test');
    expect(result.posts).toBe(2);
    expect(result.sockets).toBe(1);
    expect(result.socketIo).toBe(1);
    expect(result.outcome.socket).toBe('open');
    expect(result.outcome.socketIo).toBe('connect');
    matrix.push(`listed origin: form POST and no-cors fetch reached the handler (${result.posts}), WebSocket ${result.outcome.socket}, Socket.IO client ${result.outcome.socketIo}`);
  }, 30_000);

  it.skipIf(missing !== undefined)('a page under a rebinding host name that resolves to the API gets 403 for its own requests, and nothing reaches the handler', async () => {
    const before = reached.posts;
    const session = await engine!.newSession();
    try {
      await session.goto(`http://rebind.test:${apiPort}/`);
      const statuses = await session.evaluate<number[]>(`Promise.all([fetch('/').then((r) => r.status), fetch('/submit', { method: 'POST', body: 'amount=100' }).then((r) => r.status)])`);
      expect(statuses).toEqual([403, 403]);
      matrix.push(`rebinding host: GET ${statuses[0]}, same-origin POST ${statuses[1]}`);
    } finally {
      await session.close();
    }
    expect(reached.posts).toBe(before);
  }, 30_000);
});
