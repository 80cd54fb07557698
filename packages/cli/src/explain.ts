/**
 * `corsica explain`: the request a browser sends for a `fetch()` call, and what the policy makes
 * of it, in the words of `policy.explain`.
 * @module
 */
import { BROWSER_ENGINES, ENGINE_FACTS, browserCheck, send } from '@corsica/conformance';
import type { BrowserVerdict, FetchPrediction, HeaderLine, ScenarioResponse } from '@corsica/conformance';
import type { Decision, ExplainContext, Policy, RequestFacts } from '@corsica/core';
import { DEFAULT_AUDIT_TIMEOUT, describeGot } from './audit.js';
import { ENGINE_SOURCE, ownNotes, predictCall } from './engines.js';
import type { BrowserEngine, CallPrediction } from './engines.js';

/** The `fetch()` call to explain, as a page would make it. */
export interface ExplainInput {
  /** The page's origin, e.g. `https://app.example.com`. */
  readonly origin: string;
  /** The method passed to `fetch`. Default `GET`. Browsers upper-case only DELETE, GET, HEAD, OPTIONS, POST and PUT. */
  readonly method?: string;
  /** Request header names the page sets that are not CORS-safelisted (`Authorization`, `Content-Type` for JSON...). */
  readonly headers?: readonly string[];
  /** `credentials: 'include'`. */
  readonly credentials?: boolean;
  readonly engine?: 'chromium' | 'firefox' | 'webkit';
  /** The URL fetched, quoted in the browser's console message. */
  readonly url?: string;
}

/** One request the browser sends, decided and explained. */
export interface ExplainedRequest {
  readonly facts: RequestFacts;
  readonly decision: Decision;
  readonly explanation: string;
}

/** What happens to a `fetch()` call: the preflight (when one is needed), then the request itself. */
export interface ExplainResult {
  /** Why the browser sends a preflight first, or `undefined` when it does not. */
  readonly preflightReason: string | undefined;
  /** The first request the browser sends: the preflight, or the request itself. */
  readonly first: ExplainedRequest;
  /** The request itself after a passed preflight. */
  readonly actual: ExplainedRequest | undefined;
  /** Whether the page gets the response in the end. */
  readonly allowed: boolean;
}

const SAFELISTED_METHODS = new Set(['GET', 'HEAD', 'POST']);
/** Methods `fetch` upper-cases; any other keeps its case (`patch` stays `patch`). */
const NORMALIZED_METHODS = new Set(['DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT']);

/**
 * The method as the browser sends it: DELETE, GET, HEAD, OPTIONS, POST and PUT are upper-cased,
 * any other keeps its case.
 *
 * @example
 * ```ts
 * normalizeMethod('put'); // 'PUT'
 * normalizeMethod('patch'); // 'patch': a preflight for "patch" does not match an allowed "PATCH"
 * ```
 * @see https://fetch.spec.whatwg.org/#concept-method-normalize
 */
export function normalizeMethod(method: string): string {
  return NORMALIZED_METHODS.has(method.toUpperCase()) ? method.toUpperCase() : method;
}

/**
 * What the browser checks on a response: the CORS check of the Fetch standard (the origin
 * echoed or `*`, and with credentials no `*` and `Access-Control-Allow-Credentials: true`).
 * @see https://fetch.spec.whatwg.org/#cors-check
 */
function passesCorsCheck(decision: Decision, origin: string, credentials: boolean): boolean {
  if (!decision.allowed) return false;
  const acao = decision.headers['Access-Control-Allow-Origin'];
  if (acao === undefined) return false;
  if (acao === '*') return !credentials;
  if (acao !== origin) return false;
  return !credentials || decision.headers['Access-Control-Allow-Credentials'] === 'true';
}

/** Why the browser preflights a call (`method` normalized, `names` lower-cased and sorted); empty when it does not. */
function preflightReasons(method: string, names: readonly string[]): string[] {
  const reasons: string[] = [];
  if (!SAFELISTED_METHODS.has(method)) reasons.push(`${method} is not a CORS-safelisted method (GET, HEAD, POST)`);
  if (names.length > 0) reasons.push(`the page sets ${names.join(', ')}, which ${names.length === 1 ? 'is not a CORS-safelisted header' : 'are not CORS-safelisted headers'}`);
  return reasons;
}

async function decideAndExplain(policy: Policy, facts: RequestFacts, context: ExplainContext): Promise<ExplainedRequest> {
  if (policy.isAsync) {
    const [decision, explanation] = await Promise.all([policy.decideAsync(facts), policy.explainAsync(facts, context)]);
    return { facts, decision, explanation };
  }
  return { facts, decision: policy.decide(facts), explanation: policy.explain(facts, context) };
}

/**
 * Explains what a policy does with a `fetch()` call from a page: builds the request a browser
 * sends (a preflight first when the method is not safelisted or non-safelisted headers are set),
 * decides it, and explains it with `policy.explain`; after a passed preflight, the request itself
 * too.
 *
 * @example
 * ```ts
 * import { explainRequest } from '@corsica/cli';
 *
 * const result = await explainRequest(policy, { origin: 'https://app.example.com', method: 'PUT', headers: ['Content-Type'] });
 * console.log(result.first.explanation); // the preflight
 * ```
 */
export async function explainRequest(policy: Policy, input: ExplainInput): Promise<ExplainResult> {
  const method = normalizeMethod(input.method ?? 'GET');
  // browsers list the names lower-cased, sorted, comma-joined without spaces
  const names = [...new Set((input.headers ?? []).map((h) => h.trim().toLowerCase()).filter((h) => h !== ''))].sort();
  const reasons = preflightReasons(method, names);
  const context: ExplainContext = {
    credentials: input.credentials ?? false,
    ...(input.engine === undefined ? {} : { engine: input.engine }),
    ...(input.url === undefined ? {} : { url: input.url }),
  };
  const credentials = input.credentials ?? false;
  const actualFacts: RequestFacts = { method, origin: input.origin };
  if (reasons.length === 0) {
    const first = await decideAndExplain(policy, actualFacts, context);
    return { preflightReason: undefined, first, actual: undefined, allowed: passesCorsCheck(first.decision, input.origin, credentials) };
  }
  const preflightFacts: RequestFacts = {
    method: 'OPTIONS',
    origin: input.origin,
    requestMethod: method,
    ...(names.length > 0 ? { requestHeaders: names.join(',') } : {}),
  };
  // a preflight never carries credentials, but the browser checks it against the credentials mode
  const first = await decideAndExplain(policy, preflightFacts, context);
  if (!passesCorsCheck(first.decision, input.origin, credentials)) {
    return { preflightReason: reasons.join(', and '), first, actual: undefined, allowed: false };
  }
  const actual = await decideAndExplain(policy, actualFacts, context);
  return { preflightReason: reasons.join(', and '), first, actual, allowed: passesCorsCheck(actual.decision, input.origin, credentials) };
}

/** Options of {@link explainUrl}. */
export interface ExplainUrlInput extends Omit<ExplainInput, 'engine' | 'url'> {
  /** The URL the page fetches; probed live. */
  readonly url: string;
  /** The engines to predict. Default all three. */
  readonly engines?: readonly BrowserEngine[];
  /** Milliseconds each request may take. Default 5000, as `corsica audit`. */
  readonly timeout?: number;
  /**
   * Send the request itself when its method is not GET or HEAD (a POST, PUT or DELETE changes
   * things on the server). Without it only the preflight is sent for those methods.
   */
  readonly send?: boolean;
}

/** One request `explainUrl` sent, and the answer. */
export interface ProbedRequest {
  readonly sent: string;
  readonly headers: readonly HeaderLine[];
  readonly response: ScenarioResponse;
  /** The answer on one line: status and the CORS headers. */
  readonly got: string;
}

/** What `explainUrl` found: the requests sent and what each engine does with the answers. */
export interface ExplainUrlResult {
  /** Why the browser preflights, or `undefined`. */
  readonly preflightReason: string | undefined;
  readonly preflight?: ProbedRequest;
  readonly actual?: ProbedRequest;
  /** Set when the request itself was not sent: why. */
  readonly notSent?: string;
  readonly prediction: CallPrediction;
  /** Whether the page gets the response in every engine predicted. */
  readonly allowed: boolean;
}

/** Thrown when the URL cannot be probed: not http(s), or no answer at all. */
export class ExplainUrlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExplainUrlError';
  }
}

/**
 * Probes a live URL the way a browser would for a `fetch()` call (the preflight when one is
 * needed, then the request itself, without cookies, bodies or header values; no redirect
 * followed), and predicts what each engine does with the server's answers with the conformance
 * kit's model: each check, the console message when blocked, the preflight cache lifetime, and
 * where an engine departs from the Fetch standard.
 *
 * @example
 * ```ts
 * import { explainUrl } from '@corsica/cli';
 *
 * const result = await explainUrl({ url: 'https://api.example.com/me', origin: 'https://app.example.com', headers: ['Authorization'] });
 * result.prediction.results.map((r) => [r.engine, r.allowed]);
 * ```
 */
export async function explainUrl(input: ExplainUrlInput): Promise<ExplainUrlResult> {
  let target: URL;
  try {
    target = new URL(input.url);
  } catch {
    throw new ExplainUrlError(`corsica: --url needs an absolute URL such as https://api.example.com/users, got ${JSON.stringify(input.url)}.`);
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') {
    throw new ExplainUrlError(`corsica: --url must be an http or https URL, got ${target.protocol}.`);
  }
  const method = normalizeMethod(input.method ?? 'GET');
  const names = [...new Set((input.headers ?? []).map((h) => h.trim()).filter((h) => h !== ''))];
  const lower = [...new Set(names.map((h) => h.toLowerCase()))].sort();
  const credentials = input.credentials ?? false;
  const engines = input.engines === undefined || input.engines.length === 0 ? [...BROWSER_ENGINES] : BROWSER_ENGINES.filter((e) => input.engines!.includes(e));
  const timeout = input.timeout ?? DEFAULT_AUDIT_TIMEOUT;
  const path = `${target.pathname}${target.search}`;
  const call = { origin: input.origin, url: target.href, method, headers: names, credentials };
  const reasons = preflightReasons(method, lower);

  const probe = async (m: string, headers: HeaderLine[]): Promise<ProbedRequest> => {
    const response = await send(target.origin, { method: m, path, headers }, timeout);
    if (response.status === 0) throw new ExplainUrlError(`corsica: ${target.href} did not answer the ${m} (${response.error ?? 'no response'}); check the URL, or raise --timeout.`);
    const sent = [`${m} ${path}`, ...headers.map(([n, v]) => `${n}: ${v}`)].join('  ');
    return { sent, headers, response, got: describeGot(response) };
  };

  let preflight: ProbedRequest | undefined;
  if (reasons.length > 0) {
    const lines: HeaderLine[] = [['Origin', input.origin], ['Access-Control-Request-Method', method]];
    if (lower.length > 0) lines.push(['Access-Control-Request-Headers', lower.join(',')]);
    preflight = await probe('OPTIONS', lines);
    const passes = engines.some((engine) => browserCheck({ origin: input.origin, credentials, preflight: { method, headers: names } }, preflight!.response, engine).allowed);
    if (!passes) {
      const prediction = predictCall('engines.call', describeCall(call), call, { preflight: preflight.response }, engines, [preflight.sent]);
      return { preflightReason: reasons.join(', and '), preflight, prediction, allowed: false };
    }
  }
  if (method !== 'GET' && method !== 'HEAD' && input.send !== true) {
    // nothing to judge without the request itself: no preflight came first
    if (preflight === undefined) {
      throw new ExplainUrlError(`corsica: a ${method} without a preflight is judged on its own answer only, and sending it may change things on the server; pass --send to send it (without a body).`);
    }
    const notSent = `the ${method} itself was not sent: it may change things on the server (pass --send to send it, without a body)`;
    const prediction = predictCall('engines.call', describeCall(call), call, { preflight: preflight.response }, engines, [preflight.sent]);
    return { preflightReason: reasons.join(', and '), preflight, notSent, prediction, allowed: false };
  }
  const actual = await probe(method, [['Origin', input.origin]]);
  const prediction = predictCall(
    'engines.call',
    describeCall(call),
    call,
    { ...(preflight === undefined ? {} : { preflight: preflight.response }), actual: actual.response },
    engines,
    [...(preflight === undefined ? [] : [preflight.sent]), actual.sent],
  );
  return {
    preflightReason: reasons.length > 0 ? reasons.join(', and ') : undefined,
    ...(preflight === undefined ? {} : { preflight }),
    actual,
    prediction,
    allowed: prediction.results.every((r) => r.allowed),
  };
}

function describeCall(call: { origin: string; method: string; headers: readonly string[]; credentials: boolean }): string {
  return `${call.method}${call.headers.length > 0 ? ` with ${call.headers.join(', ')}` : ''} from ${call.origin}, ${call.credentials ? 'with credentials' : 'no credentials'}`;
}

/**
 * Renders {@link explainUrl}'s result for a terminal: the requests and answers, then per engine
 * (engines that check alike share a block) each check of the CORS check, the cache lifetime, the
 * console message when blocked, and the result.
 */
export function formatExplainUrl(result: ExplainUrlResult): string {
  const p = result.prediction;
  const out: string[] = [`What ${p.results.length === BROWSER_ENGINES.length ? 'each browser engine' : p.results.map((r) => r.engine).join(', ')} does with ${p.call.url} for a ${p.title}:`];
  if (result.preflightReason !== undefined) out.push(`The browser sends a preflight first, because ${result.preflightReason}.`);
  if (result.preflight !== undefined) out.push(`Preflight: ${result.preflight.sent}`, `  answer: ${result.preflight.got}`);
  if (result.actual !== undefined) out.push(`Request: ${result.actual.sent} (sent without cookies, body or the page's header values)`, `  answer: ${result.actual.got}`);
  else if (result.notSent !== undefined) out.push(`Request: ${result.notSent}.`);
  const blocks = new Map<string, BrowserEngine[]>();
  const render = (r: FetchPrediction): string => {
    const lines: string[] = [];
    const checks = (label: string, verdict: BrowserVerdict | undefined) => {
      if (verdict === undefined) return;
      lines.push(`  ${label}:`);
      for (const c of verdict.checks ?? []) lines.push(`    ${c.ok ? 'pass' : 'FAIL'}  ${c.header}: ${c.detail}`);
    };
    checks('preflight checks', r.preflight);
    if (r.preflightCacheSeconds !== undefined) lines.push(`  preflight cached ${r.preflightCacheSeconds} s`);
    checks('request checks', r.actual);
    return lines.join('\n');
  };
  for (const r of p.results) {
    const key = render(r);
    blocks.set(key, [...(blocks.get(key) ?? []), r.engine]);
  }
  for (const [text, engines] of blocks) {
    out.push('');
    out.push(`${engines.map((e) => ENGINE_FACTS[e].label).join(', ')}:`);
    if (text !== '') out.push(text);
    for (const e of engines) {
      const r = p.results.find((x) => x.engine === e)!;
      if (r.console !== undefined) out.push(`  ${e} console: ${r.console}`);
      if (!r.allowed && r.console !== undefined) out.push(`  ${e}: the page's fetch rejects with TypeError: ${ENGINE_FACTS[e].fetchError}`);
      for (const n of ownNotes(r)) out.push(`  ${e}: ${n}`);
    }
  }
  out.push('');
  if (p.notes.length > 0 || p.standard.allowed !== p.results.every((r) => r.allowed)) {
    out.push(`Fetch standard: ${p.standard.allowed ? 'the page gets the response' : p.notes.length > 0 ? 'blocked (see the note)' : `blocked (${p.standard.failure})`}`);
  }
  for (const n of p.notes) out.push(`Note: ${n}`);
  const allowedIn = p.results.filter((r) => r.allowed).map((r) => r.engine);
  const blockedIn = p.results.filter((r) => !r.allowed).map((r) => r.engine);
  if (result.notSent !== undefined && blockedIn.length === p.results.length && p.results.every((r) => r.preflight === undefined || r.preflight.allowed)) {
    out.push('Result: the preflight passes; the request itself was not sent, so its answer is not judged.');
  } else if (blockedIn.length === 0) out.push(`Result: the page gets the response (${allowedIn.join(', ')}).`);
  else if (allowedIn.length === 0) out.push(`Result: the browser blocks the request (${blockedIn.join(', ')}).`);
  else out.push(`Result: the engines disagree: the page gets the response in ${allowedIn.join(', ')}; ${blockedIn.join(', ')} ${blockedIn.length === 1 ? 'blocks' : 'block'} it.`);
  out.push(`Predicted by the ${ENGINE_SOURCE}.`);
  return `${out.join('\n')}\n`;
}
