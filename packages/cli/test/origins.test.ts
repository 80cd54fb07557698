/**
 * `corsica origins` against a real redis-server: what it writes, what it refuses before writing,
 * and what a following instance sees.
 */
import { createClient } from '@redis/client';
import { redisOrigins } from '@corsica/redis';
import { RedisServer, freePort, hasRedisServer } from '@corsica/test-utils/redis-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from './helpers/cli.js';

describe.runIf(hasRedisServer())('corsica origins', () => {
  let redis: RedisServer;
  let client: ReturnType<typeof createClient>;
  beforeAll(async () => {
    redis = await RedisServer.start();
    client = createClient({ url: redis.url });
    await client.connect();
  });
  afterAll(async () => {
    await client?.close();
    await redis?.stop();
  });

  it('adds origins, and an instance following the set allows them within a second', async () => {
    const policy = await redisOrigins({ redis: redis.url, key: 'fleet', base: {} });
    try {
      const r = await cli(['origins', 'add', '--redis', redis.url, '--key', 'fleet', 'https://a.example.com', 'https://pr-*.preview.example.com']);
      expect(r).toMatchObject({ code: 0, stderr: '' });
      expect(r.stdout).toContain('Added 2 of 2 to "fleet"');
      expect(await client.sMembers('fleet')).toEqual(expect.arrayContaining(['https://a.example.com', 'https://pr-*.preview.example.com']));
      const deadline = Date.now() + 1000;
      while (!policy.decide({ method: 'GET', origin: 'https://pr-3.preview.example.com' }).allowed && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
      expect(policy.decide({ method: 'GET', origin: 'https://pr-3.preview.example.com' }).allowed).toBe(true);
      const removed = await cli(['origins', 'remove', '--redis', redis.url, '--key', 'fleet', 'https://a.example.com', 'https://never.example.com']);
      expect(removed.stdout).toContain('Removed 1 of 2');
      expect(await client.sMembers('fleet')).toEqual(['https://pr-*.preview.example.com']);
    } finally {
      await policy.close();
    }
  });

  it.each([
    { desc: 'a trailing slash', origin: 'https://app.example.com/', code: 'origin.trailing-slash', fix: 'Write "https://app.example.com"' },
    { desc: 'null', origin: 'null', code: 'origin.null', fix: 'Remove "null"' },
    { desc: 'a pattern on a shared hosting domain', origin: 'https://myapp-*.vercel.app', code: 'origin.public-suffix-label-wildcard', fix: 'VERCEL_URL' },
    { desc: 'a wildcard over a public suffix', origin: 'https://*.github.io', code: 'origin.public-suffix-wildcard', fix: 'Name your own domain' },
    { desc: 'upper case', origin: 'https://App.example.com', code: 'origin.uppercase', fix: 'Write "https://app.example.com"' },
  ])('refuses $desc with its fix, exit 2, and writes nothing (not even the valid origins beside it)', async ({ origin, code, fix }) => {
    const r = await cli(['origins', 'add', '--redis', redis.url, '--key', 'refused', 'https://ok.example.com', origin]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('corsica: nothing was written to "refused"');
    expect(r.stderr).toContain(`[${code}]`);
    expect(r.stderr).toContain(fix);
    expect(await client.exists('refused')).toBe(0);
  });

  it('lists the members, and reports on stderr a member every instance skips (exit 1)', async () => {
    await client.sAdd('listed', ['https://b.example.com', 'https://a.example.com', 'https://typo.example.com/']);
    const r = await cli(['origins', 'list', '--redis', redis.url, '--key', 'listed']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('https://a.example.com\nhttps://b.example.com\nhttps://typo.example.com/\n');
    expect(r.stderr).toContain('"https://typo.example.com/" in "listed" is skipped by every instance: [origin.trailing-slash]');
  });

  it('says which URL it could not reach, exit 2', async () => {
    const url = `redis://127.0.0.1:${await freePort()}`;
    const r = await cli(['origins', 'list', '--redis', url, '--key', 'k']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`corsica: cannot reach Redis at --redis ${url}`);
  });

  it.each([
    { args: ['origins', 'add', '--key', 'k', 'https://a.example.com'], message: '--redis is required' },
    { args: ['origins', 'add', '--redis', 'redis://127.0.0.1:1', 'https://a.example.com'], message: '--key is required' },
    { args: ['origins', 'add', '--redis', 'redis://127.0.0.1:1', '--key', 'k'], message: 'needs at least one ORIGIN' },
    { args: ['origins', 'purge', '--redis', 'redis://127.0.0.1:1', '--key', 'k'], message: 'unknown origins action "purge"' },
  ])('explains a usage mistake: $message', async ({ args, message }) => {
    const r = await cli(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
  });
});
