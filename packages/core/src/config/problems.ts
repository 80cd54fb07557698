/**
 * Configuration problems and the error that carries them.
 *
 * `createPolicy` never stops at the first mistake: it collects every problem and throws one
 * {@link CorsConfigError}, so a user fixes a configuration in one pass.
 * @module
 */

/** Every configuration problem Corsica can report. Stable: tools may switch on them. */
export type ProblemCode =
  | 'option.unknown'
  | 'option.invalid-type'
  | 'option.out-of-range'
  | 'option.conflict'
  | 'origin.missing'
  | 'origin.empty-list'
  | 'origin.wildcard-in-list'
  | 'origin.wildcard-with-credentials'
  | 'origin.null'
  | 'origin.opaque-scheme'
  | 'origin.missing-scheme'
  | 'origin.has-path'
  | 'origin.trailing-slash'
  | 'origin.userinfo'
  | 'origin.default-port'
  | 'origin.invalid-port'
  | 'origin.uppercase'
  | 'origin.unicode-host'
  | 'origin.not-canonical'
  | 'origin.invalid'
  | 'origin.invalid-pattern'
  | 'origin.public-suffix-wildcard'
  | 'origin.public-suffix-label-wildcard'
  | 'origin.insecure-with-credentials'
  | 'origin.regexp-unanchored'
  | 'origin.regexp-unescaped-dot'
  | 'origin.regexp-stateful'
  | 'origin.callback-style'
  | 'methods.invalid-token'
  | 'methods.forbidden'
  | 'methods.wildcard-with-credentials'
  | 'methods.wildcard-in-list'
  | 'allowedHeaders.invalid-token'
  | 'allowedHeaders.forbidden'
  | 'allowedHeaders.wildcard-with-credentials'
  | 'allowedHeaders.wildcard-in-list'
  | 'exposedHeaders.invalid-token'
  | 'exposedHeaders.forbidden'
  | 'exposedHeaders.wildcard-with-credentials'
  | 'exposedHeaders.wildcard-in-list'
  | 'maxAge.invalid'
  | 'preflightStatus.invalid'
  | 'reportOnly.missing-fallback'
  | 'reportOnly.missing-reporter'
  | 'guard.invalid-host'
  | 'guard.empty-hosts'
  | 'guard.public-suffix-wildcard'
  | 'env.invalid'
  | 'env.production-needs-allowlist'
  | 'env.local-wildcard';

/**
 * Advice that does not stop a policy from being created. The `dropin.*` codes come from the
 * framework adapters' peer-compatible entry points: `dropin.peer-defaults` (options left out were
 * filled with the peer's permissive defaults), `dropin.reflect-origin` (a peer's `origin: true`
 * without credentials, read as `'*'`), `dropin.option-ignored` (a peer option Corsica does not
 * need, such as `preflightContinue: true`).
 */
export type WarningCode =
  | 'maxAge.above-browser-cap'
  | 'allowedHeaders.wildcard-excludes-authorization'
  | 'exposedHeaders.always-readable'
  | 'methods.safelisted'
  | 'privateNetwork.legacy'
  | 'dropin.peer-defaults'
  | 'dropin.reflect-origin'
  | 'dropin.option-ignored';

/** One thing wrong with a configuration. */
export interface ConfigProblem {
  /** Machine-readable code, stable across versions. */
  readonly code: ProblemCode;
  /** The option at fault, as a path: `origin`, `origin[2]`, `allowedHeaders[0]`, `env.CORS_ORIGINS`. */
  readonly path: string;
  /** What is wrong, starting with `corsica:` and naming the option. */
  readonly message: string;
  /** How to fix it, in one sentence. */
  readonly fix: string;
}

/** One piece of advice about a configuration that still works. */
export interface ConfigWarning {
  readonly code: WarningCode;
  readonly path: string;
  readonly message: string;
  readonly fix: string;
}

/**
 * Thrown by `createPolicy` (and `policyFromEnv`) when a configuration is invalid or insecure.
 * `problems` lists every problem found, not just the first.
 *
 * @example
 * ```ts
 * try {
 *   createPolicy({ origin: 'https://app.example.com/', credentials: true });
 * } catch (error) {
 *   if (error instanceof CorsConfigError) console.error(error.problems.map((p) => p.code));
 * }
 * ```
 */
export class CorsConfigError extends Error {
  readonly problems: readonly ConfigProblem[];

  constructor(problems: readonly ConfigProblem[]) {
    const head =
      problems.length === 1
        ? 'corsica: invalid CORS configuration (1 problem):'
        : `corsica: invalid CORS configuration (${problems.length} problems):`;
    const lines = problems.map((p) => `  - [${p.code}] ${stripPrefix(p.message)} Fix: ${p.fix}`);
    super([head, ...lines].join('\n'));
    this.name = 'CorsConfigError';
    this.problems = Object.freeze([...problems]);
  }
}

function stripPrefix(message: string): string {
  return message.startsWith('corsica: ') ? message.slice('corsica: '.length) : message;
}

/** Collects problems and warnings while options are compiled. */
export class ProblemList {
  readonly problems: ConfigProblem[] = [];
  readonly warnings: ConfigWarning[] = [];

  add(code: ProblemCode, path: string, message: string, fix: string): void {
    this.problems.push(Object.freeze({ code, path, message: `corsica: ${message}`, fix }));
  }

  warn(code: WarningCode, path: string, message: string, fix: string): void {
    this.warnings.push(Object.freeze({ code, path, message: `corsica: ${message}`, fix }));
  }

  throwIfAny(): void {
    if (this.problems.length > 0) throw new CorsConfigError(this.problems);
  }
}

/** Renders a configured value for an error message: short, quoted, never multi-line. */
export function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 120 ? `${value.slice(0, 117)}...` : value);
  if (value instanceof RegExp) return String(value);
  if (typeof value === 'function') return `a function${value.name ? ` (${value.name})` : ''}`;
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  return typeof value === 'object' ? 'an object' : String(value);
}
