/**
 * Translating a peer's options into Corsica's: the problems and warnings worded like the core's,
 * renames, the peer's open defaults, and compiling with every problem in one `CorsConfigError`.
 * @module
 */
import { CorsConfigError } from '../errors.js';
import type { ConfigProblem, ConfigWarning, WarningCode } from '../errors.js';
import { createPolicy } from '../policy.js';
import type { CorsOptions, Policy } from '../types.js';
import { DISABLED } from './delegate.js';

/** Advice about a translated option. */
export type DropInWarningCode = Extract<WarningCode, `dropin.${string}`>;

/** A configuration problem, worded like the core's. */
export function problem(code: ConfigProblem['code'], path: string, message: string, fix: string): ConfigProblem {
  return { code, path, message: `corsica: ${message}`, fix };
}

/** A drop-in warning, shaped like the core's `ConfigWarning`. */
export function warning(code: DropInWarningCode, path: string, message: string, fix: string): ConfigWarning {
  return { code, path, message: `corsica: ${message}`, fix };
}

/** How to get out of "no origin": the peers allowed every origin; Corsica asks. */
export const NO_ORIGIN_FIX =
  'List the origins that may call you (`origin: ["https://app.example.com"]`), or write `origin: "*"` on purpose for a public API without credentials, or use `policyFromEnv()` from @corsica/core for development.';

/** The error for a call without options (`cors()`): the peers' default was every origin. */
export function noOptions(call: string, peer: string): CorsConfigError {
  return new CorsConfigError([problem('origin.missing', 'origin', `${call} has no \`origin\`; ${peer} then allowed every origin, and Corsica has no default origin.`, NO_ORIGIN_FIX)]);
}

/**
 * Moves a peer's option name to Corsica's (`allowHeaders` → `allowedHeaders`); both at once is a
 * conflict. Returns whether the peer's name was there.
 */
export function rename(options: Record<string, unknown>, from: string, to: string, problems: ConfigProblem[]): boolean {
  if (!(from in options)) return false;
  if (to in options) problems.push(problem('option.conflict', from, `\`${from}\` and \`${to}\` are the same option, given twice.`, `Keep one of them (Corsica's name is \`${to}\`).`));
  else options[to] = options[from];
  delete options[from];
  return true;
}

/**
 * Fills in what a peer does when an option is left out (its methods, and every requested header
 * mirrored), with one warning naming the options that would tighten it.
 */
export function peerDefaults(options: Record<string, unknown>, peer: string, methods: string | undefined, warnings: ConfigWarning[]): void {
  const left: string[] = [];
  const fix: string[] = [];
  if (methods !== undefined && options.methods === undefined) {
    options.methods = methods;
    left.push(`methods ${methods.split(',').join(', ')}`);
    fix.push('`methods: ["GET", "POST"]`');
  }
  if (options.allowedHeaders === undefined && options.mirrorRequestHeaders === undefined) {
    options.mirrorRequestHeaders = true;
    left.push('every requested header allowed (each still checked: a valid name, never a forbidden one)');
    fix.push('`allowedHeaders: ["Content-Type", "Authorization"]`');
  }
  if (left.length === 0) return;
  warnings.push(warning('dropin.peer-defaults', 'options', `options left out keep ${peer}'s open defaults: ${left.join('; ')}.`, `List what your API uses: ${fix.join(', ')}.`));
}

/**
 * Compiles translated options: every problem, the translation's and the core's, in one
 * `CorsConfigError` (a missing origin with the drop-in fix), then the translation's warnings
 * through `onWarning` (default `console.warn`, `false` silences them).
 */
export function compileTranslated(options: Record<string, unknown>, problems: readonly ConfigProblem[] = [], warnings: readonly ConfigWarning[] = []): Policy {
  let policy: Policy | undefined;
  let found: readonly ConfigProblem[] = [];
  try {
    policy = createPolicy((problems.length > 0 ? { ...options, onWarning: false } : options) as unknown as CorsOptions);
  } catch (error) {
    if (!(error instanceof CorsConfigError)) throw error;
    const told = new Set(problems.map((p) => p.path));
    found = error.problems.filter((p) => !(p.code === 'origin.missing' && told.has('origin'))).map((p) => (p.code === 'origin.missing' ? { ...p, fix: NO_ORIGIN_FIX } : p));
  }
  if (problems.length > 0 || found.length > 0) throw new CorsConfigError([...problems, ...found]);
  const onWarning = options.onWarning;
  if (onWarning !== false) {
    for (const w of warnings) {
      if (typeof onWarning === 'function') (onWarning as (w: ConfigWarning) => void)(w);
      else console.warn(`${w.message} Fix: ${w.fix}`);
    }
  }
  return policy!;
}

/**
 * The `cors` / `@fastify/cors` boolean origins: `false` (or a list of only `false`) turns CORS off,
 * `true` (also inside a list) reflects every origin — a configuration error with credentials, and
 * `'*'` with a warning without them. Anything else is returned unchanged (minus `false` entries).
 */
export function booleanOrigin(origin: unknown, credentials: boolean, problems: ConfigProblem[], warnings: ConfigWarning[]): unknown {
  let value = origin;
  if (Array.isArray(value)) value = value.includes(true) ? true : value.filter((entry) => entry !== false);
  if (value === false) return DISABLED;
  if (value !== true) return value;
  if (credentials) {
    problems.push(problem('origin.wildcard-with-credentials', 'origin', '`origin: true` reflects every origin, and with `credentials: true` any website could read your users\' data with their cookies.', 'List the origins allowed to send credentials: `origin: ["https://app.example.com"]` (or `policyFromEnv()` from @corsica/core for development).'));
    return undefined;
  }
  warnings.push(warning('dropin.reflect-origin', 'origin', '`origin: true` reflects every origin; without credentials that is what `origin: "*"` does, so Corsica answers `*`.', 'Write `origin: "*"` to say so, or list your origins.'));
  return '*';
}
