/**
 * `createPolicy`: compile once (`config/`), decide many times (`request/`), and explain.
 * @module
 */
import type { CompiledConfig } from './compiled.js';
import { compile } from './config/compile.js';
import { renderExplanation } from './explain.js';
import { isPolicy } from './is-policy.js';
import type { Pipeline, Trace } from './request/pipeline.js';
import { createPipeline } from './request/pipeline.js';
import type { CorsOptions, CredentialsGuard, Decision, ErrorContext, ExplainContext, NoUnknownOptions, Policy, RequestFacts } from './types.js';

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
  return buildPolicy(compileWithFallback(options));
}

function compileWithFallback(options: unknown): CompiledConfig {
  return compile(options, (fallback) =>
    buildPolicy(
      compile(fallback, () => {
        throw new TypeError('corsica: a report-only fallback cannot itself be report-only');
      }),
    ),
  );
}

/** One configuration in force: the compiled options and the pipeline built from them. */
interface InForce {
  readonly c: CompiledConfig;
  readonly pipeline: Pipeline;
}

function inForce(c: CompiledConfig): InForce {
  return { c, pipeline: createPipeline(c) };
}

/**
 * A policy keeps its identity for its whole life: `reconfigure` and `setDebug` swap what is in
 * force in one assignment. Each call below reads `now` once, so a decision runs entirely under one
 * configuration; an async decision in flight keeps the pipeline it started with.
 */
function buildPolicy(first: CompiledConfig): Policy {
  let now = inForce(first);
  return Object.freeze({
    get isAsync(): boolean {
      return now.c.isAsync;
    },
    get warnings() {
      return now.c.warnings;
    },
    get config() {
      return now.c.config;
    },
    reportError: (error: unknown, context: ErrorContext): void => now.c.onError(error, context),
    decide: (req: RequestFacts): Decision => now.pipeline.decide(req),
    decideAsync: (req: RequestFacts): Promise<Decision> => now.pipeline.decideAsync(req),
    explain: (req: RequestFacts, context?: ExplainContext): string => {
      const { c, pipeline } = now;
      const trace: Trace = {};
      return renderExplanation(c, req, pipeline.evaluate(req, trace), trace, context);
    },
    explainAsync: async (req: RequestFacts, context?: ExplainContext): Promise<string> => {
      const { c, pipeline } = now;
      const trace: Trace = {};
      return renderExplanation(c, req, await pipeline.evaluateAsync(req, trace), trace, context);
    },
    reconfigure: (options: CorsOptions): void => {
      // validated first: a CorsConfigError leaves the old configuration serving
      now = inForce(compileWithFallback(options));
    },
    setDebug: (on: boolean): void => {
      if (typeof on !== 'boolean') throw new TypeError(`corsica: setDebug expects true or false, got ${typeof on}.`);
      const c = now.c;
      if (c.debug === on) return;
      now = inForce(Object.freeze({ ...c, debug: on, config: Object.freeze({ ...c.config, debug: on }) }));
    },
  });
}

/**
 * Accepts what every adapter accepts: options (compiled here, so a bad configuration throws a
 * `CorsConfigError` when the middleware is created) or an already compiled policy.
 */
export function toPolicy(input: CorsOptions | Policy): Policy {
  return isPolicy(input) ? input : createPolicy(input as CorsOptions);
}
