/**
 * What each browser engine does with a server's real answers, for `corsica audit` and
 * `corsica explain --url`: the conformance kit's model (`predictFetch`, `browserCheck`,
 * `ENGINE_FACTS`) applied to responses the CLI received, and rendered for a terminal.
 * @module
 */
import { BROWSER_ENGINES, ENGINE_FACTS, ENGINES_MEASURED, browserCheck, needsPreflight, predictFetch } from '@corsica/conformance';
import type { BrowserEngine, BrowserResponse, FetchCall, FetchPrediction } from '@corsica/conformance';

export type { BrowserEngine } from '@corsica/conformance';

/**
 * Reads `--engine`: one engine, `all`, or a comma-separated list. `undefined` when a name is not
 * an engine.
 *
 * @example
 * ```ts
 * parseEngines('all'); // ['chromium', 'firefox', 'webkit']
 * parseEngines('webkit,chromium'); // ['chromium', 'webkit']
 * ```
 */
export function parseEngines(value: string): BrowserEngine[] | undefined {
  const names = value.split(',').map((v) => v.trim().toLowerCase()).filter((v) => v !== '');
  if (names.length === 0) return undefined;
  if (names.includes('all')) return [...BROWSER_ENGINES];
  if (!names.every((n) => (BROWSER_ENGINES as readonly string[]).includes(n))) return undefined;
  return BROWSER_ENGINES.filter((e) => names.includes(e));
}

/** The Fetch standard's verdict on a call, for comparison with the engines'. */
export interface StandardVerdict {
  readonly allowed: boolean;
  /** The failed check, in the model's words, when blocked. */
  readonly failure?: string;
}

/** One `fetch()` call and what each engine does with the server's answers to it. */
export interface CallPrediction {
  /** Stable id of the kind of call: `engines.get`, `engines.authorization`, `engines.preflight-cache`, `engines.call`. */
  readonly id: string;
  /** The call in words, e.g. "GET with Authorization from https://app.example.com, no credentials". */
  readonly title: string;
  readonly call: FetchCall;
  /** The requests whose answers were judged, as sent. */
  readonly sent: readonly string[];
  /** What the Fetch standard says. */
  readonly standard: StandardVerdict;
  /** Per engine, in the order asked for. */
  readonly results: readonly FetchPrediction[];
  /** Whether every engine asked for reaches the same verdict with the same preflight cache lifetime. */
  readonly agree: boolean;
  /** Said once for all engines: where they part from the Fetch standard. */
  readonly notes: readonly string[];
}

/** Where the engine facts come from, quoted under every prediction. */
export const ENGINE_SOURCE = `engine model of @corsica/conformance, backed by the engine matrix of packages/e2e, measured ${ENGINES_MEASURED.date} in ${ENGINES_MEASURED.builds}`;

const AUTH_NOTE_START = ' lets Access-Control-Allow-Headers: * cover Authorization';

function standardVerdict(call: FetchCall, answers: { preflight?: BrowserResponse; actual?: BrowserResponse }): StandardVerdict {
  const request = { origin: call.origin, credentials: call.credentials };
  if (needsPreflight(call) && answers.preflight !== undefined) {
    const pre = browserCheck({ ...request, preflight: { method: call.method, headers: call.headers } }, answers.preflight);
    if (!pre.allowed) return { allowed: false, failure: pre.failures[0] ?? '' };
  }
  if (answers.actual === undefined) return { allowed: false, failure: 'the request itself was not sent' };
  const actual = browserCheck(request, answers.actual);
  return actual.allowed ? { allowed: true } : { allowed: false, failure: actual.failures[0] ?? '' };
}

/**
 * Predicts a call in each engine from the server's answers, with the Fetch standard's verdict
 * beside them and the notes all engines share said once.
 */
export function predictCall(
  id: string,
  title: string,
  call: FetchCall,
  answers: { readonly preflight?: BrowserResponse; readonly actual?: BrowserResponse },
  engines: readonly BrowserEngine[],
  sent: readonly string[],
): CallPrediction {
  const results = engines.map((engine) => predictFetch(call, answers, engine));
  const standard = standardVerdict(call, answers);
  const notes: string[] = [];
  const covering = results.filter((r) => r.notes.some((n) => n.includes(AUTH_NOTE_START)));
  if (covering.length > 0) {
    const who = covering.map((r) => ENGINE_FACTS[r.engine].label.replace(/ \(.*\)$/, ''));
    notes.push(
      `${who.join(', ').replace(/, ([^,]*)$/, ' and $1')} let Access-Control-Allow-Headers: * cover Authorization on a request without credentials (measured ${ENGINES_MEASURED.date}); the Fetch standard says * never covers Authorization (https://fetch.spec.whatwg.org/#cors-non-wildcard-request-header-name, whatwg/fetch#1919 open), so a browser that follows it would block. List Authorization by name.`,
    );
  }
  const key = (r: FetchPrediction) => `${r.allowed}/${r.preflightCacheSeconds ?? '-'}`;
  const agree = new Set(results.map(key)).size <= 1;
  return { id, title, call, sent, standard, results, agree, notes };
}

/** The per-engine notes that are not the shared ones (the cap, cookies); the shared one is said once, in {@link CallPrediction.notes}. */
export function ownNotes(r: FetchPrediction): string[] {
  return r.notes.filter((n) => !n.includes(AUTH_NOTE_START));
}

function outcome(r: FetchPrediction, preflighted: boolean): string {
  const cache = r.preflightCacheSeconds === undefined ? '' : `preflight passes (cached ${r.preflightCacheSeconds} s), `;
  if (r.allowed) return preflighted ? `${cache}the request goes ahead and the page reads the response` : 'the page reads the response';
  if (r.preflight !== undefined && !r.preflight.allowed) return 'BLOCKED at the preflight: the request itself is never sent';
  if (r.actual === undefined) return `preflight passes, cached ${r.preflightCacheSeconds ?? 5} s (the request itself is not judged here)`;
  return `${preflighted ? cache : ''}BLOCKED: the request reached the server, but the page cannot read the response`;
}

/**
 * Renders predictions for a terminal: per call, the engines that behave alike on one line, each
 * blocked engine's console message, each engine's own notes (each said once, at its first call),
 * then the notes all share.
 */
export function formatPredictions(calls: readonly CallPrediction[], indent = ''): string[] {
  const out: string[] = [];
  const said = new Set<string>();
  for (const c of calls) {
    const preflighted = needsPreflight(c.call);
    out.push(`${indent}${c.title}  [${c.id}]`);
    out.push(`${indent}  sent: ${c.sent.join('; then ')}`);
    const groups = new Map<string, BrowserEngine[]>();
    for (const r of c.results) {
      const line = outcome(r, preflighted);
      groups.set(line, [...(groups.get(line) ?? []), r.engine]);
    }
    const width = Math.max(...[...groups.values()].map((g) => g.join(', ').length));
    for (const [line, engines] of groups) out.push(`${indent}  ${engines.join(', ').padEnd(width)}  ${line}`);
    for (const r of c.results) {
      if (r.console !== undefined) out.push(`${indent}  ${r.engine} console: ${r.console}`);
      for (const n of ownNotes(r)) {
        const line = `${r.engine}: ${n}`;
        if (!said.has(line)) out.push(`${indent}  ${line}`);
        said.add(line);
      }
    }
    if (c.standard.allowed !== c.results.every((r) => r.allowed) || c.notes.length > 0) {
      out.push(`${indent}  Fetch standard: ${c.standard.allowed ? 'the page reads the response' : c.notes.length > 0 ? 'blocked (see the note)' : `blocked (${c.standard.failure})`}`);
    }
    for (const n of c.notes) out.push(`${indent}  note: ${n}`);
  }
  return out;
}
