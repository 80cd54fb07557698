/**
 * The public shapes of the conformance kit: the target under test, the scenarios run against it
 * and the results they produce.
 * @module
 */
import type { CorsOptions, Decision } from '@corsica/core';
import type { BrowserFailure } from '@corsica/core/adapter';

export type { BrowserFailure };

/**
 * The routes the server under test must expose. Every adapter test app and every proxy config
 * wires the same five behaviours, so one scenario list fits them all.
 */
export interface ConformanceRoutes {
  /** GET, HEAD, POST, PUT, PATCH and DELETE answer 200 with body `ok`. Default `/ok`. */
  readonly ok: string;
  /** GET makes the handler throw, so the framework answers 500. Default `/error`. */
  readonly error: string;
  /** No route here: the framework answers 404. Default `/does-not-exist`. */
  readonly notFound: string;
  /** The app's own OPTIONS route: 200 with body `app-options`. Default `/app-options`. */
  readonly appOptions: string;
  /** GET: the handler itself sets `Vary: Accept-Encoding`, body `ok`. Default `/vary`. */
  readonly vary: string;
}

/** A server to test over HTTP. */
export interface ConformanceTarget {
  /** Where the server listens, e.g. `http://127.0.0.1:34567` (no trailing path). */
  readonly baseUrl: string;
  /** The options the server under test was configured with (or their closest equivalent). */
  readonly policy: CorsOptions;
  /** Paths of the five routes, when they differ from {@link DEFAULT_ROUTES}. */
  readonly routes?: Partial<ConformanceRoutes>;
  /** Scenario ids to skip; an entry ending in `*` skips every id that starts with the rest. */
  readonly skip?: readonly string[];
  /**
   * Whether the server is held to Corsica's exact answers beyond what browsers and caches act on:
   * the configured status of an allowed preflight, 403 for a denied one, and `Vary` on preflights
   * (responses to OPTIONS are not cacheable, and browsers ignore it there). Default `true`. With
   * `false` (peers, proxies) these are reported in `notes` instead of failing the scenario.
   */
  readonly strict?: boolean;
  /** Milliseconds each request may take before it counts as unanswered. Default 5000. */
  readonly timeout?: number;
  /** How many requests are in flight at once. Default 8. */
  readonly concurrency?: number;
}

/** One request header line, as sent: the name, then the exact value. */
export type HeaderLine = readonly [name: string, value: string];

/** The request a scenario sends. Header lines are ordered and may repeat (two `Origin` lines). */
export interface ScenarioRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: readonly HeaderLine[];
}

/** Which of the {@link ConformanceRoutes} a scenario targets. */
export type RouteName = keyof ConformanceRoutes;

/**
 * What a browser would be doing when it sent the scenario's request: the page's origin, and for a
 * preflight the method and header names of the request it asks about.
 */
export interface BrowserRequest {
  /** The serialized origin of the page, which `Access-Control-Allow-Origin` must equal. */
  readonly origin: string;
  /** Credentials mode `include` (`fetch(url, { credentials: 'include' })`, `withCredentials`). */
  readonly credentials: boolean;
  /** Set when the response is a preflight's: the request the browser wants to send next. */
  readonly preflight?: {
    readonly method: string;
    /** The CORS-unsafe request header names, as listed in `Access-Control-Request-Headers`. */
    readonly headers: readonly string[];
  };
}

/** A response as the browser model reads it: header names in lower case, repeats kept. */
export interface BrowserResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | readonly string[]>>;
}

/** What the browser model concluded about a response. */
export interface BrowserVerdict {
  /** Whether the browser lets the page read the response (or, for a preflight, send the request). */
  readonly allowed: boolean;
  /** Why it was blocked, one line per failed check; empty when allowed. */
  readonly failures: readonly string[];
  /**
   * Response header names (lower case) the page's script may read besides the always-readable
   * ones, or `'*'` for all of them. Empty when blocked.
   */
  readonly exposed: '*' | readonly string[];
  /**
   * What the engine named in `browserCheck`'s third argument lets in that the Fetch standard
   * refuses, one line per case; absent when there is none.
   */
  readonly notes?: readonly string[];
  /** Each check the browser ran on the response, in its order, up to the first that failed. */
  readonly checks?: readonly BrowserCheckStep[];
  /** The check that failed, in a form an engine's console message can be chosen from; absent when allowed. */
  readonly failure?: BrowserFailure;
}

/** One check of the browser's CORS check, as `browserCheck` ran it. */
export interface BrowserCheckStep {
  /** The response header checked (`Access-Control-Allow-Origin`...), or `status` for a preflight's status. */
  readonly header: string;
  readonly ok: boolean;
  /** What the check found, in a sentence. */
  readonly detail: string;
}

/** What the browser must conclude about a scenario's response. */
export type ExpectedVerdict = 'allowed' | 'refused' | 'either';

/** What the app answers when a request reaches it. */
export interface AppAnswer {
  /** The status the route produces. */
  readonly status: number;
  /** The body the route produces, when it is checked. */
  readonly body?: string;
}

/** What a scenario expects, derived from the core (the oracle) and the route's behaviour. */
export interface ScenarioExpectation {
  /** The decision `@corsica/core` takes for the request, as the server should see it. */
  readonly decision: Decision;
  /**
   * What the browser must conclude. `allowed` and `refused` follow the oracle's decision (a public
   * policy's `*` still refuses credentials); `either` is for requests the oracle denies while
   * sending the same static headers it sends everyone (`*`, one fixed origin), so the browser may
   * be let in by them or refused.
   */
  readonly verdict: ExpectedVerdict;
  /** The app's answer when the request must reach it; `undefined` when it must not (preflights). */
  readonly app?: AppAnswer;
  /**
   * Hostile input a server may also refuse before any CORS code runs (431, 400, a closed
   * connection): any such refusal passes, a 5xx or a hang does not.
   */
  readonly hostile?: boolean;
}

/** One conformance check: a request, the browser context it models, and what must come back. */
export interface Scenario {
  /** Stable id, usable in `skip` (e.g. `preflight.method-lowercase`). */
  readonly id: string;
  /** What the scenario proves, as a sentence. */
  readonly title: string;
  /** The SPEC-NOTES section (and Fetch standard section) the scenario encodes. */
  readonly spec: string;
  readonly route: RouteName;
  readonly request: ScenarioRequest;
  /** Browser credentials mode `include`. */
  readonly credentials: boolean;
  /** The browser context, or `undefined` for requests that are not CORS (no `Origin`). */
  readonly browser?: BrowserRequest;
  readonly expect: ScenarioExpectation;
}

/** The response a scenario got. Header names are lower case; repeated lines become arrays. */
export interface ScenarioResponse {
  /** The HTTP status, or 0 when no response came (see `error`). */
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[]>>;
  readonly body: string;
  /** Why no response came: a time-out, a reset connection. */
  readonly error?: string;
  /** True when the server did not answer within the time-out (a hang, not a refusal). */
  readonly timedOut?: boolean;
}

/** The outcome of one scenario. */
export interface ScenarioResult {
  readonly id: string;
  readonly title: string;
  readonly spec: string;
  readonly pass: boolean;
  /** What is wrong, one sentence each; empty when the scenario passed. */
  readonly problems: readonly string[];
  /** Observations that do not fail the scenario (a non-403 denial when `strict` is off). */
  readonly notes: readonly string[];
  readonly request: ScenarioRequest;
  readonly response: ScenarioResponse;
}
