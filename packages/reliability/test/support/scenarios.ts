/**
 * What the child servers serve and what the tests expect of them, in one place: the adapters,
 * the policies (by name, so that a policy with functions can be built inside the child), the
 * routes and the limits. Imported by the child process and by the test files.
 */
import type { CorsOptions } from '@corsica/core';

/** Every adapter under test, in the order reports list them. */
export const ADAPTERS = ['express', 'fastify', 'hono', 'koa', 'fetch'] as const;

/**
 * `@corsica/lambda`'s `withCors` behind the HTTP-to-event bridge of `@corsica/test-utils`, one per
 * event shape: API Gateway REST (payload 1.0), HTTP API (2.0), ALB with multi-value headers.
 * Fuzzed only. (ALB without multi-value headers passes only the last line of a repeated header,
 * so a request with two Origin lines looks like a plain one there: that shape is left out.)
 */
export const LAMBDA_SHAPES = ['lambda-rest', 'lambda-http', 'lambda-alb'] as const;
export type AdapterName = (typeof ADAPTERS)[number] | (typeof LAMBDA_SHAPES)[number];

/**
 * Request header bytes the child servers accept (Node's default is 16 KB). Raised, as the
 * adapters' own tests do, so that hostile header values reach the CORS code instead of being
 * refused by Node's parser with a 431.
 */
export const MAX_HEADER_SIZE = 256 * 1024;

/** The origins of the credentialed list policy: the only values its ACAO may ever take. */
export const ALLOWED_ORIGINS: readonly string[] = ['https://app.example.com', 'https://admin.example.com', 'http://localhost:5173'];

/** An origin no policy here allows. */
export const DENIED_ORIGIN = 'https://app.example.com.evil.test';

/** Methods a preflight may ask for, and the request headers it may name, in both policies. */
export const ALLOWED_METHODS: readonly string[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
export const ALLOWED_HEADERS: readonly string[] = ['Content-Type', 'Authorization', 'X-Requested-With'];

/** A public API: any origin, no credentials. Its ACAO may only ever be `*`. */
export const PUBLIC_OPTIONS = {
  origin: '*',
  methods: ALLOWED_METHODS,
  // Authorization must be listed by name even on a public policy: `*` never covers it
  allowedHeaders: ALLOWED_HEADERS,
  exposedHeaders: ['X-Request-Id'],
  maxAge: 600,
  onWarning: false,
} as const satisfies CorsOptions;

/** A credentialed allowlist: its ACAO may only ever be one of {@link ALLOWED_ORIGINS}. */
export const CREDENTIALED_OPTIONS = {
  origin: ALLOWED_ORIGINS,
  credentials: true,
  methods: ALLOWED_METHODS,
  allowedHeaders: ALLOWED_HEADERS,
  exposedHeaders: ['X-Request-Id'],
  maxAge: 600,
  onWarning: false,
} as const satisfies CorsOptions;

/** Settings of the async-resolver scenarios. */
export const RESOLVER = {
  /** `resolverTimeout` of the resolver scenarios, in ms. */
  timeoutMs: 1500,
  /** How long the slow resolver takes, in ms. */
  slowMs: 100,
  /** How long the throwing resolver waits before it rejects (a failed database call), in ms. */
  throwAfterMs: 5,
  /** `originCache.max` of the cache scenario. */
  cacheMax: 1000,
  /** `originCache.ttl` of every resolver scenario: longer than any test, so one period spans a test. */
  cacheTtlMs: 10 * 60_000,
} as const;

/** The policies a child server can run, by name. */
export type ScenarioName =
  /** {@link PUBLIC_OPTIONS}. */
  | 'public'
  /** {@link CREDENTIALED_OPTIONS}. */
  | 'credentialed'
  /** An async resolver that rejects for every origin. */
  | 'resolver-throws'
  /** An async resolver that never settles. */
  | 'resolver-hangs'
  /** An async resolver that answers after {@link RESOLVER.slowMs}: true for origins starting `https://allowed-`. */
  | 'resolver-slow'
  /** An async resolver that answers at once (true for `https://allowed-` origins), behind a cache of {@link RESOLVER.cacheMax} entries. */
  | 'resolver-cache';

/** The prefix of the origins the slow and cache resolvers allow. */
export const RESOLVER_ALLOWED_PREFIX = 'https://allowed-';

/**
 * The routes every adapter's app serves behind its CORS middleware:
 * `/ok` answers 200 `ok` to GET, HEAD, POST, PUT, PATCH and DELETE; `/boom` throws on GET (the
 * framework's error path answers 500); everything else is the framework's 404.
 */
export const OK_PATH = '/ok';
export const BOOM_PATH = '/boom';
export const OK_METHODS: readonly string[] = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'];

/** One resolver call, as the child records it (times from `performance.now()` in the child). */
export interface ResolverCall {
  readonly origin: string;
  readonly start: number;
  /** When the call ended for the core: resolved, rejected, or timed out (reported to onError). */
  settled?: number;
}

/** One `onError` report, as the child records it. */
export interface ErrorReport {
  readonly phase: string;
  readonly origin?: string;
  readonly message: string;
}

/** What a child reports about one of its servers. */
export interface ServerCounters {
  /** Calls of the origin resolver. */
  resolverCalls: number;
  /** Each call with its timing, for the fault scenarios (not kept for the cache scenario). */
  calls: ResolverCall[];
  /** How often `onError` was called. */
  errorCount: number;
  /** The first reports (capped, so a flood cannot grow the child's memory). */
  errors: ErrorReport[];
}

/** The child's memory, read after two forced garbage collections. */
export interface MemoryReading {
  readonly rss: number;
  readonly heapUsed: number;
  readonly heapTotal: number;
  readonly external: number;
}
