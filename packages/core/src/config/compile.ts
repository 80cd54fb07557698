/**
 * `compile`: every option validated by its own validator, every problem gathered into one
 * `CorsConfigError`, and the result frozen into what the request half reads.
 * @module
 */
import type { CompiledConfig } from '../compiled.js';
import type { CorsOptions, NormalizedConfig, Policy } from '../types.js';
import { validateGuard } from './guard.js';
import { validateHooks } from './hooks.js';
import { validateAllowedHeaders, validateExposedHeaders, validateMethods } from './lists.js';
import { checkOptionNames, readBoolean } from './options.js';
import { validateOrigin } from './origins.js';
import { validateMaxAge, validatePreflightStatus, validatePrivateNetwork } from './preflight.js';
import { ProblemList, show } from './problems.js';
import { validateReportOnly } from './report-only.js';
import { validateOriginCache, validateResolverTimeout } from './resolver.js';

/**
 * Validates `options` and compiles them. Throws `CorsConfigError` listing every problem.
 * `compileFallback` compiles a report-only fallback (passed in to avoid an import cycle).
 */
export function compile(options: unknown, compileFallback: (o: CorsOptions) => Policy): CompiledConfig {
  const p = new ProblemList();
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    p.add('option.invalid-type', 'options', `\`createPolicy\` expects an options object, got ${show(options)}.`, 'Pass an object such as `{ origin: "https://app.example.com" }`.');
    p.throwIfAny();
  }
  const o = options as Record<string, unknown>;
  checkOptionNames(o, p);
  const credentials = readBoolean(o, 'credentials', p);
  const origins = validateOrigin(o.origin, credentials, readBoolean(o, 'dangerouslyAllowInsecureOrigins', p), p);
  const methods = validateMethods(o, credentials, p);
  const { allowedHeaders, mirrorRequestHeaders } = validateAllowedHeaders(o, credentials, p);
  const exposedHeaders = validateExposedHeaders(o, credentials, p);
  const maxAge = validateMaxAge(o, p);
  const preflightStatus = validatePreflightStatus(o, p);
  const privateNetwork = validatePrivateNetwork(o, p);
  const hooks = validateHooks(o, p);
  const cache = validateOriginCache(o, p);
  const resolverTimeout = validateResolverTimeout(o, p);
  const fallback = validateReportOnly(o, hooks.onDecision !== undefined, p, compileFallback);
  const guard = validateGuard(o, p);
  p.throwIfAny();
  if (hooks.onWarning) for (const w of p.warnings) hooks.onWarning(w);

  const config: NormalizedConfig = Object.freeze({
    originMode: origins.originMode,
    origins: Object.freeze(origins.exactOrigins),
    originPatterns: Object.freeze(origins.patterns),
    originRegExps: Object.freeze([...origins.regexps]),
    originPredicates: origins.predicates.length + origins.requestScopedPredicates.length,
    credentials,
    methods: methods.any ? '*' : methods.names,
    allowedHeaders: Object.freeze(allowedHeaders.any ? ['*', ...allowedHeaders.names] : [...allowedHeaders.names]),
    mirrorRequestHeaders,
    exposedHeaders: Object.freeze(exposedHeaders.any ? ['*'] : [...exposedHeaders.names]),
    maxAge,
    preflightStatus,
    privateNetwork,
    reportOnly: fallback !== undefined,
    debug: hooks.debug,
    guard: guard?.normalized,
  });
  return Object.freeze({
    originMode: origins.originMode,
    fixedOrigin: origins.fixedOrigin,
    matcher: origins.matcher,
    regexps: origins.regexps,
    predicates: origins.predicates,
    requestScopedPredicates: origins.requestScopedPredicates,
    credentials,
    methods,
    allowedHeaders,
    mirrorRequestHeaders,
    exposedHeaders,
    maxAge,
    preflightStatus,
    privateNetwork,
    debug: hooks.debug,
    isAsync: origins.isAsync || (fallback?.isAsync ?? false),
    onDecision: hooks.onDecision,
    onError: hooks.onError,
    cache,
    resolverTimeout,
    fallback,
    guard: guard?.compiled,
    warnings: Object.freeze([...p.warnings]),
    config,
  });
}
