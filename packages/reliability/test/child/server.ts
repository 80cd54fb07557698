/**
 * The child process that hosts the servers under test, so that a crash or a hang is observable
 * from the test process and the memory measured is the server's own. Commands arrive over IPC
 * (see `../support/child.ts`); run with `--expose-gc` so memory is read after a full collection.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { performance } from 'node:perf_hooks';
import { policyFromEnv } from '@corsica/core';
import type { CorsOptions, ErrorContext, ProblemCode } from '@corsica/core';
import { CONFIG_FAULTS, VALID_CONFIG } from '../support/config-faults.js';
import type { AdapterName, MemoryReading, ResolverCall, ScenarioName, ServerCounters } from '../support/scenarios.js';
import { CREDENTIALED_OPTIONS, PUBLIC_OPTIONS, RESOLVER, RESOLVER_ALLOWED_PREFIX } from '../support/scenarios.js';
import { anyListening, build } from './apps.js';
import type { BuiltServer } from './apps.js';

/** A command from the test process. */
export type Command =
  | { readonly op: 'ping' }
  | { readonly op: 'start'; readonly adapter: AdapterName; readonly scenario: ScenarioName }
  | { readonly op: 'stop'; readonly id: number }
  | { readonly op: 'counters'; readonly id: number }
  | { readonly op: 'memory' }
  | { readonly op: 'config-fault'; readonly adapter: AdapterName; readonly code: ProblemCode | 'valid' };

/** What `start` answers. */
export interface Started {
  readonly id: number;
  readonly port: number;
}

/** What `config-fault` answers. */
export interface StartAttempt {
  /** True when the server started anyway (a failure of the test). */
  readonly started: boolean;
  readonly name?: string;
  readonly message?: string;
  readonly problems?: readonly { readonly code: string; readonly path: string; readonly message: string; readonly fix: string }[];
  /** Whether any server of this process was listening right after the attempt. */
  readonly listening: boolean;
}

const MAX_KEPT_ERRORS = 200;

interface Running {
  readonly server: BuiltServer;
  readonly counters: ServerCounters;
}

const running = new Map<number, Running>();
let nextId = 1;

function newCounters(): ServerCounters {
  return { resolverCalls: 0, calls: [], errorCount: 0, errors: [] };
}

/** The policy options of a scenario, with hooks that count into `counters`. */
function scenarioOptions(scenario: ScenarioName, counters: ServerCounters): CorsOptions {
  // open calls per origin, so that a report of a failed or timed-out call can close it
  const open = new Map<string, ResolverCall>();
  const begin = (origin: string): ResolverCall => {
    counters.resolverCalls++;
    const call: ResolverCall = { origin, start: performance.now() };
    counters.calls.push(call);
    open.set(origin, call);
    return call;
  };
  const settle = (origin: string): void => {
    const call = open.get(origin);
    if (call === undefined) return;
    call.settled = performance.now();
    open.delete(origin);
  };
  const onError = (error: unknown, context: ErrorContext): void => {
    counters.errorCount++;
    if (counters.errors.length < MAX_KEPT_ERRORS) {
      counters.errors.push({ phase: context.phase, ...(context.origin === undefined ? {} : { origin: context.origin }), message: error instanceof Error ? error.message : String(error) });
    }
    if (context.phase === 'origin-resolver' && context.origin !== undefined) settle(context.origin);
  };
  const resolverBase = {
    credentials: true,
    methods: CREDENTIALED_OPTIONS.methods,
    allowedHeaders: CREDENTIALED_OPTIONS.allowedHeaders,
    resolverTimeout: RESOLVER.timeoutMs,
    originCache: { max: RESOLVER.cacheMax, ttl: RESOLVER.cacheTtlMs },
    onError,
    onWarning: false,
  } as const;
  switch (scenario) {
    case 'public':
      return { ...PUBLIC_OPTIONS, onError };
    case 'credentialed':
      return { ...CREDENTIALED_OPTIONS, onError };
    case 'resolver-throws':
      return {
        ...resolverBase,
        origin: async (origin: string): Promise<boolean> => {
          begin(origin);
          await sleep(RESOLVER.throwAfterMs);
          throw new Error(`tenant database unavailable while checking ${origin}`);
        },
      };
    case 'resolver-hangs':
      return {
        ...resolverBase,
        origin: async (origin: string): Promise<boolean> => {
          begin(origin);
          await new Promise<never>(() => undefined);
          return true;
        },
      };
    case 'resolver-slow':
      return {
        ...resolverBase,
        origin: async (origin: string): Promise<boolean> => {
          begin(origin);
          await sleep(RESOLVER.slowMs);
          settle(origin);
          return origin.startsWith(RESOLVER_ALLOWED_PREFIX);
        },
      };
    case 'resolver-cache':
      return {
        ...resolverBase,
        // counts only: a log of 100,000 calls would be the child's own memory growth
        origin: async (origin: string): Promise<boolean> => {
          counters.resolverCalls++;
          return origin.startsWith(RESOLVER_ALLOWED_PREFIX);
        },
      };
  }
}

async function memory(): Promise<MemoryReading> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('the child needs --expose-gc to read memory after a collection');
  // read in a quiet state: every client connection gone (at most 5 s), so that readings taken
  // after different runs compare like with like
  for (let waited = 0; waited < 5000; waited += 50) {
    const open = await Promise.all([...running.values()].map((r) => r.server.connections()));
    if (open.every((n) => n === 0)) break;
    await sleep(50);
  }
  // full collections (plain gc(): Node 20's V8 reads an options object as something lighter),
  // twice, with a turn of the event loop between so that finalizers and weak maps settle
  gc();
  await sleep(10);
  gc();
  const { rss, heapUsed, heapTotal, external } = process.memoryUsage();
  return { rss, heapUsed, heapTotal, external };
}

async function tryConfigFault(adapter: AdapterName, code: ProblemCode | 'valid'): Promise<StartAttempt> {
  const row = code === 'valid' ? VALID_CONFIG : CONFIG_FAULTS[code];
  try {
    const input = row.env === undefined ? (row.options as CorsOptions) : policyFromEnv(row.env);
    const server = await build(adapter, input);
    await server.listen();
    await server.close();
    return { started: true, listening: anyListening() };
  } catch (error) {
    const e = error as { name?: string; message?: string; problems?: StartAttempt['problems'] };
    return {
      started: false,
      ...(e.name === undefined ? {} : { name: e.name }),
      ...(e.message === undefined ? {} : { message: e.message }),
      ...(e.problems === undefined ? {} : { problems: e.problems.map(({ code: c, path, message, fix }) => ({ code: c, path, message, fix })) }),
      listening: anyListening(),
    };
  }
}

async function run(command: Command): Promise<unknown> {
  switch (command.op) {
    case 'ping':
      return 'pong';
    case 'start': {
      const counters = newCounters();
      const server = await build(command.adapter, scenarioOptions(command.scenario, counters));
      const port = await server.listen();
      const id = nextId++;
      running.set(id, { server, counters });
      return { id, port } satisfies Started;
    }
    case 'stop': {
      const entry = running.get(command.id);
      running.delete(command.id);
      await entry?.server.close();
      return null;
    }
    case 'counters': {
      const entry = running.get(command.id);
      if (entry === undefined) throw new Error(`no server ${command.id}`);
      return entry.counters;
    }
    case 'memory':
      return memory();
    case 'config-fault':
      return tryConfigFault(command.adapter, command.code);
  }
}

process.on('message', (message: { readonly seq: number; readonly command: Command }) => {
  run(message.command).then(
    (value) => process.send?.({ seq: message.seq, ok: true, value }),
    (error: unknown) => process.send?.({ seq: message.seq, ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
  );
});

// the test process went away (or killed its side of the channel): nothing left to serve
process.on('disconnect', () => process.exit(0));

process.send?.({ ready: true });
