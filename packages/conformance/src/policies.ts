/**
 * The policies every target is tested with by default, and the default route paths.
 * @module
 */
import type { CorsOptions } from '@corsica/core';
import type { ConformanceRoutes } from './types.js';

/**
 * Where the five routes live unless a target says otherwise.
 *
 * @example
 * ```ts
 * app.get(DEFAULT_ROUTES.ok, (req, res) => res.send('ok'));
 * ```
 */
export const DEFAULT_ROUTES: Readonly<ConformanceRoutes> = Object.freeze({
  ok: '/ok',
  error: '/error',
  notFound: '/does-not-exist',
  appOptions: '/app-options',
  vary: '/vary',
});

function deepFreeze<T extends object>(value: T): T {
  for (const key of Object.keys(value)) {
    const inner = (value as Record<string, unknown>)[key];
    if (typeof inner === 'object' && inner !== null) deepFreeze(inner);
  }
  return Object.freeze(value);
}

/**
 * The policies a conformance run covers when none are given: one per shape of CORS setup
 * (public `*`, a credentialed allowlist with patterns, one fixed origin, wildcard headers, a
 * 200 preflight status). Each server under test is started once per policy.
 *
 * @example
 * ```ts
 * import { STANDARD_POLICIES, runConformance } from '@corsica/conformance';
 *
 * const results = await runConformance({ baseUrl, policy: STANDARD_POLICIES.credentialed! });
 * ```
 */
export const STANDARD_POLICIES: Readonly<Record<string, CorsOptions>> = deepFreeze({
  /** A public API: any origin, no credentials. */
  public: {
    origin: '*',
    methods: ['GET', 'POST', 'PUT'],
    exposedHeaders: ['X-Request-Id', 'X-Total-Count'],
  },
  /** A first-party app with cookies: exact origins, a preview-deploy pattern, local dev ports. */
  credentialed: {
    origin: ['https://app.example.com', 'https://admin.example.com', 'https://*.preview.example.com', 'http://localhost:*'],
    credentials: true,
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: ['Content-Type', 'Authorization', 'X-Request-Id'],
    exposedHeaders: ['X-Request-Id'],
    maxAge: 600,
  },
  /** One fixed origin with credentials: the same headers go on every response, no `Vary: Origin`. */
  single: {
    origin: 'https://app.example.com',
    credentials: true,
    methods: ['GET', 'POST', 'PUT', 'DELETE'],
    allowedHeaders: ['Content-Type'],
  },
  /** Any origin and any request header except `Authorization`, which `*` never covers. */
  'wildcard-headers': {
    origin: '*',
    methods: ['GET', 'POST', 'PUT', 'DELETE'],
    allowedHeaders: ['*'],
    onWarning: false,
  },
  /** Preflights answered with 200 instead of 204, for old clients. */
  'preflight-200': {
    origin: ['https://app.example.com', 'https://admin.example.com'],
    methods: ['GET', 'POST', 'PUT', 'DELETE'],
    allowedHeaders: ['Content-Type', 'X-Request-Id'],
    preflightStatus: 200,
  },
} satisfies Record<string, CorsOptions>);

/**
 * Policies with the origin guard (`guard`), for servers that implement it: Corsica's adapters.
 * Kept apart from {@link STANDARD_POLICIES} because only a server that enforces the guard can pass
 * their scenarios; other CORS libraries and proxies are run with the standard ones. The kit sends
 * every request of these policies with an explicit `Host` (see `servedHost`).
 *
 * @example
 * ```ts
 * import { GUARDED_POLICIES, STANDARD_POLICIES } from '@corsica/conformance';
 * import { describeConformance } from '@corsica/conformance/vitest';
 *
 * describeConformance('my adapter', start, { policies: { ...STANDARD_POLICIES, ...GUARDED_POLICIES } });
 * ```
 */
export const GUARDED_POLICIES: Readonly<Record<string, CorsOptions>> = deepFreeze({
  /** The default guard (unsafe methods and WebSocket handshakes) with a `Host` allowlist. */
  guarded: {
    origin: ['https://app.example.com', 'https://*.preview.example.com'],
    credentials: true,
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: ['Content-Type'],
    guard: { hosts: ['api.example.com', 'localhost:*'] },
  },
  /** Every method checked, any `Host`: a GET from an unlisted origin never reaches the app either. */
  'guarded-all': {
    origin: ['https://app.example.com', 'https://admin.example.com'],
    methods: ['GET', 'POST', 'PUT', 'DELETE'],
    allowedHeaders: ['Content-Type', 'X-Request-Id'],
    guard: { crossOrigin: 'all' },
  },
} satisfies Record<string, CorsOptions>);
