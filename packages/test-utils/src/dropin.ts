/**
 * The drop-in fixtures every adapter shares: the origins of the tutorials' configurations (issue
 * 10) and the behaviour a migrated app must keep, checked over real HTTP against the adapter's
 * own test app (the routes of `adapter-suite.ts`, `/decision` included).
 * @module
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CorsConfigError } from '@corsica/core';
import type { ConfigWarning, CorsOptions, DecisionReason, ErrorContext } from '@corsica/core';
import { send } from './http.js';
import type { Started, TestRequest } from './http.js';
import type { TestApp } from './adapter-suite.js';
import { expectVary, preflight } from './adapter-suite.js';

/** The production site of the tutorials' allowlists. */
export const SITE = 'https://www.example.com';
/** A second production origin. */
export const ADMIN_SITE = 'https://admin.example.com';
/** A deploy-preview host written out exactly, as tutorials list `*.netlify.app` sites. */
export const NETLIFY_SITE = 'https://corsica-demo.netlify.app';
/** The local development server of the tutorials. */
export const LOCAL_DEV = 'http://localhost:3000';
/** An origin no fixture allows. */
export const STRANGER = 'https://stranger.example.net';

/** What one tutorial configuration must keep doing once it runs through Corsica. */
export interface DropInFixture {
  /** Origins the configuration lists. */
  readonly allowed: readonly string[];
  /** Origins it does not list (a near miss of a listed one is a good choice). */
  readonly denied: readonly string[];
  /** Whether allowed answers carry `Access-Control-Allow-Credentials: true`. */
  readonly credentials: boolean;
  /** A preflight every allowed origin passes, and the headers (besides ACAO/ACAC) it must get. */
  readonly preflight: {
    readonly method: string;
    readonly requestHeaders?: string;
    readonly status?: 200 | 204;
    readonly headers: Readonly<Record<string, string>>;
  };
  /**
   * The decision reason of a denied origin, as the app sees it on `/decision`:
   * `origin-callback-error` when the tutorial's callback answered `new Error(...)`.
   */
  readonly deniedReason: DecisionReason;
  /** One fixed origin: every answer carries that ACAO (never the caller's), and no `Vary: Origin`. */
  readonly fixedOrigin?: string;
}

/**
 * Registers the behaviour of one migrated configuration: allowlisted origins pass with the
 * headers the browser needs, other origins get no CORS headers that let them in and the app's
 * normal answer, requests without Origin pass, preflights answer 204 (403 when denied).
 *
 * @example
 * ```ts
 * describeDropIn('config 2: an origin array', () => startApp(version, peerOptions), {
 *   allowed: [SITE, ADMIN_SITE], denied: [STRANGER], credentials: false, deniedReason: 'origin-not-allowed',
 *   preflight: { method: 'PATCH', requestHeaders: 'content-type', headers: { 'access-control-allow-methods': 'PATCH' } },
 * });
 * ```
 */
export function describeDropIn(name: string, start: () => Promise<TestApp>, fixture: DropInFixture): void {
  describe(name, () => {
    let app: TestApp;
    beforeAll(async () => {
      app = await start();
    });
    afterAll(() => app.close());
    const allowCredentials: Record<string, string> = fixture.credentials ? { 'access-control-allow-credentials': 'true' } : {};
    const vary = fixture.fixedOrigin === undefined ? ['Origin'] : [];

    it.each(fixture.allowed)('lets %s read the answer: ACAO echoes it, with the credentials header when configured', async (origin) => {
      const res = await send(app.baseUrl, { method: 'GET', path: '/ok', headers: [['Origin', origin]] });
      expect(res.status).toBe(200);
      expect(res.body).toBe('ok');
      expect(res.header('access-control-allow-origin')).toBe(origin);
      expect(res.header('access-control-allow-credentials')).toBe(allowCredentials['access-control-allow-credentials']);
      expectVary(res, vary);
    });

    it.each(fixture.allowed)('answers the preflight of %s itself with the headers the browser needs', async (origin) => {
      const { method, requestHeaders, status = 204, headers } = fixture.preflight;
      const before = app.counts.handler;
      const res = await send(app.baseUrl, { method: 'OPTIONS', path: '/ok', headers: preflight(origin, method, requestHeaders) });
      expect(res.status).toBe(status);
      expect(res.body).toBe('');
      expect(res.cors).toMatchObject({ 'access-control-allow-origin': origin, ...allowCredentials, ...headers });
      expect(app.counts.handler).toBe(before);
    });

    it.each(fixture.denied)('gives %s no CORS header that lets it in, and the app’s normal answer', async (origin) => {
      const res = await send(app.baseUrl, { method: 'GET', path: '/ok', headers: [['Origin', origin]] });
      expect(res.status).toBe(200);
      expect(res.body).toBe('ok');
      if (fixture.fixedOrigin === undefined) expect(res.cors).toEqual({});
      else expect(res.header('access-control-allow-origin')).toBe(fixture.fixedOrigin);
      expectVary(res, vary);
      const seen = await send(app.baseUrl, { method: 'GET', path: '/decision', headers: [['Origin', origin]] });
      expect(seen.status).toBe(200);
      expect(JSON.parse(seen.body)).toMatchObject({ allowed: false, reason: fixture.deniedReason });
    });

    it.each(fixture.denied)('denies the preflight of %s with 403 and no CORS headers; the app never runs', async (origin) => {
      const before = app.counts.handler;
      const res = await send(app.baseUrl, { method: 'OPTIONS', path: '/ok', headers: preflight(origin, fixture.preflight.method, fixture.preflight.requestHeaders) });
      expect(res.status).toBe(403);
      expect(res.cors).toEqual({});
      expect(app.counts.handler).toBe(before);
    });

    it('lets a request without Origin (curl, a mobile app, a server) reach the app', async () => {
      const res = await send(app.baseUrl, { method: 'POST', path: '/ok' });
      expect(res.status).toBe(200);
      expect(res.body).toBe('ok');
      if (fixture.fixedOrigin === undefined) expect(res.cors).toEqual({});
      const seen = await send(app.baseUrl, { method: 'GET', path: '/decision' });
      expect(JSON.parse(seen.body)).toMatchObject({ kind: 'not-cors', allowed: true });
    });
  });
}

/**
 * Runs `call` (awaiting it when it returns a promise), asserts that it threw a `CorsConfigError`
 * and returns it, for the "refuses at start-up" tables of every adapter.
 */
export async function configErrorOf(call: () => unknown): Promise<CorsConfigError> {
  let thrown: unknown;
  try {
    await call();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(CorsConfigError);
  return thrown as CorsConfigError;
}

/** What every drop-in `cors()` with no options must say: the three ways out. */
export const NO_OPTIONS_FIX = /origin: \["https:\/\/app\.example\.com"\]`\).*`origin: "\*"` on purpose.*`policyFromEnv\(\)`/;

/** One documented option of a peer, the request that shows it, and the answer it must get. */
export interface OptionRow<Options> {
  readonly option: string;
  readonly desc: string;
  readonly options: Options;
  readonly request: TestRequest;
  readonly status: number;
  /** The CORS headers of the answer, exactly. */
  readonly cors: Record<string, string>;
  /** Warning codes at start-up, in any order. */
  readonly warnings?: readonly string[];
  /** Other response headers to check (`undefined`: absent). */
  readonly headers?: Readonly<Record<string, string | undefined>>;
}

/** A preflight for PUT from `origin`, with `requestHeaders` as its ACRH when given. */
export function putPreflight(origin: string, requestHeaders?: string): TestRequest {
  return { method: 'OPTIONS', headers: preflight(origin, 'PUT', requestHeaders) };
}

/**
 * Starts the adapter's app with a row's options (`start` gets the options and a hook recording
 * start-up warnings, to pass as `onWarning`), sends the row's request to `/ok` and checks the
 * status, the exact CORS headers, the other headers named and the warnings.
 *
 * @example
 * ```ts
 * it.each(optionRows)('$option: $desc', (row) => expectOptionRow(row, (options, onWarning) => start({ ...options, onWarning })));
 * ```
 */
export async function expectOptionRow<Options>(row: OptionRow<Options>, start: (options: Options, onWarning: (warning: ConfigWarning) => void) => Promise<Started>): Promise<void> {
  const heard: string[] = [];
  const app = await start(row.options, (warning) => heard.push(warning.code));
  try {
    const res = await send(app.baseUrl, { path: '/ok', ...row.request });
    expect(res.status).toBe(row.status);
    expect(res.cors).toEqual(row.cors);
    for (const [name, value] of Object.entries(row.headers ?? {})) expect(res.header(name)).toBe(value);
    expect(heard.sort()).toEqual([...(row.warnings ?? [])].sort());
  } finally {
    await app.close();
  }
}

/**
 * Hooks to pass as `onWarning` and `onError`, and what they heard: warning codes and error reports.
 *
 * @example
 * ```ts
 * const heard = recordReports();
 * cors({ origin: SITE, ...heard.hooks });
 * expect(heard.warnings).toEqual(['dropin.peer-defaults']);
 * ```
 */
export function recordReports(): { warnings: string[]; errors: { error: unknown; context: ErrorContext }[]; hooks: Pick<CorsOptions, 'onWarning' | 'onError'> } {
  const warnings: string[] = [];
  const errors: { error: unknown; context: ErrorContext }[] = [];
  return { warnings, errors, hooks: { onWarning: (w: ConfigWarning) => warnings.push(w.code), onError: (error, context) => errors.push({ error, context }) } };
}
