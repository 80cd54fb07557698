/**
 * `corsica audit`: probes a live server's CORS the way scanners do (and a little further), within
 * a fixed request budget, and reports findings with a severity and a fix.
 * @module
 */
import { BROWSER_ENGINES, combinedHeader, send } from '@corsica/conformance';
import type { HeaderLine, ScenarioResponse } from '@corsica/conformance';
import { MAX_AGE_CAPS } from '@corsica/core/adapter';
import { ENGINE_SOURCE, formatPredictions, predictCall } from './engines.js';
import type { BrowserEngine, CallPrediction } from './engines.js';

/** How bad a finding is: high and medium make `corsica audit` exit 1. */
export type Severity = 'high' | 'medium' | 'low' | 'info';

/** One thing the audit noticed. */
export interface Finding {
  readonly severity: Severity;
  /** Stable id, e.g. `origin.reflected-any`. */
  readonly id: string;
  /** What is wrong and why it matters, in a sentence or two. */
  readonly title: string;
  /** The request that showed it (method, path and the CORS request headers). */
  readonly sent: string;
  /** What came back (status and the CORS response headers). */
  readonly got: string;
  /** How to fix it. */
  readonly fix: string;
}

/** Options of {@link audit}. */
export interface AuditOptions {
  /** Origins that should be allowed (the site's own front ends). Near-misses of each are probed. */
  readonly origins?: readonly string[];
  /** Whether the site is meant to accept credentialed requests (cookies) from those origins. */
  readonly credentials?: boolean;
  /** Milliseconds each request may take. Default 5000. */
  readonly timeout?: number;
  /** Requests in flight at once. Default 4. */
  readonly concurrency?: number;
  /** The engines whose behaviour is predicted from the answers. Default all three. */
  readonly engines?: readonly BrowserEngine[];
}

/** What browser engines do with the answers the audit got (`AuditReport.engines`). */
export interface AuditEngines {
  /** The engines predicted, in a stable order. */
  readonly names: readonly BrowserEngine[];
  /** Where the model's facts come from, with the date they were measured. */
  readonly source: string;
  /** One entry per call a page would make, judged on the answers to the audit's own requests. */
  readonly calls: readonly CallPrediction[];
}

/** The outcome of an audit. */
export interface AuditReport {
  readonly url: string;
  /** How many requests were sent. */
  readonly requests: number;
  /** The origins whose look-alikes were probed: the expected ones, or the URL's own origin. */
  readonly origins: readonly string[];
  /** Findings, most severe first. */
  readonly findings: readonly Finding[];
  /** What each browser engine does with the server's answers. */
  readonly engines: AuditEngines;
  /** 1 when a finding is high or medium, else 0. */
  readonly exitCode: 0 | 1;
}

/** The request budget of one audit: the plan never grows beyond it, whatever the options. */
export const MAX_AUDIT_REQUESTS = 60;
/** Requests that do not depend on the expected origins. */
const FIXED_PROBES = 8;
/** Requests per expected origin: one GET, one preflight, ten look-alikes. */
const PER_ORIGIN_PROBES = 12;
/** Expected origins probed within the budget. */
export const MAX_AUDIT_ORIGINS = Math.floor((MAX_AUDIT_REQUESTS - FIXED_PROBES) / PER_ORIGIN_PROBES);
/** Milliseconds each audit request may take, unless `timeout` says otherwise. */
export const DEFAULT_AUDIT_TIMEOUT = 5000;
/** Audit requests in flight at once: small, so an audit never looks like a flood. */
export const DEFAULT_AUDIT_CONCURRENCY = 4;

const EVIL = 'https://evil.example';
const SEVERITY_ORDER: Readonly<Record<Severity, number>> = { high: 0, medium: 1, low: 2, info: 3 };

/** Thrown for an audit that cannot start: a URL that is not http(s), an `--origin` that is not an origin. */
export class AuditUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AuditUsageError';
  }
}

interface Parts {
  readonly scheme: string;
  readonly host: string;
  readonly port: string;
}

/** Reports whether `value` is a serialized origin as browsers send them, and splits it. */
function parseOrigin(value: string): Parts | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.origin !== value) return undefined;
  return { scheme: url.protocol.slice(0, -1), host: url.hostname, port: url.port };
}

function join(p: Parts): string {
  return `${p.scheme}://${p.host}${p.port === '' ? '' : `:${p.port}`}`;
}

/** A look-alike of an expected origin and how bad it is when the server lets it in. */
interface LookAlike {
  readonly kind: string;
  readonly origin: string;
  readonly label: string;
  /** Severity with credentials, then without. */
  readonly severity: readonly [Severity, Severity];
}

/**
 * Origins an attacker can register or reach that naive checks take for `expected`: suffix,
 * prefix, substring, unescaped dot, scheme, port, odd host characters, subdomain.
 *
 * @example
 * ```ts
 * lookAlikes('https://app.example.com')[0]; // { kind: 'origin.suffix', origin: 'https://app.example.com.evil.example', ... }
 * ```
 */
export function lookAlikes(expected: string): LookAlike[] {
  const p = parseOrigin(expected);
  if (!p) return [];
  const out: LookAlike[] = [];
  const add = (kind: string, origin: string, label: string, severity: readonly [Severity, Severity]): void => {
    if (origin !== expected && !out.some((o) => o.origin === origin)) out.push({ kind, origin, label, severity });
  };
  const isIp = /^[\d.]+$/.test(p.host) || p.host.startsWith('[');
  add('origin.suffix', join({ ...p, host: `${p.host}.evil.example` }), `${expected} followed by an attacker's domain (a "starts with" check)`, ['high', 'medium']);
  add('origin.prefix', join({ ...p, host: `evil${p.host}` }), `${expected} with an attacker's prefix (an "ends with" check)`, ['high', 'medium']);
  if (p.host.length > 1) add('origin.substring', join({ ...p, host: p.host.slice(0, -1) }), `a truncated ${expected} (a substring check)`, ['high', 'medium']);
  if (!isIp && p.host.includes('.')) add('origin.unescaped-dot', join({ ...p, host: p.host.replace('.', 'x') }), `${expected} with its first dot replaced (an unescaped "." in a regex)`, ['high', 'medium']);
  if (p.scheme === 'https') add('origin.scheme-downgrade', join({ ...p, scheme: 'http' }), `${expected} over plain http, which anyone on the network path can impersonate`, ['high', 'medium']);
  else add('origin.scheme-change', join({ ...p, scheme: 'https' }), `${expected} over https`, ['info', 'info']);
  const otherPort = p.port === '' ? '8443' : String((Number(p.port) % 65535) + 1);
  add('origin.port', join({ ...p, port: otherPort }), `${expected} on another port (another server on that host)`, ['medium', 'low']);
  for (const ch of ['`', '_', '!']) {
    add('origin.special-char', join({ ...p, host: `${p.host}${ch}.evil.example` }), `${expected} followed by "${ch}" and an attacker's domain (browsers accept odd characters in hosts)`, ['high', 'medium']);
  }
  if (!isIp) add('origin.subdomain', join({ ...p, host: `evil.${p.host}` }), `a subdomain of ${expected} (any subdomain taken over or with an XSS can then read responses)`, ['low', 'info']);
  return out;
}

interface Probe {
  readonly key: string;
  readonly method: string;
  readonly origin?: string;
  readonly requestMethod?: string;
  readonly requestHeaders?: string;
}

function lines(probe: Probe): HeaderLine[] {
  const out: HeaderLine[] = [];
  if (probe.origin !== undefined) out.push(['Origin', probe.origin]);
  if (probe.requestMethod !== undefined) out.push(['Access-Control-Request-Method', probe.requestMethod]);
  if (probe.requestHeaders !== undefined) out.push(['Access-Control-Request-Headers', probe.requestHeaders]);
  return out;
}

const SHORT: Readonly<Record<string, string>> = {
  'access-control-allow-origin': 'ACAO',
  'access-control-allow-credentials': 'ACAC',
  'access-control-allow-methods': 'ACAM',
  'access-control-allow-headers': 'ACAH',
  'access-control-expose-headers': 'ACEH',
  'access-control-max-age': 'Max-Age',
  vary: 'Vary',
};

/** Makes a server-supplied value safe to print on one line. */
function printable(value: string, max = 80): string {
  const escaped = value.replace(/[\u0000-\u001f\u007f-\u009f]/g, (ch) => `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return escaped.length > max ? `${escaped.slice(0, max - 3)}...` : escaped;
}

function describeSent(path: string, probe: Probe): string {
  const parts = [`${probe.method} ${path}`];
  if (probe.origin === undefined) parts.push('(no Origin)');
  else parts.push(`Origin: ${printable(probe.origin)}`);
  if (probe.requestMethod !== undefined) parts.push(`ACRM: ${probe.requestMethod}`);
  if (probe.requestHeaders !== undefined) parts.push(`ACRH: ${probe.requestHeaders}`);
  return parts.join('  ');
}

/** A response on one line: status and the CORS headers, shortened (ACAO, ACAH...) and made printable. */
export function describeGot(res: ScenarioResponse): string {
  if (res.status === 0) return `no response (${res.error ?? 'closed'})`;
  const parts: string[] = [];
  for (const name of Object.keys(SHORT)) {
    const v = res.headers[name];
    if (v === undefined) continue;
    const values = typeof v === 'string' ? [v] : v;
    for (const value of values) parts.push(`${SHORT[name]}: ${printable(value)}`);
  }
  return `${res.status}${parts.length === 0 ? ', no CORS headers' : `, ${parts.join(', ')}`}`;
}

function header(res: ScenarioResponse, name: string): string | undefined {
  return combinedHeader(res.headers, name);
}

function listHas(value: string | undefined, name: string, caseInsensitive: boolean): boolean {
  if (value === undefined) return false;
  return value.split(',').some((v) => (caseInsensitive ? v.trim().toLowerCase() === name.toLowerCase() : v.trim() === name));
}

function varies(res: ScenarioResponse): boolean {
  const vary = header(res, 'vary');
  return vary !== undefined && (listHas(vary, 'origin', true) || listHas(vary, '*', false));
}

/**
 * Response headers any layer may set or rewrite (framing, caching, content, CORS itself): they
 * say nothing about which layer produced a response.
 */
const GENERIC_HEADERS: ReadonlySet<string> = new Set([
  'date', 'content-length', 'content-type', 'content-encoding', 'content-language', 'connection', 'keep-alive', 'transfer-encoding',
  'etag', 'last-modified', 'vary', 'cache-control', 'expires', 'pragma', 'age', 'accept-ranges', 'location', 'allow', 'set-cookie',
  'strict-transport-security',
]);

/**
 * What identifies the layer that produced a response: the values of Server, X-Powered-By and Via,
 * and the names of its other non-generic headers (an app's X-Request-Id, a framework's own
 * headers). A response that reached the app carries the app's marks (and the proxy's, which
 * adds its own on the way back); a response a proxy made itself carries only the proxy's.
 */
function fingerprint(res: ScenarioResponse): Set<string> {
  const marks = new Set<string>();
  for (const [name, value] of Object.entries(res.headers)) {
    if (GENERIC_HEADERS.has(name) || name.startsWith('access-control-')) continue;
    marks.add(name === 'server' || name === 'x-powered-by' || name === 'via' ? `${name}: ${typeof value === 'string' ? value : value.join(', ')}` : name);
  }
  return marks;
}

/** Marks that name a layer (its software), as opposed to headers some routes add and others do not. */
const IDENTITY = /^(?:server|x-powered-by|via): /;

/** A short name for the layer that produced `res`, from its Server header. */
function layerName(res: ScenarioResponse): string {
  const server = header(res, 'server');
  return server === undefined ? 'a layer in front of the app' : `the layer that sends Server: ${printable(server, 40)}`;
}

/** Values of a CORS header that two layers both sent: several lines, or one comma-joined value. */
function doubledValues(res: ScenarioResponse, name: string): string[] | undefined {
  const v = res.headers[name];
  if (v === undefined) return undefined;
  const values = (typeof v === 'string' ? [v] : v).flatMap((line) => line.split(',')).map((x) => x.trim()).filter((x) => x !== '');
  return values.length > 1 ? values : undefined;
}

async function runAll(baseUrl: string, path: string, probes: readonly Probe[], timeout: number, concurrency: number): Promise<Map<string, ScenarioResponse>> {
  const out = new Map<string, ScenarioResponse>();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < probes.length) {
      const probe = probes[next++]!;
      out.set(probe.key, await send(baseUrl, { method: probe.method, path, headers: lines(probe) }, timeout));
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, probes.length)) }, worker));
  return out;
}

interface LayerContext {
  readonly plan: readonly Probe[];
  readonly got: (p: Probe) => ScenarioResponse | undefined;
  readonly expected: readonly string[];
  readonly perOrigin: readonly { origin: string; get: Probe; preflight: Probe }[];
  readonly base: Probe;
  readonly plainOptions: Probe;
  readonly deniedPreflight: Probe;
  readonly path: string;
}

const ONE_LAYER_FIX =
  'Keep CORS in one layer. Either remove the proxy\'s CORS directives and let the app answer everything, preflights included; or make the proxy the only layer (generate it with `corsica export nginx|apache|caddy|haproxy`, which also hides the app\'s own CORS headers) and remove the app\'s CORS middleware.';

/**
 * Doubled CORS layers, seen from outside:
 * - the same CORS header sent twice, on two lines or comma-joined (two layers each added theirs);
 * - preflights answered by a layer in front of the app: the preflight's answer lacks an identity
 *   mark (a Server, X-Powered-By or Via value) that the app's answers carry, while an OPTIONS
 *   without Access-Control-Request-Method, which only the app answers, has it. Comparing with
 *   that OPTIONS rules out apps that simply send fewer headers on preflights (the same route,
 *   the same method, only the preflight header differs), and only identity marks count, not
 *   headers a later middleware adds. When the app has no identity mark, nothing is concluded;
 * - then, whether the two layers agree: the preflight lets an origin in that the app's GET does
 *   not (or the reverse), or they disagree on credentials.
 */
function layers(ctx: LayerContext): Finding[] {
  const out: Finding[] = [];
  const { got, path } = ctx;
  const finding = (severity: Severity, id: string, title: string, probe: Probe, res: ScenarioResponse, fix: string): void => {
    out.push({ severity, id, title, sent: describeSent(path, probe), got: describeGot(res), fix });
  };

  // who answers preflights: compare with what reached the app
  const app = got(ctx.base) ?? ctx.perOrigin.map((o) => got(o.get)).find((r) => r !== undefined);
  const options = got(ctx.plainOptions);
  const preflightProbe = ctx.perOrigin.map((o) => o.preflight).find((p) => got(p) !== undefined) ?? ctx.deniedPreflight;
  const preflight = got(preflightProbe);
  let interceptedBy: string | undefined;
  if (app !== undefined && preflight !== undefined) {
    const appMarks = fingerprint(app);
    const preMarks = fingerprint(preflight);
    // only identity marks decide: an app whose CORS middleware ends preflights before another
    // middleware adds its headers (helmet after cors) still sends its own Server / X-Powered-By
    const missing = [...appMarks].filter((m) => IDENTITY.test(m) && !preMarks.has(m));
    // the app answers OPTIONS itself (its marks are there), yet not the preflight: someone in front did
    const optionsReachApp = options !== undefined && missing.length > 0 && missing.every((m) => fingerprint(options).has(m));
    if (missing.length > 0 && optionsReachApp) {
      interceptedBy = layerName(preflight);
      const actual = ctx.perOrigin.map((o) => ({ o, pre: got(o.preflight), get: got(o.get) })).filter((x) => x.pre !== undefined && x.get !== undefined);
      const disagreement = actual.find(({ o, pre, get }) => {
        const preLets = pre!.status >= 200 && pre!.status < 300 && [o.origin, '*'].includes(header(pre!, 'access-control-allow-origin') ?? '');
        const getLets = [o.origin, '*'].includes(header(get!, 'access-control-allow-origin') ?? '');
        const preCreds = header(pre!, 'access-control-allow-credentials') === 'true';
        const getCreds = header(get!, 'access-control-allow-credentials') === 'true';
        return preLets !== getLets || (preLets && getLets && preCreds !== getCreds);
      });
      const marks = missing.slice(0, 2).join(', ');
      if (disagreement !== undefined) {
        finding(
          'medium',
          'layers.split-policy',
          `Two CORS layers with two policies: preflights are answered by ${interceptedBy} before the app (the app's ${marks} is missing from them), and its answer for ${disagreement.o.origin} disagrees with the app's own (preflight: ${describeGot(disagreement.pre!)}; GET: ${describeGot(disagreement.get!)}).`,
          disagreement.o.preflight,
          disagreement.pre!,
          ONE_LAYER_FIX,
        );
      } else {
        finding(
          'info',
          'layers.preflight-by-proxy',
          `Preflights are answered by ${interceptedBy} before the app (the app's ${marks} is missing from them, while its other answers carry it). Fine when that layer is the only one doing CORS; if the app also has CORS middleware, remove one of the two.`,
          preflightProbe,
          preflight,
          'Nothing to do if the proxy is the only CORS layer; otherwise keep CORS in one layer (the app, or the proxy with `corsica export`).',
        );
      }
    }
    // every OPTIONS answered in front of the app, preflight or not: the app's own OPTIONS routes never run
    if (options !== undefined && missing.length > 0 && !optionsReachApp && options.status >= 200 && options.status < 300) {
      finding(
        'low',
        'layers.options-intercepted',
        `An OPTIONS without Access-Control-Request-Method (not a preflight) is answered by ${layerName(options)} and never reaches the app: a proxy treats every OPTIONS as a preflight, so the app's own OPTIONS routes (WebDAV, API discovery) never run.`,
        ctx.plainOptions,
        options,
        'Answer only OPTIONS requests with Origin and Access-Control-Request-Method as preflights (what `corsica export` generates does); pass every other OPTIONS to the app.',
      );
    }
  }

  // the same header twice: each layer added its own
  for (const p of ctx.plan) {
    const res = got(p);
    if (res === undefined) continue;
    const acao = doubledValues(res, 'access-control-allow-origin');
    const acac = doubledValues(res, 'access-control-allow-credentials');
    if (acao === undefined && acac === undefined) continue;
    const what = [acao && `Access-Control-Allow-Origin "${printable(acao.join(', '), 60)}"`, acac && `Access-Control-Allow-Credentials "${acac.join(', ')}"`].filter(Boolean).join(' and ');
    const where = interceptedBy !== undefined ? ` (${interceptedBy} answers the preflights, the app the rest: both add CORS headers)` : ' (a proxy and the app, or two CORS middlewares, both add their headers)';
    finding(
      'medium',
      'layers.doubled',
      `Two CORS layers answer the same request${where}: the response carries ${what}, which browsers join and refuse, so pages on that origin cannot read it.`,
      p,
      res,
      ONE_LAYER_FIX,
    );
    break;
  }
  return out;
}

/**
 * Audits the CORS behaviour of a live URL, whatever serves it. Sends at most
 * {@link MAX_AUDIT_REQUESTS} requests, only to that URL (same scheme, host, port and path), a few
 * at a time, each with a time-out, and never follows redirects.
 *
 * It checks: reflection of arbitrary origins and of `null`; look-alikes of each expected origin
 * (suffix, prefix, substring, unescaped dot, scheme downgrade, another port, odd host characters,
 * subdomains); `*` with credentials; reflected `Access-Control-Request-Headers` and `-Method`;
 * `Vary: Origin` when `Access-Control-Allow-Origin` varies; CORS headers on denied preflights;
 * preflight status and `Access-Control-Max-Age` for an expected origin; doubled CORS layers (the
 * same CORS header twice, preflights answered in front of the app with another policy, every
 * OPTIONS intercepted, `Vary: Origin` lost between layers), with the layer to remove.
 *
 * Then, for each engine in `options.engines` (default Chromium, Firefox and WebKit), what that
 * engine does with the answers, through the conformance kit's model (`predictFetch`): a GET from
 * each expected origin, a GET carrying `Authorization` (one preflight asks for it: all three
 * engines let `Access-Control-Allow-Headers: *` cover it without credentials, the Fetch standard
 * does not, and `preflight.authorization-wildcard` says so), and each engine's preflight cache
 * lifetime (`report.engines`).
 *
 * @example
 * ```ts
 * import { audit, formatAuditReport } from '@corsica/cli';
 *
 * const report = await audit('https://api.example.com/me', { origins: ['https://app.example.com'], credentials: true });
 * console.log(formatAuditReport(report));
 * process.exitCode = report.exitCode;
 * ```
 */
export async function audit(url: string, options: AuditOptions = {}): Promise<AuditReport> {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    throw new AuditUsageError(`corsica: audit needs an absolute URL such as https://api.example.com/users, got ${JSON.stringify(url)}.`);
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') {
    throw new AuditUsageError(`corsica: audit probes http and https URLs only, got ${target.protocol}; give an https:// or http:// URL.`);
  }
  const expectedAll = [...new Set(options.origins ?? [])];
  for (const origin of expectedAll) {
    if (!parseOrigin(origin)) {
      let hint = '';
      try {
        hint = ` Write ${JSON.stringify(new URL(origin).origin)}.`;
      } catch {
        hint = ' Write scheme://host[:port], e.g. https://app.example.com.';
      }
      throw new AuditUsageError(`corsica: --origin ${JSON.stringify(origin)} is not an origin as browsers send it (scheme://host[:port], lower case, no path or trailing slash).${hint}`);
    }
  }
  const expected = expectedAll.slice(0, MAX_AUDIT_ORIGINS);
  const timeout = options.timeout ?? DEFAULT_AUDIT_TIMEOUT;
  const credentialsExpected = options.credentials ?? false;
  const baseUrl = target.origin;
  const path = `${target.pathname}${target.search}`;
  const findings: Finding[] = [];
  const add = (severity: Severity, id: string, title: string, probe: Probe, res: ScenarioResponse, fix: string): void => {
    findings.push({ severity, id, title, sent: describeSent(path, probe), got: describeGot(res), fix });
  };

  // --- the plan
  const probes: Probe[] = [];
  const base: Probe = { key: 'base', method: 'GET' };
  const evil: Probe = { key: 'evil', method: 'GET', origin: EVIL };
  const nul: Probe = { key: 'null', method: 'GET', origin: 'null' };
  const deniedPreflight: Probe = { key: 'preflight-evil', method: 'OPTIONS', origin: EVIL, requestMethod: 'PUT', requestHeaders: 'content-type' };
  probes.push(base, evil, nul, deniedPreflight);
  // the origin to ask about methods and headers: one the server should let in
  const asker = expected[0] ?? target.origin;
  const acrh: Probe = { key: 'acrh', method: 'OPTIONS', origin: asker, requestMethod: 'GET', requestHeaders: 'x-evil-header' };
  const acrm: Probe = { key: 'acrm', method: 'OPTIONS', origin: asker, requestMethod: 'PROPFIND' };
  // an OPTIONS that is not a preflight (no Access-Control-Request-Method) belongs to the app: it shows
  // whether the app can be reached with OPTIONS at all, to tell who answers the preflights
  const plainOptions: Probe = { key: 'options', method: 'OPTIONS', origin: asker };
  // what a page sending a token gets: browsers let "Access-Control-Allow-Headers: *" cover it, the
  // standard does not. Without expected origins, asked for an arbitrary site (a third party's view)
  const tokenAsker = expected[0] ?? EVIL;
  const authorization: Probe = { key: 'authorization', method: 'OPTIONS', origin: tokenAsker, requestMethod: 'GET', requestHeaders: 'authorization' };
  probes.push(acrh, acrm, plainOptions, authorization);
  const perOrigin: { origin: string; get: Probe; preflight: Probe; lookAlikes: { probe: Probe; like: LookAlike }[] }[] = [];
  // without expected origins, look-alikes of the server's own origin stand in (as scanners do)
  for (const origin of expected.length > 0 ? expected : [target.origin]) {
    const get: Probe = { key: `get@${origin}`, method: 'GET', origin };
    // a preflight any correct server allows for a listed origin: the safelisted GET, no headers
    const preflight: Probe = { key: `preflight@${origin}`, method: 'OPTIONS', origin, requestMethod: 'GET' };
    const likes = lookAlikes(origin).map((like) => ({ like, probe: { key: `${like.kind}@${like.origin}`, method: 'GET', origin: like.origin } }));
    if (expected.length > 0) probes.push(get, preflight);
    for (const l of likes) probes.push(l.probe);
    perOrigin.push({ origin, get, preflight, lookAlikes: likes });
  }
  const plan = probes.slice(0, MAX_AUDIT_REQUESTS);

  const responses = await runAll(baseUrl, path, plan, timeout, options.concurrency ?? DEFAULT_AUDIT_CONCURRENCY);
  const got = (p: Probe): ScenarioResponse | undefined => {
    const r = responses.get(p.key);
    return r === undefined || r.status === 0 ? undefined : r;
  };
  const answered = plan.filter((p) => got(p) !== undefined);
  if (answered.length === 0) {
    const first = responses.get(plan[0]!.key);
    throw new AuditUsageError(`corsica: ${url} did not answer any of ${plan.length} requests (${first?.error ?? 'no response'}); check the URL, or raise --timeout.`);
  }

  const reflected = (p: Probe): boolean => {
    const r = got(p);
    return r !== undefined && p.origin !== undefined && header(r, 'access-control-allow-origin') === p.origin;
  };
  const withCredentials = (p: Probe): boolean => {
    const r = got(p);
    return r !== undefined && header(r, 'access-control-allow-credentials') === 'true';
  };

  // --- reflection of any origin and of null
  const reflectsAny = reflected(evil);
  const listedOrigins = expected.length > 0;
  if (reflectsAny) {
    const creds = withCredentials(evil);
    add(
      creds ? 'high' : listedOrigins ? 'medium' : 'low',
      'origin.reflected-any',
      creds
        ? 'The server echoes any Origin with credentials allowed: every website can read these responses with the visitor\'s cookies.'
        : `The server echoes any Origin${listedOrigins ? ', so the allowlist you expect does not exist' : ' (as good as "*", but it varies per origin)'}.`,
      evil,
      got(evil)!,
      'Compare Origin byte for byte against a list of your origins and echo only those; never copy the request\'s Origin unchecked.',
    );
  }
  if (reflected(nul)) {
    const creds = withCredentials(nul);
    add(
      creds ? 'high' : listedOrigins ? 'medium' : 'low',
      'origin.null-allowed',
      'The server allows the "null" origin, which sandboxed iframes, data: and file: pages send: any site can obtain it.',
      nul,
      got(nul)!,
      'Remove "null" from the allowlist; serve the calling page from a real origin and list that one.',
    );
  }

  // --- look-alikes (implied when every origin is reflected)
  if (!reflectsAny) {
    for (const o of perOrigin) {
      for (const { probe, like } of o.lookAlikes) {
        if (!reflected(probe)) continue;
        const creds = withCredentials(probe);
        add(
          like.severity[creds ? 0 : 1],
          like.kind,
          `The server lets in ${probe.origin}: ${like.label}${creds ? ', with credentials' : ''}.`,
          probe,
          got(probe)!,
          'Match whole origins (scheme, host, port) exactly or with label-aligned patterns such as https://*.example.com; anchor and escape regexes (^https://app\\.example\\.com$).',
        );
      }
    }
  }

  // --- "*" with credentials, several values
  const all = plan.filter((p) => got(p) !== undefined);
  const starCreds = all.find((p) => header(got(p)!, 'access-control-allow-origin') === '*' && withCredentials(p));
  if (starCreds) {
    add('medium', 'credentials.wildcard', 'Access-Control-Allow-Origin "*" comes with Access-Control-Allow-Credentials: true; browsers reject the pair, and the usual "fix", reflecting every origin, opens the API to every site.', starCreds, got(starCreds)!, 'For a public API drop Access-Control-Allow-Credentials; for cookies, list the allowed origins and echo only those.');
  }

  // --- doubled CORS layers (a proxy and the app, two middlewares): see layers() below
  findings.push(...layers({ plan, got, expected, perOrigin, base, plainOptions, deniedPreflight, path }));

  // --- Vary: Origin when the answer depends on the Origin
  const gets = all.filter((p) => p.method === 'GET');
  const acaoValues = new Set(gets.map((p) => header(got(p)!, 'access-control-allow-origin') ?? '(none)'));
  const acacValues = new Set(gets.map((p) => header(got(p)!, 'access-control-allow-credentials') ?? '(none)'));
  if (acaoValues.size > 1 || acacValues.size > 1) {
    const missing = gets.filter((p) => !varies(got(p)!));
    // Vary: Origin on some answers and not on others that echo an origin: one layer sets it, another replaces Vary
    const echoing = missing.filter((p) => {
      const acao = header(got(p)!, 'access-control-allow-origin');
      return acao !== undefined && acao !== '*' && header(got(p)!, 'vary') !== undefined;
    });
    const somewhere = all.find((p) => varies(got(p)!));
    if (echoing.length > 0 && somewhere !== undefined) {
      add(
        'medium',
        'layers.vary-lost',
        `Vary: Origin is on some answers (${somewhere.method}${somewhere.origin === undefined ? '' : ` from ${printable(somewhere.origin, 40)}`}) but lost on ${echoing.length} that echo an origin and carry another Vary (${printable(header(got(echoing[0]!)!, 'vary') ?? '', 40)}): one layer sets Vary and another replaces it, so a shared cache can serve one origin's answer to another.`,
        echoing[0]!,
        got(echoing[0]!)!,
        'Find the layer that sets Vary instead of appending (nginx add_header Vary, Apache Header set Vary, a framework res.setHeader("Vary")) and make it append; better, let one layer do CORS.',
      );
    } else if (missing.length > 0) {
      const first = missing.find((p) => p.key === 'base') ?? missing[0]!;
      // "*" on some responses and none on others only breaks CORS through a cache; an echoed origin leaks it
      const echoes = [...acaoValues].some((v) => v !== '*' && v !== '(none)');
      add(
        echoes ? 'medium' : 'low',
        'vary.missing-origin',
        `Access-Control-Allow-Origin depends on the request's Origin, but ${missing.length} of ${gets.length} responses lack Vary: Origin: a shared cache can serve one origin's answer (or a no-CORS answer) to another.`,
        first,
        got(first)!,
        'Send Vary: Origin on every response of the resource, allowed, denied or without Origin (append to Vary, never replace it).',
      );
    }
  }

  // --- preflights: denied origin, reflected method and headers
  const denied = got(deniedPreflight);
  if (denied && !reflected(deniedPreflight) && header(denied, 'access-control-allow-origin') !== '*') {
    const leaked = Object.keys(denied.headers).filter((n) => n.startsWith('access-control-'));
    if (leaked.length > 0) {
      add('low', 'preflight.headers-on-denied', `A preflight from an origin the server refuses still carries ${leaked.map((n) => SHORT[n] ?? n).join(', ')}: it tells anyone what the API accepts and hides the refusal.`, deniedPreflight, denied, 'Answer refused preflights with 403 and no Access-Control-* headers.');
    }
  }
  const acrhRes = got(acrh);
  if (acrhRes && (reflected(acrh) || header(acrhRes, 'access-control-allow-origin') === '*')) {
    const acah = header(acrhRes, 'access-control-allow-headers');
    const creds = withCredentials(acrh);
    if (listHas(acah, 'x-evil-header', true)) {
      add(creds ? 'medium' : 'low', 'preflight.reflects-headers', 'The preflight answer echoes the requested header x-evil-header: every request header is allowed, unchecked (custom-header CSRF defenses no longer hold).', acrh, acrhRes, 'Check each requested header name against a list (allowedHeaders) and answer with that list.');
    } else if (acah !== undefined && listHas(acah, '*', false) && creds) {
      add('low', 'preflight.wildcard-with-credentials', 'Access-Control-Allow-Headers "*" is a literal name when credentials are allowed, so browsers refuse custom headers.', acrh, acrhRes, 'List the allowed header names instead of "*".');
    }
  }
  const acrmRes = got(acrm);
  if (acrmRes && (reflected(acrm) || header(acrmRes, 'access-control-allow-origin') === '*') && acrmRes.status >= 200 && acrmRes.status < 300) {
    const acam = header(acrmRes, 'access-control-allow-methods');
    if (listHas(acam, 'PROPFIND', false)) {
      add(withCredentials(acrm) ? 'medium' : 'low', 'preflight.reflects-method', 'The preflight answer echoes the requested method PROPFIND: every method is allowed, unchecked.', acrm, acrmRes, 'Check the requested method against a list (methods), byte for byte, and answer with that list.');
    }
  }

  // --- expected origins: let in, preflights pass, Max-Age within caps
  for (const o of expected.length > 0 ? perOrigin : []) {
    const res = got(o.get);
    if (res === undefined) continue;
    const acao = header(res, 'access-control-allow-origin');
    const allowed = acao === o.origin || acao === '*';
    if (!allowed) {
      add('low', 'origin.expected-refused', `The expected origin ${o.origin} is not let in${acao === undefined ? '' : ` (Access-Control-Allow-Origin is ${printable(acao)})`}: browsers block its requests.`, o.get, res, `Add ${o.origin} to the server's allowlist exactly as browsers send it, or drop it from --origin.`);
      continue;
    }
    if (credentialsExpected && acao === '*' && !withCredentials(o.get)) {
      add('low', 'credentials.wildcard-origin', `Access-Control-Allow-Origin is "*", which browsers refuse for credentialed requests from ${o.origin}.`, o.get, res, 'Echo the listed origin and send Access-Control-Allow-Credentials: true.');
    } else if (credentialsExpected && acao !== '*' && !withCredentials(o.get)) {
      add('low', 'credentials.missing', `Credentialed requests from ${o.origin} are blocked: Access-Control-Allow-Credentials: true is missing.`, o.get, res, 'Send Access-Control-Allow-Credentials: true for allowed origins, or drop --credentials if the site uses no cookies.');
    }
    const pre = got(o.preflight);
    if (pre === undefined) continue;
    const preAcao = header(pre, 'access-control-allow-origin');
    if (pre.status < 200 || pre.status > 299 || (preAcao !== o.origin && preAcao !== '*')) {
      add('low', 'preflight.fails', `A preflight from the expected origin ${o.origin} fails (status ${pre.status}${preAcao === undefined ? ', no Access-Control-Allow-Origin' : ''}): browsers never send its PUT, DELETE or JSON requests. Authentication or routing in front of CORS often causes this.`, o.preflight, pre, 'Answer OPTIONS requests with Origin and Access-Control-Request-Method before authentication and routing, with a 2xx status and the CORS headers.');
      continue;
    }
    const maxAge = header(pre, 'access-control-max-age');
    if (maxAge !== undefined) {
      const seconds = Number(maxAge);
      if (!/^\d+$/.test(maxAge.trim())) {
        add('low', 'preflight.max-age-invalid', `Access-Control-Max-Age ${printable(maxAge)} is not a number of seconds; browsers fall back to 5 s.`, o.preflight, pre, 'Send a whole number of seconds, e.g. 7200.');
      } else if (seconds > MAX_AGE_CAPS.chromium) {
        add('low', 'preflight.max-age-above-cap', `Access-Control-Max-Age is ${seconds} s, but Chromium caches preflights for at most ${MAX_AGE_CAPS.chromium} s (Firefox ${MAX_AGE_CAPS.firefox}, Safari ${MAX_AGE_CAPS.safari}).`, o.preflight, pre, `Use ${MAX_AGE_CAPS.chromium} or less: larger values only pretend to cache longer.`);
      }
    }
  }

  // --- Authorization allowed only by "*": browsers let it today, the Fetch standard does not
  const engineNames = options.engines === undefined || options.engines.length === 0 ? [...BROWSER_ENGINES] : BROWSER_ENGINES.filter((e) => options.engines!.includes(e));
  const calls: CallPrediction[] = [];
  const credentialsWord = credentialsExpected ? 'with credentials' : 'no credentials';
  const authRes = got(authorization);
  const tokenGet = expected.length > 0 ? perOrigin[0]!.get : evil;
  if (authRes !== undefined) {
    const call = { origin: tokenAsker, url: target.href, method: 'GET', headers: ['Authorization'], credentials: credentialsExpected };
    const actual = got(tokenGet);
    const prediction = predictCall(
      'engines.authorization',
      `GET with Authorization from ${tokenAsker}${expected.length > 0 ? '' : ' (any site)'}, ${credentialsWord}`,
      call,
      { preflight: authRes, ...(actual === undefined ? {} : { actual }) },
      engineNames,
      [describeSent(path, authorization), describeSent(path, tokenGet)],
    );
    calls.push(prediction);
    if (prediction.notes.length > 0) {
      add('low', 'preflight.authorization-wildcard', `Authorization is allowed only by Access-Control-Allow-Headers "*": Chromium, Firefox and WebKit accept that without credentials today (measured), but the Fetch standard says "*" never covers Authorization (whatwg/fetch#1919), so a browser that follows it blocks every request with a token.`, authorization, authRes, 'List Authorization by name in Access-Control-Allow-Headers (e.g. "Authorization, Content-Type"), keeping "*" if you want it for the rest.');
    }
  }
  for (const o of expected.length > 0 ? perOrigin : []) {
    const res = got(o.get);
    if (res === undefined) continue;
    const call = { origin: o.origin, url: target.href, method: 'GET', headers: [], credentials: credentialsExpected };
    calls.push(predictCall('engines.get', `GET from ${o.origin}, ${credentialsWord}`, call, { actual: res }, engineNames, [describeSent(path, o.get)]));
  }
  // how long each engine keeps a passed preflight, judged on the audit's own preflight (the
  // safelisted GET, as an XMLHttpRequest with upload listeners asks it)
  for (const o of expected.length > 0 ? perOrigin : []) {
    const pre = got(o.preflight);
    const maxAge = pre === undefined ? undefined : header(pre, 'access-control-max-age');
    if (pre === undefined || maxAge === undefined) continue;
    const call = { origin: o.origin, url: target.href, method: 'GET', headers: [], credentials: credentialsExpected, forcePreflight: true };
    calls.push(predictCall('engines.preflight-cache', `a preflight from ${o.origin} with Access-Control-Max-Age ${printable(maxAge, 20)}: how long each engine caches it`, call, { preflight: pre }, engineNames, [describeSent(path, o.preflight)]));
  }

  // --- observations
  const errors = all.filter((p) => got(p)!.status >= 500);
  const baseRes = got(base);
  if (errors.length > 0 && !(baseRes && baseRes.status >= 500)) {
    add('low', 'server.error', `${errors.length} CORS request${errors.length === 1 ? '' : 's'} got a server error: a refused origin must get a normal answer without CORS headers, not a 5xx (which may also leak a stack trace).`, errors[0]!, got(errors[0]!)!, 'Deny unknown origins by leaving out the CORS headers; never throw from the CORS check.');
  }
  if (baseRes && baseRes.status >= 300 && baseRes.status < 400) {
    add('info', 'url.redirects', `The URL redirects (${baseRes.status} to ${printable(String(baseRes.headers.location ?? '?'))}); the audit does not follow redirects, and browsers run the CORS check on every hop.`, base, baseRes, 'Audit the final URL too.');
  }
  const failed = plan.filter((p) => got(p) === undefined);
  if (failed.length > 0) {
    const r = responses.get(failed[0]!.key)!;
    findings.push({ severity: 'info', id: 'request.failed', title: `${failed.length} of ${plan.length} requests got no answer; their checks were skipped.`, sent: describeSent(path, failed[0]!), got: describeGot(r), fix: 'Raise --timeout, or check that nothing (a WAF, a rate limit) drops these requests.' });
  }
  if (expectedAll.length > expected.length) {
    findings.push({ severity: 'info', id: 'audit.origins-capped', title: `Only the first ${expected.length} of ${expectedAll.length} --origin values were probed (the audit sends at most ${MAX_AUDIT_REQUESTS} requests).`, sent: '-', got: '-', fix: 'Run the audit again with the other origins.' });
  }
  const starGet = gets.find((p) => header(got(p)!, 'access-control-allow-origin') === '*');
  if (starGet && !starCreds) {
    add('info', 'cors.public', 'Access-Control-Allow-Origin is "*": any site can read responses, without cookies. Fine for public data.', starGet, got(starGet)!, 'Nothing to do if the data is public; otherwise list the allowed origins.');
  }
  if (all.every((p) => Object.keys(got(p)!.headers).every((n) => !n.startsWith('access-control-')))) {
    findings.push({ severity: 'info', id: 'cors.absent', title: 'No response carried a CORS header: pages on other origins cannot read this URL.', sent: describeSent(path, evil), got: baseRes ? describeGot(baseRes) : '-', fix: expected.length > 0 ? 'Enable CORS for the expected origins on the server.' : 'Nothing to do if no other origin needs it; pass --origin to check the origins that should be let in.' });
  }

  findings.sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
  const exitCode = findings.some((f) => f.severity === 'high' || f.severity === 'medium') ? 1 : 0;
  return { url: target.href, requests: plan.length, origins: perOrigin.map((o) => o.origin), findings, engines: { names: engineNames, source: ENGINE_SOURCE, calls }, exitCode };
}

/**
 * Renders a report as a findings table for a terminal: severity, id, what was sent and what came
 * back, then the explanation and the fix under each row.
 *
 * @example
 * ```ts
 * console.log(formatAuditReport(await audit('http://127.0.0.1:3000/api')));
 * ```
 */
export function formatAuditReport(report: AuditReport): string {
  const out: string[] = [
    `corsica audit ${report.url}`,
    `${report.requests} requests: an arbitrary origin, null, look-alikes of ${report.origins.join(', ')}, preflights (refused origin, x-evil-header, PROPFIND, authorization), an OPTIONS that is not one.`,
    '',
  ];
  if (report.findings.length === 0) {
    out.push('No findings.');
  } else {
    const rows = report.findings.map((f) => [f.severity, f.id, f.sent, f.got]);
    const head = ['SEVERITY', 'FINDING', 'SENT', 'GOT'];
    const widths = [0, 1, 2].map((i) => Math.max(head[i]!.length, ...rows.map((r) => r[i]!.length)));
    const row = (cells: string[]): string => cells.map((c, i) => (i < 3 ? c.padEnd(widths[i]!) : c)).join('  ').trimEnd();
    const indent = ' '.repeat(widths[0]! + 2);
    out.push(row(head));
    report.findings.forEach((f, i) => {
      out.push(row(rows[i]!));
      out.push(`${indent}${f.title}`);
      out.push(`${indent}fix: ${f.fix}`);
    });
  }
  if (report.engines.calls.length > 0) {
    const names = report.engines.names;
    out.push('');
    out.push(`What ${names.length === BROWSER_ENGINES.length ? 'each browser engine' : names.join(', ')} does with these answers, predicted by the ${report.engines.source}:`);
    out.push(...formatPredictions(report.engines.calls, '  '));
  }
  const count = (s: Severity): number => report.findings.filter((f) => f.severity === s).length;
  out.push('');
  out.push(`${count('high')} high, ${count('medium')} medium, ${count('low')} low, ${count('info')} info. Exit ${report.exitCode}${report.exitCode === 1 ? ' (a high or medium finding)' : ''}.`);
  if (report.findings.length > 0) out.push('ACAO Access-Control-Allow-Origin, ACAC -Allow-Credentials, ACAM -Allow-Methods, ACAH -Allow-Headers, ACEH -Expose-Headers; ACRM/ACRH Access-Control-Request-Method/-Headers.');
  return `${out.join('\n')}\n`;
}
