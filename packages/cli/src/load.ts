/**
 * Loading a policy file: JSON, or a JS/TS module whose default export is options or a compiled
 * policy.
 * @module
 */
import { readFile } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { CorsConfigError, createPolicy } from '@corsica/core';
import { isPolicy } from '@corsica/core/adapter';
import type { ConfigWarning, CorsOptions, Policy } from '@corsica/core';
import { createJiti } from 'jiti';

/** A policy read from a file. */
export interface LoadedPolicy {
  /** The absolute path that was read. */
  readonly path: string;
  /** The compiled policy. */
  readonly policy: Policy;
  /**
   * The options as the file gave them; `undefined` when the file exported a compiled policy
   * (then hooks and report-only settings are only visible through the policy).
   */
  readonly options: CorsOptions | undefined;
  /** Advice about the configuration (maxAge above a browser cap...), not printed by the core. */
  readonly warnings: readonly ConfigWarning[];
  /** Errors the policy reported through `onError` while the CLI used it (a failing resolver). */
  readonly errors: readonly string[];
}

/**
 * A policy file that cannot be used: missing, unreadable, not JSON, no default export, or an
 * export that is neither options nor a policy. (Invalid options throw the core's
 * `CorsConfigError` instead, with every problem listed.)
 */
export class PolicyFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PolicyFileError';
  }
}

const MODULE_EXTENSIONS = new Set(['.js', '.mjs', '.cjs', '.ts', '.mts', '.cts']);

/**
 * Reads a policy file and compiles it. JSON files hold an options object; `.js`, `.mjs`, `.cjs`,
 * `.ts`, `.mts` and `.cts` modules default-export options or a policy made with `createPolicy`.
 *
 * Options are compiled with their hooks quieted: `onDecision` never runs (a CLI run is not
 * traffic), warnings and resolver errors are collected into the result instead of the console.
 * Throws `CorsConfigError` (every problem, each with its fix) for invalid options, and
 * {@link PolicyFileError} for a file that cannot be used at all.
 *
 * @example
 * ```ts
 * import { loadPolicyFile } from '@corsica/cli';
 *
 * const { policy, warnings } = await loadPolicyFile('cors.policy.ts');
 * console.log(policy.explain({ method: 'GET', origin: 'https://app.example.com' }));
 * ```
 */
export async function loadPolicyFile(file: string, cwd: string = process.cwd()): Promise<LoadedPolicy> {
  const path = resolve(cwd, file);
  const ext = extname(path).toLowerCase();
  let exported: unknown;
  if (ext === '.json') {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      throw new PolicyFileError(`corsica: cannot read --policy ${file} (${(error as Error).message}); check the path.`);
    }
    try {
      exported = JSON.parse(text);
    } catch (error) {
      throw new PolicyFileError(`corsica: --policy ${file} is not valid JSON (${(error as Error).message}); fix the syntax, or use a .ts/.js module to write RegExps and functions.`);
    }
  } else if (MODULE_EXTENSIONS.has(ext)) {
    // jiti compiles TypeScript on the fly; no cache on disk, so running the CLI writes nothing.
    const jiti = createJiti(import.meta.url, { fsCache: false, moduleCache: false, interopDefault: true });
    let mod: unknown;
    try {
      mod = await jiti.import(path);
    } catch (error) {
      // createPolicy threw inside the module: its problems are the useful part
      if (isConfigError(error)) throw error;
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND' || code === 'ENOENT') {
        const missing = (error as Error).message.includes(path) ? `${file} does not exist` : (error as Error).message;
        throw new PolicyFileError(`corsica: cannot load --policy ${file}: ${missing}; check the path and its imports.`);
      }
      throw new PolicyFileError(`corsica: loading --policy ${file} failed: ${(error as Error).message}`);
    }
    exported = defaultExport(mod);
    if (exported === undefined) {
      throw new PolicyFileError(`corsica: --policy ${file} has no default export; write \`export default { origin: ['https://app.example.com'] }\` (or export a policy made with createPolicy).`);
    }
  } else {
    throw new PolicyFileError(`corsica: --policy ${file} has an extension the CLI does not read (${ext || 'none'}); use .json, .js, .mjs, .cjs, .ts, .mts or .cts.`);
  }

  const errors: string[] = [];
  if (isPolicy(exported)) {
    return { path, policy: exported, options: undefined, warnings: exported.warnings, errors };
  }
  if (typeof exported !== 'object' || exported === null || Array.isArray(exported)) {
    throw new PolicyFileError(`corsica: --policy ${file} exports ${describe(exported)}; export an options object such as { "origin": ["https://app.example.com"] }.`);
  }
  const options = exported as CorsOptions;
  const quiet = {
    ...options,
    // report-only needs a reporter to compile; the CLI never reports on the user's behalf
    ...(options.onDecision === undefined ? {} : { onDecision: () => undefined }),
    onWarning: false,
    onError: (error: unknown, context: { phase: string; origin?: string }) => {
      errors.push(`corsica: ${context.phase} failed${context.origin ? ` for ${context.origin}` : ''}: ${error instanceof Error ? error.message : String(error)}`);
    },
  };
  // The options were written by a user, not typed: the core validates everything at run time.
  const policy = createPolicy(quiet as never);
  return { path, policy, options, warnings: policy.warnings, errors };
}

/**
 * Reports whether `error` is the core's `CorsConfigError`, also when it comes from another copy
 * of the core (a policy module resolving `@corsica/core` to its build while the CLI runs from
 * source), where `instanceof` fails.
 */
export function isConfigError(error: unknown): error is CorsConfigError {
  return error instanceof CorsConfigError || (error instanceof Error && error.name === 'CorsConfigError' && Array.isArray((error as { problems?: unknown }).problems));
}

function defaultExport(mod: unknown): unknown {
  if (typeof mod !== 'object' || mod === null) return mod;
  const m = mod as { default?: unknown; __esModule?: boolean };
  if ('default' in m && m.default !== undefined) {
    // a CommonJS module compiled from ESM can nest the export once more
    const inner = m.default as { default?: unknown; __esModule?: boolean } | null;
    if (typeof inner === 'object' && inner !== null && inner.__esModule === true && inner.default !== undefined) return inner.default;
    return m.default;
  }
  return undefined;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'function' ? 'a function' : `a ${typeof value}`;
}
