/**
 * Policies from environment variables, for deployments that configure CORS per environment.
 * The environment is a parameter, so the core never touches `process` and stays runtime-neutral.
 * @module
 */
import { createPolicy } from '../policy.js';
import type { CommonCorsOptions, CorsOptions, OriginEntryOption, Policy } from '../types.js';
import { LOOPBACK_HOSTS } from './guard.js';
import { CorsConfigError, ProblemList } from './problems.js';

/** A `process.env`-like object. */
export type EnvLike = Readonly<Record<string, string | undefined>>;

/** `process.env` where there is one (Node, Bun, Deno's Node compatibility), else nothing. */
function defaultEnv(): EnvLike {
  const proc = (globalThis as { process?: { env?: EnvLike } }).process;
  return proc?.env ?? {};
}

/** Origins added in the `development` profile: local servers on any port. */
export const DEVELOPMENT_ORIGINS: readonly string[] = Object.freeze(['http://localhost:*', 'http://127.0.0.1:*', 'http://[::1]:*']);

/**
 * Builds a policy from environment variables:
 *
 * - `CORS_ORIGINS`: comma-separated origins or patterns (`*` alone for a public API).
 * - `CORS_CREDENTIALS`: `true` or `false`.
 * - `CORS_MAX_AGE`: seconds.
 * - `CORS_METHODS`, `CORS_ALLOWED_HEADERS`, `CORS_EXPOSED_HEADERS`: comma-separated.
 * - `NODE_ENV`: `development` adds `http://localhost:*`, `http://127.0.0.1:*` and
 *   `http://[::1]:*`; `production` refuses to start with an empty list, or with `*` while
 *   credentials are on.
 * - `CORS_PROFILE`: `local` for servers on a developer's machine (MCP servers, dev tools, AI
 *   tools): the loopback origins above are added, and the origin guard is on for every method
 *   with `guard: { hosts: ['localhost:*', '127.0.0.1:*', '[::1]:*'], crossOrigin: 'all' }`, so
 *   pages on other sites and DNS-rebinding host names get 403. `base.guard` keys win over the
 *   profile's; `CORS_ORIGINS=*` is refused.
 *
 * `env` defaults to `process.env` where a `process` global exists; pass it explicitly on
 * runtimes without one (Cloudflare Workers: the `env` binding).
 * `base` supplies everything else (hooks, defaults for the variables above); variables win.
 *
 * @example
 * ```ts
 * const policy = policyFromEnv(process.env, { allowedHeaders: ['Content-Type', 'Authorization'] });
 * ```
 */
export function policyFromEnv(env: EnvLike = defaultEnv(), base: Partial<CommonCorsOptions> & { origin?: CorsOptions['origin']; credentials?: boolean } = {}): Policy {
  const p = new ProblemList();
  const profile = env.NODE_ENV;
  const rawProfile = env.CORS_PROFILE?.trim().toLowerCase();
  const local = rawProfile === 'local';
  if (rawProfile !== undefined && rawProfile !== '' && !local) {
    p.add('env.invalid', 'env.CORS_PROFILE', `\`CORS_PROFILE\` is ${JSON.stringify(env.CORS_PROFILE)}; the only profile is "local".`, 'Set CORS_PROFILE=local for a server on a developer\'s machine, or leave it unset.');
  }
  const list = (name: string): string[] | undefined => {
    const raw = env[name];
    if (raw === undefined) return undefined;
    return raw.split(',').map((s) => s.trim()).filter((s) => s !== '');
  };

  let credentials = base.credentials ?? false;
  const rawCredentials = env.CORS_CREDENTIALS;
  if (rawCredentials !== undefined) {
    const v = rawCredentials.trim().toLowerCase();
    if (v === 'true' || v === '1') credentials = true;
    else if (v === 'false' || v === '0' || v === '') credentials = false;
    else p.add('env.invalid', 'env.CORS_CREDENTIALS', `\`CORS_CREDENTIALS\` is ${JSON.stringify(rawCredentials)}; expected true or false.`, 'Set CORS_CREDENTIALS=true or CORS_CREDENTIALS=false.');
  }
  let maxAge = base.maxAge;
  const rawMaxAge = env.CORS_MAX_AGE;
  if (rawMaxAge !== undefined && rawMaxAge.trim() !== '') {
    const n = Number(rawMaxAge.trim());
    if (!/^\d+$/.test(rawMaxAge.trim())) {
      p.add('env.invalid', 'env.CORS_MAX_AGE', `\`CORS_MAX_AGE\` is ${JSON.stringify(rawMaxAge)}; expected a whole number of seconds.`, 'Set e.g. CORS_MAX_AGE=7200.');
    } else maxAge = n;
  }

  const fromEnv = list('CORS_ORIGINS');
  let origins: OriginEntryOption[] = fromEnv ?? (base.origin === undefined ? [] : base.origin === '*' ? ['*'] : Array.isArray(base.origin) ? [...(base.origin as OriginEntryOption[])] : [base.origin as OriginEntryOption]);
  const isWildcard = origins.length === 1 && origins[0] === '*';
  if (local) {
    if (isWildcard) {
      p.add('env.local-wildcard', 'env.CORS_ORIGINS', 'CORS_PROFILE is local, which limits callers to pages on this machine, but `CORS_ORIGINS` is "*".', 'Leave CORS_ORIGINS unset (loopback pages only) or list the extra origins, e.g. CORS_ORIGINS=https://app.example.com.');
    } else origins = [...origins, ...DEVELOPMENT_ORIGINS.filter((o) => !origins.includes(o))];
  }
  if (profile === 'production') {
    if (origins.length === 0) {
      p.add('env.production-needs-allowlist', 'env.CORS_ORIGINS', 'NODE_ENV is production but `CORS_ORIGINS` is empty: no origin could call the API, which is almost certainly a deployment mistake.', 'Set CORS_ORIGINS to your front-end origins, e.g. CORS_ORIGINS=https://app.example.com.');
    } else if (isWildcard && credentials) {
      p.add('env.production-needs-allowlist', 'env.CORS_ORIGINS', 'NODE_ENV is production, credentials are on, and `CORS_ORIGINS` is "*".', 'List the front-end origins in CORS_ORIGINS.');
    }
  } else if (profile === 'development' && !isWildcard && !local) {
    origins = [...origins, ...DEVELOPMENT_ORIGINS.filter((o) => !origins.includes(o))];
  }
  if (p.problems.length > 0) throw new CorsConfigError(p.problems);

  const options: Record<string, unknown> = { ...base, credentials, origin: isWildcard ? '*' : origins };
  if (local) options.guard = { hosts: LOOPBACK_HOSTS, crossOrigin: 'all', ...base.guard };
  if (maxAge !== undefined) options.maxAge = maxAge;
  const methods = list('CORS_METHODS');
  if (methods) options.methods = methods;
  const allowed = list('CORS_ALLOWED_HEADERS');
  if (allowed) options.allowedHeaders = allowed;
  const exposed = list('CORS_EXPOSED_HEADERS');
  if (exposed) options.exposedHeaders = exposed;
  if (origins.length === 0) delete options.origin;
  try {
    return createPolicy(options as unknown as CorsOptions);
  } catch (error) {
    if (!(error instanceof CorsConfigError) || fromEnv === undefined) throw error;
    // Name the variable the user actually set.
    throw new CorsConfigError(error.problems.map((q) => (q.path.startsWith('origin') ? { ...q, path: q.path.replace(/^origin/, 'env.CORS_ORIGINS') } : q)));
  }
}
