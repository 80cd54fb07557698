/**
 * Real-browser truth: every scenario of `scenarios.ts`, against every adapter, in Chromium,
 * Firefox and WebKit. For each, the page's own observation (fetch resolved or rejected, status,
 * readable headers) is checked against what the scenario says a person would see, and against
 * the predictions made for that engine from the requests the server actually received and the
 * headers it sent: the conformance kit's browser model (`browserCheck(..., engine)`, all three
 * engines) and `policy.explain()` (Chromium and Firefox: explain() has no WebKit yet).
 */
import { browserCheck, preflightCacheSeconds } from '@corsica/conformance';
import type { BrowserResponse } from '@corsica/conformance';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ADAPTER_NAMES } from '../playground/adapters.mjs';
import { startApi } from '../playground/api.mjs';
import type { RunningApi, TraceEntry } from '../playground/api.mjs';
import { playgroundConfig, startPage } from '../playground/page.mjs';
import type { RunningPage } from '../playground/page.mjs';
import { exampleById } from '../playground/public/examples.mjs';
import { withTrace } from '../playground/public/probe.mjs';
import type { ProbeRequest, ProbeResult } from '../playground/public/probe.mjs';
import { browserVerdict, disagreements, predictOutcome } from '../playground/public/verdict.mjs';
import type { BrowserVerdict } from '../playground/public/verdict.mjs';
import { testCertificate } from '../playground/tls.mjs';
import { SCENARIOS } from './scenarios.js';
import type { Scenario } from './scenarios.js';
import { TEST_HOSTS, launchEngine, missingEngine } from './support/browsers.js';
import type { Engine, EngineName, Session } from './support/browsers.js';

const ENGINES: readonly EngineName[] = ['chromium', 'firefox', 'webkit'];
/** The engines explain() speaks for, with the word it uses on its `Browser (...)` line. */
const ENGINE_WORD: Record<EngineName, string> = { chromium: 'Chrome', firefox: 'Firefox', webkit: 'Safari (WebKit)' };

/** Scenario runs where every prediction for the engine agreed with the browser, per engine. */
const tally = { agreed: 0, total: 0, expected: 0, problems: [] as string[], byEngine: new Map<EngineName, { agreed: number; total: number }>() };

let sameSitePage: RunningPage;
let crossSitePage: RunningPage;
const apis = new Map<string, { http: RunningApi; https: RunningApi }>();

beforeAll(async () => {
  // /boom throws on purpose; the frameworks log it, which is expected here
  const log = console.error.bind(console);
  vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
    if (!args.some((arg) => String(arg instanceof Error ? arg.message : arg).includes('throws on purpose'))) log(...args);
  });
  const tls = testCertificate(TEST_HOSTS);
  let config: unknown = {};
  sameSitePage = await startPage({ config: () => config });
  crossSitePage = await startPage({ tls, config: () => config });
  const pageOrigins = [sameSitePage.url('localhost'), crossSitePage.url('app.test')];
  for (const adapter of ADAPTER_NAMES) {
    apis.set(adapter, { http: await startApi({ adapter, pageOrigins }), https: await startApi({ adapter, pageOrigins, tls }) });
  }
  config = playgroundConfig({ adapter: 'express', apiPort: apis.get('express')!.http.port, pageOrigins });
});

afterAll(async () => {
  await Promise.all([...apis.values()].flatMap(({ http, https }) => [http.close(), https.close()]));
  await Promise.all([sameSitePage?.close(), crossSitePage?.close()]);
  vi.restoreAllMocks();
});

interface StepRun {
  readonly label: string;
  readonly observed: ProbeResult;
  readonly entries: readonly TraceEntry[];
  /** The CORS errors the browser logged for this request. */
  readonly console: readonly string[];
}

/** Sends every step of a scenario from the page, collecting what the page and the server saw. */
async function runSteps(session: Session, engine: EngineName, adapter: string, scenario: Scenario): Promise<StepRun[]> {
  const pair = apis.get(adapter)!;
  const api = scenario.site === 'cross-site' ? pair.https : pair.http;
  const apiBase = api.url(scenario.site === 'cross-site' ? 'api.test' : 'localhost');
  const runs: StepRun[] = [];
  for (const [index, step] of scenario.steps.entries()) {
    const example = exampleById(step.example);
    const traceId = `${engine}-${adapter}-${scenario.id}-${scenario.sameUrl ? 0 : index}`;
    const before = api.trace(traceId).length;
    const request: ProbeRequest = {
      url: withTrace(`${apiBase}/${example.preset}${example.path}`, traceId),
      method: example.method,
      headers: example.headers,
      body: example.body,
      credentials: example.credentials,
    };
    const observed = await session.evaluate<ProbeResult>(`globalThis.corsicaProbe(${JSON.stringify(request)})`);
    const logged = await session.takeCorsMessages(observed.ok ? 0 : 2000);
    runs.push({ label: `step ${index + 1}, ${example.method} ${example.path}`, observed, entries: api.trace(traceId).slice(before), console: logged });
  }
  return runs;
}

/**
 * Where explain() and the browser disagree on a scenario (empty: they agree). explain() is run
 * on the facts of each request as the server received it, with the engine and credentials mode
 * of the page's fetch. Console wording is checked apart (see `wordingProblems`).
 */
function explainDisagreements(engine: EngineName, adapter: string, scenario: Scenario, runs: readonly StepRun[]): string[] {
  const api = apis.get(adapter)![scenario.site === 'cross-site' ? 'https' : 'http'];
  const problems: string[] = [];
  let cachedPreflight: BrowserVerdict | undefined;
  for (const [index, run] of runs.entries()) {
    const example = exampleById(scenario.steps[index]!.example);
    const policy = api.policies.get(example.preset)!;
    const steps = run.entries.map((entry) => {
      const explanation = policy.explain(entry.facts, { engine, credentials: example.credentials === 'include', url: entry.href });
      if (!explanation.includes(`\nBrowser (${ENGINE_WORD[engine]}): `)) problems.push(`${run.label}: explain() did not speak for ${ENGINE_WORD[engine]}`);
      return { kind: policy.decide(entry.facts).kind, status: entry.status, verdict: browserVerdict(explanation), explanation };
    });
    const actual = run.entries.find((entry) => policy.decide(entry.facts).kind !== 'preflight');
    const sent = (actual?.responseHeaders ?? []).map(([name]) => name);
    problems.push(...disagreements(run.observed, predictOutcome(steps), sent).map((problem) => `${run.label}: ${problem}`));
    // The same request again, to the same URL: explain() said whether the preflight is cached.
    const preflight = steps.find((step) => step.kind === 'preflight');
    if (scenario.sameUrl && index > 0 && cachedPreflight !== undefined) {
      const predictedPreflight = !(cachedPreflight.kind === 'preflight-accepted' && cachedPreflight.cacheSeconds > 0);
      if (predictedPreflight !== (preflight !== undefined)) problems.push(`${run.label}: explain() predicted ${predictedPreflight ? 'a new' : 'no'} preflight, the browser sent ${preflight ? 'one' : 'none'}`);
    }
    if (preflight !== undefined) cachedPreflight = preflight.verdict;
    const blocking = steps.find((step) => step.verdict.kind === 'blocked');
    // WebDriver cannot read WebKit's console: its wording is measured apart (engines.test.ts)
    if (!run.observed.ok && blocking !== undefined && engine !== 'webkit') wording.push({ engine, label: `${adapter} ${scenario.id} ${run.label}`, explanation: blocking.explanation, console: run.console });
  }
  return problems;
}

/** The response a trace entry recorded, as the browser model reads it (names lower-cased, repeats kept). */
function tracedResponse(entry: TraceEntry): BrowserResponse {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of entry.responseHeaders ?? []) {
    const key = name.toLowerCase();
    const had = headers[key];
    headers[key] = had === undefined ? value : [...(Array.isArray(had) ? had : [had]), value];
  }
  return { status: entry.status ?? 200, headers };
}

const single = (value: unknown): string | undefined => (typeof value === 'string' ? value : Array.isArray(value) ? value.join(', ') : undefined);

/**
 * Where the conformance kit's model of `engine` and the browser disagree on a scenario (empty:
 * they agree). The model judges the headers each request really got, so it predicts any server.
 */
function modelDisagreements(engine: EngineName, scenario: Scenario, runs: readonly StepRun[]): string[] {
  const problems: string[] = [];
  let cachedSeconds: number | undefined;
  for (const [index, run] of runs.entries()) {
    const credentials = exampleById(scenario.steps[index]!.example).credentials === 'include';
    const steps = run.entries.map((entry) => {
      const origin = single(entry.facts.origin) ?? '';
      const response = tracedResponse(entry);
      const requestMethod = single(entry.facts.requestMethod);
      if (entry.method === 'OPTIONS' && requestMethod !== undefined) {
        const headers = (single(entry.facts.requestHeaders) ?? '').split(',').map((name) => name.trim().toLowerCase()).filter(Boolean);
        const verdict = browserCheck({ origin, credentials, preflight: { method: requestMethod, headers } }, response, engine);
        const maxAge = single(response.headers['access-control-max-age']);
        return { kind: 'preflight', status: entry.status, verdict: verdict.allowed ? { kind: 'preflight-accepted' as const, cacheSeconds: preflightCacheSeconds(maxAge, engine) } : { kind: 'blocked' as const } };
      }
      const verdict = browserCheck({ origin, credentials }, response, engine);
      const exposed = verdict.exposed === '*' ? Object.keys(response.headers) : [...verdict.exposed];
      return { kind: 'actual', status: entry.status, verdict: verdict.allowed ? { kind: 'readable' as const, exposed } : { kind: 'blocked' as const } };
    });
    const actual = run.entries.find((entry) => !(entry.method === 'OPTIONS' && entry.facts.requestMethod !== undefined));
    const sent = (actual?.responseHeaders ?? []).map(([name]) => name);
    problems.push(...disagreements(run.observed, predictOutcome(steps), sent).map((problem) => `${run.label}: the ${engine} model: ${problem}`));
    const preflight = steps.find((step) => step.kind === 'preflight');
    if (scenario.sameUrl && index > 0 && cachedSeconds !== undefined) {
      const predictedPreflight = cachedSeconds === 0;
      if (predictedPreflight !== (preflight !== undefined)) problems.push(`${run.label}: the ${engine} model predicted ${predictedPreflight ? 'a new' : 'no'} preflight, the browser sent ${preflight ? 'one' : 'none'}`);
    }
    if (preflight !== undefined) cachedSeconds = preflight.verdict.kind === 'preflight-accepted' ? preflight.verdict.cacheSeconds : 0;
  }
  return problems;
}

/**
 * Console wording: for every blocked request, the message explain() quotes must be one the
 * browser logged. Compared after the differences of typography only: Firefox's curly quotes,
 * the quotes it sometimes puts around the URL, the `Status code: N.` it appends, and any advice
 * Chromium adds after the message.
 */
const wording: Array<{ engine: EngineName; label: string; explanation: string; console: readonly string[] }> = [];

/**
 * Where explain()'s console message is known to differ from the browser's (a core wording to
 * fix). Each is asserted to still differ, so fixing the core fails this list until it is updated.
 */
const KNOWN_WORDING_GAPS: ReadonlyArray<{ engine: EngineName; explainSays: string; browserSays: string }> = [];

function normalizeConsole(text: string): string {
  return text
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/ at '(\S+)'\. /, ' at $1. ')
    .replace(/ Status code: [^.]*\.$/, '')
    .trim();
}

/** The message explain() quotes on its browser line. */
function quotedConsole(explanation: string): string | undefined {
  const line = explanation.split('\n').find((text) => text.startsWith('Browser ('));
  const start = line?.indexOf('Console: "') ?? -1;
  const end = line?.lastIndexOf('"') ?? -1;
  return line !== undefined && start >= 0 && end > start + 10 ? line.slice(start + 10, end) : undefined;
}

function wordingProblems(): { matched: number; gaps: number; problems: string[] } {
  let matched = 0;
  let gaps = 0;
  const problems: string[] = [];
  for (const { engine, label, explanation, console: logged } of wording) {
    const quoted = quotedConsole(explanation);
    if (quoted === undefined) {
      problems.push(`${engine} ${label}: explain() quotes no console message`);
      continue;
    }
    const want = normalizeConsole(quoted);
    const found = logged.map(normalizeConsole).some((line) => line.startsWith(want));
    const gap = KNOWN_WORDING_GAPS.find((known) => known.engine === engine && want.includes(known.explainSays));
    if (gap !== undefined) {
      gaps++;
      if (found) problems.push(`${engine} ${label}: the known wording gap "${gap.explainSays}" is fixed; remove it from KNOWN_WORDING_GAPS`);
      else if (!logged.some((line) => normalizeConsole(line).includes(gap.browserSays))) problems.push(`${engine} ${label}: ${engine} no longer says "${gap.browserSays}": ${logged.join(' | ')}`);
    } else if (found) {
      matched++;
    } else {
      problems.push(`${engine} ${label}: explain() quotes "${quoted}", ${engine} logged ${logged.length === 0 ? 'nothing' : logged.map((line) => `"${line}"`).join(' and ')}`);
    }
  }
  return { matched, gaps, problems };
}

/** Checks the page's observations and the server's record against what the scenario says. */
function expectScenario(engine: EngineName, adapter: string, scenario: Scenario, runs: readonly StepRun[]): void {
  const bodies: string[] = [];
  for (const [index, run] of runs.entries()) {
    const step = scenario.steps[index]!;
    const { observed } = run;
    if (step.expect.readable) {
      expect(observed, run.label).toMatchObject({ ok: true, status: step.expect.status });
      if (!observed.ok) continue;
      if (step.expect.body) expect(observed.body, run.label).toMatch(step.expect.body);
      for (const [name, want] of Object.entries(step.expect.headers ?? {})) {
        if (want === null) expect(observed.headers, `${run.label}: ${name} must not be readable`).not.toHaveProperty(name);
        else expect(observed.headers[name], `${run.label}: ${name}`).toMatch(want);
      }
      bodies.push(observed.body);
    } else {
      expect(observed, run.label).toMatchObject({ ok: false, error: { name: 'TypeError' } });
    }
    const preflights = run.entries.filter((entry) => entry.method === 'OPTIONS');
    const wire = { preflight: preflights.length > 0, actual: run.entries.length > preflights.length };
    expect(wire, `${run.label}: what reached the server`).toEqual(step.wire);
    expect(preflights.length, `${run.label}: preflights`).toBeLessThanOrEqual(1);
  }
  scenario.check?.(bodies, adapter, engine);
}

for (const engineName of ENGINES) {
  const missing = missingEngine(engineName);
  if (missing !== undefined) console.warn(missing);
  else tally.expected += ADAPTER_NAMES.length * SCENARIOS.length;

  describe.skipIf(missing !== undefined)(`in ${engineName}`, () => {
    let engine: Engine | undefined;
    beforeAll(async () => {
      engine = await launchEngine(engineName);
    });
    afterAll(async () => {
      await engine?.close();
    });

    describe.each(ADAPTER_NAMES)('against @corsica/%s', (adapter) => {
      let session: Session | undefined;
      let at = '';
      beforeAll(async () => {
        session = await engine!.newSession();
        at = '';
      });
      afterAll(async () => {
        await session?.close();
      });

      it.each(SCENARIOS.map((scenario) => [scenario.title, scenario] as const))('%s', async (_title, scenario) => {
        const page = scenario.site === 'cross-site' ? crossSitePage.url('app.test') : sameSitePage.url('localhost');
        if (at !== page) {
          await session!.goto(`${page}/`);
          at = page;
        }
        const runs = await runSteps(session!, engineName, adapter, scenario);
        const problems = modelDisagreements(engineName, scenario, runs);
        problems.push(...explainDisagreements(engineName, adapter, scenario, runs));
        const counts = tally.byEngine.get(engineName) ?? { agreed: 0, total: 0 };
        tally.byEngine.set(engineName, counts);
        tally.total++;
        counts.total++;
        if (problems.length === 0) {
          tally.agreed++;
          counts.agreed++;
        } else tally.problems.push(...problems.map((problem) => `${engineName} ${adapter} ${scenario.id} ${problem}`));
        expectScenario(engineName, adapter, scenario, runs);
        expect(problems, 'the predictions for this engine against the browser').toEqual([]);
      });
    });
  });
}

describe('predictions against real browsers', () => {
  it('agree with Chromium, Firefox and WebKit on every scenario and adapter', () => {
    const perEngine = [...tally.byEngine].map(([name, { agreed, total }]) => `${name} ${agreed}/${total}`).join(', ');
    console.log(`browser agreement: ${tally.agreed}/${tally.total} (${perEngine}; every engine judged by explain() and by the conformance kit's model)`);
    for (const problem of tally.problems) console.log(`  disagreement: ${problem}`);
    expect(tally.total, 'scenario runs').toBe(tally.expected);
    expect(tally.agreed).toBe(tally.total);
  });

  it('quotes the console message each browser logged for every blocked request', () => {
    const { matched, gaps, problems } = wordingProblems();
    console.log(`console wording: ${matched}/${wording.length - gaps} blocked requests quoted exactly, ${gaps} known gap${gaps === 1 ? '' : 's'} (KNOWN_WORDING_GAPS)`);
    expect(wording.length, 'blocked requests seen').toBeGreaterThan(0);
    expect(problems).toEqual([]);
  });
});
