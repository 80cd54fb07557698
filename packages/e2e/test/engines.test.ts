/**
 * Where browser engines differ from one another or from the Fetch standard, measured in the real
 * engines: `*` in each allow header with and without credentials, `Access-Control-Allow-Headers: *`
 * and `Authorization`, what the browser puts on the wire, the preflight cache's default lifetime
 * and its cap (the browser's clock moved with libfaketime), WebKit's console wording, and what
 * WebKit does with a cross-site API's cookie. Each measurement is compared with the conformance
 * kit's per-engine model (`browserCheck(request, response, engine)`, `ENGINE_FACTS`), so the model
 * claims no more than this file proves, and the measured table is printed
 * (`engine facts (measured): ...`).
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ENGINE_FACTS, browserCheck, predictFetch, preflightCacheSeconds } from '@corsica/conformance';
import type { BrowserEngine, BrowserRequest } from '@corsica/conformance';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeServer, startApi } from '../playground/api.mjs';
import type { RunningApi } from '../playground/api.mjs';
import { startPage } from '../playground/page.mjs';
import type { RunningPage } from '../playground/page.mjs';
import type { ProbeResult } from '../playground/public/probe.mjs';
import { testCertificate } from '../playground/tls.mjs';
import { TEST_HOSTS, launchEngine, launchWebKit, missingEngine } from './support/browsers.js';
import type { Engine, Session } from './support/browsers.js';
import { openMiniBrowser } from './support/webkit.js';

const ENGINES: readonly BrowserEngine[] = ['chromium', 'firefox', 'webkit'];

/** A response header no list makes readable unless `*` exposes everything. */
const SECRET = 'x-secret';

/** One probe: what the page asks, what the server answers to the preflight and to the request. */
interface Probe {
  readonly id: string;
  readonly what: string;
  readonly credentials: boolean;
  readonly method: string;
  readonly headers: ReadonlyArray<readonly [string, string]>;
  /** Response headers; `ORIGIN` stands for the request's Origin. */
  readonly preflight: Readonly<Record<string, string>>;
  readonly response: Readonly<Record<string, string>>;
}

const ORIGIN = 'ORIGIN';
const credentialed = { 'access-control-allow-origin': ORIGIN, 'access-control-allow-credentials': 'true' };

/** `*` in each allow header, with and without credentials. */
const PROBES: readonly Probe[] = [
  { id: 'acao-star', what: 'ACAO *, no credentials', credentials: false, method: 'GET', headers: [], preflight: {}, response: { 'access-control-allow-origin': '*' } },
  { id: 'acao-star-credentials', what: 'ACAO * + ACAC true, credentials', credentials: true, method: 'GET', headers: [], preflight: {}, response: { 'access-control-allow-origin': '*', 'access-control-allow-credentials': 'true' } },
  { id: 'acam-star', what: 'ACAM * for PUT, no credentials', credentials: false, method: 'PUT', headers: [], preflight: { 'access-control-allow-origin': '*', 'access-control-allow-methods': '*' }, response: { 'access-control-allow-origin': '*' } },
  { id: 'acam-star-credentials', what: 'ACAM * for PUT, credentials', credentials: true, method: 'PUT', headers: [], preflight: { ...credentialed, 'access-control-allow-methods': '*' }, response: credentialed },
  { id: 'acah-star', what: 'ACAH * for X-Custom, no credentials', credentials: false, method: 'GET', headers: [['X-Custom', '1']], preflight: { 'access-control-allow-origin': '*', 'access-control-allow-headers': '*' }, response: { 'access-control-allow-origin': '*' } },
  { id: 'acah-star-credentials', what: 'ACAH * for X-Custom, credentials', credentials: true, method: 'GET', headers: [['X-Custom', '1']], preflight: { ...credentialed, 'access-control-allow-headers': '*' }, response: credentialed },
  { id: 'acah-star-authorization', what: 'ACAH * for Authorization, no credentials', credentials: false, method: 'GET', headers: [['Authorization', 'Bearer t']], preflight: { 'access-control-allow-origin': '*', 'access-control-allow-headers': '*' }, response: { 'access-control-allow-origin': '*' } },
  { id: 'acah-star-authorization-credentials', what: 'ACAH * for Authorization, credentials', credentials: true, method: 'GET', headers: [['Authorization', 'Bearer t']], preflight: { ...credentialed, 'access-control-allow-headers': '*' }, response: credentialed },
  { id: 'acah-listed-authorization', what: 'ACAH Authorization listed, credentials', credentials: true, method: 'GET', headers: [['Authorization', 'Bearer t']], preflight: { ...credentialed, 'access-control-allow-headers': 'Authorization' }, response: credentialed },
  { id: 'aceh-star', what: 'ACEH *, no credentials', credentials: false, method: 'GET', headers: [], preflight: {}, response: { 'access-control-allow-origin': '*', 'access-control-expose-headers': '*' } },
  { id: 'aceh-star-credentials', what: 'ACEH *, credentials', credentials: true, method: 'GET', headers: [], preflight: {}, response: { ...credentialed, 'access-control-expose-headers': '*' } },
];

/** What a probe showed: did `fetch` resolve, what reached the server, which extra header script read. */
interface Measured {
  readonly readable: boolean;
  readonly preflight: boolean;
  readonly actual: boolean;
  readonly secretReadable: boolean;
}

/** One request as the server received it. */
interface Received {
  readonly method: string;
  readonly headers: http.IncomingHttpHeaders;
}

/**
 * `/wire/<case>/<run>`: records every request, and answers with the page's origin allowed, with
 * credentials, PUT, patch and DELETE, and the headers authorization, x-a and x-b. Cases:
 * `set-cookie` sets a SameSite=Lax cookie, `doubled` sends Access-Control-Allow-Origin twice,
 * `preflight-403` answers the preflight 403 (with every allow header).
 */
function answerWire(kind: string, req: http.IncomingMessage, res: http.ServerResponse, isPreflight: boolean): void {
  const origin = req.headers.origin ?? '';
  const allow: Record<string, string | string[]> = { 'access-control-allow-origin': kind === 'doubled' ? [origin, origin] : origin, 'access-control-allow-credentials': 'true' };
  if (isPreflight) {
    res.writeHead(kind === 'preflight-403' ? 403 : 204, { ...allow, 'access-control-allow-methods': 'PUT, patch, DELETE', 'access-control-allow-headers': 'authorization, x-a, x-b' }).end();
    return;
  }
  if (kind === 'set-cookie') allow['set-cookie'] = 'corsica_probe=1; SameSite=Lax; Path=/; HttpOnly';
  res.writeHead(200, { ...allow, 'content-type': 'text/plain' }).end('ok');
}

/**
 * WebKit's console messages, measured (`openMiniBrowser`): for each way a response fails the CORS
 * check, the message WebKit logs about the check (`CONSOLE SECURITY ERROR`), then
 * `Fetch API cannot load <url> due to access control checks.` (`CONSOLE JS ERROR`), and
 * `TypeError: Load failed` for script. `{origin}` is the page's origin.
 */
const WEBKIT_CONSOLE: ReadonlyArray<{
  readonly id: string;
  readonly init: { readonly method?: string; readonly credentials?: 'include'; readonly headers?: Readonly<Record<string, string>> };
  readonly preflight?: readonly [number, Readonly<Record<string, string>>];
  readonly response?: Readonly<Record<string, string | readonly string[]>>;
  readonly says: string;
}> = [
  { id: 'no-acao', init: {}, response: {}, says: 'Origin {origin} is not allowed by Access-Control-Allow-Origin. Status code: 200' },
  { id: 'acao-other', init: {}, response: { 'access-control-allow-origin': 'https://other.example' }, says: 'Origin {origin} is not allowed by Access-Control-Allow-Origin. Status code: 200' },
  { id: 'acao-doubled', init: {}, response: { 'access-control-allow-origin': [ORIGIN, ORIGIN] }, says: 'Access-Control-Allow-Origin cannot contain more than one origin.' },
  { id: 'star-credentials', init: { credentials: 'include' }, response: { 'access-control-allow-origin': '*', 'access-control-allow-credentials': 'true' }, says: 'Cannot use wildcard in Access-Control-Allow-Origin when credentials flag is true.' },
  { id: 'acac-missing', init: { credentials: 'include' }, response: { 'access-control-allow-origin': ORIGIN }, says: 'Credentials flag is true, but Access-Control-Allow-Credentials is not "true".' },
  // what Corsica answers to every refused preflight: 403, no CORS header
  { id: 'preflight-403', init: { method: 'PUT' }, preflight: [403, {}], says: 'Preflight response is not successful. Status code: 403' },
  { id: 'preflight-401-with-headers', init: { method: 'PUT' }, preflight: [401, { 'access-control-allow-origin': ORIGIN, 'access-control-allow-methods': 'PUT' }], says: 'Preflight response is not successful. Status code: 401' },
  { id: 'method-not-allowed', init: { method: 'PUT' }, preflight: [204, { 'access-control-allow-origin': ORIGIN, 'access-control-allow-methods': 'GET' }], says: 'Method PUT is not allowed by Access-Control-Allow-Methods.' },
  { id: 'header-not-allowed', init: { headers: { 'X-Debug': '1' } }, preflight: [204, { 'access-control-allow-origin': ORIGIN, 'access-control-allow-headers': 'content-type' }], says: 'Request header field X-Debug is not allowed by Access-Control-Allow-Headers.' }, // the name as the page wrote it
];

/** `/console/page` (the page that sends every case, logging `case <id>` first) and `/console/case/<id>`. */
function answerConsole(kind: string, id: string, req: http.IncomingMessage, res: http.ServerResponse, address: AddressInfo): void {
  if (kind === 'page') {
    const cases = Object.fromEntries(WEBKIT_CONSOLE.map((probe) => [probe.id, probe.init]));
    const script = `const cases = ${JSON.stringify(cases)};
for (const [id, init] of Object.entries(cases)) {
  console.log('case ' + id);
  try { await fetch('http://127.0.0.1:${address.port}/console/case/' + id, init); console.log('readable'); } catch (error) { console.log('rejected ' + error); }
}
console.log('cases done');`;
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(`<!doctype html><title>console</title><script type="module">${script}</script>`);
    return;
  }
  const probe = WEBKIT_CONSOLE.find((candidate) => candidate.id === id);
  const origin = req.headers.origin ?? '';
  const fill = (headers: Readonly<Record<string, string | readonly string[]>>) =>
    Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, typeof value === 'string' ? (value === ORIGIN ? origin : value) : value.map((one) => (one === ORIGIN ? origin : one))]));
  if (probe === undefined) res.writeHead(404).end();
  else if (req.method === 'OPTIONS' && probe.preflight !== undefined) res.writeHead(probe.preflight[0], fill(probe.preflight[1])).end();
  else res.writeHead(200, { ...fill(probe.response ?? {}), 'content-type': 'text/plain' }).end('x');
}

/** The server: answers each probe's preflight and request with the probe's headers, and counts what arrived. */
async function startProbeServer(): Promise<{ port: number; arrived: (id: string) => { preflight: number; actual: number }; received: (key: string) => readonly Received[]; close: () => Promise<void> }> {
  const seen = new Map<string, { preflight: number; actual: number }>();
  const requests = new Map<string, Received[]>();
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://probe.invalid');
    const [, id = '', run = '', extra = ''] = url.pathname.split('/');
    if (id === 'console') {
      answerConsole(run, extra, req, res, server.address() as AddressInfo);
      return;
    }
    if (id === 'wire') {
      const key = `${run}/${extra}`;
      requests.set(key, [...(requests.get(key) ?? []), { method: req.method ?? '', headers: req.headers }]);
      answerWire(run, req, res, req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined);
      return;
    }
    const probe = PROBES.find((candidate) => candidate.id === id) ?? MAX_AGE_PROBES.find((candidate) => candidate.id === id);
    const key = `${id}/${run}`;
    const count = seen.get(key) ?? { preflight: 0, actual: 0 };
    seen.set(key, count);
    const isPreflight = req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined;
    if (isPreflight) count.preflight++;
    else count.actual++;
    const origin = req.headers.origin ?? '';
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(probe === undefined ? {} : isPreflight ? probe.preflight : probe.response)) headers[name] = value === ORIGIN ? origin : value;
    if (isPreflight) {
      res.writeHead(204, headers).end();
      return;
    }
    res.writeHead(200, { ...headers, [SECRET]: 's3cret', 'content-type': 'text/plain' }).end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    arrived: (key) => seen.get(key) ?? { preflight: 0, actual: 0 },
    received: (key) => requests.get(key) ?? [],
    close: () => closeServer(server),
  };
}

/** Preflight cache lifetimes: Max-Age 1 (expires while the test waits), none (5 s default). */
const MAX_AGE_PROBES: readonly Probe[] = [
  { id: 'max-age-1', what: 'Max-Age 1', credentials: false, method: 'PUT', headers: [], preflight: { 'access-control-allow-origin': '*', 'access-control-allow-methods': 'PUT', 'access-control-max-age': '1' }, response: { 'access-control-allow-origin': '*' } },
  { id: 'max-age-none', what: 'no Max-Age', credentials: false, method: 'PUT', headers: [], preflight: { 'access-control-allow-origin': '*', 'access-control-allow-methods': 'PUT' }, response: { 'access-control-allow-origin': '*' } },
];

let page: RunningPage;
let server: Awaited<ReturnType<typeof startProbeServer>>;
const table: string[] = [];

beforeAll(async () => {
  page = await startPage({ config: () => ({}) });
  server = await startProbeServer();
});

afterAll(async () => {
  console.log(`engine facts (measured):\n${table.map((line) => `  ${line}`).join('\n')}`);
  await Promise.all([server?.close(), page?.close()]);
});

async function send(session: Session, probe: Probe, run: string): Promise<Measured> {
  const url = `http://localhost:${server.port}/${probe.id}/${run}`;
  const result = await session.evaluate<ProbeResult>(`globalThis.corsicaProbe(${JSON.stringify({ url, method: probe.method, headers: probe.headers, body: null, credentials: probe.credentials ? 'include' : 'omit' })})`);
  const arrived = server.arrived(`${probe.id}/${run}`);
  return { readable: result.ok, preflight: arrived.preflight > 0, actual: arrived.actual > 0, secretReadable: result.ok && SECRET in result.headers };
}

/** What the model says the engine does with a probe (`engine` undefined: the Fetch standard). */
function predicted(probe: Probe, engine: BrowserEngine | undefined): Measured {
  const origin = page.url('localhost');
  const fill = (headers: Readonly<Record<string, string>>) => Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, value === ORIGIN ? origin : value]));
  const request: BrowserRequest = { origin, credentials: probe.credentials };
  const unsafeHeaders = probe.headers.map(([name]) => name.toLowerCase());
  const needsPreflight = probe.method !== 'GET' || unsafeHeaders.length > 0;
  if (needsPreflight) {
    const verdict = browserCheck({ ...request, preflight: { method: probe.method, headers: unsafeHeaders } }, { status: 204, headers: fill(probe.preflight) }, engine);
    if (!verdict.allowed) return { readable: false, preflight: true, actual: false, secretReadable: false };
  }
  const verdict = browserCheck(request, { status: 200, headers: { ...fill(probe.response), [SECRET]: 's3cret' } }, engine);
  const secretReadable = verdict.allowed && (verdict.exposed === '*' || verdict.exposed.includes(SECRET));
  return { readable: verdict.allowed, preflight: needsPreflight, actual: true, secretReadable };
}

const show = (m: Measured): string => `${m.readable ? 'readable' : 'blocked'}${m.preflight ? `, preflight${m.actual ? '' : ' only'}` : ''}${m.secretReadable ? `, ${SECRET} readable` : ''}`;

for (const name of ENGINES) {
  const missing = missingEngine(name);
  if (missing !== undefined) console.warn(missing);

  describe.skipIf(missing !== undefined)(`in ${name}`, () => {
    let engine: Engine | undefined;
    let session: Session;
    beforeAll(async () => {
      engine = await launchEngine(name);
      session = await engine.newSession();
      await session.goto(`${page.url('localhost')}/`);
    });
    afterAll(async () => {
      await session?.close();
      await engine?.close();
    });

    it.each(PROBES.map((probe) => [probe.what, probe] as const))('treats %s as the per-engine model predicts', async (_what, probe) => {
      const measured = await send(session, probe, name);
      table.push(`${name.padEnd(8)} ${probe.what.padEnd(42)} ${show(measured)}`);
      expect(measured, `${name} did this`).toEqual(predicted(probe, name));
    });

    it('lets Access-Control-Allow-Headers: * cover Authorization without credentials, which the Fetch standard forbids', async () => {
      const probe = PROBES.find((candidate) => candidate.id === 'acah-star-authorization')!;
      const measured = await send(session, probe, `${name}-spec`);
      expect(ENGINE_FACTS[name].wildcardCoversAuthorization).toBe(true);
      expect(measured).toMatchObject({ readable: true, actual: true });
      // the standard's model refuses it: this is the one place the engine and the spec part
      expect(predicted(probe, undefined)).toMatchObject({ readable: false, actual: false });
    });

    const wire = (kind: string, init: { method: string; headers?: ReadonlyArray<readonly [string, string]>; credentials?: boolean }) =>
      session.evaluate<ProbeResult>(
        `globalThis.corsicaProbe(${JSON.stringify({ url: `http://localhost:${server.port}/wire/${kind}/${name}`, method: init.method, headers: init.headers ?? [], body: null, credentials: init.credentials ? 'include' : 'omit' })})`,
      );

    it('sends no cookie and no Authorization on a preflight, and both on the request that follows', async () => {
      expect(await wire('set-cookie', { method: 'GET', credentials: true })).toMatchObject({ ok: true });
      expect(await wire('credentialed', { method: 'PUT', headers: [['Authorization', 'Bearer t']], credentials: true })).toMatchObject({ ok: true });
      const [preflight, actual] = server.received(`credentialed/${name}`);
      expect(preflight?.method).toBe('OPTIONS');
      expect(preflight?.headers, 'the preflight').not.toHaveProperty('cookie');
      expect(preflight?.headers, 'the preflight').not.toHaveProperty('authorization');
      expect(preflight?.headers['access-control-request-headers']).toBe('authorization');
      expect(actual?.headers, 'the PUT').toMatchObject({ cookie: 'corsica_probe=1', authorization: 'Bearer t' });
      table.push(`${name.padEnd(8)} ${'preflight credentials'.padEnd(42)} no Cookie, no Authorization on the OPTIONS; both on the PUT`);
    });

    it('upper-cases delete but sends patch as written, and lists request headers lower-cased, sorted, without spaces', async () => {
      await wire('methods-delete', { method: 'delete' });
      await wire('methods-patch', { method: 'patch', headers: [['X-B', '1'], ['X-A', '2']] });
      const asked = (key: string) => server.received(`${key}/${name}`)[0]?.headers;
      expect(asked('methods-delete')?.['access-control-request-method']).toBe('DELETE');
      expect(asked('methods-patch')?.['access-control-request-method']).toBe('patch');
      expect(asked('methods-patch')?.['access-control-request-headers']).toBe('x-a,x-b');
      table.push(`${name.padEnd(8)} ${'ACRM / ACRH'.padEnd(42)} delete -> DELETE, patch stays patch; X-B, X-A -> "x-a,x-b"`);
    });

    it('blocks a response that carries Access-Control-Allow-Origin twice, even with the page origin both times', async () => {
      const result = await wire('doubled', { method: 'GET' });
      expect(result).toMatchObject({ ok: false, error: { name: 'TypeError' } });
      expect(server.received(`doubled/${name}`)).toHaveLength(1);
      table.push(`${name.padEnd(8)} ${'ACAO sent twice'.padEnd(42)} blocked`);
    });

    it('blocks a preflight answered 403, even with every allow header, and never sends the request', async () => {
      const result = await wire('preflight-403', { method: 'PUT' });
      expect(result).toMatchObject({ ok: false, error: { name: 'TypeError' } });
      expect(server.received(`preflight-403/${name}`).map((request) => request.method)).toEqual(['OPTIONS']);
      table.push(`${name.padEnd(8)} ${'preflight 403 with allow headers'.padEnd(42)} blocked, PUT never sent`);
    });

    it("rejects a blocked fetch with a TypeError in the engine's own words", async () => {
      const result = await wire('doubled', { method: 'GET' });
      expect(result).toMatchObject({ ok: false, error: { name: 'TypeError', message: ENGINE_FACTS[name].fetchError } });
      table.push(`${name.padEnd(8)} ${'what script sees when blocked'.padEnd(42)} TypeError: ${ENGINE_FACTS[name].fetchError}`);
    });

    it('caches a preflight for its Max-Age, and for 5 s when there is none, then asks again', async () => {
      const [short, none] = MAX_AGE_PROBES as [Probe, Probe];
      const count = (probe: Probe) => server.arrived(`${probe.id}/${name}`).preflight;
      for (const probe of [short, none]) {
        await send(session, probe, name);
        await send(session, probe, name);
      }
      // within the lifetime: one preflight each
      expect([count(short), count(none)]).toEqual([1, 1]);
      expect([preflightCacheSeconds('1', name), preflightCacheSeconds(undefined, name)]).toEqual([1, 5]);
      await new Promise((resolve) => setTimeout(resolve, 1600));
      await send(session, short, name);
      await send(session, none, name);
      // Max-Age 1 has run out; the 5 s default has not
      expect([count(short), count(none)], `${name}: preflights after 1.6 s`).toEqual([2, 1]);
      table.push(`${name.padEnd(8)} ${'preflight cache'.padEnd(42)} Max-Age 1 expired after 1.6 s, no Max-Age still cached (5 s default)`);
    });
  });
}

/** libfaketime (Debian's `libfaketime`): moves a browser's clock without touching the machine's. */
const FAKETIME = process.env['CORSICA_LIBFAKETIME'] ?? '/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1';

/**
 * The preflight cache's cap, measured: a preflight answered with Max-Age 200000 is cached, then
 * the browser's clock (all its processes, through libfaketime reading an offset from a file) is
 * moved to 10 s before the engine's cap, and to 10 s after it. Firefox ESR does not start under
 * libfaketime here, so its cap stays the documented one (`ENGINE_FACTS.firefox.maxAgeCapSource`).
 */
const CAP_ENGINES = ['chromium', 'webkit'] as const;
const noFaketime = existsSync(FAKETIME) ? undefined : `corsica: the Max-Age cap measurement needs libfaketime (apt-get install -y libfaketime, or set CORSICA_LIBFAKETIME): none at ${FAKETIME}`;
if (noFaketime !== undefined && process.env['CORSICA_REQUIRE_BROWSERS'] === '1') throw new Error(noFaketime.replace('needs', 'is required (CORSICA_REQUIRE_BROWSERS=1) and needs'));
if (noFaketime !== undefined) console.warn(noFaketime);

describe.skipIf(noFaketime !== undefined)('the preflight cache cap, with the browser clock moved', () => {
  it.each(CAP_ENGINES.filter((name) => missingEngine(name) === undefined))('%s caches Access-Control-Max-Age: 200000 for its cap and no longer', async (name) => {
    const cap = ENGINE_FACTS[name].maxAgeCap;
    const dir = mkdtempSync(join(tmpdir(), 'corsica-faketime-'));
    const clock = join(dir, 'offset');
    writeFileSync(clock, '+0\n');
    let preflights = 0;
    const api = http.createServer((req, res) => {
      if (req.method === 'OPTIONS') {
        preflights++;
        res.writeHead(204, { 'access-control-allow-origin': '*', 'access-control-allow-methods': 'PUT', 'access-control-max-age': '200000' }).end();
      } else res.writeHead(200, { 'access-control-allow-origin': '*' }).end('ok');
    });
    await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
    // every process re-reads the offset at most once a second
    const engine = await launchEngine(name, { env: { LD_PRELOAD: FAKETIME, FAKETIME_TIMESTAMP_FILE: clock, FAKETIME_CACHE_DURATION: '1' } });
    try {
      const session = await engine.newSession();
      await session.goto(`${page.url('localhost')}/`);
      const url = `http://127.0.0.1:${(api.address() as AddressInfo).port}/cap`;
      const put = () => session.evaluate<ProbeResult>(`globalThis.corsicaProbe(${JSON.stringify({ url, method: 'PUT', headers: [], body: null, credentials: 'omit' })})`);
      const after = async (seconds: number) => {
        writeFileSync(clock, `+${seconds}\n`);
        await new Promise((resolve) => setTimeout(resolve, 2500));
        expect(await put(), `a PUT ${seconds} s later`).toMatchObject({ ok: true });
        return preflights;
      };
      expect(await put()).toMatchObject({ ok: true });
      expect(preflights, 'the first PUT is preflighted').toBe(1);
      expect(await after(cap - 10), `${name}: ${cap - 10} s later, the preflight is still cached`).toBe(1);
      expect(await after(cap + 10), `${name}: ${cap + 10} s later, the cache entry is gone (cap ${cap} s)`).toBe(2);
      expect(preflightCacheSeconds('200000', name)).toBe(cap);
      table.push(`${name.padEnd(8)} ${'Max-Age 200000'.padEnd(42)} cached ${cap - 10} s later, preflighted again ${cap + 10} s later: capped at ${cap} s`);
    } finally {
      await engine.close();
      await closeServer(api);
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

/** The console message the conformance kit's model gives WebKit for a `WEBKIT_CONSOLE` case. */
function predictedWebKitConsole(probe: (typeof WEBKIT_CONSOLE)[number], origin: string, url: string): string | undefined {
  const fill = (headers: Readonly<Record<string, string | readonly string[]>>) =>
    Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, typeof value === 'string' ? (value === ORIGIN ? origin : value) : value.map((v) => (v === ORIGIN ? origin : v))]));
  const call = { origin, url, method: probe.init.method ?? 'GET', headers: Object.keys(probe.init.headers ?? {}), credentials: probe.init.credentials === 'include' };
  const answers = probe.preflight !== undefined ? { preflight: { status: probe.preflight[0], headers: fill(probe.preflight[1]) } } : { actual: { status: 200, headers: fill(probe.response ?? {}) } };
  return predictFetch(call, answers, 'webkit').console;
}

describe.skipIf(missingEngine('webkit') !== undefined)('WebKit console messages', () => {
  it("logs each CORS failure in WebKit's own words, then \"Fetch API cannot load ... due to access control checks.\"", async () => {
    // the page and its server share a port; the cases go to 127.0.0.1, another origin
    const origin = `http://localhost:${server.port}`;
    const run = await openMiniBrowser(`${origin}/console/page/x`);
    try {
      await run.waitFor('CONSOLE LOG cases done', 15_000);
      const sections = run.output().split(/^.*CONSOLE LOG case /m).slice(1);
      const logged = new Map(sections.map((section) => {
        const [id = '', ...lines] = section.split('\n');
        return [id.trim(), lines.filter((line) => /^CONSOLE (SECURITY|JS) ERROR /.test(line)).map((line) => line.replace(/^CONSOLE (SECURITY|JS) ERROR /, ''))] as const;
      }));
      for (const probe of WEBKIT_CONSOLE) {
        const url = `http://127.0.0.1:${server.port}/console/case/${probe.id}`;
        expect(logged.get(probe.id), `WebKit's console for ${probe.id}`).toEqual([probe.says.replace('{origin}', origin), `Fetch API cannot load ${url} due to access control checks.`]);
        // the kit's model quotes the same lines (corsica audit and explain --url print them)
        expect(predictedWebKitConsole(probe, origin, url), `the kit's WebKit console for ${probe.id}`).toBe(`${probe.says.replace('{origin}', origin)} Then: Fetch API cannot load ${url} due to access control checks.`);
        table.push(`${'webkit'.padEnd(8)} ${`console: ${probe.id}`.padEnd(42)} "${probe.says}"`);
      }
      expect(run.output()).toContain('CONSOLE LOG rejected TypeError: Load failed');
    } finally {
      await run.close();
    }
  });
});

/**
 * WebKit and a cross-site API's cookie: blocked in WebKitGTK's default policy (the e2e matrix's
 * `cookie-cross-site` scenario shows it), and sent once the cookie policy accepts third-party
 * cookies, with the same CORS headers: the block is cookie policy, not CORS.
 */
describe.skipIf(missingEngine('webkit') !== undefined)('WebKit and cross-site cookies', () => {
  let apiServer: RunningApi;
  let crossPage: RunningPage;
  beforeAll(async () => {
    const tls = testCertificate(TEST_HOSTS);
    crossPage = await startPage({ tls, config: () => ({}) });
    apiServer = await startApi({ adapter: 'express', pageOrigins: [crossPage.url('app.test')], tls });
  });
  afterAll(async () => {
    await Promise.all([apiServer?.close(), crossPage?.close()]);
  });

  it.each([
    ['no-third-party', false],
    ['always', true],
  ] as const)('with --cookies-policy=%s, the session cookie comes back: %s', async (policy, comesBack) => {
    const engine = await launchWebKit({ cookiesPolicy: policy });
    try {
      const session = await engine.newSession();
      await session.goto(`${crossPage.url('app.test')}/`);
      const call = (path: string, method: string) =>
        session.evaluate<ProbeResult>(`globalThis.corsicaProbe(${JSON.stringify({ url: `${apiServer.url('api.test')}/app${path}`, method, headers: [], body: null, credentials: 'include' })})`);
      const login = await call('/login', 'POST');
      const me = await call('/me', 'GET');
      expect(login, 'the credentialed POST is readable').toMatchObject({ ok: true, status: 200 });
      expect(me, 'the credentialed GET is readable').toMatchObject({ ok: true, status: 200 });
      const set = JSON.parse(login.ok ? login.body : '{}').session as string;
      const seen = JSON.parse(me.ok ? me.body : '{}').session as string | null;
      expect(seen, `WebKit with --cookies-policy=${policy}`).toBe(comesBack ? set : null);
      table.push(`${'webkit'.padEnd(8)} ${`cross-site cookie, --cookies-policy=${policy}`.padEnd(42)} ${seen === null ? 'not sent back' : 'sent back'} (responses readable either way)`);
      if (policy === 'no-third-party') expect(ENGINE_FACTS.webkit.thirdPartyCookies).toBe('blocked');
    } finally {
      await engine.close();
    }
  });

  /*
   * Where WebKitGTK and Safari part: WebKitGTK's `no-third-party` policy never lets a cross-site
   * response set a cookie, but sends one the user got by visiting the API's site directly. Safari
   * (since 13.1) sends neither; this is measured for WebKitGTK only.
   */
  it('with the default policy, sends a cookie the user got by visiting the API site first, never one set cross-site', async () => {
    const tls = testCertificate(TEST_HOSTS);
    const api = https.createServer(tls, (req, res) => {
      const origin = req.headers.origin;
      const headers: Record<string, string> = origin === undefined ? {} : { 'access-control-allow-origin': origin, 'access-control-allow-credentials': 'true' };
      if (req.url === '/visit') headers['set-cookie'] = 'visited=1; SameSite=None; Secure; Path=/';
      if (req.url === '/cross-site-set') headers['set-cookie'] = 'crosssite=1; SameSite=None; Secure; Path=/';
      res.writeHead(200, { ...headers, 'content-type': 'text/plain' }).end(`cookie: ${req.headers.cookie ?? 'none'}`);
    });
    await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
    const apiOrigin = `https://api.test:${(api.address() as AddressInfo).port}`;
    const engine = await launchWebKit();
    try {
      const session = await engine.newSession();
      const read = (path: string) => session.evaluate<string>(`fetch(${JSON.stringify(`${apiOrigin}${path}`)}, { credentials: 'include' }).then((response) => response.text())`);
      await session.goto(`${crossPage.url('app.test')}/`);
      expect(await read('/cross-site-set'), 'no cookie yet').toBe('cookie: none');
      expect(await read('/read'), 'a cookie set by a cross-site response is refused').toBe('cookie: none');
      await session.goto(`${apiOrigin}/visit`);
      await session.goto(`${crossPage.url('app.test')}/`);
      expect(await read('/read'), 'after a visit to the API site').toBe('cookie: visited=1');
      table.push(`${'webkit'.padEnd(8)} ${'cross-site cookie after a first-party visit'.padEnd(42)} sent by WebKitGTK (Safari blocks it: documented, not measured)`);
    } finally {
      await engine.close();
      await closeServer(api);
    }
  });
});
