/**
 * The core as the oracle: what Corsica decides for a request is what every server under test
 * must make the browser conclude.
 * @module
 */
import { createPolicy } from '@corsica/core';
import { isPolicy } from '@corsica/core/adapter';
import type { CorsOptions, Decision, NormalizedConfig, Policy, RequestFacts } from '@corsica/core';
import type { HeaderLine } from './types.js';

/**
 * Compiles the target's options for judging only: its hooks are silenced so that running the
 * kit never logs, counts or reports decisions on the user's behalf. With `reportOnly`, responses
 * follow the fallback, so the fallback is what the kit judges against. Throws the core's
 * `CorsConfigError` for invalid options, and a `corsica:` error for an async `origin` function.
 *
 * @example
 * ```ts
 * const policy = oraclePolicy({ origin: ['https://app.example.com'], credentials: true });
 * policy.config.originMode; // 'dynamic'
 * ```
 */
export function oraclePolicy(options: CorsOptions): Policy {
  // validate the options as given, so a broken configuration fails here as it does in the server
  createPolicy({ ...options, onWarning: false, onError: () => undefined, ...(options.reportOnly ? { onDecision: () => undefined } : {}) } as never);
  // report-only responses follow the fallback, so that is what every response is judged against
  const effective = options.reportOnly === undefined ? options : options.reportOnly.fallback;
  if (isPolicy(effective)) return checkSync(effective);
  const quiet = { ...effective, onDecision: undefined, onError: () => undefined, onWarning: false } as CorsOptions;
  return checkSync(createPolicy(quiet as never));
}

function checkSync(policy: Policy): Policy {
  if (policy.isAsync) {
    throw new TypeError(
      'corsica: the conformance kit judges requests with policy.decide(), which cannot wait for an async `origin` function; give the kit a policy with synchronous origins (list them, or use a sync predicate).',
    );
  }
  return policy;
}

/** Optional whitespace around a field value: every HTTP parser strips it before the app sees it. */
function trimOws(value: string): string {
  let start = 0;
  let end = value.length;
  while (start < end && (value[start] === ' ' || value[start] === '\t')) start++;
  while (end > start && (value[end - 1] === ' ' || value[end - 1] === '\t')) end--;
  return value.slice(start, end);
}

/**
 * The facts a server sees for these header lines: values trimmed as HTTP parsers do, repeated
 * lines kept apart (as Node's `headersDistinct` does).
 *
 * @example
 * ```ts
 * factsFromLines('GET', [['Origin', 'https://a.example'], ['Origin', 'https://b.example']]).origin;
 * // ['https://a.example', 'https://b.example']
 * ```
 */
export function factsFromLines(method: string, lines: readonly HeaderLine[]): RequestFacts {
  const pick = (name: string): string | string[] | undefined => {
    const values = lines.filter(([n]) => n.toLowerCase() === name).map(([, v]) => trimOws(v));
    if (values.length === 0) return undefined;
    return values.length === 1 ? values[0] : values;
  };
  return {
    method,
    origin: pick('origin'),
    requestMethod: pick('access-control-request-method'),
    requestHeaders: pick('access-control-request-headers'),
    requestPrivateNetwork: pick('access-control-request-private-network'),
    host: pick('host'),
    secFetchSite: pick('sec-fetch-site'),
    upgrade: pick('upgrade'),
  };
}

/**
 * The `Host` the kit sends on every request of a guarded policy, so that the server and the
 * oracle judge the same value whatever port the server listens on: the first `guard.hosts` entry
 * made concrete (`*.example.com` becomes `conformance.example.com`, a `:*` port becomes `:8080`),
 * or `api.conformance.example` when the guard accepts any `Host`. `undefined` without a guard.
 *
 * @example
 * ```ts
 * servedHost(oraclePolicy({ origin: ['https://app.example.com'], guard: { hosts: ['localhost:*'] } }).config);
 * // 'localhost:8080'
 * ```
 */
export function servedHost(config: NormalizedConfig): string | undefined {
  const guard = config.guard;
  if (guard === undefined) return undefined;
  const first = guard.hosts?.[0];
  if (first === undefined) return 'api.conformance.example';
  const named = first.startsWith('*.') ? `conformance.${first.slice(2)}` : first;
  return named.endsWith(':*') ? `${named.slice(0, -2)}:8080` : named;
}

/**
 * The decision for a request given as header lines.
 *
 * @example
 * ```ts
 * oracleDecision(policy, 'OPTIONS', [['Origin', 'https://app.example.com'], ['Access-Control-Request-Method', 'PUT']]).status;
 * // 204 when PUT is allowed, 403 otherwise
 * ```
 */
export function oracleDecision(policy: Policy, method: string, lines: readonly HeaderLine[]): Decision {
  return policy.decide(factsFromLines(method, lines));
}

/**
 * Reports whether the policy's allowlist lets this exact origin in on an actual request (for a
 * guarded policy, as if the guard had let the request through).
 *
 * @example
 * ```ts
 * policyAllowsOrigin(policy, 'https://evil.example'); // false
 * ```
 */
export function policyAllowsOrigin(policy: Policy, origin: string): boolean {
  const host = servedHost(policy.config);
  if (host === undefined) return policy.decide({ method: 'GET', origin }).allowed;
  // a guarded policy is asked about its allowlist alone: a listed Host and Sec-Fetch-Site:
  // same-origin let the request past the guard, so what decides is the CORS check of the origin
  return policy.decide({ method: 'GET', origin, host, secFetchSite: 'same-origin' }).allowed;
}
