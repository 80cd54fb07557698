/**
 * What an allowed preflight answer carries beyond the allowlists: `maxAge`, the status
 * (`preflightStatus` or its alias `optionsSuccessStatus`) and the legacy `privateNetwork`.
 * @module
 */
import { MAX_AGE_CAPS, MAX_AGE_LIMIT } from '../spec.js';
import { readBoolean } from './options.js';
import type { ProblemList } from './problems.js';
import { show } from './problems.js';

/** Validates `maxAge`: whole seconds up to Firefox's cap, with a warning above Chromium's. */
export function validateMaxAge(o: Record<string, unknown>, p: ProblemList): number | undefined {
  const v = o.maxAge;
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > MAX_AGE_LIMIT) {
    p.add('maxAge.invalid', 'maxAge', `\`maxAge\` must be a whole number of seconds from 0 to ${MAX_AGE_LIMIT}, got ${show(v)}.`, 'Use e.g. `maxAge: 7200` (Chromium\'s cap); browsers ignore larger values.');
    return undefined;
  }
  if (v > MAX_AGE_CAPS.chromium) {
    p.warn('maxAge.above-browser-cap', 'maxAge', `\`maxAge\` is ${v}, but Chromium caches preflights for at most ${MAX_AGE_CAPS.chromium} s and Safari for ${MAX_AGE_CAPS.safari} s.`, `Use ${MAX_AGE_CAPS.chromium} or less unless you target Firefox only.`);
  }
  return v;
}

/** Validates `preflightStatus` and its alias `optionsSuccessStatus`: 204 (default) or 200. */
export function validatePreflightStatus(o: Record<string, unknown>, p: ProblemList): 200 | 204 {
  for (const key of ['preflightStatus', 'optionsSuccessStatus'] as const) {
    const v = o[key];
    if (v !== undefined && v !== 200 && v !== 204) {
      p.add('preflightStatus.invalid', key, `\`${key}\` must be 204 or 200, got ${show(v)}.`, 'Use 204 (the default) or 200 for very old clients.');
    }
  }
  if (o.preflightStatus !== undefined && o.optionsSuccessStatus !== undefined && o.preflightStatus !== o.optionsSuccessStatus) {
    p.add('option.conflict', 'optionsSuccessStatus', '`preflightStatus` and its alias `optionsSuccessStatus` disagree.', 'Keep only `preflightStatus`.');
  }
  return (o.preflightStatus ?? o.optionsSuccessStatus) === 200 ? 200 : 204;
}

/** Validates `privateNetwork`, the legacy Private Network Access answer. */
export function validatePrivateNetwork(o: Record<string, unknown>, p: ProblemList): boolean {
  const on = readBoolean(o, 'privateNetwork', p);
  if (on) {
    p.warn('privateNetwork.legacy', 'privateNetwork', '`privateNetwork` answers the legacy Private Network Access preflight; Chrome replaced it with the Local Network Access permission prompt, which no header can skip.', 'Keep it only for old Chromium versions; it does not affect current browsers.');
  }
  return on;
}
