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
 * force in one assignment. Each call below reads what is in force once, so a decision runs
 * entirely under one configuration; an async decision in flight keeps the pipeline it started with.
 *
 * A class, not an object literal: V8 keeps an object literal with getters in dictionary mode, so
 * every `policy.decide` an adapter makes per request was a hash lookup (docs/benchmarks.md, "The core in two halves"). The
 * getters live on the prototype, the methods are own arrow functions (so `const { decide } =
 * policy` works), and what is in force is a private field, which `Object.freeze` leaves writable.
 */
class LivePolicy implements Policy {
  #now: InForce;

  constructor(first: CompiledConfig) {
    this.#now = inForce(first);
    Object.freeze(this);
  }

  get isAsync(): boolean {
    return this.#now.c.isAsync;
  }

  get warnings(): Policy['warnings'] {
    return this.#now.c.warnings;
  }

  get config(): Policy['config'] {
    return this.#now.c.config;
  }

  readonly reportError = (error: unknown, context: ErrorContext): void => this.#now.c.onError(error, context);
  readonly decide = (req: RequestFacts): Decision => this.#now.pipeline.decide(req);
  readonly decideAsync = (req: RequestFacts): Promise<Decision> => this.#now.pipeline.decideAsync(req);

  readonly explain = (req: RequestFacts, context?: ExplainContext): string => {
    const { c, pipeline } = this.#now;
    const trace: Trace = {};
    return renderExplanation(c, req, pipeline.evaluate(req, trace), trace, context);
  };

  readonly explainAsync = async (req: RequestFacts, context?: ExplainContext): Promise<string> => {
    const { c, pipeline } = this.#now;
    const trace: Trace = {};
    return renderExplanation(c, req, await pipeline.evaluateAsync(req, trace), trace, context);
  };

  readonly reconfigure = (options: CorsOptions): void => {
    // validated first: a CorsConfigError leaves the old configuration serving
    this.#now = inForce(compileWithFallback(options));
  };

  readonly setDebug = (on: boolean): void => {
    if (typeof on !== 'boolean') throw new TypeError(`corsica: setDebug expects true or false, got ${typeof on}.`);
    const c = this.#now.c;
    if (c.debug === on) return;
    this.#now = inForce(Object.freeze({ ...c, debug: on, config: Object.freeze({ ...c.config, debug: on }) }));
  };
}

function buildPolicy(first: CompiledConfig): Policy {
  return new LivePolicy(first);
}

/**
 * Accepts what every adapter accepts: options (compiled here, so a bad configuration throws a
 * `CorsConfigError` when the middleware is created) or an already compiled policy.
 */
export function toPolicy(input: CorsOptions | Policy): Policy {
  return isPolicy(input) ? input : createPolicy(input as CorsOptions);
}
