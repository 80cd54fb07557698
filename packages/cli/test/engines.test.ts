/**
 * `corsica audit --engine` and `corsica explain --url`: what Chromium, Firefox and WebKit do with a
 * live server's answers, predicted by the conformance kit's engine model (measured in the real
 * engines by packages/e2e), over real HTTP against node:http servers on 127.0.0.1.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { BrowserEngine } from '@corsica/conformance';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditReport, CallPrediction, ExplainUrlResult } from '../src/index.js';
import { MAX_AUDIT_REQUESTS } from '../src/index.js';
import { cli } from './helpers/cli.js';
import { listen } from './helpers/servers.js';
import type { Listening } from './helpers/servers.js';

const APP = 'https://app.example.com';
const ENGINES: readonly BrowserEngine[] = ['chromium', 'firefox', 'webkit'];

interface Seen {
  readonly method: string;
  readonly acrh: string | undefined;
}

/**
 * A third party's API as many are configured: `*` everywhere, Max-Age 7200. With `credentialed`,
 * it echoes APP with credentials instead, and keeps `Access-Control-Allow-Headers: *`.
 */
function thirdParty(credentialed: boolean, seen: Seen[]) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const origin = req.headers.origin;
    seen.push({ method: req.method ?? '', acrh: req.headers['access-control-request-headers'] as string | undefined });
    res.setHeader('Vary', 'Origin');
    if (origin !== undefined) {
      if (!credentialed) res.setHeader('Access-Control-Allow-Origin', '*');
      else if (origin === APP) {
        res.setHeader('Access-Control-Allow-Origin', origin);
        res.setHeader('Access-Control-Allow-Credentials', 'true');
      }
    }
    if (req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined) {
      res.writeHead(204, { 'Access-Control-Allow-Headers': '*', 'Access-Control-Allow-Methods': 'GET, PUT, DELETE', 'Access-Control-Max-Age': '7200' }).end();
      return;
    }
    res.end('ok');
  };
}

// the third party both commands ask, without and with credentials; `seen` records what reached it
let open: Listening;
let credentialed: Listening;
const seen: Seen[] = [];
beforeAll(async () => {
  open = await listen(thirdParty(false, seen));
  credentialed = await listen(thirdParty(true, []));
});
afterAll(async () => {
  await open.close();
  await credentialed.close();
});

const byEngine = (call: CallPrediction) => Object.fromEntries(call.results.map((r) => [r.engine, r]));

describe('corsica audit --engine against a third party answering Access-Control-Allow-Headers: *', () => {

  const auditJson = async (args: readonly string[]): Promise<AuditReport> => {
    const result = await cli(['audit', ...args, '--json']);
    expect(result.stderr).toBe('');
    return JSON.parse(result.stdout) as AuditReport;
  };

  it('asks one preflight with Access-Control-Request-Headers: authorization, within the request budget', async () => {
    seen.length = 0;
    const report = await auditJson([`${open.baseUrl}/ok`, '--origin', APP]);
    expect(seen.filter((s) => s.method === 'OPTIONS' && s.acrh === 'authorization')).toHaveLength(1);
    expect(report.requests).toBe(seen.length);
    expect(report.requests).toBeLessThanOrEqual(MAX_AUDIT_REQUESTS);
  });

  it('predicts Authorization under "*" without credentials goes ahead in all three engines, with the Fetch standard\'s rule noted', async () => {
    const report = await auditJson([`${open.baseUrl}/ok`, '--origin', APP]);
    expect(report.engines.names).toEqual(ENGINES);
    const call = report.engines.calls.find((c) => c.id === 'engines.authorization')!;
    expect(call.call).toMatchObject({ origin: APP, headers: ['Authorization'], credentials: false });
    for (const engine of ENGINES) expect(byEngine(call)[engine], engine).toMatchObject({ allowed: true });
    expect(call.standard.allowed).toBe(false);
    expect(call.notes.join(' ')).toContain('whatwg/fetch#1919');
    expect(call.notes.join(' ')).toContain('measured 2026-12-02');
    expect(report.findings.find((f) => f.id === 'preflight.authorization-wildcard')?.severity).toBe('low');
  });

  it('asks for Authorization from an arbitrary site when no --origin is given (what a third party lets any page do)', async () => {
    const report = await auditJson([`${open.baseUrl}/ok`]);
    const call = report.engines.calls.find((c) => c.id === 'engines.authorization')!;
    expect(call.call.origin).toBe('https://evil.example');
    expect(call.results.every((r) => r.allowed)).toBe(true);
  });

  it('predicts the same call with credentials is blocked in all three engines: "*" is then the literal name', async () => {
    const report = await auditJson([`${credentialed.baseUrl}/ok`, '--origin', APP, '--credentials']);
    const call = report.engines.calls.find((c) => c.id === 'engines.authorization')!;
    expect(call.call.credentials).toBe(true);
    for (const engine of ENGINES) expect(byEngine(call)[engine], engine).toMatchObject({ allowed: false, preflight: { allowed: false, failure: { kind: 'header-not-allowed' } } });
    expect(byEngine(call)['chromium']!.console).toContain('Request header field authorization is not allowed by Access-Control-Allow-Headers in preflight response.');
    expect(byEngine(call)['webkit']!.console).toContain('Request header field Authorization is not allowed by Access-Control-Allow-Headers.');
    expect(call.notes).toEqual([]);
    expect(report.findings.map((f) => f.id)).not.toContain('preflight.authorization-wildcard');
  });

  it('predicts Max-Age 7200 is kept 7200 s by Chromium and Firefox but 600 s by WebKit, where the engines disagree', async () => {
    const report = await auditJson([`${open.baseUrl}/ok`, '--origin', APP]);
    const call = report.engines.calls.find((c) => c.id === 'engines.preflight-cache')!;
    expect(Object.fromEntries(call.results.map((r) => [r.engine, r.preflightCacheSeconds]))).toEqual({ chromium: 7200, firefox: 7200, webkit: 600 });
    expect(call.agree).toBe(false);
    expect(byEngine(call)['webkit']!.notes.join(' ')).toContain('at most 600 s');
  });

  it("notes the engines' cookie rules on a credentialed GET: WebKit drops a cross-site API's cookie, Firefox partitions it, Chromium sends it", async () => {
    const report = await auditJson([`${credentialed.baseUrl}/ok`, '--origin', APP, '--credentials']);
    const call = report.engines.calls.find((c) => c.id === 'engines.get')!;
    const r = byEngine(call);
    expect(call.results.every((x) => x.allowed)).toBe(true);
    expect(r['chromium']!.notes).toEqual([]);
    expect(r['firefox']!.notes.join(' ')).toContain('Total Cookie Protection');
    expect(r['webkit']!.notes.join(' ')).toContain("WebKitGTK, whose default cookie policy refuses a cookie set by a cross-site response");
  });

  it('prints engines that agree on one line and the ones that differ on their own, with where the model comes from', async () => {
    const result = await cli(['audit', `${open.baseUrl}/ok`, '--origin', APP]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('measured 2026-12-02 in Chromium 156, Firefox 153 ESR, WebKitGTK 2.50');
    expect(result.stdout).toMatch(/GET with Authorization from https:\/\/app\.example\.com, no credentials {2}\[engines\.authorization\]/);
    expect(result.stdout).toMatch(/chromium, firefox +preflight passes \(cached 7200 s\), the request goes ahead/);
    expect(result.stdout).toMatch(/webkit +preflight passes \(cached 600 s\), the request goes ahead/);
    expect(result.stdout).toContain('Fetch standard: blocked (see the note)');
  });

  it('predicts only the engine asked for with --engine, and refuses an unknown one', async () => {
    const report = await auditJson([`${open.baseUrl}/ok`, '--origin', APP, '--engine', 'webkit']);
    expect(report.engines.names).toEqual(['webkit']);
    expect(report.engines.calls.every((c) => c.results.length === 1 && c.results[0]!.engine === 'webkit')).toBe(true);
    const bad = await cli(['audit', `${open.baseUrl}/ok`, '--engine', 'trident']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--engine must be chromium, firefox, webkit or all');
  });
});

describe('corsica explain --url (no --policy) against a live server', () => {

  const explain = async (base: string, args: readonly string[]) => {
    const result = await cli(['explain', '--url', `${base}/ok`, '--origin', APP, ...args]);
    return result;
  };

  it('says all three engines let a GET with Authorization through under "*" without credentials, and what the standard says', async () => {
    const result = await explain(open.baseUrl, ['--headers', 'Authorization']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Preflight: OPTIONS /ok  Origin: https://app.example.com  Access-Control-Request-Method: GET  Access-Control-Request-Headers: authorization');
    expect(result.stdout).toContain("pass  Access-Control-Allow-Headers: '*' covers authorization in this engine (not under the Fetch standard).");
    expect(result.stdout).toContain('Fetch standard: blocked (see the note)');
    expect(result.stdout).toContain('whatwg/fetch#1919');
    expect(result.stdout).toContain('Result: the page gets the response (chromium, firefox, webkit).');
    const json = JSON.parse((await explain(open.baseUrl, ['--headers', 'Authorization', '--json'])).stdout) as ExplainUrlResult;
    expect(json.prediction.results.map((r) => [r.engine, r.allowed, r.preflightCacheSeconds])).toEqual([
      ['chromium', true, 7200],
      ['firefox', true, 7200],
      ['webkit', true, 600],
    ]);
    expect(json.prediction.standard.allowed).toBe(false);
  });

  it('says the same call with credentials is blocked in all three, quoting each console, and exits 1', async () => {
    const result = await explain(credentialed.baseUrl, ['--headers', 'Authorization', '--credentials']);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('FAIL  Access-Control-Allow-Headers: Request header field authorization is not allowed');
    expect(result.stdout).toContain(
      `chromium console: Access to fetch at '${credentialed.baseUrl}/ok' from origin '${APP}' has been blocked by CORS policy: Request header field authorization is not allowed by Access-Control-Allow-Headers in preflight response.`,
    );
    expect(result.stdout).toContain('firefox console: Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at');
    expect(result.stdout).toContain(`webkit console: Request header field Authorization is not allowed by Access-Control-Allow-Headers. Then: Fetch API cannot load ${credentialed.baseUrl}/ok due to access control checks.`);
    expect(result.stdout).toContain('webkit: the page\'s fetch rejects with TypeError: Load failed');
    expect(result.stdout).toContain('Result: the browser blocks the request (chromium, firefox, webkit).');
  });

  it("quotes WebKit's measured console line for Access-Control-Allow-Origin \"*\" on a credentialed GET, with --engine webkit only", async () => {
    const result = await explain(open.baseUrl, ['--credentials', '--engine', 'webkit']);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('webkit console: Cannot use wildcard in Access-Control-Allow-Origin when credentials flag is true.');
    expect(result.stdout).not.toContain('chromium');
  });

  it('caps the preflight cache per engine: 7200 s in Chromium, 600 s in WebKit', async () => {
    const result = await explain(open.baseUrl, ['--method', 'PUT', '--send']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Chromium \(Chrome, Edge\), Firefox:\n(?:.*\n)*? {2}preflight cached 7200 s/);
    expect(result.stdout).toMatch(/WebKit \(Safari\):\n(?:.*\n)*? {2}preflight cached 600 s/);
  });

  it('sends only the preflight of a DELETE unless --send is given, and nothing for a simple POST without it', async () => {
    seen.length = 0;
    const held = await explain(open.baseUrl, ['--method', 'delete']);
    expect(held.code).toBe(0);
    expect(seen.map((s) => s.method)).toEqual(['OPTIONS']);
    expect(held.stdout).toContain('the DELETE itself was not sent');
    seen.length = 0;
    const post = await explain(open.baseUrl, ['--method', 'POST']);
    expect(post.code).toBe(2);
    expect(post.stderr).toContain('pass --send');
    expect(seen).toEqual([]);
    seen.length = 0;
    const sent = await explain(open.baseUrl, ['--method', 'delete', '--send']);
    expect(sent.code).toBe(0);
    expect(seen.map((s) => s.method)).toEqual(['OPTIONS', 'DELETE']);
  });

  it('does not follow a redirect: the 302 is the answer judged, as browsers run the CORS check on every hop', async () => {
    const paths: string[] = [];
    const moved = await listen((req, res) => {
      paths.push(req.url ?? '');
      res.writeHead(302, { Location: '/elsewhere', 'Access-Control-Allow-Origin': '*' }).end();
    });
    try {
      const result = await cli(['explain', '--url', `${moved.baseUrl}/ok`, '--origin', APP, '--json']);
      const json = JSON.parse(result.stdout) as ExplainUrlResult;
      expect(paths).toEqual(['/ok']);
      expect(json.actual?.response.status).toBe(302);
    } finally {
      await moved.close();
    }
  });

  it('keeps --policy explaining the policy file, and exits 2 for a URL that does not answer', async () => {
    const withPolicy = await cli(['explain', '--policy', 'credentialed.json', '--origin', APP, '--url', `${open.baseUrl}/ok`]);
    expect(withPolicy.stdout).toContain('Request: CORS GET from origin https://app.example.com');
    const closed = await listen(() => undefined);
    const url = closed.baseUrl;
    await closed.close();
    const result = await cli(['explain', '--url', `${url}/ok`, '--origin', APP, '--timeout', '2000']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('did not answer');
  });
});
