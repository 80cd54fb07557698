/**
 * `@corsica/redis`: one allowlist for a fleet. Every instance keeps a Corsica policy whose
 * origins are a replica, in memory, of one Redis set; decisions never wait for Redis.
 *
 * How changes travel: writers that go through {@link addOrigins} / {@link removeOrigins} (the
 * `corsica origins` command does) change the set and publish on the set's companion channel in
 * one `MULTI`, so every instance re-reads the set within a round trip. Keyspace notifications of
 * the key are followed too, when the server has them on (`notify-keyspace-events` with `K` and
 * `s`, or `A`); a plain `SADD` from elsewhere is otherwise picked up at the next periodic resync
 * (`resyncInterval`) or reconnect. Whatever the signal, an instance re-reads the whole set
 * (`SMEMBERS`), so a lost or reordered message can never leave it with a wrong allowlist.
 * @module
 */
import { createClient } from '@redis/client';
import type { RedisClientType } from '@redis/client';
import { CorsConfigError, createPolicy } from '@corsica/core';
import type { ConfigProblem, CorsOptions, Policy } from '@corsica/core';

/** A node-redis client (from `redis` or `@redis/client`), connected or not; it is never modified. */
// biome-ignore lint/suspicious/noExplicitAny: a client with any modules, scripts or RESP version will do
export type RedisClientLike = RedisClientType<any, any, any, any, any>;

/** Every option of a policy except `origin`, which the Redis set provides. */
export type BaseOptions = Omit<CorsOptions, 'origin'>;

/** Where an error reported to `onError` came from. */
export interface RedisOriginsErrorContext {
  /** `redis`: a connection or a command failed (the last known allowlist keeps serving). `entry`: a member of the set is not a valid origin and was skipped. */
  readonly phase: 'redis' | 'entry';
  /** The member of the set at fault (phase `entry`). */
  readonly entry?: string;
  /** What the core says about it, with its fix (phase `entry`). */
  readonly problem?: ConfigProblem;
}

export interface RedisOriginsOptions {
  /** A `redis://` or `rediss://` URL, or a node-redis client to copy the settings of (its own connection is left alone). */
  readonly redis: string | RedisClientLike;
  /** The Redis set of allowed origins; members are written as `origin` accepts them (`https://app.example.com`, `https://*.example.com`, `https://pr-*.preview.example.com`). */
  readonly key: string;
  /** Every other option of the policy (`credentials`, `methods`...). */
  readonly base: BaseOptions;
  /** The origins allowed until Redis answers for the first time. Default: none. */
  readonly initial?: readonly string[];
  /** Receives every Redis error and every invalid member of the set. Default: `console.error`. */
  readonly onError?: (error: unknown, context: RedisOriginsErrorContext) => void;
  /** Re-reads the whole set this often, in milliseconds, whatever the notifications say. Default 30 000; `0` turns it off. */
  readonly resyncInterval?: number;
  /** How long the returned Promise waits for the first load before starting from `initial`, in milliseconds. Default 2 000. */
  readonly startTimeout?: number;
}

/** A policy that follows a Redis set; `close()` stops following and closes the connections it opened. */
export type RedisOriginsPolicy = Policy & { close(): Promise<void> };

/** The channel on which writers announce a change to `key`; instances re-read the set on any message. */
export function changesChannel(key: string): string {
  return `corsica:changes:${key}`;
}

/** Reconnects after 50 ms, doubling up to 2 s, with jitter so a fleet does not reconnect in step. */
function backoff(retries: number): number {
  return Math.min(50 * 2 ** retries, 2000) + Math.floor(Math.random() * 50);
}

/** Always false: the allowlist when the set is empty (an empty `origin` list is a configuration error). */
function noOriginListed(): boolean {
  return false;
}

/**
 * Creates a policy whose allowed origins are the members of the Redis set `key`, and follows it:
 * changes are applied with `policy.reconfigure`, coalesced when they arrive in bursts, and the
 * whole set is re-read after every reconnect. Decisions read memory only.
 *
 * Fails static: while Redis is down, the last allowlist read keeps serving and every error goes
 * to `onError`; reconnects back off. When Redis is down at start, the Promise resolves after
 * `startTimeout` with a policy allowing `initial` (default: no origin), filled in when Redis
 * answers. A member that is not a valid origin is reported to `onError` and skipped; it never
 * empties the allowlist. `base` is validated at once: a bad one rejects with `CorsConfigError`.
 *
 * @example
 * ```ts
 * import express from 'express';
 * import { cors } from '@corsica/express';
 * import { redisOrigins } from '@corsica/redis';
 *
 * const policy = await redisOrigins({
 *   redis: process.env.REDIS_URL!,
 *   key: 'cors:origins',
 *   base: { credentials: true, methods: ['GET', 'POST', 'PUT', 'DELETE'] },
 * });
 * const app = express();
 * app.use(cors(policy));
 * // on shutdown: await policy.close();
 * ```
 * @see https://github.com/corsica-js/corsica/blob/main/docs/guides/redis.md
 */
export async function redisOrigins(options: RedisOriginsOptions): Promise<RedisOriginsPolicy> {
  const { key, base, onError = defaultOnError } = readOptions(options);
  const resyncInterval = options.resyncInterval ?? 30_000;
  const startTimeout = options.startTimeout ?? 2000;
  let closed = false;
  const report = (error: unknown, context: RedisOriginsErrorContext): void => {
    // what a connection says while close() takes it down is not news
    if (closed) return;
    try {
      onError(error, context);
    } catch {
      // an onError that throws must not stop the replica
    }
  };

  const initial = [...(options.initial ?? [])];
  const policy = createPolicy({ ...base, origin: initial.length > 0 ? initial : noOriginListed } as CorsOptions);
  /** The members in force, and the members refused (reported once, until they leave the set). */
  let applied = new Set(initial);
  const refused = new Set<string>();

  const commands = connectionFor(options.redis);
  const subscriber = commands.duplicate();
  const where = typeof options.redis === 'string' ? redacted(options.redis) : 'the client passed as `redis`';
  /** A Redis failure, said in Corsica's words: what keeps serving and what to check; the client's error is the cause. */
  const redisError = (error: unknown): void =>
    report(
      new Error(`corsica: redisOrigins cannot read the set "${key}" from Redis at ${where} (${error instanceof Error ? error.message : String(error)}). The last allowlist keeps serving and reconnects back off; check that Redis is up and that \`redis\` points at it.`, { cause: error }),
      { phase: 'redis' },
    );
  commands.on('error', redisError);
  subscriber.on('error', redisError);

  let running: Promise<void> | undefined;
  let again = false;
  let loadedOnce: (() => void) | undefined;
  const firstLoad = new Promise<void>((resolve) => {
    loadedOnce = resolve;
  });

  /** Applies `members`; an invalid member is reported, skipped, and the rest applied. */
  function apply(members: readonly string[]): void {
    for (const m of refused) if (!members.includes(m)) refused.delete(m);
    let candidates = members.filter((m) => !refused.has(m));
    if (candidates.length === applied.size && candidates.every((m) => applied.has(m))) return;
    for (;;) {
      try {
        policy.reconfigure({ ...base, origin: candidates.length > 0 ? candidates : noOriginListed } as CorsOptions);
        applied = new Set(candidates);
        return;
      } catch (error) {
        if (!(error instanceof CorsConfigError)) throw error;
        const bad = new Set<number>();
        for (const problem of error.problems) {
          const index = /^origin\[(\d+)\]$/.exec(problem.path)?.[1];
          if (index === undefined) {
            report(error, { phase: 'entry', problem });
            return;
          }
          const entry = candidates[Number(index)]!;
          if (!bad.has(Number(index))) {
            report(new Error(`corsica: the Redis set "${key}" holds ${JSON.stringify(entry)}, which was skipped: ${problem.message.replace(/^corsica: /, '')} Fix: ${problem.fix} Then SREM the wrong member.`), { phase: 'entry', entry, problem });
          }
          bad.add(Number(index));
          refused.add(entry);
        }
        candidates = candidates.filter((_, i) => !bad.has(i));
      }
    }
  }

  async function load(): Promise<void> {
    // the commands connection's own 'ready' resyncs when it comes (back); asking before would only report "offline"
    if (!commands.isReady) return;
    const members = await commands.sMembers(key);
    if (!closed) apply(members as string[]);
    loadedOnce?.();
    loadedOnce = undefined;
  }

  /** Re-reads the set; calls that arrive while a read runs are folded into one more read after it. */
  function resync(): void {
    if (closed) return;
    if (running) {
      again = true;
      return;
    }
    running = load()
      .catch(redisError)
      .finally(() => {
        running = undefined;
        if (again) {
          again = false;
          resync();
        }
      });
  }

  // every (re)connection of either side re-reads the set: what changed while it was away is picked up
  commands.on('ready', resync);
  subscriber.on('ready', resync);
  const timer = resyncInterval > 0 ? setInterval(resync, resyncInterval) : undefined;
  timer?.unref();

  commands.connect().catch(redisError);
  subscriber
    .connect()
    .then(() => Promise.all([subscriber.subscribe(changesChannel(key), resync), subscriber.pSubscribe(`__keyspace@*__:${key}`, resync)]))
    .catch(redisError);

  let startTimer: NodeJS.Timeout | undefined;
  await Promise.race([firstLoad, new Promise<void>((resolve) => (startTimer = setTimeout(resolve, startTimeout)))]);
  clearTimeout(startTimer);

  async function close(): Promise<void> {
    if (closed) return;
    closed = true;
    if (timer) clearInterval(timer);
    await Promise.allSettled([quit(subscriber), quit(commands)]);
  }

  return Object.freeze({
    get isAsync() {
      return policy.isAsync;
    },
    get warnings() {
      return policy.warnings;
    },
    get config() {
      return policy.config;
    },
    decide: policy.decide,
    decideAsync: policy.decideAsync,
    explain: policy.explain,
    explainAsync: policy.explainAsync,
    reportError: policy.reportError,
    setDebug: policy.setDebug,
    reconfigure: (): void => {
      throw new TypeError(
        `corsica: a redisOrigins() policy takes its origins from the Redis set "${key}", so reconfigure() would be undone by the next change. Change the set (corsica origins add|remove), or close() this policy and call redisOrigins() with the new \`base\`.`,
      );
    },
    close,
  });
}

function readOptions(options: RedisOriginsOptions): RedisOriginsOptions {
  if (typeof options !== 'object' || options === null) throw new TypeError('corsica: redisOrigins() expects options: { redis, key, base }.');
  const { redis, key, base, initial, onError } = options;
  if (typeof redis !== 'string' && (typeof redis !== 'object' || redis === null || typeof (redis as RedisClientLike).duplicate !== 'function')) {
    throw new TypeError('corsica: redisOrigins `redis` must be a redis:// URL or a node-redis client (createClient() from "redis" or "@redis/client").');
  }
  if (typeof redis === 'string' && !/^rediss?:\/\/./.test(redis)) {
    throw new TypeError(`corsica: redisOrigins \`redis\` must be a redis:// or rediss:// URL (e.g. "redis://127.0.0.1:6379"), got ${JSON.stringify(redacted(redis))}.`);
  }
  if (typeof key !== 'string' || key === '') throw new TypeError('corsica: redisOrigins `key` must name the Redis set of allowed origins, e.g. "cors:origins".');
  if (typeof base !== 'object' || base === null) throw new TypeError('corsica: redisOrigins `base` must hold the policy\'s other options, e.g. { credentials: true }; use {} for the defaults.');
  if ('origin' in base) throw new TypeError(`corsica: redisOrigins \`base\` must not set \`origin\`: the origins are the members of the Redis set "${key}". Move them into the set (corsica origins add), or into \`initial\` for the time before Redis answers.`);
  if (initial !== undefined && (!Array.isArray(initial) || !initial.every((o) => typeof o === 'string'))) throw new TypeError('corsica: redisOrigins `initial` must be a list of origin strings, e.g. ["https://app.example.com"].');
  if (onError !== undefined && typeof onError !== 'function') throw new TypeError('corsica: redisOrigins `onError` must be a function (error, context) => void.');
  for (const name of ['resyncInterval', 'startTimeout'] as const) {
    const value = options[name];
    if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value) || value < 0)) throw new TypeError(`corsica: redisOrigins \`${name}\` must be a number of milliseconds, 0 or more.`);
  }
  return options;
}

/**
 * A connection of our own: from a URL, with backoff; from a client, a copy of its settings.
 * Commands fail at once while disconnected (no offline queue), since a reconnect re-reads the set anyway.
 */
function connectionFor(redis: string | RedisClientLike): RedisClientLike {
  if (typeof redis === 'string') return createClient({ url: redis, disableOfflineQueue: true, socket: { reconnectStrategy: backoff } }) as RedisClientLike;
  return redis.duplicate({ disableOfflineQueue: true });
}

async function quit(client: RedisClientLike): Promise<void> {
  if (client.isOpen) await client.close();
  else client.destroy();
}

/** The URL without its password, for messages. */
function redacted(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(an unparsable URL)';
  }
}

function defaultOnError(error: unknown): void {
  console.error(error);
}

/**
 * Adds origins to the set `key` and tells every instance, in one `MULTI`. Validate them first
 * (the `corsica origins add` command does). Resolves to the number of members added.
 * @example
 * ```ts
 * await addOrigins(client, 'cors:origins', ['https://new-tenant.example.com']);
 * ```
 */
export async function addOrigins(client: RedisClientLike, key: string, origins: readonly string[]): Promise<number> {
  if (origins.length === 0) return 0;
  const [added] = await client.multi().sAdd(key, [...origins]).publish(changesChannel(key), 'add').exec();
  return Number(added);
}

/**
 * Removes origins from the set `key` and tells every instance, in one `MULTI`. Resolves to the
 * number of members removed.
 * @example
 * ```ts
 * await removeOrigins(client, 'cors:origins', ['https://former-tenant.example.com']);
 * ```
 */
export async function removeOrigins(client: RedisClientLike, key: string, origins: readonly string[]): Promise<number> {
  if (origins.length === 0) return 0;
  const [removed] = await client.multi().sRem(key, [...origins]).publish(changesChannel(key), 'remove').exec();
  return Number(removed);
}
