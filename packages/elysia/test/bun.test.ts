/**
 * Elysia where it runs in production: the real `bun` binary (npm's `bun` package), serving
 * `test/bun-server.ts` on 127.0.0.1, driven over HTTP from this process.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeConformance } from '@corsica/conformance/vitest';
import { ADAPTER_POLICIES, ALLOWED_ACTUAL_HEADERS, APP, EVIL, expectVary, mainOptions, preflight, send } from '@corsica/test-utils';
import { startOnBun } from './serve.js';

describeConformance('@corsica/elysia on Bun conformance', (options) => startOnBun('suite', options), { policies: ADAPTER_POLICIES });

describe('@corsica/elysia on Bun: every way Elysia answers keeps the CORS headers', () => {
  let served: Awaited<ReturnType<typeof startOnBun>>;
  beforeAll(async () => {
    served = await startOnBun('pitfalls', mainOptions as never);
  });
  afterAll(() => served.close());

  it.each([
    { desc: 'a Bun.file() answer', path: '/file', status: 200 },
    { desc: 'status(418, ...)', path: '/status', status: 418 },
    { desc: 'a thrown status(409, ...)', path: '/thrown-status', status: 409 },
    { desc: 'a thrown NotFoundError', path: '/not-found-error', status: 404 },
    { desc: 'a thrown Error (Elysia’s 500)', path: '/crash', status: 500 },
    { desc: 'a value the app’s onError answers', path: '/on-error', status: 422 },
    { desc: 'Elysia’s 404 for a missing route', path: '/nowhere', status: 404 },
    { desc: 'a returned 4xx Response', path: '/response', status: 410 },
    { desc: 'an immutable Response.redirect', path: '/redirect', status: 307 },
  ])('on $desc', async ({ path, status }) => {
    const res = await send(served.baseUrl, { path, headers: [['Origin', APP]] });
    expect(res.status).toBe(status);
    expect(res.cors).toEqual(ALLOWED_ACTUAL_HEADERS);
    for (const name of Object.keys(ALLOWED_ACTUAL_HEADERS)) expect(res.all(name)).toHaveLength(1);
    expect(res.vary).toContain('Origin');
  });

  it('sends the file’s bytes with the headers', async () => {
    const res = await send(served.baseUrl, { path: '/file', headers: [['Origin', APP]] });
    expect(res.body).toContain('Run by the tests on the real `bun` binary');
  });

  it('merges Vary with a returned Response’s own and with set.headers.vary', async () => {
    expectVary(await send(served.baseUrl, { path: '/response', headers: [['Origin', APP]] }), ['Accept', 'Origin']);
    expectVary(await send(served.baseUrl, { path: '/vary', headers: [['Origin', APP]] }), ['Accept-Encoding', 'Origin']);
  });

  it('answers a preflight in the request phase: the beforeHandle guard never sees it', async () => {
    const pre = await send(served.baseUrl, { method: 'OPTIONS', path: '/guarded', headers: preflight(APP, 'PUT', 'authorization') });
    expect(pre.status).toBe(204);
    expect(pre.header('access-control-allow-origin')).toBe(APP);
    const guarded = await send(served.baseUrl, { method: 'PUT', path: '/guarded', headers: [['Origin', APP]] });
    expect(guarded.status).toBe(401);
    expect(guarded.body).toBe('log in first');
    expect(guarded.cors).toEqual(ALLOWED_ACTUAL_HEADERS);
  });

  it('gives handlers the decision as cors in their context', async () => {
    const allowed = await send(served.baseUrl, { path: '/decision', headers: [['Origin', APP]] });
    const denied = await send(served.baseUrl, { path: '/decision', headers: [['Origin', EVIL]] });
    const none = await send(served.baseUrl, { path: '/decision' });
    expect([allowed.body, denied.body, none.body]).toEqual(['origin-allowed', 'origin-not-allowed', 'not-cors']);
  });

  it('runs on Bun', () => {
    expect(served.info.version).toMatch(/^1\./);
  });
});
