/**
 * The one policy every library is benchmarked with, written in each library's own idiom, and the
 * requests sent to it. Keeping them in one place is what makes the comparison fair: the same
 * allowlist, the same methods and headers, the same origins on the wire.
 */

/** Allowlist sizes of the core group (exact origins, plus one subdomain pattern). */
export const SIZES = [1, 10, 1000, 10000];

export const PATTERN = 'https://*.example.com';
/**
 * The peers' form of the pattern: anchored, dots escaped, whole labels only. Each label group ends
 * with a dot, so the repetition is unambiguous (no catastrophic backtracking).
 */
export const PATTERN_RE = /^https:\/\/([a-z0-9-]+\.)+example\.com$/;

export const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'];
export const ALLOWED_HEADERS = ['Content-Type', 'Authorization', 'X-Requested-With'];
export const EXPOSED_HEADERS = ['X-Request-Id'];
export const MAX_AGE = 600;

/** `n` distinct exact origins. */
export function originList(n) {
  return Array.from({ length: n }, (_, i) => `https://shop-${i}.example.org`);
}

/** An origin from the middle of the list: the average case for peers that scan arrays. */
export function allowedOrigin(n) {
  return `https://shop-${Math.floor(n / 2)}.example.org`;
}

export const DENIED_ORIGIN = 'https://evil.example.net';
export const PREFLIGHT_METHOD = 'PUT';
export const PREFLIGHT_HEADERS = 'authorization,content-type';

/** The four request shapes of the core group, as Node-style lower-case header maps. */
export const SCENARIOS = ['allowed actual', 'denied actual', 'allowed preflight', 'denied preflight'];

export function scenarioRequest(scenario, n) {
  const origin = scenario.startsWith('allowed') ? allowedOrigin(n) : DENIED_ORIGIN;
  if (scenario.endsWith('actual')) return { method: 'GET', headers: { host: 'api.example.org', origin } };
  return {
    method: 'OPTIONS',
    headers: {
      host: 'api.example.org',
      origin,
      'access-control-request-method': PREFLIGHT_METHOD,
      'access-control-request-headers': PREFLIGHT_HEADERS,
    },
  };
}

/** Corsica's options: strict, credentialed, closed by default. */
export function corsicaOptions(n) {
  return {
    origin: [...originList(n), PATTERN],
    credentials: true,
    methods: METHODS,
    allowedHeaders: ALLOWED_HEADERS,
    exposedHeaders: EXPOSED_HEADERS,
    maxAge: MAX_AGE,
    onWarning: false,
  };
}

/** A Set-backed predicate, for peers whose fastest form at scale is a function. */
export function originPredicate(n) {
  const set = new Set(originList(n));
  return (origin) => typeof origin === 'string' && (set.has(origin) || PATTERN_RE.test(origin));
}

/** `cors` (expressjs/cors), documented form: an array of strings and RegExps, scanned in order. */
export function corsArrayOptions(n) {
  return {
    origin: [...originList(n), PATTERN_RE],
    credentials: true,
    methods: METHODS,
    allowedHeaders: ALLOWED_HEADERS,
    exposedHeaders: EXPOSED_HEADERS,
    maxAge: MAX_AGE,
  };
}

/** `cors`, fastest form at scale: a callback-style origin function over a Set. */
export function corsFunctionOptions(n) {
  const allowed = originPredicate(n);
  return { ...corsArrayOptions(n), origin: (origin, callback) => callback(null, allowed(origin)) };
}

/** `@koa/cors`: the origin option must be a function of `ctx` to express an allowlist. */
export function koaCorsOptions(n) {
  const allowed = originPredicate(n);
  return {
    origin: (ctx) => {
      const origin = ctx.get('Origin');
      return allowed(origin) ? origin : '';
    },
    credentials: true,
    allowMethods: METHODS,
    allowHeaders: ALLOWED_HEADERS,
    exposeHeaders: EXPOSED_HEADERS,
    maxAge: MAX_AGE,
  };
}

/** `hono/cors`: an array cannot hold a pattern, so a function over a Set is the only complete form. */
export function honoCorsOptions(n) {
  const allowed = originPredicate(n);
  return {
    origin: (origin) => (allowed(origin) ? origin : null),
    credentials: true,
    allowMethods: METHODS,
    allowHeaders: ALLOWED_HEADERS,
    exposeHeaders: EXPOSED_HEADERS,
    maxAge: MAX_AGE,
  };
}

/** `@fastify/cors`: a callback-style origin function over a Set (its array form is a linear scan). */
export function fastifyCorsOptions(n) {
  const allowed = originPredicate(n);
  return {
    origin: (origin, callback) => callback(null, allowed(origin)),
    credentials: true,
    methods: METHODS,
    allowedHeaders: ALLOWED_HEADERS,
    exposedHeaders: EXPOSED_HEADERS,
    maxAge: MAX_AGE,
  };
}
