/**
 * The `corsica` command line: argument parsing, output and exit codes around the library
 * functions (`explainRequest`, `audit`, `exportNginx`).
 * @module
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { ParseArgsConfig } from 'node:util';
import type { ConfigProblem } from '@corsica/core';
import { AuditUsageError, DEFAULT_AUDIT_CONCURRENCY, DEFAULT_AUDIT_TIMEOUT, MAX_AUDIT_ORIGINS, MAX_AUDIT_REQUESTS, audit, formatAuditReport } from './audit.js';
import { BROWSER_ENGINES } from '@corsica/conformance';
import { parseEngines } from './engines.js';
import { ExplainUrlError, explainRequest, explainUrl, formatExplainUrl } from './explain.js';
import type { ExplainUrlResult } from './explain.js';
import { PolicyFileError, isConfigError, loadPolicyFile } from './load.js';
import { NginxExportError, exportNginx } from './nginx.js';
import { exportApache } from './apache.js';
import { exportCaddy } from './caddy.js';
import { exportHaproxy } from './haproxy.js';
import { ProxyExportError } from './proxy.js';
import type { ProxySnippet } from './proxy.js';
import { CLOUD_TARGETS, exportCloud } from './cloud.js';
import type { CloudTarget } from './cloud.js';
import { runOrigins } from './origins.js';

/** Where `run` writes, and where relative paths start. Defaults to the process's. */
export interface CliIO {
  readonly stdout?: (text: string) => void;
  readonly stderr?: (text: string) => void;
  readonly cwd?: string;
}

/**
 * Exit codes: 0 fine, 1 findings (a blocked request, a high or medium audit finding), 2 usage or
 * configuration error.
 *
 * @example
 * ```ts
 * if ((await run(argv)) === EXIT.findings) console.log('see the findings above');
 * ```
 */
export const EXIT = Object.freeze({ ok: 0, findings: 1, usage: 2 } as const);

const VERSION = '0.1.0';

const USAGE = `corsica: explain, audit and export CORS policies (Corsica)

Usage:
  corsica explain --policy FILE --origin ORIGIN [--method M] [--headers H] [--credentials] [--json]
  corsica explain --url URL --origin ORIGIN [--method M] [--headers H] [--credentials] [--engine E] [--send] [--json]
  corsica audit URL [--origin ORIGIN ...] [--credentials] [--engine E] [--timeout MS] [--json]
  corsica export nginx --policy FILE [--out FILE] [--name NAME]
  corsica export apache --policy FILE [--out FILE]
  corsica export caddy --policy FILE [--out FILE]
  corsica export haproxy --policy FILE [--out FILE]
  corsica export s3 --policy FILE [--out FILE]
  corsica export r2 --policy FILE [--out FILE]
  corsica export apigateway --policy FILE [--out FILE]
  corsica export lambda-url --policy FILE [--out FILE]
  corsica export gateway-api --policy FILE [--out FILE]
  corsica origins add --redis URL --key KEY ORIGIN [ORIGIN ...]
  corsica origins remove --redis URL --key KEY ORIGIN [ORIGIN ...]
  corsica origins list --redis URL --key KEY [--credentials]

Commands:
  explain   What the policy does with a request from a page, and what the browser then does.
  audit     Probe a live URL (any server) for CORS mistakes; a findings table with fixes.
  export    Write the policy as configuration for a proxy (nginx, Apache, Caddy, HAProxy) or a
            cloud platform (S3, R2, API Gateway, Lambda URLs, Gateway API).
  origins   Change the Redis set of origins that every @corsica/redis instance follows.

Run "corsica <command> --help" for the options of each.
Exit codes: 0 fine, 1 findings, 2 usage or configuration error.
`;

const EXPLAIN_HELP = `Usage: corsica explain --policy FILE --origin ORIGIN [options]
       corsica explain --url URL --origin ORIGIN [options]

With --policy: explains what the policy in FILE decides for a fetch() from a page on ORIGIN: the
request the browser sends (a preflight first when the method is not GET/HEAD/POST or --headers
are set), each check, the headers sent back, and what the browser does next, in the words of its
console.

With --url and no --policy: probes the live URL, whatever serves it, as the browser would for that
fetch(): the preflight when one is needed, then the request itself (with Origin only: no cookies,
body or header values; no redirect followed; ${DEFAULT_AUDIT_TIMEOUT} ms time-out each). Then, for each engine
(--engine, default all three), each check of the browser's CORS check on the server's answers,
how long the preflight is cached, and the console message when blocked, from the engine model of
@corsica/conformance (measured in Chromium 156, Firefox 153 ESR and WebKitGTK 2.50, 2026-12-02).
Where an engine departs from the Fetch standard (Access-Control-Allow-Headers: * covering
Authorization without credentials, which all three allow), the standard's verdict is printed too.
A method other than GET or HEAD may change things on the server: without --send only its
preflight is sent, and a POST that needs none is refused (exit 2).

Options:
  --policy FILE      JSON options, or a .js/.mjs/.cjs/.ts module default-exporting options or a
                     policy made with createPolicy.
  --origin ORIGIN    The page's origin, e.g. https://app.example.com.
  --method M         The fetch() method (default GET). Browsers upper-case only DELETE, GET, HEAD,
                     OPTIONS, POST and PUT: "patch" stays "patch".
  --headers H        Comma-separated request headers the page sets that are not CORS-safelisted
                     (e.g. "Content-Type,Authorization" for a JSON call with a token).
  --credentials      The page sends cookies (credentials: 'include').
  --engine E         With --policy: chromium (default), firefox or webkit (Safari), whose console
                     message to quote. With a live --url: chromium, firefox, webkit or all (default).
  --url URL          With --policy: the URL fetched, quoted in the console message. Without: the
                     live URL to probe.
  --send             Live URL only: also send a POST, PUT, DELETE... itself (without a body) after
                     its preflight passes; without it, only the preflight is sent for them.
  --timeout MS       Live URL only: per-request time-out in milliseconds (default ${DEFAULT_AUDIT_TIMEOUT}).
  --json             Print { decision, explanation, ... } as JSON (a live URL: the requests sent,
                     the answers and the per-engine predictions).
  -h, --help         Show this help.

Exit: 0 the page gets the response (a live URL: in every engine asked for, or the preflight
passes and the request itself was not sent), 1 the browser blocks it (in any engine asked for),
2 usage, invalid policy (every problem is listed with its fix) or no answer from the URL.
`;

const AUDIT_HELP = `Usage: corsica audit URL [options]

Probes URL the way CORS scanners do, and further: arbitrary and null origins, look-alikes of each
expected origin (suffix, prefix, substring, unescaped dot, http downgrade, other port, odd host
characters, subdomain), "*" with credentials, reflected request headers and methods, Vary: Origin,
CORS headers on refused preflights, preflight status and Max-Age, Authorization allowed only by
"*" (preflight.authorization-wildcard), and doubled CORS layers (a
proxy and the app both answering: the same header twice, preflights answered in front of the app
with another policy, Vary lost between layers), saying which layer to remove. Works on any server.

At most ${MAX_AUDIT_REQUESTS} requests, ${DEFAULT_AUDIT_CONCURRENCY} at a time, each with a time-out; only URL is contacted (same
scheme, host, port and path) and redirects are not followed.

Options:
  --origin ORIGIN    An origin that should be let in (repeatable, up to ${MAX_AUDIT_ORIGINS} are probed).
                     Without it, look-alikes of the URL's own origin are probed.
  --credentials      The site expects cookies from those origins.
  --engine E         chromium, firefox, webkit or all (default): whose behaviour to predict
                     from the answers (see below).
  --timeout MS       Per-request time-out in milliseconds (default ${DEFAULT_AUDIT_TIMEOUT}).
  --json             Print the report as JSON.
  -h, --help         Show this help.

Engines: after the findings, what Chromium, Firefox and WebKit each do with the answers the
server gave, from the engine model of @corsica/conformance (measured in the real engines by
packages/e2e: Chromium 156, Firefox 153 ESR, WebKitGTK 2.50, 2026-12-02): a GET from each
--origin, a GET carrying Authorization (its preflight is one of the requests above), and how long
each engine caches a preflight (Max-Age caps: Chromium 7200 s and WebKit 600 s measured,
Firefox 86400 s as MDN documents it).
Engines that behave alike share a line; a blocked engine's console message is quoted; where an
engine departs from the Fetch standard (Access-Control-Allow-Headers: * covering Authorization
without credentials, allowed by all three), the standard's verdict is printed too. --json has
them under "engines".

Severities: high (any site can read responses with the user's cookies), medium (the allowlist is
bypassable, or caches can mix origins), low (broken or risky, not exploitable as is), info.
Exit: 0 no high or medium finding, 1 at least one, 2 usage error or no answer at all.
`;

const EXPORT_HELP = `Usage: corsica export TARGET --policy FILE [--out FILE] [--name NAME]

Writes configuration for TARGET that answers as the policy does: the same allowlist (anchored,
escaped regexes; exact origins as lookups), preflights answered 204 (or 200) and 403 by the proxy
itself, before the app and its authentication (only with Access-Control-Request-Method),
request methods and headers checked against the lists, the app's own CORS headers removed, the
headers kept on error pages, and the same Vary. Put CORS in one layer only: the app or the proxy.

Targets (each verified on the real server by Corsica's tests):
  nginx     two parts: maps for http {} and directives for each location {}
  apache    Apache httpd 2.4 directives to Include in the <Location> that proxies to the app
            (mod_setenvif, mod_headers, mod_rewrite)
  caddy     a Caddyfile snippet to import in the site block, before reverse_proxy (Caddy 2.6+)
  haproxy   rules to paste into the frontend section, before use_backend (HAProxy 2.2+)

Cloud targets (no server of ours runs there): the platform's own CORS settings. Every way the
platform behaves differently from the policy is printed on stderr beside the output; what would
let in more than the policy does, or what the platform cannot hold, is refused (exit 2).
  s3            S3 bucket CORS rules (JSON for aws s3api put-bucket-cors --cors-configuration)
  r2            R2 bucket CORS rules (JSON rules for the Cloudflare API / wrangler r2 bucket cors set)
  apigateway    API Gateway HTTP API CorsConfiguration (JSON)
  lambda-url    Lambda function URL Cors (JSON)
  gateway-api   Kubernetes Gateway API HTTPRoute CORS filter (YAML, the differences as comments)

Options:
  --policy FILE   JSON options, or a JS/TS module default-exporting options or a policy.
  --out FILE      Write to FILE instead of printing. For nginx, part 2 goes to FILE and part 1
                  next to it with ".http" before the extension (corsica.conf → corsica.http.conf).
  --name NAME     nginx only: prefix of the nginx variables (default "corsica"); one per policy.
  -h, --help      Show this help.

Refused (exit 2, with the reason and the fix): origin functions (sync or async), RegExps the
server's regex engine would read differently, privateNetwork, mirrorRequestHeaders, reportOnly,
and method or header names holding the server's configuration syntax.
`;

const ORIGINS_HELP = `Usage: corsica origins add|remove|list --redis URL --key KEY [ORIGIN ...]

Changes the Redis set that every instance built with redisOrigins() (@corsica/redis) follows,
and tells them on its companion channel, in one MULTI: they apply it within milliseconds.

  add ORIGIN...     Checks each origin with Corsica's rules first (no trailing slash, no path,
                    lower case, no "null", no pattern over a public suffix such as
                    https://myapp-*.vercel.app); if one is invalid, nothing is written.
  remove ORIGIN...  Removes them.
  list              Prints the members, one a line; a member every instance skips is reported
                    on stderr with its fix (exit 1).

Options:
  --redis URL     redis://host:port (or rediss://user:password@host:port).
  --key KEY       The Redis set, as given to redisOrigins({ key }).
  --credentials   Check as a credentialed policy does (plain http refused except loopback).
  -h, --help      Show this help.

Exit: 0 done, 1 list found invalid members, 2 usage error, invalid origin or Redis unreachable.
`;

class UsageError extends Error {
  constructor(
    message: string,
    readonly help: string,
  ) {
    super(message);
  }
}

type Values = Record<string, string | boolean | (string | boolean)[] | undefined>;

function parse(args: readonly string[], options: ParseArgsConfig['options'], help: string, positionals = false): { values: Values; positionals: string[] } {
  try {
    const parsed = parseArgs({ args: [...args], options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: positionals, strict: true });
    return { values: parsed.values as Values, positionals: parsed.positionals };
  } catch (error) {
    const message = (error as Error).message.replace(/\. To specify a positional argument starting with a '-'.*$/s, '.');
    throw new UsageError(`corsica: ${message.charAt(0).toLowerCase()}${message.slice(1)}`, help);
  }
}

function requireString(values: Values, name: string, help: string, example: string): string {
  const v = values[name];
  if (typeof v !== 'string' || v === '') throw new UsageError(`corsica: --${name} is required, e.g. --${name} ${example}.`, help);
  return v;
}

function formatProblems(file: string, problems: readonly ConfigProblem[]): string {
  const out = [`corsica: --policy ${file} is not a valid CORS configuration (${problems.length} ${problems.length === 1 ? 'problem' : 'problems'}):`];
  for (const p of problems) {
    // the message already names the option (its path)
    out.push(`  - ${p.message.replace(/^corsica: /, '')} [${p.code}]`);
    out.push(`    fix: ${p.fix}`);
  }
  return `${out.join('\n')}\n`;
}

/** Loads --policy, turning the failures into exit 2 with every problem and its fix. */
async function load(values: Values, help: string, cwd: string, json: boolean, io: Required<Omit<CliIO, 'cwd'>>) {
  const file = requireString(values, 'policy', help, 'cors.policy.json');
  try {
    return await loadPolicyFile(file, cwd);
  } catch (error) {
    if (isConfigError(error)) {
      if (json) io.stdout(`${JSON.stringify({ error: 'invalid-policy', file, problems: error.problems }, null, 2)}\n`);
      else io.stderr(formatProblems(file, error.problems));
      return undefined;
    }
    if (error instanceof PolicyFileError) {
      if (json) io.stdout(`${JSON.stringify({ error: 'policy-file', file, message: error.message }, null, 2)}\n`);
      else io.stderr(`${error.message}\n`);
      return undefined;
    }
    throw error;
  }
}

async function explainCommand(args: readonly string[], cwd: string, io: Required<Omit<CliIO, 'cwd'>>): Promise<number> {
  const { values } = parse(
    args,
    {
      policy: { type: 'string' },
      origin: { type: 'string' },
      method: { type: 'string' },
      headers: { type: 'string', multiple: true },
      credentials: { type: 'boolean' },
      engine: { type: 'string' },
      url: { type: 'string' },
      send: { type: 'boolean' },
      timeout: { type: 'string' },
      json: { type: 'boolean' },
    },
    EXPLAIN_HELP,
  );
  if (values.help) {
    io.stdout(EXPLAIN_HELP);
    return EXIT.ok;
  }
  const origin = requireString(values, 'origin', EXPLAIN_HELP, 'https://app.example.com');
  if (values.policy === undefined && typeof values.url === 'string') return explainUrlCommand(values, origin, io);
  if (values.send !== undefined || values.timeout !== undefined) {
    throw new UsageError(`corsica: --${values.send !== undefined ? 'send' : 'timeout'} applies to a live URL only (--url without --policy).`, EXPLAIN_HELP);
  }
  const engine = values.engine;
  if (engine !== undefined && engine !== 'chromium' && engine !== 'firefox' && engine !== 'webkit') {
    throw new UsageError(`corsica: --engine must be chromium, firefox or webkit, got ${JSON.stringify(engine)}.`, EXPLAIN_HELP);
  }
  if (values.method !== undefined && !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(String(values.method))) {
    throw new UsageError(`corsica: --method ${JSON.stringify(values.method)} is not an HTTP method; write e.g. --method PUT.`, EXPLAIN_HELP);
  }
  const json = values.json === true;
  const loaded = await load(values, EXPLAIN_HELP, cwd, json, io);
  if (!loaded) return EXIT.usage;
  const headers = ((values.headers as string[] | undefined) ?? []).flatMap((h) => h.split(','));
  const result = await explainRequest(loaded.policy, {
    origin,
    ...(typeof values.method === 'string' ? { method: values.method } : {}),
    headers,
    credentials: values.credentials === true,
    ...(engine === undefined ? {} : { engine }),
    ...(typeof values.url === 'string' ? { url: values.url } : {}),
  });
  if (json) {
    io.stdout(
      `${JSON.stringify(
        {
          decision: result.first.decision,
          explanation: result.first.explanation,
          preflight: result.preflightReason !== undefined,
          ...(result.preflightReason === undefined ? {} : { preflightReason: result.preflightReason }),
          ...(result.actual === undefined ? {} : { actual: { decision: result.actual.decision, explanation: result.actual.explanation } }),
          allowed: result.allowed,
          warnings: loaded.warnings,
          ...(loaded.errors.length > 0 ? { errors: loaded.errors } : {}),
        },
        null,
        2,
      )}\n`,
    );
  } else {
    const out: string[] = [];
    if (result.preflightReason !== undefined) {
      out.push(`The browser sends a preflight first, because ${result.preflightReason}:`);
      out.push(result.first.explanation);
      if (result.actual !== undefined) {
        out.push('');
        out.push('Then the request itself:');
        out.push(result.actual.explanation);
      }
    } else {
      out.push(result.first.explanation);
    }
    out.push('');
    out.push(result.allowed ? 'Result: the page gets the response.' : 'Result: the browser blocks the request.');
    for (const w of loaded.warnings) out.push(`warning: ${w.message.replace(/^corsica: /, '')} Fix: ${w.fix}`);
    for (const e of loaded.errors) out.push(`error: ${e}`);
    io.stdout(`${out.join('\n')}\n`);
  }
  return result.allowed ? EXIT.ok : EXIT.findings;
}

/** `explain --url` without `--policy`: probe the live URL and predict each engine. */
async function explainUrlCommand(values: Values, origin: string, io: Required<Omit<CliIO, 'cwd'>>): Promise<number> {
  const engines = typeof values.engine === 'string' ? parseEngines(values.engine) : [...BROWSER_ENGINES];
  if (engines === undefined) throw new UsageError(`corsica: --engine must be chromium, firefox, webkit or all, got ${JSON.stringify(values.engine)}.`, EXPLAIN_HELP);
  if (values.method !== undefined && !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(String(values.method))) {
    throw new UsageError(`corsica: --method ${JSON.stringify(values.method)} is not an HTTP method; write e.g. --method PUT.`, EXPLAIN_HELP);
  }
  let timeout = DEFAULT_AUDIT_TIMEOUT;
  if (values.timeout !== undefined) {
    timeout = Number(values.timeout);
    if (!Number.isInteger(timeout) || timeout <= 0) throw new UsageError(`corsica: --timeout must be a positive number of milliseconds, got ${JSON.stringify(values.timeout)}.`, EXPLAIN_HELP);
  }
  let result: ExplainUrlResult;
  try {
    result = await explainUrl({
      url: String(values.url),
      origin,
      ...(typeof values.method === 'string' ? { method: values.method } : {}),
      headers: ((values.headers as string[] | undefined) ?? []).flatMap((h) => h.split(',')),
      credentials: values.credentials === true,
      engines,
      timeout,
      send: values.send === true,
    });
  } catch (error) {
    if (error instanceof ExplainUrlError) {
      io.stderr(`${error.message}\n`);
      return EXIT.usage;
    }
    throw error;
  }
  io.stdout(values.json ? `${JSON.stringify(result, null, 2)}\n` : formatExplainUrl(result));
  if (result.allowed) return EXIT.ok;
  // the request itself held back (--send not given) after a preflight every engine passes: nothing was blocked
  const preflightOnly = result.notSent !== undefined && result.prediction.results.every((r) => r.preflight === undefined || r.preflight.allowed);
  return preflightOnly ? EXIT.ok : EXIT.findings;
}

async function auditCommand(args: readonly string[], io: Required<Omit<CliIO, 'cwd'>>): Promise<number> {
  const { values, positionals } = parse(
    args,
    {
      origin: { type: 'string', multiple: true },
      credentials: { type: 'boolean' },
      timeout: { type: 'string' },
      engine: { type: 'string' },
      json: { type: 'boolean' },
    },
    AUDIT_HELP,
    true,
  );
  if (values.help) {
    io.stdout(AUDIT_HELP);
    return EXIT.ok;
  }
  if (positionals.length !== 1) {
    throw new UsageError(positionals.length === 0 ? 'corsica: audit needs the URL to probe, e.g. corsica audit https://api.example.com/me.' : `corsica: audit takes one URL, got ${positionals.length}.`, AUDIT_HELP);
  }
  let timeout = DEFAULT_AUDIT_TIMEOUT;
  if (values.timeout !== undefined) {
    timeout = Number(values.timeout);
    if (!Number.isInteger(timeout) || timeout <= 0) throw new UsageError(`corsica: --timeout must be a positive number of milliseconds, got ${JSON.stringify(values.timeout)}.`, AUDIT_HELP);
  }
  const engines = typeof values.engine === 'string' ? parseEngines(values.engine) : [...BROWSER_ENGINES];
  if (engines === undefined) throw new UsageError(`corsica: --engine must be chromium, firefox, webkit or all, got ${JSON.stringify(values.engine)}.`, AUDIT_HELP);
  try {
    const report = await audit(positionals[0]!, {
      origins: (values.origin as string[] | undefined) ?? [],
      credentials: values.credentials === true,
      timeout,
      engines,
    });
    io.stdout(values.json ? `${JSON.stringify(report, null, 2)}\n` : formatAuditReport(report));
    return report.exitCode;
  } catch (error) {
    if (error instanceof AuditUsageError) {
      io.stderr(`${error.message}\n`);
      return EXIT.usage;
    }
    throw error;
  }
}

async function originsCommand(args: readonly string[], io: Required<Omit<CliIO, 'cwd'>>): Promise<number> {
  const { values, positionals } = parse(args, { redis: { type: 'string' }, key: { type: 'string' }, credentials: { type: 'boolean' } }, ORIGINS_HELP, true);
  if (values.help) {
    io.stdout(ORIGINS_HELP);
    return EXIT.ok;
  }
  const [action, ...origins] = positionals;
  if (action !== 'add' && action !== 'remove' && action !== 'list') {
    throw new UsageError(action === undefined ? 'corsica: origins needs an action: add, remove or list.' : `corsica: unknown origins action ${JSON.stringify(action)}; use add, remove or list.`, ORIGINS_HELP);
  }
  const url = requireString(values, 'redis', ORIGINS_HELP, 'redis://127.0.0.1:6379');
  const key = requireString(values, 'key', ORIGINS_HELP, 'cors:origins');
  if (action === 'list' && origins.length > 0) throw new UsageError('corsica: origins list takes no ORIGIN.', ORIGINS_HELP);
  if (action !== 'list' && origins.length === 0) throw new UsageError(`corsica: origins ${action} needs at least one ORIGIN, e.g. https://app.example.com.`, ORIGINS_HELP);
  const result = await runOrigins(action, url, key, origins, values.credentials === true);
  if (result.out) io.stdout(result.out);
  if (result.err) io.stderr(result.err);
  return result.code;
}

/**
 * Where `export nginx --out FILE` writes part 1 (the http-level maps): next to FILE, with `.http`
 * before the extension.
 *
 * @example
 * ```ts
 * httpPartPath('/etc/nginx/snippets/cors.conf'); // '/etc/nginx/snippets/cors.http.conf'
 * ```
 */
export function httpPartPath(out: string): string {
  const slash = Math.max(out.lastIndexOf('/'), out.lastIndexOf('\\'));
  const dot = out.lastIndexOf('.');
  return dot > slash + 1 ? `${out.slice(0, dot)}.http${out.slice(dot)}` : `${out}.http`;
}

const PROXY_EXPORTS: Readonly<Record<string, (policy: Parameters<typeof exportApache>[0], options: { source: string }) => ProxySnippet>> = {
  apache: exportApache,
  caddy: exportCaddy,
  haproxy: exportHaproxy,
};
const TARGETS = ['nginx', ...Object.keys(PROXY_EXPORTS), ...CLOUD_TARGETS];

async function exportCommand(args: readonly string[], cwd: string, io: Required<Omit<CliIO, 'cwd'>>): Promise<number> {
  const { values, positionals } = parse(args, { policy: { type: 'string' }, out: { type: 'string' }, name: { type: 'string' } }, EXPORT_HELP, true);
  if (values.help) {
    io.stdout(EXPORT_HELP);
    return EXIT.ok;
  }
  const target = positionals[0];
  if (target === undefined || !TARGETS.includes(target) || positionals.length > 1) {
    throw new UsageError(
      target === undefined
        ? `corsica: export needs a target: corsica export ${TARGETS.join('|')} --policy FILE.`
        : `corsica: unknown export target ${JSON.stringify(positionals.join(' '))}; the targets are ${TARGETS.join(', ')}.`,
      EXPORT_HELP,
    );
  }
  if (target !== 'nginx' && values.name !== undefined) {
    throw new UsageError(`corsica: --name only applies to nginx (the prefix of its variables); remove it for ${target}.`, EXPORT_HELP);
  }
  const loaded = await load(values, EXPORT_HELP, cwd, false, io);
  if (!loaded) return EXIT.usage;
  const input = loaded.options ?? loaded.policy;
  if (target !== 'nginx') {
    let snippet: ProxySnippet;
    let differences: readonly string[] = [];
    const cloud = (CLOUD_TARGETS as readonly string[]).includes(target);
    try {
      if (cloud) {
        const exported = exportCloud(target as CloudTarget, input);
        snippet = { config: exported.config, notes: exported.notes };
        // YAML carries them as comments already; JSON has none, so they go to stderr
        differences = exported.differencesInConfig ? [] : exported.differences;
      } else snippet = PROXY_EXPORTS[target]!(input, { source: String(values.policy) });
    } catch (error) {
      if (error instanceof ProxyExportError) {
        io.stderr(`${error.message}\n`);
        return EXIT.usage;
      }
      throw error;
    }
    for (const w of loaded.warnings) io.stderr(`warning: ${w.message.replace(/^corsica: /, '')} Fix: ${w.fix}\n`);
    if (differences.length > 0) io.stderr(`${[`corsica: ${target} will behave differently from the policy in ${differences.length} ${differences.length === 1 ? 'way' : 'ways'}:`, ...differences.map((d) => `  - ${d}`)].join('\n')}\n`);
    // JSON has no comments: the cloud targets' notes go to stderr (the proxies write them into the file)
    if (cloud) for (const n of snippet.notes) io.stderr(`note: ${n}\n`);
    if (typeof values.out !== 'string') {
      io.stdout(snippet.config);
      return EXIT.ok;
    }
    const file = resolve(cwd, values.out);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, snippet.config);
    io.stderr(`Wrote ${file}\n`);
    return EXIT.ok;
  }
  const name = typeof values.name === 'string' ? values.name : 'corsica';
  let snippet: ReturnType<typeof exportNginx>;
  try {
    snippet = exportNginx(input, { name, source: String(values.policy) });
  } catch (error) {
    if (error instanceof NginxExportError || error instanceof TypeError) {
      io.stderr(`${error.message}\n`);
      return EXIT.usage;
    }
    throw error;
  }
  for (const w of loaded.warnings) io.stderr(`warning: ${w.message.replace(/^corsica: /, '')} Fix: ${w.fix}\n`);
  if (typeof values.out !== 'string') {
    io.stdout(`${snippet.http}\n${snippet.location}`);
    return EXIT.ok;
  }
  const locationFile = resolve(cwd, values.out);
  const httpFile = httpPartPath(locationFile);
  await mkdir(dirname(locationFile), { recursive: true });
  await writeFile(httpFile, snippet.http);
  await writeFile(locationFile, snippet.location);
  io.stderr(`Wrote ${httpFile} (part 1: include it in http {})\nWrote ${locationFile} (part 2: include it in each location {} the policy guards)\n`);
  return EXIT.ok;
}

/**
 * Runs the `corsica` command with `argv` (without `node` and the script path) and resolves with
 * the exit code: 0 fine, 1 findings, 2 usage or configuration error. Never calls
 * `process.exit`, so tests run it in-process.
 *
 * @example
 * ```ts
 * import { run } from '@corsica/cli';
 *
 * const code = await run(['explain', '--policy', 'cors.json', '--origin', 'https://app.example.com']);
 * ```
 */
export async function run(argv: readonly string[], io: CliIO = {}): Promise<number> {
  const out: Required<Omit<CliIO, 'cwd'>> = {
    stdout: io.stdout ?? ((text) => void process.stdout.write(text)),
    stderr: io.stderr ?? ((text) => void process.stderr.write(text)),
  };
  const cwd = io.cwd ?? process.cwd();
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'explain':
        return await explainCommand(rest, cwd, out);
      case 'audit':
        return await auditCommand(rest, out);
      case 'export':
        return await exportCommand(rest, cwd, out);
      case 'origins':
        return await originsCommand(rest, out);
      case 'help':
      case '--help':
      case '-h': {
        const topic = rest[0];
        out.stdout(topic === 'explain' ? EXPLAIN_HELP : topic === 'audit' ? AUDIT_HELP : topic === 'export' ? EXPORT_HELP : topic === 'origins' ? ORIGINS_HELP : USAGE);
        return EXIT.ok;
      }
      case '--version':
      case '-v':
        out.stdout(`${VERSION}\n`);
        return EXIT.ok;
      case undefined:
        out.stderr(`corsica: a command is needed.\n\n${USAGE}`);
        return EXIT.usage;
      default:
        out.stderr(`corsica: unknown command ${JSON.stringify(command)}.\n\n${USAGE}`);
        return EXIT.usage;
    }
  } catch (error) {
    if (error instanceof UsageError) {
      out.stderr(`${error.message}\n\n${error.help}`);
      return EXIT.usage;
    }
    throw error;
  }
}
