/**
 * Running scenarios over HTTP and judging each response: the browser's verdict must equal the
 * oracle's, and the structural rules (Vary, no leaking headers, exact statuses) must hold.
 * @module
 */
import type { CorsOptions, Policy } from '@corsica/core';
import { browserCheck, combinedHeader } from './browser.js';
import { send } from './http.js';
import { oraclePolicy, policyAllowsOrigin } from './oracle.js';
import { isGuardRejection, scenariosFor } from './scenarios.js';
import type { ConformanceTarget, Scenario, ScenarioResponse, ScenarioResult } from './types.js';

/**
 * Default milliseconds per request before it counts as unanswered.
 *
 * @example
 * ```ts
 * await runConformance({ baseUrl, policy, timeout: DEFAULT_TIMEOUT * 2 }); // a slow proxy
 * ```
 */
export const DEFAULT_TIMEOUT = 5000;
/**
 * Default number of requests in flight against one target.
 *
 * @example
 * ```ts
 * await runConformance({ baseUrl, policy, concurrency: 1 }); // one at a time, for debugging
 * ```
 */
export const DEFAULT_CONCURRENCY = 8;

/** Options for judging one response. */
export interface JudgeOptions {
  /** See {@link ConformanceTarget.strict}. Default `true`. */
  readonly strict?: boolean;
}

function lines(response: ScenarioResponse, name: string): string[] {
  const v = response.headers[name];
  return v === undefined ? [] : typeof v === 'string' ? [v] : v;
}

/** A value made printable: control bytes escaped, long values cut. */
function printable(value: string, max = 120): string {
  const escaped = value.replace(/[\u0000-\u001f\u007f]/g, (ch) => `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return escaped.length > max ? `${escaped.slice(0, max - 3)}... (${value.length} chars)` : escaped;
}

function show(value: string): string {
  return `'${printable(value)}'`;
}

function varyTokens(response: ScenarioResponse): Set<string> {
  const out = new Set<string>();
  for (const line of lines(response, 'vary')) for (const t of line.split(',')) if (t.trim() !== '') out.add(t.trim().toLowerCase());
  return out;
}

/** Where a judge writes: failures, and observations that only fail in strict mode. */
interface Sink {
  readonly problems: string[];
  readonly notes: string[];
  /** A rule of Corsica's exact answers: a problem when strict, a note otherwise. */
  strictRule(message: string): void;
}

/** What the user notices first: does the browser conclude what the policy says? */
function checkBrowser(scenario: Scenario, response: ScenarioResponse, policy: Policy, out: Sink): void {
  if (scenario.browser === undefined || scenario.expect.hostile) return;
  const { decision, verdict: expected } = scenario.expect;
  const verdict = browserCheck(scenario.browser, response);
  const who = scenario.browser.credentials ? `${scenario.browser.origin} (with credentials)` : scenario.browser.origin;
  if (verdict.allowed && expected === 'refused') {
    out.problems.push(`The browser would let ${who} in, but the policy refuses it (${decision.reason}${decision.detail ? `: ${decision.detail}` : ''}).`);
  } else if (!verdict.allowed && expected === 'allowed') {
    out.problems.push(`The browser would block ${who}, which the policy allows: ${verdict.failures.join(' ')}`);
  } else if (verdict.allowed && expected === 'allowed' && decision.kind !== 'preflight') {
    const exposed = verdict.exposed;
    const unreadable = policy.config.exposedHeaders.filter((n) => n !== '*' && exposed !== '*' && !exposed.includes(n.toLowerCase()));
    if (unreadable.length > 0) {
      const aceh = combinedHeader(response.headers, 'access-control-expose-headers');
      out.problems.push(`The page cannot read ${unreadable.join(', ')}: Access-Control-Expose-Headers is ${aceh === undefined ? 'missing' : show(aceh)}.`);
    }
  }
}

/**
 * A request the origin guard rejects must never reach the app: no answer of the app's (its
 * status and body, or any 2xx), no CORS header, and Corsica's own 403 with a short plain-text body.
 */
function checkGuardRejection(scenario: Scenario, response: ScenarioResponse, out: Sink): void {
  const { decision } = scenario.expect;
  const appBody = scenario.route === 'appOptions' ? 'app-options' : 'ok';
  if (response.status < 400 || (response.body === appBody && scenario.request.method !== 'HEAD')) {
    out.problems.push(`The origin guard must reject this request (${decision.reason}) before the app runs, but the app answered (${response.status}, body ${show(response.body)}).`);
  } else if (response.status !== 403) {
    out.strictRule(`A request the origin guard rejects (${decision.reason}) was answered ${response.status}; the policy answers 403.`);
  }
  const leaked = Object.keys(response.headers).filter((n) => n.startsWith('access-control-'));
  if (leaked.length > 0) out.problems.push(`A request the origin guard rejects (${decision.reason}) carries ${leaked.join(', ')}; it must carry no CORS header.`);
  const type = combinedHeader(response.headers, 'content-type');
  if (scenario.request.method !== 'HEAD' && (type === undefined || !type.toLowerCase().startsWith('text/plain'))) {
    out.strictRule(`The guard's 403 has Content-Type ${type === undefined ? 'missing' : show(type)}; it is a short text/plain answer.`);
  }
  if (decision.body !== undefined && scenario.request.method !== 'HEAD' && response.body !== decision.body) {
    out.strictRule(`The guard's 403 has the body ${show(response.body)}; the policy answers ${show(decision.body)}.`);
  }
}

/**
 * The app must run for everything but preflights and the guard's rejections, and those must never
 * reach it.
 */
function checkApp(scenario: Scenario, response: ScenarioResponse, out: Sink): void {
  const { app, hostile } = scenario.expect;
  if (response.status >= 500 && app?.status !== 500) {
    out.problems.push(`The server answered ${response.status}${hostile ? ' to hostile input' : ''}; a CORS decision must never become a server error.`);
  }
  if (isGuardRejection(scenario.expect.decision)) {
    checkGuardRejection(scenario, response, out);
    return;
  }
  if (app === undefined) {
    if (scenario.route === 'appOptions' && response.body === 'app-options') {
      out.problems.push("The preflight reached the app's OPTIONS handler; preflights must be answered before routing.");
    }
    return;
  }
  if (response.status !== app.status) {
    const why = scenario.route === 'appOptions' ? ': an OPTIONS without Access-Control-Request-Method is not a preflight and belongs to the app' : '';
    out.problems.push(`The app's route should answer ${app.status} but the response is ${response.status}${why}.`);
  } else if (app.body !== undefined && response.body !== app.body && scenario.request.method !== 'HEAD') {
    out.problems.push(`The app's route should answer the body ${show(app.body)} but the body is ${show(response.body)}.`);
  }
}

/** Rules on the CORS headers themselves, whatever the browser concludes. */
function checkHeaders(response: ScenarioResponse, policy: Policy, out: Sink): void {
  for (const name of Object.keys(response.headers)) {
    if (!name.startsWith('access-control-') && name !== 'vary') continue;
    const values = lines(response, name);
    if (values.some((v) => v.includes('\r') || v.includes('\n'))) out.problems.push(`${name} contains a CR or LF.`);
    if (values.length > 1 && name.startsWith('access-control-')) {
      out.problems.push(`${name} is sent ${values.length} times (${values.map(show).join(', ')}): two CORS layers answered, and browsers join the lines into one invalid value.`);
    }
  }
  const config = policy.config;
  const acao = combinedHeader(response.headers, 'access-control-allow-origin');
  const acac = combinedHeader(response.headers, 'access-control-allow-credentials');
  if (acac !== undefined && acac !== 'true') out.problems.push(`Access-Control-Allow-Credentials is ${show(acac)}; the only valid value is 'true'.`);
  if (acac !== undefined && !config.credentials) out.problems.push('Access-Control-Allow-Credentials is sent although the policy does not allow credentials.');
  if (acao === '*' && acac !== undefined) out.problems.push("Access-Control-Allow-Origin is '*' together with Access-Control-Allow-Credentials: browsers reject that pair.");
  if (acao === '*' && config.originMode !== 'any') out.problems.push("Access-Control-Allow-Origin is '*' although the policy lists its origins.");
  if (acao !== undefined && acao !== '*' && !policyAllowsOrigin(policy, acao)) {
    out.problems.push(`Access-Control-Allow-Origin is ${show(acao)}, an origin the policy does not allow.`);
  }
}

/** A denied preflight says nothing; an allowed one says what the policy configures. */
function checkPreflight(scenario: Scenario, response: ScenarioResponse, policy: Policy, out: Sink): void {
  const { decision, hostile } = scenario.expect;
  if (decision.kind !== 'preflight' || hostile) return;
  if (decision.allowed) {
    if (response.status !== decision.status && response.status >= 200 && response.status <= 299) {
      out.strictRule(`An allowed preflight was answered ${response.status}; the policy answers ${decision.status}.`);
    }
    const pna = decision.headers['Access-Control-Allow-Private-Network'];
    if (pna !== undefined && combinedHeader(response.headers, 'access-control-allow-private-network') !== pna) {
      out.problems.push(`Access-Control-Allow-Private-Network is ${show(combinedHeader(response.headers, 'access-control-allow-private-network') ?? 'missing')}; the policy answers '${pna}'.`);
    }
    const configured = policy.config.maxAge;
    if (configured !== undefined) {
      const maxAge = combinedHeader(response.headers, 'access-control-max-age');
      if (maxAge !== String(configured)) out.problems.push(`Access-Control-Max-Age is ${maxAge === undefined ? 'missing' : show(maxAge)}; the policy sets ${configured}.`);
    }
    return;
  }
  const leaked = Object.keys(response.headers).filter((n) => n.startsWith('access-control-'));
  if (leaked.length > 0) out.problems.push(`A denied preflight (${decision.reason}) carries ${leaked.join(', ')}; it must carry no Access-Control-* header.`);
  if (response.status !== 403) out.strictRule(`A denied preflight (${decision.reason}) was answered ${response.status}; the policy answers 403.`);
}

/**
 * Vary: every name the oracle varies on, appended to the app's own. Hostile input may be refused
 * by the HTTP parser before any CORS code runs, so it is judged on status and structure only.
 */
function checkVary(scenario: Scenario, response: ScenarioResponse, out: Sink): void {
  const { decision, hostile } = scenario.expect;
  const vary = varyTokens(response);
  if (vary.has('*') || hostile) return;
  const isPreflight = decision.kind === 'preflight';
  const missing = decision.vary.filter((n) => !vary.has(n.toLowerCase()));
  if (missing.length > 0) {
    const found = vary.size === 0 ? 'absent' : show(lines(response, 'vary').join(', '));
    if (isPreflight) out.strictRule(`Vary lacks ${missing.join(', ')} (Vary is ${found}): the preflight answer depends on them.`);
    else out.problems.push(`Vary lacks ${missing.join(', ')} (Vary is ${found}): the answer depends on the origin, so a shared cache would serve one origin's answer to another.`);
  }
  if (scenario.route === 'vary' && !isPreflight && !vary.has('accept-encoding')) {
    out.problems.push("The app's own Vary: Accept-Encoding was dropped; CORS must append to Vary, never replace it.");
  }
  // a request's own Vary header means nothing; echoing it lets a client choose the cache key
  const own = new Set(decision.vary.map((n) => n.toLowerCase()));
  for (const [name, value] of scenario.request.headers) {
    if (name.toLowerCase() !== 'vary') continue;
    const copied = value.split(',').map((t) => t.trim().toLowerCase()).filter((t) => t !== '' && !own.has(t) && vary.has(t));
    if (copied.length > 0) out.problems.push(`Vary lists ${copied.join(', ')}, copied from the request's own Vary header.`);
  }
}

/**
 * Judges one response against its scenario. Returns the problems (failures), most noticeable
 * first (the browser's verdict, then server errors and routing, then header rules), and notes
 * (observations that do not fail). `policy` is the oracle compiled from the target's options.
 *
 * @example
 * ```ts
 * const policy = oraclePolicy(options);
 * const { problems } = judge(scenario, await send(baseUrl, scenario.request, 5000), policy);
 * ```
 */
export function judge(scenario: Scenario, response: ScenarioResponse, policy: Policy, options: JudgeOptions = {}): { problems: string[]; notes: string[] } {
  const strict = options.strict ?? true;
  const problems: string[] = [];
  const notes: string[] = [];
  const out: Sink = { problems, notes, strictRule: (message) => (strict ? problems : notes).push(message) };
  if (response.status === 0) {
    if (scenario.expect.hostile && response.timedOut !== true) {
      notes.push(`The server closed the connection instead of answering (${response.error ?? 'no response'}); the browser sees a network error.`);
    } else problems.push(`No response: ${response.error ?? 'the connection closed'}.`);
    return { problems, notes };
  }
  checkBrowser(scenario, response, policy, out);
  checkApp(scenario, response, out);
  checkHeaders(response, policy, out);
  checkPreflight(scenario, response, policy, out);
  checkVary(scenario, response, out);
  return { problems, notes };
}

/**
 * Reports whether a scenario id is skipped by a list of ids and `prefix*` patterns.
 *
 * @example
 * ```ts
 * isSkipped('hostile.acrh-200kb', ['hostile.*']); // true
 * ```
 */
export function isSkipped(id: string, skip: readonly string[] | undefined): boolean {
  if (!skip) return false;
  return skip.some((s) => (s.endsWith('*') ? id.startsWith(s.slice(0, -1)) : id === s));
}

/**
 * Runs one scenario against a server and judges the answer.
 *
 * @example
 * ```ts
 * const [first] = scenariosFor(policy);
 * const result = await runScenario('http://127.0.0.1:3000', first!, policy);
 * ```
 */
export async function runScenario(baseUrl: string, scenario: Scenario, options: CorsOptions, settings: JudgeOptions & { readonly timeout?: number; readonly policy?: Policy } = {}): Promise<ScenarioResult> {
  const policy = settings.policy ?? oraclePolicy(options);
  const response = await send(baseUrl, scenario.request, settings.timeout ?? DEFAULT_TIMEOUT);
  const { problems, notes } = judge(scenario, response, policy, settings);
  return { id: scenario.id, title: scenario.title, spec: scenario.spec, pass: problems.length === 0, problems, notes, request: scenario.request, response };
}

/**
 * Runs every scenario of the target's policy against it over real HTTP, a few at a time, and
 * returns one result per scenario (skipped ones left out), in scenario order. Never throws for a
 * misbehaving server: a hang or a reset is a failed scenario.
 *
 * @example
 * ```ts
 * import { runConformance, STANDARD_POLICIES } from '@corsica/conformance';
 *
 * const results = await runConformance({ baseUrl: 'http://127.0.0.1:8080', policy: STANDARD_POLICIES.public! });
 * for (const r of results.filter((r) => !r.pass)) console.log(r.id, r.problems.join(' '));
 * ```
 */
export async function runConformance(target: ConformanceTarget): Promise<ScenarioResult[]> {
  const policy = oraclePolicy(target.policy);
  const scenarios = scenariosFor(target.policy, target.routes).filter((s) => !isSkipped(s.id, target.skip));
  const results: ScenarioResult[] = new Array(scenarios.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < scenarios.length) {
      const i = next++;
      results[i] = await runScenario(target.baseUrl, scenarios[i]!, target.policy, { policy, strict: target.strict ?? true, timeout: target.timeout ?? DEFAULT_TIMEOUT });
    }
  };
  const width = Math.max(1, Math.min(target.concurrency ?? DEFAULT_CONCURRENCY, scenarios.length));
  await Promise.all(Array.from({ length: width }, worker));
  return results;
}

/**
 * Renders a result for a failure message or a log: the problems, then the request and response.
 *
 * @example
 * ```ts
 * if (!result.pass) throw new Error(formatResult(result));
 * ```
 */
export function formatResult(result: ScenarioResult): string {
  const out: string[] = [`${result.pass ? 'PASS' : 'FAIL'} ${result.id}: ${result.title}`, `  spec: ${result.spec}`];
  for (const p of result.problems) out.push(`  - ${p}`);
  for (const n of result.notes) out.push(`  note: ${n}`);
  out.push('  request:', `    ${result.request.method} ${result.request.path}`);
  for (const [name, value] of result.request.headers) out.push(`    ${name}: ${printable(value)}`);
  const r = result.response;
  out.push('  response:', `    ${r.status === 0 ? `(none: ${r.error ?? 'closed'})` : r.status}`);
  for (const [name, value] of Object.entries(r.headers)) {
    for (const v of typeof value === 'string' ? [value] : value) out.push(`    ${name}: ${printable(v)}`);
  }
  if (r.body !== '') out.push(`    body: ${show(r.body)}`);
  return out.join('\n');
}
