/**
 * redisOrigins against a real redis-server (Debian's, started on a free port by each suite):
 * loading, following changes, invalid members, Redis down at start and while running.
 */
import { createClient } from '@redis/client';
import type { ConfigProblem } from '@corsica/core';
import { RedisServer, hasRedisServer } from '@corsica/test-utils/redis-server';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { addOrigins, redisOrigins, removeOrigins } from './index.js';
import type { RedisClientLike, RedisOriginsErrorContext, RedisOriginsPolicy } from './index.js';

const allowed = (policy: RedisOriginsPolicy, origin: string): boolean => policy.decide({ method: 'GET', origin }).allowed;

async function eventually(check: () => boolean, timeoutMs = 3000): Promise<number> {
  const start = performance.now();
  while (!check()) {
    if (performance.now() - start > timeoutMs) throw new Error(`not true within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  return performance.now() - start;
}

describe.runIf(hasRedisServer())('redisOrigins with a real Redis', () => {
  let redis: RedisServer;
  let client: RedisClientLike;
  const policies: RedisOriginsPolicy[] = [];
  let keySeq = 0;
  const newKey = () => `cors:origins:${++keySeq}`;
  const follow = async (options: Partial<Parameters<typeof redisOrigins>[0]> & { key: string }) => {
    const policy = await redisOrigins({ redis: redis.url, base: { credentials: true }, ...options });
    policies.push(policy);
    return policy;
  };

  beforeAll(async () => {
    redis = await RedisServer.start();
    client = createClient({ url: redis.url }) as RedisClientLike;
    await client.connect();
  });
  afterEach(async () => {
    await Promise.all(policies.splice(0).map((p) => p.close()));
  });
  afterAll(async () => {
    await client?.close();
    await redis?.stop();
  });

  it('allows the members of the set once the returned Promise resolves, and nothing else', async () => {
    const key = newKey();
    await client.sAdd(key, ['https://a.example.com', 'https://pr-*.preview.example.com']);
    const errors: unknown[] = [];
    const policy = await follow({ key, onError: (error) => errors.push(error) });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(errors, 'a healthy start reports nothing').toEqual([]);
    expect(allowed(policy, 'https://a.example.com')).toBe(true);
    expect(allowed(policy, 'https://pr-7.preview.example.com')).toBe(true);
    expect(allowed(policy, 'https://b.example.com')).toBe(false);
    expect(policy.decide({ method: 'GET', origin: 'https://a.example.com' }).headers['Access-Control-Allow-Credentials']).toBe('true');
  });

  it('follows addOrigins and removeOrigins within milliseconds', async () => {
    const key = newKey();
    const policy = await follow({ key });
    expect(allowed(policy, 'https://new.example.com')).toBe(false);
    await addOrigins(client, key, ['https://new.example.com']);
    expect(await eventually(() => allowed(policy, 'https://new.example.com'))).toBeLessThan(500);
    await removeOrigins(client, key, ['https://new.example.com']);
    await eventually(() => !allowed(policy, 'https://new.example.com'));
  });

  it('follows a plain SADD from elsewhere when keyspace notifications are on', async () => {
    const key = newKey();
    const policy = await follow({ key, resyncInterval: 0 });
    await client.configSet('notify-keyspace-events', 'Ks');
    try {
      await client.sAdd(key, 'https://plain.example.com');
      await eventually(() => allowed(policy, 'https://plain.example.com'));
    } finally {
      await client.configSet('notify-keyspace-events', '');
    }
  });

  it('picks up a plain SADD without keyspace notifications at the next periodic resync', async () => {
    const key = newKey();
    const policy = await follow({ key, resyncInterval: 200 });
    await client.sAdd(key, 'https://quiet.example.com');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(allowed(policy, 'https://quiet.example.com')).toBe(false);
    await eventually(() => allowed(policy, 'https://quiet.example.com'), 2000);
  });

  it('reports an invalid member to onError with its problem and fix, skips it, and keeps every valid one', async () => {
    const key = newKey();
    const errors: { error: unknown; context: RedisOriginsErrorContext }[] = [];
    await client.sAdd(key, ['https://good.example.com', 'https://typo.example.com/', 'null', 'https://myapp-*.vercel.app']);
    const policy = await follow({ key, onError: (error, context) => errors.push({ error, context }) });
    expect(allowed(policy, 'https://good.example.com')).toBe(true);
    const byEntry = new Map(errors.map((e) => [e.context.entry, e.context.problem as ConfigProblem]));
    expect(byEntry.get('https://typo.example.com/')?.code).toBe('origin.trailing-slash');
    expect(byEntry.get('null')?.code).toBe('origin.null');
    expect(byEntry.get('https://myapp-*.vercel.app')?.code).toBe('origin.public-suffix-label-wildcard');
    expect(String(errors[0]!.error)).toMatch(/corsica: the Redis set "cors:origins:\d+" holds .* Fix: /);
    // an invalid member added later is reported once and leaves the allowlist as it was
    await addOrigins(client, key, ['https://Upper.example.com']);
    await eventually(() => errors.some((e) => e.context.entry === 'https://Upper.example.com'));
    expect(allowed(policy, 'https://good.example.com')).toBe(true);
  });

  it('allows no origin when the set is empty or missing', async () => {
    const policy = await follow({ key: newKey() });
    expect(allowed(policy, 'https://a.example.com')).toBe(false);
  });

  it('coalesces a burst of 200 changes into far fewer reads of the set, ending on the final set', async () => {
    const key = newKey();
    const policy = await follow({ key });
    const smembersCalls = async () => Number(/cmdstat_smembers:calls=(\d+)/.exec(String(await client.info('commandstats')))?.[1] ?? 0);
    const before = await smembersCalls();
    await Promise.all(Array.from({ length: 200 }, (_, i) => addOrigins(client, key, [`https://t${i}.example.com`])));
    await eventually(() => Array.from({ length: 200 }, (_, i) => `https://t${i}.example.com`).every((o) => allowed(policy, o)));
    const reads = (await smembersCalls()) - before;
    expect(reads).toBeGreaterThan(0);
    expect(reads).toBeLessThan(100);
  });

  it('rejects a base that sets origin, and a bad base, before connecting', async () => {
    await expect(redisOrigins({ redis: redis.url, key: 'k', base: { origin: 'https://a.example.com' } as never })).rejects.toThrow(/corsica: redisOrigins `base` must not set `origin`/);
    await expect(redisOrigins({ redis: redis.url, key: 'k', base: { methods: ['TRACE'] } })).rejects.toThrow(/methods/);
    await expect(redisOrigins({ redis: redis.url, key: '', base: {} })).rejects.toThrow(/`key` must name the Redis set/);
    await expect(redisOrigins({ redis: 'http://127.0.0.1:6379', key: 'k', base: {} })).rejects.toThrow(/corsica: redisOrigins `redis` must be a redis:\/\/ or rediss:\/\/ URL/);
  });

  it('refuses reconfigure() with a message that names the set and the fix', async () => {
    const policy = await follow({ key: newKey() });
    expect(() => policy.reconfigure({ origin: 'https://a.example.com' })).toThrow(/takes its origins from the Redis set "cors:origins:\d+".*\(corsica origins add\|remove\)/);
  });

  it('works from a client the application already has, leaving that client open', async () => {
    const key = newKey();
    await client.sAdd(key, 'https://mine.example.com');
    const policy = await follow({ key, redis: client });
    expect(allowed(policy, 'https://mine.example.com')).toBe(true);
    await policy.close();
    expect(await client.ping()).toBe('PONG');
  });
});

describe.runIf(hasRedisServer())('redisOrigins when Redis fails', () => {
  it('starts from `initial` when Redis is down, and fills in when Redis answers', async () => {
    const redis = await RedisServer.start();
    await redis.stop();
    const errors: unknown[] = [];
    const started = performance.now();
    const policy = await redisOrigins({ redis: redis.url, key: 'k', base: {}, initial: ['https://boot.example.com'], startTimeout: 300, onError: (e) => errors.push(e) });
    try {
      expect(performance.now() - started).toBeLessThan(1500);
      expect(allowed(policy, 'https://boot.example.com')).toBe(true);
      expect(allowed(policy, 'https://later.example.com')).toBe(false);
      expect(errors.length).toBeGreaterThan(0);
      expect(String(errors[0])).toContain(`corsica: redisOrigins cannot read the set "k" from Redis at ${redis.url}`);
      await redis.start();
      const c = createClient({ url: redis.url });
      await c.connect();
      await c.sAdd('k', 'https://later.example.com');
      await c.close();
      await eventually(() => allowed(policy, 'https://later.example.com'), 5000);
      expect(allowed(policy, 'https://boot.example.com')).toBe(false);
    } finally {
      await policy.close();
      await redis.stop();
    }
  });

  it('keeps serving the last allowlist while Redis is down, reports the errors, and resyncs after it returns', async () => {
    const redis = await RedisServer.start();
    const c = createClient({ url: redis.url });
    await c.connect();
    await c.sAdd('k', ['https://a.example.com', 'https://b.example.com']);
    const errors: unknown[] = [];
    const policy = await redisOrigins({ redis: redis.url, key: 'k', base: {}, onError: (e) => errors.push(e) });
    try {
      expect(allowed(policy, 'https://a.example.com')).toBe(true);
      await c.close();
      await redis.kill();
      await eventually(() => errors.length > 0);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(allowed(policy, 'https://a.example.com')).toBe(true);
      expect(allowed(policy, 'https://b.example.com')).toBe(true);
      expect(allowed(policy, 'https://c.example.com')).toBe(false);
      // it comes back empty (no persistence); the new contents are what every instance must follow
      await redis.start();
      const c2 = createClient({ url: redis.url });
      await c2.connect();
      await c2.sAdd('k', ['https://a.example.com', 'https://c.example.com']);
      await c2.close();
      await eventually(() => allowed(policy, 'https://c.example.com') && !allowed(policy, 'https://b.example.com'), 5000);
      expect(allowed(policy, 'https://a.example.com')).toBe(true);
    } finally {
      await policy.close();
      await redis.stop();
    }
  });
});
