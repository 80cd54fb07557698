/**
 * One instance of a fleet: an app (express, fastify, hono or koa) whose policy follows a Redis
 * set through `redisOrigins`. Started by test/redis-fleet.test.ts with the adapter, the Redis URL
 * and the key as arguments; answers `{ port }` over IPC once it listens, then `memory` on demand.
 */
import { redisOrigins } from '@corsica/redis';
import type { AdapterName } from '../support/scenarios.js';
import { build } from './apps.js';

const [adapter, url, key] = process.argv.slice(2) as [AdapterName, string, string];
let errors = 0;
const policy = await redisOrigins({
  redis: url,
  key,
  base: { credentials: true, methods: ['GET', 'PUT'], allowedHeaders: ['Content-Type'] },
  onError: () => {
    errors++;
  },
  startTimeout: 2000,
});
const server = await build(adapter, policy);
const port = await server.listen();
process.send?.({ port });

process.on('message', (message: { cmd?: string }) => {
  if (message.cmd === 'memory') {
    globalThis.gc?.();
    globalThis.gc?.();
    const { rss, heapUsed } = process.memoryUsage();
    process.send?.({ memory: { rss, heapUsed }, errors });
  } else if (message.cmd === 'stop') {
    void Promise.all([policy.close(), server.close()]).then(() => process.exit(0));
  }
});
