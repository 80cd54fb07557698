/**
 * NestJS `@WebSocketGateway()`s behind the origin guard, over real sockets on 127.0.0.1: both HTTP
 * platforms, both WebSocket adapters (`ws` through `WsAdapter`, Socket.IO through `IoAdapter`),
 * one policy for HTTP and WebSockets. A handshake is not a CORS request: without the guide's
 * adapter subclass, Nest accepts a cross-site page's handshake (the control case below).
 */
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import { createPolicy } from '@corsica/core';
import { io as socketIoClient } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { WS_PATH, startGateway, startTwoIoGateways } from './gateways.js';
import { GuardedIoAdapter } from './recipe/guarded-io-adapter.js';
import { GuardedWsAdapter } from './recipe/guarded-ws-adapter.js';
import type { GatewayApp, Platform, StartOptions, Transport } from './gateways.js';

const LISTED = 'https://app.example.com';
const UNLISTED = 'https://evil.example';

const policy = createPolicy({ origin: [LISTED], credentials: true, guard: {} });
const pinnedPolicy = createPolicy({ origin: [LISTED], credentials: true, guard: { hosts: ['127.0.0.1:*'] } });

const apps: GatewayApp[] = [];
afterEach(async () => {
  for (const app of apps.splice(0)) await app.close();
});

async function start(platform: Platform, transport: Transport, options: StartOptions & { policy?: typeof policy } = {}): Promise<GatewayApp> {
  const app = await startGateway(platform, transport, options.policy ?? policy, options);
  apps.push(app);
  return app;
}

/** The client's request headers: an Origin (none for a server-side client) and, for rebinding, a Host. */
interface Handshake {
  readonly origin?: string;
  readonly host?: string;
}

const headersOf = ({ origin, host }: Handshake): Record<string, string> => ({ ...(origin === undefined ? {} : { origin }), ...(host === undefined ? {} : { host }) });

/**
 * A `ws` client against the gateway: sends `echo` once open. Resolves with the echoed data, or
 * with the HTTP status that refused the handshake.
 */
function wsEcho(port: number, handshake: Handshake, path = WS_PATH): Promise<{ echoed: unknown } | { status: number }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`ws://127.0.0.1:${port}${path}`, { headers: headersOf(handshake) });
    socket.on('open', () => socket.send(JSON.stringify({ event: 'echo', data: 'hello' })));
    socket.on('message', (frame) => {
      socket.close();
      resolve({ echoed: (JSON.parse(String(frame)) as { data: unknown }).data });
    });
    socket.on('unexpected-response', (_req, res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0 });
    });
    socket.on('error', reject);
  });
}

/** A Socket.IO client on one transport: emits `echo` once connected. Resolves with the echoed data, or the `connect_error` message. */
function socketIoEcho(port: number, transport: 'polling' | 'websocket', handshake: Handshake): Promise<{ echoed: unknown } | { connectError: string }> {
  return new Promise((resolve) => {
    const client = socketIoClient(`http://127.0.0.1:${port}`, { transports: [transport], reconnection: false, forceNew: true, timeout: 5_000, extraHeaders: headersOf(handshake) });
    client.on('connect', () => client.emit('echo', 'hello'));
    client.on('echo', (data: unknown) => {
      client.close();
      resolve({ echoed: data });
    });
    client.on('connect_error', (error) => {
      client.close();
      resolve({ connectError: error.message });
    });
  });
}

/** Whether a Socket.IO client from `origin` connects to `namespace` (WebSocket transport). */
function socketIoConnects(port: number, namespace: string, origin: string): Promise<boolean> {
  return new Promise((resolve) => {
    const client = socketIoClient(`http://127.0.0.1:${port}${namespace}`, { transports: ['websocket'], reconnection: false, forceNew: true, timeout: 5_000, extraHeaders: { origin } });
    client.on('connect', () => {
      client.close();
      resolve(true);
    });
    client.on('connect_error', () => {
      client.close();
      resolve(false);
    });
  });
}

/** One echo over the gateway's transport (Socket.IO: both of its transports, in turn). */
async function echoes(transport: Transport, port: number, handshake: Handshake): Promise<unknown[]> {
  if (transport === 'ws') return [await wsEcho(port, handshake)];
  return [await socketIoEcho(port, 'polling', handshake), await socketIoEcho(port, 'websocket', handshake)];
}

/** A raw request to the app: an Engine.IO polling handshake or the HTTP route, with exact headers. */
function get(port: number, path: string, headers: Record<string, string>): Promise<{ status: number; headers: IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, headers }, (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0, headers: res.headers });
    });
    req.on('error', reject);
    req.end();
  });
}

const ECHOED = { echoed: 'hello' };
const sameOrigin = (port: number): string => `http://127.0.0.1:${port}`;

const matrix = (['express', 'fastify'] as const).flatMap((platform) => (['ws', 'socket.io'] as const).map((transport) => ({ platform, transport })));

describe.each(matrix)('a NestJS gateway on $transport (platform-$platform) behind the origin guard', ({ platform, transport }) => {
  it('refuses a handshake from an unlisted origin before the gateway runs (ws: 403 before the upgrade; Socket.IO: connect_error on both transports)', async () => {
    const app = await start(platform, transport);
    if (transport === 'ws') {
      expect(await wsEcho(app.port, { origin: UNLISTED })).toEqual({ status: 403 });
      expect(await wsEcho(app.port, { origin: 'null' })).toEqual({ status: 403 });
    } else {
      expect(await socketIoEcho(app.port, 'polling', { origin: UNLISTED })).toEqual({ connectError: expect.any(String) });
      expect(await socketIoEcho(app.port, 'websocket', { origin: UNLISTED })).toEqual({ connectError: expect.any(String) });
      expect((await get(app.port, '/socket.io/?EIO=4&transport=polling', { origin: UNLISTED })).status).toBe(403);
    }
    expect(app.counts).toEqual({ connections: 0, messages: 0, http: 0 });
  });

  it('lets a listed origin connect, and echoes its message', async () => {
    const app = await start(platform, transport);
    for (const outcome of await echoes(transport, app.port, { origin: LISTED })) expect(outcome).toEqual(ECHOED);
    expect(app.counts.messages).toBe(transport === 'ws' ? 1 : 2);
  });

  it('lets a same-origin page (Origin equal to Host) and a client that sends no Origin connect, without listing them', async () => {
    const app = await start(platform, transport);
    for (const outcome of await echoes(transport, app.port, { origin: sameOrigin(app.port) })) expect(outcome).toEqual(ECHOED);
    for (const outcome of await echoes(transport, app.port, {})) expect(outcome).toEqual(ECHOED);
  });

  it('uses the same policy as the HTTP middleware: the listed origin gets its CORS headers from the route', async () => {
    const app = await start(platform, transport);
    const res = await get(app.port, '/ok', { origin: LISTED });
    expect(res.status).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBe(LISTED);
    expect(app.counts.http).toBe(1);
  });

  it('with guard.hosts, refuses a DNS-rebinding page (its Origin equals its Host, a name outside the list) on the gateway and on HTTP', async () => {
    const app = await start(platform, transport, { policy: pinnedPolicy });
    const rebound = { origin: `http://rebind.example:${app.port}`, host: `rebind.example:${app.port}` };
    if (transport === 'ws') {
      expect(await wsEcho(app.port, rebound)).toEqual({ status: 403 });
    } else {
      expect(await socketIoEcho(app.port, 'websocket', rebound)).toEqual({ connectError: expect.any(String) });
      expect((await get(app.port, '/socket.io/?EIO=4&transport=polling', rebound)).status).toBe(403);
    }
    expect((await get(app.port, '/ok', rebound)).status).toBe(403);
    expect(app.counts).toEqual({ connections: 0, messages: 0, http: 0 });
    for (const outcome of await echoes(transport, app.port, { origin: sameOrigin(app.port) })) expect(outcome).toEqual(ECHOED);
  });

  it('without the guarded adapter, Nest accepts the cross-site handshake: WebSockets are not covered by CORS (the control for the tests above)', async () => {
    const app = await start(platform, transport, { guarded: false });
    for (const outcome of await echoes(transport, app.port, { origin: UNLISTED })) expect(outcome).toEqual(ECHOED);
    expect(app.counts.connections).toBeGreaterThan(0);
  });
});

describe.each(['express', 'fastify'] as const)('a NestJS Socket.IO gateway (platform-%s): polling from a page on another origin', (platform) => {
  const pollingHandshake = { origin: LISTED };
  it('gets no CORS headers from the HTTP middleware, which never sees Socket.IO’s requests', async () => {
    const app = await start(platform, 'socket.io');
    const res = await get(app.port, '/socket.io/?EIO=4&transport=polling', pollingHandshake);
    expect(res.status).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('gets them from the gateway’s own `cors` option, next to the guarded adapter', async () => {
    const app = await start(platform, 'socket.io', { gateway: { cors: { origin: [LISTED], credentials: true } } });
    const res = await get(app.port, '/socket.io/?EIO=4&transport=polling', pollingHandshake);
    expect(res.status).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBe(LISTED);
    expect((await get(app.port, '/socket.io/?EIO=4&transport=polling', { origin: UNLISTED })).status).toBe(403);
  });

  it('is not refused by Socket.IO’s `cors` option alone: an unlisted origin still opens a session', async () => {
    const app = await start(platform, 'socket.io', { guarded: false, gateway: { cors: { origin: [LISTED], credentials: true } } });
    const res = await get(app.port, '/socket.io/?EIO=4&transport=polling', { origin: UNLISTED });
    expect(res.status).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    expect(await socketIoEcho(app.port, 'websocket', { origin: UNLISTED })).toEqual(ECHOED);
  });
});

describe.each(['ws', 'socket.io'] as const)('a NestJS gateway on %s with the check in @WebSocketGateway() options', (transport) => {
  it('refuses an unlisted origin and lets a listed one connect, as the adapter subclass does', async () => {
    const app = await start('express', transport, { wiring: 'gateway-options' });
    for (const outcome of await echoes(transport, app.port, { origin: UNLISTED })) expect(outcome).not.toEqual(ECHOED);
    expect(app.counts.connections).toBe(0);
    for (const outcome of await echoes(transport, app.port, { origin: LISTED })) expect(outcome).toEqual(ECHOED);
  });
});

describe('two NestJS Socket.IO gateways on one server, the check in the options of one of them', () => {
  it('check every namespace or none, depending on the order of the providers: why the guide puts the check in the adapter', async () => {
    const connects: boolean[][] = [];
    for (const order of ['checked-first', 'checked-last'] as const) {
      const app = await startTwoIoGateways(policy, order);
      apps.push(app);
      connects.push([await socketIoConnects(app.port, '/admin', UNLISTED), await socketIoConnects(app.port, '/', UNLISTED)]);
    }
    // within one app the check is all or nothing (Engine.IO's, for the whole server)...
    for (const outcomes of connects) expect(new Set(outcomes).size).toBe(1);
    // ...and which, depends on an order nobody chose for security
    expect(new Set(connects.map((outcomes) => outcomes[0]))).toEqual(new Set([true, false]));
  });
});

describe('the guarded adapters', () => {
  it.each([
    { name: 'GuardedWsAdapter', create: (p: typeof policy) => new GuardedWsAdapter(undefined as never, p) },
    { name: 'GuardedIoAdapter', create: (p: typeof policy) => new GuardedIoAdapter(undefined as never, p) },
  ])('$name refuses, when the app starts, a policy whose origin guard is off', ({ create }) => {
    expect(() => create(createPolicy({ origin: [LISTED] }))).toThrow(/guard: \{\}/);
    expect(() => create(policy)).not.toThrow();
  });
});

describe('the NestJS guide', () => {
  const guide = readFileSync(new URL('../../../docs/guides/nestjs.md', import.meta.url), 'utf8');
  it.each(['guarded-ws-adapter.ts', 'guarded-io-adapter.ts'])('shows %s exactly as these tests run it', (file) => {
    const block = new RegExp(`\`\`\`ts file=${file.replace('.', '\\.')}\n([\\s\\S]*?)\`\`\``).exec(guide);
    expect(block?.[1]).toBe(readFileSync(new URL(`./recipe/${file}`, import.meta.url), 'utf8'));
  });
});
