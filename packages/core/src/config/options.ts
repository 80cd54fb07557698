/**
 * The option names `createPolicy` knows, the peers' names it recognises with a fix, and the
 * readers of plain boolean and function options.
 * @module
 */
import type { ProblemList } from './problems.js';
import { show } from './problems.js';

/** Every option `createPolicy` accepts. */
export const KNOWN_OPTIONS: ReadonlySet<string> = new Set([
  'origin',
  'credentials',
  'methods',
  'allowedHeaders',
  'mirrorRequestHeaders',
  'exposedHeaders',
  'maxAge',
  'preflightStatus',
  'optionsSuccessStatus',
  'privateNetwork',
  'dangerouslyAllowInsecureOrigins',
  'onDecision',
  'onError',
  'onWarning',
  'reportOnly',
  'debug',
  'originCache',
  'resolverTimeout',
  'guard',
]);

/** Names used by other CORS libraries, with what to write in Corsica instead. */
const PEER_OPTION_HINTS: Readonly<Record<string, string>> = {
  origins: 'Write `origin` (one option, a string or a list).',
  allowOrigin: 'Write `origin`.',
  allowOrigins: 'Write `origin`.',
  allowMethods: 'Write `methods`.',
  allowHeaders: 'Write `allowedHeaders`.',
  allowedheaders: 'Write `allowedHeaders`.',
  exposeHeaders: 'Write `exposedHeaders`.',
  exposedheaders: 'Write `exposedHeaders`.',
  allowCredentials: 'Write `credentials`.',
  maxage: 'Write `maxAge`.',
  preflightContinue: 'Remove it: Corsica answers preflights itself, before routing and auth, and never passes them on.',
  strictPreflight: 'Remove it: Corsica always checks preflights strictly.',
  allowPrivateNetwork: 'Write `privateNetwork`.',
  keepHeadersOnError: 'Remove it: adapters always keep CORS headers on error responses.',
  secureContext: 'Remove it: Corsica does not set cross-origin isolation headers.',
};

/** Adds a problem for every option name Corsica does not know, with the peer's equivalent. */
export function checkOptionNames(o: Record<string, unknown>, p: ProblemList): void {
  for (const key of Object.keys(o)) {
    if (KNOWN_OPTIONS.has(key)) continue;
    const hint = PEER_OPTION_HINTS[key] ?? PEER_OPTION_HINTS[key.toLowerCase()];
    p.add('option.unknown', key, `unknown option \`${key}\`.`, hint ?? `Remove it, or check its spelling against: ${[...KNOWN_OPTIONS].join(', ')}.`);
  }
}

/** A boolean option; `false` when absent. */
export function readBoolean(o: Record<string, unknown>, key: string, p: ProblemList): boolean {
  const v = o[key];
  if (v === undefined) return false;
  if (typeof v !== 'boolean') {
    p.add('option.invalid-type', key, `\`${key}\` must be true or false, got ${show(v)}.`, `Write \`${key}: true\` or leave it out.`);
    return false;
  }
  return v;
}

/** A function option; `undefined` when absent. */
export function readFunction(o: Record<string, unknown>, key: string, p: ProblemList): ((...args: never[]) => unknown) | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'function') {
    p.add('option.invalid-type', key, `\`${key}\` must be a function, got ${show(v)}.`, `Pass a function or leave \`${key}\` out.`);
    return undefined;
  }
  return v as (...args: never[]) => unknown;
}
