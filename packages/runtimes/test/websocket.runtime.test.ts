/**
 * WebSocket handshakes through `withCors` with the origin guard on the real Bun (`Bun.serve`,
 * `server.upgrade`), Deno (`Deno.upgradeWebSocket`) and workerd (`WebSocketPair`, a 101 carrying
 * the client end, under `workerd serve`) binaries: a rejected handshake never reaches the handler
 * and never upgrades. The handshakes are sent as raw HTTP so the test sets `Origin`.
 */
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer, RuntimeName } from './support/servers.js';
import { EXECUTABLES, FIXTURES_DIR, bundleWorker, probe, spawnServer, startWorkerd } from './support/servers.js';

/** Bun and Deno fixtures hold this policy in their code; workerd's gets it as its POLICY binding. */
const GUARDED = { origin: ['https://app.example.com'], guard: {} };

const starts: Record<'bun' | 'deno' | 'workerd', () => Promise<RunningServer>> = {
  bun: () => spawnServer(EXECUTABLES.bun, [join(FIXTURES_DIR, 'ws-bun.js')], {}),
  deno: () => spawnServer(EXECUTABLES.deno, ['run', '--node-modules-dir=manual', '--no-prompt', '--allow-net=127.0.0.1', '--allow-read', join(FIXTURES_DIR, 'ws-deno.js')], { NO_COLOR: '1' }),
  workerd: async () => startWorkerd((await bundleWorker('ws-worker.js')).code, GUARDED),
};

/** How long one handshake may take before the test fails instead of waiting for vitest's time-out. */
const HANDSHAKE_TIMEOUT = 5000;

/** Sends a WebSocket handshake; resolves 101 when the server upgraded, else the status it answered. */
function handshake(baseUrl: string, origin: string | undefined): Promise<number> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {
      connection: 'Upgrade',
      upgrade: 'websocket',
      'sec-websocket-version': '13',
      'sec-websocket-key': randomBytes(16).toString('base64'),
    };
    if (origin !== undefined) headers.origin = origin;
    const req = request(`${baseUrl}/live`, { headers });
    req.on('upgrade', (res, socket) => {
      socket.destroy();
      resolve(res.statusCode ?? 0);
    });
    req.on('response', (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.setTimeout(HANDSHAKE_TIMEOUT, () => {
      req.destroy(new Error(`no answer to the handshake from ${origin ?? 'no origin'} within ${HANDSHAKE_TIMEOUT} ms`));
    });
    req.end();
  });
}

async function counts(baseUrl: string): Promise<{ reached: number; opened: number }> {
  const response = await fetch(`${baseUrl}/count`);
  return (await response.json()) as { reached: number; opened: number };
}

describe.each(['bun', 'deno', 'workerd'] as const satisfies readonly RuntimeName[])('WebSockets through withCors with the origin guard on %s', (runtime) => {
  const probed = probe(runtime);
  let server: RunningServer | undefined;
  beforeAll(async () => {
    if ('version' in probed) server = await starts[runtime]();
  });
  afterAll(async () => {
    await server?.close();
  });

  it.skipIf('reason' in probed)('a handshake from an unlisted or null origin gets 403, never reaches the handler and never upgrades; listed, same-origin and Origin-less handshakes upgrade', async () => {
    const baseUrl = server!.baseUrl;
    expect(await handshake(baseUrl, 'https://evil.example')).toBe(403);
    expect(await handshake(baseUrl, 'null')).toBe(403);
    expect(await counts(baseUrl)).toEqual({ reached: 0, opened: 0 });

    expect(await handshake(baseUrl, 'https://app.example.com')).toBe(101);
    expect(await handshake(baseUrl, baseUrl)).toBe(101);
    expect(await handshake(baseUrl, undefined)).toBe(101);
    await expect.poll(() => counts(baseUrl)).toEqual({ reached: 3, opened: 3 });
  });
});
