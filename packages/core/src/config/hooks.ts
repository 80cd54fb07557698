/**
 * The hooks: `onDecision`, `onError` (wrapped so that it never throws), `onWarning`, and the
 * `debug` switch.
 * @module
 */
import type { CompiledConfig } from '../compiled.js';
import type { ErrorContext } from '../types.js';
import { readBoolean, readFunction } from './options.js';
import type { ConfigWarning, ProblemList } from './problems.js';

export interface Hooks {
  readonly onDecision: CompiledConfig['onDecision'];
  readonly onError: CompiledConfig['onError'];
  /** `undefined` when warnings are silenced (`onWarning: false`). */
  readonly onWarning: ((warning: ConfigWarning) => void) | undefined;
  readonly debug: boolean;
}

/** Validates the hooks and `debug`. */
export function validateHooks(o: Record<string, unknown>, p: ProblemList): Hooks {
  const onDecision = readFunction(o, 'onDecision', p) as CompiledConfig['onDecision'];
  const userOnError = (readFunction(o, 'onError', p) as CompiledConfig['onError'] | undefined) ?? defaultOnError;
  // A reporter that throws must never turn a decision into an exception or a hung request.
  const onError: CompiledConfig['onError'] = (error, context) => {
    try {
      userOnError(error, context);
    } catch {
      // nothing sensible is left to report to
    }
  };
  let onWarning: Hooks['onWarning'] = (w) => console.warn(`${w.message} Fix: ${w.fix}`);
  if (o.onWarning === false) onWarning = undefined;
  else if (o.onWarning !== undefined) onWarning = readFunction(o, 'onWarning', p) as Hooks['onWarning'];
  return { onDecision, onError, onWarning, debug: readBoolean(o, 'debug', p) };
}

function defaultOnError(error: unknown, context: ErrorContext): void {
  if (context.phase === 'adapter' || context.phase === 'on-decision') {
    // Reports about the set-up or a logging hook: the request itself was answered as decided.
    console.error(error instanceof Error ? error.message : error);
    return;
  }
  const where = context.origin ? ` for origin ${context.origin}` : '';
  console.error(`corsica: ${context.phase} failed${where}; the request was denied.`, error);
}
