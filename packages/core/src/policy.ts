/**
 * `createPolicy`: compile once, decide many times.
 * @module
 */
import type { Compiled } from './compile.js';
import { compile } from './compile.js';
import { createEngine } from './engine.js';
import { renderExplanation } from './explain.js';
import type { CorsOptions, CredentialsGuard, ErrorContext, NoUnknownOptions, ExplainContext, Policy, RequestFacts } from './types.js';

export { decideRequest } from './engine.js';

/**
 * Validates `options` and compiles them into an immutable {@link Policy}.
 *
 * Throws a `CorsConfigError` listing every problem when the configuration is invalid or
 * insecure. `origin` is required; everything else defaults closed (safelisted methods and
 * headers only, nothing exposed, no `Access-Control-Max-Age`).
 *
 * @example
 * ```ts
 * import { createPolicy } from '@corsica/core';
 *
 * const policy = createPolicy({
 *   origin: ['https://app.example.com', 'https://*.preview.example.com'],
 *   credentials: true,
 *   methods: ['GET', 'POST', 'PUT', 'DELETE'],
 *   allowedHeaders: ['Content-Type', 'Authorization'],
 *   maxAge: 7200,
 * });
 * const decision = policy.decide({ method: 'OPTIONS', origin: 'https://app.example.com', requestMethod: 'PUT' });
 * // decision.status === 204, decision.headers['Access-Control-Allow-Origin'] === 'https://app.example.com'
 * ```
 * @see https://fetch.spec.whatwg.org/#http-cors-protocol
 */
export function createPolicy<const T extends CorsOptions>(options: T & CredentialsGuard<T> & NoUnknownOptions<T>): Policy {
  return buildPolicy(compile(options, (fallback) => buildPolicy(compile(fallback, () => {
    throw new TypeError('corsica: a report-only fallback cannot itself be report-only');
  }))));
}

function buildPolicy(c: Compiled): Policy {
  const engine = createEngine(c);
  return Object.freeze({
    isAsync: c.isAsync,
    reportError: (error: unknown, context: ErrorContext): void => c.onError(error, context),
    warnings: c.warnings,
    config: c.config,
    decide: engine.decide,
    decideAsync: engine.decideAsync,
    explain: (req: RequestFacts, context?: ExplainContext): string => renderExplanation(c, req, engine.evaluate(req), context),
    explainAsync: async (req: RequestFacts, context?: ExplainContext): Promise<string> => renderExplanation(c, req, await engine.evaluateAsync(req), context),
  });
}
