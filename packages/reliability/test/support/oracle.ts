/**
 * What must hold for every answer to a fuzzed request, judged from the bytes on the wire and
 * independently of the core: no hang, no 5xx, well-formed header lines, and CORS headers that
 * only ever let in what the policy allows.
 */
import type { Exchange, RawResponse } from './raw-http.js';
import { headerValues } from './raw-http.js';
import type { FuzzRequest } from './fuzz-requests.js';
import { lineValues } from './requests.js';
import { ALLOWED_METHODS, ALLOWED_ORIGINS, OK_PATH } from './scenarios.js';

/** The two policies the fuzz runs against. */
export type FuzzPolicy = 'public' | 'credentialed';

/**
 * Methods the Fetch standard forbids (`new Request()` throws on them): a fetch-handler runtime
 * refuses such a request before any handler runs, so no CORS decision is made for it.
 */
export const FETCH_FORBIDDEN_METHODS: ReadonlySet<string> = new Set(['CONNECT', 'TRACE', 'TRACK']);

/** How to judge: the policy the server runs, and what never reaches its CORS middleware. */
export interface Judging {
  readonly policy: FuzzPolicy;
  readonly timeoutMs: number;
  /** Methods the adapter's runtime refuses before the middleware (the fetch adapter's bridge). */
  readonly refusedMethods?: ReadonlySet<string>;
}

/** The answer, summarized for the report. */
export interface Verdict {
  readonly violations: readonly string[];
  /** The status, or `undefined` when the server closed without answering. */
  readonly status?: number;
  /** Whether the answer let the origin in (an ACAO line). */
  readonly allowed: boolean;
}

const CONTROL = /[\0\r\n]/;
// safelisted methods need no Access-Control-Allow-Methods entry, so a preflight for them passes
const PREFLIGHT_METHODS = new Set(['GET', 'HEAD', 'POST', ...ALLOWED_METHODS]);

function isCorsHeader(name: string): boolean {
  const n = name.toLowerCase();
  return n.startsWith('access-control-') || n === 'corsica-debug' || n === 'vary';
}

/** Violations of the CORS properties in one response. */
function checkResponse({ policy, refusedMethods }: Judging, request: FuzzRequest, response: RawResponse): string[] {
  const out: string[] = [];
  if (response.status >= 500) out.push(`status ${response.status}: a CORS request turned into a server error`);
  for (const line of response.malformed) out.push(`malformed response header line ${JSON.stringify(line.slice(0, 200))}`);
  for (const [name, value] of response.headers) {
    if (isCorsHeader(name) && CONTROL.test(value)) out.push(`${name} holds CR, LF or NUL: ${JSON.stringify(value.slice(0, 200))}`);
  }
  const acao = headerValues(response, 'access-control-allow-origin');
  const acac = headerValues(response, 'access-control-allow-credentials');
  const origins = lineValues(request, 'origin');
  if (acao.length > 1) out.push(`${acao.length} Access-Control-Allow-Origin lines: ${JSON.stringify(acao)}`);
  const [allowOrigin] = acao;
  if (allowOrigin !== undefined) {
    if (policy === 'public' && allowOrigin !== '*') out.push(`public policy sent Access-Control-Allow-Origin ${JSON.stringify(allowOrigin)}, not *`);
    if (policy === 'credentialed') {
      if (!ALLOWED_ORIGINS.includes(allowOrigin)) out.push(`Access-Control-Allow-Origin ${JSON.stringify(allowOrigin.slice(0, 200))} is not an allowed origin`);
      else if (origins.length !== 1 || origins[0] !== allowOrigin) out.push(`Access-Control-Allow-Origin ${JSON.stringify(allowOrigin)} does not echo the request's one Origin (${JSON.stringify(origins.map((o) => o.slice(0, 100)))})`);
    }
  }
  if (policy === 'public' && acac.length > 0) out.push(`public policy sent Access-Control-Allow-Credentials ${JSON.stringify(acac)}`);
  if (policy === 'credentialed' && acac.length > 0 && (acac.length !== 1 || acac[0] !== 'true' || allowOrigin === undefined)) {
    out.push(`Access-Control-Allow-Credentials ${JSON.stringify(acac)} without exactly one allowed origin`);
  }
  if (allowOrigin === undefined) {
    // a denial carries no allow header of any kind
    const granted = response.headers.filter(([n]) => /^access-control-(allow|expose|max-age)/i.test(n)).map(([n]) => n);
    if (granted.length > 0) out.push(`denied, yet sent ${granted.join(', ')}`);
  }
  // the rest is about what the middleware must do, for requests it saw
  if (refusedMethods?.has(request.method)) return out;
  if (policy === 'credentialed') {
    // the answer depends on Origin, so every answer must say so, or a shared cache hands one
    // origin's answer to another (Fetch standard, "CORS protocol and HTTP caches")
    const vary = headerValues(response, 'vary').flatMap((v) => v.split(',')).map((v) => v.trim().toLowerCase());
    if (!vary.includes('origin') && !vary.includes('*')) out.push(`no Vary: Origin on a ${response.status} answer (Vary: ${JSON.stringify(headerValues(response, 'vary'))})`);
  }
  out.push(...checkLiveness(policy, request, response, allowOrigin));
  return out;
}

/** An allowed origin must still get in: the fuzz would otherwise pass a server that denies everything. */
function checkLiveness(policy: FuzzPolicy, request: FuzzRequest, response: RawResponse, allowOrigin: string | undefined): string[] {
  const origins = lineValues(request, 'origin');
  if (origins.length !== 1 || !ALLOWED_ORIGINS.includes(origins[0]!)) return [];
  const expected = policy === 'public' ? '*' : origins[0]!;
  const requestMethods = lineValues(request, 'access-control-request-method');
  const isPreflight = request.method === 'OPTIONS' && requestMethods.length > 0;
  if (!isPreflight) {
    return allowOrigin === expected ? [] : [`an actual request from allowed origin ${expected} got Access-Control-Allow-Origin ${JSON.stringify(allowOrigin)}`];
  }
  const simple = requestMethods.length === 1 && PREFLIGHT_METHODS.has(requestMethods[0]!) && lineValues(request, 'access-control-request-headers').length === 0;
  if (!simple || !request.path.startsWith(OK_PATH)) return [];
  if (response.status < 200 || response.status > 299 || allowOrigin !== expected) {
    return [`an allowed preflight (${requestMethods[0]}) got ${response.status} with Access-Control-Allow-Origin ${JSON.stringify(allowOrigin)}`];
  }
  return [];
}

/**
 * Judges one exchange of a fuzzed request.
 *
 * @example
 * ```ts
 * const verdict = judge({ policy: 'credentialed', timeoutMs: 10_000 }, request, await exchange(port, bytes, [request.method], options));
 * expect(verdict.violations).toEqual([]);
 * ```
 */
export function judge(judging: Judging, request: FuzzRequest, exchange: Exchange): Verdict {
  const { timeoutMs } = judging;
  if (exchange.timedOut) return { violations: [`no end of the exchange within ${timeoutMs} ms: the server hangs`], allowed: false };
  const [response] = exchange.responses;
  if (!request.parserValid) {
    // Node's parser refuses the request line (400) and may reset the connection before the
    // client reads that answer; either way no app code ran. It must still never be a 5xx.
    if (response === undefined) return { violations: [], allowed: false };
    const violations = response.status >= 400 && response.status < 500 ? [] : [`a request Node's parser refuses got ${response.status}`];
    return { violations, status: response.status, allowed: false };
  }
  if (response === undefined) {
    return { violations: [`no response (${exchange.parseError ?? 'closed'}${exchange.socketError === undefined ? '' : `, ${exchange.socketError}`})`], allowed: false };
  }
  const violations = checkResponse(judging, request, response);
  if (exchange.parseError !== undefined) violations.push(`bad framing: ${exchange.parseError}`);
  return { violations, status: response.status, allowed: headerValues(response, 'access-control-allow-origin').length > 0 };
}
