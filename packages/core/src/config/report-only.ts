/**
 * `reportOnly`: the configured policy is only reported, while responses follow `fallback`.
 * @module
 */
import { isPolicy } from '../is-policy.js';
import type { CorsOptions, Policy } from '../types.js';
import type { ProblemList } from './problems.js';

/**
 * Validates `reportOnly` and compiles its fallback with `compileFallback` (passed in to avoid an
 * import cycle); the fallback's problems are reported under `reportOnly.fallback.`.
 */
export function validateReportOnly(o: Record<string, unknown>, hasReporter: boolean, p: ProblemList, compileFallback: (options: CorsOptions) => Policy): Policy | undefined {
  if (o.reportOnly === undefined) return undefined;
  let fallback: Policy | undefined;
  const r = o.reportOnly as Record<string, unknown> | null;
  if (typeof r !== 'object' || r === null || r.fallback === undefined) {
    p.add('reportOnly.missing-fallback', 'reportOnly', '`reportOnly` needs `fallback`: the permissive behaviour responses keep while the configured policy is only reported.', 'Write e.g. `reportOnly: { fallback: { origin: "*" } }` or your previous options.');
  } else if (isPolicy(r.fallback)) {
    fallback = r.fallback;
  } else if (typeof r.fallback === 'object' && r.fallback !== null && (r.fallback as Record<string, unknown>).reportOnly !== undefined) {
    p.add('option.conflict', 'reportOnly.fallback.reportOnly', '`reportOnly.fallback` is itself report-only; the fallback is what responses follow, so it must enforce.', 'Remove `reportOnly` from the fallback options.');
  } else {
    try {
      fallback = compileFallback(r.fallback as CorsOptions);
    } catch (error) {
      const inner = (error as { problems?: readonly { code: never; path: string; message: string; fix: string }[] }).problems;
      if (!inner) throw error;
      for (const q of inner) p.add(q.code, `reportOnly.fallback.${q.path}`, `in \`reportOnly.fallback\`: ${q.message.replace(/^corsica: /, '')}`, q.fix);
    }
  }
  if (!hasReporter) {
    p.add('reportOnly.missing-reporter', 'onDecision', '`reportOnly` reports through `onDecision`, which is not set: nothing would be reported.', 'Add `onDecision: (decision) => log(decision.wouldHave)`.');
  }
  return fallback;
}
