/**
 * Turns `policy.explain()` text into a verdict a program can compare with what the browser did.
 * Shared by the playground page (in the browser) and the end-to-end tests (in Node), so both
 * judge agreement the same way.
 *
 * explain() is written for people; its last line about the browser starts with fixed words:
 * `blocks the response`, `accepts the preflight, caches it for N s`, `lets the page read the
 * response [and the exposed headers (A, B)]` or `no CORS check happens`. A change of wording
 * makes `browserVerdict` throw, so the tests notice it.
 * @module
 */

/**
 * @typedef {{ kind: 'blocked' }
 *   | { kind: 'preflight-accepted', cacheSeconds: number }
 *   | { kind: 'readable', exposed: string[] }
 *   | { kind: 'no-cors-check' }} BrowserVerdict
 * @typedef {{ kind: string, verdict: BrowserVerdict, status?: number | undefined }} WireStep
 *   One request the server saw: its decision kind, explain's verdict for it, the status sent.
 * @typedef {{ readable: true, status: number | undefined, exposed: string[] }
 *   | { readable: false, blockedAt: 'preflight' | 'response' | 'not-sent' }} Prediction
 * @typedef {{ ok: true, status: number, headers: Record<string, string>, body: string }
 *   | { ok: false, error: { name: string, message: string } }} Observation
 *   What the page saw: `fetch` resolved (status, the headers script can read) or rejected.
 */

/**
 * Response headers scripts may always read (Fetch: CORS-safelisted response-header names).
 * @see https://fetch.spec.whatwg.org/#cors-safelisted-response-header-name
 */
export const SAFELISTED_RESPONSE_HEADERS = Object.freeze(['cache-control', 'content-language', 'content-length', 'content-type', 'expires', 'last-modified', 'pragma']);

/**
 * The browser step explain() predicts, read from its `Browser (...)` line.
 *
 * @param {string} explanation the text of `policy.explain(facts, { engine, credentials })`
 * @returns {BrowserVerdict}
 * @example
 * ```js
 * browserVerdict(policy.explain(facts, { engine: 'firefox' })); // { kind: 'blocked' }
 * ```
 */
export function browserVerdict(explanation) {
  const line = explanation.split('\n').find((text) => text.startsWith('Browser ('));
  if (line === undefined) throw new Error('corsica playground: explain() printed no "Browser (...)" line; update browserVerdict in verdict.mjs to its new format');
  const step = line.slice(line.indexOf('): ') + 3);
  if (step.startsWith('blocks the response')) return { kind: 'blocked' };
  if (step.startsWith('no CORS check happens')) return { kind: 'no-cors-check' };
  const cached = /^accepts the preflight, caches it for (\d+) s/.exec(step);
  if (cached) return { kind: 'preflight-accepted', cacheSeconds: Number(cached[1]) };
  if (step.startsWith('lets the page read the response')) {
    const listed = /and the exposed headers \(([^)]*)\)/.exec(step);
    const exposed = listed ? (listed[1] ?? '').split(',').map((name) => name.trim().toLowerCase()).filter(Boolean) : [];
    return { kind: 'readable', exposed };
  }
  throw new Error(`corsica playground: unknown browser step in explain(): ${JSON.stringify(step)}; update browserVerdict in verdict.mjs`);
}

/**
 * What the page should observe, from explain()'s verdict on each request the server saw, in
 * order: a preflight must be accepted for the actual request to count, and the actual
 * request's verdict decides whether `fetch` resolves.
 *
 * @param {readonly WireStep[]} steps
 * @returns {Prediction}
 * @example
 * ```js
 * predictOutcome([{ kind: 'preflight', verdict: { kind: 'blocked' } }]); // { readable: false, blockedAt: 'preflight' }
 * ```
 */
export function predictOutcome(steps) {
  for (const step of steps) {
    if (step.kind === 'preflight') {
      if (step.verdict.kind !== 'preflight-accepted') return { readable: false, blockedAt: 'preflight' };
      continue;
    }
    if (step.verdict.kind === 'blocked') return { readable: false, blockedAt: 'response' };
    return { readable: true, status: step.status, exposed: step.verdict.kind === 'readable' ? step.verdict.exposed : [] };
  }
  return { readable: false, blockedAt: 'not-sent' };
}

/**
 * Where the page's observation and the prediction differ; an empty list means they agree.
 * Beyond resolved-or-rejected and the status, the headers script could read must be exactly the
 * predicted exposed ones that the server sent (always-readable headers aside).
 *
 * @param {Observation} observed
 * @param {Prediction} predicted
 * @param {readonly string[]} sentHeaderNames names of the response headers the server sent
 * @returns {string[]}
 * @example
 * ```js
 * const problems = disagreements(observed, predictOutcome(steps), ['x-request-id', 'x-internal']);
 * if (problems.length > 0) console.log(problems.join('; '));
 * ```
 */
export function disagreements(observed, predicted, sentHeaderNames) {
  if (observed.ok !== predicted.readable) {
    return [predicted.readable ? `explain() predicted a readable response, the page got ${observed.ok ? 'one' : observed.error.name}` : `explain() predicted a block (${predicted.blockedAt}), the page read status ${observed.ok ? observed.status : '?'}`];
  }
  if (!observed.ok || !predicted.readable) return [];
  const problems = [];
  if (predicted.status !== undefined && observed.status !== predicted.status) problems.push(`the page read status ${observed.status}, the server sent ${predicted.status}`);
  const sent = new Set(sentHeaderNames.map((name) => name.toLowerCase()));
  const expected = predicted.exposed.filter((name) => sent.has(name)).sort();
  const readable = Object.keys(observed.headers)
    .map((name) => name.toLowerCase())
    .filter((name) => !SAFELISTED_RESPONSE_HEADERS.includes(name))
    .sort();
  if (expected.join(',') !== readable.join(',')) problems.push(`script could read [${readable.join(', ')}], explain() predicted [${expected.join(', ')}]`);
  return problems;
}
