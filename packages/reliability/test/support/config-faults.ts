/**
 * One faulty configuration per `CorsConfigError` code. The child process starts each adapter with
 * each of them; the test expects every start to fail before the server listens. Typed as a record
 * over `ProblemCode`, so a code added to the core without a row here fails the typecheck (and the
 * test that reads the codes from `packages/core/src/config/problems.ts` fails at run time).
 */
import type { ProblemCode } from '@corsica/core';

/** A configuration that must stop a server from starting. */
export interface ConfigFault {
  /** What is wrong, for the test title. */
  readonly desc: string;
  /** Options handed to the adapter as they are (deliberately untyped). */
  readonly options?: unknown;
  /** Or: an environment handed to `policyFromEnv`, whose policy then goes to the adapter. */
  readonly env?: Readonly<Record<string, string>>;
  /** The problem's `path`, as the core reports it. */
  readonly path: string;
  /** The option (or variable) name the message must contain. */
  readonly option: string;
}

const PAGE = 'https://app.example.com';
const noop = (): void => undefined;

export const CONFIG_FAULTS: Readonly<Record<ProblemCode, ConfigFault>> = {
  // not a peer's option name (allowHeaders...): adapters that take their peer's options translate those
  'option.unknown': { desc: 'a misspelt option (credential)', options: { origin: PAGE, credential: true }, path: 'credential', option: 'credential' },
  // not `origin: true`: adapters that take the `cors` package's options read it as `*` (without credentials)
  'option.invalid-type': { desc: 'credentials given as the string "true"', options: { origin: PAGE, credentials: 'true' }, path: 'credentials', option: 'credentials' },
  'option.out-of-range': { desc: 'a resolver timeout of 0 ms', options: { origin: PAGE, resolverTimeout: 0 }, path: 'resolverTimeout', option: 'resolverTimeout' },
  'option.conflict': { desc: 'preflightStatus and optionsSuccessStatus disagreeing', options: { origin: PAGE, preflightStatus: 204, optionsSuccessStatus: 200 }, path: 'optionsSuccessStatus', option: 'optionsSuccessStatus' },
  'origin.missing': { desc: 'no origin at all', options: { credentials: true }, path: 'origin', option: 'origin' },
  'origin.empty-list': { desc: 'an empty origin list', options: { origin: [] }, path: 'origin', option: 'origin' },
  'origin.wildcard-in-list': { desc: '* inside an origin list', options: { origin: [PAGE, '*'] }, path: 'origin[1]', option: 'origin' },
  'origin.wildcard-with-credentials': { desc: 'origin * with credentials', options: { origin: '*', credentials: true }, path: 'origin', option: 'origin' },
  'origin.null': { desc: 'the null origin', options: { origin: ['null'] }, path: 'origin[0]', option: 'origin' },
  'origin.opaque-scheme': { desc: 'a file: URL', options: { origin: 'file:///srv/index.html' }, path: 'origin', option: 'origin' },
  'origin.missing-scheme': { desc: 'a host without a scheme', options: { origin: 'app.example.com' }, path: 'origin', option: 'origin' },
  'origin.has-path': { desc: 'an origin with a path', options: { origin: `${PAGE}/login` }, path: 'origin', option: 'origin' },
  'origin.trailing-slash': { desc: 'an origin with a trailing slash', options: { origin: `${PAGE}/` }, path: 'origin', option: 'origin' },
  'origin.userinfo': { desc: 'an origin with userinfo', options: { origin: 'https://user@app.example.com' }, path: 'origin', option: 'origin' },
  'origin.default-port': { desc: 'an origin with its default port', options: { origin: `${PAGE}:443` }, path: 'origin', option: 'origin' },
  'origin.invalid-port': { desc: 'a port out of range', options: { origin: `${PAGE}:70000` }, path: 'origin', option: 'origin' },
  'origin.uppercase': { desc: 'an upper-case origin', options: { origin: 'https://App.Example.com' }, path: 'origin', option: 'origin' },
  'origin.unicode-host': { desc: 'a unicode host', options: { origin: 'https://bücher.example' }, path: 'origin', option: 'origin' },
  'origin.not-canonical': { desc: 'a non-canonical IPv4 host', options: { origin: 'http://127.1:3000' }, path: 'origin', option: 'origin' },
  'origin.invalid': { desc: 'an origin with whitespace', options: { origin: ` ${PAGE}` }, path: 'origin', option: 'origin' },
  'origin.invalid-pattern': { desc: 'a wildcard inside a label that is not the first', options: { origin: 'https://app.pr-*.example.com' }, path: 'origin', option: 'origin' },
  'origin.public-suffix-wildcard': { desc: 'a wildcard over a public suffix', options: { origin: 'https://*.github.io' }, path: 'origin', option: 'origin' },
  'origin.public-suffix-label-wildcard': { desc: 'a preview pattern on a shared hosting domain', options: { origin: 'https://myapp-*.vercel.app' }, path: 'origin', option: 'origin' },
  'origin.insecure-with-credentials': { desc: 'plain http with credentials', options: { origin: 'http://app.example.com', credentials: true }, path: 'origin', option: 'origin' },
  'origin.regexp-unanchored': { desc: 'an unanchored RegExp', options: { origin: /example\.com/ }, path: 'origin', option: 'origin' },
  'origin.regexp-unescaped-dot': { desc: 'a RegExp with an unescaped dot', options: { origin: /^https:\/\/app.example\.com$/ }, path: 'origin', option: 'origin' },
  'origin.regexp-stateful': { desc: 'a global (stateful) RegExp', options: { origin: /^https:\/\/app\.example\.com$/g }, path: 'origin', option: 'origin' },
  // inside a list: alone, an `(origin, callback)` function is the `cors` package's option, which adapters translate
  'origin.callback-style': { desc: 'a callback-style function in an origin list', options: { origin: [PAGE, (_origin: string, _callback: unknown) => undefined] }, path: 'origin[1]', option: 'origin' },
  'methods.invalid-token': { desc: 'a method that is not a token', options: { origin: PAGE, methods: ['GET POST'] }, path: 'methods[0]', option: 'methods' },
  'methods.forbidden': { desc: 'a forbidden method (TRACE)', options: { origin: PAGE, methods: ['PUT', 'TRACE'] }, path: 'methods[1]', option: 'methods' },
  'methods.wildcard-with-credentials': { desc: 'methods * with credentials', options: { origin: PAGE, credentials: true, methods: '*' }, path: 'methods', option: 'methods' },
  'methods.wildcard-in-list': { desc: 'methods * among names', options: { origin: PAGE, methods: ['*', 'PUT'] }, path: 'methods', option: 'methods' },
  'allowedHeaders.invalid-token': { desc: 'a header name with a colon', options: { origin: PAGE, allowedHeaders: ['X-Id:'] }, path: 'allowedHeaders[0]', option: 'allowedHeaders' },
  'allowedHeaders.forbidden': { desc: 'a forbidden request header (Cookie)', options: { origin: PAGE, allowedHeaders: ['Cookie'] }, path: 'allowedHeaders[0]', option: 'allowedHeaders' },
  'allowedHeaders.wildcard-with-credentials': { desc: 'allowedHeaders * with credentials', options: { origin: PAGE, credentials: true, allowedHeaders: '*' }, path: 'allowedHeaders', option: 'allowedHeaders' },
  'allowedHeaders.wildcard-in-list': { desc: 'allowedHeaders * among names', options: { origin: PAGE, allowedHeaders: ['*', 'X-Id'] }, path: 'allowedHeaders', option: 'allowedHeaders' },
  'exposedHeaders.invalid-token': { desc: 'an exposed header name with a space', options: { origin: PAGE, exposedHeaders: ['X Total'] }, path: 'exposedHeaders[0]', option: 'exposedHeaders' },
  'exposedHeaders.forbidden': { desc: 'exposing Set-Cookie', options: { origin: PAGE, exposedHeaders: ['Set-Cookie'] }, path: 'exposedHeaders[0]', option: 'exposedHeaders' },
  'exposedHeaders.wildcard-with-credentials': { desc: 'exposedHeaders * with credentials', options: { origin: PAGE, credentials: true, exposedHeaders: ['*'] }, path: 'exposedHeaders[0]', option: 'exposedHeaders' },
  'exposedHeaders.wildcard-in-list': { desc: 'exposedHeaders * among names', options: { origin: PAGE, exposedHeaders: ['*', 'X-Total'] }, path: 'exposedHeaders', option: 'exposedHeaders' },
  'maxAge.invalid': { desc: 'a maxAge above 86400', options: { origin: PAGE, maxAge: 86401 }, path: 'maxAge', option: 'maxAge' },
  'preflightStatus.invalid': { desc: 'a preflight status of 302', options: { origin: PAGE, preflightStatus: 302 }, path: 'preflightStatus', option: 'preflightStatus' },
  'reportOnly.missing-fallback': { desc: 'report-only without a fallback', options: { origin: PAGE, reportOnly: {}, onDecision: noop }, path: 'reportOnly', option: 'reportOnly' },
  'reportOnly.missing-reporter': { desc: 'report-only without onDecision', options: { origin: PAGE, reportOnly: { fallback: { origin: '*' } } }, path: 'onDecision', option: 'onDecision' },
  'guard.invalid-host': { desc: 'a URL in guard.hosts', options: { origin: PAGE, guard: { hosts: ['https://api.example.com/'] } }, path: 'guard.hosts[0]', option: 'guard.hosts' },
  'guard.empty-hosts': { desc: 'an empty guard.hosts', options: { origin: PAGE, guard: { hosts: [] } }, path: 'guard.hosts', option: 'guard.hosts' },
  'guard.public-suffix-wildcard': { desc: 'guard.hosts over a public suffix', options: { origin: PAGE, guard: { hosts: ['*.vercel.app'] } }, path: 'guard.hosts[0]', option: 'guard.hosts' },
  'env.invalid': { desc: 'CORS_CREDENTIALS=yes in the environment', env: { CORS_ORIGINS: PAGE, CORS_CREDENTIALS: 'yes' }, path: 'env.CORS_CREDENTIALS', option: 'CORS_CREDENTIALS' },
  'env.production-needs-allowlist': { desc: 'NODE_ENV=production without CORS_ORIGINS', env: { NODE_ENV: 'production' }, path: 'env.CORS_ORIGINS', option: 'CORS_ORIGINS' },
  'env.local-wildcard': { desc: 'CORS_PROFILE=local with CORS_ORIGINS=*', env: { CORS_PROFILE: 'local', CORS_ORIGINS: '*' }, path: 'env.CORS_ORIGINS', option: 'CORS_ORIGINS' },
};

/** A valid configuration, run through the same start path: it must start (the control row). */
export const VALID_CONFIG: ConfigFault = { desc: 'a valid configuration', options: { origin: [PAGE], credentials: true }, path: '', option: '' };
